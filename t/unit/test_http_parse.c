/*
 * Unit tests of the HTTP request head reader (ng/http_parse.c): finding
 * the head's end whole and byte by byte (the same answer, each byte looked
 * at once), the limits (414, 431), and the parse of the request line and
 * the headers the ng endpoints use.
 */
#include <glib.h>

#include "ng/http_parse.h"
#include "test.h"

static const struct http_head_limits lim = { .max_head = 8192, .max_uri = 2048 };

/* Feed buf[0..len) in pieces of step bytes; the status at the end. */
static int feed(const char *buf, size_t len, size_t step, const struct http_head_limits *l,
		size_t *end)
{
	struct http_head_scan s = { 0 };
	int st = HTTP_HEAD_MORE;

	for (size_t n = step < len ? step : len; st == HTTP_HEAD_MORE; n += step) {
		if (n > len)
			n = len;
		st = http_head_feed(&s, buf, n, l, end);
		if (n == len)
			break;
	}
	return st;
}

static int parse(const char *text, struct http_head *h, const char **why)
{
	size_t end = 0;
	int st = feed(text, strlen(text), strlen(text), &lim, &end);

	if (st != HTTP_HEAD_DONE)
		return -st;
	return http_head_parse(text, end, &lim, h, why);
}

TEST(head_end_whole_and_byte_by_byte)
{
	const char *req = "POST /ng HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
	size_t whole = 0, bytes = 0;

	CHECK_EQ(feed(req, strlen(req), strlen(req), &lim, &whole), HTTP_HEAD_DONE);
	CHECK_EQ(feed(req, strlen(req), 1, &lim, &bytes), HTTP_HEAD_DONE);
	CHECK_EQ(whole, strlen(req) - 3);
	CHECK_EQ(bytes, whole);
	/* bare LF line ends too */
	const char *lf = "GET /metrics HTTP/1.0\nA: b\n\n";

	CHECK_EQ(feed(lf, strlen(lf), 1, &lim, &bytes), HTTP_HEAD_DONE);
	CHECK_EQ(bytes, strlen(lf));
	/* the request line alone does not end the head */
	CHECK_EQ(feed("GET / HTTP/1.1\r\n", 16, 1, &lim, &bytes), HTTP_HEAD_MORE);
}

TEST(head_limits)
{
	GString *s = g_string_new("GET /metrics HTTP/1.1\r\nX-Big: ");
	size_t end;

	while (s->len < 9000)
		g_string_append_c(s, 'a');
	CHECK_EQ(feed(s->str, s->len, 1000, &lim, &end), 431);
	/* endless header lines */
	g_string_assign(s, "POST /ng HTTP/1.1\r\n");
	while (s->len < 9000)
		g_string_append(s, "X-E: y\r\n");
	CHECK_EQ(feed(s->str, s->len, 7, &lim, &end), 431);
	/* a request line without end */
	g_string_assign(s, "GET /");
	while (s->len < 3000)
		g_string_append_c(s, 'a');
	CHECK_EQ(feed(s->str, s->len, 100, &lim, &end), 414);
	/* a complete head one byte over the limit */
	struct http_head_limits small = { .max_head = 40, .max_uri = 16 };
	const char *h41 = "GET / HTTP/1.1\r\nX: 123456789012345678\r\n\r\n";

	CHECK_EQ(strlen(h41), 41);
	CHECK_EQ(feed(h41, 41, 41, &small, &end), 431);
	CHECK_EQ(feed(h41 + 1, 40, 40, &small, &end), HTTP_HEAD_DONE);
	g_string_free(s, TRUE);
}

TEST(head_linear)
{
	/* 1 MiB of one header line, byte by byte, with a 1 MiB limit: each
	 * call looks at the new byte only (a rescan from the start would
	 * take minutes here) */
	struct http_head_limits big = { .max_head = 1 << 20, .max_uri = 2048 };
	size_t n = (1 << 20) - 64, end = 0;
	char *buf = g_malloc(n);
	struct http_head_scan s = { 0 };
	int st = HTTP_HEAD_MORE;

	memcpy(buf, "GET / HTTP/1.1\r\nX: ", 19);
	memset(buf + 19, 'a', n - 19);
	for (size_t i = 1; i <= n && st == HTTP_HEAD_MORE; i++)
		st = http_head_feed(&s, buf, i, &big, &end);
	CHECK_EQ(st, HTTP_HEAD_MORE);
	CHECK_EQ(s.scanned, n);
	g_free(buf);
}

TEST(parse_request)
{
	struct http_head h;
	const char *why = NULL;

	CHECK_EQ(parse("POST /ng?x=1 HTTP/1.1\r\nHost: a\r\ncontent-length:  12 \r\n"
		       "Expect: 100-continue\r\n\r\n",
		       &h, &why),
		 0);
	CHECK_MEM(h.method.s, h.method.len, "POST");
	CHECK_MEM(h.target.s, h.target.len, "/ng?x=1");
	CHECK_MEM(h.path.s, h.path.len, "/ng");
	CHECK_EQ(h.minor, 1);
	CHECK_EQ(h.content_length, 12);
	CHECK(h.keep_alive);
	CHECK(h.expect_continue);

	CHECK_EQ(parse("GET /metrics HTTP/1.0\r\n\r\n", &h, &why), 0);
	CHECK_EQ(h.content_length, -1);
	CHECK(!h.keep_alive);
	CHECK_EQ(parse("GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &h, &why), 0);
	CHECK(h.keep_alive);
	CHECK_EQ(parse("GET /metrics HTTP/1.1\r\nConnection: foo, close\r\n\r\n", &h, &why), 0);
	CHECK(!h.keep_alive);
}

TEST(parse_refusals)
{
	static const struct {
		const char *head;
		int status;
	} cases[] = {
		{ "garbage\r\n\r\n", 400 },
		{ "GET\r\n\r\n", 400 },
		{ "GET metrics HTTP/1.1\r\n\r\n", 400 },
		{ "GET /a b HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\n\r\n", 505 },
		{ "GET / FTP/1.0\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n folded: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411 },
		{ "POST / HTTP/1.1\r\nExpect: x\r\n\r\n", 417 },
	};
	struct http_head h;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *why = NULL;
		int st = parse(cases[i].head, &h, &why);

		if (st != cases[i].status)
			fprintf(stderr, "    case %zu: %s", i, cases[i].head);
		CHECK_EQ(st, cases[i].status);
		CHECK(why && *why);
	}
	/* a target over max_uri in a head that fits: refused by the scan
	 * already (parse() returns the scan's refusal negated) */
	GString *s = g_string_new("GET /");
	const char *why;

	while (s->len < 2100)
		g_string_append_c(s, 'a');
	g_string_append(s, " HTTP/1.1\r\n\r\n");
	CHECK_EQ(parse(s->str, &h, &why), -414);
	/* and by the parse: the target is 2096 bytes */
	struct http_head_limits tight = { .max_head = 8192, .max_uri = 2096 };

	CHECK_EQ(http_head_parse(s->str, s->len, &tight, &h, &why), 0);
	tight.max_uri = 2095;
	CHECK_EQ(http_head_parse(s->str, s->len, &tight, &h, &why), 414);
	g_string_free(s, TRUE);
}

TEST_MAIN()
