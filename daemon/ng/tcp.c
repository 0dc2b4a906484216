/*
 * tcp: the ng protocol over TCP (--listen-tcp-ng). Each connection is a
 * bufferevent; its input is framed with ng_tcp_frame() (partial and
 * pipelined messages both work), every complete message goes through
 * ng_process(), and the replies are written in order.
 *
 * Bounds: the read high-watermark keeps at most NG_MAX_MESSAGE bytes of
 * unframed input per connection (a longer message is answered with an
 * error and the connection closed), and the framer keeps its place between
 * reads, so a message dripping in byte by byte costs its length once; a
 * client that does not read its replies stops being read once
 * TCP_MAX_PENDING_OUT bytes are queued for it, until they drain. Time:
 * a message must be complete within --ng-tcp-timeout of its first byte
 * (and a new connection's first one within that of the connect), a
 * connection with nothing to do is closed after --ng-tcp-idle-timeout,
 * replies that the client does not take within --ng-tcp-timeout close it;
 * at --ng-tcp-max-connections the connection idle longest makes room for
 * the new one. A peer that vanishes mid-message frees everything.
 *
 * Memory over all connections: the input every connection holds (its
 * unframed buffer's allocation and what libevent read and we did not take
 * yet) is summed over every TCP ng listener in tcp_budget.h; past
 * --ng-tcp-max-buffered the connections whose messages progressed least
 * are closed to make room (tcp_budget.h says why that order), each with an
 * error naming the limit when its cookie is known. The sum can pass the
 * limit by at most one read (16 KiB, libevent's) before that happens.
 */
#define LOG_SUBSYS control

#include "ng/tcp.h"
#include "ng/tcp_budget.h"
#include "ng/tcp_frame.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "rtprelay.h"
#include "stats.h"

#define TCP_MAX_PENDING_OUT (4 * NG_MAX_MESSAGE)
/* Messages handled per read callback before the loop gets its turn. */
#define TCP_BATCH 64
/* An input buffer that grew past this is given back once it empties, so
 * that an idle connection keeps little memory that nobody counts. */
#define TCP_KEEP_IN_BYTES 4096
/* Reports of the ng-tcp-max-buffered limit: at most one per this many s. */
#define BUFFER_LOG_INTERVAL 10

/* Accepting again after running out of descriptors: first after this
 * long, doubling up to ACCEPT_PAUSE_MAX_MS while it keeps failing. */
#define ACCEPT_PAUSE_MIN_MS 20
#define ACCEPT_PAUSE_MAX_MS 1000

struct ng_tcp {
	struct rtprelay *rp;
	struct ng_tcp_budget *budget; /* shared by every TCP ng listener */
	struct evconnlistener *listener;
	struct event *resume;                 /* re-enables the listener after a pause */
	unsigned pause_ms;                    /* the last pause; 0 after a good accept */
	GQueue conns;                         /* struct conn *, least recently active first */
	struct timeval timeout, idle_timeout; /* idle 0: none */
	unsigned max_conns;
	char text[80];
};

struct conn {
	GList link; /* in ng_tcp.conns; link.data = the conn */
	struct ng_tcp *owner;
	struct bufferevent *bev;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	char peer_str[64];
	GByteArray *in; /* input not yet framed, from in_off on: contiguous */
	size_t in_off;
	size_t in_cap;           /* in's allocation (GByteArray grows by powers of two) */
	struct ng_tcp_hold hold; /* what c holds, in the budget */
	struct ng_tcp_scan scan; /* the framer's place in the current message */
	struct event *deadline;  /* message, first-message or idle timeout */
	bool in_message;         /* deadline is the current message's */
	bool closing;            /* flush the output, then free */
	bool throttled;          /* reading paused until the output drains */
};

static void conn_free(struct conn *c)
{
	ng_tcp_budget_set(c->owner->budget, &c->hold, 0, false);
	g_queue_unlink(&c->owner->conns, &c->link);
	event_free(c->deadline);
	bufferevent_free(c->bev);
	g_byte_array_free(c->in, TRUE);
	g_free(c);
}

