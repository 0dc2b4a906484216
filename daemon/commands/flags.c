/*
 * ng_flags: the structured keys of an ng request ("call-id", "flags",
 * "replace", "ICE", "direction", ...) and the flag names shared with
 * rtpp_flags, applied onto struct ng_flags. See flags.h for precedence
 * and name matching; the rtpp_flags string itself is in flags_rtpp.c.
 *
 * Tolerance follows rtpengine where it is tolerant about names (an unknown
 * key or flag is logged at debug and counted, never an error), and is
 * strict about values: a known key with a value of the wrong type or an
 * invalid value fails the request, because such values end up in SDP.
 */
#define LOG_SUBSYS control

#include "commands/flags.h"
#include "commands/flags_rtpp.h"
#include "commands/flags_srtp_ice.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "commands/sdp_attr.h"
#include "config/config.h"
#include "log.h"
#include "ng/ng.h"
#include "sockaddr.h"

void ng_flags_init(struct ng_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->delete_delay = -1;
	f->tos = NG_TOS_UNSET;
	f->ice = NG_ICE_DEFAULT;
	f->endpoint_learning = -1;
}

int ng_flags_fail(struct ng_flags_ctx *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->err = arena_strdup(c->a, str_from(buf)).s;
	return -1;
}

bool ng_flags_normalise(str name, bool underscores, char *buf, str *out)
{
	if (name.len >= NG_FLAGS_NAME_MAX)
		return false;
	for (size_t i = 0; i < name.len; i++) {
		char ch = name.s[i];

		buf[i] = ch == ' ' || (underscores && ch == '_') ? '-' : ch;
	}
	buf[name.len] = '\0';
	*out = str_make(buf, name.len);
	return true;
}

/* Index of name in a NULL-terminated list of spellings, or -1. */
static int lookup(str name, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (str_eq_c(name, names[i]))
			return i;
	return -1;
}

static bool is_one_of(str name, const char *const *names)
{
	return lookup(name, names) >= 0;
}

/* ---- "flags" ---- */

struct bool_flag {
	const char *name;
	size_t offset;
};

/* Tables laid out by hand, up to the clang-format on below (clang-format
 * would make the macro a block and give every name a line). */
/* clang-format off */
#define BOOL_FLAG(n, field) { n, offsetof(struct ng_flags, field) }

/* Spellings after ' ' -> '-'; case variants listed as rtpengine lists them. */
static const struct bool_flag bool_flags[] = {
	BOOL_FLAG("trust-address", trust_address),
	BOOL_FLAG("pad-crypto", sdes_pad), /* the legacy name of SDES=pad */
	BOOL_FLAG("SIP-source-address", sip_source_address),
	BOOL_FLAG("sip-source-address", sip_source_address),
	BOOL_FLAG("symmetric", symmetric),
	BOOL_FLAG("asymmetric", asymmetric),
	BOOL_FLAG("strict-source", strict_source),
	BOOL_FLAG("media-handover", media_handover),
	BOOL_FLAG("port-latching", port_latching),
	BOOL_FLAG("no-port-latching", no_port_latching),
	BOOL_FLAG("no-rtcp-attribute", no_rtcp_attribute),
	BOOL_FLAG("no-RTCP-attribute", no_rtcp_attribute),
	BOOL_FLAG("full-rtcp-attribute", full_rtcp_attribute),
	BOOL_FLAG("full-RTCP-attribute", full_rtcp_attribute),
	BOOL_FLAG("loop-protect", loop_protect),
	BOOL_FLAG("original-sendrecv", original_sendrecv),
	BOOL_FLAG("all", all),
	BOOL_FLAG("fatal", fatal),
	BOOL_FLAG("fast", fast),
	BOOL_FLAG("reset", reset),
	BOOL_FLAG("generate-mid", generate_mid),
	BOOL_FLAG("strip-extmap", strip_extmap),
	BOOL_FLAG("record-call", record_call),
	BOOL_FLAG("to-tag", to_tag_flag),
	BOOL_FLAG("to_tag", to_tag_flag),
	BOOL_FLAG("directional", directional),
	BOOL_FLAG("ICE-reject", ice_reject),
	BOOL_FLAG("ice-reject", ice_reject),
	BOOL_FLAG("reject-ICE", ice_reject),
	BOOL_FLAG("reject-ice", ice_reject),
	BOOL_FLAG("unidirectional", unidirectional),
	BOOL_FLAG("trickle-ICE", trickle_ice),
	BOOL_FLAG("trickle-ice", trickle_ice),
};

