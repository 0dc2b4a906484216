/*
 * http_routes: what the HTTP listener (http.c) answers to a complete
 * request: POST /ng ("<cookie> <dict>"), POST /ng-plain (a bare
 * dictionary), GET /metrics (Prometheus text, ng/metrics.h), GET
 * /metrics/json (the statistics as JSON). Control thread only.
 */
#ifndef RTPRELAY_NG_HTTP_ROUTES_H
#define RTPRELAY_NG_HTTP_ROUTES_H

#include <glib.h>
#include <sys/socket.h>

#include "str.h"

struct rtprelay;
struct http_head;

struct http_answer {
	int status;
	const char *content_type;
	const char *body; /* len bytes; in owned, or static */
	size_t len;
	const char *allow; /* an Allow header for 405, or NULL */
	GString *owned;
};

/* Answer the request h with body into ans (http_answer_clear() it). */
void http_route(struct rtprelay *rp, const struct http_head *h, str body,
		const struct sockaddr *from, socklen_t from_len, struct http_answer *ans);
void http_answer_clear(struct http_answer *ans);

/* "Not Found" for 404...; "Unknown" for a status it does not know. */
const char *http_reason(int status);

#endif
