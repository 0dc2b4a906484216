/*
 * ice_sdp: ICE in the SDP, as rtpengine 10.5 does it. In: a party's
 * credentials and candidates make rtprelay its ICE agent (ice/agent.h); the
 * ICE flags decide whether the other party gets ICE from rtprelay. Out:
 * rtprelay's own a=ice-ufrag, a=ice-pwd, [a=ice-options:trickle], host
 * (with ICE=force-relay: relay) candidates (component 1 on each address of the interface, then
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

/*
 * ICE=force-relay leaves the sender's own address in c=/m= (rtpengine
 * 10.5), so a recipient that does no ICE sends its media straight there:
 * done only where that is the media the sender takes anyway (the same
 * protocol, plain RTP, no keys of ours) and where the sender does no ICE of
 * its own (rtpengine 10.5 then passes the sender's credentials and
 * candidates on with its relay candidates under them, and answers the
 * sender with candidates but no credentials); rtcp-mux flags are refused
 * as well (rtpengine 10.5 writes its own port as a=rtcp under the sender's
 * address for them). sm: a media section of s; rproto: the protocol its
 * recipient gets; keys: the recipient gets SDES or DTLS from rtprelay.
 * 0, or -1 with a static *err.
 */
int ice_sdp_relay_check(const struct sdp_session *s, const struct sdp_media *sm, str rproto,
			bool keys, const struct ng_flags *f, const char **err);

/* rtprelay's ICE lines for media m appended to out (none without an
 * agent); comp2: RTCP has its own port; in_eoc: the input had
 * a=end-of-candidates. Marks the credentials as sent. */
void ice_sdp_out(struct sdp_session *s, struct media *m, GPtrArray *out, bool comp2, bool in_eoc);

/* rtprelay is ICE-lite toward the party of ml (a=ice-lite at session level). */
bool ice_sdp_lite(const struct monologue *ml);

#endif
