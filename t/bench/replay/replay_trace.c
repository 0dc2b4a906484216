/*
 * replay_trace: the field replay's side of the pool simulator's trace
 * generator (t/bench/pool/trace.h), so the daemon in the guest and the
 * reference model see the same calls.
 *
 *   replay_trace schedule [params]  the calls of the replayed load, one a
 *                                   line, for driver.py
 *   replay_trace ref [params]       the reference design (ref_model.h) on
 *                                   the same trace: when it hits its cap of
 *                                   16 pins, and how many allocations it
 *                                   refuses; continued past the replayed
 *                                   load (-X) if it has not hit it there
 *
 * params: -r calls/s  -L load seconds  -s seed  -l long fraction
 *         -F min:max failing branches per INVITE  -X seconds (ref: how far
 *         to continue the same trace past the load)
 *
 * The replay's mix (driver.py does the same on the wire): audio only (one
 * m= line: the offer has one), so no video branches; per stream one struct
 * rtprelay_stream_stats (the daemon allocates RTP's and RTCP's per media,
 * daemon/call/media.c), per branch one media; per call the offerer's media
 * (two of those objects), which lives from the offer to the call's delete
 * plus the delete delay. Everything else is trace_params_default().
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_model.h"
#include "rtprelay_stats.h"
#include "trace.h"

static void usage(void)
{
	fprintf(stderr, "usage: replay_trace schedule|ref [-r calls/s] [-L load s] [-s seed] "
			"[-l long fraction] [-F min:max] [-X s]\n");
	exit(2);
}

static void print_call(void *ctx, const struct trace_call *c)
{
	printf("%llu %.3f ", (unsigned long long)c->id, c->start);
	if (c->end >= TRACE_NEVER)
		printf("inf");
	else
		printf("%.3f", c->end);
	printf(" %u", c->n_branches);
	for (unsigned i = 0; i < c->n_branches; i++)
		printf(" %.3f", c->branch_at[i]);
	putchar('\n');
}

/* The schedule: "# key value" lines first, then one line per call:
 * id start end|inf n_branches branch_at... */
static int schedule(struct trace_params *tp)
{
	struct trace_event ev;
	struct trace *tr;

	tp->on_call = print_call;
	tr = trace_new(tp);
	if (!tr)
		return 2;
	printf("# seed %llu\n# rate %g\n# load_s %g\n# long_frac %g\n# never_frac %g\n"
	       "# fork %u..%u\n# median_s %g\n# sigma %g\n# delete_delay_s %g\n",
	       (unsigned long long)tp->seed, tp->rate, tp->seconds, tp->long_frac, tp->never_frac,
	       tp->fork_min, tp->fork_max, tp->median, tp->sigma, tp->delete_delay);
	while (trace_next(tr, &ev))
		;
	trace_free(tr);
	return 0;
}

struct ref_run {
	double cap_at;                      /* simulated s the 16th shard was pinned; -1 */
	double first_refuse;                /* simulated s of the first refusal; -1 */
	uint64_t refused_load, allocs_load; /* within the replayed load */
	uint64_t refused, allocs;           /* up to the horizon */
	unsigned shards_at_load;            /* pinned at the end of the load */
	uint64_t calls;
};

/* The reference model on tp's trace up to horizon seconds (calls stop at
 * tp->calls_until), stopping early once it has refused for an hour; the
 * "load" figures are those before load_s. */
static int ref_run(const struct trace_params *tp, double load_s, double horizon,
		   struct ref_run *out)
{
	struct trace_params p = *tp;
	struct ref_model ref;
	struct trace_event ev;
	struct trace *tr;
	bool load_done = false;

	p.seconds = horizon;
	p.on_call = NULL;
	tr = trace_new(&p);
	if (!tr)
		return -1;
	ref_model_init(&ref);
	*out = (struct ref_run){ .cap_at = -1, .first_refuse = -1 };
	while (trace_next(tr, &ev)) {
		struct trace_rec *r = trace_rec(tr, ev.rec);

		if (!load_done && ev.t >= load_s) {
			load_done = true;
			out->shards_at_load = ref.n_shards;
		}
		if (out->first_refuse >= 0 && ev.t > out->first_refuse + 3600)
			break;
		for (unsigned i = 0; i < r->n; i++) {
			if (ev.kind == TRACE_ALLOC) {
				r->ref[i] = ref_model_alloc(&ref, r->size[i]);
				out->allocs++;
				out->allocs_load += !load_done;
				if (r->ref[i] < 0) {
					out->refused++;
					out->refused_load += !load_done;
					if (out->first_refuse < 0)
						out->first_refuse = ev.t;
				}
			} else {
				ref_model_free(&ref, r->ref[i], r->size[i]);
			}
		}
		if (out->cap_at < 0 && ref.n_shards == ref.cap)
			out->cap_at = ev.t;
	}
	if (!load_done)
		out->shards_at_load = ref.n_shards;
	out->calls = trace_calls(tr);
	trace_free(tr);
	return 0;
}

