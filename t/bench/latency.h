/*
 * latency: a bag of latency samples (nanoseconds) and nearest-rank
 * percentiles over them. One bag per measured quantity (offer, answer,
 * delete, whole cycle); not thread-safe (the benchmark is one thread).
 */
#ifndef RTPRELAY_BENCH_LATENCY_H
#define RTPRELAY_BENCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

struct latency {
	uint64_t *ns; /* samples; sorted once a percentile was asked for */
	size_t n, cap;
	int sorted;
};

void latency_init(struct latency *l);
void latency_reset(struct latency *l); /* forget samples, keep the memory */
void latency_cleanup(struct latency *l);
void latency_add(struct latency *l, uint64_t ns);

/*
 * The nearest-rank p-th percentile (0 < p <= 100) in microseconds: the
 * smallest sample that at least p% of the samples do not exceed. Sorts the
 * samples (later adds unsort them again). Returns -1.0 without samples.
 */
double latency_pct_us(struct latency *l, double p);

#endif
