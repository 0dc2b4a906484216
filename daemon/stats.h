/*
 * stats: the daemon's counters: sessions, ends by kind, ng commands (one
 * entry per ng_commands[] entry), media of freed streams. A types-only
 * header; commands/statistics.c reports them. Main thread only.
 */
#ifndef RTPRELAY_STATS_H
#define RTPRELAY_STATS_H

#include <stdint.h>

#include "call/call.h"
#include "commands/commands.h"
#include "crypto/dtls.h"

struct stats_command {
	uint64_t count;      /* requests executed (retransmissions excluded) */
	uint64_t errors;     /* of those, answered with result=error */
	uint64_t usec_total; /* summed processing time */
};

struct stats {
	uint64_t calls_created;
	uint64_t calls_ended[CALL_END_COUNT];
	uint64_t calls_refused_max_sessions;
	uint64_t offers_failed_ports;     /* offers refused for lack of ports */
	uint64_t offers_failed_tags;      /* offers refused: max-call-tags */
	uint64_t offers_failed_sockets;   /* offers refused: no descriptor for a socket */
	uint64_t offers_failed_memory;    /* offers refused: the shared-memory pool was out */
	uint64_t ice_other_family_failed; /* ICE candidates left out: no pair (ice/ice_ports.h) */
	uint64_t ng_retransmissions_gone; /* a request seen whose reply was dropped (ng/cache.h) */
	uint64_t ng_refused_cache_full;   /* requests not executed: the cache was full */
	uint64_t ng_accept_paused;        /* a listener paused: no descriptor for a connection */
	uint64_t ng_tcp_timeouts;         /* TCP ng connections closed by a timeout */
	uint64_t ng_tcp_evicted;          /* ... closed to make room (ng-tcp-max-connections) */
	uint64_t ng_tcp_buffer_evicted;   /* ... closed at ng-tcp-max-buffered */
	uint64_t offers_failed_client;    /* offers refused: max-calls-per-client */
	uint64_t udp_replies_too_large;   /* ng replies replaced by an error (ng.h) */
	uint64_t monologues_created;
	/* media counters of streams already freed (media_free adds them) */
	uint64_t relayed_packets, relayed_bytes, relayed_errors;
	uint64_t relayed_kernel_packets;          /* of relayed_packets: by the kernel */
	uint64_t srtp_auth_failed, srtp_replayed; /* of calls gone (live ones: summed) */
	uint64_t stun_dropped, stun_answered;     /* ICE, of agents gone (ice/agent.h) */
	struct dtls_counters dtls; /* all parties, live or gone: the packet path adds atomically */
	struct stats_command commands[NG_COMMAND_COUNT]; /* by ng_command_index() */
};

#endif
