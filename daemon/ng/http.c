/*
 * http: the HTTP listener (--listen-http): connections, limits and the
 * request cycle. What a request is answered with is http_routes.c.
 *
 * Why not evhttp: libevent 2.1's evhttp has no way to refuse or count
 * connections (evhttp_set_newreqcb and max connections came with 2.2), its
 * header limit answers a fixed 413 page that nobody can count, its timeout
 * restarts with every read, and on EMFILE its listener spins and logs
 * without a limit. So the listener accepts itself (evconnlistener, paused
 * with back-off when accept fails) and reads requests with a small HTTP/1.x
 * reader (http_parse.c: linear in the head, bounded by the options), one
 * bufferevent per connection.
 *
 * Limits, all options read from rp->cfg when used (a SIGHUP changes them
 * for what comes next): http-max-connections (503 and close),
 * http-max-header-size (431), http-max-uri-size (414), http-max-body-size
 * (413, before the body is read), http-timeout (408: one deadline per
 * request from its first byte's wait to the end of its answer, not reset
 * by reads). Each refusal names the option in a text/plain body, is
 * counted (http_limits.h) and logged at most once per 10 s per limit and
 * listener, with the number not logged.
 */
#define LOG_SUBSYS http

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"
#include "ng/http.h"
#include "ng/http_limits.h"
#include "ng/http_parse.h"
#include "ng/http_routes.h"
#include "ng/transport.h"
#include "rtprelay.h"

/* Accept back-off after a failure (descriptors exhausted): doubles from
 * the first to the last, back to the first after an accept succeeds. */
#define ACCEPT_PAUSE_MIN_MS 10
#define ACCEPT_PAUSE_MAX_MS 1000
/* Stop reading further pipelined requests while this much of the answers
 * waits to be sent. */
#define OUTPUT_HIGH_WATER (256 * 1024)
#define LOG_INTERVAL 10
/* After a refusal, the input is read and dropped for up to this long and
 * this much before the close (a lingering close): a client still sending
 * gets to read the answer instead of a reset that would discard it. */
#define LINGER_SECONDS 2
#define LINGER_MAX_BYTES (1024 * 1024)

enum log_kind { LK_ACCEPT = HTTP_LIMIT_COUNT, LK_BAD, LK_COUNT };

struct ng_http {
	struct rtprelay *rp;
	struct evconnlistener *listener;
	struct event *resume; /* re-enables the listener after a pause */
	unsigned pause_ms;
	GQueue conns; /* struct http_conn, in accept order */
	struct ng_http_stats stats;
	struct log_ratelimit rl[LK_COUNT];
	uint64_t events[LK_COUNT], logged[LK_COUNT]; /* for "N more" in the log */
	char text[80];
};

struct http_conn {
	struct ng_http *h;
	GList link; /* in h->conns */
	struct bufferevent *bev;
	struct event *deadline;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	char *head; /* head bytes read so far, max_head + 1 of room */
	size_t head_len, head_cap;
	struct http_head_scan scan;
	struct http_head req;
	bool have_head;  /* req is parsed; waiting for the body */
	bool closing;    /* answer queued, close once it is sent */
	bool linger;     /* ... then linger (the request was refused) */
	bool lingering;  /* sent, write side shut: dropping input until EOF */
	size_t dropped;  /* bytes dropped while lingering */
	bool throttled;  /* reading paused until the output drains */
	unsigned served; /* requests answered on this connection */
};

static void conn_free(struct http_conn *c)
{
	struct ng_http *h = c->h;

	g_queue_unlink(&h->conns, &c->link);
	h->stats.connections_open--;
	event_free(c->deadline);
	bufferevent_free(c->bev); /* closes the socket */
	g_free(c->head);
	g_free(c);
}

static const char *peer_str(const struct http_conn *c, char *buf, size_t size)
{
	return ng_transport_addr_str((const struct sockaddr *)&c->peer, c->peer_len, buf, size);
}

/* Log an event of kind k (enum http_limit or log_kind) at most once per
 * interval, with how many were not logged since the last time. */
static void log_event(struct ng_http *h, int k, const char *peer, const char *what)
{
	h->events[k]++;
	if (!LOG_ENABLED(LOG_WARNING) || !log_ratelimit_ok(&h->rl[k], 1, LOG_INTERVAL))
		return;
	uint64_t skipped = h->events[k] - h->logged[k] - 1;

	h->logged[k] = h->events[k];
	log_emit(LOG_SS(LOG_SUBSYS), LOG_WARNING, false,
		 "HTTP %s: %s (peer %s; %llu more since the last report)", h->text, what, peer,
		 (unsigned long long)skipped);
}