/*
 * Flags rtpengine knows whose features rtprelay does not have (yet):
 * accepted without effect, counted in ignored_flags.
 */
static const char *const ignored_flag_names[] = {
	"no-redis-update", "debug", "debugging", "NAT-wait",
	"nat-wait", "allow-transcoding", "passthrough", "no-passthrough", "no-jitter-buffer",
	"detect-DTMF", "detect-dtmf", "inactive", "early-media", "egress", "fragment",
	"provisional", "webrtc", "webRTC", "WebRTC", "new-branch", "reuse-codecs",
	"no-codec-renegotiation", "static-codecs", "static-codec", "skip-recording-db",
	"discard-recording", "exclude-recording", "bidirectional", "no-player", "no-audio-player",
	"asymmetric-codecs", "symmetric-codecs", "allow-asymmetric-codecs", "no-tls-id",
	"allow-no-codec-media", "recording-vsc", "recording-announcement", "force",
	"force-answer", NULL,
};
/* clang-format on */

/* clang-format off */
/*
 * Flags that would change the media or the SDP in ways rtprelay cannot
 * (transcoding, DTMF injection, RTCP generation, T.38, recording to a
 * SIPREC server, ...): an ng error, never silently ignored.
 */
static const char *const unsupported_flag_names[] = {
	"pierce-NAT", "pierce-nat", "single-codec", "always-transcode", "force-transcoding",
	"inject-DTMF", "inject-dtmf", "block-DTMF", "block-dtmf", "recrypt", "SIPREC", "siprec",
	"mix", "mixed", "generate-RTCP", "generate-rtcp", "mirror-RTCP", "mirror-rtcp",
	"RTCP-mirror", "rtcp-mirror", "audio-player", "player", "reorder-codecs", "block-short",
	"block-egress", NULL,
};
/* clang-format on */
static const char *const unsupported_flag_prefixes[] = { "T38-", "T.38-", NULL };

static const char *const ignored_flag_prefixes[] = {
	"BUNDLE-",
	NULL,
};

static bool has_prefix_of(str name, const char *const *prefixes)
{
	for (int i = 0; prefixes[i]; i++)
		if (str_has_prefix(name, prefixes[i]) && name.len > strlen(prefixes[i]))
			return true;
	return false;
}

static void unknown_item(struct ng_flags_ctx *c, const char *what, str name)
{
	c->f->unknown_flags++;
	log_debug("unknown %s '%.*s' ignored", what, QUOTE(name));
}

/* One element of "replace" (or a "replace-..." flag). */
static int replace_item(struct ng_flags_ctx *c, str item)
{
	static const char *const origin[] = { "origin", NULL };
	static const char *const origin_full[] = { "origin-full", NULL };
	static const char *const sess_conn[] = { "session-connection", NULL };
	static const char *const sdp_version[] = { "sdp-version", "SDP-version", NULL };
	static const char *const username[] = { "username", NULL };
	static const char *const sess_name[] = { "session-name", NULL };
	static const char *const zero_addr[] = { "zero-address", NULL };
	static const char *const force_inc[] = {
		"force-increment-sdp-version",
		"force-increment-SDP-version",
		"force-increment-sdp-ver",
		"force-increment-SDP-ver",
		NULL,
	};
	char buf[NG_FLAGS_NAME_MAX];
	str n;

	if (!ng_flags_normalise(item, true, buf, &n))
		goto unknown;
	if (is_one_of(n, origin))
		c->f->replace_origin = true;
	else if (is_one_of(n, origin_full))
		c->f->replace_origin_full = true;
	else if (is_one_of(n, sess_conn))
		c->f->replace_session_connection = true;
	else if (is_one_of(n, sdp_version))
		c->f->replace_sdp_version = true;
	else if (is_one_of(n, username))
		c->f->replace_username = true;
	else if (is_one_of(n, sess_name))
		c->f->replace_session_name = true;
	else if (is_one_of(n, zero_addr))
		c->f->replace_zero_address = true;
	else if (is_one_of(n, force_inc))
		c->f->replace_force_increment_sdp_version = true;
	else
		goto unknown;
	return 0;
unknown:
	unknown_item(c, "replace item", item);
	return 0;
}

