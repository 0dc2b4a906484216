/*
 * sdp: byte-exact round trip of the corpus in t/data/sdp, field
 * extraction, edits, and every rejection with its reason and line number.
 */
#include <errno.h>
#include <stdlib.h>

#include "sdp.h"
#include "test.h"

/*
 * The source tree: RTPRELAY_SRCDIR from the environment or the compiler,
 * else derived from __FILE__ (t/Makefile compiles with an absolute path).
 */
static char *srcdir(void)
{
	const char *env = getenv("RTPRELAY_SRCDIR");
#ifdef RTPRELAY_SRCDIR
	if (!env)
		env = RTPRELAY_SRCDIR;
#endif
	if (env)
		return g_strdup(env);

	const char *f = __FILE__, *t = strstr(f, "t/unit/test_sdp.c");

	if (!t || t == f)
		return g_strdup(".");
	return g_strndup(f, (size_t)(t - f));
}

static char *corpus_path(const char *name)
{
	g_autofree char *top = srcdir();

	return g_build_filename(top, "t", "data", "sdp", name, NULL);
}

/* Parse text (a C string) into arena a; NULL (and a printed reason) on error. */
static struct sdp_session *parse_c(struct arena *a, const char *text)
{
	const char *err = NULL;
	unsigned line = 0;
	struct sdp_session *s = sdp_parse(a, str_from(text), &err, &line);

	if (!s)
		fprintf(stderr, "    parse failed: %s (line %u)\n", err, line);
	return s;
}

static char *print_c(const struct sdp_session *s)
{
	GString *out = g_string_new(NULL);

	sdp_print(s, out);
	return g_string_free(out, FALSE);
}

static const struct sdp_line *line_at(const GPtrArray *lines, unsigned i)
{
	return lines->pdata[i];
}

static const struct sdp_media *media_at(const struct sdp_session *s, unsigned i)
{
	return s->media->pdata[i];
}

/* Expected media count and dominant line ending of each corpus file. */
static const struct {
	const char *name;
	unsigned n_media;
	const char *eol;
} corpus[] = {
	{ "webrtc_chrome_offer.sdp", 3, "\r\n" },
	{ "webrtc_firefox_offer.sdp", 3, "\r\n" },
	{ "phone_polycom.sdp", 1, "\r\n" },
	{ "phone_yealink.sdp", 1, "\r\n" },
	{ "phone_snom_srtp.sdp", 1, "\r\n" },
	{ "pbx_asterisk.sdp", 1, "\r\n" },
	{ "pbx_freeswitch_video.sdp", 2, "\r\n" },
	{ "ipv6.sdp", 1, "\r\n" },
	{ "media_level_connection.sdp", 3, "\r\n" },
	{ "answer_rejected_video.sdp", 2, "\r\n" },
	{ "hold_sendonly.sdp", 1, "\r\n" },
	{ "hold_zero_address.sdp", 1, "\r\n" },
	{ "port_count.sdp", 2, "\r\n" },
	{ "lf_endings.sdp", 1, "\n" },
	{ "no_final_eol.sdp", 1, "\r\n" },
	{ "unusual_lines.sdp", 2, "\r\n" },
	{ "mixed_endings.sdp", 1, "\r\n" },
	{ "t38_reinvite.sdp", 2, "\r\n" },
};

/* Parse a corpus file; the session lives in a, the body in *body. */
static struct sdp_session *load(struct arena *a, const char *name, char **body)
{
	g_autofree char *path = corpus_path(name);
	gsize len = 0;
	const char *err = NULL;
	unsigned line = 0;

	if (!g_file_get_contents(path, body, &len, NULL)) {
		fprintf(stderr, "    cannot read %s\n", path);
		return NULL;
	}
	struct sdp_session *s = sdp_parse(a, str_make(*body, len), &err, &line);

	if (!s)
		fprintf(stderr, "    %s: %s (line %u)\n", name, err, line);
	return s;
}

