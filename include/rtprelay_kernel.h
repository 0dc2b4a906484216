/*
 * rtprelay_kernel.h: the user/kernel ABI of nft_rtprelay, compiled by the
 * daemon (and the tests) and by the module.
 *
 * Files. /proc/rtprelay/control takes text: "add N" creates table N, "del N"
 * removes it. /proc/rtprelay/N/control takes binary commands, one per
 * write(2): a struct rtprelay_cmd_hdr followed by the command's body, the
 * write's length equal to hdr.len and to the size of that command's struct.
 * write() returns the length on success and fails with an errno otherwise;
 * nothing is changed by a command that fails. /proc/rtprelay/N/status and
 * /proc/rtprelay/N/list are text for people.
 *
 * Session. The first command on every open descriptor must be HANDSHAKE,
 * carrying RTPRELAY_ABI_VERSION and the size of every command struct and of
 * struct rtprelay_stream_stats as the writer compiled them; anything else
 * first fails with EPROTO, a version or size mismatch with EPROTO too (and
 * the descriptor stays unusable until a matching handshake). When the last
 * descriptor of a table is closed, the table's targets are deleted and its
 * pinned areas unpinned: a daemon that dies leaves nothing forwarding.
 *
 * Memory. PIN {addr, size} makes a page-aligned range of the caller's memory
 * writable by the kernel (pinned, FOLL_LONGTERM), charged to the caller's
 * pinned memory (VmPin) and limited by its RLIMIT_MEMLOCK unless it has
 * CAP_IPC_LOCK (ENOMEM); a target's stats_addr must
 * lie wholly in one pinned area, 8-byte aligned. UNPIN of an area that a
 * target still points into fails with EBUSY. After DEL_TARGET or
 * REPLACE_TARGET, BARRIER returns once no packet that started before it can
 * still write to the old target's stats: only then may user space reuse
 * that memory.
 *
 * Targets. ADD_TARGET and REPLACE_TARGET fail with ELOOP when dst_out is
 * the target's own local address or the local address of another target of
 * the table (such edges could form a cycle that never reaches user space),
 * and with EADDRNOTAVAIL for an IPv6 link-local (fe80::/10) address in any
 * field: the ABI carries no interface to scope it. Packets the module sends
 * to an address of this host carry the arriving TTL less one (dropped at 1,
 * "Dropped loop" in the status), so loops across tables end too.
 *
 * Layout rules: fixed-width fields only, user addresses as __u64, every
 * struct a multiple of 8 bytes with explicit padding that must be zero;
 * addresses and ports in network byte order as they appear on the wire.
 */
#ifndef RTPRELAY_KERNEL_H
#define RTPRELAY_KERNEL_H

#ifdef __KERNEL__
#include <linux/stddef.h>
#include <linux/types.h>
#else
#include <linux/types.h>
#include <stddef.h>
#endif

#include "rtprelay_stats.h"

#define RTPRELAY_ABI_VERSION 1

/* Table numbers accepted by /proc/rtprelay/control and the nft expression. */
#define RTPRELAY_MAX_TABLES 256

/* Command codes (rtprelay_cmd_hdr.cmd). */
enum rtprelay_cmd {
	RTPRELAY_CMD_HANDSHAKE = 1,      /* struct rtprelay_cmd_handshake */
	RTPRELAY_CMD_PIN = 2,            /* struct rtprelay_cmd_mem */
	RTPRELAY_CMD_UNPIN = 3,          /* struct rtprelay_cmd_mem */
	RTPRELAY_CMD_ADD_TARGET = 4,     /* struct rtprelay_cmd_target; EEXIST */
	RTPRELAY_CMD_REPLACE_TARGET = 5, /* struct rtprelay_cmd_target; ENOENT */
	RTPRELAY_CMD_DEL_TARGET = 6,     /* struct rtprelay_cmd_del; ENOENT */
	RTPRELAY_CMD_BARRIER = 7,        /* struct rtprelay_cmd_hdr alone */
	RTPRELAY_CMD_LIST = 8,           /* struct rtprelay_cmd_list */
	RTPRELAY_CMD_COUNT               /* one past the last code */
};

/* Room in the handshake for this many command codes (0 is unused). */
#define RTPRELAY_HANDSHAKE_SLOTS 16

struct rtprelay_cmd_hdr {
	__u32 cmd; /* enum rtprelay_cmd */
	__u32 len; /* of the whole command, header included */
};

struct rtprelay_cmd_handshake {
	struct rtprelay_cmd_hdr hdr;
	__u32 abi_version; /* RTPRELAY_ABI_VERSION */
	__u32 stats_size;  /* sizeof(struct rtprelay_stream_stats) */
	/* cmd_size[code]: sizeof the struct of that command; 0 for unused
	 * codes (0 and RTPRELAY_CMD_COUNT and above) */
	__u32 cmd_size[RTPRELAY_HANDSHAKE_SLOTS];
};

struct rtprelay_cmd_mem {
	struct rtprelay_cmd_hdr hdr;
	__u64 addr; /* page-aligned user address */
	__u64 size; /* page multiple, > 0 */
};

/* An IPv4 or IPv6 transport address. */
enum {
	RTPRELAY_AF_NONE = 0, /* only where an address is optional */
	RTPRELAY_AF_INET = 4,
	RTPRELAY_AF_INET6 = 6,
};

struct rtprelay_addr {
	__u8 family; /* RTPRELAY_AF_* */
	__u8 pad;
	__be16 port; /* network order; 0 not allowed */
	__u32 pad2;
	__u8 addr[16]; /* IPv4: first 4 bytes, the rest zero */
};

