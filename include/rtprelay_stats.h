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
 */
#ifndef RTPRELAY_STATS_H_ABI
#define RTPRELAY_STATS_H_ABI

#include <stdint.h>

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
};

#endif
