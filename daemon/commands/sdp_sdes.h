/*
 * sdp_sdes: SDES (a=crypto) negotiation for one media of an offer or answer.
 * Where both parties speak SRTP (RTP/SAVP, RTP/SAVPF) the a=crypto lines
 * pass through and the parties key each other; where only one does,
 * rtprelay terminates SRTP toward it:
 *
 *   offer,  author SRTP, receiver plain: TERMINATE: the author's first
 *           usable key decrypts what it sends; rtprelay makes its own key for
 *           what goes to it (sent in the answer); a=crypto removed
 *   offer,  author plain, receiver SRTP: OFFER: rtprelay offers a key per
 *           suite (SDES flags choose which) to the receiver
 *   answer, author SRTP, receiver plain: COMPLETE: the answerer chose one of
 *           the keys rtprelay offered and gave its own
 *   answer, author plain, receiver SRTP: ANSWER: the offerer gets
 *           rtprelay's key for the suite it chose
 *
 * Decided in phase 1 (sdes_plan_make: may fail with a reason, makes the
 * libsrtp2 sessions), installed in phase 2 under the call lock
 * (sdes_plan_install: cannot fail), written into the SDP by
 * sdes_plan_lines.
 */
#ifndef RTPRELAY_COMMANDS_SDP_SDES_H
#define RTPRELAY_COMMANDS_SDP_SDES_H

#include <glib.h>
#include <stdbool.h>

#include "crypto/media_sdes.h"
#include "sdes.h"
#include "str.h"

struct media;
struct ng_flags;
struct sdp_media;
struct sdp_session;

enum sdes_action {
	SDES_NOTHING, /* plain on both sides */
	SDES_PASS,    /* SRTP on both sides: the parties' keys */
	SDES_TERMINATE,
	SDES_OFFER,
	SDES_COMPLETE,
	SDES_ANSWER,
};

struct sdes_plan {
	enum sdes_action action;
	struct sdes_crypto remote, local;
	struct sdes_crypto offered[SDES_SUITE_COUNT]; /* OFFER */
	unsigned n_offered;
	struct sdes_crypto candidates[SDES_SUITE_COUNT]; /* TERMINATE, PASS: the author's */
	unsigned n_candidates;
	unsigned n_lines;     /* the author's well-formed a=crypto lines, known suite or not */
	uint32_t drop_suites; /* PASS: suites the flags exclude */
	bool new_sessions;    /* in/out below replace the party's */
	bool osrtp;           /* SRTP under RTP/AVP (RFC 8643) on one side */
	bool pad;             /* the keys rtprelay writes with base64 padding */
	struct srtp_dir *in, *out;
};

/* What the DTLS plan (sdp_dtls.h) leaves to SDES: a side DTLS keys is not
 * SDES's; a receiver offered DTLS with SDES=off gets no a=crypto. */
struct sdes_dtls {
	bool author, receiver, offered;
};

/* Whether proto is SRTP (RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP(F)). */
bool sdes_proto_is_srtp(str proto);

/*
 * Phase 1. sm: the author's media section; author, receiver: their medias
 * (NULL when new); receiver_proto: the m= protocol the receiver gets.
 * Returns 0, or -1 with *err set (static or from arena).
 */
int sdes_plan_make(struct sdes_plan *p, struct arena *arena, const struct sdp_media *sm,
		   const struct media *author, const struct media *receiver, str receiver_proto,
		   const struct ng_flags *f, bool answer, const struct sdes_dtls *dtls,
		   const char **err);

/* Phase 2, call lock held: the media the plan's sessions belong to gets them
 * (the old ones are freed: no worker is inside, the lock is held). */
void sdes_plan_install(struct sdes_plan *p, struct media *author, struct media *receiver);

/* The a=crypto lines the receiver gets, appended to out (author's lines in
 * `in` are the source for PASS). */
void sdes_plan_lines(const struct sdes_plan *p, struct sdp_session *s, const GPtrArray *in,
		     GPtrArray *out);

/* Free what install did not take. */
void sdes_plan_release(struct sdes_plan *p);

#endif
