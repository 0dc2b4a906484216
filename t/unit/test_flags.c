/*
 * ng_flags: every structured key and every rtpp_flags form onto struct
 * ng_flags, the two forms giving identical structs, precedence, and every
 * error case.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "bencode.h"
#include "commands/flags.h"
#include "commands/flags_rtpp.h"
#include "ng/ng.h"
#include "test.h"

static struct arena *A;

static void fresh_arena(void)
{
	arena_free(A);
	A = arena_new(0);
}

/* Tiny builders: S("x"), I(5), L(S("a"), S("b"), NULL), D("k", v, ..., NULL). */
static bencode_item *S(const char *s)
{
	return bencode_new_str(A, str_from(s));
}

static bencode_item *I(int64_t n)
{
	return bencode_new_int(A, n);
}

static bencode_item *L(bencode_item *first, ...)
{
	bencode_item *l = bencode_new_list(A);
	va_list ap;

	va_start(ap, first);
	for (bencode_item *it = first; it; it = va_arg(ap, bencode_item *))
		bencode_list_append(l, it);
	va_end(ap);
	return l;
}

static bencode_item *D(const char *key, ...)
{
	bencode_item *d = bencode_new_dict(A);
	va_list ap;

	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		bencode_dict_set(A, d, k, va_arg(ap, bencode_item *));
	va_end(ap);
	return d;
}

/* Parse a request dictionary; returns ng_flags_parse's result, *err the reason. */
static int parse_dict(bencode_item *dict, struct ng_flags *f, const char **err)
{
	struct ng_request req = { .arena = A, .dict = dict };
	int rc;

	ng_flags_init(f);
	rc = ng_flags_parse(&req, f);
	*err = req.error;
	return rc;
}

static int parse_rtpp(const char *s, struct ng_flags *f, const char **err)
{
	ng_flags_init(f);
	return ng_flags_parse_rtpp(A, str_from(s), f, err);
}

