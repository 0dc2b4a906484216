/*
 * ice_sdp: ICE in the SDP, as rtpengine 10.5 does it. In: a party's
 * credentials and candidates make rtprelay its ICE agent (ice/agent.h); the
 * ICE flags decide whether the other party gets ICE from rtprelay. Out:
 * rtprelay's own a=ice-ufrag, a=ice-pwd, [a=ice-options:trickle], host
 * candidates (component 1 on each address of the interface, then
 * component 2 unless RTCP is on the RTP port), [a=end-of-candidates]; a=ice-lite at session level when
 * rtprelay is lite toward the party. The party's own ICE lines never pass
 * to the other side. Control thread, call lock held.
 */
#ifndef RTPRELAY_ICE_SDP_H
#define RTPRELAY_ICE_SDP_H

#include <glib.h>
#include <stdbool.h>

#include "sdp.h"

struct media;
struct monologue;
struct ng_flags;

/*
 * The SDP s from the party of `from` (whose medias hold the sender's
 * agents) goes to the party of `to`: update the sender's agents from its
 * ICE lines and create or drop the recipient's agents by the flags.
 */
void ice_sdp_in(struct monologue *from, struct monologue *to, const struct sdp_session *s,
		const struct ng_flags *f, bool answer);

/* rtprelay's ICE lines for media m appended to out (none without an
 * agent); comp2: RTCP has its own port; in_eoc: the input had
 * a=end-of-candidates. Marks the credentials as sent. */
void ice_sdp_out(struct sdp_session *s, struct media *m, GPtrArray *out, bool comp2, bool in_eoc);

/* rtprelay is ICE-lite toward the party of ml (a=ice-lite at session level). */
bool ice_sdp_lite(const struct monologue *ml);

#endif
