/*
 * learning: which source a party's media comes from, and where to send the
 * media meant for it (symmetric RTP behind NAT), with rtpengine's
 * algorithms (--endpoint-learning) made robust against strangers on the
 * port:
 *
 * - The first packet's source becomes the party's source (and, unless
 *   learning is off, where its media goes). immediate commits to it at
 *   once; delayed and heuristic keep a 3 s window; off never sends anywhere
 *   but the SDP address, yet still tells the party's source from strangers.
 * - A source may replace the current one only when it is the address and
 *   port the SDP names (always, committed or not), or, within the window,
 *   when it ranks higher against the SDP (heuristic: address+port, then
 *   address, then port, then any), or when it has sent LEARNING_CONSISTENT
 *   packets in a row while the current source has been silent for
 *   LEARNING_SILENT_US (the party moved; delayed and heuristic). rtpengine's
 *   delayed learning follows every new source during the window instead, so
 *   a flood that started first kept the call there.
 * - Packets from anyone else: with strict-source, dropped once committed
 *   (with off: any source but the SDP address). Otherwise forwarded at most
 *   at the party's own rate (one per packet of its source, up to a burst of
 *   LEARNING_BURST), the rest dropped.
 *
 * Asymmetric parties are never learned from nor checked. Pure logic over one
 * stream's state; the caller holds the call lock.
 */
#ifndef RTPRELAY_LEARNING_H
#define RTPRELAY_LEARNING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"

#define LEARNING_WINDOW_US (3 * 1000000)
#define LEARNING_SILENT_US (500 * 1000)
#define LEARNING_CONSISTENT 5
#define LEARNING_BURST 16

enum learn_state {
	LEARN_NONE,   /* no packet yet */
	LEARN_WINDOW, /* learning, not committed */
	LEARN_COMMITTED,
};

struct learning {
	uint8_t state;           /* enum learn_state */
	uint8_t rank;            /* the source's match against the SDP, 1-4 */
	uint8_t cand_count;      /* packets in a row from cand_key */
	uint8_t tokens;          /* stranger packets that may still be forwarded */
	int64_t window_start_us; /* monotonic */
	int64_t source_last_us;  /* the source's last packet */
	uint64_t source_key;     /* learning_key of the party's source */
	uint64_t cand_key;       /* the last stranger, a candidate to replace it */

	/* the party's source: the address whose key is source_key */
	struct sockaddr_storage source;
};

struct learning_policy {
	enum endpoint_learning mode;
	bool strict_source;
	bool asymmetric;
};

enum learn_verdict {
	LEARN_FORWARD,
	LEARN_DROP_STRICT, /* strict-source: not the party's source */
	LEARN_DROP_RATE,   /* a stranger over the party's own rate */
};

/*
 * A packet from src arrived at now_us. May update *endpoint (where we send
 * to this party).
 */
enum learn_verdict learning_packet(struct learning *l, const struct learning_policy *pol,
				   const struct sockaddr_storage *advertised,
				   struct sockaddr_storage *endpoint,
				   const struct sockaddr_storage *src, int64_t now_us);

/* n packets of the party's source were forwarded without passing here (by
 * the kernel): they earn strangers' tokens as if they had. */
void learning_credit(struct learning *l, uint64_t n, int64_t now_us);

/* The SDP changed: forget what was learned; send to advertised again. */
void learning_reset(struct learning *l, const struct sockaddr_storage *advertised,
		    struct sockaddr_storage *endpoint);

/* An address's key: equal addresses, equal keys; keyed by a secret made at
 * start-up, so a stranger cannot choose a port whose key matches another's. */
uint64_t learning_key(const struct sockaddr_storage *sa);

#endif
