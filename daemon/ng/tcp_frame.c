/*
 * tcp_frame: where an ng message ends in a byte stream (see tcp_frame.h).
 * Every byte of the stream has a fixed meaning, so re-scanning the buffer
 * from its start on each read gives the same answer as an incremental
 * scanner; the buffer is bounded by NG_MAX_MESSAGE, which bounds the cost.
 */
#include "ng/tcp_frame.h"

#include <errno.h>

#include "ng/json.h"
#include "ng/ng.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Length of the JSON object at s[0] == '{', 0 if incomplete, -1 if not
 * frameable. Strings are skipped (with their escapes); only brackets
 * outside strings count. The content is checked later by json-c. */
static long json_measure(const char *s, size_t len, const char **err)
{
	unsigned depth = 0;
	bool in_str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (++depth > NG_JSON_MAX_DEPTH) {
				*err = "Failed to parse JSON document: nested too deeply";
				return -1;
			}
			break;
		case '}':
		case ']':
			if (depth == 0) {
				*err = "Failed to parse JSON document: unbalanced brackets";
				return -1;
			}
			if (--depth == 0)
				return (long)i + 1;
			break;
		}
	}
	return 0;
}

enum ng_tcp_frame_result ng_tcp_frame(const char *buf, size_t len, struct ng_tcp_frame *f)
{
	size_t i = 0, cookie_start, body;

	*f = (struct ng_tcp_frame){ .format = NG_FORMAT_BENCODE };
	while (i < len && blank(buf[i]))
		i++;
	f->skip = i;
	cookie_start = i;

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
	f->cookie_len = i - cookie_start;
	body = i + 1;
	if (body == len)
		return NG_FRAME_MORE;

	const char *b = buf + body;
	size_t avail = len - body;
	long n;

	if (b[0] == '{') {
		f->format = NG_FORMAT_JSON;
		n = json_measure(b, avail, &f->error);
		if (n < 0)
			return NG_FRAME_MALFORMED;
	} else if (b[0] == 'd') {
		struct bencode_limits lim = { .max_string = NG_MAX_MESSAGE };
		struct bencode_error err = { 0, NULL };

		n = bencode_measure(b, avail, &lim, &err);
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
	return NG_FRAME_MESSAGE;
}
