/*
 * A test backing for the bufferpool tests: anonymous memory, with pin,
 * unpin and barrier that count their calls and fail on demand, and an
 * optional delay in map() to widen races. All fields atomic: the pool calls
 * the backing from any thread.
 */
#ifndef TEST_BUFFERPOOL_BACKING_H
#define TEST_BUFFERPOOL_BACKING_H

#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>

#include "bufferpool.h"

struct tb {
	atomic_int maps, unmaps, pins, unpins, barriers;
	atomic_int pinned_now;  /* pins - successful unpins */
	atomic_bool fail_pin;   /* pin() returns -E2BIG */
	atomic_bool fail_unpin; /* unpin() returns -EBUSY */
	atomic_bool fail_barrier;
	atomic_int map_delay_us;
};

static inline void *tb_map(void *ctx, size_t size)
{
	struct tb *t = ctx;
	int delay = atomic_load(&t->map_delay_us);

	if (delay)
		usleep((useconds_t)delay);
	atomic_fetch_add(&t->maps, 1);
	return bufferpool_mmap_aligned(NULL, size);
}

static inline void tb_unmap(void *ctx, void *base, size_t size)
{
	struct tb *t = ctx;

	atomic_fetch_add(&t->unmaps, 1);
	bufferpool_munmap(NULL, base, size);
}

static inline int tb_pin(void *ctx, void *base, size_t size)
{
	struct tb *t = ctx;

	atomic_fetch_add(&t->pins, 1);
	if (atomic_load(&t->fail_pin))
		return -E2BIG;
	atomic_fetch_add(&t->pinned_now, 1);
	return 0;
}

static inline int tb_unpin(void *ctx, void *base, size_t size)
{
	struct tb *t = ctx;

	atomic_fetch_add(&t->unpins, 1);
	if (atomic_load(&t->fail_unpin))
		return -EBUSY;
	atomic_fetch_sub(&t->pinned_now, 1);
	return 0;
}

static inline int tb_barrier(void *ctx)
{
	struct tb *t = ctx;

	atomic_fetch_add(&t->barriers, 1);
	return atomic_load(&t->fail_barrier) ? -EIO : 0;
}

/* Memory only (user-space mode, but counted). */
static const struct bufferpool_backing tb_plain = {
	.name = "test-plain",
	.map = tb_map,
	.unmap = tb_unmap,
};

/* Pinning and barriers, as the kernel backing will. */
static const struct bufferpool_backing tb_kernel = {
	.name = "test-kernel",
	.map = tb_map,
	.unmap = tb_unmap,
	.pin = tb_pin,
	.unpin = tb_unpin,
	.barrier = tb_barrier,
};

/* A pool of shard_size/page_size on backing b with ctx t. */
static inline struct bufferpool *tb_pool(const struct bufferpool_backing *b, struct tb *t,
					 size_t shard_size, size_t page_size, unsigned flags)
{
	struct bufferpool_config cfg;

	bufferpool_config_default(&cfg);
	cfg.backing = b;
	cfg.backing_ctx = t;
	if (shard_size)
		cfg.shard_size = shard_size;
	if (page_size)
		cfg.page_size = page_size;
	cfg.flags = flags;
	return bufferpool_create(&cfg);
}

#endif
