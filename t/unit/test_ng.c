/*
 * Unit tests of the ng message layer that need no command table: cookie
 * splitting, body decoding and its error reasons, reply encoding, the JSON
 * conversions, the retransmission cache, and TCP stream framing.
 */
#include <errno.h>
#include <glib.h>

#include "ng/cache.h"
#include "ng/json.h"
#include "ng/msg.h"
#include "ng/ng.h"
#include "ng/tcp_frame.h"
#include "test.h"

#define S(lit) STR_C(lit)

/* ------------------------------------------------------------- split */

TEST(split_cookie)
{
	str cookie, body;

	CHECK_EQ(ng_msg_split(S("abc d7:command4:pinge"), &cookie, &body), 0);
	CHECK_MEM(cookie.s, cookie.len, "abc");
	CHECK_MEM(body.s, body.len, "d7:command4:pinge");
	/* only the first space splits */
	CHECK_EQ(ng_msg_split(S("a  b"), &cookie, &body), 0);
	CHECK_MEM(cookie.s, cookie.len, "a");
	CHECK_MEM(body.s, body.len, " b");
	/* an empty body is still a message with a cookie (answered with an error) */
	CHECK_EQ(ng_msg_split(S("a "), &cookie, &body), 0);
	CHECK_EQ(body.len, 0);
}

TEST(split_invalid_cookie)
{
	str cookie, body;
	char longc[NG_MAX_COOKIE + 8];

	CHECK_EQ(ng_msg_split(S("nospace"), &cookie, &body), -EINVAL);
	CHECK_EQ(ng_msg_split(S(" d7:command4:pinge"), &cookie, &body), -EINVAL);
	CHECK_EQ(ng_msg_split(S(""), &cookie, &body), -EINVAL);
	CHECK_EQ(ng_msg_split(S("a\nb d1:ae"), &cookie, &body), -EINVAL);
	CHECK_EQ(ng_msg_split(S("a\tb d1:ae"), &cookie, &body), -EINVAL);

	memset(longc, 'c', sizeof(longc));
	longc[NG_MAX_COOKIE] = ' ';
	CHECK_EQ(ng_msg_split(str_make(longc, NG_MAX_COOKIE + 3), &cookie, &body), 0);
	CHECK_EQ(cookie.len, NG_MAX_COOKIE);
	longc[NG_MAX_COOKIE] = 'c';
	longc[NG_MAX_COOKIE + 1] = ' ';
	CHECK_EQ(ng_msg_split(str_make(longc, NG_MAX_COOKIE + 3), &cookie, &body), -EINVAL);
}

/* ------------------------------------------------------------ decode */

/* Decode body (format by its first byte) and return the error or NULL. */
static const char *decode_err(struct arena *a, str body, bencode_item **out)
{
	const char *err = NULL;

	*out = ng_msg_decode(a, body, ng_msg_format(body), &err);
	return *out ? NULL : err;
}

TEST(decode_bencode)
{
	struct arena *a = arena_new(0);
	bencode_item *d;
	str cmd;
	const char *err;

	CHECK(decode_err(a, S("d7:command4:ping7:call-id3:abce"), &d) == NULL);
	CHECK_EQ(d->type, BENCODE_DICT);
	CHECK_EQ(ng_msg_command(d, &cmd, &err), 0);
	CHECK_MEM(cmd.s, cmd.len, "ping");
	/* blank bytes around the dictionary are fine (nc adds a newline) */
	CHECK(decode_err(a, S("d7:command4:pinge\r\n"), &d) == NULL);
	CHECK(decode_err(a, S("  d7:command4:pinge"), &d) == NULL);
	arena_free(a);
}

TEST(decode_errors)
{
	struct arena *a = arena_new(0);
	bencode_item *d;

	CHECK_STR(decode_err(a, S(""), &d), "Invalid data (no payload)");
	CHECK_STR(decode_err(a, S(" \r\n"), &d), "Invalid data (no payload)");
	CHECK_STR(decode_err(a, S("l4:pinge"), &d),
		  "Invalid NG data format: expected a dictionary at byte 0");
	CHECK_STR(decode_err(a, S("garbage"), &d),
		  "Invalid NG data format: expected a dictionary at byte 0");
	CHECK_STR(decode_err(a, S("d7:command4:pingextra"), &d),
		  "Malformed bencode at byte 17: data after the dictionary");
	const char *e = decode_err(a, S("d7:command4:ping"), &d);
	CHECK(e && g_str_has_prefix(e, "Malformed bencode at byte "));
	CHECK(strstr(e, "incomplete") != NULL);
	e = decode_err(a, S("d7:commandx4:pinge"), &d);
	CHECK(e && g_str_has_prefix(e, "Malformed bencode at byte 10: "));
	arena_free(a);
}

