/* Latency samples and nearest-rank percentiles. */
#include "latency.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>

void latency_init(struct latency *l)
{
	*l = (struct latency){ 0 };
}

void latency_reset(struct latency *l)
{
	l->n = 0;
	l->sorted = 0;
}

void latency_cleanup(struct latency *l)
{
	g_free(l->ns);
	latency_init(l);
}

void latency_add(struct latency *l, uint64_t ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->ns = g_renew(uint64_t, l->ns, l->cap);
	}
	l->ns[l->n++] = ns;
	l->sorted = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double latency_pct_us(struct latency *l, double p)
{
	if (!l->n)
		return -1.0;
	if (!l->sorted) {
		qsort(l->ns, l->n, sizeof(*l->ns), cmp_u64);
		l->sorted = 1;
	}
	/* nearest rank: ceil(p/100 * n), 1-based */
	size_t rank = (size_t)ceil(p / 100.0 * (double)l->n);

	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	return (double)l->ns[rank - 1] / 1000.0;
}
