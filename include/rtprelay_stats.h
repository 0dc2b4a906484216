/*
 * rtprelay_stats: the per-stream counters. One struct per stream, written
 * by whoever forwards the stream's packets (a daemon worker now; the kernel
 * module once it forwards the stream) and read by the control thread for
 * query, delete and statistics. Fixed-width fields only, no pointers, so
 * the same layout can live in memory shared with the kernel.
 *
 * Writers update with relaxed atomic stores/adds (one writer at a time);
 * readers use relaxed atomic loads: a reader may see a counter a packet
 * ahead of another, never a torn value.
 *
 * Once the kernel module forwards a stream it writes the same struct with
 * atomic read-modify-write (atomic adds; a free ssrc/pt slot is claimed by a
 * compare-and-swap of its first 8 bytes, {ssrc, packets} or {payload_type,
 * packets}, from packets == 0), so a user-space writer that may run at the
 * same time must use atomic adds too. The kernel adds what it forwards to
 * packets and bytes like any writer, and also to kernel_packets and
 * kernel_bytes, so packets - kernel_packets is what user space relayed.
 * errors and dropped_source count the kernel's packets too.
 *
 * Compiled by the module as well (see include/rtprelay_kernel.h, which
 * asserts the size): the uint*_t come from <linux/types.h> there.
 */
#ifndef RTPRELAY_STATS_H_ABI
#define RTPRELAY_STATS_H_ABI

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define RTPRELAY_STATS_SSRCS 4
#define RTPRELAY_STATS_PTS 8

struct rtprelay_ssrc_stats {
	uint32_t ssrc;
	uint32_t packets;  /* 0 = slot unused */
	uint32_t last_seq; /* low 16 bits: the last RTP sequence number */
	uint32_t pad;
};

struct rtprelay_pt_stats {
	uint32_t payload_type;
	uint32_t packets; /* 0 = slot unused */
};

struct rtprelay_stream_stats {
	uint64_t packets; /* received and forwarded */
	uint64_t bytes;
	uint64_t errors;         /* could not be sent */
	uint64_t last_packet_us; /* CLOCK_MONOTONIC of the last packet; 0 = none */
	/* dropped, by reason */
	uint64_t dropped_invalid; /* not RTP/RTCP, truncated, oversized */
	uint64_t dropped_source;  /* strict-source: from another address */
	uint64_t dropped_no_peer; /* the other side is not known yet */
	uint64_t dropped_blocked; /* block media */
	struct rtprelay_ssrc_stats ssrc[RTPRELAY_STATS_SSRCS];
	struct rtprelay_pt_stats pt[RTPRELAY_STATS_PTS];
	/* of packets and bytes: what the kernel module forwarded */
	uint64_t kernel_packets;
	uint64_t kernel_bytes;
};

#endif
