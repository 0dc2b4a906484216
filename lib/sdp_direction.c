/* SDP media direction attributes (see sdp_direction.h). */
#include "sdp_direction.h"

static const char *const names[SDP_DIRECTION_COUNT] = {
	[SDP_SENDRECV] = "sendrecv",
	[SDP_SENDONLY] = "sendonly",
	[SDP_RECVONLY] = "recvonly",
	[SDP_INACTIVE] = "inactive",
};

int sdp_direction_parse(str attr_name)
{
	for (int d = 0; d < SDP_DIRECTION_COUNT; d++)
		if (str_eq_c(attr_name, names[d]))
			return d;
	return -1;
}

const char *sdp_direction_name(enum sdp_direction d)
{
	return (unsigned)d < SDP_DIRECTION_COUNT ? names[d] : "sendrecv";
}
