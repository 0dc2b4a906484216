/*
 * memory: the daemon's shared-memory pool (lib/bufferpool.h) for the state
 * the kernel module will share (per-stream counters): creation from the
 * config, the periodic reclaim (quarantine barrier, releasing empty shards)
 * on the main loop, and the accounting in statistics and rtprelay-ctl.
 */
#ifndef RTPRELAY_MEMORY_H
#define RTPRELAY_MEMORY_H

#include <stdbool.h>

#include "arena.h"
#include "bencode.h"

struct rtprelay;
struct kernel;

#define MEMORY_RECLAIM_SECONDS 1

/* Create rp->pool and its reclaim timer. With k->table (kernel/setup.h)
 * the shards are pinned through it (kernel/pin.h); k (or NULL: user space
 * only) must outlive the pool. 0, or -1 after logging. Main thread. */
int memory_start(struct rtprelay *rp, const struct kernel *k);
/* After every object is freed and no worker runs: destroy the pool. */
void memory_stop(struct rtprelay *rp);

/*
 * The "memory" statistics: totals in Kamailio core.shmmem's shape, shards,
 * size classes, and (with --memory-accounting=sites) allocation sites.
 */
void memory_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict);

/* The "kernel" statistics: state (kernel or user space, and why), the pins,
 * unpins and barriers of the pool's shards and their failures. */
void memory_kernel_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict);

#endif