TEST(corpus_round_trip)
{
	g_autofree char *top = srcdir();
	g_autofree char *dir = g_build_filename(top, "t", "data", "sdp", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	CHECK(d != NULL);
	while ((name = g_dir_read_name(d))) {
		if (!g_str_has_suffix(name, ".sdp"))
			continue;
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autofree char *body = NULL;
		gsize len = 0;
		const char *err = NULL;
		unsigned line = 0;

		if (!g_file_get_contents(path, &body, &len, NULL)) {
			FAIL_AT("cannot read %s", path);
			break;
		}
		struct arena *a = arena_new(0);
		struct sdp_session *s = sdp_parse(a, str_make(body, len), &err, &line);

		if (!s) {
			FAIL_AT("%s: %s (line %u)", name, err, line);
			arena_free(a);
			break;
		}
		GString *out = g_string_new(NULL);

		sdp_print(s, out);
		if (out->len != len || memcmp(out->str, body, len))
			FAIL_AT("%s: printed %zu bytes differ from the %zu input bytes:\n%s", name,
				out->len, (size_t)len, out->str);
		/* Every line is a struct; every m= starts a media. */
		unsigned lines = s->lines->len, ms = 0;

		for (unsigned i = 0; i < s->media->len; i++) {
			const struct sdp_media *m = media_at(s, i);

			lines += m->lines->len;
			if (line_at(m->lines, 0)->type != 'm')
				FAIL_AT("%s: media %u does not start with m=", name, i);
			for (unsigned j = 1; j < m->lines->len; j++)
				ms += line_at(m->lines, j)->type == 'm';
		}
		if (ms || line_at(s->lines, 0)->type != 'v')
			FAIL_AT("%s: misplaced v= or m= line", name);
		unsigned nl = 0;

		for (gsize i = 0; i < len; i++)
			nl += body[i] == '\n';
		nl += len && body[len - 1] != '\n';
		if (lines != nl)
			FAIL_AT("%s: %u lines parsed, %u in the file", name, lines, nl);
		g_string_free(out, TRUE);
		sdp_session_free(s);
		arena_free(a);
		n++;
		if (test_failed)
			break;
	}
	g_dir_close(d);
	CHECK_INT(n, >=, G_N_ELEMENTS(corpus));
}

TEST(corpus_structure)
{
	for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
		struct arena *a = arena_new(0);
		g_autofree char *body = NULL;
		struct sdp_session *s = load(a, corpus[i].name, &body);

		if (!s) {
			FAIL_AT("%s does not parse", corpus[i].name);
			arena_free(a);
			return;
		}
		unsigned n_media = s->media->len;
		bool eol_ok = str_eq_c(s->eol, corpus[i].eol);

		sdp_session_free(s);
		arena_free(a);
		if (n_media != corpus[i].n_media || !eol_ok) {
			FAIL_AT("%s: %u media (want %u), eol %s", corpus[i].name, n_media,
				corpus[i].n_media, eol_ok ? "ok" : "wrong");
			return;
		}
	}
}

TEST(fields_webrtc)
{
	struct arena *a = arena_new(0);
	g_autofree char *body = NULL;
	struct sdp_session *s = load(a, "webrtc_chrome_offer.sdp", &body);
	const struct sdp_media *m;
	const struct sdp_line *l;
	int i;

	CHECK(s != NULL);
	CHECK_EQ(s->media->len, 3);
	m = media_at(s, 0);
	CHECK_MEM(m->media.s, m->media.len, "audio");
	CHECK_EQ(m->port, 50212);
	CHECK_EQ(m->port_count, 1);
	CHECK_MEM(m->proto.s, m->proto.len, "UDP/TLS/RTP/SAVPF");
	CHECK_MEM(m->fmts.s, m->fmts.len, "111 63 9 0 8 13 110 126");
	m = media_at(s, 2);
	CHECK_MEM(m->media.s, m->media.len, "application");
	CHECK_MEM(m->proto.s, m->proto.len, "UDP/DTLS/SCTP");
	CHECK_MEM(m->fmts.s, m->fmts.len, "webrtc-datachannel");

	i = sdp_find(s->lines, 0, 'a', "group");
	CHECK_INT(i, >=, 0);
	l = line_at(s->lines, (unsigned)i);
	CHECK_MEM(l->attr_value.s, l->attr_value.len, "BUNDLE 0 1 2");
	/* Values are kept as written, leading blank included. */
	l = line_at(s->lines, (unsigned)sdp_find(s->lines, 0, 'a', "msid-semantic"));
	CHECK_MEM(l->attr_value.s, l->attr_value.len, " WMS 9f2c7a1e-3b4d-4e6f-8a90-b1c2d3e4f506");

	m = media_at(s, 0);
	i = sdp_find(m->lines, 0, 'a', "rtcp-mux");
	CHECK_INT(i, >, 0);
	l = line_at(m->lines, (unsigned)i);
	CHECK_MEM(l->attr_name.s, l->attr_name.len, "rtcp-mux");
	CHECK(str_is_null(l->attr_value));
	i = sdp_find(m->lines, 0, 'a', "fingerprint");
	l = line_at(m->lines, (unsigned)i);
	CHECK(str_has_prefix(l->attr_value, "sha-256 3A:91:"));
	i = sdp_find(m->lines, 0, 'a', "ssrc");
	l = line_at(m->lines, (unsigned)i);
	CHECK_MEM(l->attr_value.s, l->attr_value.len, "2751947062 cname:hQ3v0Yk8Zp2Lr5Tx");
	/* Three candidates in the audio section, one in the data channel's. */
	unsigned n = 0;

	for (i = sdp_find(m->lines, 0, 'a', "candidate"); i >= 0;
	     i = sdp_find(m->lines, (unsigned)i + 1, 'a', "candidate"))
		n++;
	CHECK_EQ(n, 3);
	sdp_session_free(s);
	arena_free(a);
}