#define CHECK_S(field, want) CHECK_MEM((field).s, (field).len, want)
#define CHECK_NULL_S(field)                                                                 \
	do {                                                                                \
		if ((field).s) {                                                            \
			FAIL_AT("%s should be unset, is \"%.*s\"", #field, STR_FMT(field)); \
			return;                                                             \
		}                                                                           \
	} while (0)

#define PARSE_OK(dict, f)                                           \
	do {                                                        \
		const char *err_;                                   \
		if (parse_dict(dict, f, &err_)) {                   \
			FAIL_AT("ng_flags_parse failed: %s", err_); \
			return;                                     \
		}                                                   \
	} while (0)

#define RTPP_OK(s, f)                                               \
	do {                                                        \
		const char *err_;                                   \
		if (parse_rtpp(s, f, &err_)) {                      \
			FAIL_AT("rtpp \"%s\" failed: %s", s, err_); \
			return;                                     \
		}                                                   \
	} while (0)

/*
 * Compare two structs field by field (strings by content); writes the name
 * of the first differing field to why. The str fields are compared by
 * content, then everything else byte for byte, so a field added later is
 * compared too (ng_flags_init zeroes the padding).
 */
static bool flags_equal(const struct ng_flags *a, const struct ng_flags *b, char *why, size_t n)
{
	struct ng_flags x = *a, y = *b;
#define STR_FIELD(fl)                                                                 \
	do {                                                                          \
		if (str_is_null(x.fl) != str_is_null(y.fl) || !str_eq(x.fl, y.fl)) {  \
			snprintf(why, n, #fl ": \"%.*s\" vs \"%.*s\"", STR_FMT(x.fl), \
				 STR_FMT(y.fl));                                      \
			return false;                                                 \
		}                                                                     \
		x.fl = y.fl = STR_NULL;                                               \
	} while (0)
	STR_FIELD(call_id);
	STR_FIELD(from_tag);
	STR_FIELD(to_tag);
	STR_FIELD(via_branch);
	STR_FIELD(label);
	STR_FIELD(sdp);
	STR_FIELD(transport_protocol);
	STR_FIELD(media_address);
	STR_FIELD(direction[0]);
	STR_FIELD(direction[1]);
	STR_FIELD(received_from_address);
#undef STR_FIELD
#define SCALAR(fl)                                                                                \
	do {                                                                                      \
		if (x.fl != y.fl) {                                                               \
			snprintf(why, n, #fl ": %lld vs %lld", (long long)x.fl, (long long)y.fl); \
			return false;                                                             \
		}                                                                                 \
	} while (0)
	SCALAR(n_directions);
	SCALAR(address_family);
	SCALAR(media_address_family);
	SCALAR(transport_protocol_accept);
	SCALAR(received_from_family);
	SCALAR(delete_delay);
	SCALAR(tos);
	SCALAR(replace_origin);
	SCALAR(replace_session_connection);
	SCALAR(replace_sdp_version);
	SCALAR(replace_username);
	SCALAR(replace_session_name);
	SCALAR(replace_zero_address);
	SCALAR(replace_force_increment_sdp_version);
	SCALAR(replace_origin_full);
	SCALAR(ice);
	SCALAR(rtcp_mux_offer);
	SCALAR(rtcp_mux_require);
	SCALAR(rtcp_mux_demux);
	SCALAR(rtcp_mux_accept);
	SCALAR(rtcp_mux_reject);
	SCALAR(trust_address);
	SCALAR(sip_source_address);
	SCALAR(symmetric);
	SCALAR(asymmetric);
	SCALAR(strict_source);
	SCALAR(media_handover);
	SCALAR(port_latching);
	SCALAR(no_port_latching);
	SCALAR(no_rtcp_attribute);
	SCALAR(full_rtcp_attribute);
	SCALAR(loop_protect);
	SCALAR(original_sendrecv);
	SCALAR(all);
	SCALAR(fatal);
	SCALAR(fast);
	SCALAR(reset);
	SCALAR(generate_mid);
	SCALAR(strip_extmap);
	SCALAR(record_call);
	SCALAR(to_tag_flag);
	SCALAR(directional);
	SCALAR(ice_reject);
	SCALAR(unidirectional);
	SCALAR(unknown_flags);
	SCALAR(ignored_flags);
	SCALAR(unknown_keys);
#undef SCALAR
	if (memcmp(&x, &y, sizeof(x))) {
		for (size_t i = 0; i < sizeof(x); i++) {
			if (((unsigned char *)&x)[i] != ((unsigned char *)&y)[i]) {
				snprintf(why, n, "byte %zu (a field the test does not name)", i);
				break;
			}
		}
		return false;
	}
	return true;
}

#define CHECK_SAME(a, b)                                      \
	do {                                                  \
		char why_[256];                               \
		if (!flags_equal(a, b, why_, sizeof(why_))) { \
			FAIL_AT("structs differ: %s", why_);  \
			return;                               \
		}                                             \
	} while (0)

/* ---- defaults ---- */

TEST(init_defaults)
{
	struct ng_flags f;

	memset(&f, 0xa5, sizeof(f));
	ng_flags_init(&f);
	CHECK_EQ(f.delete_delay, -1);
	CHECK_EQ(f.tos, NG_TOS_UNSET);
	CHECK_EQ(f.ice, NG_ICE_DEFAULT);
	CHECK_EQ(f.n_directions, 0);
	CHECK_EQ(f.address_family, 0);
	CHECK_EQ(f.received_from_family, 0);
	CHECK_NULL_S(f.call_id);
	CHECK_NULL_S(f.transport_protocol);
	CHECK(!f.trust_address && !f.replace_origin && !f.rtcp_mux_demux);
	CHECK_EQ(f.unknown_flags + f.ignored_flags + f.unknown_keys, 0);
}

/* ---- structured keys ---- */

TEST(dict_ids_and_strings)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("command", S("offer"), "call-id", S("cid@host"), "from-tag", S("ft"), "to-tag",
		   S("tt"), "via-branch", S("z9hG4bK.1"), "label", S("caller"), "sdp", S("v=0\r\n"),
		   NULL),
		 &f);
	CHECK_S(f.call_id, "cid@host");
	CHECK_S(f.from_tag, "ft");
	CHECK_S(f.to_tag, "tt");
	CHECK_S(f.via_branch, "z9hG4bK.1");
	CHECK_S(f.label, "caller");
	CHECK_S(f.sdp, "v=0\r\n");
	CHECK_EQ(f.unknown_keys, 0);

	/* alternative spellings rtpengine accepts */
	PARSE_OK(D("call-ID", S("c2"), "SDP", S("x"), "from-label", S("l2"), "call id", S("c3"),
		   NULL),
		 &f);
	CHECK_S(f.call_id, "c3");
	CHECK_S(f.sdp, "x");
	CHECK_S(f.label, "l2");
}

