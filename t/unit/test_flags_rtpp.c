/*
 * ng_flags from the rtpp_flags string: every form onto struct ng_flags, the
 * string and the dictionary giving identical structs, precedence, and every
 * error case.
 */
#include "flags_fixture.h"
#include "sdes.h"

TEST(rtpp_key_values)
{
	struct ng_flags f;

	fresh_arena();
	RTPP_OK("ICE=optional address-family=IP6 delete-delay=0 via-branch=z9hG4bK.abc "
		"transport-protocol=RTP/SAVPF label=callee to-tag=tt call-id=c@h "
		"media-address=198.51.100.2 TOS=46 record-call=yes",
		&f);
	CHECK_EQ(f.ice, NG_ICE_OPTIONAL);
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
	CHECK(f.sdes_off);
	CHECK_EQ(f.ignored_flags, 1);
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
	/* nested dictionaries */
	RTPP_OK("via-branch=auto-next SDES=[no-NULL_HMAC_SHA1_32] codec=[strip=[EVS AMR] "
		"except=[PCMA PCMU] mask=[G722]] ICE=remove",
		&f);
	CHECK_EQ(f.n_codec_strip, 3);
	CHECK_EQ(f.n_codec_except, 2);
	CHECK_S(f.via_branch, "auto-next");
	CHECK_EQ(f.ice, NG_ICE_REMOVE);
	CHECK_EQ(f.sdes_no, 1u << SDES_NULL_HMAC_SHA1_32);
	CHECK_EQ(f.unknown_keys + f.unknown_flags, 0);
	RTPP_OK("sdp-attr=[audio=[add=[ptime:20] remove=[foo]]] label=x", &f);
	CHECK_S(f.label, "x");
	CHECK_EQ(f.n_sdp_attr, 2);
	CHECK_S(f.sdp_attr[0].value, "ptime:20");
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