TEST(fields_port_count_and_connection)
{
	struct arena *a = arena_new(0);
	g_autofree char *body = NULL;
	struct sdp_session *s = load(a, "port_count.sdp", &body);
	struct sdp_connection c;

	CHECK(s != NULL);
	CHECK_EQ(media_at(s, 0)->port, 49170);
	CHECK_EQ(media_at(s, 0)->port_count, 1);
	CHECK_EQ(media_at(s, 1)->port, 51372);
	CHECK_EQ(media_at(s, 1)->port_count, 2);
	CHECK_MEM(media_at(s, 1)->fmts.s, media_at(s, 1)->fmts.len, "99");
	/* The audio media has only its m= line. */
	CHECK_EQ(media_at(s, 0)->lines->len, 1);
	int i = sdp_find(s->lines, 0, 'c', NULL);

	CHECK_INT(i, >, 0);
	CHECK_EQ(sdp_parse_connection(line_at(s->lines, (unsigned)i)->value, &c), 0);
	CHECK_MEM(c.nettype.s, c.nettype.len, "IN");
	CHECK_MEM(c.addrtype.s, c.addrtype.len, "IP4");
	CHECK_MEM(c.address.s, c.address.len, "233.252.0.1/127/2");
	sdp_session_free(s);
	arena_free(a);

	a = arena_new(0);
	body = (g_free(body), NULL);
	s = load(a, "media_level_connection.sdp", &body);
	CHECK(s != NULL);
	CHECK_EQ(sdp_find(media_at(s, 0)->lines, 0, 'c', NULL), -1);
	i = sdp_find(media_at(s, 1)->lines, 0, 'c', NULL);
	CHECK_EQ(i, 1);
	CHECK_EQ(sdp_parse_connection(line_at(media_at(s, 1)->lines, 1)->value, &c), 0);
	CHECK_MEM(c.address.s, c.address.len, "198.51.100.77");
	sdp_session_free(s);
	arena_free(a);

	a = arena_new(0);
	body = (g_free(body), NULL);
	s = load(a, "ipv6.sdp", &body);
	CHECK(s != NULL);
	i = sdp_find(s->lines, 0, 'c', NULL);
	CHECK_EQ(sdp_parse_connection(line_at(s->lines, (unsigned)i)->value, &c), 0);
	CHECK_MEM(c.addrtype.s, c.addrtype.len, "IP6");
	CHECK_MEM(c.address.s, c.address.len, "2001:db8:0:12::5060");
	sdp_session_free(s);
	arena_free(a);
}

TEST(fields_origin)
{
	struct arena *a = arena_new(0);
	g_autofree char *body = NULL;
	struct sdp_session *s = load(a, "pbx_asterisk.sdp", &body);
	struct sdp_origin o;

	CHECK(s != NULL);
	CHECK_EQ(sdp_find(s->lines, 0, 'o', NULL), 1);
	CHECK_EQ(sdp_parse_origin(line_at(s->lines, 1)->value, &o), 0);
	CHECK_MEM(o.username.s, o.username.len, "-");
	CHECK_MEM(o.session_id.s, o.session_id.len, "1829374650");
	CHECK_MEM(o.version.s, o.version.len, "1829374652");
	CHECK_MEM(o.nettype.s, o.nettype.len, "IN");
	CHECK_MEM(o.addrtype.s, o.addrtype.len, "IP4");
	CHECK_MEM(o.address.s, o.address.len, "203.0.113.10");
	/* a=maxptime is an attribute like any other. */
	const struct sdp_media *m = media_at(s, 0);
	const struct sdp_line *l = line_at(m->lines,
					   (unsigned)sdp_find(m->lines, 0, 'a', "maxptime"));

	CHECK_MEM(l->attr_value.s, l->attr_value.len, "150");
	sdp_session_free(s);
	arena_free(a);

	a = arena_new(0);
	body = (g_free(body), NULL);
	s = load(a, "webrtc_firefox_offer.sdp", &body);
	CHECK(s != NULL);
	CHECK_EQ(sdp_parse_origin(line_at(s->lines, 1)->value, &o), 0);
	CHECK_MEM(o.username.s, o.username.len, "mozilla...THIS_IS_SDPARTA-115.6.0");
	CHECK_MEM(o.address.s, o.address.len, "0.0.0.0");
	sdp_session_free(s);
	arena_free(a);
}

