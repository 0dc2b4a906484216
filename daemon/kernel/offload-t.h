/*
 * kernel/offload-t: the per-stream offload state that struct stream embeds
 * (types only; the functions are in kernel/offload.h). Owned by the
 * control thread, changed under the call lock; a worker only sets `kicked`
 * (under the call lock) when its learning moved.
 */
#ifndef RTPRELAY_KERNEL_OFFLOAD_T_H
#define RTPRELAY_KERNEL_OFFLOAD_T_H

#include <stdbool.h>
#include <stdint.h>

#include "rtprelay_kernel.h"

struct stream;

/* Why a stream is relayed in user space (OFFLOAD_KERNEL: it is not). */
enum offload_reason {
	OFFLOAD_UNCHECKED = 0, /* not looked at yet */
	OFFLOAD_KERNEL,        /* a kernel target forwards it */
	OFFLOAD_NO_KERNEL,     /* no kernel forwarding (table < 0, no module) */
	OFFLOAD_KERNEL_GONE,   /* the table failed under the daemon */
	OFFLOAD_NO_SOCKET,     /* the stream has no port */
	OFFLOAD_RTCP,          /* an RTCP port: the module passes RTCP to user space */
	OFFLOAD_LEARNING,      /* the party's source is not committed yet */
	OFFLOAD_NO_PEER,       /* no other side (not answered, rejected, gone) */
	OFFLOAD_PEER_LEARNING, /* the other side's endpoint is not committed yet */
	OFFLOAD_STRICT_SOURCE, /* learning off, strict source, source not the SDP's */
	OFFLOAD_BLOCKED,       /* block media */
	OFFLOAD_SILENCED,      /* silence media */
	OFFLOAD_OVER_RATE,     /* forwarded more than media-max-pps in the kernel */
	OFFLOAD_SRTP,          /* SRTP terminated (SDES, DTLS) on either side */
	OFFLOAD_ICE,           /* an ICE agent on either side (checks, consent) */
	OFFLOAD_UNPINNED,      /* the stream's counters are not in pinned memory */
	OFFLOAD_ADD_FAILED,    /* the module refused the target (err) */
	OFFLOAD_REASONS
};

struct stream_offload {
	uint8_t reason;                /* enum offload_reason */
	bool installed;                /* the module holds `target` */
	bool was_installed;            /* ever: only then can kernel_packets move */
	bool kicked;                   /* a worker asked for a re-check (learning moved) */
	int err;                       /* OFFLOAD_ADD_FAILED: the errno */
	bool over_rate;                /* went over media-max-pps: user space for good */
	uint64_t probe_packets;        /* kernel_packets at the last rate probe */
	uint64_t kernel_seen;          /* the worker's last look at stats->kernel_packets */
	struct stream *egress;         /* installed: the stream whose socket it sends from */
	struct rtprelay_target target; /* installed: what the module holds */
};

#endif
