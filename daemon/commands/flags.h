/*
 * ng_flags: the options of one offer/answer/delete/... request. They arrive
 * as structured keys ("flags", "replace", "ICE", "direction", ...) and/or
 * as the single string "rtpp_flags" that newer Kamailio modules send; both
 * parse into this one struct (ng_flags_parse). Strings are views into the
 * request (valid for the request's lifetime).
 *
 * Precedence (as rtpengine): the dictionary is applied in wire order and
 * "rtpp_flags" is expanded at its own position, so a later setting of a
 * field overwrites an earlier one; bools are only ever set, never cleared.
 * Within one rtpp_flags string, the bare transport tokens (RTP, SRTP, AVP,
 * AVPF, DTLS, RTP/SAVP, ...) are combined and applied at the end of that
 * string. direction entries are positional: "direction" list element i,
 * "from-interface" (0), "to-interface" (1) and the i-th "direction=" token
 * of an rtpp_flags string each set direction[i]; n_directions is one past
 * the highest index set (a lower index may then be STR_NULL).
 *
 * Names: dictionary keys match with ' ', '-' and '_' interchangeable
 * ("address family" == "address-family"), flags with ' ' == '-'; both are
 * otherwise case-sensitive, with the case variants rtpengine lists
 * ("ICE"/"ice", "SIP-source-address"/"sip-source-address").
 */
#ifndef RTPRELAY_NG_FLAGS_H
#define RTPRELAY_NG_FLAGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bencode.h"
#include "str.h"

struct ng_request;

enum ng_ice {
	NG_ICE_DEFAULT, /* not given */
	NG_ICE_REMOVE,
	NG_ICE_FORCE,
	NG_ICE_FORCE_RELAY,
	NG_ICE_OPTIONAL,
	NG_ICE_DEFAULT_EXPLICIT, /* "ICE=default" */
};

/* "ICE-lite": toward whom rtprelay is an ICE-lite agent: the recipient of
 * this message's SDP (forward), its sender (backward), both, or neither */
enum ng_ice_lite {
	NG_ICE_LITE_UNSET,
	NG_ICE_LITE_OFF,
	NG_ICE_LITE_FORWARD,
	NG_ICE_LITE_BACKWARD,
	NG_ICE_LITE_BOTH,
};

#define NG_MAX_DIRECTIONS 2
#define NG_MAX_CODECS 32
#define NG_MAX_SDP_ATTR 32
#define NG_MAX_FROM_TAGS 32

/* One "sdp-attr" edit (sdp_attr.h); strings are views into the request. */
enum sdp_attr_cmd {
	SDP_ATTR_ADD,
	SDP_ATTR_REMOVE,
	SDP_ATTR_SUBSTITUTE,
};
struct sdp_attr_op {
	enum sdp_attr_cmd cmd;
	str level; /* "none"/"global" (session) or a media type */
	str value; /* the line after "a=" (add), or what to match */
	str with;  /* substitute: the new value */
};

struct ng_flags {
	str call_id, from_tag, to_tag, via_branch, label;
	str sdp;
	str transport_protocol;           /* "RTP/AVP", "RTP/SAVP", ...; STR_NULL = keep */
	str media_address;                /* "media address": a valid IPv4/IPv6 literal */
	int media_address_family;         /* AF_INET / AF_INET6 of media_address; 0 = not given */
	bool transport_protocol_accept;   /* transport-protocol "accept" */
	str direction[NG_MAX_DIRECTIONS]; /* interface names, in order */
	unsigned n_directions;
	int address_family; /* AF_INET / AF_INET6; 0 = keep the offered one */
	/* "received-from": [ "IP4"|"IP6", "address" ] */
	int received_from_family; /* 0 = not given */
	str received_from_address;
	int64_t delete_delay; /* "delete delay" / "delete-delay"; -1 = not given */
	int tos;              /* "TOS": 0..255, -1 = leave unchanged; NG_TOS_UNSET = not given */

	/* "replace" list */
	bool replace_origin;
	bool replace_session_connection;
	bool replace_sdp_version;
	bool replace_username;
	bool replace_session_name;
	bool replace_zero_address;
	bool replace_force_increment_sdp_version;
	bool replace_origin_full;

	enum ng_ice ice;
	enum ng_ice_lite ice_lite; /* "ICE-lite" key */
	bool trickle_ice;          /* flag "trickle-ICE" */
	/* "from-tags" list / "from-tags-TAG" flags (block/silence media) */
	str from_tags[NG_MAX_FROM_TAGS];
	unsigned n_from_tags;
	/* "endpoint-learning": enum endpoint_learning (config.h); -1 = not given */
	int endpoint_learning;

