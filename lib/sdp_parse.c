/*
 * SDP parsing: split a body into typed lines (views into the body), group
 * them into the session part and media sections, and the small field
 * parsers (m=, c=, o=, a=) the relay needs. Editing helpers (sdp_line_new,
 * sdp_line_set, sdp_find) live here too since they share the a= split.
 */
#include "sdp.h"

#include <errno.h>

static const str eol_crlf = { "\r\n", 2 };
static const str eol_lf = { "\n", 1 };
static const str eol_none = { "", 0 };

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Split v at runs of blanks into at most max tokens; the last token takes
 * the rest of the value (trimmed) when rest is true. Returns the number of
 * tokens found, or max + 1 when there are more than max (and !rest).
 */
static unsigned tokenize(str v, str *tok, unsigned max, bool rest)
{
	size_t i = 0;
	unsigned n = 0;

	for (;;) {
		while (i < v.len && is_blank(v.s[i]))
			i++;
		if (i == v.len)
			return n;
		if (n == max)
			return max + 1;
		if (rest && n == max - 1) {
			tok[n++] = str_trim(str_make(v.s + i, v.len - i));
			return n;
		}
		size_t start = i;

		while (i < v.len && !is_blank(v.s[i]))
			i++;
		tok[n++] = str_make(v.s + start, i - start);
	}
}

