/*
 * http: the ng protocol over HTTP (--listen-http): POST /ng with
 * "<cookie> <dict>", POST /ng-plain with a bare dictionary, GET /metrics
 * (Prometheus text) and GET /metrics/json (http_routes.h), within the
 * limits of the http-* options (http.c). Main thread only.
 */
#ifndef RTPRELAY_NG_HTTP_H
#define RTPRELAY_NG_HTTP_H

struct rtprelay;
struct config_listen;
struct ng_http;
struct ng_http_stats;

/* A listening server on rp's main base; NULL after logging why. With l
 * NULL, a server without a listener, for ng_http_adopt() (tests). */
struct ng_http *ng_http_new(struct rtprelay *rp, const struct config_listen *l);
/* Serve the connected stream socket fd on h as if it had been accepted
 * (no connection cap): the fuzz target's way in. h owns fd. */
void ng_http_adopt(struct ng_http *h, int fd);
void ng_http_free(struct ng_http *h); /* NULL is a no-op; closes every connection */

/* Add h's counters (http_limits.h) to *sum. */
void ng_http_stats_add(const struct ng_http *h, struct ng_http_stats *sum);

#endif
