/*
 * sdp_direction: the media direction attributes of SDP (RFC 4566 6,
 * RFC 3264 5.1): a=sendrecv (the default), a=sendonly, a=recvonly,
 * a=inactive.
 */
#ifndef RTPRELAY_SDP_DIRECTION_H
#define RTPRELAY_SDP_DIRECTION_H

#include "str.h"

enum sdp_direction { SDP_SENDRECV, SDP_SENDONLY, SDP_RECVONLY, SDP_INACTIVE, SDP_DIRECTION_COUNT };

/* The direction an attribute name states, or -1 if it states none. */
int sdp_direction_parse(str attr_name);
/* The attribute name of d ("sendrecv", ...). */
const char *sdp_direction_name(enum sdp_direction d);

#endif
