/*
 * http_routes: the answers of the HTTP listener. POST /ng takes
 * "<cookie> <dict>" and answers the same way (a body without a valid
 * cookie is 400); POST /ng-plain takes a bare dictionary and answers with
 * the bare reply (no cookie, so no retransmission cache). GET /metrics
 * answers the statistics in the Prometheus text format, GET /metrics/json
 * as JSON. Other paths are 404, other methods on these paths 405. The
 * request's Content-Type is not enforced (the body's first byte says
 * bencode or JSON); the reply's is application/x-rtpengine-ng or
 * application/json after the body's form.
 */
#define LOG_SUBSYS http

#include "ng/http_routes.h"

#include <string.h>

#include "arena.h"
#include "bencode.h"
#include "commands/statistics.h"
#include "ng/http_parse.h"
#include "ng/json.h"
#include "ng/metrics.h"
#include "ng/msg.h"
#include "ng/ng.h"
#include "rtprelay.h"

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 417:
		return "Expectation Failed";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}

static void answer_text(struct http_answer *ans, int status, const char *text)
{
	ans->status = status;
	ans->content_type = "text/plain";
	ans->body = text;
	ans->len = strlen(text);
}

static void answer_owned(struct http_answer *ans, const char *ctype, GString *out)
{
	ans->status = 200;
	ans->content_type = ctype;
	ans->owned = out;
	ans->body = out->str;
	ans->len = out->len;
}

/* GET /metrics and /metrics/json: one statistics dictionary, two forms. */
static void answer_metrics(struct rtprelay *rp, bool json, struct http_answer *ans)
{
	struct arena *a = arena_new(16384);
	bencode_item *d = bencode_new_dict(a);
	GString *out = g_string_sized_new(8192);

	statistics_to_bencode(rp, a, d);
	if (json)
		ng_json_from_bencode(d, out);
	else
		metrics_prometheus(d, out);
	arena_free(a);
	answer_owned(ans, json ? "application/json" : METRICS_PROMETHEUS_CONTENT_TYPE, out);
}

static void answer_ng(struct rtprelay *rp, bool plain, str body, const struct sockaddr *from,
		      socklen_t from_len, struct http_answer *ans)
{
	GString *out = g_string_sized_new(256);

	if (plain)
		ng_process_plain(rp, body, NG_HTTP, from, from_len, out);
	else
		ng_process(rp, rp->ng_cache, body, NG_HTTP, from, from_len, out);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		answer_text(ans, 400, "400 Bad Request: expected \"<cookie> <dictionary>\"\n");
		return;
	}
	/* the reply's form is the request's: find the body after the cookie */
	str reply_body = str_make(out->str, out->len);

	if (!plain) {
		str cookie;

		reply_body = str_split(reply_body, ' ', &cookie);
	}
	answer_owned(ans,
		     ng_msg_format(reply_body) == NG_FORMAT_JSON ? "application/json"
								 : "application/x-rtpengine-ng",
		     out);
}

void http_route(struct rtprelay *rp, const struct http_head *h, str body,
		const struct sockaddr *from, socklen_t from_len, struct http_answer *ans)
{
	bool get = str_eq_c(h->method, "GET") || str_eq_c(h->method, "HEAD");
	bool post = str_eq_c(h->method, "POST");

	memset(ans, 0, sizeof(*ans));
	if (str_eq_c(h->path, "/metrics") || str_eq_c(h->path, "/metrics/json")) {
		if (!get) {
			ans->allow = "GET, HEAD";
			answer_text(ans, 405, "405 Method Not Allowed: only GET\n");
			return;
		}
		answer_metrics(rp, h->path.len > strlen("/metrics"), ans);
		return;
	}
	if (!str_eq_c(h->path, "/ng") && !str_eq_c(h->path, "/ng-plain")) {
		answer_text(ans, 404, "404 Not Found\n");
		return;
	}
	if (!post) {
		ans->allow = "POST";
		answer_text(ans, 405, "405 Method Not Allowed: only POST\n");
		return;
	}
	answer_ng(rp, h->path.len > strlen("/ng"), body, from, from_len, ans);
}

void http_answer_clear(struct http_answer *ans)
{
	if (ans->owned)
		g_string_free(ans->owned, TRUE);
	memset(ans, 0, sizeof(*ans));
}