/* One element of "rtcp-mux" (or an "rtcp-mux-..." flag). */
static int rtcp_mux_item(struct ng_flags_ctx *c, str item)
{
	if (str_eq_c(item, "offer")) {
		c->f->rtcp_mux_offer = true;
	} else if (str_eq_c(item, "require")) {
		/* requiring implies offering (rtpengine does the same) */
		c->f->rtcp_mux_require = true;
		c->f->rtcp_mux_offer = true;
	} else if (str_eq_c(item, "demux")) {
		c->f->rtcp_mux_demux = true;
	} else if (str_eq_c(item, "accept")) {
		c->f->rtcp_mux_accept = true;
	} else if (str_eq_c(item, "reject")) {
		c->f->rtcp_mux_reject = true;
	} else {
		unknown_item(c, "rtcp-mux item", item);
	}
	return 0;
}

/* codec strip/mask/except NAME: "all" under strip or mask strips everything
 * but the except names. What needs transcoding is an error. */
static int codec_item(struct ng_flags_ctx *c, str what, str name)
{
	struct ng_flags *f = c->f;
	bool strip = str_eq_c(what, "strip") || str_eq_c(what, "mask");

	if (!strip && !str_eq_c(what, "except"))
		return ng_flags_fail(c, "codec option '%.*s' is not supported (no transcoding)",
				     QUOTE(what));
	if (!name.len)
		return 0;
	if (strip && str_eq_c(name, "all")) {
		f->codec_strip_all = true;
		return 0;
	}
	str *list = strip ? f->codec_strip : f->codec_except;
	unsigned *n = strip ? &f->n_codec_strip : &f->n_codec_except;

	if (*n == NG_MAX_CODECS)
		return ng_flags_fail(c, "more than %d codecs to %.*s", NG_MAX_CODECS, QUOTE(what));
	list[(*n)++] = name;
	return 0;
}

/* "codec": { "strip": [...], "mask": [...], "except": [...] } */
static int key_codec(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	if (v->type != BENCODE_DICT)
		return ng_flags_fail(c, "'%.*s' must be a dictionary", QUOTE(key));
	bencode_dict_foreach(v, k, val) {
		if (val->type != BENCODE_LIST)
			return ng_flags_fail(c, "'%.*s' '%.*s' must be a list", QUOTE(key),
					     QUOTE(k->str));
		bencode_list_foreach(val, it) {
			if (it->type != BENCODE_STRING)
				return ng_flags_fail(c, "'%.*s': not a string", QUOTE(key));
			if (codec_item(c, k->str, it->str))
				return -1;
		}
	}
	return 0;
}

/* "codec-strip-PCMA" and the like: codec_item in flag form. */
static int codec_flag(struct ng_flags_ctx *c, str rest)
{
	static const char *const whats[] = { "strip-", "mask-", "except-" };

	for (size_t i = 0; i < G_N_ELEMENTS(whats); i++)
		if (str_has_prefix(rest, whats[i]))
			return codec_item(c, (str){ rest.s, strlen(whats[i]) - 1 },
					  str_skip(rest, strlen(whats[i])));
	str what;

	str_split(rest, '-', &what);
	return codec_item(c, what, STR_NULL);
}

/* "from-tags" (or a "from-tags-TAG" flag): the parties block/silence
 * media applies to */
