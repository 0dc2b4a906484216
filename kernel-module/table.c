// SPDX-License-Identifier: GPL-2.0
/*
 * Tables: /proc/rtprelay/control "add N" / "del N". A table owns its targets
 * (target.c), its pinned areas (shm.c), its counters and its /proc dir. The
 * packet path finds a table by number in an xarray under RCU.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "rtprelay.h"

static DEFINE_MUTEX(tables_lock); /* add/del, module exit */
static DEFINE_XARRAY(tables);
static bool tables_closing; /* module exit began: no new tables */

static struct rtprelay_table *table_new(u32 id)
{
	struct rtprelay_table *t;
	int err = -ENOMEM;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->id = id;
	mutex_init(&t->lock);
	INIT_LIST_HEAD(&t->target_list);
	t->stats = alloc_percpu(struct rtprelay_pcpu_stats);
	if (!t->stats)
		goto err_free_table;
	err = rtprelay_targets_init(t);
	if (err)
		goto err_free_stats;
	rtprelay_shm_init(t);
	return t;

err_free_stats:
	free_percpu(t->stats);
err_free_table:
	kfree(t);
	return ERR_PTR(err);
}

/* t is unpublished, has no targets and no areas, and a grace period passed. */
static void table_free(struct rtprelay_table *t)
{
	rtprelay_targets_destroy(t);
	free_percpu(t->stats);
	mutex_destroy(&t->lock);
	kfree(t);
}

/* tables_lock held. */
static void table_delete(struct rtprelay_table *t)
{
	xa_erase(&tables, t->id);
	/* Waits for readers and writers of its files; descriptors still open
	 * are released now (which flushes too). */
	rtprelay_proc_table_del(t);
	mutex_lock(&t->lock);
	rtprelay_target_flush(t);
	rtprelay_shm_unpin_all(t); /* runs synchronize_net() first */
	mutex_unlock(&t->lock);
	synchronize_net(); /* for packets that found the table itself */
	table_free(t);
}

int rtprelay_tables_init(void)
{
	tables_closing = false;
	return 0;
}

void rtprelay_tables_exit(void)
{
	struct rtprelay_table *t;
	unsigned long id;

	mutex_lock(&tables_lock);
	tables_closing = true;
	xa_for_each(&tables, id, t) table_delete(t);
	mutex_unlock(&tables_lock);
	xa_destroy(&tables);
	rcu_barrier(); /* target_free_rcu() is our code */
}

int rtprelay_table_add(u32 id)
{
	struct rtprelay_table *t;
	int err;

	if (id >= RTPRELAY_MAX_TABLES)
		return -EINVAL;
	mutex_lock(&tables_lock);
	err = -ENODEV;
	if (tables_closing)
		goto out_unlock;
	err = -EEXIST;
	if (xa_load(&tables, id))
		goto out_unlock;
	t = table_new(id);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out_unlock;
	}
	err = rtprelay_proc_table_add(t);
	if (err)
		goto err_free_table;
	err = xa_err(xa_store(&tables, id, t, GFP_KERNEL));
	if (err)
		goto err_proc;
	mutex_unlock(&tables_lock);
	return 0;

err_proc:
	rtprelay_proc_table_del(t);
err_free_table:
	table_free(t);
out_unlock:
	mutex_unlock(&tables_lock);
	return err;
}

int rtprelay_table_del(u32 id)
{
	struct rtprelay_table *t;
	unsigned int users;
	int err = -ENOENT;

	if (id >= RTPRELAY_MAX_TABLES)
		return -EINVAL;
	mutex_lock(&tables_lock);
	t = xa_load(&tables, id);
	if (!t)
		goto out_unlock;
	mutex_lock(&t->lock);
	users = t->users;
	mutex_unlock(&t->lock);
	/* A descriptor opened after this check is closed by the /proc
	 * removal in table_delete(). */
	err = -EBUSY;
	if (users)
		goto out_unlock;
	table_delete(t);
	err = 0;
out_unlock:
	mutex_unlock(&tables_lock);
	return err;
}

struct rtprelay_table *rtprelay_table_get_rcu(u32 id)
{
	return xa_load(&tables, id);
}
