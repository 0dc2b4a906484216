// SPDX-License-Identifier: GPL-2.0
/*
 * Targets: what to do with packets arriving at one local address and port.
 * Kept in an rhashtable (RCU lookup from the packet path, resized with use)
 * and on a list for walks; both changed only under table->lock. A deleted
 * or replaced target is freed after a grace period; user space learns that
 * the grace period passed from the BARRIER command.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "rtprelay.h"

static const struct rhashtable_params target_params = {
	.key_len = sizeof(struct rtprelay_key),
	.key_offset = offsetof(struct rtprelay_ktarget, key),
	.head_offset = offsetof(struct rtprelay_ktarget, node),
	.automatic_shrinking = true,
};

int rtprelay_targets_init(struct rtprelay_table *t)
{
	return rhashtable_init(&t->targets, &target_params);
}

void rtprelay_targets_destroy(struct rtprelay_table *t)
{
	WARN_ON_ONCE(t->n_targets);
	rhashtable_destroy(&t->targets);
}

int rtprelay_addr_check(const struct rtprelay_addr *a, bool port_optional)
{
	size_t alen;

	if (a->family == RTPRELAY_AF_INET)
		alen = 4;
	else if (a->family == RTPRELAY_AF_INET6)
		alen = 16;
	else
		return -EINVAL;
	if (a->pad || a->pad2 || (!a->port && !port_optional))
		return -EINVAL;
	if (alen < sizeof(a->addr) && memchr_inv(a->addr + alen, 0, sizeof(a->addr) - alen))
		return -EINVAL;
	if (!memchr_inv(a->addr, 0, alen)) /* the any-address names no one */
		return -EINVAL;
	/* fe80::/10 means something only with an interface, which the ABI
	 * does not carry (and a key without one would match every link). */
	if (a->family == RTPRELAY_AF_INET6 &&
	    (ipv6_addr_type((const struct in6_addr *)a->addr) & IPV6_ADDR_LINKLOCAL))
		return -EADDRNOTAVAIL;
	return 0;
}

static void key_of(const struct rtprelay_addr *a, struct rtprelay_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	k->port = a->port;
	memcpy(k->addr, a->addr, sizeof(k->addr));
}

static int target_check(const struct rtprelay_target *s)
{
	int err;

	err = rtprelay_addr_check(&s->local, false);
	if (!err)
		err = rtprelay_addr_check(&s->src_out, false);
	if (!err)
		err = rtprelay_addr_check(&s->dst_out, false);
	if (err)
		return err;
	if (s->src_out.family != s->dst_out.family)
		return -EINVAL;
	/* Sending to itself would loop every packet through the stack. */
	if (!memcmp(&s->local, &s->dst_out, sizeof(s->local)))
		return -ELOOP;
	if (s->flags & ~RTPRELAY_TARGET_FLAGS)
		return -EINVAL;
	if (memchr_inv(s->pad, 0, sizeof(s->pad)))
		return -EINVAL;
	if ((s->flags & RTPRELAY_TARGET_STRICT_SOURCE) &&
	    (s->flags & RTPRELAY_TARGET_OTHER_SOURCE_TO_USER))
		return -EINVAL;
	if (s->flags & (RTPRELAY_TARGET_STRICT_SOURCE | RTPRELAY_TARGET_OTHER_SOURCE_TO_USER)) {
		err = rtprelay_addr_check(&s->expected_src, false);
		if (err)
			return err;
		if (s->expected_src.family != s->local.family)
			return -EINVAL;
	} else if (memchr_inv(&s->expected_src, 0, sizeof(s->expected_src))) {
		return -EINVAL;
	}
	if (!s->stats_addr || s->stats_addr % 8)
		return -EINVAL;
	return 0;
}

static void target_free_rcu(struct rcu_head *rcu)
{
	struct rtprelay_ktarget *kt = container_of(rcu, struct rtprelay_ktarget, rcu);

	dst_cache_destroy(&kt->dst_cache);
	kfree(kt);
}