static int from_tags_item(struct ng_flags_ctx *c, str tag)
{
	struct ng_flags *f = c->f;

	if (!tag.len)
		return ng_flags_fail(c, "from-tags: empty tag");
	if (f->n_from_tags == NG_MAX_FROM_TAGS)
		return ng_flags_fail(c, "more than %d from-tags", NG_MAX_FROM_TAGS);
	f->from_tags[f->n_from_tags++] = tag;
	return 0;
}

/* "endpoint-learning" (or an "endpoint-learning-..." flag): the learning
 * mode for the media this request describes (--endpoint-learning's values) */
static int endpoint_learning_item(struct ng_flags_ctx *c, str mode)
{
	static const char *const modes[] = {
		[EL_DELAYED] = "delayed",
		[EL_IMMEDIATE] = "immediate",
		[EL_OFF] = "off",
		[EL_HEURISTIC] = "heuristic",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(modes); i++)
		if (str_eq_c(mode, modes[i])) {
			c->f->endpoint_learning = (int)i;
			return 0;
		}
	return ng_flags_fail(
		c, "endpoint-learning '%.*s' is not one of delayed, immediate, off, heuristic",
		QUOTE(mode));
}

int ng_flags_flag(struct ng_flags_ctx *c, str flag)
{
	char buf[NG_FLAGS_NAME_MAX];
	str n;

	if (!flag.len)
		return 0;
	if (!ng_flags_normalise(flag, false, buf, &n))
		goto unknown;
	for (size_t i = 0; i < G_N_ELEMENTS(bool_flags); i++) {
		if (str_eq_c(n, bool_flags[i].name)) {
			*(bool *)((char *)c->f + bool_flags[i].offset) = true;
			return 0;
		}
	}
	if (str_has_prefix(n, "replace-"))
		return replace_item(c, str_skip(flag, strlen("replace-")));
	if (str_has_prefix(n, "rtcp-mux-"))
		return rtcp_mux_item(c, str_skip(n, strlen("rtcp-mux-")));
	/* SDES-no-AES_CM_128_HMAC_SHA1_32: the suite name keeps its underscores */
	if (str_has_prefix(flag, "SDES-") || str_has_prefix(flag, "sdes-"))
		return ng_flags_sdes_item(c, str_skip(flag, strlen("SDES-")));
	if (str_has_prefix(flag, "OSRTP-") || str_has_prefix(flag, "osrtp-"))
		return ng_flags_osrtp_item(c, str_skip(flag, strlen("OSRTP-")));
	if (str_has_prefix(flag, "codec-"))
		return codec_flag(c, str_skip(flag, strlen("codec-")));
	if (str_has_prefix(flag, "from-tags-") && flag.len > strlen("from-tags-"))
		return from_tags_item(c, str_skip(flag, strlen("from-tags-")));
	if (is_one_of(n, unsupported_flag_names) || has_prefix_of(n, unsupported_flag_prefixes))
		return ng_flags_fail(
			c, "flag '%.*s' is not supported (rtprelay relays media as it is)",
			QUOTE(flag));
	if (str_has_prefix(n, "endpoint-learning-"))
		return endpoint_learning_item(c, str_skip(n, strlen("endpoint-learning-")));
	if (str_has_prefix(flag, "sdp-attr-"))
		return sdp_attr_flag(c, str_skip(flag, strlen("sdp-attr-")));
	if (str_has_prefix(flag, "transcode-"))
		return codec_item(c, STR_C("transcode"), STR_NULL);
	if (is_one_of(n, ignored_flag_names) || has_prefix_of(n, ignored_flag_prefixes)) {
		c->f->ignored_flags++;
		log_debug("flag '%.*s' not supported, ignored", QUOTE(flag));
		return 0;
	}
unknown:
	unknown_item(c, "flag", flag);
	return 0;
}

/* ---- typed values ---- */

int ng_flags_want_str(struct ng_flags_ctx *c, str key, const bencode_item *v, str *out)
{
	if (v->type != BENCODE_STRING)
		return ng_flags_fail(c, "'%.*s' must be a string", QUOTE(key));
	*out = v->str;
	return 0;
}

