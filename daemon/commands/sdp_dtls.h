/*
 * sdp_dtls: DTLS-SRTP (a=setup, a=fingerprint; RFC 5763, RFC 8842) for one
 * media of an offer or answer, as rtpengine 10.5 negotiates it. rtprelay
 * terminates DTLS toward every party that speaks it (a fingerprint binds
 * the party to one certificate: nothing can be passed through):
 *
 *   offer,  author gave a=fingerprint: kept; its handshake starts at the
 *           answer, rtprelay active toward actpass/passive (passive with
 *           DTLS=passive or --dtls-passive), passive toward active
 *   offer,  receiver's profile UDP/TLS/... (or SRTP while the author speaks
 *           DTLS): a=setup:actpass and rtprelay's fingerprint (hash:
 *           DTLS-fingerprint, else sha-256), unless DTLS=off
 *   answer, author answered that with a=fingerprint: its handshake starts,
 *           rtprelay in the role its a=setup leaves
 *   answer, receiver offered a=fingerprint: a=setup with rtprelay's role
 *           and rtprelay's fingerprint in the hash of the offerer's
 *
 * Phase 1 (dtls_plan_make, may fail) before the SDES plan, which leaves
 * the sides DTLS keys alone; phase 2 (dtls_plan_install, call lock held)
 * starts handshakes; dtls_plan_lines writes the receiver's lines.
 */
#ifndef RTPRELAY_COMMANDS_SDP_DTLS_H
#define RTPRELAY_COMMANDS_SDP_DTLS_H

#include <glib.h>
#include <stdbool.h>

#include "crypto/dtls.h"
#include "str.h"

struct media;
struct ng_flags;
struct sdp_media;
struct sdp_session;
struct rtprelay;

struct dtls_plan {
	/* the author (whose SDP this is) */
	bool author_dtls;  /* its SRTP is keyed by DTLS from now on */
	bool author_stop;  /* it no longer speaks DTLS */
	bool author_start; /* answer: start its handshake (role author_active) */
	bool author_active;
	bool have_remote;
	struct dtls_fingerprint remote;
	enum dtls_setup remote_setup;
	/* the receiver (who gets the SDP written) */
	bool receiver_dtls;      /* answer: its SRTP is keyed by DTLS */
	bool offer_lines;        /* offer: actpass and our fingerprint */
	bool receiver_active;    /* answer: our role toward it */
	const char *fingerprint; /* "sha-256 AB:..." for the receiver */
};

/* Whether proto is DTLS-SRTP's (UDP/TLS/RTP/SAVP, UDP/TLS/RTP/SAVPF). */
bool dtls_proto(str proto);
/* Whether an attribute is one this module writes (setup, fingerprint, tls-id). */
bool dtls_attr(str name);

/*
 * Phase 1. s, sm: the author's SDP and media section; author, receiver:
 * their medias (NULL when new); receiver_proto: the m= protocol the
 * receiver gets. 0, or -1 with *err (static or from s's arena).
 */
int dtls_plan_make(struct dtls_plan *p, struct rtprelay *rp, const struct sdp_session *s,
		   const struct sdp_media *sm, const struct media *author,
		   const struct media *receiver, str receiver_proto, const struct ng_flags *f,
		   bool answer, const char **err);

/* Phase 2, call lock held: state kept, handshakes (re)started. */
void dtls_plan_install(const struct dtls_plan *p, struct rtprelay *rp, struct media *author,
		       struct media *receiver);

/* The receiver's a=setup and a=fingerprint, appended to out. */
void dtls_plan_lines(const struct dtls_plan *p, struct sdp_session *s, GPtrArray *out);

#endif
