/*
 * msg: the wire form of one ng message (see msg.h). The error
 * reasons follow rtpengine's wording where rtpengine has one ("Invalid data
 * (no payload)", "Dictionary contains no key \"command\"", "Failed to parse
 * JSON document"), with the position and cause added where we know them.
 */
#include "ng/msg.h"
#include "ng/json.h"

#include <errno.h>

#include "ng/ng.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static str trim_blank(str s)
{
	while (s.len && blank(s.s[0]))
		s.s++, s.len--;
	while (s.len && blank(s.s[s.len - 1]))
		s.len--;
	return s;
}

int ng_msg_split(str msg, str *cookie, str *body)
{
	const char *sp = msg.len ? memchr(msg.s, ' ', msg.len) : NULL;

	if (!sp)
		return -EINVAL;
	size_t n = (size_t)(sp - msg.s);
	if (n == 0 || n > NG_MAX_COOKIE)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!ng_cookie_byte((unsigned char)msg.s[i]))
			return -EINVAL;
	*cookie = str_make(msg.s, n);
	*body = str_make(sp + 1, msg.len - n - 1);
	return 0;
}

enum ng_format ng_msg_format(str body)
{
	body = trim_blank(body);
	return body.len && body.s[0] == '{' ? NG_FORMAT_JSON : NG_FORMAT_BENCODE;
}

static bencode_item *decode_bencode(struct arena *a, str body, const char **err)
{
	struct bencode_limits lim = { .max_string = NG_MAX_MESSAGE };
	struct bencode_error berr = { 0, "unknown error" };
	bencode_item *dict = NULL;
	size_t consumed = 0;
	/* offsets are reported relative to the body as sent */
	size_t lead = 0;

	while (lead < body.len && blank(body.s[lead]))
		lead++;
	str s = str_skip(body, lead);
	if (s.s[0] != 'd') {
		*err = arena_printf(a, "Invalid NG data format: expected a dictionary at byte %zu",
				    lead)
			       .s;
		return NULL;
	}
	int rc = bencode_decode(a, s.s, s.len, &lim, &dict, &consumed, &berr);
	if (rc == -EAGAIN) {
		*err = arena_printf(a, "Malformed bencode at byte %zu: incomplete (%s)",
				    lead + berr.offset, berr.reason)
			       .s;
		return NULL;
	}
	if (rc < 0) {
		*err = arena_printf(a, "Malformed bencode at byte %zu: %s", lead + berr.offset,
				    berr.reason)
			       .s;
		return NULL;
	}
	if (trim_blank(str_skip(s, consumed)).len) {
		*err = arena_printf(a, "Malformed bencode at byte %zu: data after the dictionary",
				    lead + consumed)
			       .s;
		return NULL;
	}
	return dict;
}

bencode_item *ng_msg_decode(struct arena *a, str body, enum ng_format fmt, const char **err)
{
	if (trim_blank(body).len == 0) {
		*err = "Invalid data (no payload)";
		return NULL;
	}
	if (fmt == NG_FORMAT_JSON)
		return ng_json_to_bencode(a, body, err);
	return decode_bencode(a, body, err);
}

int ng_msg_command(const bencode_item *dict, str *cmd, const char **err)
{
	bencode_item *c = bencode_dict_get(dict, "command");

	if (!c) {
		*err = "Dictionary contains no key \"command\"";
		return -1;
	}
	if (c->type != BENCODE_STRING) {
		*err = "Key \"command\" is not a string";
		return -1;
	}
	if (c->str.len == 0) {
		*err = "Key \"command\" is empty";
		return -1;
	}
	*cmd = c->str;
	return 0;
}

void ng_msg_encode(str cookie, const bencode_item *reply, enum ng_format fmt, GString *out)
{
	if (!str_is_null(cookie)) {
		g_string_append_len(out, cookie.s, (gssize)cookie.len);
		g_string_append_c(out, ' ');
	}
	if (fmt == NG_FORMAT_JSON)
		ng_json_from_bencode(reply, out);
	else
		bencode_encode(reply, out);
}

bencode_item *ng_msg_error_reply(struct arena *a, const char *reason)
{
	bencode_item *d = bencode_new_dict(a);

	bencode_dict_add_cstr(a, d, "result", "error");
	bencode_dict_add_cstr(a, d, "error-reason", reason);
	return d;
}

void ng_msg_encode_error(str cookie, enum ng_format fmt, const char *reason, GString *out)
{
	struct arena *a = arena_new(0);

	ng_msg_encode(cookie, ng_msg_error_reply(a, reason), fmt, out);
	arena_free(a);
}