/*
 * Move what the socket brought into c->in, up to one byte more than a
 * message may have (the framer then sees it is too long). c->in only grows
 * by appending (doubling), so a message that drips in is copied a bounded
 * number of times; what was consumed goes once it is half the buffer.
 */
static void take_input(struct conn *c)
{
	struct evbuffer *src = bufferevent_get_input(c->bev);

	if (c->in_off && c->in_off >= c->in->len / 2) {
		g_byte_array_remove_range(c->in, 0, (guint)c->in_off);
		c->in_off = 0;
	}
	size_t have = c->in->len - c->in_off;
	size_t room = have > NG_MAX_MESSAGE ? 0 : NG_MAX_MESSAGE + 1 - have;
	size_t n = MIN(evbuffer_get_length(src), room);

	if (!n)
		return;
	size_t old = c->in->len;

	g_byte_array_set_size(c->in, (guint)(old + n));
	evbuffer_remove(src, c->in->data + old, n);
	/* g_array_maybe_expand's growth: the next power of two, at least 16 */
	while (c->in_cap < old + n)
		c->in_cap = c->in_cap ? c->in_cap * 2 : 16;
}

/* The first n unframed bytes are done with. */
static void consume(struct conn *c, size_t n)
{
	c->in_off += n;
	if (c->in_off == c->in->len) {
		if (c->in_cap > TCP_KEEP_IN_BYTES) {
			g_byte_array_free(c->in, TRUE);
			c->in = g_byte_array_new();
			c->in_cap = 0;
		}
		g_byte_array_set_size(c->in, 0);
		c->in_off = 0;
	}
}

static struct conn *hold_conn(struct ng_tcp_hold *h)
{
	return (struct conn *)((char *)h - offsetof(struct conn, hold));
}

/*
 * Bring c's share of the budget up to date: the allocation its unframed
 * buffer has, or will have once take_input() moved libevent's unread
 * input into it (counted before it happens, so that the limit is kept
 * before the buffer grows). Nothing while it holds nothing. progressed: a
 * message of c's was just completed.
 */
static void account(struct conn *c, bool progressed)
{
	size_t unread = evbuffer_get_length(bufferevent_get_input(c->bev));
	size_t len = c->in->len, cap = c->in_cap;

	if (c->in_off && c->in_off >= len / 2) /* take_input() compacts first */
		len -= c->in_off;
	while (cap < len + unread)
		cap = cap ? cap * 2 : 16;
	ng_tcp_budget_set(c->owner->budget, &c->hold, c->in->len > c->in_off || unread ? cap : 0,
			  progressed);
}

/* Something happened on c: it is now the most recently active. */
static void touch(struct conn *c)
{
	g_queue_unlink(&c->owner->conns, &c->link);
	g_queue_push_tail_link(&c->owner->conns, &c->link);
}

/* Arm c's one timer: for the message under way (its first byte is here),
 * else for idleness (none with an idle timeout of 0). */
static void arm_deadline(struct conn *c, bool message)
{
	struct ng_tcp *t = c->owner;

	if (message) {
		if (!c->in_message)
			event_add(c->deadline, &t->timeout);
		c->in_message = true;
		return;
	}
	c->in_message = false;
	if (t->idle_timeout.tv_sec)
		event_add(c->deadline, &t->idle_timeout);
	else
		event_del(c->deadline);
}

