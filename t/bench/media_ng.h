/*
 * media_ng: media_load's control plane. Every call is set up through the
 * relay's ng port over UDP (offer with A's SDP, answer with B's; with
 * --srtp the conversion the mode names), the relay's ports (and keys) taken
 * from the replies into the load's destinations; deleted at the end.
 */
#ifndef RTPRELAY_BENCH_MEDIA_NG_H
#define RTPRELAY_BENCH_MEDIA_NG_H

#include <stdint.h>

#include "media_load.h"

struct ng {
	int fd;
	uint64_t seq;
	char run_id[16];
	char buf[65536];
};

/* A UDP socket to HOST:PORT. 0, or -1 with a reason on stderr. */
int ng_open(struct ng *ng, const char *hostport);
/* Offer and answer every call of L. 0, or -1 with a reason on stderr. */
int ng_setup(struct load *L, struct ng *ng);
/* Delete every call of L (delete delay 0). */
void ng_teardown(struct load *L, struct ng *ng);

#endif
