/*
 * flags_srtp_ice: flags.c's handlers for the options of secure media and
 * connectivity ("SDES", "OSRTP", "ICE", "ICE-lite", "DTLS",
 * "DTLS-fingerprint"). Internal to the flags parser, like flags_rtpp.h.
 */
#ifndef RTPRELAY_NG_FLAGS_SRTP_ICE_H
#define RTPRELAY_NG_FLAGS_SRTP_ICE_H

#include "bencode.h"
#include "commands/flags.h"

/* One element of "SDES" / "OSRTP" (or an "SDES-..." / "OSRTP-..." flag). */
int ng_flags_sdes_item(struct ng_flags_ctx *c, str item);
int ng_flags_osrtp_item(struct ng_flags_ctx *c, str item);
/* The keys; 0, or -1 with c->err. */
int ng_flags_key_ice(struct ng_flags_ctx *c, str key, const bencode_item *v);
int ng_flags_key_ice_lite(struct ng_flags_ctx *c, str key, const bencode_item *v);
int ng_flags_key_dtls(struct ng_flags_ctx *c, str key, const bencode_item *v);
int ng_flags_key_dtls_fingerprint(struct ng_flags_ctx *c, str key, const bencode_item *v);

#endif
