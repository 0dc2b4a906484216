/*
 * ng_flags from dictionary keys: every structured key onto struct ng_flags,
 * and every error case (the rtpp_flags string: test_flags_rtpp.c).
 */
#include "commands/sdp_attr.h"
#include "config/config.h"
#include "crypto/dtls_cert.h"
#include "flags_fixture.h"
#include "sdes.h"
#include "sdp.h"

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
	PARSE_OK(D("flags", L(S("early-media"), S("no-redis-update"), NULL), NULL), &f);
	CHECK_EQ(f.ignored_flags, 2);
	CHECK_EQ(f.unknown_flags, 0);
	/* trickle-ICE is ICE's (ice/ice_sdp.c) */
	PARSE_OK(D("flags", L(S("trickle-ICE"), NULL), NULL), &f);
	CHECK(f.trickle_ice);
	CHECK_EQ(f.ignored_flags, 0);
}

/* what would change the wire in ways rtprelay cannot is an error */
TEST(unsupported_flags_and_keys)
{
	static const char *const flags[] = { "single-codec", "inject-DTMF", "generate-RTCP",
					     "T38-decode",   "SIPREC",      "pierce-NAT" };
	static const char *const keys[] = { "ptime",       "T38",          "media-echo",
					    "repacketize", "drop-traffic", "delay-buffer" };
	struct ng_flags f;
	const char *err;

	fresh_arena();
	for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
		CHECK(parse_dict(D("flags", L(S(flags[i]), NULL), NULL), &f, &err) == -1);
		CHECK_CONTAINS(err, flags[i]);
		CHECK_CONTAINS(err, "not supported");
	}
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		CHECK(parse_dict(D(keys[i], S("x"), NULL), &f, &err) == -1);
		CHECK_CONTAINS(err, keys[i]);
	}
	/* endpoint-learning: a string or a list, the daemon option's values */
	PARSE_OK(D("endpoint-learning", L(S("off"), NULL), NULL), &f);
	CHECK_EQ(f.endpoint_learning, EL_OFF);
	PARSE_OK(D("flags", L(S("endpoint-learning-heuristic"), NULL), NULL), &f);
	CHECK_EQ(f.endpoint_learning, EL_HEURISTIC);
	PARSE_OK(D("flags", L(S("trust-address"), NULL), NULL), &f);
	CHECK_EQ(f.endpoint_learning, -1);
	CHECK(parse_dict(D("endpoint-learning", S("sometimes"), NULL), &f, &err) == -1);
	/* from-tags: the list and the flag form */
	PARSE_OK(D("from-tags", L(S("a"), S("b"), NULL), "flags", L(S("from-tags-c"), NULL), NULL),
		 &f);
	CHECK_EQ(f.n_from_tags, 3);
	CHECK_S(f.from_tags[2], "c");
}

TEST(codec_strip_mask_except)
{
	struct ng_flags f;
	const char *err;

	fresh_arena();
	PARSE_OK(D("flags",
		   L(S("codec-strip-PCMA"), S("codec-mask-G722"), S("codec-except-PCMU"), NULL),
		   "codec", D("strip", L(S("all"), S("EVS"), NULL), NULL), NULL),
		 &f);
	CHECK_EQ(f.n_codec_strip, 3);
	CHECK_S(f.codec_strip[0], "PCMA");
	CHECK_S(f.codec_strip[1], "G722");
	CHECK_S(f.codec_strip[2], "EVS");
	CHECK_EQ(f.n_codec_except, 1);
	CHECK_S(f.codec_except[0], "PCMU");
	CHECK(f.codec_strip_all);
	CHECK_EQ(f.ignored_flags, 0);
	/* transcoding is not there: an error, never ignored */
	CHECK(parse_dict(D("codec", D("transcode", L(S("G722"), NULL), NULL), NULL), &f, &err) ==
	      -1);
	CHECK_CONTAINS(err, "codec option 'transcode' is not supported");
	CHECK(parse_dict(D("flags", L(S("transcode-PCMA"), NULL), NULL), &f, &err) == -1);
	CHECK(parse_dict(D("flags", L(S("codec-accept-opus"), NULL), NULL), &f, &err) == -1);
	CHECK(parse_dict(D("codec", S("strip"), NULL), &f, &err) == -1);
}