static void arm_deadline(struct http_conn *c)
{
	struct timeval tv = { .tv_sec = c->h->rp->cfg->http_timeout };

	evtimer_add(c->deadline, &tv);
}

/* Reset the per-request state for the next request on c. */
static void request_done(struct http_conn *c)
{
	c->head_len = 0;
	memset(&c->scan, 0, sizeof(c->scan));
	c->have_head = false;
}

/*
 * Queue an answer on c: status line, the headers, body (not for HEAD).
 * With close, or when the request did not ask to keep the connection,
 * the connection closes once the answer is sent.
 */
static void respond(struct http_conn *c, const struct http_answer *ans, bool close)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	bool keep = !close && c->have_head && c->req.keep_alive;
	bool head_only = c->have_head && str_eq_c(c->req.method, "HEAD");

	evbuffer_add_printf(out,
			    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			    "Connection: %s\r\n",
			    ans->status, http_reason(ans->status), ans->content_type, ans->len,
			    keep ? "keep-alive" : "close");
	if (ans->allow)
		evbuffer_add_printf(out, "Allow: %s\r\n", ans->allow);
	evbuffer_add(out, "\r\n", 2);
	if (!head_only && ans->len)
		evbuffer_add(out, ans->body, ans->len);
	c->h->stats.requests++;
	c->served++;
	if (!keep) {
		c->closing = true;
		bufferevent_disable(c->bev, EV_READ);
		/* the write callback closes once the output is sent */
		bufferevent_enable(c->bev, EV_WRITE);
	}
}

/* The value of the option behind limit l. */
static unsigned limit_value(const struct rtprelay_config *cfg, enum http_limit l)
{
	switch (l) {
	case HTTP_LIMIT_CONNECTIONS:
		return cfg->http_max_connections;
	case HTTP_LIMIT_HEADER:
		return cfg->http_max_header_size;
	case HTTP_LIMIT_URI:
		return cfg->http_max_uri_size;
	case HTTP_LIMIT_BODY:
		return cfg->http_max_body_size;
	default:
		return cfg->http_timeout;
	}
}

/* "431 Request Header Fields Too Large: limit http-max-header-size=8192"
 * for a limit, "400 Bad Request: why" for a malformed request (kind
 * LK_BAD), without a line end. */
static void refusal_text(const struct ng_http *h, int status, int kind, const char *why, char *buf,
			 size_t size)
{
	if (kind < HTTP_LIMIT_COUNT)
		snprintf(buf, size, "%d %s: limit %s=%u", status, http_reason(status),
			 http_limit_option(kind), limit_value(h->rp->cfg, kind));
	else
		snprintf(buf, size, "%d %s: %s", status, http_reason(status), why);
}

/* Refuse the request on c with status, at limit kind or as malformed
 * (kind LK_BAD): count, log, answer and close. */
static void refuse(struct http_conn *c, int status, int kind, const char *why)
{
	char peer[64], text[200];

	if (kind < HTTP_LIMIT_COUNT)
		c->h->stats.limited[kind]++;
	else
		c->h->stats.bad_requests++;
	refusal_text(c->h, status, kind, why, text, sizeof(text) - 1);
	log_event(c->h, kind, peer_str(c, peer, sizeof(peer)), text);
	strcat(text, "\n");
	c->linger = true;
	struct http_answer ans = { .status = status,
				   .content_type = "text/plain",
				   .body = text,
				   .len = strlen(text) };

	respond(c, &ans, true);
}

/* The head is complete in c->head[0..end): parse it, put what follows
 * back for the body. false when the request was refused. */
static bool take_head(struct http_conn *c, size_t end, const struct http_head_limits *lim)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	const char *why = "";
	int status;

	if (c->head_len > end)
		evbuffer_prepend(in, c->head + end, c->head_len - end);
	c->head_len = end;
	status = http_head_parse(c->head, end, lim, &c->req, &why);
	if (status) {
		refuse(c, status, status == 414 ? HTTP_LIMIT_URI : LK_BAD, why);
		return false;
	}
	c->have_head = true;
	if (c->req.content_length > (int64_t)c->h->rp->cfg->http_max_body_size) {
		refuse(c, 413, HTTP_LIMIT_BODY, "");
		return false;
	}
	if (c->req.expect_continue && c->req.content_length > 0)
		evbuffer_add_printf(bufferevent_get_output(c->bev),
				    "HTTP/1.1 100 Continue\r\n\r\n");
	return true;
}

/* Read the head of the next request from the input. true once it is
 * there (c->have_head); false to wait for more or after a refusal. */