/* Stop reading; free once the replies already queued are written. */
static void conn_close(struct conn *c)
{
	c->closing = true;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

enum drain {
	DRAIN_IDLE,   /* waiting for more bytes (or throttled) */
	DRAIN_BUSY,   /* batch used up with complete messages possibly left */
	DRAIN_CLOSED, /* c was closed and maybe freed: do not touch it */
};

/* Handle the complete messages in the input, at most TCP_BATCH. */
static enum drain drain_input(struct conn *c)
{
	GString *out = g_string_sized_new(256);
	enum drain ret = DRAIN_BUSY;

	for (int i = 0; i < TCP_BATCH; i++) {
		struct ng_tcp_frame f;

		if (c->throttled) {
			ret = DRAIN_IDLE;
			break;
		}
		take_input(c);
		size_t len = c->in->len - c->in_off;
		const char *buf = (const char *)c->in->data + c->in_off;

		if (len == 0) {
			ret = DRAIN_IDLE;
			break;
		}
		enum ng_tcp_frame_result r = ng_tcp_frame_resume(buf, len, &c->scan, &f);

		if (r == NG_FRAME_MORE) {
			consume(c, f.skip);
			if (c->in->len > c->in_off)
				arm_deadline(c, true);
			ret = DRAIN_IDLE;
			break;
		}
		if (r == NG_FRAME_MALFORMED) {
			log_ratelimited(LOG_WARNING, "ng TCP %s: malformed stream from %s: %s",
					c->owner->text, c->peer_str, f.error);
			if (f.cookie_len) {
				g_autofree char *reason = g_strdup_printf(
					"%s%s", f.bencode_error ? "Malformed bencode: " : "",
					f.error);
				g_string_truncate(out, 0);
				ng_msg_encode_error(str_make(buf + f.skip, f.cookie_len), f.format,
						    reason, out);
				bufferevent_write(c->bev, out->str, out->len);
			}
			conn_close(c);
			ret = DRAIN_CLOSED;
			break;
		}

		g_string_truncate(out, 0);
		ng_process(c->owner->rp, c->owner->rp->ng_cache, str_make(buf + f.skip, f.len),
			   NG_TCP, (struct sockaddr *)&c->peer, c->peer_len, out);
		consume(c, f.skip + f.len);
		account(c, true);
		touch(c);
		arm_deadline(c, false);
		if (out->len == 0) {
			/* cannot happen: the frame had a cookie */
			conn_close(c);
			ret = DRAIN_CLOSED;
			break;
		}
		bufferevent_write(c->bev, out->str, out->len);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > TCP_MAX_PENDING_OUT) {
			log_ratelimited(LOG_WARNING, "ng TCP %s: %s is not reading its replies",
					c->owner->text, c->peer_str);
			c->throttled = true;
			bufferevent_disable(c->bev, EV_READ);
		}
	}
	g_string_free(out, TRUE);
	if (ret != DRAIN_CLOSED)
		account(c, false);
	return ret;
}

/*
 * Close c because the input of all connections reached ng-tcp-max-buffered:
 * an error reply first when the cookie of its message is known (format
 * from the body's first byte, bencode if none yet). Counted, and reported
 * at most once per BUFFER_LOG_INTERVAL with the number not reported.
 */
static void limit_close(struct conn *c)
{
	struct ng_tcp *t = c->owner;
	struct ng_tcp_budget *b = t->budget;
	unsigned kib = t->rp->cfg->ng_tcp_max_buffered_kib;
	size_t cookie = c->scan.cookie_len, have = c->in->len - c->in_off;

	t->rp->stats->ng_tcp_buffer_evicted++;
	b->evicted++;
	if (cookie && cookie < have) {
		const char *buf = (const char *)c->in->data + c->in_off;
		enum ng_format fmt = have > cookie + 1 && buf[cookie + 1] == '{'
					     ? NG_FORMAT_JSON
					     : NG_FORMAT_BENCODE;
		g_autofree char *reason = g_strdup_printf(
			"Too much TCP ng input buffered (ng-tcp-max-buffered=%u KiB); closing",
			kib);
		GString *out = g_string_sized_new(128);

		ng_msg_encode_error(str_make(buf, cookie), fmt, reason, out);
		bufferevent_write(c->bev, out->str, out->len);
		g_string_free(out, TRUE);
	}
	/* nothing of it will be handled: give it back now, not once the
	 * error reply is written */
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t held = c->hold.bytes;

	evbuffer_drain(in, evbuffer_get_length(in));
	c->in_off = c->in->len;
	consume(c, 0);
	account(c, false);
	if (LOG_ENABLED(LOG_WARNING) && log_ratelimit_ok(&b->rl, 1, BUFFER_LOG_INTERVAL)) {
		log_emit(LOG_SS(LOG_SUBSYS), LOG_WARNING, false,
			 "ng TCP %s: input of all TCP ng connections at ng-tcp-max-buffered "
			 "(%u KiB): closing %s, holding %zu bytes of a message that progressed "
			 "least (%llu more since the last report)",
			 t->text, kib, c->peer_str, held,
			 (unsigned long long)(b->evicted - b->reported - 1));
		b->reported = b->evicted;
	}
	conn_close(c);
}