/* sdp-attr: parsed from the dictionary and the flag form, then applied */
TEST(sdp_attr_edits)
{
	static const char in[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
				 "a=test1\r\na=keep\r\n"
				 "m=audio 4000 RTP/AVP 0\r\na=test\r\na=label:1\r\na=old\r\n"
				 "m=video 4002 RTP/AVP 96\r\na=test\r\n";
	static const char want[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
				   "a=keep\r\na=sess\r\n"
				   "m=audio 4000 RTP/AVP 0\r\na=new\r\na=added:2\r\n"
				   "m=video 4002 RTP/AVP 96\r\na=test\r\n";
	struct ng_flags f;
	const char *err, *e;
	unsigned line;

	fresh_arena();
	PARSE_OK(D("sdp-attr",
		   D("audio",
		     D("remove", L(S("TEST"), S("label"), NULL), "substitute",
		       L(L(S("old"), S("new"), NULL), NULL), NULL),
		     "global", D("remove", L(S("test1"), NULL), NULL), NULL),
		   "flags", L(S("sdp-attr-add-audio-added:2"), S("sdp-attr-add-none-sess"), NULL),
		   NULL),
		 &f);
	CHECK_EQ(f.n_sdp_attr, 6);
	CHECK_EQ(f.ignored_flags, 0);
	CHECK_EQ(f.sdp_attr[5].cmd, SDP_ATTR_ADD);
	CHECK_S(f.sdp_attr[5].level, "none");
	CHECK_S(f.sdp_attr[5].value, "sess");

	struct sdp_session *s = sdp_parse(A, str_from(in), &e, &line);

	CHECK(s != NULL);
	sdp_attr_apply(s, &f);
	GString *out = g_string_new(NULL);

	sdp_print(s, out);
	CHECK_STR(out->str, want);
	g_string_free(out, TRUE);
	sdp_session_free(s);

	/* the flag form of substitute: OLD>NEW */
	PARSE_OK(D("flags", L(S("sdp-attr-substitute-video-a-b>c-d"), NULL), NULL), &f);
	CHECK_EQ(f.n_sdp_attr, 1);
	CHECK_EQ(f.sdp_attr[0].cmd, SDP_ATTR_SUBSTITUTE);
	CHECK_S(f.sdp_attr[0].level, "video");
	CHECK_S(f.sdp_attr[0].value, "a-b");
	CHECK_S(f.sdp_attr[0].with, "c-d");

	/* what cannot be done is an error, never ignored */
	CHECK(parse_dict(D("sdp-attr", L(S("audio"), NULL), NULL), &f, &err) == -1);
	CHECK(parse_dict(D("sdp-attr", D("audio", D("frob", L(S("x"), NULL), NULL), NULL), NULL),
			 &f, &err) == -1);
	CHECK_CONTAINS(err, "unknown command 'frob'");
	CHECK(parse_dict(D("sdp-attr", D("audio", D("substitute", L(S("x"), NULL), NULL), NULL),
			   NULL),
			 &f, &err) == -1);
	CHECK(parse_dict(D("flags", L(S("sdp-attr-substitute-audio-x"), NULL), NULL), &f, &err) ==
	      -1);
	CHECK(parse_dict(D("flags", L(S("sdp-attr-append-audio-x"), NULL), NULL), &f, &err) == -1);
}

TEST(sdes_flags_and_keys)
{
	struct ng_flags f;
	const char *err;

	fresh_arena();
	/* the flag form keeps the suite's underscores */
	PARSE_OK(D("flags",
		   L(S("SDES-off"), S("SDES-no-AES_CM_128_HMAC_SHA1_32"),
		     S("SDES-unencrypted_srtcp"), S("SDES-lifetime"), NULL),
		   "SDES", L(S("only-AEAD_AES_128_GCM"), S("static"), NULL), NULL),
		 &f);
	CHECK(f.sdes_off);
	CHECK(f.sdes_lifetime);
	CHECK_EQ(f.sdes_no, 1u << SDES_AES_CM_128_HMAC_SHA1_32);
	CHECK_EQ(f.sdes_only, 1u << SDES_AEAD_AES_128_GCM);
	CHECK_EQ(f.sdes_params, SDES_UNENCRYPTED_SRTCP);
	CHECK_EQ(f.ignored_flags, 0);
	PARSE_OK(D("flags", L(S("OSRTP-accept"), NULL), "OSRTP", L(S("offer-RFC"), NULL), NULL),
		 &f);
	CHECK(f.osrtp_accept && f.osrtp_offer);
	/* what rtprelay cannot do is an error, never ignored */
	CHECK(parse_dict(D("flags", L(S("OSRTP-accept-legacy"), NULL), NULL), &f, &err) == -1);
	CHECK_CONTAINS(err, "OSRTP option 'accept-legacy'");
	CHECK(parse_dict(D("OSRTP", L(S("offer-legacy"), NULL), NULL), &f, &err) == -1);
	CHECK(parse_dict(D("SDES", L(S("mki"), NULL), NULL), &f, &err) == -1);
	CHECK_CONTAINS(err, "'mki' is not supported");
	PARSE_OK(D("SDES", L(S("pad"), S("prefer"), NULL), NULL), &f);
	CHECK(f.sdes_pad);
	CHECK(parse_dict(D("SDES", L(S("no-AES_CM_999"), NULL), NULL), &f, &err) == -1);
	CHECK_CONTAINS(err, "unknown SDES crypto suite 'AES_CM_999'");
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
	/* every spelling of force-relay (ice/ice_sdp.h) */
	static const char *const relay[] = { "force-relay", "force_relay", "force relay" };

	for (size_t i = 0; i < G_N_ELEMENTS(relay); i++) {
		PARSE_OK(D("ICE", S(relay[i]), NULL), &f);
		CHECK_EQ(f.ice, NG_ICE_FORCE_RELAY);
	}
	static const struct {
		const char *v;
		enum ng_ice_lite want;
	} lite[] = {
		{ "forward", NG_ICE_LITE_FORWARD }, { "backward", NG_ICE_LITE_BACKWARD },
		{ "both", NG_ICE_LITE_BOTH },       { "off", NG_ICE_LITE_OFF },
		{ "none", NG_ICE_LITE_OFF },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(lite); i++) {
		PARSE_OK(D("ICE-lite", S(lite[i].v), NULL), &f);
		CHECK_EQ(f.ice_lite, lite[i].want);
	}
	PARSE_OK(D("ICE", S("force"), NULL), &f);
	CHECK_EQ(f.ice_lite, NG_ICE_LITE_UNSET);
	const char *err = NULL;

	CHECK(parse_dict(D("ICE-lite", S("sideways"), NULL), &f, &err) != 0);
	CHECK(err && strstr(err, "ICE-lite"));
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
	/* metadata etc.: accepted, nothing recorded, no error */
	PARSE_OK(D("metadata", S("x"), "supports", L(S("load limit"), NULL), NULL), &f);
	ng_flags_init(&ref);
	CHECK_SAME(&f, &ref);
	PARSE_OK(D("no-such-key", I(1), "Via-Branch", S("x"), NULL), &f);
	CHECK_EQ(f.unknown_keys, 2);
	CHECK_NULL_S(f.via_branch); /* keys are case-sensitive like rtpengine */
}

TEST(dict_dtls)
{
	struct ng_flags f;
	const char *err = NULL;

	fresh_arena();
	PARSE_OK(D("DTLS", S("passive"), "DTLS-fingerprint", S("SHA-1"), NULL), &f);
	CHECK(f.dtls_passive && !f.dtls_active && !f.dtls_off);
	CHECK_EQ(f.dtls_fingerprint, DTLS_HASH_SHA1 + 1);
	PARSE_OK(D("DTLS", S("off"), NULL), &f);
	CHECK(f.dtls_off && !f.dtls_passive);
	PARSE_OK(D("DTLS", S("no"), "SDES", L(S("prefer"), NULL), NULL), &f);
	CHECK(f.dtls_off && f.sdes_prefer);
	PARSE_OK(D("DTLS", S("active"), NULL), &f);
	CHECK(f.dtls_active && !f.dtls_passive);
	CHECK(parse_dict(D("DTLS", S("sometimes"), NULL), &f, &err) && strstr(err, "invalid DTLS"));
	CHECK(parse_dict(D("DTLS-fingerprint", S("md5"), NULL), &f, &err) &&
	      strstr(err, "unknown DTLS-fingerprint hash 'md5'"));
	CHECK(parse_dict(D("DTLS-reverse", S("passive"), NULL), &f, &err) &&
	      strstr(err, "DTLS-reverse is not supported"));
}

/* ---- rtpp_flags ---- */

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

TEST_MAIN()
