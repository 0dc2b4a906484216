/*
 * Fuzz target for ng TCP stream framing (daemon/ng/tcp_frame.c). The input
 * is a byte stream; it is framed the way ng/tcp.c does (frame, drop skip +
 * message, repeat). Checked on every step:
 *  - results are MORE, MESSAGE or MALFORMED, and offsets stay in the buffer;
 *  - a MESSAGE has a cookie that ng_msg_split() finds too, at most
 *    NG_MAX_MESSAGE bytes, and (bencode) a body bencode_measure() spans
 *    exactly; its prefix one byte shorter is MORE (framing is exact);
 *  - MALFORMED stays MALFORMED with more bytes appended (a stream that
 *    cannot be framed never recovers), and a reported cookie is valid;
 *  - every MESSAGE goes through ng_msg_decode() without harm;
 *  - the same stream fed in small pieces (sizes taken from the input) to
 *    ng_tcp_frame_resume(), as ng/tcp.c feeds a connection, gives after
 *    every piece exactly what a fresh ng_tcp_frame() gives for the bytes
 *    held then (result, skip, length, cookie, format, reason).
 * Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ng/msg.h"
#include "ng/ng.h"
#include "ng/tcp_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, size_t off, size_t size)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_ng_tcp_frame: %s (at offset %zu of %zu)\n", what, off, size);
	abort();
}

/* Feed data in pieces of 1..8 bytes to the resumable framer and compare
 * every answer with a fresh frame of the same buffer. */
static void resumed(const uint8_t *data, size_t size)
{
	char *held = malloc(size + 1);
	size_t have = 0, fed = 0, k = 0;
	struct ng_tcp_scan scan;

	ng_tcp_scan_reset(&scan);
	while (fed < size) {
		size_t piece = 1 + data[k++ % size] % 8;

		piece = piece > size - fed ? size - fed : piece;
		memcpy(held + have, data + fed, piece);
		have += piece;
		fed += piece;
		for (;;) {
			struct ng_tcp_frame f, g;
			int r = ng_tcp_frame_resume(held, have, &scan, &f);
			int q = ng_tcp_frame(held, have, &g);

			check(r == q, "resumed and fresh results differ", fed, size);
			check(f.skip == g.skip && f.cookie_len == g.cookie_len,
			      "resumed and fresh skip or cookie differ", fed, size);
			if (r == NG_FRAME_MALFORMED) {
				check(!strcmp(f.error, g.error), "resumed and fresh reasons differ",
				      fed, size);
				free(held);
				return;
			}
			if (r == NG_FRAME_MORE) {
				memmove(held, held + f.skip, have - f.skip);
				have -= f.skip;
				break;
			}
			check(f.len == g.len && f.format == g.format,
			      "resumed and fresh messages differ", fed, size);
			memmove(held, held + f.skip + f.len, have - f.skip - f.len);
			have -= f.skip + f.len;
		}
	}
	free(held);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;

	while (off < size) {
		const char *p = buf + off;
		size_t len = size - off;
		struct ng_tcp_frame f;
		int r = ng_tcp_frame(p, len, &f);

		check(r == NG_FRAME_MORE || r == NG_FRAME_MESSAGE || r == NG_FRAME_MALFORMED,
		      "unknown result", off, size);
		check(f.skip <= len, "skip past the buffer", off, size);

		if (r == NG_FRAME_MORE)
			break;
		if (r == NG_FRAME_MALFORMED) {
			check(f.error != NULL, "malformed without a reason", off, size);
			if (f.cookie_len) {
				check(f.skip + f.cookie_len < len &&
					      p[f.skip + f.cookie_len] == ' ',
				      "reported cookie not followed by a space", off, size);
				check(f.cookie_len <= NG_MAX_COOKIE, "cookie too long", off, size);
			}
			/* more bytes cannot repair it */
			char *more = malloc(len + 1);
			struct ng_tcp_frame g;
			memcpy(more, p, len);
			more[len] = 'e';
			check(ng_tcp_frame(more, len + 1, &g) == NG_FRAME_MALFORMED,
			      "malformed stream recovered", off, size);
			free(more);
			break;
		}

		check(f.len > 0 && f.skip + f.len <= len, "message outside the buffer", off, size);
		check(f.len <= NG_MAX_MESSAGE, "message longer than the limit", off, size);
		check(f.cookie_len > 0, "message without a cookie", off, size);

		str msg = str_make(p + f.skip, f.len), cookie, body;
		check(ng_msg_split(msg, &cookie, &body) == 0, "ng_msg_split refuses it", off, size);
		check(cookie.len == f.cookie_len, "cookie lengths differ", off, size);
		check(body.len > 0, "empty body", off, size);
		if (f.format == NG_FORMAT_BENCODE) {
			struct bencode_error err;
			struct bencode_limits lim = { .max_string = NG_MAX_MESSAGE };
			check(body.s[0] == 'd', "bencode body is not a dictionary", off, size);
			check(bencode_measure(body.s, body.len, &lim, &err) == (long)body.len,
			      "bencode body length differs", off, size);
		} else {
			check(body.s[0] == '{', "JSON body is not an object", off, size);
		}

		/* exactness: one byte less is not a message yet */
		struct ng_tcp_frame g;
		check(ng_tcp_frame(p, f.skip + f.len - 1, &g) == NG_FRAME_MORE,
		      "shorter prefix is not MORE", off, size);

		struct arena *a = arena_new(0);
		const char *err = NULL;
		if (!ng_msg_decode(a, body, ng_msg_format(body), &err))
			check(err != NULL, "decode failure without a reason", off, size);
		arena_free(a);

		off += f.skip + f.len;
	}
	if (size)
		resumed(data, size);
	return 0;
}
