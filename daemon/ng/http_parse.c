/*
 * http_parse: find and parse the head of an HTTP/1.x request. See
 * http_parse.h. The search resumes where it stopped, so a head trickled in
 * byte by byte costs what it costs in one piece; the parse runs once, over
 * a head already bounded by max_head.
 */
#include "ng/http_parse.h"

#include <string.h>

/* Room for "METHOD " and " HTTP/1.1\r\n" around the target. */
#define REQUEST_LINE_SLACK 48

int http_head_feed(struct http_head_scan *s, const char *buf, size_t len,
		   const struct http_head_limits *lim, size_t *end)
{
	size_t i;

	for (i = s->scanned; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		/* the line buf[line_start..i]: empty if "\n" or "\r\n" */
		size_t n = i - s->line_start;
		bool empty = n == 0 || (n == 1 && buf[s->line_start] == '\r');

		if (!s->first_line) {
			s->first_line = i + 1;
			/* the same answer whether the line end came now or later */
			if (s->first_line > lim->max_uri + REQUEST_LINE_SLACK) {
				s->scanned = i + 1;
				return 414;
			}
		} else if (empty) {
			s->scanned = i + 1;
			if (i + 1 > lim->max_head)
				return 431;
			*end = i + 1;
			return HTTP_HEAD_DONE;
		}
		s->line_start = i + 1;
	}
	s->scanned = len;
	if (!s->first_line && len > lim->max_uri + REQUEST_LINE_SLACK)
		return 414;
	if (len > lim->max_head)
		return 431;
	return HTTP_HEAD_MORE;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token(str t)
{
	if (!t.len)
		return false;
	for (size_t i = 0; i < t.len; i++)
		if (!is_tchar(t.s[i]))
			return false;
	return true;
}

/* Strip one trailing CR (the line's LF is not in l). */
static str chomp(str l)
{
	if (l.len && l.s[l.len - 1] == '\r')
		l.len--;
	return l;
}

/* Does the comma-separated list v hold token tok (any case)? */
static bool list_has(str v, const char *tok)
{
	while (v.len) {
		str item;

		v = str_split(v, ',', &item);
		if (str_eq_nocase(str_trim(item), tok))
			return true;
	}
	return false;
}

static int parse_request_line(str l, const struct http_head_limits *lim, struct http_head *h,
			      const char **why)
{
	str rest, version;

	rest = str_split(l, ' ', &h->method);
	if (str_is_null(rest) || !is_token(h->method)) {
		*why = "malformed request line";
		return 400;
	}
	version = str_split(rest, ' ', &h->target);
	if (h->target.len > lim->max_uri) {
		*why = "request target too long";
		return 414;
	}
	if (str_is_null(version) || !h->target.len || h->target.s[0] != '/') {
		*why = "malformed request line";
		return 400;
	}
	for (size_t i = 0; i < h->target.len; i++) {
		unsigned char c = (unsigned char)h->target.s[i];

		if (c <= ' ' || c == 0x7f) {
			*why = "malformed request target";
			return 400;
		}
	}
	str_split(h->target, '?', &h->path);
	if (version.len != 8 || memcmp(version.s, "HTTP/1.", 7) != 0) {
		*why = "HTTP/1.0 or HTTP/1.1 only";
		return str_has_prefix(version, "HTTP/") ? 505 : 400;
	}
	if (version.s[7] != '0' && version.s[7] != '1') {
		*why = "HTTP/1.0 or HTTP/1.1 only";
		return 505;
	}
	h->minor = version.s[7] - '0';
	h->keep_alive = h->minor == 1;
	return 0;
}

/* One "Name: value" line; what the ng endpoints need goes into h. */
static int parse_header(str l, struct http_head *h, bool *connection_close, const char **why)
{
	str name, value;

	if (l.len && (l.s[0] == ' ' || l.s[0] == '\t')) {
		*why = "folded header lines are not accepted";
		return 400;
	}
	value = str_split(l, ':', &name);
	if (str_is_null(value) || !is_token(name)) {
		*why = "malformed header line";
		return 400;
	}
	value = str_trim(value);
	for (size_t i = 0; i < value.len; i++) {
		unsigned char c = (unsigned char)value.s[i];

		if ((c < ' ' && c != '\t') || c == 0x7f) {
			*why = "control character in a header value";
			return 400;
		}
	}
	if (str_eq_nocase(name, "Content-Length")) {
		int64_t v;

		if (str_to_int64(value, 0, INT64_MAX, &v) < 0 || (value.len && value.s[0] == '-') ||
		    (h->content_length >= 0 && h->content_length != v)) {
			*why = "invalid Content-Length";
			return 400;
		}
		h->content_length = v;
	} else if (str_eq_nocase(name, "Transfer-Encoding")) {
		*why = "a body needs Content-Length (Transfer-Encoding is not supported)";
		return 411;
	} else if (str_eq_nocase(name, "Connection")) {
		if (list_has(value, "close"))
			*connection_close = true;
		else if (list_has(value, "keep-alive"))
			h->keep_alive = true;
	} else if (str_eq_nocase(name, "Expect")) {
		if (!str_eq_nocase(value, "100-continue")) {
			*why = "only Expect: 100-continue is understood";
			return 417;
		}
		h->expect_continue = true;
	}
	return 0;
}

int http_head_parse(const char *buf, size_t len, const struct http_head_limits *lim,
		    struct http_head *h, const char **why)
{
	str rest = str_make(buf, len), line;
	bool connection_close = false;
	int status;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	rest = str_split(rest, '\n', &line);
	if (str_is_null(rest)) {
		*why = "incomplete head";
		return 400;
	}
	status = parse_request_line(chomp(line), lim, h, why);
	if (status)
		return status;
	for (;;) {
		rest = str_split(rest, '\n', &line);
		if (str_is_null(rest)) {
			*why = "incomplete head";
			return 400;
		}
		line = chomp(line);
		if (!line.len)
			break;
		status = parse_header(line, h, &connection_close, why);
		if (status)
			return status;
	}
	if (connection_close)
		h->keep_alive = false;
	return 0;
}
