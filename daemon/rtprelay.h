/*
 * rtprelay: the daemon context handed to every module: the configuration,
 * the main event base, and the top-level objects. Owned by main.c, which
 * creates and destroys its parts in mirrored order.
 */
#ifndef RTPRELAY_RTPRELAY_H
#define RTPRELAY_RTPRELAY_H

#include <time.h>

struct event_base;
struct rtprelay_config;
struct calls;
struct ports;
struct ng_cache;
struct ng_transports;
struct stats;
struct workers;
struct bufferpool;
struct event;

struct rtprelay {
	const struct rtprelay_config
		*cfg;              /* current snapshot (config/config.h): control thread only */
	struct event_base *base;   /* the main (control) thread's loop */
	struct calls *calls;       /* call registry (call/call.h) */
	struct ports *ports;       /* per-interface port pools (call/ports.h) */
	struct stats *stats;       /* counters (stats.h) */
	struct ng_cache *ng_cache; /* retransmission cache (ng/cache.h) */
	struct ng_transports *ng;  /* listening sockets (ng/transport.h) */
	struct workers *workers;   /* media threads (media/worker.h) */
	struct bufferpool *pool;   /* memory the kernel will share (memory.h) */
	struct event *pool_timer;
	struct dtls_cert *dtls; /* certificate and context, made at start (crypto/dtls_cert.h) */
	time_t started;
};

#endif
