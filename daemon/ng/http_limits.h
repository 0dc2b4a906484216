/*
 * http_limits: what the HTTP listeners (http.c) count about their limits,
 * and its report in the statistics ("http" in the statistics dictionary,
 * rtprelay_http_* in GET /metrics). Control thread only.
 */
#ifndef RTPRELAY_NG_HTTP_LIMITS_H
#define RTPRELAY_NG_HTTP_LIMITS_H

#include <stdint.h>

#include "bencode.h"

struct arena;
struct rtprelay;

/* The limit a request or connection ran into; indexes the counters. */
enum http_limit {
	HTTP_LIMIT_CONNECTIONS, /* http-max-connections: 503 */
	HTTP_LIMIT_HEADER,      /* http-max-header-size: 431 */
	HTTP_LIMIT_URI,         /* http-max-uri-size: 414 */
	HTTP_LIMIT_BODY,        /* http-max-body-size: 413 */
	HTTP_LIMIT_TIMEOUT,     /* http-timeout: 408 */
	HTTP_LIMIT_COUNT
};

/* The option that sets a limit ("http-max-connections"...). */
const char *http_limit_option(enum http_limit l);

struct ng_http_stats {
	uint64_t connections;               /* accepted */
	uint64_t connections_open;          /* now (a gauge) */
	uint64_t requests;                  /* answered, any status */
	uint64_t limited[HTTP_LIMIT_COUNT]; /* refused at a limit */
	uint64_t bad_requests;              /* 400, 411, 417, 501, 505 */
	uint64_t accept_pauses;             /* accept() failed (descriptors): paused */
};

/* Add the sum over every HTTP listener of rp to dict (the "http" entry of
 * statistics_to_bencode). */
void ng_http_stats_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict);

#endif
