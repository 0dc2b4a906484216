/*
 * Fuzz target for the HTTP request head reader (daemon/ng/http_parse.c),
 * the bytes the HTTP listener reads from a client. The first input byte
 * picks the size of the pieces the rest is fed in (as reads would bring
 * it); checked on every input:
 *  - fed in pieces, the result (status and end) is the one of the whole
 *    input in one piece: resuming the scan loses nothing;
 *  - the scan never passes what it was given; a found end is in the input
 *    and at most max_head; a refusal is 414 or 431;
 *  - a found head parses to 0 or a refusal status with a reason, and the
 *    parsed strings lie inside the head.
 * Any violation abort()s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ng/http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_http_head: %s\n", what);
	abort();
}

static bool inside(str s, const char *buf, size_t len)
{
	return !s.len || (s.s >= buf && s.s + s.len <= buf + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small limits, so that short inputs reach them */
	const struct http_head_limits lim = { .max_head = 512, .max_uri = 64 };

	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] % 17 + 1;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;
	struct http_head_scan whole = { 0 }, pieces = { 0 };
	size_t end_whole = 0, end_pieces = 0;
	int st_whole = http_head_feed(&whole, buf, len, &lim, &end_whole);
	int st_pieces = HTTP_HEAD_MORE;

	for (size_t n = 0; n < len && st_pieces == HTTP_HEAD_MORE;) {
		n = n + step > len ? len : n + step;
		st_pieces = http_head_feed(&pieces, buf, n, &lim, &end_pieces);
		check(pieces.scanned <= n, "scanned past the input");
	}
	if (!len)
		st_pieces = st_whole;
	check(st_whole == HTTP_HEAD_MORE || st_whole == HTTP_HEAD_DONE || st_whole == 414 ||
		      st_whole == 431,
	      "unknown status");
	/* a piece can end the search earlier than the whole input would (the
	 * head is complete before a later byte crosses a limit): then both
	 * agree on the end */
	if (st_pieces == HTTP_HEAD_DONE || st_whole == HTTP_HEAD_DONE) {
		check(st_pieces == st_whole, "pieces and whole disagree on the head");
		check(end_pieces == end_whole, "pieces and whole disagree on the end");
	} else if (st_pieces != HTTP_HEAD_MORE && st_whole != HTTP_HEAD_MORE) {
		check(st_pieces == st_whole, "pieces and whole disagree on the refusal");
	}
	if (st_whole != HTTP_HEAD_DONE)
		return 0;
	check(end_whole <= len && end_whole <= lim.max_head, "end outside the input");

	struct http_head h;
	const char *why = NULL;
	int st = http_head_parse(buf, end_whole, &lim, &h, &why);

	check(st == 0 || (st >= 400 && st < 600 && why && *why), "parse status");
	if (st == 0) {
		check(inside(h.method, buf, end_whole) && inside(h.target, buf, end_whole) &&
			      inside(h.path, buf, end_whole),
		      "parsed strings outside the head");
		check(h.target.len <= lim.max_uri && h.content_length >= -1, "parsed values");
	}
	return 0;
}
