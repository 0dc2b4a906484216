/*
 * tcp_frame: where an ng message ends in a byte stream (see tcp_frame.h).
 * A connection's bytes arrive in pieces, perhaps one at a time; to stay
 * linear in the message the scan keeps its place between calls: the
 * cookie, then the body (JSON: brackets outside strings, the content being
 * json-c's business later; bencode: the decoder's own exact measure,
 * continued where it ran out of input).
 */
#include "ng/tcp_frame.h"

#include <errno.h>

#include "ng/json.h"
#include "ng/ng.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void ng_tcp_scan_reset(struct ng_tcp_scan *s)
{
	*s = (struct ng_tcp_scan){ 0 };
}

/* JSON body b[0..len), from s->done on. Length of the object, 0 if
 * incomplete, -1 if not frameable. Strings are skipped (with their
 * escapes); only brackets outside strings count. The content is checked
 * later by json-c. */
static long json_scan(struct ng_tcp_scan *s, const char *b, size_t len, const char **err)
{
	for (size_t i = s->done; i < len; i++) {
		char c = b[i];

		if (s->in_str) {
			if (s->esc)
				s->esc = false;
			else if (c == '\\')
				s->esc = true;
			else if (c == '"')
				s->in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			s->in_str = true;
			break;
		case '{':
		case '[':
			if (++s->depth > NG_JSON_MAX_DEPTH) {
				*err = "Failed to parse JSON document: nested too deeply";
				return -1;
			}
			break;
		case '}':
		case ']':
			if (s->depth == 0) {
				*err = "Failed to parse JSON document: unbalanced brackets";
				return -1;
			}
			if (--s->depth == 0)
				return (long)i + 1;
			break;
		}
	}
	s->done = len;
	return 0;
}

enum ng_tcp_frame_result ng_tcp_frame_resume(const char *buf, size_t len, struct ng_tcp_scan *s,
					     struct ng_tcp_frame *f)
{
	size_t i = 0, body;

	*f = (struct ng_tcp_frame){ .format = NG_FORMAT_BENCODE };
	if (!s->cookie_len) {
		/* The cookie is short: scanning it again is cheap. */
		while (i < len && blank(buf[i]))
			i++;
		f->skip = i;
		size_t cookie_start = i;

		while (i < len && ng_cookie_byte((unsigned char)buf[i]) &&
		       i - cookie_start <= NG_MAX_COOKIE)
			i++;
		if (i - cookie_start > NG_MAX_COOKIE) {
			f->error = "cookie too long";
			return NG_FRAME_MALFORMED;
		}
		if (i == len)
			return NG_FRAME_MORE;
		if (buf[i] != ' ' || i == cookie_start) {
			f->error = "no cookie";
			return NG_FRAME_MALFORMED;
		}
		/* From here on positions count from the message's first byte:
		 * the caller drops the blanks before it (f->skip). */
		s->cookie_len = i - cookie_start;
		s->done = 0;
	}
	f->cookie_len = s->cookie_len;
	body = f->skip + s->cookie_len + 1;
	if (body == len)
		return NG_FRAME_MORE;

	const char *b = buf + body;
	size_t avail = len - body;
	long n;

	if (b[0] == '{') {
		f->format = NG_FORMAT_JSON;
		n = json_scan(s, b, avail, &f->error);
		if (n < 0)
			return NG_FRAME_MALFORMED;
	} else if (b[0] == 'd') {
		struct bencode_limits lim = { .max_string = NG_MAX_MESSAGE };
		struct bencode_error err = { 0, NULL };

		n = bencode_measure_resume(&s->bencode, b, avail, &lim, &err);
		if (n == -EAGAIN) {
			n = 0;
		} else if (n < 0) {
			f->error = err.reason ? err.reason : "malformed";
			f->bencode_error = true;
			return NG_FRAME_MALFORMED;
		}
	} else {
		f->error = "Invalid NG data format: expected a dictionary";
		return NG_FRAME_MALFORMED;
	}

	if (n == 0) {
		if (len - f->skip >= NG_MAX_MESSAGE) {
			f->error = "Message too long";
			return NG_FRAME_MALFORMED;
		}
		return NG_FRAME_MORE;
	}
	if (body + (size_t)n - f->skip > NG_MAX_MESSAGE) {
		f->error = "Message too long";
		return NG_FRAME_MALFORMED;
	}
	f->len = body + (size_t)n - f->skip;
	ng_tcp_scan_reset(s);
	return NG_FRAME_MESSAGE;
}

enum ng_tcp_frame_result ng_tcp_frame(const char *buf, size_t len, struct ng_tcp_frame *f)
{
	struct ng_tcp_scan s = { 0 };

	return ng_tcp_frame_resume(buf, len, &s, f);
}