static bool read_head(struct http_conn *c)
{
	const struct rtprelay_config *cfg = c->h->rp->cfg;
	const struct http_head_limits lim = { .max_head = cfg->http_max_header_size,
					      .max_uri = cfg->http_max_uri_size };
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t end = 0;
	int status;

	/* room for one byte past the limit, so that crossing it is seen */
	if (c->head_cap != lim.max_head + 1) {
		c->head = g_realloc(c->head, lim.max_head + 1);
		c->head_cap = lim.max_head + 1;
		if (c->head_len > c->head_cap)
			c->head_len = c->head_cap;
	}
	int n = evbuffer_remove(in, c->head + c->head_len, c->head_cap - c->head_len);

	if (n <= 0)
		return false;
	c->head_len += (size_t)n;
	status = http_head_feed(&c->scan, c->head, c->head_len, &lim, &end);
	if (status == HTTP_HEAD_MORE)
		return false;
	if (status != HTTP_HEAD_DONE) {
		refuse(c, status, status == 414 ? HTTP_LIMIT_URI : HTTP_LIMIT_HEADER, "");
		return false;
	}
	return take_head(c, end, &lim);
}

/* Serve every complete request in the input, in order. */
static void process(struct http_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	while (!c->closing && !c->throttled) {
		if (!c->have_head && !read_head(c))
			return;
		if (c->closing)
			return;
		size_t need = (size_t)(c->req.content_length > 0 ? c->req.content_length : 0);

		if (evbuffer_get_length(in) < need)
			return;
		const char *body = need ? (const char *)evbuffer_pullup(in, (ev_ssize_t)need) : "";
		struct http_answer ans = { 0 };

		http_route(c->h->rp, &c->req, str_make(body, need),
			   (const struct sockaddr *)&c->peer, c->peer_len, &ans);
		respond(c, &ans, false);
		http_answer_clear(&ans);
		evbuffer_drain(in, need);
		request_done(c);
		if (c->closing)
			return;
		arm_deadline(c); /* the next request's time starts now */
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > OUTPUT_HIGH_WATER) {
			c->throttled = true;
			bufferevent_disable(c->bev, EV_READ);
		}
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;

	if (c->lingering) {
		struct evbuffer *in = bufferevent_get_input(bev);

		c->dropped += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->dropped > LINGER_MAX_BYTES)
			conn_free(c);
		return;
	}
	process(c);
}

/* The refusal is sent: shut the write side, drop what still arrives until
 * the client closes, LINGER_SECONDS or LINGER_MAX_BYTES. */