TEST(command_key)
{
	struct arena *a = arena_new(0);
	bencode_item *d;
	const char *err = NULL;
	str cmd;

	CHECK(decode_err(a, S("d3:foo3:bare"), &d) == NULL);
	CHECK_EQ(ng_msg_command(d, &cmd, &err), -1);
	CHECK_STR(err, "Dictionary contains no key \"command\"");
	CHECK(decode_err(a, S("d7:commandi5ee"), &d) == NULL);
	CHECK_EQ(ng_msg_command(d, &cmd, &err), -1);
	CHECK_STR(err, "Key \"command\" is not a string");
	CHECK(decode_err(a, S("d7:command0:e"), &d) == NULL);
	CHECK_EQ(ng_msg_command(d, &cmd, &err), -1);
	CHECK_STR(err, "Key \"command\" is empty");
	arena_free(a);
}

/* ------------------------------------------------------------ encode */

TEST(encode_reply_forms)
{
	struct arena *a = arena_new(0);
	bencode_item *r = bencode_new_dict(a);
	GString *out = g_string_new("");

	bencode_dict_add_cstr(a, r, "sdp", "v=0\r\n");
	bencode_dict_add_cstr(a, r, "result", "ok");
	ng_msg_encode(S("c1"), r, NG_FORMAT_BENCODE, out);
	CHECK_STR(out->str, "c1 d3:sdp5:v=0\r\n6:result2:oke");
	g_string_truncate(out, 0);
	ng_msg_encode(S("c1"), r, NG_FORMAT_JSON, out);
	CHECK_STR(out->str, "c1 {\"sdp\":\"v=0\\r\\n\",\"result\":\"ok\"}");
	g_string_truncate(out, 0);
	ng_msg_encode(STR_NULL, r, NG_FORMAT_BENCODE, out);
	CHECK_STR(out->str, "d3:sdp5:v=0\r\n6:result2:oke");
	g_string_truncate(out, 0);
	ng_msg_encode_error(S("x"), NG_FORMAT_BENCODE, "Unrecognized command", out);
	CHECK_STR(out->str, "x d6:result5:error12:error-reason20:Unrecognized commande");
	g_string_free(out, TRUE);
	arena_free(a);
}

TEST(format_detection)
{
	CHECK_EQ(ng_msg_format(S("{\"a\":1}")), NG_FORMAT_JSON);
	CHECK_EQ(ng_msg_format(S(" \n{\"a\":1}")), NG_FORMAT_JSON);
	CHECK_EQ(ng_msg_format(S("d1:ai1ee")), NG_FORMAT_BENCODE);
	CHECK_EQ(ng_msg_format(S("")), NG_FORMAT_BENCODE);
}

/* -------------------------------------------------------------- JSON */

/* JSON -> bencode -> bencode text, or "ERR:<reason>". */
static char *json_to_benc(const char *json)
{
	struct arena *a = arena_new(0);
	const char *err = NULL;
	bencode_item *d = ng_json_to_bencode(a, str_from(json), &err);
	GString *out = g_string_new("");

	if (d)
		bencode_encode(d, out);
	else
		g_string_printf(out, "ERR:%s", err ? err : "(null)");
	arena_free(a);
	return g_string_free(out, FALSE);
}

#define CHECK_J2B(json, expect)                             \
	do {                                                \
		g_autofree char *got_ = json_to_benc(json); \
		CHECK_STR(got_, expect);                    \
	} while (0)

#define CHECK_J2B_ERR(json)                                                       \
	do {                                                                      \
		g_autofree char *got_ = json_to_benc(json);                       \
		if (!g_str_has_prefix(got_, "ERR:")) {                            \
			FAIL_AT("%s: expected an error, got \"%s\"", json, got_); \
			return;                                                   \
		}                                                                 \
	} while (0)