TEST(field_parsers_reject)
{
	struct sdp_connection c = { .address = STR_C("untouched") };
	struct sdp_origin o;

	CHECK_EQ(sdp_parse_connection(STR_C("IN IP4"), &c), -EINVAL);
	CHECK_EQ(sdp_parse_connection(STR_C("IN IP4 192.0.2.1 extra"), &c), -EINVAL);
	CHECK_EQ(sdp_parse_connection(STR_C(""), &c), -EINVAL);
	CHECK_EQ(sdp_parse_connection(STR_NULL, &c), -EINVAL);
	CHECK_MEM(c.address.s, c.address.len, "untouched");
	/* Runs of blanks separate tokens too. */
	CHECK_EQ(sdp_parse_connection(STR_C(" IN  IP4\t192.0.2.1 "), &c), 0);
	CHECK_MEM(c.address.s, c.address.len, "192.0.2.1");
	CHECK_EQ(sdp_parse_origin(STR_C("- 1 1 IN IP4"), &o), -EINVAL);
	CHECK_EQ(sdp_parse_origin(STR_C("- 1 1 IN IP4 192.0.2.1 x"), &o), -EINVAL);
	CHECK_EQ(sdp_parse_origin(STR_C("- 1 1 IN IP4 192.0.2.1"), &o), 0);
}

TEST(attributes_unusual)
{
	struct arena *a = arena_new(0);
	g_autofree char *body = NULL;
	struct sdp_session *s = load(a, "unusual_lines.sdp", &body);

	CHECK(s != NULL);
	const struct sdp_media *m = media_at(s, 0);
	int i = sdp_find(m->lines, 0, 'a', "X-unknown-attr");

	CHECK_INT(i, >, 0);
	CHECK_MEM(line_at(m->lines, (unsigned)i)->attr_value.s,
		  line_at(m->lines, (unsigned)i)->attr_value.len, "some value: with colons");
	i = sdp_find(m->lines, 0, 'a', "x-vendor-flag");
	CHECK_INT(i, >, 0);
	CHECK(str_is_null(line_at(m->lines, (unsigned)i)->attr_value));
	/* Attribute names compare exactly. */
	CHECK_EQ(sdp_find(m->lines, 0, 'a', "X-VENDOR-FLAG"), -1);
	i = sdp_find(m->lines, 0, 'b', NULL);
	CHECK_MEM(line_at(m->lines, (unsigned)i)->value.s,
		  line_at(m->lines, (unsigned)i)->value.len, "AS:64");
	/* Non-a= lines get no attribute split. */
	CHECK(str_is_null(line_at(m->lines, (unsigned)i)->attr_name));
	i = sdp_find(s->lines, 0, 'z', NULL);
	CHECK_INT(i, >, 0);
	CHECK_MEM(line_at(s->lines, (unsigned)i)->value.s,
		  line_at(s->lines, (unsigned)i)->value.len, "3730928400 -1h 3749072400 0");
	CHECK_INT(sdp_find(s->lines, 0, 'r', NULL), >, 0);
	CHECK_INT(sdp_find(s->lines, 0, 'k', NULL), >, 0);
	CHECK_INT(sdp_find(s->lines, 0, 'i', NULL), >, 0);
	/* m=image udptl t38 */
	m = media_at(s, 1);
	CHECK_MEM(m->proto.s, m->proto.len, "udptl");
	CHECK_MEM(m->fmts.s, m->fmts.len, "t38");
	sdp_session_free(s);
	arena_free(a);
}