static void start_linger(struct http_conn *c)
{
	struct timeval tv = { .tv_sec = LINGER_SECONDS };

	c->lingering = true;
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	bufferevent_enable(c->bev, EV_READ);
	evtimer_add(c->deadline, &tv);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;

	if (c->closing) {
		if (c->linger && !c->lingering)
			start_linger(c);
		else if (!c->lingering)
			conn_free(c);
		return;
	}
	if (c->throttled) {
		c->throttled = false;
		bufferevent_enable(c->bev, EV_READ);
		process(c);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct http_conn *c = arg;

	/* after the client's FIN, what it asked for is still answered */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		c->closing = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	conn_free(c);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;

	/* an idle keep-alive connection just closes; a request that has not
	 * arrived (or a connection that never sent one) gets 408 */
	if (c->closing || (c->served && !c->head_len && !c->have_head)) {
		conn_free(c);
		return;
	}
	refuse(c, 408, HTTP_LIMIT_TIMEOUT, "");
	/* the answer gets one more period to leave, then the connection goes */
	arm_deadline(c);
}

/* Over the cap: a best-effort 503 straight to the socket, then close. */
static void refuse_connection(struct ng_http *h, evutil_socket_t fd, struct sockaddr *sa, int len)
{
	char text[120], out[300], peer[64];
	int n;

	h->stats.limited[HTTP_LIMIT_CONNECTIONS]++;
	refusal_text(h, 503, HTTP_LIMIT_CONNECTIONS, "", text, sizeof(text));
	n = snprintf(out, sizeof(out),
		     "HTTP/1.1 503 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s\n",
		     http_reason(503), strlen(text) + 1, text);
	/* what the client sent already is read and dropped, so that the
	 * close is a FIN after the answer, not a reset that discards it */
	for (int i = 0; i < 4 && recv(fd, out, sizeof(out), MSG_DONTWAIT) > 0; i++)
		;
	/* best effort: a client that cannot take it now only sees the close */
	if (send(fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		log_debug("HTTP %s: 503 not sent: %s", h->text, strerror(errno));
	close(fd);
	log_event(h, HTTP_LIMIT_CONNECTIONS,
		  ng_transport_addr_str(sa, (socklen_t)len, peer, sizeof(peer)), text);
}

/* Serve the connected socket fd (peer sa) on h; closes fd on failure. */
static void conn_new(struct ng_http *h, evutil_socket_t fd, const struct sockaddr *sa, int len)
{
	struct http_conn *c = g_new0(struct http_conn, 1);

	c->h = h;
	c->link.data = c;
	if (sa && len > 0 && (size_t)len <= sizeof(c->peer)) {
		memcpy(&c->peer, sa, (size_t)len);
		c->peer_len = (socklen_t)len;
	}
	c->bev = bufferevent_socket_new(h->rp->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(h->rp->base, on_deadline, c);
	if (!c->bev || !c->deadline) {
		log_errx("HTTP %s: no memory for a connection", h->text);
		if (c->bev)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->deadline)
			event_free(c->deadline);
		g_free(c);
		return;
	}
	g_queue_push_tail_link(&h->conns, &c->link);
	h->stats.connections_open++;
	/* the input holds at most a head, a body and a little more: a client
	 * that sends faster than it is served waits in its socket */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
				 h->rp->cfg->http_max_header_size + h->rp->cfg->http_max_body_size +
					 4096);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ);
	arm_deadline(c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	struct ng_http *h = arg;

	h->pause_ms = 0;
	h->stats.connections++;
	if (h->stats.connections_open >= h->rp->cfg->http_max_connections) {
		refuse_connection(h, fd, sa, len);
		return;
	}
	conn_new(h, fd, sa, len);
}

void ng_http_adopt(struct ng_http *h, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		len = 0;
	evutil_make_socket_nonblocking(fd);
	h->stats.connections++;
	conn_new(h, fd, len ? (struct sockaddr *)&ss : NULL, (int)len);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct ng_http *h = arg;

	evconnlistener_enable(h->listener);
}

/* accept() failed for another reason than "try again": mostly EMFILE or
 * ENFILE (descriptors exhausted), where retrying at once would spin. Pause
 * the listener, with back-off; the connection waits in the backlog. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct ng_http *h = arg;
	int err = EVUTIL_SOCKET_ERROR();
	char what[160];

	h->pause_ms = h->pause_ms ? MIN(h->pause_ms * 2, ACCEPT_PAUSE_MAX_MS) : ACCEPT_PAUSE_MIN_MS;
	h->stats.accept_pauses++;
	evconnlistener_disable(l);
	struct timeval tv = { .tv_sec = h->pause_ms / 1000,
			      .tv_usec = (h->pause_ms % 1000) * 1000 };

	evtimer_add(h->resume, &tv);
	snprintf(what, sizeof(what), "cannot accept a connection (%s): pausing the listener %u ms",
		 strerror(err), h->pause_ms);
	log_event(h, LK_ACCEPT, "-", what);
}

/* Bind l and serve it on rp->base; NULL after logging. Main thread. */
struct ng_http *ng_http_new(struct rtprelay *rp, const struct config_listen *l)
{
	struct ng_http *h = g_new0(struct ng_http, 1);
	int fd;

	h->rp = rp;
	g_queue_init(&h->conns);
	g_strlcpy(h->text, l ? l->text : "(adopted)", sizeof(h->text));
	h->resume = evtimer_new(rp->base, on_resume, h);
	if (!h->resume) {
		log_errx("ng HTTP listener %s: cannot create a timer", h->text);
		goto err_free;
	}
	if (!l)
		return h;
	fd = ng_transport_socket(l, SOCK_STREAM, "ng HTTP");
	if (fd < 0)
		goto err_free_timer;
	/* backlog 0: the socket listens already */
	h->listener = evconnlistener_new(rp->base, on_accept, h, LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (!h->listener) {
		log_errx("ng HTTP listener %s: cannot add it to the event loop", l->text);
		goto err_close;
	}
	evconnlistener_set_error_cb(h->listener, on_accept_error);
	return h;

err_close:
	close(fd);
err_free_timer:
	event_free(h->resume);
err_free:
	g_free(h);
	return NULL;
}

void ng_http_free(struct ng_http *h)
{
	if (!h)
		return;
	if (h->listener)
		evconnlistener_free(h->listener); /* closes the bound socket */
	while (h->conns.head)
		conn_free(h->conns.head->data);
	event_free(h->resume);
	g_free(h);
}

void ng_http_stats_add(const struct ng_http *h, struct ng_http_stats *sum)
{
	const struct ng_http_stats *s = &h->stats;

	sum->connections += s->connections;
	sum->connections_open += s->connections_open;
	sum->requests += s->requests;
	for (int i = 0; i < HTTP_LIMIT_COUNT; i++)
		sum->limited[i] += s->limited[i];
	sum->bad_requests += s->bad_requests;
	sum->accept_pauses += s->accept_pauses;
}