TEST(json_to_bencode_types)
{
	CHECK_J2B("{\"command\":\"ping\"}", "d7:command4:pinge");
	CHECK_J2B("{\"b\":1,\"a\":-2}", "d1:bi1e1:ai-2ee"); /* order kept */
	CHECK_J2B("{\"l\":[1,\"x\",[],{}]}", "d1:lli1e1:xledeee");
	CHECK_J2B("{\"t\":true,\"f\":false}", "d1:ti1e1:fi0ee");
	CHECK_J2B("{\"n\":9223372036854775807}", "d1:ni9223372036854775807ee");
	CHECK_J2B("{\"n\":-9223372036854775808}", "d1:ni-9223372036854775808ee");
	CHECK_J2B("{\"s\":\"a\\\"b\\\\c\\n\\u00e9\"}", "d1:s8:a\"b\\c\n\xc3\xa9"
						       "e");
	CHECK_J2B(" {\"a\":\"b\"} \r\n", "d1:a1:be");
	/* a repeated member: last value wins (as rtpengine's "Unrecognized
	 * command" for {"command":"ping","command":"foo"} shows) */
	CHECK_J2B("{\"command\":\"ping\",\"command\":\"foo\"}", "d7:command3:fooe");
}

TEST(json_embedded_nul)
{
	struct arena *a = arena_new(0);
	const char *err = NULL;
	bencode_item *d = ng_json_to_bencode(a, S("{\"s\":\"a\\u0000b\"}"), &err);
	str v;

	CHECK(d != NULL);
	CHECK(bencode_dict_get_str(d, "s", &v));
	CHECK_EQ(v.len, 3);
	CHECK(memcmp(v.s, "a\0b", 3) == 0);
	arena_free(a);
}

TEST(json_to_bencode_errors)
{
	CHECK_J2B_ERR("");
	CHECK_J2B_ERR("{");
	CHECK_J2B_ERR("{\"command\":");
	CHECK_J2B_ERR("[\"ping\"]");
	CHECK_J2B_ERR("\"ping\"");
	CHECK_J2B_ERR("{\"a\":null}");
	CHECK_J2B_ERR("{\"a\":1.5}");
	CHECK_J2B_ERR("{\"a\":1.0}");
	CHECK_J2B_ERR("{\"a\":1e3}");
	CHECK_J2B_ERR("{\"a\":[true,null]}");
	CHECK_J2B_ERR("{\"a\":18446744073709551615}");
	CHECK_J2B_ERR("{\"a\":1}x");
	CHECK_J2B_ERR("{\"a\":1}{\"b\":2}");
	CHECK_J2B_ERR("{\"a\":\"\xff\"}");
	g_autofree char *e = json_to_benc("{\"a\":1}x");
	CHECK(g_str_has_prefix(e, "ERR:Failed to parse JSON document"));
}

TEST(json_depth_limit)
{
	GString *deep = g_string_new("{\"a\":");
	for (int i = 0; i < 200; i++)
		g_string_append_c(deep, '[');
	for (int i = 0; i < 200; i++)
		g_string_append_c(deep, ']');
	g_string_append_c(deep, '}');
	g_autofree char *got = json_to_benc(deep->str);
	g_string_free(deep, TRUE);
	CHECK(g_str_has_prefix(got, "ERR:"));
}

static char *benc_to_json(const char *benc)
{
	struct arena *a = arena_new(0);
	bencode_item *it = NULL;
	size_t consumed;
	struct bencode_error err;
	GString *out = g_string_new("");

	if (bencode_decode(a, benc, strlen(benc), NULL, &it, &consumed, &err) == 0)
		ng_json_from_bencode(it, out);
	else
		g_string_printf(out, "DECODE-ERR:%s", err.reason);
	arena_free(a);
	return g_string_free(out, FALSE);
}

#define CHECK_B2J(benc, expect)                             \
	do {                                                \
		g_autofree char *got_ = benc_to_json(benc); \
		CHECK_STR(got_, expect);                    \
	} while (0)