TEST(attribute_split)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\na=\r\na=name:\r\na=:v\r\nb=AS:64\r\n");

	CHECK(s != NULL);
	const struct sdp_line *l = line_at(s->lines, 1);

	CHECK_EQ(l->attr_name.len, 0);
	CHECK(str_is_null(l->attr_value));
	l = line_at(s->lines, 2);
	CHECK_MEM(l->attr_name.s, l->attr_name.len, "name");
	CHECK(!str_is_null(l->attr_value));
	CHECK_EQ(l->attr_value.len, 0);
	l = line_at(s->lines, 3);
	CHECK_EQ(l->attr_name.len, 0);
	CHECK_MEM(l->attr_value.s, l->attr_value.len, "v");
	CHECK(str_is_null(line_at(s->lines, 4)->attr_value));
	sdp_session_free(s);
	arena_free(a);
}

TEST(media_line_forms)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\n"
					   "m=audio 0 RTP/AVP\r\n"
					   "m=video  5004  RTP/AVP  96 97 \r\n"
					   "m=audio 65535/65535 RTP/AVP 0\r\n");

	CHECK(s != NULL);
	CHECK_EQ(s->media->len, 3);
	const struct sdp_media *m = media_at(s, 0);

	CHECK_EQ(m->port, 0);
	CHECK_EQ(m->fmts.len, 0);
	CHECK(m->fmts.s != NULL);
	m = media_at(s, 1);
	CHECK_EQ(m->port, 5004);
	CHECK_MEM(m->proto.s, m->proto.len, "RTP/AVP");
	CHECK_MEM(m->fmts.s, m->fmts.len, "96 97");
	m = media_at(s, 2);
	CHECK_EQ(m->port, 65535);
	CHECK_EQ(m->port_count, 65535);
	g_autofree char *out = print_c(s);

	CHECK_STR(out, "v=0\r\nm=audio 0 RTP/AVP\r\nm=video  5004  RTP/AVP  96 97 \r\n"
		       "m=audio 65535/65535 RTP/AVP 0\r\n");
	sdp_session_free(s);
	arena_free(a);
}

TEST(line_endings)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0");

	CHECK(s != NULL);
	CHECK_MEM(s->eol.s, s->eol.len, "\r\n");
	CHECK_EQ(line_at(s->lines, 0)->eol.len, 0);
	CHECK_EQ(line_at(s->lines, 0)->value.len, 1);
	sdp_session_free(s);

	s = parse_c(a, "v=0\ns=-\r\nt=0 0\n");
	CHECK(s != NULL);
	CHECK_MEM(s->eol.s, s->eol.len, "\n");
	CHECK_MEM(line_at(s->lines, 1)->eol.s, line_at(s->lines, 1)->eol.len, "\r\n");
	CHECK_MEM(line_at(s->lines, 2)->eol.s, line_at(s->lines, 2)->eol.len, "\n");
	sdp_session_free(s);

	/* A tie goes to CRLF. */
	s = parse_c(a, "v=0\ns=-\r\n");
	CHECK(s != NULL);
	CHECK_MEM(s->eol.s, s->eol.len, "\r\n");
	sdp_session_free(s);
	arena_free(a);
}