	/* "SDES" list, "SDES-..." flags (see sdp_sdes.h) */
	bool sdes_off;
	uint32_t sdes_no;     /* suites not to offer: bit (1 << enum sdes_suite_id) */
	uint32_t sdes_only;   /* 0: all; else only these */
	unsigned sdes_params; /* SDES_UNENCRYPTED_SRTP, ...: for the keys rtprelay makes */
	bool sdes_lifetime;   /* rtprelay's keys carry a lifetime (2^31) */
	bool sdes_pad;        /* rtprelay's keys in base64 with '=' padding */
	/* "codec" dictionary / "codec-..." flags: what rtprelay can do without
	 * transcoding, in offers: strip (or mask) codecs by encoding name, "all"
	 * but those in except (see sdp_rewrite.c) */
	str codec_strip[NG_MAX_CODECS];
	unsigned n_codec_strip;
	str codec_except[NG_MAX_CODECS];
	unsigned n_codec_except;
	bool codec_strip_all;
	/* "sdp-attr" dictionary, "sdp-attr-..." flags, in the order given */
	struct sdp_attr_op sdp_attr[NG_MAX_SDP_ATTR];
	unsigned n_sdp_attr;
	bool sdes_prefer; /* SDES=prefer: SDES over DTLS where an answer has both */
	/* "DTLS", "DTLS-fingerprint" (see sdp_dtls.h) */
	bool dtls_off;        /* DTLS=off|no: not offered */
	bool dtls_passive;    /* DTLS=passive: rtprelay's role toward an actpass offerer */
	bool dtls_active;     /* DTLS=active: the other way */
	int dtls_fingerprint; /* DTLS-fingerprint: enum dtls_hash + 1; 0: not given */
	/* "OSRTP" list, "OSRTP-..." flags: opportunistic SRTP (RFC 8643) */
	bool osrtp_offer;  /* offer SRTP keys in a plain RTP/AVP offer */
	bool osrtp_accept; /* take a=crypto in a plain offer as SRTP the offerer speaks */

	/* "rtcp-mux" list */
	bool rtcp_mux_offer, rtcp_mux_require, rtcp_mux_demux;
	bool rtcp_mux_accept, rtcp_mux_reject;

	/* "flags" list */
	bool trust_address;
	bool sip_source_address; /* "SIP-source-address" */
	bool symmetric, asymmetric, strict_source;
	bool media_handover, port_latching, no_port_latching;
	bool no_rtcp_attribute, full_rtcp_attribute;
	bool loop_protect;
	bool original_sendrecv;
	bool all;   /* block/silence/...: every call */
	bool fatal; /* delete: unknown call is an error */
	bool fast;  /* delete: skip statistics in the reply ("fast") */
	bool reset;
	bool generate_mid, strip_extmap;
	bool record_call; /* flag "record-call", or key record-call=on/yes */
	bool to_tag_flag; /* flag "to-tag": delete only the to-tag's side */
	bool directional; /* flag "directional"; rtpp_flags from-tag=... sets it */
	bool ice_reject;  /* flag "reject-ICE" / "ICE-reject" */
	bool unidirectional;

	unsigned unknown_flags; /* flags/replace/rtcp-mux items we do not know (logged) */
	unsigned
		ignored_flags; /* flags rtpengine knows but rtprelay ignores (SDES-, codec-, ...) */
	unsigned unknown_keys; /* dictionary keys we do not know (logged, not an error) */
};

#define NG_TOS_UNSET 256

/*
 * Parse req->dict into *f (call ng_flags_init first): keys in wire order,
 * "rtpp_flags" expanded where it stands. Returns 0, or -1 after ng_error()
 * on a value of the wrong type or an invalid value of a known key (e.g.
 * "address family" not IP4/IP6, "delete delay" negative or not a number,
 * "ICE" not one of its values, "media address" not an address literal,
 * "transport-protocol" not an RTP profile name, malformed rtpp_flags). On
 * error only *f may have changed. Unknown keys and flags are counted and
 * logged at debug, never an error, as rtpengine. Control thread.
 */
int ng_flags_parse(struct ng_request *req, struct ng_flags *f);

/* Defaults: everything off/absent, delete_delay -1, tos NG_TOS_UNSET. */
void ng_flags_init(struct ng_flags *f);

/*
 * Internal: flags.c's entry points for flags_rtpp.c (the rtpp_flags
 * string applies the same keys and flags). Not for commands.
 */
struct ng_flags_ctx {
	struct arena *a;
	struct ng_flags *f;
	const char *err; /* set by ng_flags_fail() */
	bool in_rtpp;    /* inside an rtpp_flags string */
};

/* Longest value quoted back in an error reason: "%.*s", QUOTE(s) */
#define QUOTE_MAX 64
#define QUOTE(x_) (int)((x_).len > QUOTE_MAX ? QUOTE_MAX : (x_).len), (x_).s

/* v as a string (a view), or -1 with c->err. */
int ng_flags_want_str(struct ng_flags_ctx *c, str key, const bencode_item *v, str *out);
/* Record a failure reason (formatted into the arena); returns -1. */
int ng_flags_fail(struct ng_flags_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Apply one dictionary key with its value. 0 or -1 (c->err set). */
int ng_flags_key(struct ng_flags_ctx *c, str key, const bencode_item *v);
/* Apply one flag as in the "flags" list. 0 or -1 (c->err set). */
int ng_flags_flag(struct ng_flags_ctx *c, str flag);
/*
 * Copy name into buf (NG_FLAGS_NAME_MAX bytes) turning ' ' (and, if
 * underscores, '_') into '-'. False if it does not fit (it then matches no
 * known name).
 */
#define NG_FLAGS_NAME_MAX 64
bool ng_flags_normalise(str name, bool underscores, char *buf, str *out);

#endif