/* rtprelay_target.flags */
enum {
	/* Drop packets whose source is not expected_src. */
	RTPRELAY_TARGET_STRICT_SOURCE = 1u << 0,
	/* RTP and RTCP share the port (RFC 5761): payload types 64..95 are
	 * RTCP and go to user space. */
	RTPRELAY_TARGET_RTCP_MUX = 1u << 1,
	/* The port carries RTCP only: every packet goes to user space (it is
	 * counted in the table's status, nothing else). */
	RTPRELAY_TARGET_RTCP = 1u << 2,
	/* A packet whose source is not expected_src goes to user space (which
	 * learns endpoints and rate-limits strangers) instead of being
	 * forwarded; not with STRICT_SOURCE. */
	RTPRELAY_TARGET_OTHER_SOURCE_TO_USER = 1u << 3,
	RTPRELAY_TARGET_FLAGS = (1u << 4) - 1
};

struct rtprelay_target {
	struct rtprelay_addr local;        /* key: destination of arriving packets */
	struct rtprelay_addr expected_src; /* with STRICT_SOURCE; else all zero */
	struct rtprelay_addr src_out;      /* local address (port) to send from */
	struct rtprelay_addr dst_out;      /* where to send; any family */
	__u64 stats_addr;                  /* user address of a struct rtprelay_stream_stats */
	__u32 flags;                       /* RTPRELAY_TARGET_* */
	__u8 tos;                          /* IPv4 TOS / IPv6 traffic class of sent packets */
	__u8 pad[3];
};

struct rtprelay_cmd_target {
	struct rtprelay_cmd_hdr hdr;
	struct rtprelay_target target;
};

struct rtprelay_cmd_del {
	struct rtprelay_cmd_hdr hdr;
	struct rtprelay_addr local;
};

/*
 * LIST copies struct rtprelay_list_reply to addr, followed by up to max
 * struct rtprelay_target (in no particular order); addr must have room for
 * sizeof(reply) + max * sizeof(target) bytes.
 */
struct rtprelay_cmd_list {
	struct rtprelay_cmd_hdr hdr;
	__u64 addr;
	__u32 max;
	__u32 pad;
};

struct rtprelay_list_reply {
	__u32 count; /* targets copied */
	__u32 total; /* targets in the table */
};

/* Sizes are part of the ABI: both sides check them at compile time. */
#define RTPRELAY_ABI_ASSERT(t, n) _Static_assert(sizeof(t) == (n), #t " size")
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_hdr, 8);
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_handshake, 80);
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_mem, 24);
RTPRELAY_ABI_ASSERT(struct rtprelay_addr, 24);
RTPRELAY_ABI_ASSERT(struct rtprelay_target, 112);
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_target, 120);
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_del, 32);
RTPRELAY_ABI_ASSERT(struct rtprelay_cmd_list, 24);
RTPRELAY_ABI_ASSERT(struct rtprelay_list_reply, 8);
RTPRELAY_ABI_ASSERT(struct rtprelay_ssrc_stats, 16);
RTPRELAY_ABI_ASSERT(struct rtprelay_pt_stats, 8);
RTPRELAY_ABI_ASSERT(struct rtprelay_stream_stats, 208);
/* The stats fields the kernel writes, where both sides expect them. */
#define RTPRELAY_ABI_OFFSET(t, f, n) _Static_assert(offsetof(t, f) == (n), #t "." #f " offset")
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, packets, 0);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, bytes, 8);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, errors, 16);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, last_packet_us, 24);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, dropped_source, 40);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, ssrc, 64);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, pt, 128);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, kernel_packets, 192);
RTPRELAY_ABI_OFFSET(struct rtprelay_stream_stats, kernel_bytes, 200);
RTPRELAY_ABI_OFFSET(struct rtprelay_target, stats_addr, 96);

/* The size a command code's struct has, 0 for an unknown code. */
static inline __u32 rtprelay_cmd_size(__u32 cmd)
{
	switch (cmd) {
	case RTPRELAY_CMD_HANDSHAKE:
		return sizeof(struct rtprelay_cmd_handshake);
	case RTPRELAY_CMD_PIN:
	case RTPRELAY_CMD_UNPIN:
		return sizeof(struct rtprelay_cmd_mem);
	case RTPRELAY_CMD_ADD_TARGET:
	case RTPRELAY_CMD_REPLACE_TARGET:
		return sizeof(struct rtprelay_cmd_target);
	case RTPRELAY_CMD_DEL_TARGET:
		return sizeof(struct rtprelay_cmd_del);
	case RTPRELAY_CMD_BARRIER:
		return sizeof(struct rtprelay_cmd_hdr);
	case RTPRELAY_CMD_LIST:
		return sizeof(struct rtprelay_cmd_list);
	default:
		return 0;
	}
}

/* Fill a handshake with this side's version and sizes. */
static inline void rtprelay_handshake_init(struct rtprelay_cmd_handshake *h)
{
	__u32 i;

	*h = (struct rtprelay_cmd_handshake){ 0 };
	h->hdr.cmd = RTPRELAY_CMD_HANDSHAKE;
	h->hdr.len = sizeof(*h);
	h->abi_version = RTPRELAY_ABI_VERSION;
	h->stats_size = sizeof(struct rtprelay_stream_stats);
	for (i = 0; i < RTPRELAY_HANDSHAKE_SLOTS; i++)
		h->cmd_size[i] = rtprelay_cmd_size(i);
}

#endif
