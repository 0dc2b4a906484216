// SPDX-License-Identifier: GPL-2.0
/*
 * Counting into the pinned struct rtprelay_stream_stats. User space may
 * write the same struct for the packets it relays, so every update is an
 * atomic read-modify-write; ssrc and payload-type slots are counted by
 * slots.c (claimed by compare-and-swap).
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "rtprelay.h"
#include "slots.h"

void rtprelay_stats_add(u64 *field, u64 v)
{
	atomic64_add(v, (atomic64_t *)field);
}

u64 rtprelay_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

void rtprelay_stats_rtp(struct rtprelay_stream_stats *st, const struct rtprelay_rtp_info *info,
			unsigned int len)
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
	ss = rtprelay_slot_count(st->ssrc, sizeof(st->ssrc[0]), RTPRELAY_STATS_SSRCS, info->ssrc);
	if (ss)
		WRITE_ONCE(ss->last_seq, info->seq);
	rtprelay_slot_count(st->pt, sizeof(st->pt[0]), RTPRELAY_STATS_PTS, info->payload_type);
}
