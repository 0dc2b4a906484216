/*
 * rtprelay.h: the module's internal objects and the functions each file
 * exports to the others. Locking, in one place:
 *  - rtprelay_tables_lock (main.c's table list; table.c) serialises table
 *    add/del and module exit;
 *  - table->lock serialises every control command of one table (targets,
 *    pinned areas, counters of control events); it sleeps;
 *  - the packet path (expr.c, forward.c, stats.c) takes no lock: it runs
 *    under rcu_read_lock (nf_hook_slow), finds the table in an xarray and
 *    the target in an rhashtable, and writes the pinned stats atomically.
 * Teardown is always: unpublish, synchronize_net(), then free or unmap.
 */
#ifndef NFT_RTPRELAY_H
#define NFT_RTPRELAY_H

#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/types.h>
#include <net/dst_cache.h>

#include "rtprelay_kernel.h"
#include "rtp_class.h"

struct mm_struct;
struct proc_dir_entry;
struct sk_buff;
struct net;

/* ---- main.c: parameters ---- */

extern unsigned int rtprelay_proc_uid;
extern unsigned int rtprelay_proc_gid;
extern unsigned int rtprelay_proc_mode;

/* Module parameter timing: forwarding time is measured (expr.c). */
extern bool rtprelay_timing;

/* Fault injection: true (and one fewer left) if the next pin / target add
 * must fail. Thread-safe. */
bool rtprelay_inject_pin_failure(void);
bool rtprelay_inject_add_failure(void);

/* ---- shm.c: pinned user memory ---- */

struct rtprelay_area {
	unsigned long uaddr; /* first byte */
	unsigned long size;
	unsigned long npages;
	struct page **pages;
	void *kaddr;          /* vmap of pages */
	struct mm_struct *mm; /* charged with npages in pinned_vm (shm.c) */
	unsigned int users;   /* targets whose stats lie here (table->lock) */
};

/* ---- per-table counters (per CPU, summed by /proc status) ---- */

enum rtprelay_pass {
	RTPRELAY_PASS_NO_TARGET,
	RTPRELAY_PASS_RTCP_PORT, /* target flagged RTPRELAY_TARGET_RTCP */
	RTPRELAY_PASS_RTCP,      /* RTCP under rtcp-mux */
	RTPRELAY_PASS_STUN,
	RTPRELAY_PASS_DTLS,
	RTPRELAY_PASS_NOT_RTP,
	RTPRELAY_PASS_INVALID,
	RTPRELAY_PASS_OTHER_SOURCE, /* target flagged OTHER_SOURCE_TO_USER */
	RTPRELAY_PASS_COUNT
};

struct rtprelay_pcpu_stats {
	u64 fwd_packets;
	u64 fwd_bytes;
	u64 send_errors;
	u64 dropped_source;
	u64 dropped_loop; /* TTL spent on the way to a local address */
	/* with the timing parameter, for forwarded packets: ns from the
	 * expression's start to ip_local_out (lookup, checks, counters, the
	 * route from the target's cache, the headers), and in ip_local_out
	 * with everything below it down to the device */
	u64 timed_packets, time_own_ns, time_send_ns;
	u64 pass[RTPRELAY_PASS_COUNT];
};

/* ---- table.c / target.c ---- */

/* The lookup key: where a packet arrived (destination address and port). */
struct rtprelay_key {
	u8 family; /* RTPRELAY_AF_INET or _INET6 */
	u8 pad;
	__be16 port;
	u8 addr[16];
};

struct rtprelay_ktarget {
	struct rhash_head node; /* table->targets */
	struct list_head list;  /* table->target_list (table->lock) */
	struct rtprelay_key key;
	struct rtprelay_target spec;         /* validated copy of what user space gave */
	struct rtprelay_area *area;          /* holds stats */
	struct rtprelay_stream_stats *stats; /* kernel address of spec.stats_addr */
	struct dst_cache dst_cache;          /* route to dst_out, per CPU (forward.c) */
	u32 txhash;                          /* flow hash of every packet sent (forward.c) */
	struct rcu_head rcu;
};