TEST(bencode_to_json)
{
	CHECK_B2J("d6:result4:ponge", "{\"result\":\"pong\"}");
	CHECK_B2J("d1:bi-5e1:ali1e1:xdeee", "{\"b\":-5,\"a\":[1,\"x\",{}]}");
	CHECK_B2J("le", "[]");
	CHECK_B2J("4:a\"\\b", "\"a\\\"\\\\b\"");
	CHECK_B2J("4:\r\n\t\x01", "\"\\r\\n\\t\\u0001\"");
	CHECK_B2J("1:\x7f", "\"\\u007f\"");
	/* valid UTF-8 passes, invalid bytes become their Latin-1 code points */
	CHECK_B2J("2:\xc3\xa9", "\"\xc3\xa9\"");
	CHECK_B2J("2:\xff\x41", "\"\\u00ffA\"");
	CHECK_B2J("2:\xc3\x28", "\"\\u00c3(\"");
	CHECK_B2J("3:\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""); /* surrogate */
	CHECK_B2J("2:\xc0\x80", "\"\\u00c0\\u0080\"");            /* overlong */
	CHECK_B2J("4:\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
}

TEST(json_round_trip)
{
	const char *
		json = "{\"command\":\"offer\",\"sdp\":\"v=0\\r\\n\",\"flags\":[\"trust-address\"],"
		       "\"n\":-3,\"d\":{\"x\":[]}}";
	struct arena *a = arena_new(0);
	const char *err = NULL;
	bencode_item *d = ng_json_to_bencode(a, str_from(json), &err);
	GString *out = g_string_new("");

	CHECK(d != NULL);
	ng_json_from_bencode(d, out);
	CHECK_STR(out->str, json);
	g_string_free(out, TRUE);
	arena_free(a);
}

/* ------------------------------------------------------------- cache */

#define SEC G_USEC_PER_SEC

/* The reply cached for (cookie, body) at now, STR_NULL if none; *res gets the kind. */
static str lookup(struct ng_cache *c, str cookie, str body, int64_t now, enum ng_cache_result *res)
{
	str r;
	enum ng_cache_result x = ng_cache_lookup(c, cookie, body, now, &r);

	if (res)
		*res = x;
	return r;
}

TEST(cache_hit_and_miss)
{
	struct ng_cache *c = ng_cache_new_limits(100, 1 << 20, 30 * SEC);
	enum ng_cache_result res;
	str r;

	ng_cache_insert(c, S("c1"), S("d7:command4:pinge"), S("c1 d6:result4:ponge"), 1000);
	r = lookup(c, S("c1"), S("d7:command4:pinge"), 1000 + 29 * SEC, &res);
	CHECK_EQ(res, NG_CACHE_HIT);
	CHECK_MEM(r.s, r.len, "c1 d6:result4:ponge");
	/* same cookie, other body: a new request */
	CHECK(str_is_null(lookup(c, S("c1"), S("d7:command3:fooe"), 2000, &res)));
	CHECK_EQ(res, NG_CACHE_MISS);
	/* other cookie, same body */
	CHECK(str_is_null(lookup(c, S("c2"), S("d7:command4:pinge"), 2000, &res)));
	CHECK_EQ(res, NG_CACHE_MISS);
	/* a cookie that is a prefix of another must not collide */
	CHECK(str_is_null(lookup(c, S("c"), S("d7:command4:pinge"), 2000, &res)));
	CHECK_EQ(res, NG_CACHE_MISS);
	CHECK_EQ(ng_cache_count(c), 1);
	CHECK(ng_cache_bytes(c) > strlen("c1 d6:result4:ponge"));
	ng_cache_free(c);
}

TEST(cache_expiry)
{
	struct ng_cache *c = ng_cache_new_limits(100, 1 << 20, 30 * SEC);
	enum ng_cache_result res;

	ng_cache_insert(c, S("a"), S("x"), S("A"), 0);
	ng_cache_insert(c, S("b"), S("x"), S("B"), 10 * SEC);
	CHECK_EQ(ng_cache_count(c), 2);
	/* exactly the maximum age: gone */
	CHECK(str_is_null(lookup(c, S("a"), S("x"), 30 * SEC, &res)));
	CHECK_EQ(res, NG_CACHE_MISS);
	CHECK_EQ(ng_cache_count(c), 1);
	CHECK(!str_is_null(lookup(c, S("b"), S("x"), 30 * SEC, NULL)));
	ng_cache_expire(c, 40 * SEC);
	CHECK_EQ(ng_cache_count(c), 0);
	CHECK_EQ(ng_cache_bytes(c), 0);
	ng_cache_free(c);
}

TEST(cache_entry_cap)
{
	struct ng_cache *c = ng_cache_new_limits(3, 1 << 20, 30 * SEC);
	char k[16];

	for (int i = 0; i < 3; i++) {
		CHECK(!ng_cache_full(c, i));
		snprintf(k, sizeof(k), "k%d", i);
		ng_cache_insert(c, str_from(k), S("body"), str_from(k), i);
	}
	/* Full of requests younger than the maximum age: the caller must
	 * refuse new ones rather than forget these. */
	CHECK(ng_cache_full(c, 10));
	CHECK_EQ(ng_cache_count(c), 3);
	str r = lookup(c, S("k0"), S("body"), 10, NULL);
	CHECK_MEM(r.s, r.len, "k0");
	/* Room again once the oldest has aged out. */
	CHECK(!ng_cache_full(c, 30 * SEC));
	CHECK_EQ(ng_cache_count(c), 2);
	/* A caller that inserts anyway: the oldest goes (last resort). */
	for (int i = 3; i < 6; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		ng_cache_insert(c, str_from(k), S("body"), str_from(k), 30 * SEC + i);
	}
	CHECK_EQ(ng_cache_count(c), 3);
	CHECK(str_is_null(lookup(c, S("k2"), S("body"), 30 * SEC + 10, NULL)));
	r = lookup(c, S("k5"), S("body"), 30 * SEC + 10, NULL);
	CHECK_MEM(r.s, r.len, "k5");
	ng_cache_free(c);
}

TEST(cache_byte_cap_keeps_keys)
{
	struct ng_cache *c = ng_cache_new_limits(1000, 2000, 30 * SEC);
	enum ng_cache_result res;
	char reply[600];
	char k[16];

	memset(reply, 'r', sizeof(reply));
	for (int i = 0; i < 10; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		ng_cache_insert(c, str_from(k), S("b"), str_make(reply, sizeof(reply)), i);
		CHECK_INT(ng_cache_bytes(c), <=, 2000);
	}
	/* Every request is still known; only the newest replies are kept. */
	CHECK_EQ(ng_cache_count(c), 10);
	str r = lookup(c, S("k9"), S("b"), 10, &res);
	CHECK_EQ(res, NG_CACHE_HIT);
	CHECK_EQ(r.len, sizeof(reply));
	CHECK(str_is_null(lookup(c, S("k0"), S("b"), 10, &res)));
	CHECK_EQ(res, NG_CACHE_GONE);
	CHECK(str_is_null(lookup(c, S("k5"), S("b"), 10, &res)));
	CHECK_EQ(res, NG_CACHE_GONE);
	/* a reply larger than the whole cap is not stored, but its key is */
	char big[3000];
	memset(big, 'x', sizeof(big));
	ng_cache_insert(c, S("big"), S("b"), str_make(big, sizeof(big)), 11);
	CHECK_EQ(ng_cache_count(c), 11);
	CHECK(str_is_null(lookup(c, S("big"), S("b"), 12, &res)));
	CHECK_EQ(res, NG_CACHE_GONE);
	CHECK_INT(ng_cache_bytes(c), <=, 2000);
	/* expiry frees keys and replies alike */
	ng_cache_expire(c, 60 * SEC);
	CHECK_EQ(ng_cache_count(c), 0);
	CHECK_EQ(ng_cache_bytes(c), 0);
	ng_cache_free(c);
}

TEST(cache_replace)
{
	struct ng_cache *c = ng_cache_new_limits(10, 1 << 20, 30 * SEC);

	ng_cache_insert(c, S("a"), S("x"), S("first"), 0);
	ng_cache_insert(c, S("a"), S("x"), S("second"), 1);
	CHECK_EQ(ng_cache_count(c), 1);
	str r = lookup(c, S("a"), S("x"), 2, NULL);
	CHECK_MEM(r.s, r.len, "second");
	ng_cache_free(c);
	ng_cache_free(NULL);
}

/* ------------------------------------------------------- TCP framing */

TEST(frame_complete_and_pipelined)
{
	const char *two = "a1 d7:command4:pinge\r\na2 {\"command\":\"ping\"}";
	struct ng_tcp_frame f;

	CHECK_EQ(ng_tcp_frame(two, strlen(two), &f), NG_FRAME_MESSAGE);
	CHECK_EQ(f.skip, 0);
	CHECK_EQ(f.cookie_len, 2);
	CHECK_EQ(f.format, NG_FORMAT_BENCODE);
	CHECK_MEM(two + f.skip, f.len, "a1 d7:command4:pinge");

	const char *rest = two + f.skip + f.len;
	CHECK_EQ(ng_tcp_frame(rest, strlen(rest), &f), NG_FRAME_MESSAGE);
	CHECK_EQ(f.skip, 2);
	CHECK_EQ(f.format, NG_FORMAT_JSON);
	CHECK_MEM(rest + f.skip, f.len, "a2 {\"command\":\"ping\"}");
}

TEST(frame_every_prefix_wants_more)
{
	const char *msgs[] = {
		"cookie_1 d7:command5:offer3:sdp10:v=0\r\no=- 14:listli1ei-2eee",
		"c {\"a\":\"}{\\\"\\\\\",\"b\":[{\"c\":\"]\"}]}",
	};
	struct ng_tcp_frame f;

	for (size_t m = 0; m < G_N_ELEMENTS(msgs); m++) {
		size_t len = strlen(msgs[m]);
		for (size_t n = 0; n < len; n++) {
			int r = ng_tcp_frame(msgs[m], n, &f);
			if (r != NG_FRAME_MORE) {
				FAIL_AT("msg %zu prefix %zu: %d (%s)", m, n, r,
					f.error ? f.error : "-");
				return;
			}
		}
		CHECK_EQ(ng_tcp_frame(msgs[m], len, &f), NG_FRAME_MESSAGE);
		CHECK_EQ(f.len, len);
	}
}

TEST(frame_blank_only)
{
	struct ng_tcp_frame f;

	CHECK_EQ(ng_tcp_frame("\r\n \n", 4, &f), NG_FRAME_MORE);
	CHECK_EQ(f.skip, 4);
	CHECK_EQ(ng_tcp_frame("", 0, &f), NG_FRAME_MORE);
	CHECK_EQ(f.skip, 0);
}

TEST(frame_malformed)
{
	struct ng_tcp_frame f;
	char longc[NG_MAX_COOKIE + 2];

	/* no cookie: close without a reply */
	CHECK_EQ(ng_tcp_frame(" d1:ae", 6, &f), NG_FRAME_MORE); /* leading blank skipped */
	CHECK_EQ(ng_tcp_frame("\x01x d1:ae", 7, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 0);
	memset(longc, 'c', sizeof(longc));
	CHECK_EQ(ng_tcp_frame(longc, sizeof(longc), &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 0);
	CHECK_STR(f.error, "cookie too long");
	CHECK_EQ(ng_tcp_frame(longc, NG_MAX_COOKIE, &f), NG_FRAME_MORE);

	/* a cookie, then garbage: reply an error, then close */
	CHECK_EQ(ng_tcp_frame("ck garbage", 10, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 2);
	CHECK(f.error != NULL);
	CHECK_EQ(ng_tcp_frame("ck d7:commandx", 14, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 2);
	CHECK(f.bencode_error);
	CHECK_EQ(ng_tcp_frame("ck {\"a\":1}}", 11, &f), NG_FRAME_MESSAGE);
	CHECK_EQ(ng_tcp_frame("ck }", 4, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.format, NG_FORMAT_BENCODE);
}

TEST(frame_too_long)
{
	size_t n = NG_MAX_MESSAGE + 16;
	char *buf = g_malloc(n);
	struct ng_tcp_frame f;

	/* a string that never ends */
	memcpy(buf, "ck {\"a\":\"", 9);
	memset(buf + 9, 'x', n - 9);
	CHECK_EQ(ng_tcp_frame(buf, NG_MAX_MESSAGE - 1, &f), NG_FRAME_MORE);
	CHECK_EQ(ng_tcp_frame(buf, NG_MAX_MESSAGE, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 2);
	CHECK_EQ(f.format, NG_FORMAT_JSON);

	/* a bencode string announced longer than the limit fails at once */
	int k = snprintf(buf, n, "ck d1:a%d:", NG_MAX_MESSAGE + 1);
	CHECK_EQ(ng_tcp_frame(buf, (size_t)k, &f), NG_FRAME_MALFORMED);
	CHECK_EQ(f.cookie_len, 2);

	/* a complete message just over the limit */
	k = snprintf(buf, n, "ck d1:a%d:", NG_MAX_MESSAGE - 10);
	memset(buf + k, 'x', (size_t)NG_MAX_MESSAGE - 10);
	buf[k + NG_MAX_MESSAGE - 10] = 'e';
	CHECK_EQ(ng_tcp_frame(buf, (size_t)k + NG_MAX_MESSAGE - 10 + 1, &f), NG_FRAME_MALFORMED);
	g_free(buf);
}

TEST_MAIN()