/*
 * c has read more: if the input of all connections is now over
 * ng-tcp-max-buffered, close the holders that progressed least, never c,
 * until it fits; c itself goes when it is the first in that line. false
 * when c was closed (and maybe freed: do not touch it).
 */
static bool make_room(struct conn *c)
{
	struct ng_tcp_budget *b = c->owner->budget;
	size_t max = (size_t)c->owner->rp->cfg->ng_tcp_max_buffered_kib * 1024;

	account(c, false);
	while (b->held > max) {
		struct ng_tcp_hold *first = b->holders.head ? b->holders.head->data : NULL;

		if (!first || first == &c->hold) {
			limit_close(c);
			return false;
		}
		limit_close(hold_conn(first));
	}
	/* the peak of what stays, not of the moment before the closes */
	b->peak = MAX(b->peak, b->held);
	return true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (!make_room(c))
		return;
	/* a full batch may leave work: come back through the loop */
	if (drain_input(c) == DRAIN_BUSY)
		bufferevent_trigger(bev, EV_READ,
				    BEV_TRIG_DEFER_CALLBACKS | BEV_TRIG_IGNORE_WATERMARKS);
}

/* The output is fully written (low watermark 0). */
static void on_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing) {
		conn_free(c);
		return;
	}
	if (c->throttled) {
		c->throttled = false;
		bufferevent_enable(bev, EV_READ);
		on_read(bev, c);
	}
}

/* A deadline passed: the message (or the first one) took too long, the
 * connection was idle, or the client does not take its replies. */
static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct ng_tcp *t = c->owner;

	t->rp->stats->ng_tcp_timeouts++;
	log_ratelimited(LOG_NOTICE, "ng TCP %s: %s: %s; closing", t->text, c->peer_str,
			c->in_message ? "message not complete within ng-tcp-timeout"
				      : "idle for ng-tcp-idle-timeout");
	conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		c->owner->rp->stats->ng_tcp_timeouts++;
		log_ratelimited(LOG_NOTICE, "ng TCP %s: %s does not take its replies; closing",
				c->owner->text, c->peer_str);
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		log_debug("ng TCP %s: connection from %s: %s", c->owner->text, c->peer_str,
			  g_strerror(EVUTIL_SOCKET_ERROR()));
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* the peer has sent everything; what is left unframed is lost,
		 * but replies already queued are still delivered */
		size_t left = c->in->len - c->in_off +
			      evbuffer_get_length(bufferevent_get_input(bev));
		if (left)
			log_debug("ng TCP %s: %s closed with %zu bytes of a partial message",
				  c->owner->text, c->peer_str, left);
		conn_close(c);
	}
}

