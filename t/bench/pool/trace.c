/*
 * trace: the generator described in trace.h. Records live in one array
 * with a free list; pending events (one per record: its allocation, then
 * its free) in a binary heap by time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

struct heap_ent {
	double t;
	uint32_t rec;
	uint8_t kind;
};

struct trace {
	struct trace_params p;
	uint64_t rng;
	double next_call;
	uint64_t calls, branches;

	struct trace_rec *recs;
	uint32_t n_recs, cap_recs, free_head;
	uint32_t pending_release; /* freed by the last FREE event */

	struct heap_ent *heap;
	size_t n_heap, cap_heap;
};

void trace_params_default(struct trace_params *p)
{
	*p = (struct trace_params){
		.rate = 100,
		.seconds = 86400,
		.calls_until = 1e300,
		.seed = 1,
		.median = 60,
		.sigma = 1.0,
		.long_frac = 0.01,
		.never_frac = 0.0001,
		.delete_delay = 30,
		.video_frac = 0.1,
		.stream_size = 192,
		.call_size = 96,
		.call_objs = 1,
		.fork_min = 1,
		.fork_max = 7,
	};
}

/* splitmix64 */
uint64_t trace_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double trace_uniform(uint64_t *s)
{
	return (double)(trace_rand(s) >> 11) * 0x1.0p-53;
}

static double uniform(struct trace *t, double a, double b)
{
	return a + (b - a) * trace_uniform(&t->rng);
}

static double normal(struct trace *t)
{
	double u = trace_uniform(&t->rng), v = trace_uniform(&t->rng);

	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static void heap_push(struct trace *t, double when, uint32_t rec, uint8_t kind)
{
	size_t i;

	if (t->n_heap == t->cap_heap) {
		t->cap_heap = t->cap_heap ? t->cap_heap * 2 : 4096;
		t->heap = realloc(t->heap, t->cap_heap * sizeof(*t->heap));
		if (!t->heap)
			abort();
	}
	i = t->n_heap++;
	while (i) {
		size_t up = (i - 1) / 2;

		if (t->heap[up].t <= when)
			break;
		t->heap[i] = t->heap[up];
		i = up;
	}
	t->heap[i] = (struct heap_ent){ when, rec, kind };
}

static struct heap_ent heap_pop(struct trace *t)
{
	struct heap_ent top = t->heap[0], last = t->heap[--t->n_heap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= t->n_heap)
			break;
		if (c + 1 < t->n_heap && t->heap[c + 1].t < t->heap[c].t)
			c++;
		if (last.t <= t->heap[c].t)
			break;
		t->heap[i] = t->heap[c];
		i = c;
	}
	if (t->n_heap)
		t->heap[i] = last;
	return top;
}

static uint32_t rec_new(struct trace *t)
{
	uint32_t id;

	if (t->free_head != UINT32_MAX) {
		id = t->free_head;
		t->free_head = t->recs[id].next_free;
	} else {
		if (t->n_recs == t->cap_recs) {
			t->cap_recs = t->cap_recs ? t->cap_recs * 2 : 4096;
			t->recs = realloc(t->recs, t->cap_recs * sizeof(*t->recs));
			if (!t->recs)
				abort();
		}
		id = t->n_recs++;
	}
	memset(&t->recs[id], 0, sizeof(t->recs[id]));
	return id;
}

static void add_rec(struct trace *t, double alloc_at, double free_at, unsigned n, size_t size)
{
	uint32_t id = rec_new(t);
	struct trace_rec *r = &t->recs[id];

	r->free_at = free_at;
	r->n = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		r->size[i] = (uint16_t)size;
	heap_push(t, alloc_at, id, TRACE_ALLOC);
}

static bool add_branch(struct trace *t, double start, double deleted)
{
	unsigned media = trace_uniform(&t->rng) < t->p.video_frac ? 2 : 1;
	double free_at = deleted >= TRACE_NEVER ? TRACE_NEVER : deleted + t->p.delete_delay;

	add_rec(t, start, free_at, 2 * media, t->p.stream_size);
	t->branches++;
	return media == 2;
}

/* One INVITE at t0: its branches and its own object. */
static void gen_call(struct trace *t, double t0)
{
	unsigned k = t->p.fork_min +
		     (unsigned)(trace_rand(&t->rng) % (t->p.fork_max - t->p.fork_min + 1));
	double start = t0, end, x = trace_uniform(&t->rng);
	struct trace_call c = { .id = t->calls, .start = t0, .n_branches = k + 1 };

	for (unsigned i = 0; i < k; i++) {
		double del = start + uniform(t, 0.1, 2.0);

		c.branch_at[i] = start;
		c.video[i] = add_branch(t, start, del);
		start = del;
	}
	if (x < t->p.never_frac)
		end = TRACE_NEVER;
	else if (x < t->p.never_frac + t->p.long_frac)
		end = start + uniform(t, 3600, 8 * 3600);
	else
		end = start + t->p.median * exp(t->p.sigma * normal(t));
	c.branch_at[k] = start;
	c.video[k] = add_branch(t, start, end);
	c.end = end;
	if (t->p.call_size)
		add_rec(t, t0, end >= TRACE_NEVER ? TRACE_NEVER : end + t->p.delete_delay,
			t->p.call_objs, t->p.call_size);
	if (t->p.on_call)
		t->p.on_call(t->p.on_call_ctx, &c);
	t->calls++;
}

struct trace *trace_new(const struct trace_params *p)
{
	struct trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (p->fork_max < p->fork_min || p->fork_max >= TRACE_MAX_BRANCHES ||
	    p->call_objs > TRACE_MAX_OBJS) {
		free(t);
		return NULL;
	}
	t->p = *p;
	t->rng = p->seed;
	t->free_head = UINT32_MAX;
	t->pending_release = UINT32_MAX;
	t->next_call = -log(1.0 - trace_uniform(&t->rng)) / p->rate;
	return t;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	free(t->heap);
	free(t->recs);
	free(t);
}

bool trace_next(struct trace *t, struct trace_event *ev)
{
	struct heap_ent e;

	if (t->pending_release != UINT32_MAX) {
		t->recs[t->pending_release].next_free = t->free_head;
		t->free_head = t->pending_release;
		t->pending_release = UINT32_MAX;
	}
	/* Calls that arrive before the earliest pending event come first. */
	while (t->next_call < t->p.seconds && t->next_call < t->p.calls_until &&
	       (!t->n_heap || t->next_call <= t->heap[0].t)) {
		gen_call(t, t->next_call);
		t->next_call += -log(1.0 - trace_uniform(&t->rng)) / t->p.rate;
	}
	if (!t->n_heap || t->heap[0].t >= t->p.seconds)
		return false;
	e = heap_pop(t);
	*ev = (struct trace_event){ e.t, (enum trace_kind)e.kind, e.rec };
	if (e.kind == TRACE_ALLOC) {
		if (t->recs[e.rec].free_at < TRACE_NEVER)
			heap_push(t, t->recs[e.rec].free_at, e.rec, TRACE_FREE);
	} else {
		t->pending_release = e.rec;
	}
	return true;
}

struct trace_rec *trace_rec(struct trace *t, uint32_t id)
{
	return &t->recs[id];
}

uint32_t trace_rec_count(const struct trace *t)
{
	return t->n_recs;
}

uint64_t trace_calls(const struct trace *t)
{
	return t->calls;
}

uint64_t trace_branches(const struct trace *t)
{
	return t->branches;
}