/* An integer, or a string of decimal digits (Kamailio sends both). */
static int want_int(struct ng_flags_ctx *c, str key, const bencode_item *v, int64_t min,
		    int64_t max, int64_t *out)
{
	int64_t n;

	if (v->type == BENCODE_INT) {
		n = v->num;
	} else if (v->type == BENCODE_STRING) {
		if (str_to_int64(v->str, INT64_MIN, INT64_MAX, &n))
			return ng_flags_fail(c, "'%.*s' is not a number: '%.*s'", QUOTE(key),
					     QUOTE(v->str));
	} else {
		return ng_flags_fail(c, "'%.*s' must be an integer", QUOTE(key));
	}
	if (n < min || n > max)
		return ng_flags_fail(c, "'%.*s' out of range (%lld..%lld): %lld", QUOTE(key),
				     (long long)min, (long long)max, (long long)n);
	*out = n;
	return 0;
}

/* Call fn for each string of a list; other element types are an error. */
static int each_str(struct ng_flags_ctx *c, str key, const bencode_item *v,
		    int (*fn)(struct ng_flags_ctx *, str))
{
	unsigned i = 0;

	if (v->type != BENCODE_LIST)
		return ng_flags_fail(c, "'%.*s' must be a list", QUOTE(key));
	bencode_list_foreach(v, it) {
		if (it->type != BENCODE_STRING)
			return ng_flags_fail(c, "'%.*s': element %u is not a string", QUOTE(key),
					     i);
		if (fn(c, it->str))
			return -1;
		i++;
	}
	return 0;
}

/* True if s is an address literal of family (0: either; *family gets it). */
static bool parse_addr(str s, int *family)
{
	struct sockaddr_storage ss;

	if (sockaddr_from_str(s, *family, 0, &ss) < 0)
		return false;
	*family = ss.ss_family;
	return true;
}

static int set_direction(struct ng_flags_ctx *c, unsigned idx, str name)
{
	struct ng_flags *f = c->f;

	if (idx >= NG_MAX_DIRECTIONS)
		return ng_flags_fail(c, "more than %d directions given", NG_MAX_DIRECTIONS);
	if (!name.len)
		return ng_flags_fail(c, "empty interface name in direction");
	f->direction[idx] = name;
	if (f->n_directions < idx + 1)
		f->n_directions = idx + 1;
	return 0;
}

/* ---- keys ---- */

enum key_id {
	K_COMMAND,
	K_CALL_ID,
	K_FROM_TAG,
	K_TO_TAG,
	K_VIA_BRANCH,
	K_LABEL,
	K_SDP,
	K_FLAGS,
	K_REPLACE,
	K_ICE,
	K_ICE_LITE,
	K_DIRECTION,
	K_FROM_INTERFACE,
	K_TO_INTERFACE,
	K_RECEIVED_FROM,
	K_TRANSPORT,
	K_ADDRESS_FAMILY,
	K_MEDIA_ADDRESS,
	K_RTCP_MUX,
	K_DELETE_DELAY,
	K_RTPP_FLAGS,
	K_TOS,
	K_RECORD_CALL,
	K_ALL,
	K_IGNORED,
	K_SDES,
	K_OSRTP,
	K_CODEC,
	K_SDP_ATTR,
	K_ENDPOINT_LEARNING,
	K_FROM_TAGS,
	K_UNSUPPORTED,
	K_DTLS,
	K_DTLS_REVERSE,
	K_DTLS_FINGERPRINT,
};

struct key_name {
	const char *name; /* after ' ' and '_' -> '-' */
	enum key_id id;
};

