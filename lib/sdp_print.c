/* SDP printing: the inverse of sdp_parse for an unmodified session. */
#include "sdp.h"

static void print_lines(const struct sdp_session *s, const GPtrArray *lines, GString *out,
			bool *need_eol)
{
	if (!lines)
		return;
	for (unsigned i = 0; i < lines->len; i++) {
		const struct sdp_line *l = lines->pdata[i];

		if (!l)
			continue;
		/* The previous line had no line ending, yet it is not last. */
		if (*need_eol) {
			if (s->eol.len)
				g_string_append_len(out, s->eol.s, (gssize)s->eol.len);
			else
				g_string_append(out, "\r\n");
		}
		g_string_append_c(out, l->type);
		g_string_append_c(out, '=');
		if (l->value.len)
			g_string_append_len(out, l->value.s, (gssize)l->value.len);
		if (l->eol.len)
			g_string_append_len(out, l->eol.s, (gssize)l->eol.len);
		*need_eol = l->eol.len == 0;
	}
}

void sdp_print(const struct sdp_session *s, GString *out)
{
	bool need_eol = false;

	print_lines(s, s->lines, out, &need_eol);
	for (unsigned i = 0; s->media && i < s->media->len; i++) {
		const struct sdp_media *m = s->media->pdata[i];

		if (m)
			print_lines(s, m->lines, out, &need_eol);
	}
	if (s->trailer.len)
		g_string_append_len(out, s->trailer.s, (gssize)s->trailer.len);
}

static void normalize_lines(GPtrArray *lines, str eol)
{
	if (!lines)
		return;
	for (unsigned i = 0; i < lines->len; i++) {
		struct sdp_line *l = lines->pdata[i];

		if (l && l->eol.len)
			l->eol = eol;
	}
}

void sdp_normalize_eol(struct sdp_session *s)
{
	str eol = s->eol.len ? s->eol : STR_C("\r\n");

	normalize_lines(s->lines, eol);
	for (unsigned i = 0; s->media && i < s->media->len; i++) {
		struct sdp_media *m = s->media->pdata[i];

		if (m)
			normalize_lines(m->lines, eol);
	}
}
