/*
 * trace: the call traffic of the pool simulator, generated on the fly in
 * virtual time. Calls arrive as a Poisson process; each INVITE forks
 * serially into 1 + k branches (k uniform in 1..7): k fail, each deleted
 * 0.1-2 s after it was created (fork_min..fork_max, default 1..7, for
 * other mixes), the last is answered and lasts a
 * log-normal time (median 60 s), 1-8 hours for 1% of calls, forever for
 * 0.01%. Every deletion frees the branch's memory delete_delay (30 s)
 * later. A record is one allocation unit: a branch's media streams (two
 * objects, RTP and RTCP, per media; 10% of branches carry video too) or
 * the call's own object. Deterministic for a seed.
 */
#ifndef POOL_TRACE_H
#define POOL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_OBJS 4
#define TRACE_NEVER 1e300

/* One INVITE as generated: branch i (0-based) lives from branch_at[i]
 * (branch_at[0] = start) to branch_at[i + 1]; the last one, answered,
 * from branch_at[n_branches - 1] to end (TRACE_NEVER: never deleted). */
#define TRACE_MAX_BRANCHES 16
struct trace_call {
	uint64_t id; /* 0, 1, ... in order of generation */
	double start, end;
	unsigned n_branches;
	double branch_at[TRACE_MAX_BRANCHES];
	bool video[TRACE_MAX_BRANCHES];
};

struct trace_params {
	double rate;        /* calls per second */
	double seconds;     /* length of the trace */
	double calls_until; /* no new calls from then on (a drain) */
	uint64_t seed;
	double median;               /* answered call duration, s */
	double sigma;                /* of its logarithm */
	double long_frac;            /* calls lasting 1-8 hours */
	double never_frac;           /* calls never deleted */
	double delete_delay;         /* s from delete to free */
	double video_frac;           /* branches with a second media */
	size_t stream_size;          /* per stream (RTP or RTCP) */
	size_t call_size;            /* per call; 0: none */
	unsigned call_objs;          /* objects of call_size per call (1) */
	unsigned fork_min, fork_max; /* failing branches per INVITE (1..7) */
	/* If set, told of every call as it is generated (the replay driver
	 * needs the call structure the records do not keep). */
	void (*on_call)(void *ctx, const struct trace_call *c);
	void *on_call_ctx;
};

void trace_params_default(struct trace_params *p);

/* One allocation unit; the simulator keeps each allocator's handles in it. */
struct trace_rec {
	double free_at; /* TRACE_NEVER: never freed */
	uint8_t n;
	uint16_t size[TRACE_MAX_OBJS];
	void *obj[TRACE_MAX_OBJS];   /* the rtprelay pool's objects */
	int32_t ref[TRACE_MAX_OBJS]; /* the reference model's handles */
	uint32_t next_free;
	bool live; /* allocated and not yet freed (the simulator's flag) */
};

enum trace_kind { TRACE_ALLOC, TRACE_FREE };

struct trace_event {
	double t;
	enum trace_kind kind;
	uint32_t rec;
};

struct trace;

struct trace *trace_new(const struct trace_params *p);
void trace_free(struct trace *t);

/* The next event in time order: false when the trace has ended. A FREE
 * event's record is reused after the next call. */
bool trace_next(struct trace *t, struct trace_event *ev);
struct trace_rec *trace_rec(struct trace *t, uint32_t id);
uint32_t trace_rec_count(const struct trace *t); /* ids below it exist */

/* Counts so far. */
uint64_t trace_calls(const struct trace *t);
uint64_t trace_branches(const struct trace *t);

/* The generator's random numbers, for other parts of the simulator. */
uint64_t trace_rand(uint64_t *state);
double trace_uniform(uint64_t *state); /* [0, 1) */

#endif
