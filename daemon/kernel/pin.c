/* The kernel-pinned bufferpool backing; see pin.h. */
#define LOG_SUBSYS kernel
#include "kernel/pin.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bufferpool.h"
#include "kernel/barrier.h"
#include "kernel/table.h"
#include "log.h"

/* A recurring cause is logged again at most this often. */
#define CAUSE_LOG_INTERVAL_S 60
/* Causes are errno values; anything larger shares the last slot. */
#define CAUSES 160

enum op { OP_PIN, OP_UNPIN, OP_BARRIER, OP_COUNT };

static const char *const op_names[OP_COUNT] = {
	[OP_PIN] = "pin",
	[OP_UNPIN] = "unpin",
	[OP_BARRIER] = "barrier",
};

struct kpin {
	struct ktable *kt;
	struct kbarrier *barrier;
	const struct bufferpool_backing *inner;
	void *inner_ctx;
	struct kpin_counters n; /* updated with __atomic builtins */
	/* per operation and cause: when last logged (monotonic s; 0 never)
	 * and how many since; under log_lock */
	pthread_mutex_t log_lock;
	time_t logged_at[OP_COUNT][CAUSES];
	uint64_t unlogged[OP_COUNT][CAUSES];
};

static void count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Log a failure of op with -err once per cause, then at most once per
 * interval while it recurs (saying how often it happened meanwhile). */
static void log_cause(struct kpin *kp, enum op op, int err, const char *consequence)
{
	unsigned cause = (unsigned)-err < CAUSES ? (unsigned)-err : CAUSES - 1;
	time_t now = now_s() + 1; /* never 0: 0 means "never logged" */
	uint64_t since = 0;
	bool emit = false;

	pthread_mutex_lock(&kp->log_lock);
	if (!kp->logged_at[op][cause] || now - kp->logged_at[op][cause] >= CAUSE_LOG_INTERVAL_S) {
		emit = true;
		since = kp->unlogged[op][cause];
		kp->logged_at[op][cause] = now;
		kp->unlogged[op][cause] = 0;
	} else {
		kp->unlogged[op][cause]++;
	}
	pthread_mutex_unlock(&kp->log_lock);
	if (!emit)
		return;
	if (since)
		log_warnx("kernel table %u: %s failed: %s; %s (%llu more since the last report)",
			  ktable_id(kp->kt), op_names[op], strerror(-err), consequence,
			  (unsigned long long)since);
	else
		log_warnx("kernel table %u: %s failed: %s; %s", ktable_id(kp->kt), op_names[op],
			  strerror(-err), consequence);
}

static void *kpin_map(void *ctx, size_t size)
{
	struct kpin *kp = ctx;

	return kp->inner->map(kp->inner_ctx, size);
}

static void kpin_unmap(void *ctx, void *base, size_t size)
{
	struct kpin *kp = ctx;

	kp->inner->unmap(kp->inner_ctx, base, size);
}

static int kpin_pin(void *ctx, void *base, size_t size)
{
	struct kpin *kp = ctx;
	int err = ktable_pin(kp->kt, base, size);

	if (err) {
		count(&kp->n.pin_failures);
		log_cause(kp, OP_PIN, err,
			  "the shard stays user-space memory (its streams are not offloaded)");
		return err;
	}
	count(&kp->n.pins);
	return 0;
}

static int kpin_unpin(void *ctx, void *base, size_t size)
{
	struct kpin *kp = ctx;
	int err = ktable_unpin(kp->kt, base, size);

	if (err == -ENOENT) {
		/* Not pinned (any more): the kernel cannot touch it, which is
		 * all an unpin promises. */
		count(&kp->n.unpin_failures);
		log_cause(kp, OP_UNPIN, err, "the shard was not pinned; releasing it");
		return 0;
	}
	if (err == -EBUSY) {
		/* A target still points into the shard: keep it, retry at a
		 * later reclaim. Expected now and then, not worth a warning. */
		count(&kp->n.unpin_busy);
		log_debug("kernel table %u: shard %p still in use by a target, kept",
			  ktable_id(kp->kt), base);
		return err;
	}
	if (err) {
		count(&kp->n.unpin_failures);
		log_cause(kp, OP_UNPIN, err, "the shard is kept and retried later");
		return err;
	}
	count(&kp->n.unpins);
	return 0;
}

static int kpin_barrier(void *ctx)
{
	struct kpin *kp = ctx;
	int err = kbarrier_wait(kp->barrier, KBARRIER_TIMEOUT_MS);

	if (err == -ETIMEDOUT) {
		count(&kp->n.barrier_timeouts);
		log_cause(kp, OP_BARRIER, err,
			  "freed memory stays in quarantine until the next try");
		return err;
	}
	if (err) {
		count(&kp->n.barrier_failures);
		log_cause(kp, OP_BARRIER, err,
			  "freed memory stays in quarantine until the next try");
		return err;
	}
	count(&kp->n.barriers);
	return 0;
}

const struct bufferpool_backing kpin_backing = {
	.name = "kernel",
	.map = kpin_map,
	.unmap = kpin_unmap,
	.pin = kpin_pin,
	.unpin = kpin_unpin,
	.barrier = kpin_barrier,
};

struct kpin *kpin_new(struct ktable *kt, const struct bufferpool_backing *inner, void *inner_ctx)
{
	struct kpin *kp = calloc(1, sizeof(*kp));

	if (!kp)
		return NULL;
	kp->kt = kt;
	kp->inner = inner;
	kp->inner_ctx = inner_ctx;
	pthread_mutex_init(&kp->log_lock, NULL);
	kp->barrier = kbarrier_new(kt);
	if (!kp->barrier) {
		pthread_mutex_destroy(&kp->log_lock);
		free(kp);
		return NULL;
	}
	return kp;
}

void kpin_free(struct kpin *kp)
{
	if (!kp)
		return;
	kbarrier_free(kp->barrier);
	pthread_mutex_destroy(&kp->log_lock);
	free(kp);
}

void kpin_get_counters(const struct kpin *kp, struct kpin_counters *c)
{
	const uint64_t *src = (const uint64_t *)&kp->n;
	uint64_t *dst = (uint64_t *)c;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
