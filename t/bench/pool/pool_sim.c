/*
 * pool_sim: the field failure of issue 4, replayed. A day of serial-forking
 * call traffic (trace.h) in virtual time drives, on the same events,
 * (a) rtprelay's bufferpool (lib/bufferpool, the real code, with a backing
 *     that counts pins and barriers as the kernel one will) and
 * (b) a model of the reference design (ref_model.h).
 * Per simulated hour it prints live bytes, pinned shards and bytes and
 * their ratio for both, the hour the reference hits its cap, and then the
 * single-thread cost of alloc+free against malloc/free. Exit status 1 if a
 * target of the issue is missed.
 *
 * usage: pool_sim [-r calls/s] [-H hours] [-s seed] [-S shard KiB]
 *                 [-P page bytes] [-D hour (no new calls from then on)]
 *                 [-M seconds (move objects out of sparse shards every...)]
 *                 [-T (timing only)] [-N (no timing)]
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bufferpool.h"
#include "ref_model.h"
#include "rtprelay_stats.h"
#include "trace.h"

/* The kernel backing's stand-in: anonymous memory, pins and barriers
 * counted and always granted (the module's list of pins has no cap). */
struct sim_backing {
	uint64_t pins, unpins, barriers;
};

static int sim_pin(void *ctx, void *base, size_t size)
{
	((struct sim_backing *)ctx)->pins++;
	return 0;
}

static int sim_unpin(void *ctx, void *base, size_t size)
{
	((struct sim_backing *)ctx)->unpins++;
	return 0;
}

static int sim_barrier(void *ctx)
{
	((struct sim_backing *)ctx)->barriers++;
	return 0;
}

