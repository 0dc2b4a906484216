/*
 * media_sdes: SDES-keyed SRTP of one party (one media of a monologue), when
 * rtprelay terminates it: the keys negotiated in the SDP, and the two
 * libsrtp2 sessions the packet path uses (in: what the party sends, out:
 * what is sent to it). NULL on a media that has none (plain RTP, or SRTP
 * passed through end to end with the parties' own keys).
 */
#ifndef RTPRELAY_CRYPTO_MEDIA_SDES_H
#define RTPRELAY_CRYPTO_MEDIA_SDES_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/srtp.h"
#include "sdes.h"

struct media_sdes {
	/* Control thread. */
	struct sdes_crypto offered[SDES_SUITE_COUNT]; /* ours to the party, until it answers */
	unsigned n_offered;
	struct sdes_crypto candidates[SDES_SUITE_COUNT]; /* the party's offered keys */
	unsigned n_candidates;
	struct sdes_crypto local, remote; /* in use: ours (out), the party's (in) */
	bool active;
	bool osrtp; /* keyed opportunistically: SRTP under a plain RTP/AVP profile */
	/* The packet path, call lock held. */
	struct srtp_dir *in, *out;
	uint64_t auth_failed[2], replayed[2]; /* per stream kind; read atomically */
};

void media_sdes_free(struct media_sdes *s); /* NULL is a no-op */

#endif