TEST(dict_flags_list)
{
	static const struct {
		const char *flag;
		size_t off;
	} cases[] = {
		{ "trust-address", offsetof(struct ng_flags, trust_address) },
		{ "SIP-source-address", offsetof(struct ng_flags, sip_source_address) },
		{ "sip-source-address", offsetof(struct ng_flags, sip_source_address) },
		{ "SIP source address", offsetof(struct ng_flags, sip_source_address) },
		{ "symmetric", offsetof(struct ng_flags, symmetric) },
		{ "asymmetric", offsetof(struct ng_flags, asymmetric) },
		{ "strict-source", offsetof(struct ng_flags, strict_source) },
		{ "strict source", offsetof(struct ng_flags, strict_source) },
		{ "media-handover", offsetof(struct ng_flags, media_handover) },
		{ "port-latching", offsetof(struct ng_flags, port_latching) },
		{ "no-port-latching", offsetof(struct ng_flags, no_port_latching) },
		{ "no-rtcp-attribute", offsetof(struct ng_flags, no_rtcp_attribute) },
		{ "no-RTCP-attribute", offsetof(struct ng_flags, no_rtcp_attribute) },
		{ "full-rtcp-attribute", offsetof(struct ng_flags, full_rtcp_attribute) },
		{ "loop-protect", offsetof(struct ng_flags, loop_protect) },
		{ "original-sendrecv", offsetof(struct ng_flags, original_sendrecv) },
		{ "all", offsetof(struct ng_flags, all) },
		{ "fatal", offsetof(struct ng_flags, fatal) },
		{ "fast", offsetof(struct ng_flags, fast) },
		{ "reset", offsetof(struct ng_flags, reset) },
		{ "generate-mid", offsetof(struct ng_flags, generate_mid) },
		{ "strip-extmap", offsetof(struct ng_flags, strip_extmap) },
		{ "record-call", offsetof(struct ng_flags, record_call) },
		{ "to-tag", offsetof(struct ng_flags, to_tag_flag) },
		{ "directional", offsetof(struct ng_flags, directional) },
		{ "reject-ICE", offsetof(struct ng_flags, ice_reject) },
		{ "ICE-reject", offsetof(struct ng_flags, ice_reject) },
		{ "unidirectional", offsetof(struct ng_flags, unidirectional) },
		{ "replace-origin", offsetof(struct ng_flags, replace_origin) },
		{ "replace-session-connection",
		  offsetof(struct ng_flags, replace_session_connection) },
		{ "rtcp-mux-demux", offsetof(struct ng_flags, rtcp_mux_demux) },
		{ "rtcp-mux-offer", offsetof(struct ng_flags, rtcp_mux_offer) },
	};

	fresh_arena();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ng_flags f, ref;
		char why[256];

		PARSE_OK(D("flags", L(S(cases[i].flag), NULL), NULL), &f);
		ng_flags_init(&ref);
		*(bool *)((char *)&ref + cases[i].off) = true;
		if (!flags_equal(&f, &ref, why, sizeof(why))) {
			FAIL_AT("flag \"%s\": %s", cases[i].flag, why);
			return;
		}
	}
}

TEST(dict_flags_unknown_and_case)
{
	struct ng_flags f;

	fresh_arena();
	/* case-sensitive like rtpengine; underscores are not dashes in flags */
	PARSE_OK(D("flags",
		   L(S("Trust-Address"), S("trust_address"), S("no-such-flag"), S(""), NULL), NULL),
		 &f);
	CHECK(!f.trust_address);
	CHECK_EQ(f.unknown_flags, 3);
	/* known to rtpengine, no effect here */
	PARSE_OK(D("flags",
		   L(S("SDES-off"), S("codec-strip-PCMA"), S("no-redis-update"), S("OSRTP-accept"),
		     S("trickle-ICE"), NULL),
		   NULL),
		 &f);
	CHECK_EQ(f.ignored_flags, 5);
	CHECK_EQ(f.unknown_flags, 0);
}

TEST(dict_replace)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("replace",
		   L(S("origin"), S("session connection"), S("SDP version"), S("username"),
		     S("session-name"), S("zero-address"), S("force-increment-sdp-version"),
		     S("origin-full"), S("bogus"), NULL),
		   NULL),
		 &f);
	CHECK(f.replace_origin);
	CHECK(f.replace_session_connection);
	CHECK(f.replace_sdp_version);
	CHECK(f.replace_username);
	CHECK(f.replace_session_name);
	CHECK(f.replace_zero_address);
	CHECK(f.replace_force_increment_sdp_version);
	CHECK(f.replace_origin_full);
	CHECK_EQ(f.unknown_flags, 1);

	PARSE_OK(D("replace",
		   L(S("session-connection"), S("sdp-version"), S("force-increment-SDP-ver"), NULL),
		   NULL),
		 &f);
	CHECK(f.replace_session_connection && f.replace_sdp_version &&
	      f.replace_force_increment_sdp_version);
	CHECK(!f.replace_origin);
}

TEST(dict_ice)
{
	static const struct {
		const char *v;
		enum ng_ice want;
	} cases[] = {
		{ "remove", NG_ICE_REMOVE },
		{ "force", NG_ICE_FORCE },
		{ "force-relay", NG_ICE_FORCE_RELAY },
		{ "force_relay", NG_ICE_FORCE_RELAY },
		{ "force relay", NG_ICE_FORCE_RELAY },
		{ "optional", NG_ICE_OPTIONAL },
		{ "default", NG_ICE_DEFAULT_EXPLICIT },
	};
	struct ng_flags f;

	fresh_arena();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		PARSE_OK(D("ICE", S(cases[i].v), NULL), &f);
		CHECK_EQ(f.ice, cases[i].want);
	}
	PARSE_OK(D("ice", S("remove"), NULL), &f);
	CHECK_EQ(f.ice, NG_ICE_REMOVE);
}

