/*
 * Fuzz target for the TCP ng connection code (daemon/ng/tcp.c): framing
 * across reads, pipelining, malformed streams, and the input of all
 * connections kept within ng-tcp-max-buffered (ng/tcp_budget.h), with the
 * closes that makes. A real server runs on a real event base; each input
 * is 1 to 4 client connections over socketpairs (ng_tcp_adopt). The first
 * input byte picks the size of the pieces (1 to 32 bytes, so byte by byte
 * too), the second the number of connections and the limit (1 to 4 KiB,
 * far below the option's minimum, so that inputs reach it); the rest is
 * the stream every connection sends, piece by piece, connection i
 * starting i pieces later, with the loop run after each piece. What a message is answered with is stubbed
 * (ng_process() below: a pong with the message's cookie): this is about
 * the connection, not the ng commands. Checked on every input:
 *  - after every piece, the input the connections hold is within the limit;
 *  - every byte sent back on a connection is a sequence of whole replies
 *    "<cookie> <dictionary>" (pongs, or error replies of tcp.c);
 *  - after the clients close, nothing is held and no holder is left;
 *    freeing the server frees every connection (ASan reports leaks).
 * Any violation abort()s.
 */
#include <event2/event.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "config/options_table.h"
#include "log.h"
#include "ng/http_parse.h"
#include "ng/http_routes.h"
#include "ng/msg.h"
#include "ng/ng.h"
#include "ng/tcp.h"
#include "ng/tcp_budget.h"
#include "ng/tcp_frame.h"
#include "rtprelay.h"
#include "stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CONNS 4
#define MAX_OUTPUT (1 << 20)

static struct rtprelay rp;
static struct stats stats;

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_ng_tcp_conn: %s\n", what);
	abort();
}

/* The stand-in for ng.c: a pong with the message's cookie. */
void ng_process(struct rtprelay *r, struct ng_cache *cache, str msg, enum ng_transport transport,
		const struct sockaddr *from, socklen_t from_len, GString *out)
{
	str cookie, body;

	check(transport == NG_TCP, "transport");
	if (ng_msg_split(msg, &cookie, &body) < 0)
		return;
	g_string_append_len(out, cookie.s, (gssize)cookie.len);
	g_string_append(out, " d6:result4:ponge");
}

/* The HTTP listener is linked in with the transports but never used here:
 * these keep http_routes.c (and with it ng.c) out of the link. */
void http_route(struct rtprelay *r, const struct http_head *h, str body,
		const struct sockaddr *from, socklen_t from_len, struct http_answer *ans)
{
	abort();
}

void http_answer_clear(struct http_answer *ans)
{
	abort();
}

const char *http_reason(int status)
{
	return "Other";
}

static void setup(void)
{
	struct rtprelay_config *cfg = config_new();

	options_defaults(cfg);
	cfg->ng_tcp_max_connections = MAX_CONNS; /* none is closed to make room */
	cfg->ng_tcp_timeout = 3600;              /* the loop runs for microseconds */
	cfg->ng_tcp_idle_timeout = 0;
	log_set_all_levels(LOG_ERR);
	rp.cfg = cfg;
	rp.stats = &stats;
	rp.base = event_base_new();
	check(rp.base != NULL, "event_base_new");
}

static void run_loop(void)
{
	for (int i = 0; i < 2; i++)
		event_base_loop(rp.base, EVLOOP_NONBLOCK);
}

static void drain(int fd, GString *out)
{
	char buf[4096];
	ssize_t n;

	while (out->len < MAX_OUTPUT && (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		g_string_append_len(out, buf, n);
}

/* out holds whole replies only. */
static void check_replies(const GString *out)
{
	size_t off = 0;

	while (off < out->len) {
		struct ng_tcp_frame f;
		enum ng_tcp_frame_result r = ng_tcp_frame(out->str + off, out->len - off, &f);

		check(r == NG_FRAME_MESSAGE, "a reply that is not a whole message");
		check(f.skip == 0, "blank bytes between replies");
		struct arena *a = arena_new(4096);
		str cookie, body;
		const char *err = NULL;

		check(ng_msg_split(str_make(out->str + off, f.len), &cookie, &body) == 0,
		      "a reply without a cookie");
		check(ng_msg_decode(a, body, ng_msg_format(body), &err) != NULL,
		      "a reply that does not decode");
		arena_free(a);
		off += f.len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rp.base)
		setup();
	if (size < 2)
		return 0;

	struct ng_tcp_budget budget;
	struct rtprelay_config *cfg = (struct rtprelay_config *)rp.cfg;
	size_t piece = data[0] % 32 + 1;
	unsigned n = data[1] % MAX_CONNS + 1;
	int fds[MAX_CONNS][2];
	GString *out[MAX_CONNS];

	cfg->ng_tcp_max_buffered_kib = 1 + (data[1] >> 2) % 4;
	size_t max = (size_t)cfg->ng_tcp_max_buffered_kib * 1024;

	ng_tcp_budget_init(&budget);
	struct ng_tcp *server = ng_tcp_new(&rp, NULL, &budget);

	check(server != NULL, "ng_tcp_new");
	for (unsigned i = 0; i < n; i++) {
		check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds[i]) == 0,
		      "socketpair");
		ng_tcp_adopt(server, fds[i][1]);
		out[i] = g_string_new(NULL);
	}
	data += 2;
	size -= 2;
	/* Every connection sends the same stream, connection i starting i
	 * pieces after the first: partial messages at different stages. */
	size_t pieces = (size + piece - 1) / piece;

	for (size_t step = 0; step < pieces + n - 1; step++) {
		for (unsigned i = 0; i < n; i++) {
			if (step < i || step - i >= pieces)
				continue;
			size_t off = (step - i) * piece;

			/* a connection the server closed just fails to take it */
			(void)!send(fds[i][0], data + off, MIN(piece, size - off),
				    MSG_DONTWAIT | MSG_NOSIGNAL);
			run_loop();
			check(budget.held <= max,
			      "the connections hold more than ng-tcp-max-buffered");
			check(budget.peak <= max, "the peak passed ng-tcp-max-buffered");
		}
		for (unsigned i = 0; i < n; i++)
			drain(fds[i][0], out[i]);
	}
	run_loop();
	for (unsigned i = 0; i < n; i++) {
		drain(fds[i][0], out[i]);
		check_replies(out[i]);
		shutdown(fds[i][0], SHUT_WR);
	}
	run_loop();
	check(budget.held == 0, "input still held after every client closed");
	check(budget.holders.length == 0, "a holder left after every client closed");
	for (unsigned i = 0; i < n; i++) {
		close(fds[i][0]);
		g_string_free(out[i], TRUE);
	}
	ng_tcp_free(server);
	return 0;
}
