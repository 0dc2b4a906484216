/*
 * stats: the daemon's counters (sessions, ends by kind, control commands
 * live in the ng command table). Main thread only for now.
 */
#ifndef RTPRELAY_STATS_H
#define RTPRELAY_STATS_H

#include <stdint.h>

#include "call/call.h"

struct stats {
	uint64_t calls_created;
	uint64_t calls_ended[CALL_END_COUNT];
	uint64_t calls_refused_max_sessions;
	uint64_t offers_failed_ports;   /* offers refused for lack of ports */
	uint64_t monologues_created;
	/* media counters of streams already freed (media_free adds them) */
	uint64_t relayed_packets, relayed_bytes, relayed_errors;
};

struct bencode_item;
struct arena;

/* Fill dict with the "statistics" reply (ng_statistics.c). */
void stats_to_bencode(struct rtprelay *rp, struct arena *a, struct bencode_item *dict);

#endif
