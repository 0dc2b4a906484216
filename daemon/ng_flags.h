/*
 * ng_flags: the options of one offer/answer/delete/... request. They arrive
 * as structured keys ("flags", "replace", "ICE", "direction", ...) and/or
 * as the single string "rtpp_flags" that newer Kamailio modules send; both
 * parse into this one struct (ng_flags_parse). Strings are views into the
 * request (valid for the request's lifetime).
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
	NG_ICE_DEFAULT,    /* not given */
	NG_ICE_REMOVE,
	NG_ICE_FORCE,
	NG_ICE_FORCE_RELAY,
	NG_ICE_OPTIONAL,
	NG_ICE_DEFAULT_EXPLICIT, /* "ICE=default" */
};

#define NG_MAX_DIRECTIONS 2

struct ng_flags {
	str call_id, from_tag, to_tag, via_branch, label;
	str sdp;
	str transport_protocol;      /* "RTP/AVP", "RTP/SAVP", ...; STR_NULL = keep */
	str media_address;           /* "media address" */
	str direction[NG_MAX_DIRECTIONS]; /* interface names, in order */
	unsigned n_directions;
	int address_family;          /* AF_INET / AF_INET6; 0 = keep the offered one */
	/* "received-from": [ "IP4"|"IP6", "address" ] */
	int received_from_family;    /* 0 = not given */
	str received_from_address;
	int64_t delete_delay;        /* "delete delay" / "delete-delay"; -1 = not given */

	/* "replace" list */
	bool replace_origin;
	bool replace_session_connection;
	bool replace_sdp_version;
	bool replace_username;
	bool replace_session_name;
	bool replace_zero_address;
	bool replace_force_increment_sdp_version;

	enum ng_ice ice;

	/* "rtcp-mux" list */
	bool rtcp_mux_offer, rtcp_mux_require, rtcp_mux_demux;
	bool rtcp_mux_accept, rtcp_mux_reject;

	/* "flags" list */
	bool trust_address;
	bool sip_source_address;     /* "SIP-source-address" */
	bool symmetric, asymmetric, strict_source;
	bool media_handover, port_latching, no_port_latching;
	bool no_rtcp_attribute, full_rtcp_attribute;
	bool loop_protect;
	bool original_sendrecv;
	bool all;                    /* block/silence/...: every call */
	bool fatal;                  /* delete: unknown call is an error */
	bool fast;                   /* delete: skip statistics in the reply ("fast") */
	bool reset;
	bool generate_mid, strip_extmap;
	bool record_call;

	unsigned unknown_flags;      /* flags given that we do not know (logged) */
};

/*
 * Parse req->dict (structured keys, then "rtpp_flags") into *f. Returns 0,
 * or -1 after ng_error() on a value of the wrong type or an invalid value
 * (e.g. "address family" not IP4/IP6, "delete delay" not a number).
 * Unknown flags are counted and logged at debug, as rtpengine does.
 */
int ng_flags_parse(struct ng_request *req, struct ng_flags *f);

/*
 * Parse only an rtpp_flags string into *f (on top of what *f holds).
 * Exposed for unit tests. Returns 0, or -1 with *err set to a static reason.
 */
int ng_flags_parse_rtpp(struct arena *a, str rtpp, struct ng_flags *f, const char **err);

void ng_flags_init(struct ng_flags *f);

#endif