/* Set, remove and insert lines, and reparse the m= line. */
TEST(edits)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\n"
					   "o=- 1 1 IN IP4 192.0.2.1\r\n"
					   "s=-\r\n"
					   "c=IN IP4 192.0.2.1\r\n"
					   "t=0 0\r\n"
					   "a=ice-lite\r\n"
					   "m=audio 4000 RTP/AVP 0 8\r\n"
					   "a=rtpmap:0 PCMU/8000\r\n"
					   "a=candidate:1 1 udp 1 192.0.2.1 4000 typ host\r\n"
					   "a=sendrecv\r\n");

	CHECK(s != NULL);
	struct sdp_line *c = s->lines->pdata[sdp_find(s->lines, 0, 'c', NULL)];

	sdp_line_set(s, c, arena_printf(a, "IN IP4 %s", "203.0.113.5"));
	g_ptr_array_remove_index(s->lines, (guint)sdp_find(s->lines, 0, 'a', "ice-lite"));

	struct sdp_media *m = s->media->pdata[0];

	sdp_line_set(s, m->lines->pdata[0], STR_C("audio 30000 RTP/AVP 8"));
	CHECK_EQ(sdp_media_reparse(m), 0);
	CHECK_EQ(m->port, 30000);
	CHECK_MEM(m->fmts.s, m->fmts.len, "8");
	g_ptr_array_remove_index(m->lines, (guint)sdp_find(m->lines, 0, 'a', "candidate"));
	g_ptr_array_insert(m->lines, 1, sdp_line_new(s, 'a', STR_C("rtpmap:8 PCMA/8000")));
	g_ptr_array_add(m->lines, sdp_line_new(s, 'a', STR_C("rtcp:30001")));

	/* Setting an a= line re-derives its name and value. */
	struct sdp_line *dir = m->lines->pdata[sdp_find(m->lines, 0, 'a', "sendrecv")];

	sdp_line_set(s, dir, STR_C("sendonly"));
	CHECK_EQ(sdp_find(m->lines, 0, 'a', "sendrecv"), -1);
	CHECK_INT(sdp_find(m->lines, 0, 'a', "sendonly"), >, 0);
	struct sdp_line *nl = sdp_line_new(s, 'a', STR_C("ptime:20"));

	CHECK_MEM(nl->attr_name.s, nl->attr_name.len, "ptime");
	CHECK_MEM(nl->attr_value.s, nl->attr_value.len, "20");
	g_ptr_array_add(m->lines, nl);

	g_autofree char *out = print_c(s);

	CHECK_STR(out, "v=0\r\n"
		       "o=- 1 1 IN IP4 192.0.2.1\r\n"
		       "s=-\r\n"
		       "c=IN IP4 203.0.113.5\r\n"
		       "t=0 0\r\n"
		       "m=audio 30000 RTP/AVP 8\r\n"
		       "a=rtpmap:8 PCMA/8000\r\n"
		       "a=rtpmap:0 PCMU/8000\r\n"
		       "a=sendonly\r\n"
		       "a=rtcp:30001\r\n"
		       "a=ptime:20\r\n");
	sdp_session_free(s);
	arena_free(a);
}

/* New lines take the LF of an LF session; replacing a media's array works. */
TEST(edits_lf_and_array_replacement)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\na=x\n");

	CHECK(s != NULL);
	struct sdp_media *m = s->media->pdata[0];
	GPtrArray *lines = g_ptr_array_new();

	g_ptr_array_add(lines, m->lines->pdata[0]);
	g_ptr_array_add(lines, sdp_line_new(s, 'a', STR_C("sendrecv")));
	g_ptr_array_free(m->lines, TRUE);
	m->lines = lines;
	struct sdp_line *b = sdp_line_new(s, 'b', STR_C("AS:80"));

	CHECK(str_is_null(b->attr_name) && str_is_null(b->attr_value));
	CHECK_MEM(b->eol.s, b->eol.len, "\n");
	g_ptr_array_add(s->lines, b);

	g_autofree char *out = print_c(s);

	CHECK_STR(out, "v=0\ns=-\nt=0 0\nb=AS:80\nm=audio 5000 RTP/AVP 0\na=sendrecv\n");
	sdp_session_free(s);
	arena_free(a);
}

/* Lines after one without a line ending do not get glued to it. */
TEST(edits_after_missing_final_eol)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv");

	CHECK(s != NULL);
	struct sdp_media *m = s->media->pdata[0];
	g_autofree char *same = print_c(s);

	CHECK_STR(same, "v=0\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv");
	g_ptr_array_add(m->lines, sdp_line_new(s, 'a', STR_C("rtcp:5001")));
	g_autofree char *out = print_c(s);

	CHECK_STR(out, "v=0\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\na=rtcp:5001\r\n");
	/* Moved to the front, the line without an ending is still separated. */
	g_ptr_array_add(s->lines, g_ptr_array_steal_index(m->lines, 1));
	g_autofree char *moved = print_c(s);

	CHECK_STR(moved, "v=0\r\ns=-\r\na=sendrecv\r\nm=audio 5000 RTP/AVP 0\r\na=rtcp:5001\r\n");
	sdp_session_free(s);
	arena_free(a);
}

TEST(normalize_eol)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\ns=-\r\nt=0 0\nm=audio 5000 RTP/AVP 0\r\na=x\na=y");

	CHECK(s != NULL);
	sdp_normalize_eol(s);
	g_autofree char *out = print_c(s);

	CHECK_STR(out, "v=0\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\na=x\na=y");
	sdp_session_free(s);
	arena_free(a);
}