static const struct bufferpool_backing sim_backing_ops = {
	.name = "sim-kernel",
	.map = bufferpool_mmap_aligned,
	.unmap = bufferpool_munmap,
	.pin = sim_pin,
	.unpin = sim_unpin,
	.barrier = sim_barrier,
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mb(uint64_t bytes)
{
	return (double)bytes / (1 << 20);
}

struct hour_acc {
	double worst;        /* max over the hour's seconds: pinned / bound */
	uint64_t max_pinned; /* rtprelay */
	uint64_t ref_failed; /* reference: allocations refused this hour */
};

/* What the daemon could do from a slow timer: move live objects out of
 * sparse shards so that those can be given back. The number moved. */
static uint64_t migrate(struct bufferpool *pool, struct trace *tr)
{
	uint64_t moved = 0;

	for (uint32_t id = 0; id < trace_rec_count(tr); id++) {
		struct trace_rec *r = trace_rec(tr, id);

		for (unsigned i = 0; r->live && i < r->n; i++) {
			void *n;

			if (!bufferpool_should_move(pool, r->obj[i]))
				continue;
			n = bufferpool_alloc(pool, r->size[i], BUFFERPOOL_KERNEL);
			if (!n)
				continue;
			if (bufferpool_shard_base(pool, n) ==
			    bufferpool_shard_base(pool, r->obj[i])) {
				bufferpool_free(pool, n);
				continue;
			}
			memcpy(n, r->obj[i], r->size[i]);
			bufferpool_free(pool, r->obj[i]);
			r->obj[i] = n;
			moved++;
		}
	}
	return moved;
}

static int run_sim(const struct trace_params *tp, size_t shard_size, size_t page_size,
		   double migrate_every)
{
	struct sim_backing sb = { 0 };
	struct bufferpool_config cfg;
	struct bufferpool *pool;
	struct ref_model ref;
	struct trace *tr;
	struct trace_event ev;
	struct hour_acc acc = { 0 };
	double next_tick = 1.0, t0 = now_s();
	unsigned hour = 0, hours = (unsigned)(tp->seconds / 3600 + 0.5);
	int ref_cap_hour = -1, ref_cap_s = -1, failed = 0;
	uint64_t ops = 0, allocs = 0, alloc_fail = 0, ref_fail_prev = 0, moved = 0;
	double *ratio = calloc(hours + 1, sizeof(double));

	bufferpool_config_default(&cfg);
	cfg.shard_size = shard_size;
	cfg.page_size = page_size;
	cfg.backing = &sim_backing_ops;
	cfg.backing_ctx = &sb;
	pool = bufferpool_create(&cfg);
	tr = trace_new(tp);
	if (!pool || !tr || !ratio) {
		fprintf(stderr, "pool_sim: setup: %s\n", strerror(errno));
		return 2;
	}
	ref_model_init(&ref);

	printf("# pool_sim: %.0f calls/s for %u h, seed %llu; per branch 2 streams x %zu B "
	       "(struct rtprelay_stream_stats), %.0f%% with video (4), %zu B per call\n",
	       tp->rate, hours, (unsigned long long)tp->seed, tp->stream_size, tp->video_frac * 100,
	       tp->call_size);
	printf("# rtprelay: %zu KiB shards, %zu B pages, 1 spare, reclaim every 1 s; "
	       "reference: %u MiB bump shards, cap %u\n",
	       shard_size >> 10, page_size, REF_SHARD_SIZE >> 20, REF_MAX_SHARDS);
	printf("%4s | %9s %6s %9s %6s %6s | %9s %6s %9s %7s %9s\n", "hour", "live MB", "shards",
	       "pinned MB", "ratio", "bound", "live MB", "shards", "pinned MB", "ratio", "refused");

	for (;;) {
		bool more = trace_next(tr, &ev);
		double t = more ? ev.t : tp->seconds;

		/* Once a simulated second: the daemon's reclaim timer, and
		 * the check against the bound; once an hour: a row. */
		while (next_tick <= t) {
			struct bufferpool_totals tot;
			double bound;

			if (migrate_every > 0 && fmod(next_tick, migrate_every) == 0)
				moved += migrate(pool, tr);
			bufferpool_reclaim(pool);
			bufferpool_get_totals(pool, &tot);
			bound = 1.25 * (double)tot.used + (double)shard_size;
			if (next_tick >= 3600 && (double)tot.pinned_bytes / bound > acc.worst)
				acc.worst = (double)tot.pinned_bytes / bound;
			if (tot.pinned_bytes > acc.max_pinned)
				acc.max_pinned = tot.pinned_bytes;
			if (ref_cap_hour < 0 && ref.n_shards == ref.cap) {
				ref_cap_s = (int)next_tick;
				ref_cap_hour = ref_cap_s / 3600;
			}
			if ((uint64_t)next_tick % 3600 == 0) {
				hour++;
				acc.ref_failed = ref.failures - ref_fail_prev;
				ref_fail_prev = ref.failures;
				ratio[hour] = tot.used ? (double)tot.pinned_bytes / (double)tot.used
						       : 0;
				printf("%4u | %9.2f %6u %9.2f %6.2f %6s | %9.2f %6u %9.2f %7.2f %9llu\n",
				       hour, mb(tot.used), tot.shards_pinned, mb(tot.pinned_bytes),
				       ratio[hour],
				       hour > 1 ? (acc.worst <= 1.0 ? "ok" : "OVER") : "-",
				       mb(ref.live_bytes), ref.n_shards,
				       mb(ref_model_pinned_bytes(&ref)),
				       ref.live_bytes ? (double)ref_model_pinned_bytes(&ref) /
								(double)ref.live_bytes
						      : 0,
				       (unsigned long long)acc.ref_failed);
				if (hour > 1 && acc.worst > 1.0)
					failed = 1;
				acc = (struct hour_acc){ 0 };
			}
			next_tick += 1.0;
		}
		if (!more)
			break;

		struct trace_rec *r = trace_rec(tr, ev.rec);

		r->live = ev.kind == TRACE_ALLOC;

		for (unsigned i = 0; i < r->n; i++) {
			if (ev.kind == TRACE_ALLOC) {
				r->obj[i] = bufferpool_alloc(pool, r->size[i], BUFFERPOOL_KERNEL);
				alloc_fail += !r->obj[i];
				allocs++;
				r->ref[i] = ref_model_alloc(&ref, r->size[i]);
			} else {
				bufferpool_free(pool, r->obj[i]);
				ref_model_free(&ref, r->ref[i], r->size[i]);
			}
			ops++;
		}
	}

	/* Trend: least-squares slope of the hourly pinned/live ratio from
	 * hour 2 on (the first hour is the ramp). */
	double sx = 0, sy = 0, sxx = 0, sxy = 0, slope = 0;
	unsigned n = 0;

	for (unsigned h = 2; h <= hour; h++, n++) {
		sx += h;
		sy += ratio[h];
		sxx += (double)h * h;
		sxy += h * ratio[h];
	}
	if (n >= 2)
		slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);

	struct bufferpool_totals tot;

	bufferpool_get_totals(pool, &tot);
	printf("# %llu calls, %llu branches, %llu allocs+frees of each allocator in %.1f s real time\n",
	       (unsigned long long)trace_calls(tr), (unsigned long long)trace_branches(tr),
	       (unsigned long long)ops, now_s() - t0);
	printf("# rtprelay: shards mapped %llu, released %llu, max %u; pins %llu, unpins %llu, "
	       "barriers %llu; allocation failures %llu; max_used %.2f MB\n",
	       (unsigned long long)tot.shards_mapped, (unsigned long long)tot.shards_released,
	       tot.shards_max, (unsigned long long)sb.pins, (unsigned long long)sb.unpins,
	       (unsigned long long)sb.barriers, (unsigned long long)alloc_fail, mb(tot.max_used));
	if (migrate_every > 0)
		printf("# migration every %.0f s (bufferpool_should_move): %llu objects moved\n",
		       migrate_every, (unsigned long long)moved);
	printf("# target: rtprelay pinned <= 1.25 x live + 1 shard every second after hour 1: %s\n",
	       failed ? "MISSED" : "met");
	printf("# target: no upward trend: slope of pinned/live %+.4f per hour (hours 2-%u): %s\n",
	       slope, hour, slope <= 0.005 ? "met" : "MISSED");
	if (ref_cap_hour >= 0)
		printf("# target: reference hits its cap of %u shards in hour %d, at %d:%02d:%02d "
		       "(then refuses %llu of %llu allocations): met\n",
		       REF_MAX_SHARDS, ref_cap_hour + 1, ref_cap_s / 3600, ref_cap_s / 60 % 60,
		       ref_cap_s % 60, (unsigned long long)ref.failures,
		       (unsigned long long)allocs);
	else
		printf("# target: reference hits its cap within the run: MISSED (%u shards)\n",
		       ref.n_shards);

	bufferpool_destroy(pool);
	trace_free(tr);
	free(ratio);
	return failed || slope > 0.005 || ref_cap_hour < 0 || alloc_fail;
}