TEST(dict_direction)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("direction", L(S("priv"), S("pub"), NULL), NULL), &f);
	CHECK_EQ(f.n_directions, 2);
	CHECK_S(f.direction[0], "priv");
	CHECK_S(f.direction[1], "pub");

	PARSE_OK(D("direction", L(S("priv"), NULL), NULL), &f);
	CHECK_EQ(f.n_directions, 1);
	CHECK_S(f.direction[0], "priv");

	PARSE_OK(D("direction", L(NULL), NULL), &f);
	CHECK_EQ(f.n_directions, 0);

	/* positional keys */
	PARSE_OK(D("to-interface", S("pub"), NULL), &f);
	CHECK_EQ(f.n_directions, 2);
	CHECK_NULL_S(f.direction[0]);
	CHECK_S(f.direction[1], "pub");
	PARSE_OK(D("from-interface", S("a"), "to interface", S("b"), NULL), &f);
	CHECK_EQ(f.n_directions, 2);
	CHECK_S(f.direction[0], "a");
	CHECK_S(f.direction[1], "b");
}

TEST(dict_received_from)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("received-from", L(S("IP4"), S("192.0.2.1"), NULL), NULL), &f);
	CHECK_EQ(f.received_from_family, AF_INET);
	CHECK_S(f.received_from_address, "192.0.2.1");
	PARSE_OK(D("received from", L(S("IP6"), S("2001:db8::1"), NULL), NULL), &f);
	CHECK_EQ(f.received_from_family, AF_INET6);
	CHECK_S(f.received_from_address, "2001:db8::1");
}

TEST(dict_transport_family_media_address)
{
	static const char *const protos[] = {
		"RTP/AVP",   "RTP/SAVP",         "RTP/AVPF",
		"RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF"
	};
	struct ng_flags f;

	fresh_arena();
	for (size_t i = 0; i < G_N_ELEMENTS(protos); i++) {
		PARSE_OK(D("transport-protocol", S(protos[i]), NULL), &f);
		CHECK_S(f.transport_protocol, protos[i]);
	}
	PARSE_OK(D("transport protocol", S("accept"), NULL), &f);
	CHECK(f.transport_protocol_accept);
	CHECK_NULL_S(f.transport_protocol);

	PARSE_OK(D("address family", S("IP6"), NULL), &f);
	CHECK_EQ(f.address_family, AF_INET6);
	PARSE_OK(D("address-family", S("IP4"), NULL), &f);
	CHECK_EQ(f.address_family, AF_INET);
	PARSE_OK(D("address_family", S("IP6"), NULL), &f);
	CHECK_EQ(f.address_family, AF_INET6);

	PARSE_OK(D("media address", S("203.0.113.7"), NULL), &f);
	CHECK_S(f.media_address, "203.0.113.7");
	CHECK_EQ(f.media_address_family, AF_INET);
	PARSE_OK(D("media-address", S("2001:db8::7"), NULL), &f);
	CHECK_S(f.media_address, "2001:db8::7");
	CHECK_EQ(f.media_address_family, AF_INET6);
}

TEST(dict_rtcp_mux)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("rtcp-mux", L(S("demux"), S("accept"), S("reject"), NULL), NULL), &f);
	CHECK(f.rtcp_mux_demux && f.rtcp_mux_accept && f.rtcp_mux_reject);
	CHECK(!f.rtcp_mux_offer && !f.rtcp_mux_require);
	PARSE_OK(D("RTCP-mux", L(S("require"), NULL), NULL), &f);
	CHECK(f.rtcp_mux_require && f.rtcp_mux_offer); /* require implies offer */
	PARSE_OK(D("rtcp mux", L(S("offer"), S("what"), NULL), NULL), &f);
	CHECK(f.rtcp_mux_offer);
	CHECK_EQ(f.unknown_flags, 1);
}

TEST(dict_delete_delay_tos_record_all)
{
	struct ng_flags f;

	fresh_arena();
	PARSE_OK(D("delete delay", I(0), NULL), &f);
	CHECK_EQ(f.delete_delay, 0);
	PARSE_OK(D("delete-delay", I(45), NULL), &f);
	CHECK_EQ(f.delete_delay, 45);
	PARSE_OK(D("delete-delay", S("30"), NULL), &f); /* Kamailio sends strings */
	CHECK_EQ(f.delete_delay, 30);
	PARSE_OK(D("delete_delay", S("0"), NULL), &f);
	CHECK_EQ(f.delete_delay, 0);
	/* Longer than CONFIG_DELETE_DELAY_MAX: that maximum. */
	PARSE_OK(D("delete delay", I(2147483647), NULL), &f);
	CHECK_EQ(f.delete_delay, 3600);
	PARSE_OK(D("delete-delay", S("3601"), NULL), &f);
	CHECK_EQ(f.delete_delay, 3600);
	PARSE_OK(D("delete-delay", S("3600"), NULL), &f);
	CHECK_EQ(f.delete_delay, 3600);

	PARSE_OK(D("TOS", S("184"), NULL), &f);
	CHECK_EQ(f.tos, 184);
	PARSE_OK(D("tos", I(-1), NULL), &f);
	CHECK_EQ(f.tos, -1);

	PARSE_OK(D("record-call", S("on"), NULL), &f);
	CHECK(f.record_call);
	PARSE_OK(D("record call", S("off"), NULL), &f);
	CHECK(!f.record_call);

	PARSE_OK(D("all", S("all"), NULL), &f);
	CHECK(f.all);
	PARSE_OK(D("all", S("none"), NULL), &f);
	CHECK(!f.all);
}

