/*
 * kernel/table: the daemon's descriptor on one nft_rtprelay table,
 * /proc/rtprelay/N/control (the ABI is include/rtprelay_kernel.h). Opening
 * creates the table through /proc/rtprelay/control when needed and sends
 * the handshake as the first command; every later command is one write(2).
 * Closing the descriptor makes the module drop the table's targets and
 * pins, so a daemon that dies leaves nothing forwarding.
 *
 * Every function returns 0 or a negative errno. Thread-safe: the module
 * takes one command per write, and the descriptor is never changed after
 * ktable_open().
 */
#ifndef RTPRELAY_KERNEL_TABLE_H
#define RTPRELAY_KERNEL_TABLE_H

#include <stddef.h>

struct ktable;

/*
 * Open table id (0..RTPRELAY_MAX_TABLES-1), rtpengine's way: an idle table
 * is deleted and created afresh (its counters start at zero); a table whose
 * control file another process holds open is refused with -EBUSY. Then
 * open its control file and handshake. On failure *step names what failed
 * ("/proc/rtprelay/control", "handshake", ...) for the caller's log line.
 * Main thread, at start-up.
 */
int ktable_open(unsigned id, struct ktable **out, const char **step);
/* A table over an already open descriptor fd, no handshake: for tests of
 * what sits on top (t/offload/test_barrier.c uses a pipe). NULL + errno. */
struct ktable *ktable_wrap_fd(unsigned id, int fd);
/* Close the descriptor (the module unpins what is left); NULL: no-op. */
void ktable_close(struct ktable *kt);
unsigned ktable_id(const struct ktable *kt);

/* PIN / UNPIN of [base, base + size), page-aligned (ABI: EINVAL, EFAULT,
 * EEXIST, ENOMEM, ENOENT, EBUSY while a target points into it). */
int ktable_pin(struct ktable *kt, void *base, size_t size);
int ktable_unpin(struct ktable *kt, void *base, size_t size);
/* BARRIER: returns once no packet that started before the call can still
 * write to memory of a deleted or replaced target. Blocks for an RCU grace
 * period: never call it on the packet path (kernel/barrier.h bounds it). */
int ktable_barrier(struct ktable *kt);

struct rtprelay_target;
/* ADD_TARGET (EEXIST), REPLACE_TARGET (ENOENT: none at t->local) and
 * DEL_TARGET of the target at local (ENOENT); the ABI lists the rest. */
int ktable_target_add(struct ktable *kt, const struct rtprelay_target *t);
int ktable_target_replace(struct ktable *kt, const struct rtprelay_target *t);
struct rtprelay_addr;
int ktable_target_del(struct ktable *kt, const struct rtprelay_addr *local);
/* LIST with no room: the number of targets the table holds, or -errno. A
 * cheap probe that the descriptor still works. */
long ktable_target_count(struct ktable *kt);

/* A "Name: value" line of /proc/rtprelay/<id>/status; -1 if absent. */
long long ktable_status_value(unsigned id, const char *name);

#endif
