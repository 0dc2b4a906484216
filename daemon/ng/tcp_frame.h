/*
 * tcp_frame: framing of the ng protocol on a byte stream (--listen-tcp-ng).
 * A message is "<cookie> <dict>": the cookie runs up to the first space,
 * the dictionary delimits itself (bencode: bencode_measure(); JSON: brace
 * matching that knows strings and escapes). Blank bytes (CR, LF, space,
 * tab) between messages are skipped. ng_tcp_frame() is pure (this file pair,
 * which links without the rest of the daemon); tcp.c runs connections.
 */
#ifndef RTPRELAY_NG_TCP_FRAME_H
#define RTPRELAY_NG_TCP_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "bencode.h"
#include "ng/msg.h"

enum ng_tcp_frame_result {
	NG_FRAME_MORE = 0,       /* nothing complete yet: read more */
	NG_FRAME_MESSAGE = 1,    /* a message at buf + skip, len bytes */
	NG_FRAME_MALFORMED = -1, /* the stream cannot be framed: close it */
};

struct ng_tcp_frame {
	size_t skip;           /* blank bytes before the message (drop them) */
	size_t len;            /* MESSAGE: the message's bytes after skip */
	size_t cookie_len;     /* MESSAGE, and MALFORMED once a cookie was seen; else 0 */
	enum ng_format format; /* valid when cookie_len > 0 and a body byte was seen */
	const char *error;     /* MALFORMED: why (static text) */
	bool bencode_error;    /* error is the bencode decoder's reason */
};

/*
 * Where a connection's scan of its current message stands, kept between
 * reads so that framing is linear in the message (tcp_frame.c). Zeroed (or
 * ng_tcp_scan_reset) for a new connection; ng_tcp_frame_resume resets it
 * after each message.
 */
struct ng_tcp_scan {
	size_t cookie_len; /* 0 until the cookie's space was seen */
	/* JSON */
	size_t done;    /* body bytes scanned */
	unsigned depth; /* open brackets */
	bool in_str, esc;
	/* bencode */
	struct bencode_measure_state bencode;
};

void ng_tcp_scan_reset(struct ng_tcp_scan *s);

/*
 * Find the first message in buf[0..len). MORE: f->skip blank bytes may be
 * dropped meanwhile. MALFORMED: no valid cookie (cookie_len 0: close
 * silently), or a cookie followed by a body that is not a dictionary or
 * grows past NG_MAX_MESSAGE (reply f->error with the cookie, then close).
 * A fresh scan each time: exact, but linear in len per call. Any thread.
 */
enum ng_tcp_frame_result ng_tcp_frame(const char *buf, size_t len, struct ng_tcp_frame *f);

/*
 * The same, continuing the scan s of earlier calls on the same stream, so
 * that each byte is looked at a bounded number of times. The caller keeps
 * the contract of a byte stream: buf is what it had before, minus what it
 * dropped (f->skip on MORE; f->skip + f->len on MESSAGE), plus bytes
 * appended. The answers are those of ng_tcp_frame for the same bytes.
 */
enum ng_tcp_frame_result ng_tcp_frame_resume(const char *buf, size_t len, struct ng_tcp_scan *s,
					     struct ng_tcp_frame *f);

#endif