TEST(dict_ignored_and_unknown_keys)
{
	struct ng_flags f, ref;

	fresh_arena();
	/* SDES, DTLS, codec etc.: accepted, nothing recorded, no error */
	PARSE_OK(D("SDES", L(S("off"), NULL), "DTLS", S("passive"), "codec",
		   D("strip", L(S("PCMA"), NULL), NULL), "OSRTP", L(S("accept"), NULL), "metadata",
		   S("x"), "supports", L(S("load limit"), NULL), "ICE-lite", S("off"), NULL),
		 &f);
	ng_flags_init(&ref);
	CHECK_SAME(&f, &ref);
	PARSE_OK(D("no-such-key", I(1), "Via-Branch", S("x"), NULL), &f);
	CHECK_EQ(f.unknown_keys, 2);
	CHECK_NULL_S(f.via_branch); /* keys are case-sensitive like rtpengine */
}

/* ---- rtpp_flags ---- */

TEST(rtpp_key_values)
{
	struct ng_flags f;

	fresh_arena();
	RTPP_OK("ICE=force-relay address-family=IP6 delete-delay=0 via-branch=z9hG4bK.abc "
		"transport-protocol=RTP/SAVPF label=callee to-tag=tt call-id=c@h "
		"media-address=198.51.100.2 TOS=46 record-call=yes",
		&f);
	CHECK_EQ(f.ice, NG_ICE_FORCE_RELAY);
	CHECK_EQ(f.address_family, AF_INET6);
	CHECK_EQ(f.delete_delay, 0);
	CHECK_S(f.via_branch, "z9hG4bK.abc");
	CHECK_S(f.transport_protocol, "RTP/SAVPF");
	CHECK_S(f.label, "callee");
	CHECK_S(f.to_tag, "tt");
	CHECK_S(f.call_id, "c@h");
	CHECK_S(f.media_address, "198.51.100.2");
	CHECK_EQ(f.tos, 46);
	CHECK(f.record_call);
	CHECK(!f.to_tag_flag);
	CHECK_EQ(f.unknown_flags + f.unknown_keys, 0);
}

TEST(rtpp_bare_flags)
{
	struct ng_flags f;

	fresh_arena();
	RTPP_OK("  replace-origin replace-session-connection\ttrust-address strict-source "
		"rtcp-mux-demux rtcp-mux-offer SIP-source-address to-tag fatal "
		"no-redis-update SDES-off bogus-flag  ",
		&f);
	CHECK(f.replace_origin && f.replace_session_connection);
	CHECK(f.trust_address && f.strict_source && f.sip_source_address);
	CHECK(f.rtcp_mux_demux && f.rtcp_mux_offer);
	CHECK(f.to_tag_flag && f.fatal);
	CHECK_EQ(f.ignored_flags, 2);
	CHECK_EQ(f.unknown_flags, 1);
}

TEST(rtpp_directions)
{
	struct ng_flags f;
	const char *err;

	fresh_arena();
	RTPP_OK("direction=priv direction=pub", &f);
	CHECK_EQ(f.n_directions, 2);
	CHECK_S(f.direction[0], "priv");
	CHECK_S(f.direction[1], "pub");
	RTPP_OK("internal external", &f);
	CHECK_S(f.direction[0], "internal");
	CHECK_S(f.direction[1], "external");
	RTPP_OK("direction=[ a b ]", &f);
	CHECK_S(f.direction[0], "a");
	CHECK_S(f.direction[1], "b");
	RTPP_OK("to-interface=x from-interface=y", &f);
	CHECK_S(f.direction[0], "y");
	CHECK_S(f.direction[1], "x");
	CHECK(parse_rtpp("direction=a direction=b direction=c", &f, &err) < 0);
	CHECK(strstr(err, "directions"));
}

TEST(rtpp_transport_tokens)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "RTP/AVP", "RTP/AVP" },
		{ "RTP/SAVP", "RTP/SAVP" },
		{ "RTP/AVPF", "RTP/AVPF" },
		{ "RTP/SAVPF", "RTP/SAVPF" },
		{ "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVP" },
		{ "UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVPF" },
		{ "SRTP", "RTP/SAVP" },
		{ "SRTP AVPF", "RTP/SAVPF" },
		{ "AVPF", "RTP/AVPF" },
		{ "RTP", "RTP/AVP" },
		{ "AVP", "RTP/AVP" },
		{ "RTP/SAVPF RTP", "RTP/AVPF" }, /* RTP drops SRTP only */
		{ "RTP/SAVPF AVP", "RTP/SAVP" }, /* AVP drops AVPF only */
		{ "DTLS", "UDP/TLS/RTP/SAVP" },
		{ "DTLS AVPF", "UDP/TLS/RTP/SAVPF" },
		{ "DTLS SRTP", "UDP/TLS/RTP/SAVP" },
		{ "SRTP RTP/AVP", "RTP/AVP" }, /* a full name replaces */
		/* bare tokens win over transport-protocol= in the same string */
		{ "RTP/AVP transport-protocol=RTP/SAVP", "RTP/AVP" },
	};
	struct ng_flags f;

	fresh_arena();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		RTPP_OK(cases[i].in, &f);
		if (!str_eq_c(f.transport_protocol, cases[i].want)) {
			FAIL_AT("\"%s\": \"%.*s\" vs \"%s\"", cases[i].in,
				STR_FMT(f.transport_protocol), cases[i].want);
			return;
		}
	}
	/* case-sensitive: "rtp/avp" is just an unknown flag */
	RTPP_OK("rtp/avp", &f);
	CHECK_NULL_S(f.transport_protocol);
	CHECK_EQ(f.unknown_flags, 1);
}

