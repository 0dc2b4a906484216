// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/rtprelay: control ("add N", "del N"), and per table N/control (the
 * binary commands, see cmd.c), N/status and N/list (text). Ownership and
 * mode of the control files come from the module parameters.
 */
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "rtprelay.h"

static struct proc_dir_entry *proc_root;

static void set_owner(struct proc_dir_entry *e)
{
	proc_set_user(e, make_kuid(&init_user_ns, rtprelay_proc_uid),
		      make_kgid(&init_user_ns, rtprelay_proc_gid));
}

/* ---- /proc/rtprelay/control ---- */

static ssize_t root_control_write(struct file *file, const char __user *ubuf, size_t len,
				  loff_t *off)
{
	char buf[32], *arg;
	u32 id;
	int err;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	arg = strim(buf);
	if (!strncmp(arg, "add ", 4) || !strncmp(arg, "del ", 4)) {
		err = kstrtou32(skip_spaces(arg + 4), 10, &id);
		if (err)
			return err;
		err = arg[0] == 'a' ? rtprelay_table_add(id) : rtprelay_table_del(id);
		return err ? err : len;
	}
	return -EINVAL;
}

static const struct proc_ops root_control_ops = {
	.proc_write = root_control_write,
	.proc_lseek = noop_llseek,
};

/* ---- /proc/rtprelay/N/control ---- */

static int control_open(struct inode *inode, struct file *file)
{
	struct rtprelay_table *t = pde_data(inode);
	struct rtprelay_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->table = t;
	mutex_lock(&t->lock);
	t->users++;
	mutex_unlock(&t->lock);
	file->private_data = s;
	return 0;
}

static int control_release(struct inode *inode, struct file *file)
{
	struct rtprelay_session *s = file->private_data;
	struct rtprelay_table *t = s->table;

	mutex_lock(&t->lock);
	if (!--t->users) {
		/* The daemon is gone (or closed its last descriptor): nothing
		 * may go on forwarding to its sockets or writing its memory. */
		rtprelay_target_flush(t);
		rtprelay_shm_unpin_all(t);
	}
	mutex_unlock(&t->lock);
	kfree(s);
	return 0;
}

static ssize_t control_write(struct file *file, const char __user *buf, size_t len, loff_t *off)
{
	return rtprelay_cmd_write(file->private_data, buf, len);
}

static const struct proc_ops control_ops = {
	.proc_open = control_open,
	.proc_release = control_release,
	.proc_write = control_write,
	.proc_lseek = noop_llseek,
};

/* ---- /proc/rtprelay/N/status ---- */

static const char *const pass_names[RTPRELAY_PASS_COUNT] = {
	[RTPRELAY_PASS_NO_TARGET] = "no_target", [RTPRELAY_PASS_RTCP_PORT] = "rtcp_port",
	[RTPRELAY_PASS_RTCP] = "rtcp",           [RTPRELAY_PASS_STUN] = "stun",
	[RTPRELAY_PASS_DTLS] = "dtls",           [RTPRELAY_PASS_NOT_RTP] = "not_rtp",
	[RTPRELAY_PASS_INVALID] = "invalid",     [RTPRELAY_PASS_OTHER_SOURCE] = "other_source",
};