/* Serve the connected socket fd (peer sa) on t; closes fd on failure. */
static void conn_new(struct ng_tcp *t, evutil_socket_t fd, const struct sockaddr *sa, int salen)
{
	struct conn *c;

	if (t->conns.length >= t->max_conns) {
		/* The least recently active one goes: a crowd of silent
		 * connections cannot lock a working client out. */
		struct conn *old = t->conns.head->data;

		t->rp->stats->ng_tcp_evicted++;
		log_ratelimited(LOG_WARNING,
				"ng TCP %s: %u connections (ng-tcp-max-connections): closing the "
				"one idle longest, from %s",
				t->text, t->conns.length, old->peer_str);
		conn_free(old);
	}
	c = g_new0(struct conn, 1);
	c->in = g_byte_array_new();
	c->owner = t;
	c->link.data = c;
	if (sa && salen > 0 && (size_t)salen <= sizeof(c->peer)) {
		memcpy(&c->peer, sa, (size_t)salen);
		c->peer_len = (socklen_t)salen;
	}
	ng_transport_addr_str((struct sockaddr *)&c->peer, c->peer_len, c->peer_str,
			      sizeof(c->peer_str));
	c->bev = bufferevent_socket_new(t->rp->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(t->rp->base, on_deadline, c);
	if (!c->bev || !c->deadline) {
		log_errx("ng TCP %s: cannot set up the connection from %s", t->text, c->peer_str);
		if (c->deadline)
			event_free(c->deadline);
		if (c->bev)
			bufferevent_free(c->bev);
		else
			close(fd);
		g_byte_array_free(c->in, TRUE);
		g_free(c);
		return;
	}
	g_queue_push_tail_link(&t->conns, &c->link);
	/* the first message is due within the message timeout */
	arm_deadline(c, true);
	bufferevent_set_timeouts(c->bev, NULL, &t->timeout);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	/* one byte more than a message may have: the framer then sees it
	 * is too long instead of the connection stalling */
	bufferevent_setwatermark(c->bev, EV_READ, 0, NG_MAX_MESSAGE + 1);
	bufferevent_enable(c->bev, EV_READ);
	log_debug("ng TCP %s: connection from %s", t->text, c->peer_str);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	struct ng_tcp *t = arg;

	t->pause_ms = 0;
	conn_new(t, fd, sa, salen);
}

void ng_tcp_adopt(struct ng_tcp *t, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		len = 0;
	evutil_make_socket_nonblocking(fd);
	conn_new(t, fd, len ? (struct sockaddr *)&ss : NULL, (int)len);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct ng_tcp *t = arg;

	evconnlistener_enable(t->listener);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct ng_tcp *t = arg;
	int err = EVUTIL_SOCKET_ERROR();

	log_ratelimited(LOG_WARNING, "ng TCP %s: accept: %s", t->text, g_strerror(err));
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;
	/* The connection waits in the backlog, so the socket stays readable:
	 * listening on would spin. Pause, and try again later. */
	t->pause_ms = t->pause_ms ? MIN(t->pause_ms * 2, ACCEPT_PAUSE_MAX_MS) : ACCEPT_PAUSE_MIN_MS;
	t->rp->stats->ng_accept_paused++;
	evconnlistener_disable(l);
	event_add(t->resume, &(struct timeval){ 0, (suseconds_t)t->pause_ms * 1000 });
}

/* Bind and listen on l; NULL after logging. Main thread. */
struct ng_tcp *ng_tcp_new(struct rtprelay *rp, const struct config_listen *l,
			  struct ng_tcp_budget *budget)
{
	struct ng_tcp *t = g_new0(struct ng_tcp, 1);
	int fd;

	t->rp = rp;
	t->budget = budget;
	g_queue_init(&t->conns);
	t->timeout = (struct timeval){ rp->cfg->ng_tcp_timeout, 0 };
	t->idle_timeout = (struct timeval){ rp->cfg->ng_tcp_idle_timeout, 0 };
	t->max_conns = rp->cfg->ng_tcp_max_connections;
	g_strlcpy(t->text, l ? l->text : "(adopted)", sizeof(t->text));
	t->resume = evtimer_new(rp->base, on_resume, t);
	if (!t->resume) {
		log_errx("ng TCP listener %s: cannot create a timer", t->text);
		goto err_free;
	}
	if (!l)
		return t;
	fd = ng_transport_socket(l, SOCK_STREAM, "ng TCP");
	if (fd < 0)
		goto err_free_timer;
	t->listener = evconnlistener_new(rp->base, on_accept, t, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (!t->listener) {
		log_errx("ng TCP listener %s: cannot add it to the event loop", l->text);
		close(fd);
		goto err_free_timer;
	}
	evconnlistener_set_error_cb(t->listener, on_accept_error);
	return t;

err_free_timer:
	event_free(t->resume);
err_free:
	g_free(t);
	return NULL;
}

void ng_tcp_free(struct ng_tcp *t)
{
	if (!t)
		return;
	event_free(t->resume);
	if (t->listener)
		evconnlistener_free(t->listener);
	while (t->conns.head)
		conn_free(t->conns.head->data);
	g_free(t);
}