TEST(rtpp_lists_and_dicts)
{
	struct ng_flags f;

	fresh_arena();
	RTPP_OK("replace=[origin session-connection] rtcp-mux=[demux]", &f);
	CHECK(f.replace_origin && f.replace_session_connection && f.rtcp_mux_demux);
	RTPP_OK("replace=[ origin ] flags=[trust-address strict-source]", &f);
	CHECK(f.replace_origin && f.trust_address && f.strict_source);
	RTPP_OK("replace=[] flags=[ ]", &f);
	CHECK(!f.replace_origin);
	RTPP_OK("received-from=[IP6 2001:db8::5]", &f);
	CHECK_EQ(f.received_from_family, AF_INET6);
	CHECK_S(f.received_from_address, "2001:db8::5");
	/* Kamailio's own received-from=ADDRESS form */
	RTPP_OK("received-from=192.0.2.9", &f);
	CHECK_EQ(f.received_from_family, AF_INET);
	CHECK_S(f.received_from_address, "192.0.2.9");
	/* nested dictionaries (ignored codec options) parse and are skipped */
	RTPP_OK("via-branch=auto-next OSRTP=[accept] codec=[transcode=[PCMA PCMU] accept=[AMR-WB "
		"AMR] strip=[EVS]] ICE=remove",
		&f);
	CHECK_S(f.via_branch, "auto-next");
	CHECK_EQ(f.ice, NG_ICE_REMOVE);
	CHECK_EQ(f.unknown_keys + f.unknown_flags, 0);
	RTPP_OK("sdp-attr=[audio=[add=[ptime:20] remove=[foo]]] label=x", &f);
	CHECK_S(f.label, "x");
}

TEST(rtpp_values_with_equals_and_brackets)
{
	struct ng_flags f;

	fresh_arena();
	RTPP_OK("label=a=b=c via-branch=x]y metadata=k=v codec-set=opus/48000/2=maxaveragebitrate",
		&f);
	CHECK_S(f.label, "a=b=c");
	CHECK_S(f.via_branch, "x]y");
	/* "key=" is the flag "key", as rtpengine */
	RTPP_OK("to-tag= label=", &f);
	CHECK(f.to_tag_flag);
	CHECK_NULL_S(f.label);
	CHECK_EQ(f.unknown_flags, 1);
	/* from-tag=... also makes the request directional */
	RTPP_OK("from-tag=other", &f);
	CHECK_S(f.from_tag, "other");
	CHECK(f.directional);
}

TEST(rtpp_empty)
{
	struct ng_flags f, ref;

	fresh_arena();
	ng_flags_init(&ref);
	RTPP_OK("", &f);
	CHECK_SAME(&f, &ref);
	RTPP_OK("   \t  ", &f);
	CHECK_SAME(&f, &ref);
	ng_flags_init(&f);
	const char *err;
	CHECK_EQ(ng_flags_parse_rtpp(A, STR_NULL, &f, &err), 0);
	CHECK_SAME(&f, &ref);
}

/* ---- both forms agree ---- */

TEST(both_forms_identical)
{
	struct ng_flags a, b;

	fresh_arena();
	PARSE_OK(D("call-id", S("c1"), "from-tag", S("f1"), "via-branch", S("vb"), "flags",
		   L(S("trust-address"), S("strict-source"), S("SDES-off"), S("xyz"), NULL),
		   "replace", L(S("origin"), S("session-connection"), NULL), "ICE", S("remove"),
		   "direction", L(S("priv"), S("pub"), NULL), "received-from",
		   L(S("IP4"), S("192.0.2.3"), NULL), "transport-protocol", S("RTP/AVP"),
		   "address family", S("IP4"), "media address", S("192.0.2.4"), "rtcp-mux",
		   L(S("demux"), NULL), "delete delay", I(5), "TOS", I(184), "label", S("callee"),
		   NULL),
		 &a);
	RTPP_OK("call-id=c1 from-tag=f1 via-branch=vb trust-address strict-source SDES-off xyz "
		"replace-origin replace-session-connection ICE=remove direction=priv "
		"direction=pub received-from=[IP4 192.0.2.3] RTP/AVP address-family=IP4 "
		"media-address=192.0.2.4 rtcp-mux-demux delete-delay=5 TOS=184 label=callee",
		&b);
	b.directional = false; /* from-tag= in rtpp_flags also means directional */
	CHECK_SAME(&a, &b);

	/* and the rtpp_flags key inside a dictionary gives the same again */
	struct ng_flags c;
	PARSE_OK(D("rtpp_flags",
		   S("call-id=c1 from-tag=f1 via-branch=vb trust-address strict-source SDES-off "
		     "xyz replace=[origin session-connection] ICE=remove direction=[priv pub] "
		     "received-from=[IP4 192.0.2.3] transport-protocol=RTP/AVP "
		     "address-family=IP4 media-address=192.0.2.4 rtcp-mux=[demux] "
		     "delete-delay=5 TOS=184 label=callee"),
		   NULL),
		 &c);
	c.directional = false;
	CHECK_SAME(&a, &c);
}

