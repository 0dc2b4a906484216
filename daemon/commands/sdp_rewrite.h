/*
 * sdp_rewrite: turn the SDP one party sent into the SDP the other party
 * gets: connection addresses and ports become the relay's (the receiving
 * party's monologue: its interface's advertised address, its media ports),
 * origin/version handling per the "replace" flags, ICE attributes removed,
 * and the media attributes laid out as rtpengine lays them out (so SIP
 * traces diff cleanly when operators migrate): other attributes in order,
 * then per codec rtpmap (added for static payload types) and fmtp, then the
 * direction, a=rtcp, a=rtcp-mux, a=ptime.
 */
#ifndef RTPRELAY_SDP_REWRITE_H
#define RTPRELAY_SDP_REWRITE_H

#include "sdp.h"

struct monologue;
struct ng_flags;

/*
 * Rewrite s in place for delivery to the party of `to` (whose medias,
 * ports and interface are advertised). `body` is the SDP as received (for
 * sdp-version tracking); sdes: one SDES plan per media (a=crypto lines);
 * answer: s is an answer going to the offerer. Returns 0, or -1 with *err
 * set. Main thread.
 */
struct sdes_plan;
struct dtls_plan;
int sdp_rewrite(struct sdp_session *s, str body, struct monologue *to, const struct ng_flags *f,
		const struct sdes_plan *sdes, const struct dtls_plan *dtls, bool answer,
		const char **err);

/* The rtpmap encoding of a static RTP payload type ("PCMU/8000"), or NULL. */
const char *sdp_rewrite_static_rtpmap(unsigned pt);

#endif
