/*
 * http: the ng protocol over HTTP (--listen-http, libevent's evhttp):
 * POST /ng with "<cookie> <dict>", POST /ng-plain with a bare dictionary,
 * GET /metrics with the statistics as JSON. Main thread only.
 */
#ifndef RTPRELAY_NG_HTTP_H
#define RTPRELAY_NG_HTTP_H

struct rtprelay;
struct config_listen;
struct ng_http;

/* A listening server on rp's main base; NULL after logging why. */
struct ng_http *ng_http_new(struct rtprelay *rp, const struct config_listen *l);
void ng_http_free(struct ng_http *h); /* NULL is a no-op */

#endif