TEST(precedence_wire_order)
{
	struct ng_flags f;

	fresh_arena();
	/* rtpp_flags expands where it stands: later keys win */
	PARSE_OK(D("ICE", S("force"), "rtpp_flags", S("ICE=remove delete-delay=7"), "delete delay",
		   I(9), NULL),
		 &f);
	CHECK_EQ(f.ice, NG_ICE_REMOVE);
	CHECK_EQ(f.delete_delay, 9);
	PARSE_OK(D("rtpp-flags", S("ICE=remove address-family=IP6"), "ICE", S("optional"), NULL),
		 &f);
	CHECK_EQ(f.ice, NG_ICE_OPTIONAL);
	CHECK_EQ(f.address_family, AF_INET6);
	/* flags from both sources accumulate */
	PARSE_OK(D("flags", L(S("trust-address"), NULL), "rtpp flags", S("strict-source"), NULL),
		 &f);
	CHECK(f.trust_address && f.strict_source);
	/* directions are positional across sources */
	PARSE_OK(D("direction", L(S("a"), S("b"), NULL), "rtpp_flags", S("direction=x"), NULL), &f);
	CHECK_EQ(f.n_directions, 2);
	CHECK_S(f.direction[0], "x");
	CHECK_S(f.direction[1], "b");
}

/* ---- errors ---- */

