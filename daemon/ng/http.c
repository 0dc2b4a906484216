/*
 * http: the ng protocol over HTTP (--listen-http), with libevent's
 * evhttp. POST /ng takes "<cookie> <dict>" and answers the same way (a
 * body without a valid cookie is 400); POST /ng-plain takes a bare
 * dictionary and answers with the bare reply (no cookie, so no
 * retransmission cache). Other paths are 404, other methods on these paths
 * 405. The request's Content-Type is not enforced (the body's first byte
 * says bencode or JSON); the reply's is application/x-rtpengine-ng or
 * application/json after the body's form. GET /metrics answers the
 * statistics as JSON.
 */
#define LOG_SUBSYS control

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <unistd.h>

#include "commands/statistics.h"
#include "config/config.h"
#include "log.h"
#include "ng/http.h"
#include "ng/json.h"
#include "ng/msg.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "rtprelay.h"

#define HTTP_TIMEOUT_SECONDS 30

struct ng_http {
	struct rtprelay *rp;
	struct evhttp *http;
	char text[80];
};

static void reply_text(struct evhttp_request *r, int code, const char *reason, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(r), "Content-Type", "text/plain");
	if (b)
		evbuffer_add_printf(b, "%s\n", text);
	evhttp_send_reply(r, code, reason, b);
	if (b)
		evbuffer_free(b);
}

/* GET /metrics: the statistics command's dictionary as JSON, for scrapers. */
static void reply_metrics(struct ng_http *h, struct evhttp_request *r)
{
	struct arena *a = arena_new(16384);
	bencode_item *d = bencode_new_dict(a);
	GString *out = g_string_sized_new(4096);

	statistics_to_bencode(h->rp, a, d);
	ng_json_from_bencode(d, out);
	evhttp_add_header(evhttp_request_get_output_headers(r), "Content-Type", "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(r), out->str, out->len);
	evhttp_send_reply(r, HTTP_OK, "OK", NULL);
	g_string_free(out, TRUE);
	arena_free(a);
}

static void on_request(struct evhttp_request *r, void *arg)
{
	struct ng_http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	bool plain;

	if (path && strcmp(path, "/metrics") == 0 &&
	    evhttp_request_get_command(r) == EVHTTP_REQ_GET) {
		reply_metrics(h, r);
		return;
	}
	if (path && strcmp(path, "/ng") == 0) {
		plain = false;
	} else if (path && strcmp(path, "/ng-plain") == 0) {
		plain = true;
	} else {
		reply_text(r, HTTP_NOTFOUND, "Not Found", "not found");
		return;
	}
	if (evhttp_request_get_command(r) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(r), "Allow", "POST");
		reply_text(r, HTTP_BADMETHOD, "Method Not Allowed", "only POST");
		return;
	}

	struct evbuffer *in = evhttp_request_get_input_buffer(r);
	size_t len = evbuffer_get_length(in);
	const char *body = len ? (const char *)evbuffer_pullup(in, -1) : "";
	struct evhttp_connection *conn = evhttp_request_get_connection(r);
	const struct sockaddr *from = conn ? evhttp_connection_get_addr(conn) : NULL;
	socklen_t from_len = 0;
	GString *out = g_string_sized_new(256);

	if (from)
		from_len = from->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						       : sizeof(struct sockaddr_in);
	str msg = str_make(body, len);
	if (plain)
		ng_process_plain(h->rp, msg, NG_HTTP, from, from_len, out);
	else
		ng_process(h->rp, h->rp->ng_cache, msg, NG_HTTP, from, from_len, out);

	if (out->len == 0) {
		reply_text(r, HTTP_BADREQUEST, "Bad Request", "expected \"<cookie> <dictionary>\"");
		goto out_free;
	}
	/* the reply's form is the request's: find the body after the cookie */
	str reply_body = str_make(out->str, out->len);
	if (!plain) {
		str cookie;
		reply_body = str_split(reply_body, ' ', &cookie);
	}
	evhttp_add_header(evhttp_request_get_output_headers(r), "Content-Type",
			  ng_msg_format(reply_body) == NG_FORMAT_JSON
				  ? "application/json"
				  : "application/x-rtpengine-ng");
	struct evbuffer *ob = evhttp_request_get_output_buffer(r);
	evbuffer_add(ob, out->str, out->len);
	evhttp_send_reply(r, HTTP_OK, "OK", NULL);

out_free:
	g_string_free(out, TRUE);
}

/* Bind l and serve it on rp->base; NULL after logging. Main thread. */
struct ng_http *ng_http_new(struct rtprelay *rp, const struct config_listen *l)
{
	struct ng_http *h = g_new0(struct ng_http, 1);
	int fd;

	h->rp = rp;
	g_strlcpy(h->text, l->text, sizeof(h->text));
	fd = ng_transport_socket(l, SOCK_STREAM, "ng HTTP");
	if (fd < 0)
		goto err_free;
	h->http = evhttp_new(rp->base);
	if (!h->http) {
		log_errx("ng HTTP listener %s: cannot create the server", l->text);
		goto err_close;
	}
	evhttp_set_max_body_size(h->http, NG_MAX_MESSAGE);
	evhttp_set_timeout(h->http, HTTP_TIMEOUT_SECONDS);
	/* every method reaches on_request, which answers 405 itself */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
						    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
						    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
						    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, on_request, h);
	if (!evhttp_accept_socket_with_handle(h->http, fd)) {
		log_errx("ng HTTP listener %s: cannot add it to the event loop", l->text);
		goto err_free_http;
	}
	return h;

err_free_http:
	evhttp_free(h->http);
err_close:
	close(fd);
err_free:
	g_free(h);
	return NULL;
}

void ng_http_free(struct ng_http *h)
{
	if (!h)
		return;
	evhttp_free(h->http); /* closes the bound socket and open connections */
	g_free(h);
}