/* Single-thread cost of alloc+free pairs: a ring of W live objects, each
 * step frees the oldest and allocates a new one, sizes as in the trace. */
enum { W = 4096, BATCH = 1000, BATCHES = 1000 };

static const size_t sizes[5] = { sizeof(struct rtprelay_stream_stats),
				 sizeof(struct rtprelay_stream_stats),
				 sizeof(struct rtprelay_stream_stats),
				 sizeof(struct rtprelay_stream_stats), 96 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct timing {
	double p50, p99;
};

typedef void *(*alloc_fn)(void *ctx, size_t size);
typedef void (*free_fn)(void *ctx, void *ptr);

static struct timing time_pairs(alloc_fn af, free_fn ff, void *ctx, void (*tick)(void *ctx))
{
	static void *ring[W];
	static double ns[BATCHES];
	unsigned k = 0;

	for (unsigned i = 0; i < W; i++)
		ring[i] = af(ctx, sizes[i % 5]);
	for (unsigned b = 0; b < BATCHES; b++) {
		double t0 = now_s();

		for (unsigned i = 0; i < BATCH; i++, k++) {
			unsigned slot = k % W;

			ff(ctx, ring[slot]);
			ring[slot] = af(ctx, sizes[k % 5]);
		}
		ns[b] = (now_s() - t0) * 1e9 / BATCH;
		if (tick)
			tick(ctx);
	}
	for (unsigned i = 0; i < W; i++)
		ff(ctx, ring[i]);
	qsort(ns, BATCHES, sizeof(*ns), cmp_double);
	return (struct timing){ ns[BATCHES / 2], ns[BATCHES * 99 / 100] };
}

struct pool_ctx {
	struct bufferpool *p;
	unsigned flags;
};

static void *pool_a(void *ctx, size_t size)
{
	struct pool_ctx *c = ctx;

	return bufferpool_alloc(c->p, size, c->flags);
}

static void pool_f(void *ctx, void *ptr)
{
	bufferpool_free(((struct pool_ctx *)ctx)->p, ptr);
}

static void pool_tick(void *ctx)
{
	bufferpool_reclaim(((struct pool_ctx *)ctx)->p);
}

static void *malloc_a(void *ctx, size_t size)
{
	void *p = malloc(size);

	/* the pool zeroes; so must the comparison */
	if (p)
		memset(p, 0, size);
	return p;
}

static void malloc_f(void *ctx, void *ptr)
{
	free(ptr);
}

static int run_timing(void)
{
	struct sim_backing sb = { 0 };
	struct bufferpool_config cfg;
	struct pool_ctx user, kern;
	struct timing tu, tk, tm;

	bufferpool_config_default(&cfg);
	user.p = bufferpool_create(&cfg);
	user.flags = 0;
	cfg.backing = &sim_backing_ops;
	cfg.backing_ctx = &sb;
	kern.p = bufferpool_create(&cfg);
	kern.flags = BUFFERPOOL_KERNEL;
	if (!user.p || !kern.p)
		return 2;
	/* warm-up round each, then the measured one */
	time_pairs(pool_a, pool_f, &user, NULL);
	tu = time_pairs(pool_a, pool_f, &user, NULL);
	time_pairs(pool_a, pool_f, &kern, pool_tick);
	tk = time_pairs(pool_a, pool_f, &kern, pool_tick);
	time_pairs(malloc_a, malloc_f, NULL, NULL);
	tm = time_pairs(malloc_a, malloc_f, NULL, NULL);
	printf("# alloc+free, one thread, %u live, sizes %zu/%zu B, zeroed; ns per pair over %u batches "
	       "of %u:\n",
	       W, sizes[0], sizes[4], BATCHES, BATCH);
	printf("%-44s %8s %8s\n", "", "median", "p99");
	printf("%-44s %8.1f %8.1f\n", "bufferpool, user space", tu.p50, tu.p99);
	printf("%-44s %8.1f %8.1f\n", "bufferpool, kernel-visible (quarantine)", tk.p50, tk.p99);
	printf("%-44s %8.1f %8.1f\n", "glibc malloc+memset/free", tm.p50, tm.p99);
	printf("# target: median alloc+free under 100 ns: %s\n",
	       tu.p50 < 100 && tk.p50 < 100 ? "met" : "MISSED");
	bufferpool_destroy(user.p);
	bufferpool_destroy(kern.p);
	return !(tu.p50 < 100 && tk.p50 < 100);
}

int main(int argc, char **argv)
{
	struct trace_params tp;
	size_t shard_kib = 1024, page = 4096;
	double migrate_every = 0;
	bool timing = true, sim = true;
	int opt, ret = 0;

	trace_params_default(&tp);
	tp.stream_size = sizeof(struct rtprelay_stream_stats);
	while ((opt = getopt(argc, argv, "r:H:s:S:P:D:M:TN")) != -1) {
		switch (opt) {
		case 'r':
			tp.rate = atof(optarg);
			break;
		case 'H':
			tp.seconds = atof(optarg) * 3600;
			break;
		case 's':
			tp.seed = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			shard_kib = strtoul(optarg, NULL, 0);
			break;
		case 'P':
			page = strtoul(optarg, NULL, 0);
			break;
		case 'D':
			tp.calls_until = atof(optarg) * 3600;
			break;
		case 'M':
			migrate_every = atof(optarg);
			break;
		case 'T':
			sim = false;
			break;
		case 'N':
			timing = false;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r calls/s] [-H hours] [-s seed] "
				"[-S shard KiB] [-P page] [-D hour] [-M s] [-T] [-N]\n",
				argv[0]);
			return 2;
		}
	}
	if (sim)
		ret |= run_sim(&tp, shard_kib << 10, page, migrate_every);
	if (timing)
		ret |= run_timing();
	return ret;
}
