/* ice_query: an ICE agent's state and counters in a query reply. */
#ifndef RTPRELAY_ICE_QUERY_H
#define RTPRELAY_ICE_QUERY_H

#include "bencode.h"

struct media_ice;
struct arena;

/* Adds "ICE" to the stream dictionary d: role, lite, selected pair,
 * candidates and the STUN counters of the stream's component (kind:
 * enum stream_kind). Call lock held. */
void ice_query(struct arena *a, bencode_item *d, const struct media_ice *ice, int kind);

#endif
