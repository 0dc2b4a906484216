/*
 * tcp_budget: the input that every TCP ng connection holds, summed over all
 * of them and all TCP ng listeners (--ng-tcp-max-buffered), and the order
 * in which holders give way when the sum reaches the limit.
 *
 * A connection is a holder while it holds input (bytes read, not yet
 * handled). Holders are kept least recently progressed first: a holder
 * moves to the end when it becomes one and each time one of its messages
 * is complete. A client that drips partial messages, or one that stopped
 * reading its replies, drifts to the front; a working client stays at the
 * back. At the limit, tcp.c closes holders from the front (never the one
 * whose read is being handled) until the sum fits, and refuses that one
 * only if it is itself the first in line. So a crowd of partial messages
 * cannot lock out a working client, and no connection is paused waiting
 * for room (nothing to wake up, nothing to spin on).
 *
 * Pure bookkeeping, no event loop: tcp.c calls it. Main thread only.
 */
#ifndef RTPRELAY_NG_TCP_BUDGET_H
#define RTPRELAY_NG_TCP_BUDGET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* One connection's share; embedded in the connection (link.data = it). */
struct ng_tcp_hold {
	GList link;   /* in ng_tcp_budget.holders while bytes > 0 */
	size_t bytes; /* what the connection holds now */
	bool queued;
};

struct ng_tcp_budget {
	size_t held;      /* sum of every hold's bytes */
	size_t peak;      /* the highest held so far once room was made (tcp.c sets it) */
	GQueue holders;   /* struct ng_tcp_hold *, least recently progressed first */
	uint64_t evicted; /* connections closed to make room (or refused) at the limit */
	/* tcp.c's report of the limit: once per interval, with the count since */
	struct log_ratelimit rl;
	uint64_t reported; /* evicted at the last report */
};

void ng_tcp_budget_init(struct ng_tcp_budget *b);

/*
 * h now holds bytes. progressed: a message of h's was just completed (h
 * moves to the end of the line). A hold going from 0 to more joins the
 * line at the end; a hold going to 0 leaves it.
 */
void ng_tcp_budget_set(struct ng_tcp_budget *b, struct ng_tcp_hold *h, size_t bytes,
		       bool progressed);

/* The holder to close first to make room, never except; NULL if none. */
struct ng_tcp_hold *ng_tcp_budget_victim(const struct ng_tcp_budget *b,
					 const struct ng_tcp_hold *except);

#endif
