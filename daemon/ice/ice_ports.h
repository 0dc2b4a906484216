/*
 * ice_ports: rtprelay's host candidates on every address of the party's
 * interface. A media holds its port pair on the interface address chosen
 * for the party (one family). While rtprelay is an ICE agent toward the
 * party and the interface (by name, as rtpengine's logical interface with
 * `--interface=NAME/ADDR` given for both families) has an address of the
 * other family, the media holds a second pair there (media.alt), its own
 * ports from the same range, delivering into the same streams; the SDP
 * toward the party lists both (ice/ice_sdp.h). Without an agent, without
 * ports, or with the agent gone (ICE=remove), it holds none.
 *
 * No pair free on the other address is not a failed call: those
 * candidates are left out, counted (statistics `ports`
 * `ice_other_family_failed`) and logged (rate-limited).
 */
#ifndef RTPRELAY_ICE_PORTS_H
#define RTPRELAY_ICE_PORTS_H

#include <stdint.h>

struct media;
struct media_retired;
struct ports;

/*
 * Bring m's other-family pair in line with its agent: take one from p, or
 * move the one it holds to old->alt (released by media_retired_release
 * once the call lock is dropped; media_claim_sockets then makes a new one
 * deliver). *failed counts pairs that could not be had. Control thread,
 * call lock held (ports_get neither blocks nor takes a call lock).
 */
void ice_ports_sync(struct media *m, struct ports *p, uint64_t *failed, struct media_retired *old);

#endif