TEST(media_reparse_rejects)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\nm=audio 5000/2 RTP/AVP 0 8\r\na=x\r\n");

	CHECK(s != NULL);
	struct sdp_media *m = s->media->pdata[0];

	sdp_line_set(s, m->lines->pdata[0], STR_C("audio 70000 RTP/AVP 0"));
	CHECK_EQ(sdp_media_reparse(m), -EINVAL);
	CHECK_EQ(m->port, 5000);
	CHECK_EQ(m->port_count, 2);
	CHECK_MEM(m->fmts.s, m->fmts.len, "0 8");
	sdp_line_set(s, m->lines->pdata[0], STR_C("audio 6000 RTP/SAVP 8"));
	CHECK_EQ(sdp_media_reparse(m), 0);
	CHECK_EQ(m->port, 6000);
	CHECK_EQ(m->port_count, 1);
	CHECK_MEM(m->proto.s, m->proto.len, "RTP/SAVP");
	/* Line 0 must be an m= line. */
	g_ptr_array_remove_index(m->lines, 0);
	CHECK_EQ(sdp_media_reparse(m), -EINVAL);
	g_ptr_array_set_size(m->lines, 0);
	CHECK_EQ(sdp_media_reparse(m), -EINVAL);
	sdp_session_free(s);
	arena_free(a);
}

TEST(find)
{
	struct arena *a = arena_new(0);
	struct sdp_session *s = parse_c(a, "v=0\r\na=x\r\nb=AS:1\r\na=y:1\r\na=x:2\r\n");

	CHECK(s != NULL);
	CHECK_EQ(sdp_find(s->lines, 0, 'a', NULL), 1);
	CHECK_EQ(sdp_find(s->lines, 2, 'a', NULL), 3);
	CHECK_EQ(sdp_find(s->lines, 0, 'a', "x"), 1);
	CHECK_EQ(sdp_find(s->lines, 2, 'a', "x"), 4);
	CHECK_EQ(sdp_find(s->lines, 5, 'a', "x"), -1);
	CHECK_EQ(sdp_find(s->lines, 100, 'a', NULL), -1);
	CHECK_EQ(sdp_find(s->lines, 0, 'b', "ignored"), 2);
	CHECK_EQ(sdp_find(s->lines, 0, 'c', NULL), -1);
	CHECK_EQ(sdp_find(s->lines, 0, 'a', "z"), -1);
	CHECK_EQ(sdp_find(NULL, 0, 'a', NULL), -1);
	sdp_session_free(s);
	sdp_session_free(NULL);
	arena_free(a);
}