static const struct key_name key_names[] = {
	{ "command", K_COMMAND },
	{ "call-id", K_CALL_ID },
	{ "call-ID", K_CALL_ID },
	{ "from-tag", K_FROM_TAG },
	{ "to-tag", K_TO_TAG },
	{ "via-branch", K_VIA_BRANCH },
	{ "label", K_LABEL },
	{ "from-label", K_LABEL },
	{ "sdp", K_SDP },
	{ "SDP", K_SDP },
	{ "flags", K_FLAGS },
	{ "replace", K_REPLACE },
	{ "ICE", K_ICE },
	{ "ice", K_ICE },
	{ "direction", K_DIRECTION },
	{ "from-interface", K_FROM_INTERFACE },
	{ "to-interface", K_TO_INTERFACE },
	{ "received-from", K_RECEIVED_FROM },
	{ "transport-protocol", K_TRANSPORT },
	{ "address-family", K_ADDRESS_FAMILY },
	{ "media-address", K_MEDIA_ADDRESS },
	{ "rtcp-mux", K_RTCP_MUX },
	{ "RTCP-mux", K_RTCP_MUX },
	{ "delete-delay", K_DELETE_DELAY },
	{ "rtpp-flags", K_RTPP_FLAGS },
	{ "TOS", K_TOS },
	{ "tos", K_TOS },
	{ "record-call", K_RECORD_CALL },
	{ "all", K_ALL },
	/* known to rtpengine, no effect here (yet) */
	{ "SDES", K_SDES },
	{ "sdes", K_SDES },
	{ "DTLS", K_DTLS },
	{ "dtls", K_DTLS },
	{ "DTLS-reverse", K_DTLS_REVERSE },
	{ "DTLS-fingerprint", K_DTLS_FINGERPRINT },
	{ "OSRTP", K_OSRTP },
	{ "osrtp", K_OSRTP },
	{ "codec", K_CODEC },
	{ "sdp-attr", K_SDP_ATTR },
	{ "endpoint-learning", K_ENDPOINT_LEARNING },
	{ "T38", K_UNSUPPORTED },
	{ "T.38", K_UNSUPPORTED },
	{ "metadata", K_IGNORED },
	{ "supports", K_IGNORED },
	{ "ICE-lite", K_ICE_LITE },
	{ "ice-lite", K_ICE_LITE },
	{ "to-label", K_IGNORED },
	{ "set-label", K_IGNORED },
	{ "interface", K_IGNORED },
	{ "address", K_IGNORED },
	{ "drop-traffic", K_UNSUPPORTED },
	{ "ptime", K_UNSUPPORTED },
	{ "ptime-reverse", K_UNSUPPORTED },
	{ "generate-RTCP", K_UNSUPPORTED },
	{ "passthrough", K_IGNORED },
	{ "media-echo", K_UNSUPPORTED },
	{ "xmlrpc-callback", K_IGNORED },
	{ "XMLRPC-callback", K_IGNORED },
	{ "repacketize", K_UNSUPPORTED },
	{ "BUNDLE", K_IGNORED },
	{ "extmap", K_IGNORED },
	{ "from-tags", K_FROM_TAGS },
	{ "audio-player", K_UNSUPPORTED },
	{ "delay-buffer", K_UNSUPPORTED },
};

/* rtpp_flags spellings of codec options: "codec-strip=PCMA", "transcode=..." */
static const char *const ignored_key_prefixes[] = { "codec-", "transcode", NULL };

static int key_direction(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	unsigned i = 0;

	if (v->type != BENCODE_LIST)
		return ng_flags_fail(c, "'%.*s' must be a list", QUOTE(key));
	if (v->count > NG_MAX_DIRECTIONS)
		return ng_flags_fail(c, "'%.*s' lists %zu interfaces, at most %d", QUOTE(key),
				     v->count, NG_MAX_DIRECTIONS);
	bencode_list_foreach(v, it) {
		if (it->type != BENCODE_STRING)
			return ng_flags_fail(c, "'%.*s': element %u is not a string", QUOTE(key),
					     i);
		if (set_direction(c, i, it->str))
			return -1;
		i++;
	}
	return 0;
}

