/*
 * http_parse: the head of an HTTP/1.x request (request line and header
 * lines), found and parsed in time linear in its length. Pure: no I/O, no
 * libevent, no logging; the HTTP listener (http.c) feeds it the bytes it
 * read, the fuzz target feeds it anything.
 *
 * Only what the ng endpoints need is understood: the method, the target,
 * the version, Content-Length, Connection and Expect. A body must come with
 * Content-Length (Transfer-Encoding is refused with 411).
 */
#ifndef RTPRELAY_NG_HTTP_PARSE_H
#define RTPRELAY_NG_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct http_head_limits {
	size_t max_head; /* request line + header lines + the empty line */
	size_t max_uri;  /* the request target */
};

/* Where the search for the head's end stopped; zero it for a new request. */
struct http_head_scan {
	size_t scanned;    /* bytes looked at: each byte is looked at once */
	size_t line_start; /* offset of the line being scanned */
	size_t first_line; /* length of the request line with its LF; 0 until seen */
};

struct http_head {
	str method;
	str target;             /* as sent */
	str path;               /* target up to '?' */
	int minor;              /* HTTP/1.<minor>: 0 or 1 */
	int64_t content_length; /* -1: none */
	bool keep_alive;        /* after the version's default and Connection */
	bool expect_continue;   /* Expect: 100-continue */
};

#define HTTP_HEAD_MORE 0
#define HTTP_HEAD_DONE 1

/*
 * Look for the end of the head (an empty line) in buf[0..len), resuming
 * where the last call with the same scan stopped; buf must start with the
 * same bytes as before. HTTP_HEAD_MORE, HTTP_HEAD_DONE with *end just past
 * the empty line, or an HTTP status: 414 (the request line is longer than
 * max_uri allows) or 431 (the head is longer than max_head).
 */
int http_head_feed(struct http_head_scan *s, const char *buf, size_t len,
		   const struct http_head_limits *lim, size_t *end);

/*
 * Parse a complete head buf[0..len) (ending with its empty line, as
 * http_head_feed found it) into h, whose strs point into buf. 0, or the
 * HTTP status to answer with (400, 411, 414, 417, 501, 505) and *why, a
 * static string for the reply's body.
 */
int http_head_parse(const char *buf, size_t len, const struct http_head_limits *lim,
		    struct http_head *h, const char **why);

#endif
