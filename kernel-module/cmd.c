// SPDX-License-Identifier: GPL-2.0
/*
 * The binary commands written to /proc/rtprelay/N/control (the format is in
 * include/rtprelay_kernel.h). Every command is copied in whole, its length
 * and every field checked, before anything is allocated or changed.
 */
#include <linux/netdevice.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "rtprelay.h"

union cmd_buf {
	struct rtprelay_cmd_hdr hdr;
	struct rtprelay_cmd_handshake handshake;
	struct rtprelay_cmd_mem mem;
	struct rtprelay_cmd_target target;
	struct rtprelay_cmd_del del;
	struct rtprelay_cmd_list list;
};

static int handshake(struct rtprelay_session *s, const struct rtprelay_cmd_handshake *h)
{
	u32 i;

	s->handshaken = false;
	if (h->abi_version != RTPRELAY_ABI_VERSION ||
	    h->stats_size != sizeof(struct rtprelay_stream_stats)) {
		pr_warn_ratelimited(
			"table %u: handshake refused: ABI %u stats %u, want %u and %zu\n",
			s->table->id, h->abi_version, h->stats_size, RTPRELAY_ABI_VERSION,
			sizeof(struct rtprelay_stream_stats));
		return -EPROTO;
	}
	for (i = 0; i < RTPRELAY_HANDSHAKE_SLOTS; i++) {
		if (h->cmd_size[i] != rtprelay_cmd_size(i)) {
			pr_warn_ratelimited(
				"table %u: handshake refused: command %u size %u, want %u\n",
				s->table->id, i, h->cmd_size[i], rtprelay_cmd_size(i));
			return -EPROTO;
		}
	}
	s->handshaken = true;
	return 0;
}

/* t->lock held. */
static int list_targets(struct rtprelay_table *t, const struct rtprelay_cmd_list *c)
{
	struct rtprelay_target __user *out;
	struct rtprelay_list_reply reply;
	struct rtprelay_ktarget *kt;
	u64 bytes;

	if (c->pad)
		return -EINVAL;
	bytes = sizeof(reply) + (u64)c->max * sizeof(struct rtprelay_target);
	if (c->addr != (unsigned long)c->addr || !access_ok(u64_to_user_ptr(c->addr), bytes))
		return -EFAULT;
	reply.total = t->n_targets;
	reply.count = 0;
	out = u64_to_user_ptr(c->addr + sizeof(reply));
	list_for_each_entry(kt, &t->target_list, list)
	{
		if (reply.count == c->max)
			break;
		if (copy_to_user(out + reply.count, &kt->spec, sizeof(kt->spec)))
			return -EFAULT;
		reply.count++;
	}
	if (copy_to_user(u64_to_user_ptr(c->addr), &reply, sizeof(reply)))
		return -EFAULT;
	return 0;
}

static int dispatch(struct rtprelay_table *t, union cmd_buf *c)
{
	switch (c->hdr.cmd) {
	case RTPRELAY_CMD_PIN:
		return rtprelay_shm_pin(t, c->mem.addr, c->mem.size);
	case RTPRELAY_CMD_UNPIN:
		return rtprelay_shm_unpin(t, c->mem.addr, c->mem.size);
	case RTPRELAY_CMD_ADD_TARGET:
		return rtprelay_target_add(t, &c->target.target, false);
	case RTPRELAY_CMD_REPLACE_TARGET:
		return rtprelay_target_add(t, &c->target.target, true);
	case RTPRELAY_CMD_DEL_TARGET:
		return rtprelay_target_del(t, &c->del.local);
	case RTPRELAY_CMD_LIST:
		return list_targets(t, &c->list);
	default:
		return -EINVAL;
	}
}

ssize_t rtprelay_cmd_write(struct rtprelay_session *s, const char __user *buf, size_t len)
{
	struct rtprelay_table *t = s->table;
	union cmd_buf c;
	int err;

	if (len < sizeof(c.hdr) || len > sizeof(c))
		return -EINVAL;
	if (copy_from_user(&c, buf, len))
		return -EFAULT;
	if (!s->handshaken && c.hdr.cmd != RTPRELAY_CMD_HANDSHAKE)
		return -EPROTO;
	if (c.hdr.len != len || rtprelay_cmd_size(c.hdr.cmd) != len)
		return -EINVAL;

	switch (c.hdr.cmd) {
	case RTPRELAY_CMD_HANDSHAKE:
		err = handshake(s, &c.handshake);
		break;
	case RTPRELAY_CMD_BARRIER:
		/* Every packet that started before this has finished with
		 * whatever target it found. */
		synchronize_net();
		mutex_lock(&t->lock);
		t->barriers++;
		mutex_unlock(&t->lock);
		err = 0;
		break;
	default:
		mutex_lock(&t->lock);
		err = dispatch(t, &c);
		mutex_unlock(&t->lock);
		break;
	}
	return err ? err : len;
}
