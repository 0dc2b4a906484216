/*
 * kernel/pin: the bufferpool backing that shares shards with nft_rtprelay.
 * Shards come from an inner backing (plain memory, with the daemon's cap);
 * each new shard is pinned through the table (PIN), unpinned before it is
 * given back (UNPIN: EBUSY while a target still points into it, and the
 * pool then keeps the shard and tries again at its next reclaim), and the
 * pool's quarantine is released by a bounded barrier (kernel/barrier.h).
 *
 * A failed pin is not an error for anyone: the bufferpool keeps that shard
 * as user-space memory (its streams stay in user space) and the
 * allocation that wanted it still succeeds. Each cause (errno) is logged
 * once, and again at most once a minute while it recurs; everything is
 * counted (kpin_get_counters).
 */
#ifndef RTPRELAY_KERNEL_PIN_H
#define RTPRELAY_KERNEL_PIN_H

#include <stdint.h>

struct bufferpool_backing;
struct ktable;
struct kpin;

struct kpin_counters {
	uint64_t pins, pin_failures;
	uint64_t unpins, unpin_busy, unpin_failures; /* busy: EBUSY, kept for later */
	uint64_t barriers, barrier_failures, barrier_timeouts;
};

/* The backing whose ctx is a struct kpin (give both to the pool config). */
extern const struct bufferpool_backing kpin_backing;

/*
 * A backing context pinning through kt, mapping through inner (with
 * inner_ctx). Starts the barrier helper. NULL + errno. Main thread, before
 * the pool is created; kt and inner outlive it.
 */
struct kpin *kpin_new(struct ktable *kt, const struct bufferpool_backing *inner, void *inner_ctx);
/* After the pool is destroyed. NULL: no-op. */
void kpin_free(struct kpin *kp);

/* A consistent-enough copy of the counters (each read atomically). */
void kpin_get_counters(const struct kpin *kp, struct kpin_counters *c);

#endif
