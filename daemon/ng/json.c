/*
 * json: the JSON form of ng messages, converted to and from the bencode
 * tree that commands see.
 *
 * JSON -> bencode, mirroring what rtpengine 10.5 accepts (observed against
 * /usr/bin/rtpengine): strings -> STRING, integers -> INT, arrays -> LIST,
 * objects -> DICT (member order kept; a repeated member keeps its first
 * position and its last value, as json-c does), true/false -> INT 1/0
 * (rtpengine takes "limit": true as 1 and false as 0). null and
 * non-integer numbers are refused: rtpengine refuses them too, and no ng
 * option takes them.
 *
 * bencode -> JSON: dictionaries become objects with their keys in order,
 * strings become JSON strings. Bencode strings are bytes, JSON strings are
 * Unicode: valid UTF-8 is passed through, control characters, '"' and '\'
 * are escaped, and each byte of an invalid UTF-8 sequence becomes \u00XX
 * (its Latin-1 reading), so the output is always valid JSON.
 */
#define LOG_SUBSYS control

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>

#include "ng/json.h"

static bencode_item *convert(struct arena *a, struct json_object *o, const char **err)
{
	switch (json_object_get_type(o)) {
	case json_type_string:
		return bencode_new_str(a, str_make(json_object_get_string(o),
						   (size_t)json_object_get_string_len(o)));
	case json_type_int: {
		int64_t v = json_object_get_int64(o);
		/* json-c keeps values above INT64_MAX as uint64 and saturates */
		if (v == INT64_MAX && json_object_get_uint64(o) != (uint64_t)INT64_MAX) {
			*err = "Failed to parse JSON document: integer out of range";
			return NULL;
		}
		return bencode_new_int(a, v);
	}
	case json_type_boolean:
		return bencode_new_int(a, json_object_get_boolean(o) ? 1 : 0);
	case json_type_double:
		*err = "Failed to parse JSON document: numbers must be integers";
		return NULL;
	case json_type_null:
		*err = "Failed to parse JSON document: null is not supported";
		return NULL;
	case json_type_array: {
		bencode_item *l = bencode_new_list(a);
		size_t n = json_object_array_length(o);
		for (size_t i = 0; i < n; i++) {
			bencode_item *v = convert(a, json_object_array_get_idx(o, i), err);
			if (!v)
				return NULL;
			bencode_list_append(l, v);
		}
		return l;
	}
	case json_type_object: {
		bencode_item *d = bencode_new_dict(a);
		json_object_object_foreach(o, key, val) {
			bencode_item *v = convert(a, val, err);
			if (!v)
				return NULL;
			bencode_dict_set(a, d, key, v);
		}
		return d;
	}
	}
	*err = "Failed to parse JSON document: unknown value type";
	return NULL;
}

/*
 * Convert a JSON object to a bencode dictionary in arena a (all strings
 * copied). Returns NULL with *err (static or arena text) when json is not
 * one well-formed object (blank bytes around it allowed) or holds a value
 * ng cannot carry. Any thread.
 */
bencode_item *ng_json_to_bencode(struct arena *a, str json, const char **err)
{
	struct json_tokener *tok;
	struct json_object *root;
	bencode_item *ret = NULL;

	if (json.len > INT_MAX) {
		*err = "Failed to parse JSON document: too long";
		return NULL;
	}
	tok = json_tokener_new_ex(NG_JSON_MAX_DEPTH);
	if (!tok) {
		*err = "Failed to parse JSON document: out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
					    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json.s, (int)json.len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);

	if (!root) {
		if (jerr == json_tokener_continue)
			*err = "Failed to parse JSON document: unexpected end of data";
		else
			*err = arena_printf(a, "Failed to parse JSON document at byte %zu: %s", end,
					    json_tokener_error_desc(jerr))
				       .s;
		goto out_free_tok;
	}
	for (size_t i = end; i < json.len; i++) {
		char c = json.s[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			*err = arena_printf(
				       a,
				       "Failed to parse JSON document at byte %zu: data after the object",
				       i)
				       .s;
			goto out_put_root;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		*err = "Invalid NG data format: expected a JSON object";
		goto out_put_root;
	}
	ret = convert(a, root, err);

out_put_root:
	json_object_put(root);
out_free_tok:
	json_tokener_free(tok);
	return ret;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void json_string(str s, GString *out)
{
	const unsigned char *p = (const unsigned char *)s.s;
	size_t i = 0;

	g_string_append_c(out, '"');
	while (i < s.len) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			i++;
			continue;
		case '\\':
			g_string_append(out, "\\\\");
			i++;
			continue;
		case '\n':
			g_string_append(out, "\\n");
			i++;
			continue;
		case '\r':
			g_string_append(out, "\\r");
			i++;
			continue;
		case '\t':
			g_string_append(out, "\\t");
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			g_string_append_printf(out, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq(p + i, s.len - i);
		if (n == 0) {
			g_string_append_printf(out, "\\u%04x", c);
			i++;
			continue;
		}
		g_string_append_len(out, (const char *)p + i, (gssize)n);
		i += n;
	}
	g_string_append_c(out, '"');
}

/* Append the JSON text of item to out (see the top of this file). */
void ng_json_from_bencode(const bencode_item *item, GString *out)
{
	const char *sep = "";

	switch (item->type) {
	case BENCODE_STRING:
		json_string(item->str, out);
		return;
	case BENCODE_INT:
		g_string_append_printf(out, "%" PRId64, item->num);
		return;
	case BENCODE_LIST:
		g_string_append_c(out, '[');
		for (const bencode_item *c = item->child; c; c = c->next) {
			g_string_append(out, sep);
			ng_json_from_bencode(c, out);
			sep = ",";
		}
		g_string_append_c(out, ']');
		return;
	case BENCODE_DICT:
		g_string_append_c(out, '{');
		for (const bencode_item *k = item->child; k && k->next; k = k->next->next) {
			g_string_append(out, sep);
			/* keys are strings in every tree we build or decode */
			if (k->type == BENCODE_STRING)
				json_string(k->str, out);
			else
				g_string_append(out, "\"\"");
			g_string_append_c(out, ':');
			ng_json_from_bencode(k->next, out);
			sep = ",";
		}
		g_string_append_c(out, '}');
		return;
	}
}