struct rtprelay_table {
	u32 id;
	struct mutex lock;
	struct rhashtable targets;    /* RCU lookup by key */
	struct list_head target_list; /* the same targets, for walks */
	unsigned int n_targets;
	struct maple_tree areas; /* [uaddr, uaddr + size - 1] -> area */
	unsigned int n_areas;
	u64 pinned_bytes;
	unsigned int users;         /* open control descriptors */
	u64 pins, unpins, barriers; /* done, since the table was added */
	u64 pin_failures, add_failures;
	struct rtprelay_pcpu_stats __percpu *stats;
	struct proc_dir_entry *dir;
};

int rtprelay_tables_init(void);
/* Deletes every table and waits for their targets' RCU callbacks (module
 * exit). */
void rtprelay_tables_exit(void);
/* "add N" / "del N": 0 or -errno (EINVAL, EEXIST, ENOENT, EBUSY, ENOMEM). */
int rtprelay_table_add(u32 id);
int rtprelay_table_del(u32 id);
/* Packet path, under rcu_read_lock: the table or NULL. */
struct rtprelay_table *rtprelay_table_get_rcu(u32 id);

int rtprelay_targets_init(struct rtprelay_table *t);
void rtprelay_targets_destroy(struct rtprelay_table *t);
/* Under t->lock. add: replace == false (EEXIST if present); replace: ENOENT
 * if absent. Validates every field first; ELOOP when dst_out is the local
 * address of a target of this table (or the target's own), EADDRNOTAVAIL
 * for an IPv6 link-local address (the ABI carries no scope). */
int rtprelay_target_add(struct rtprelay_table *t, const struct rtprelay_target *spec, bool replace);
int rtprelay_target_del(struct rtprelay_table *t, const struct rtprelay_addr *local);
/* Deletes every target (t->lock); the caller runs synchronize_net() before
 * it unmaps the memory they pointed into. */
void rtprelay_target_flush(struct rtprelay_table *t);
/* Packet path, under rcu_read_lock. */
struct rtprelay_ktarget *rtprelay_target_find_rcu(struct rtprelay_table *t,
						  const struct rtprelay_key *key);
/* 0 if a is a well-formed address (family, port unless port_optional,
 * padding, IPv4 tail zero), else -EINVAL. */
int rtprelay_addr_check(const struct rtprelay_addr *a, bool port_optional);

/* shm.c, all under t->lock. */
void rtprelay_shm_init(struct rtprelay_table *t);
int rtprelay_shm_pin(struct rtprelay_table *t, u64 addr, u64 size);
int rtprelay_shm_unpin(struct rtprelay_table *t, u64 addr, u64 size);
/* Unpins everything; no target may point into an area any more. */
void rtprelay_shm_unpin_all(struct rtprelay_table *t);
/* The area that holds [uaddr, uaddr + len) wholly, or NULL. */
struct rtprelay_area *rtprelay_shm_find(struct rtprelay_table *t, u64 uaddr, u64 len);

/* ---- cmd.c: the binary commands of /proc/rtprelay/N/control ---- */

struct rtprelay_session {
	struct rtprelay_table *table;
	bool handshaken;
};

/* One write(): len or -errno. Takes table->lock. */
ssize_t rtprelay_cmd_write(struct rtprelay_session *s, const char __user *buf, size_t len);

/* ---- proc.c ---- */

int rtprelay_proc_init(void);
void rtprelay_proc_exit(void);
int rtprelay_proc_table_add(struct rtprelay_table *t);
void rtprelay_proc_table_del(struct rtprelay_table *t);

/* ---- expr.c ---- */

int rtprelay_expr_init(void);
void rtprelay_expr_exit(void);

/* ---- stats.c ---- */

/* Count one forwarded RTP packet of len payload bytes into kt's stats. */
void rtprelay_stats_rtp(struct rtprelay_stream_stats *st, const struct rtprelay_rtp_info *info,
			unsigned int len);
void rtprelay_stats_add(u64 *field, u64 v);
/* The monotonic clock in microseconds (CLOCK_MONOTONIC, as user space's). */
u64 rtprelay_now_us(void);

static inline void rtprelay_count_pass(struct rtprelay_table *t, enum rtprelay_pass r)
{
	this_cpu_inc(t->stats->pass[r]);
}

#endif
