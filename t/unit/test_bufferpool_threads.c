/*
 * Unit tests for lib/bufferpool under concurrency: threads racing to grow
 * the pool create one shard, not one each; two threads allocating and
 * freeing for a bounded time never make the pool hold more shards than
 * their live pages need; kernel objects with quarantine and a reclaiming
 * thread stay consistent. Also run under ThreadSanitizer (see the report
 * of issue 4 for the command).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "bufferpool.h"
#include "test.h"
#include "test_bufferpool_backing.h"

#define KiB 1024u

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct racer {
	struct bufferpool *p;
	pthread_barrier_t *start;
	void *obj;
};

static void *race_one(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	r->obj = bufferpool_alloc(r->p, 192, BUFFERPOOL_KERNEL);
	return NULL;
}

/* Four threads find no room at the same moment; map() is slow, so without
 * the grow lock and the re-check each would map and pin its own shard. */
TEST(bufferpool_grow_once)
{
	enum { T = 4 };
	struct tb tb = { 0 };
	struct bufferpool *p = tb_pool(&tb_kernel, &tb, 64 * KiB, 4 * KiB, 0);
	pthread_barrier_t start;
	pthread_t th[T];
	struct racer r[T];

	CHECK(p);
	tb.map_delay_us = 20000;
	pthread_barrier_init(&start, NULL, T);
	for (int i = 0; i < T; i++) {
		r[i] = (struct racer){ p, &start, NULL };
		pthread_create(&th[i], NULL, race_one, &r[i]);
	}
	for (int i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	CHECK_EQ(tb.maps, 1);
	CHECK_EQ(tb.pins, 1);
	for (int i = 0; i < T; i++) {
		CHECK(r[i].obj);
		CHECK(bufferpool_is_pinned(p, r[i].obj));
		bufferpool_free(p, r[i].obj);
	}
	bufferpool_destroy(p);
}

struct churn {
	struct bufferpool *p;
	unsigned seed;
	unsigned flags;
	size_t size; /* 0: random sizes */
	int max_live;
	double until;
	bool reclaimer;
	long ops;
	int errors;
};

static void *churn_run(void *arg)
{
	struct churn *c = arg;
	void **live = calloc((size_t)c->max_live, sizeof(*live));
	int n = 0;

	if (!live) {
		c->errors++;
		return NULL;
	}
	while (now_s() < c->until) {
		for (int k = 0; k < 256; k++) {
			bool grow = n == 0 || (n < c->max_live && rand_r(&c->seed) % 2);

			if (grow) {
				size_t size = c->size ? c->size
						      : 1 + (size_t)(rand_r(&c->seed) % 1024);
				void *o = bufferpool_alloc(c->p, size, c->flags);

				if (!o) {
					c->errors++;
					continue;
				}
				/* Write it all: TSan sees any overlap with the
				 * other thread's objects. */
				memset(o, 0x5a, size);
				live[n++] = o;
			} else {
				int i = (int)(rand_r(&c->seed) % (unsigned)n);

				if (bufferpool_free(c->p, live[i]) < 0)
					c->errors++;
				live[i] = live[--n];
			}
			c->ops++;
		}
		if (c->reclaimer && bufferpool_reclaim(c->p) < 0)
			c->errors++;
	}
	while (n)
		if (bufferpool_free(c->p, live[--n]) < 0)
			c->errors++;
	free(live);
	return NULL;
}

/* Two threads, page-sized objects (one page each, so live bytes translate
 * into pages exactly), at most K live each: a shard is mapped only when
 * every page is taken, so the shard count never passes the pages the live
 * objects need (2K, plus one page a class may hold empty) plus the spare. */
TEST(bufferpool_two_threads_bounded)
{
	enum { K = 40, PPS = 16 };
	struct tb tb = { 0 };
	struct bufferpool *p = tb_pool(&tb_plain, &tb, PPS * 4 * KiB, 4 * KiB, 0);
	struct churn c[2];
	pthread_t th[2];
	struct bufferpool_totals t;
	double until = now_s() + 1.0;

	CHECK(p);
	for (int i = 0; i < 2; i++) {
		c[i] = (struct churn){ .p = p,
				       .seed = 1234u + (unsigned)i,
				       .size = 4096,
				       .max_live = K,
				       .until = until };
		pthread_create(&th[i], NULL, churn_run, &c[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	bufferpool_reclaim(p);
	bufferpool_reclaim(p);
	bufferpool_get_totals(p, &t);
	printf("    two threads: %ld + %ld ops, shards max %u (bound %d), mapped %lu\n", c[0].ops,
	       c[1].ops, t.shards_max, (2 * K + 1 + PPS - 1) / PPS + 1,
	       (unsigned long)t.shards_mapped);
	CHECK_EQ(c[0].errors + c[1].errors, 0);
	CHECK(c[0].ops > 1000 && c[1].ops > 1000);
	CHECK_INT(t.shards_max, <=, (2 * K + 1 + PPS - 1) / PPS + 1);
	CHECK_EQ(t.live_objects, 0);
	CHECK_EQ(t.shards, 1);
	CHECK_EQ(t.allocs, t.frees);
	bufferpool_destroy(p);
	CHECK_EQ(tb.maps, tb.unmaps);
}

/* Mixed sizes, kernel objects, a thread reclaiming: everything balances at
 * the end and nothing overlapped (TSan and the memsets would say). */
TEST(bufferpool_two_threads_quarantine)
{
	struct tb tb = { 0 };
	struct bufferpool *p = tb_pool(&tb_kernel, &tb, 64 * KiB, 4 * KiB, BUFFERPOOL_SITES);
	struct churn c[2];
	pthread_t th[2];
	struct bufferpool_totals t;
	double until = now_s() + 0.7;

	CHECK(p);
	for (int i = 0; i < 2; i++) {
		c[i] = (struct churn){ .p = p,
				       .seed = 99u + (unsigned)i,
				       .flags = BUFFERPOOL_KERNEL,
				       .max_live = 300,
				       .until = until,
				       .reclaimer = i == 1 };
		pthread_create(&th[i], NULL, churn_run, &c[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(c[0].errors + c[1].errors, 0);
	bufferpool_reclaim(p);
	bufferpool_reclaim(p);
	bufferpool_get_totals(p, &t);
	CHECK_EQ(t.live_objects, 0);
	CHECK_EQ(t.quarantined_objects, 0);
	CHECK_EQ(t.used, 0);
	CHECK_EQ(t.real_used, 0);
	CHECK_EQ(t.shards, 1);
	CHECK(t.barriers > 0);
	bufferpool_destroy(p);
	CHECK_EQ(tb.pinned_now, 0);
	CHECK_EQ(tb.maps, tb.unmaps);
}

TEST_MAIN()