/* Only decimal digits (no sign, no blanks), value 0..max. */
static int parse_uint(str a, unsigned max, unsigned *out)
{
	uint64_t v = 0;

	if (!a.len || a.len > 10)
		return -EINVAL;
	for (size_t i = 0; i < a.len; i++) {
		if (a.s[i] < '0' || a.s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(a.s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

static void split_attr(struct sdp_line *l)
{
	if (l->type != 'a') {
		l->attr_name = l->attr_value = STR_NULL;
		return;
	}
	/* "a=name" leaves attr_value STR_NULL; "a=name:" gives an empty,
	 * non-NULL value. */
	l->attr_value = str_split(l->value, ':', &l->attr_name);
}

/*
 * Parse an m= value into media fields. Returns NULL on success or the
 * static reason; m is only written on success.
 */
static const char *parse_media_line(str value, struct sdp_media *m)
{
	str tok[4], port_s, count_s;
	unsigned port, count = 1, n = tokenize(value, tok, 4, true);

	if (n < 3)
		return "m= line lacks media, port or protocol";
	count_s = str_split(tok[1], '/', &port_s);
	if (parse_uint(port_s, 65535, &port))
		return "m= line port is not a number 0..65535";
	if (!str_is_null(count_s) && (parse_uint(count_s, 65535, &count) || count == 0))
		return "m= line port count is invalid";
	m->media = tok[0];
	m->port = port;
	m->port_count = count;
	m->proto = tok[2];
	/* No formats: an empty view just past the protocol. */
	m->fmts = n == 4 ? tok[3] : str_make(tok[2].s + tok[2].len, 0);
	return NULL;
}

void sdp_session_free(struct sdp_session *s)
{
	if (!s)
		return;
	if (s->media) {
		for (unsigned i = 0; i < s->media->len; i++) {
			struct sdp_media *m = s->media->pdata[i];

			if (m && m->lines)
				g_ptr_array_free(m->lines, TRUE);
		}
		g_ptr_array_free(s->media, TRUE);
	}
	if (s->lines)
		g_ptr_array_free(s->lines, TRUE);
	s->media = s->lines = NULL;
}

static bool only_line_ends(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != '\r' && *p != '\n')
			return false;
	return true;
}

struct sdp_session *sdp_parse(struct arena *arena, str body, const char **err, unsigned *err_line)
{
	const char *p = body.s, *end = body.s + body.len, *why;
	struct sdp_session *s;
	struct sdp_media *m = NULL;
	unsigned lineno = 1, n_crlf = 0, n_lf = 0;

	if (!body.s || !body.len) {
		why = "empty SDP body";
		goto err;
	}
	s = arena_alloc(arena, sizeof(*s));
	s->arena = arena;
	s->lines = g_ptr_array_sized_new(16);
	s->media = g_ptr_array_sized_new(4);

	/* After the last line ending, p == end: an empty remainder ends the
	 * loop, anything else is one more line (without a line ending). */
	for (; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *vend = nl ? nl : end;
		str eol = eol_none;

		if (lineno > SDP_MAX_LINES) {
			why = "too many lines";
			goto err_free_session;
		}
		if (nl && vend > p && vend[-1] == '\r') {
			vend--;
			eol = eol_crlf;
			n_crlf++;
		} else if (nl) {
			eol = eol_lf;
			n_lf++;
		}
		/* Blank lines at the very end (some phones send them) are kept
		 * aside as the trailer, as rtpengine accepts them; elsewhere a
		 * blank line is an error. */
		if (vend == p && lineno > 1 && only_line_ends(p, end)) {
			s->trailer = str_make(p, (size_t)(end - p));
			break;
		}
		if (vend - p < 2 || !is_letter(p[0]) || p[1] != '=') {
			why = "line is not <letter>=<value>";
			goto err_free_session;
		}
		if (memchr(p, '\r', (size_t)(vend - p))) {
			why = "bare CR inside a line";
			goto err_free_session;
		}
		if (memchr(p, '\0', (size_t)(vend - p))) {
			why = "NUL byte inside a line";
			goto err_free_session;
		}
		if (lineno == 1 && p[0] != 'v') {
			why = "SDP does not start with v=";
			goto err_free_session;
		}

		struct sdp_line *l = arena_alloc(arena, sizeof(*l));

		l->type = p[0];
		l->value = str_make(p + 2, (size_t)(vend - p - 2));
		l->eol = eol;
		split_attr(l);

		if (l->type == 'm') {
			struct sdp_media tmp = { 0 };

			if (s->media->len >= SDP_MAX_MEDIA) {
				why = "too many media sections";
				goto err_free_session;
			}
			why = parse_media_line(l->value, &tmp);
			if (why)
				goto err_free_session;
			m = arena_alloc(arena, sizeof(*m));
			*m = tmp;
			m->lines = g_ptr_array_sized_new(16);
			g_ptr_array_add(s->media, m);
		}
		g_ptr_array_add(m ? m->lines : s->lines, l);
		p = nl ? nl + 1 : end;
	}
	s->eol = n_lf > n_crlf ? eol_lf : eol_crlf;
	return s;

err_free_session:
	sdp_session_free(s);
err:
	*err = why;
	*err_line = lineno;
	return NULL;
}

int sdp_media_reparse(struct sdp_media *m)
{
	struct sdp_line *l;

	if (!m->lines || !m->lines->len)
		return -EINVAL;
	l = m->lines->pdata[0];
	if (!l || l->type != 'm' || parse_media_line(l->value, m))
		return -EINVAL;
	return 0;
}

int sdp_parse_connection(str value, struct sdp_connection *out)
{
	str tok[3];

	if (tokenize(value, tok, 3, false) != 3)
		return -EINVAL;
	out->nettype = tok[0];
	out->addrtype = tok[1];
	out->address = tok[2];
	return 0;
}

int sdp_parse_origin(str value, struct sdp_origin *out)
{
	str tok[6];

	if (tokenize(value, tok, 6, false) != 6)
		return -EINVAL;
	out->username = tok[0];
	out->session_id = tok[1];
	out->version = tok[2];
	out->nettype = tok[3];
	out->addrtype = tok[4];
	out->address = tok[5];
	return 0;
}

int sdp_find(const GPtrArray *lines, unsigned from, char t, const char *name)
{
	if (!lines)
		return -1;
	for (unsigned i = from; i < lines->len; i++) {
		const struct sdp_line *l = lines->pdata[i];

		if (!l || l->type != t)
			continue;
		if (t == 'a' && name && !str_eq_c(l->attr_name, name))
			continue;
		return (int)i;
	}
	return -1;
}

struct sdp_line *sdp_line_new(struct sdp_session *s, char type, str value)
{
	struct sdp_line *l = arena_alloc(s->arena, sizeof(*l));

	l->type = type;
	l->value = value;
	l->eol = s->eol.len ? s->eol : eol_crlf;
	split_attr(l);
	return l;
}

void sdp_line_set(struct sdp_session *s, struct sdp_line *l, str value)
{
	l->value = value;
	split_attr(l);
}