static int status_show(struct seq_file *m, void *v)
{
	struct rtprelay_table *t = m->private;
	struct rtprelay_pcpu_stats sum = {};
	int cpu, i;

	for_each_possible_cpu(cpu)
	{
		const struct rtprelay_pcpu_stats *p = per_cpu_ptr(t->stats, cpu);

		sum.fwd_packets += READ_ONCE(p->fwd_packets);
		sum.fwd_bytes += READ_ONCE(p->fwd_bytes);
		sum.send_errors += READ_ONCE(p->send_errors);
		sum.dropped_source += READ_ONCE(p->dropped_source);
		sum.dropped_loop += READ_ONCE(p->dropped_loop);
		sum.timed_packets += READ_ONCE(p->timed_packets);
		sum.time_own_ns += READ_ONCE(p->time_own_ns);
		sum.time_send_ns += READ_ONCE(p->time_send_ns);
		for (i = 0; i < RTPRELAY_PASS_COUNT; i++)
			sum.pass[i] += READ_ONCE(p->pass[i]);
	}
	mutex_lock(&t->lock);
	seq_printf(m, "Table: %u\n", t->id);
	seq_printf(m, "Descriptors: %u\n", t->users);
	seq_printf(m, "Targets: %u\n", t->n_targets);
	seq_printf(m, "Memory pins: %u\n", t->n_areas);
	seq_printf(m, "Memory: %llu\n", t->pinned_bytes);
	seq_printf(m, "Pins: %llu\n", t->pins);
	seq_printf(m, "Pin failures: %llu\n", t->pin_failures);
	seq_printf(m, "Unpins: %llu\n", t->unpins);
	seq_printf(m, "Target add failures: %llu\n", t->add_failures);
	seq_printf(m, "Barriers: %llu\n", t->barriers);
	mutex_unlock(&t->lock);
	seq_printf(m, "Packets forwarded: %llu\n", sum.fwd_packets);
	seq_printf(m, "Bytes forwarded: %llu\n", sum.fwd_bytes);
	seq_printf(m, "Send errors: %llu\n", sum.send_errors);
	seq_printf(m, "Dropped source: %llu\n", sum.dropped_source);
	seq_printf(m, "Dropped loop: %llu\n", sum.dropped_loop);
	seq_printf(m, "Timed packets: %llu\n", sum.timed_packets);
	seq_printf(m, "Time own ns: %llu\n", sum.time_own_ns);
	seq_printf(m, "Time send ns: %llu\n", sum.time_send_ns);
	seq_puts(m, "Passed to user space:");
	for (i = 0; i < RTPRELAY_PASS_COUNT; i++)
		seq_printf(m, " %s %llu", pass_names[i], sum.pass[i]);
	seq_putc(m, '\n');
	return 0;
}

static int status_open(struct inode *inode, struct file *file)
{
	return single_open(file, status_show, pde_data(inode));
}

static const struct proc_ops status_ops = {
	.proc_open = status_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/* ---- /proc/rtprelay/N/list ---- */

static void show_addr(struct seq_file *m, const char *name, const struct rtprelay_addr *a)
{
	if (a->family == RTPRELAY_AF_INET)
		seq_printf(m, " %s %pI4:%u", name, a->addr, ntohs(a->port));
	else if (a->family == RTPRELAY_AF_INET6)
		seq_printf(m, " %s [%pI6c]:%u", name, a->addr, ntohs(a->port));
}

static int list_show(struct seq_file *m, void *v)
{
	struct rtprelay_table *t = m->private;
	struct rtprelay_ktarget *kt;

	mutex_lock(&t->lock);
	list_for_each_entry(kt, &t->target_list, list)
	{
		const struct rtprelay_target *s = &kt->spec;

		show_addr(m, "local", &s->local);
		show_addr(m, "expect", &s->expected_src);
		show_addr(m, "src", &s->src_out);
		show_addr(m, "dst", &s->dst_out);
		seq_printf(m, " flags %#x tos %u stats %#llx\n", s->flags, s->tos, s->stats_addr);
	}
	mutex_unlock(&t->lock);
	return 0;
}

static int list_open(struct inode *inode, struct file *file)
{
	return single_open(file, list_show, pde_data(inode));
}

static const struct proc_ops list_ops = {
	.proc_open = list_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/* ---- setup ---- */

int rtprelay_proc_table_add(struct rtprelay_table *t)
{
	struct proc_dir_entry *e;
	char name[16];

	snprintf(name, sizeof(name), "%u", t->id);
	t->dir = proc_mkdir_data(name, 0555, proc_root, t);
	if (!t->dir)
		return -ENOMEM;
	set_owner(t->dir);
	e = proc_create_data("control", rtprelay_proc_mode, t->dir, &control_ops, t);
	if (!e)
		goto err_remove_dir;
	set_owner(e);
	e = proc_create_data("status", 0444, t->dir, &status_ops, t);
	if (!e)
		goto err_remove_dir;
	e = proc_create_data("list", 0444, t->dir, &list_ops, t);
	if (!e)
		goto err_remove_dir;
	return 0;

err_remove_dir:
	proc_remove(t->dir); /* and whatever was created in it */
	t->dir = NULL;
	return -ENOMEM;
}

void rtprelay_proc_table_del(struct rtprelay_table *t)
{
	proc_remove(t->dir);
	t->dir = NULL;
}

int rtprelay_proc_init(void)
{
	struct proc_dir_entry *e;

	proc_root = proc_mkdir("rtprelay", NULL);
	if (!proc_root)
		return -ENOMEM;
	e = proc_create("control", rtprelay_proc_mode, proc_root, &root_control_ops);
	if (!e)
		goto err_remove_root;
	set_owner(e);
	return 0;

err_remove_root:
	proc_remove(proc_root);
	return -ENOMEM;
}

void rtprelay_proc_exit(void)
{
	proc_remove(proc_root);
}