static void target_unlink(struct rtprelay_table *t, struct rtprelay_ktarget *kt)
{
	list_del(&kt->list);
	kt->area->users--;
	t->n_targets--;
	call_rcu(&kt->rcu, target_free_rcu);
}

int rtprelay_target_add(struct rtprelay_table *t, const struct rtprelay_target *spec, bool replace)
{
	struct rtprelay_ktarget *kt, *old;
	struct rtprelay_area *area;
	struct rtprelay_key key;
	int err;

	lockdep_assert_held(&t->lock);
	err = target_check(spec);
	if (err)
		return err;
	area = rtprelay_shm_find(t, spec->stats_addr, sizeof(struct rtprelay_stream_stats));
	if (!area)
		return -EFAULT;
	key_of(&spec->local, &key);
	old = rhashtable_lookup_fast(&t->targets, &key, target_params);
	if (replace && !old)
		return -ENOENT;
	if (!replace && old)
		return -EEXIST;
	/* Sending to another target of this table: if that one (or one it
	 * sends to) sent back here, a packet would circle in the kernel.
	 * Refusing every such edge makes a cycle impossible to build; the
	 * stream stays in user space, which sees each packet. */
	key_of(&spec->dst_out, &key);
	if (rhashtable_lookup_fast(&t->targets, &key, target_params))
		return -ELOOP;
	key_of(&spec->local, &key);
	if (rtprelay_inject_add_failure()) {
		t->add_failures++;
		return -ENOMEM;
	}

	kt = kzalloc(sizeof(*kt), GFP_KERNEL);
	if (!kt)
		return -ENOMEM;
	err = dst_cache_init(&kt->dst_cache, GFP_KERNEL);
	if (err)
		goto err_free_target;
	kt->key = key;
	kt->spec = *spec;
	kt->area = area;
	kt->stats = area->kaddr + (spec->stats_addr - area->uaddr);
	/* A flow hash per target, as a socket has one (sk_txhash): the
	 * stack then never dissects our packets to choose a transmit queue
	 * or a receive CPU. Kept across a replace, so that the stream's
	 * packets do not change queue (and order) mid-flow. */
	kt->txhash = old ? old->txhash : (get_random_u32() ?: 1);
	if (old)
		err = rhashtable_replace_fast(&t->targets, &old->node, &kt->node, target_params);
	else
		err = rhashtable_insert_fast(&t->targets, &kt->node, target_params);
	if (err)
		goto err_destroy_cache;
	area->users++;
	list_add_tail(&kt->list, &t->target_list);
	t->n_targets++;
	if (old)
		target_unlink(t, old);
	return 0;

err_destroy_cache:
	dst_cache_destroy(&kt->dst_cache);
err_free_target:
	kfree(kt);
	return err;
}

int rtprelay_target_del(struct rtprelay_table *t, const struct rtprelay_addr *local)
{
	struct rtprelay_ktarget *kt;
	struct rtprelay_key key;
	int err;

	lockdep_assert_held(&t->lock);
	err = rtprelay_addr_check(local, false);
	if (err)
		return err;
	key_of(local, &key);
	kt = rhashtable_lookup_fast(&t->targets, &key, target_params);
	if (!kt)
		return -ENOENT;
	err = rhashtable_remove_fast(&t->targets, &kt->node, target_params);
	if (WARN_ON_ONCE(err))
		return err;
	target_unlink(t, kt);
	return 0;
}

void rtprelay_target_flush(struct rtprelay_table *t)
{
	struct rtprelay_ktarget *kt, *next;

	lockdep_assert_held(&t->lock);
	list_for_each_entry_safe(kt, next, &t->target_list, list)
	{
		WARN_ON_ONCE(rhashtable_remove_fast(&t->targets, &kt->node, target_params));
		target_unlink(t, kt);
	}
}

struct rtprelay_ktarget *rtprelay_target_find_rcu(struct rtprelay_table *t,
						  const struct rtprelay_key *key)
{
	return rhashtable_lookup(&t->targets, key, target_params);
}
