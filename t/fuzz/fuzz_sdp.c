/*
 * Fuzz target for sdp_parse/sdp_print. Invariants checked (abort() on
 * violation): a rejected body has a reason and a line number; an accepted
 * body prints back byte for byte; the structure respects the limits; the
 * field parsers and sdp_media_reparse agree with the parse; setting every
 * line to its own value changes nothing; and a line appended at the end
 * is printed on a line of its own.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lines(struct sdp_session *s, GPtrArray *lines, unsigned *n)
{
	for (unsigned i = 0; i < lines->len; i++) {
		struct sdp_line *l = lines->pdata[i];
		struct sdp_connection c;
		struct sdp_origin o;

		if (l->type == 'c')
			(void)sdp_parse_connection(l->value, &c);
		else if (l->type == 'o')
			(void)sdp_parse_origin(l->value, &o);
		if (sdp_find(lines, i, l->type, NULL) != (int)i && l->type != 'a')
			abort();
		if (l->type == 'a' && !str_is_null(l->attr_name) && l->attr_name.s != l->value.s)
			abort();
		sdp_line_set(s, l, l->value);
		(*n)++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	str body = str_make((const char *)data, size);
	const char *err = NULL;
	unsigned err_line = 0, n = 0;
	struct sdp_session *s = sdp_parse(a, body, &err, &err_line);

	if (!s) {
		if (!err || !err_line || err_line > SDP_MAX_LINES + 1)
			abort();
		arena_free(a);
		return 0;
	}
	if (s->media->len > SDP_MAX_MEDIA || !s->lines->len ||
	    ((struct sdp_line *)s->lines->pdata[0])->type != 'v')
		abort();
	check_lines(s, s->lines, &n);
	for (unsigned i = 0; i < s->media->len; i++) {
		struct sdp_media *m = s->media->pdata[i];
		struct sdp_media before = *m;

		if (((struct sdp_line *)m->lines->pdata[0])->type != 'm' || !m->port_count)
			abort();
		if (sdp_media_reparse(m) || m->port != before.port ||
		    m->port_count != before.port_count || !str_eq(m->proto, before.proto) ||
		    !str_eq(m->fmts, before.fmts) || !str_eq(m->media, before.media))
			abort();
		check_lines(s, m->lines, &n);
	}
	if (n > SDP_MAX_LINES)
		abort();

	GString *out = g_string_sized_new(size + 16);

	sdp_print(s, out);
	if (out->len != size || memcmp(out->str, data, size))
		abort();

	/* Append a line to the last array: it must start on a line of its own. */
	GPtrArray *last = s->media->len
				  ? ((struct sdp_media *)s->media->pdata[s->media->len - 1])->lines
				  : s->lines;

	g_ptr_array_add(last, sdp_line_new(s, 'a', STR_C("fuzz")));
	g_string_truncate(out, 0);
	sdp_print(s, out);
	/* ... before the trailing blank lines, which stay last. */
	size_t body_len = size - s->trailer.len;
	bool had_eol = data[body_len - 1] == '\n';
	size_t want = size + (had_eol ? 0 : s->eol.len) + 6 + s->eol.len;
	size_t fuzz_at = out->len - s->trailer.len - s->eol.len - 6;

	if (out->len != want || memcmp(out->str, data, body_len) ||
	    memcmp(out->str + fuzz_at, "a=fuzz", 6) ||
	    (s->trailer.len &&
	     memcmp(out->str + out->len - s->trailer.len, s->trailer.s, s->trailer.len)))
		abort();

	g_string_free(out, TRUE);
	sdp_session_free(s);
	arena_free(a);
	return 0;
}