TEST(dict_errors)
{
	static const struct {
		const char *what, *reason_part;
	} expect[] = {
		{ "flags not a list", "'flags' must be a list" },
		{ "flags string", "'flags' must be a list" },
		{ "flags element int", "element 1 is not a string" },
		{ "ICE not a string", "'ICE' must be a string" },
		{ "ICE bad value", "invalid ICE value 'sometimes'" },
		{ "received-from 1 element", "list of 2 strings" },
		{ "received-from 3 elements", "list of 2 strings" },
		{ "received-from string", "list of 2 strings" },
		{ "received-from int element", "list of 2 strings" },
		{ "received-from bad family", "invalid address family 'IP5'" },
		{ "received-from bad address", "invalid IPv4 address '2001:db8::1'" },
		{ "address family IP5", "(IP4 or IP6)" },
		{ "address family int", "must be a string" },
		{ "delete delay negative", "out of range" },
		{ "delete delay string", "not a number: 'soon'" },
		{ "delete delay negative string", "out of range" },
		{ "delete delay list", "must be an integer" },
		{ "direction not list", "'direction' must be a list" },
		{ "direction 3", "at most 2" },
		{ "direction int element", "element 0 is not a string" },
		{ "direction empty name", "empty interface name" },
		{ "replace not list", "'replace' must be a list" },
		{ "rtcp-mux not list", "'rtcp-mux' must be a list" },
		{ "transport bogus", "unsupported transport-protocol 'RTP/AVP\r\na=x'" },
		{ "media address bogus", "invalid 'media address'" },
		{ "call-id int", "'call-id' must be a string" },
		{ "sdp list", "'sdp' must be a string" },
		{ "TOS 300", "out of range" },
		{ "rtpp_flags int", "'rtpp_flags' must be a string" },
		{ "rtpp_flags malformed", "unterminated '['" },
		{ "not a dict", "not a dictionary" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
		bencode_item *dicts[G_N_ELEMENTS(expect)];
		struct ng_flags f;
		const char *err = NULL;
		GString *before, *after;

		fresh_arena();
		/* built per iteration: the arena is fresh each time */
		dicts[0] = D("flags", I(1), NULL);
		dicts[1] = D("flags", S("trust-address"), NULL);
		dicts[2] = D("flags", L(S("a"), I(2), NULL), NULL);
		dicts[3] = D("ICE", L(S("remove"), NULL), NULL);
		dicts[4] = D("ICE", S("sometimes"), NULL);
		dicts[5] = D("received-from", L(S("IP4"), NULL), NULL);
		dicts[6] = D("received-from", L(S("IP4"), S("192.0.2.1"), S("x"), NULL), NULL);
		dicts[7] = D("received-from", S("192.0.2.1"), NULL);
		dicts[8] = D("received-from", L(S("IP4"), I(1), NULL), NULL);
		dicts[9] = D("received-from", L(S("IP5"), S("192.0.2.1"), NULL), NULL);
		dicts[10] = D("received-from", L(S("IP4"), S("2001:db8::1"), NULL), NULL);
		dicts[11] = D("address family", S("IP5"), NULL);
		dicts[12] = D("address family", I(4), NULL);
		dicts[13] = D("delete delay", I(-1), NULL);
		dicts[14] = D("delete delay", S("soon"), NULL);
		dicts[15] = D("delete-delay", S("-3"), NULL);
		dicts[16] = D("delete delay", L(NULL), NULL);
		dicts[17] = D("direction", S("priv"), NULL);
		dicts[18] = D("direction", L(S("a"), S("b"), S("c"), NULL), NULL);
		dicts[19] = D("direction", L(I(1), NULL), NULL);
		dicts[20] = D("direction", L(S("a"), S(""), NULL), NULL);
		dicts[21] = D("replace", S("origin"), NULL);
		dicts[22] = D("rtcp-mux", D("a", S("b"), NULL), NULL);
		dicts[23] = D("transport-protocol", S("RTP/AVP\r\na=x"), NULL);
		dicts[24] = D("media address", S("1.2.3.4\r\n"), NULL);
		dicts[25] = D("call-id", I(5), NULL);
		dicts[26] = D("sdp", L(NULL), NULL);
		dicts[27] = D("TOS", I(300), NULL);
		dicts[28] = D("rtpp_flags", I(1), NULL);
		dicts[29] = D("rtpp_flags", S("replace=[origin"), NULL);
		dicts[30] = L(NULL);

		before = g_string_new(NULL);
		after = g_string_new(NULL);
		bencode_encode(dicts[i], before);
		if (parse_dict(dicts[i], &f, &err) != -1 || !err ||
		    !strstr(err, expect[i].reason_part)) {
			FAIL_AT("%s: want error containing \"%s\", got %s", expect[i].what,
				expect[i].reason_part, err ? err : "(success)");
			g_string_free(before, TRUE);
			g_string_free(after, TRUE);
			return;
		}
		/* the request itself is untouched */
		bencode_encode(dicts[i], after);
		bool same = g_string_equal(before, after);

		g_string_free(before, TRUE);
		g_string_free(after, TRUE);
		CHECK(same);
	}
}

TEST(rtpp_errors)
{
	static const struct {
		const char *in, *reason_part;
	} cases[] = {
		{ "replace=[origin", "unterminated '['" },
		{ "replace=[origin session-connection", "unterminated '['" },
		{ "codec=[strip=[PCMA]", "unterminated '['" },
		{ "replace=[", "unterminated '['" },
		{ "=foo", "'=' without a key" },
		{ "trust-address =", "'=' without a key" },
		{ "[origin]", "list without a key" },
		{ "]", "unexpected ']'" },
		{ "replace=[origin]]", "unexpected ']'" },
		{ "replace=[origin ]x", "expected a blank after ']'" },
		{ "replace=[origin]x", "unterminated '['" }, /* "origin]x" is one element */
		{ "codec=[strip=[PCMA] EVS]", "dictionary element without '='" },
		{ "codec=[strip=[PCMA] [EVS]]", "dictionary element without '='" },
		{ "x=[[[[[[[[[a]]]]]]]]]", "nested deeper" },
		{ "ICE=sometimes", "invalid ICE value" },
		{ "address-family=IPX", "(IP4 or IP6)" },
		{ "delete-delay=-5", "out of range" },
		{ "delete-delay=abc", "not a number" },
		{ "delete-delay=[1]", "must be an integer" },
		{ "ICE=[remove]", "must be a string" },
		{ "replace=origin", "must be a list" },
		{ "received-from=[IP4]", "list of 2 strings" },
		{ "received-from=nonsense", "invalid IPv4 address" },
		{ "media-address=example.com", "invalid 'media-address'" },
		{ "transport-protocol=RTP/XYZ", "unsupported transport-protocol" },
		{ "rtpp_flags=ICE=remove", "rtpp_flags inside rtpp_flags" },
		{ "internal external direction=third", "more than 2 directions" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ng_flags f;
		const char *err = NULL;

		fresh_arena();
		if (parse_rtpp(cases[i].in, &f, &err) != -1 || !err ||
		    !strstr(err, cases[i].reason_part)) {
			FAIL_AT("\"%s\": want error containing \"%s\", got %s", cases[i].in,
				cases[i].reason_part, err ? err : "(success)");
			return;
		}
	}
}

TEST(rtpp_item_limit)
{
	GString *s = g_string_new("flags=[");
	struct ng_flags f;
	const char *err;
	int rc;

	for (int i = 0; i < 5000; i++)
		g_string_append(s, "x ");
	g_string_append(s, "]");
	fresh_arena();
	rc = parse_rtpp(s->str, &f, &err);
	g_string_free(s, TRUE);
	CHECK_EQ(rc, -1);
	CHECK(strstr(err, "more than"));
}

TEST_MAIN()