static const struct {
	const char *body;
	size_t len; /* 0: strlen(body) */
	const char *reason;
	unsigned line;
} rejects[] = {
	{ "", 0, "empty SDP body", 1 },
	{ "o=- 1 1 IN IP4 192.0.2.1\r\n", 0, "SDP does not start with v=", 1 },
	{ "V=0\r\n", 0, "SDP does not start with v=", 1 },
	{ "\r\n", 0, "line is not <letter>=<value>", 1 },
	{ "v=0\r\n\r\ns=-\r\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\n\ns=-\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\n\r\nx", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\ns=-\r\n \r\n", 0, "line is not <letter>=<value>", 3 },
	{ "v=0\r\n a=x\r\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\n1=x\r\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\nx\r\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\na:x\r\n", 0, "line is not <letter>=<value>", 2 },
	{ "v=0\r\ns=-\r\ngarbage", 0, "line is not <letter>=<value>", 3 },
	{ "v=0\r\ns=a\rb\r\n", 0, "bare CR inside a line", 2 },
	{ "v=0\r\ns=-\r", 0, "bare CR inside a line", 2 },
	{ "v=0\r\r\n", 0, "bare CR inside a line", 1 },
	{ "v=0\r\ns=a\0b\r\n", 12, "NUL byte inside a line", 2 },
	{ "v=0\r\nm=\r\n", 0, "m= line lacks media, port or protocol", 2 },
	{ "v=0\r\nm=audio\r\n", 0, "m= line lacks media, port or protocol", 2 },
	{ "v=0\r\nm=audio 5000\r\n", 0, "m= line lacks media, port or protocol", 2 },
	{ "v=0\r\nm=audio 65536 RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535", 2 },
	{ "v=0\r\nm=audio 99999999999 RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535",
	  2 },
	{ "v=0\r\nm=audio -1 RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535", 2 },
	{ "v=0\r\nm=audio +5 RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535", 2 },
	{ "v=0\r\nm=audio x RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535", 2 },
	{ "v=0\r\nm=audio /2 RTP/AVP 0\r\n", 0, "m= line port is not a number 0..65535", 2 },
	{ "v=0\r\nm=audio 5000/0 RTP/AVP 0\r\n", 0, "m= line port count is invalid", 2 },
	{ "v=0\r\nm=audio 5000/ RTP/AVP 0\r\n", 0, "m= line port count is invalid", 2 },
	{ "v=0\r\nm=audio 5000/2/3 RTP/AVP 0\r\n", 0, "m= line port count is invalid", 2 },
	{ "v=0\r\nm=audio 5000/65536 RTP/AVP 0\r\n", 0, "m= line port count is invalid", 2 },
	{ "v=0\r\nm=audio 5000 RTP/AVP 0\r\na=x\r\nm=video 1.5 RTP/AVP 0\r\n", 0,
	  "m= line port is not a number 0..65535", 4 },
};

/* Blank lines at the very end are accepted (phones send them; rtpengine
 * takes them) and print back as they came. */
TEST(trailing_blank_lines)
{
	static const char *const bodies[] = {
		"v=0\r\ns=-\r\n\r\n",
		"v=0\ns=-\n\n\n",
		"v=0\r\nm=audio 5000 RTP/AVP 0\r\n\r\n\r\n",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
		struct arena *a = arena_new(0);
		const char *err = NULL;
		unsigned line = 0;
		struct sdp_session *s = sdp_parse(a, str_from(bodies[i]), &err, &line);
		GString *out = g_string_new(NULL);

		CHECK(s != NULL);
		CHECK(s->trailer.len > 0);
		sdp_print(s, out);
		CHECK_STR(out->str, bodies[i]);
		g_string_free(out, TRUE);
		sdp_session_free(s);
		arena_free(a);
	}
}

TEST(rejections)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rejects); i++) {
		struct arena *a = arena_new(0);
		size_t len = rejects[i].len ? rejects[i].len : strlen(rejects[i].body);
		const char *err = NULL;
		unsigned line = 0;
		struct sdp_session *s = sdp_parse(a, str_make(rejects[i].body, len), &err, &line);

		arena_free(a);
		if (s) {
			FAIL_AT("case %zu parsed, want \"%s\"", i, rejects[i].reason);
			return;
		}
		if (!err || strcmp(err, rejects[i].reason) || line != rejects[i].line) {
			FAIL_AT("case %zu: \"%s\" line %u, want \"%s\" line %u", i,
				err ? err : "(null)", line, rejects[i].reason, rejects[i].line);
			return;
		}
	}
	/* A NULL body is empty too. */
	const char *err = NULL;
	unsigned line = 0;
	struct arena *a = arena_new(0);

	CHECK(sdp_parse(a, STR_NULL, &err, &line) == NULL);
	CHECK_STR(err, "empty SDP body");
	arena_free(a);
}

/* Build "v=0" plus n copies of line (each with CRLF). */
static GString *repeat(const char *line, unsigned n)
{
	GString *b = g_string_new("v=0\r\n");

	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(b, "%s\r\n", line);
	return b;
}

static const char *try_parse(GString *b, unsigned *line, unsigned *n_media)
{
	struct arena *a = arena_new(0);
	const char *err = NULL;
	struct sdp_session *s = sdp_parse(a, str_make(b->str, b->len), &err, line);

	if (s)
		*n_media = s->media->len;
	sdp_session_free(s);
	arena_free(a);
	g_string_free(b, TRUE);
	return s ? NULL : err;
}

TEST(limits)
{
	unsigned line = 0, n_media = 0;

	CHECK(try_parse(repeat("m=audio 5000 RTP/AVP 0", SDP_MAX_MEDIA), &line, &n_media) == NULL);
	CHECK_EQ(n_media, SDP_MAX_MEDIA);
	CHECK_STR(try_parse(repeat("m=audio 5000 RTP/AVP 0", SDP_MAX_MEDIA + 1), &line, &n_media),
		  "too many media sections");
	CHECK_EQ(line, SDP_MAX_MEDIA + 2);
	CHECK(try_parse(repeat("a=x", SDP_MAX_LINES - 1), &line, &n_media) == NULL);
	CHECK_STR(try_parse(repeat("a=x", SDP_MAX_LINES), &line, &n_media), "too many lines");
	CHECK_EQ(line, SDP_MAX_LINES + 1);
	/* A trailing remainder after the last line ending counts as a line. */
	GString *b = repeat("a=x", SDP_MAX_LINES - 1);

	g_string_append(b, "a=y");
	CHECK_STR(try_parse(b, &line, &n_media), "too many lines");
}

TEST_MAIN()