/* [ "IP4"|"IP6", "address" ] */
static int key_received_from(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	const bencode_item *fam, *addr;
	int family;

	if (v->type != BENCODE_LIST || v->count != 2 || !v->child || !v->child->next)
		return ng_flags_fail(c,
				     "'%.*s' must be a list of 2 strings "
				     "(address family, address)",
				     QUOTE(key));
	fam = v->child;
	addr = fam->next;
	if (fam->type != BENCODE_STRING || addr->type != BENCODE_STRING)
		return ng_flags_fail(c,
				     "'%.*s' must be a list of 2 strings "
				     "(address family, address)",
				     QUOTE(key));
	family = sockaddr_family_of_token(fam->str);
	if (!family)
		return ng_flags_fail(c, "'%.*s': invalid address family '%.*s' (IP4 or IP6)",
				     QUOTE(key), QUOTE(fam->str));
	if (!parse_addr(addr->str, &family))
		return ng_flags_fail(c, "'%.*s': invalid %s address '%.*s'", QUOTE(key),
				     sockaddr_family_name(family), QUOTE(addr->str));
	c->f->received_from_family = family;
	c->f->received_from_address = addr->str;
	return 0;
}

static int key_transport(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	static const char *const protocols[] = {
		"RTP/AVP",          "RTP/SAVP",          "RTP/AVPF", "RTP/SAVPF",
		"UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF", NULL,
	};
	str s = STR_NULL;

	if (ng_flags_want_str(c, key, v, &s))
		return -1;
	if (str_eq_c(s, "accept")) {
		c->f->transport_protocol_accept = true;
		return 0;
	}
	/* It goes into m= lines verbatim: only known names get through. */
	if (!is_one_of(s, protocols))
		return ng_flags_fail(c, "unsupported transport-protocol '%.*s'", QUOTE(s));
	c->f->transport_protocol = s;
	c->f->transport_protocol_accept = false;
	return 0;
}

static int key_record_call(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	static const char *const on[] = { "on", "yes", "enable", "enabled", NULL };
	static const char *const off[] = { "off", "no", "disable", "disabled", NULL };
	str s = STR_NULL;

	if (ng_flags_want_str(c, key, v, &s))
		return -1;
	if (is_one_of(s, on))
		c->f->record_call = true;
	else if (is_one_of(s, off))
		c->f->record_call = false;
	else
		log_debug("unknown record-call value '%.*s' ignored", QUOTE(s));
	return 0;
}

