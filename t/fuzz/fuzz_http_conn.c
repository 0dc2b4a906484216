/*
 * Fuzz target for the HTTP listener's connection handling
 * (daemon/ng/http.c): the request reader, limits, pipelining, 100-continue,
 * lingering close, throttling. A real server runs on a real event base;
 * each input is one client connection over a socketpair (ng_http_adopt).
 * The first input byte picks the size of the pieces the rest is written in
 * (at most 16 of them), with the loop run between pieces, so reads split
 * where the input says.
 * Limits are small so that inputs reach them. What a request is answered
 * with is stubbed (http_route() below stands in for http_routes.c, which
 * the linker then leaves out): this is about the connection, not the ng
 * commands. Checked on every input:
 *  - every byte sent back is a sequence of well-formed answers: status
 *    line, headers with Content-Length, that many body bytes (a 100
 *    Continue interim answer has neither);
 *  - after the client closes, the server drops the connection: nothing
 *    open is left behind (ASan reports any leak at exit).
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
#include "ng/http.h"
#include "ng/http_limits.h"
#include "ng/http_parse.h"
#include "ng/http_routes.h"
#include "rtprelay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUTPUT (1 << 20)

static struct rtprelay rp;
static struct ng_http *server;

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_http_conn: %s\n", what);
	abort();
}

/* The stand-in for http_routes.c: 200 with a body that says what came. */
void http_route(struct rtprelay *r, const struct http_head *h, str body,
		const struct sockaddr *from, socklen_t from_len, struct http_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	ans->owned = g_string_new(NULL);
	g_string_printf(ans->owned, "%.*s %zu\n", (int)h->path.len, h->path.s, body.len);
	ans->status = h->path.len > 1 ? 200 : 404;
	ans->content_type = "text/plain";
	ans->body = ans->owned->str;
	ans->len = ans->owned->len;
}

void http_answer_clear(struct http_answer *ans)
{
	if (ans->owned)
		g_string_free(ans->owned, TRUE);
	memset(ans, 0, sizeof(*ans));
}

const char *http_reason(int status)
{
	return status == 200 ? "OK" : "Other";
}

static void setup(void)
{
	struct rtprelay_config *cfg = config_new();

	options_defaults(cfg);
	cfg->http_max_header_size = 256;
	cfg->http_max_uri_size = 32;
	cfg->http_max_body_size = 512;
	cfg->http_timeout = 3600; /* the loop runs for microseconds: no deadline */
	log_set_all_levels(LOG_ERR);
	rp.cfg = cfg;
	rp.base = event_base_new();
	check(rp.base != NULL, "event_base_new");
	server = ng_http_new(&rp, NULL);
	check(server != NULL, "ng_http_new");
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

/* out[*off..] starts with a complete answer: step past it. false when it
 * is cut short (the connection closed in the middle, which must not
 * happen) or malformed. With may_head (the input has a HEAD request), an
 * answer without its body is accepted where the next answer or the end
 * follows its headers. */
static bool next_answer(const GString *out, size_t *off, bool may_head)
{
	const char *p = out->str + *off, *end = out->str + out->len;
	const char *head_end = g_strstr_len(p, end - p, "\r\n\r\n");

	if ((size_t)(end - p) < 13 || memcmp(p, "HTTP/1.1 ", 9) != 0 || !head_end)
		return false;
	for (int i = 9; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	if (memcmp(p + 9, "100 ", 4) == 0) {
		*off = (size_t)(head_end + 4 - out->str);
		return true;
	}
	const char *cl = g_strstr_len(p, head_end - p, "\r\nContent-Length: ");

	if (!cl)
		return false;
	size_t len = strtoul(cl + 18, NULL, 10);
	const char *after = head_end + 4;

	if (may_head && (after == end || (end - after >= 9 && !memcmp(after, "HTTP/1.1 ", 9)))) {
		*off = (size_t)(after - out->str);
		return true;
	}
	if ((size_t)(end - (head_end + 4)) < len)
		return false;
	*off = (size_t)(head_end + 4 + len - out->str);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];

	if (!server)
		setup();
	if (size < 1)
		return 0;
	/* at most 16 pieces: a loop round per piece is the cost of a run */
	size_t step = MAX((size_t)data[0] % 64 + 1, size / 16);

	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0,
	      "socketpair");
	ng_http_adopt(server, sv[1]);

	GString *out = g_string_new(NULL);

	for (size_t off = 1; off < size;) {
		size_t n = MIN(step, size - off);
		ssize_t w = send(sv[0], data + off, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w > 0)
			off += (size_t)w;
		run_loop();
		drain(sv[0], out);
		if (w <= 0 && off < size) {
			/* the server stopped reading (a refusal closed it, or
			 * throttling): the rest of the input does not matter */
			break;
		}
	}
	/* what the server still has to send */
	for (size_t before = SIZE_MAX, i = 0; before != out->len && i < 100; i++) {
		before = out->len;
		run_loop();
		drain(sv[0], out);
	}
	close(sv[0]);
	run_loop();

	struct ng_http_stats st = { 0 };

	ng_http_stats_add(server, &st);
	check(st.connections_open == 0, "connection left open after the client closed");
	bool may_head = size >= 4 && memmem(data, size, "HEAD", 4) != NULL;

	for (size_t off = 0; off < out->len;)
		check(next_answer(out, &off, may_head), "malformed or cut answer");
	g_string_free(out, TRUE);
	return 0;
}