static void hms(char *buf, size_t len, double s)
{
	long v = (long)s;

	snprintf(buf, len, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
}

static void print_ref(const char *what, const struct trace_params *tp, double load_s,
		      double horizon, const struct ref_run *r)
{
	char t[32];

	printf("ref\t%s\trate\t%g\n", what, tp->rate);
	printf("ref\t%s\tcalls_simulated\t%llu\n", what, (unsigned long long)r->calls);
	printf("ref\t%s\thorizon_s\t%.0f\n", what, horizon);
	printf("ref\t%s\tshards_at_load_end\t%u\n", what, r->shards_at_load);
	printf("ref\t%s\trefused_in_load\t%llu\n", what, (unsigned long long)r->refused_load);
	printf("ref\t%s\tallocs_in_load\t%llu\n", what, (unsigned long long)r->allocs_load);
	if (r->cap_at >= 0) {
		hms(t, sizeof(t), r->cap_at);
		printf("ref\t%s\tcap_at_s\t%.1f\n", what, r->cap_at);
		printf("ref\t%s\tcap_at\t%s\n", what, t);
		printf("ref\t%s\tcap_within_load\t%s\n", what, r->cap_at < load_s ? "yes" : "no");
	} else {
		printf("ref\t%s\tcap_at_s\tnever\n", what);
	}
	if (r->first_refuse >= 0) {
		hms(t, sizeof(t), r->first_refuse);
		printf("ref\t%s\tfirst_refusal_at\t%s\n", what, t);
		printf("ref\t%s\trefused_first_hour\t%llu\n", what, (unsigned long long)r->refused);
		printf("ref\t%s\tallocs_to_then\t%llu\n", what, (unsigned long long)r->allocs);
	}
}

int main(int argc, char **argv)
{
	struct trace_params tp;
	double horizon = 14 * 86400.0;
	const char *mode;
	int opt;

	if (argc < 2)
		usage();
	mode = argv[1];
	trace_params_default(&tp);
	tp.video_frac = 0;
	tp.stream_size = sizeof(struct rtprelay_stream_stats);
	tp.call_size = sizeof(struct rtprelay_stream_stats);
	tp.call_objs = 2;
	tp.long_frac = 0.03;
	tp.fork_min = 2;
	tp.fork_max = 8;
	tp.rate = 2;
	tp.seconds = 600;
	optind = 2;
	while ((opt = getopt(argc, argv, "r:L:s:l:F:X:")) != -1) {
		switch (opt) {
		case 'r':
			tp.rate = atof(optarg);
			break;
		case 'L':
			tp.seconds = atof(optarg);
			break;
		case 's':
			tp.seed = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			tp.long_frac = atof(optarg);
			break;
		case 'F':
			if (sscanf(optarg, "%u:%u", &tp.fork_min, &tp.fork_max) != 2)
				usage();
			break;
		case 'X':
			horizon = atof(optarg);
			break;
		default:
			usage();
		}
	}
	tp.calls_until = tp.seconds;
	if (tp.rate <= 0 || tp.seconds <= 0 || tp.fork_max < tp.fork_min ||
	    tp.fork_max >= TRACE_MAX_BRANCHES)
		usage();
	if (!strcmp(mode, "schedule"))
		return schedule(&tp);
	if (strcmp(mode, "ref"))
		usage();

	struct ref_run r;
	struct trace_params fast = tp;

	printf("ref\tobject_size\t%zu\n", sizeof(struct rtprelay_stream_stats));
	printf("ref\tshard_size\t%u\nref\tcap\t%u\n", REF_SHARD_SIZE, REF_MAX_SHARDS);
	/* The replayed load, with the drop: no new calls after it. */
	if (ref_run(&tp, tp.seconds, tp.seconds + 3600, &r) < 0)
		return 2;
	print_ref("replayed", &tp, tp.seconds, tp.seconds + 3600, &r);
	/* The same generator and seed, calls going on past the load. */
	if (r.cap_at < 0) {
		struct trace_params cont = tp;

		cont.calls_until = TRACE_NEVER;
		cont.seconds = horizon;
		if (ref_run(&cont, tp.seconds, horizon, &r) < 0)
			return 2;
		print_ref("continued", &cont, tp.seconds, horizon, &r);
	}
	/* Context: the simulator's default rate, same mix and seed. */
	fast.rate = 100;
	fast.calls_until = TRACE_NEVER;
	fast.seconds = 86400;
	if (ref_run(&fast, tp.seconds, fast.seconds, &r) < 0)
		return 2;
	print_ref("rate100", &fast, tp.seconds, fast.seconds, &r);
	return 0;
}