int ng_flags_key(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	struct ng_flags *f = c->f;
	char buf[NG_FLAGS_NAME_MAX];
	enum key_id id = K_IGNORED;
	int64_t n;
	str name;
	bool found = false;

	if (ng_flags_normalise(key, true, buf, &name)) {
		for (size_t i = 0; i < G_N_ELEMENTS(key_names); i++) {
			if (str_eq_c(name, key_names[i].name)) {
				id = key_names[i].id;
				found = true;
				break;
			}
		}
		if (!found && has_prefix_of(name, ignored_key_prefixes))
			found = true;
	}
	if (!found) {
		f->unknown_keys++;
		log_debug("unknown key '%.*s' ignored", QUOTE(key));
		return 0;
	}

	switch (id) {
	case K_COMMAND:
	case K_IGNORED:
		return 0;
	case K_SDES:
		return each_str(c, key, v, ng_flags_sdes_item);
	case K_OSRTP:
		return each_str(c, key, v, ng_flags_osrtp_item);
	case K_FROM_TAGS:
		return each_str(c, key, v, from_tags_item);
	case K_UNSUPPORTED:
		return ng_flags_fail(c, "'%.*s' is not supported (rtprelay relays media as it is)",
				     QUOTE(key));
	case K_ENDPOINT_LEARNING:
		/* a list in rtpengine (a string too here) */
		if (v->type == BENCODE_STRING)
			return endpoint_learning_item(c, v->str);
		return each_str(c, key, v, endpoint_learning_item);
	case K_SDP_ATTR:
		return sdp_attr_key(c, key, v);
	case K_CODEC:
		return key_codec(c, key, v);
	case K_DTLS:
		return ng_flags_key_dtls(c, key, v);
	case K_DTLS_FINGERPRINT:
		return ng_flags_key_dtls_fingerprint(c, key, v);
	case K_DTLS_REVERSE:
		return ng_flags_fail(c, "DTLS-reverse is not supported");
	case K_CALL_ID:
		return ng_flags_want_str(c, key, v, &f->call_id);
	case K_FROM_TAG:
		return ng_flags_want_str(c, key, v, &f->from_tag);
	case K_TO_TAG:
		return ng_flags_want_str(c, key, v, &f->to_tag);
	case K_VIA_BRANCH:
		return ng_flags_want_str(c, key, v, &f->via_branch);
	case K_LABEL:
		return ng_flags_want_str(c, key, v, &f->label);
	case K_SDP:
		return ng_flags_want_str(c, key, v, &f->sdp);
	case K_FLAGS:
		return each_str(c, key, v, ng_flags_flag);
	case K_REPLACE:
		return each_str(c, key, v, replace_item);
	case K_RTCP_MUX:
		return each_str(c, key, v, rtcp_mux_item);
	case K_ICE:
		return ng_flags_key_ice(c, key, v);
	case K_ICE_LITE:
		return ng_flags_key_ice_lite(c, key, v);
	case K_DIRECTION:
		return key_direction(c, key, v);
	case K_FROM_INTERFACE:
	case K_TO_INTERFACE: {
		str s = STR_NULL;

		if (ng_flags_want_str(c, key, v, &s))
			return -1;
		return set_direction(c, id == K_FROM_INTERFACE ? 0 : 1, s);
	}
	case K_RECEIVED_FROM:
		return key_received_from(c, key, v);
	case K_TRANSPORT:
		return key_transport(c, key, v);
	case K_ADDRESS_FAMILY: {
		str s = STR_NULL;
		int fam;

		if (ng_flags_want_str(c, key, v, &s))
			return -1;
		fam = sockaddr_family_of_token(s);
		if (!fam)
			return ng_flags_fail(c, "invalid '%.*s' '%.*s' (IP4 or IP6)", QUOTE(key),
					     QUOTE(s));
		f->address_family = fam;
		return 0;
	}
	case K_MEDIA_ADDRESS: {
		str s = STR_NULL;
		int fam = 0;

		if (ng_flags_want_str(c, key, v, &s))
			return -1;
		if (!parse_addr(s, &fam))
			return ng_flags_fail(c, "invalid '%.*s' '%.*s' (an IPv4 or IPv6 address)",
					     QUOTE(key), QUOTE(s));
		f->media_address = s;
		f->media_address_family = fam;
		return 0;
	}
	case K_DELETE_DELAY:
		if (want_int(c, key, v, 0, INT32_MAX, &n))
			return -1;
		/* rtpengine takes any; a deleted call must not hold its
		 * ports for years. */
		f->delete_delay = MIN(n, CONFIG_DELETE_DELAY_MAX);
		return 0;
	case K_TOS:
		if (want_int(c, key, v, -1, 255, &n))
			return -1;
		f->tos = (int)n;
		return 0;
	case K_RECORD_CALL:
		return key_record_call(c, key, v);
	case K_ALL: {
		str s = STR_NULL;

		if (ng_flags_want_str(c, key, v, &s))
			return -1;
		if (str_eq_c(s, "all"))
			f->all = true;
		else if (str_eq_c(s, "none"))
			f->all = false;
		else
			log_debug("'all' value '%.*s' not supported, ignored", QUOTE(s));
		return 0;
	}
	case K_RTPP_FLAGS: {
		str s = STR_NULL;

		if (c->in_rtpp)
			return ng_flags_fail(c, "rtpp_flags inside rtpp_flags");
		if (ng_flags_want_str(c, key, v, &s))
			return -1;
		return ng_flags_rtpp(c, s);
	}
	}
	return 0;
}

int ng_flags_parse(struct ng_request *req, struct ng_flags *f)
{
	struct ng_flags_ctx c = { .a = req->arena, .f = f };

	if (!req->dict || req->dict->type != BENCODE_DICT)
		return ng_error(req, "request is not a dictionary");
	bencode_dict_foreach(req->dict, k, v) {
		if (k->type != BENCODE_STRING)
			return ng_error(req, "dictionary key is not a string");
		if (ng_flags_key(&c, k->str, v))
			return ng_error(req, "%s", c.err ? c.err : "invalid options");
	}
	return 0;
}
