// SPDX-License-Identifier: GPL-2.0
/*
 * Counting into the pinned struct rtprelay_stream_stats. User space may
 * write the same struct for the packets it relays, so every update is an
 * atomic read-modify-write; a free ssrc or payload-type slot is claimed by
 * a compare-and-swap of its {key, packets} pair from packets == 0.
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "rtprelay.h"

/* The first 8 bytes of a slot: {ssrc or payload_type, packets}. */
union slot_head {
	struct {
		u32 key;
		u32 packets;
	};
	u64 v;
};

void rtprelay_stats_add(u64 *field, u64 v)
{
	atomic64_add(v, (atomic64_t *)field);
}

u64 rtprelay_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/*
 * Count one packet for key in n slots of stride bytes starting at first:
 * the slot that has key, else the first free one claimed by CAS. Returns
 * the slot's head or NULL when all slots belong to other keys.
 */
static union slot_head *slot_count(void *first, size_t stride, unsigned int n, u32 key)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		union slot_head *h = first + i * stride;

		if (READ_ONCE(h->packets) && READ_ONCE(h->key) == key) {
			atomic_inc((atomic_t *)&h->packets);
			return h;
		}
	}
	for (i = 0; i < n; i++) {
		union slot_head *h = first + i * stride;
		union slot_head old, new;

		for (;;) {
			old.v = READ_ONCE(h->v);
			if (old.packets) {
				if (old.key != key)
					break; /* someone else's: try the next */
				atomic_inc((atomic_t *)&h->packets);
				return h;
			}
			new.key = key;
			new.packets = 1;
			if (cmpxchg64(&h->v, old.v, new.v) == old.v)
				return h;
		}
	}
	return NULL;
}

void rtprelay_stats_rtp(struct rtprelay_stream_stats *st,
			const struct rtprelay_rtp_info *info, unsigned int len)
{
	struct rtprelay_ssrc_stats *ss;

	BUILD_BUG_ON(offsetof(struct rtprelay_ssrc_stats, packets) != 4);
	BUILD_BUG_ON(offsetof(struct rtprelay_pt_stats, packets) != 4);
	BUILD_BUG_ON(offsetof(struct rtprelay_stream_stats, ssrc) % 8);
	BUILD_BUG_ON(offsetof(struct rtprelay_stream_stats, pt) % 8);
	BUILD_BUG_ON(sizeof(atomic64_t) != sizeof(u64));

	rtprelay_stats_add(&st->packets, 1);
	rtprelay_stats_add(&st->bytes, len);
	rtprelay_stats_add(&st->kernel_packets, 1);
	rtprelay_stats_add(&st->kernel_bytes, len);
	WRITE_ONCE(st->last_packet_us, rtprelay_now_us());
	ss = (struct rtprelay_ssrc_stats *)slot_count(st->ssrc, sizeof(st->ssrc[0]),
						      RTPRELAY_STATS_SSRCS, info->ssrc);
	if (ss)
		WRITE_ONCE(ss->last_seq, info->seq);
	slot_count(st->pt, sizeof(st->pt[0]), RTPRELAY_STATS_PTS, info->payload_type);
}
