/*
 * learning: where to send a party's media, learned from the packets it
 * sends (symmetric RTP behind NAT), with rtpengine's algorithms
 * (--endpoint-learning): delayed (follow the source for 3 s, then commit to
 * the source of the first packet after that), immediate (commit to the
 * first source), heuristic (3 s window preferring the source that matches
 * the SDP: address+port, then address, then port, then any), off (always the
 * SDP address). strict-source drops packets from any other source once
 * committed (with off: any source but the SDP address). Asymmetric parties
 * are never learned from nor checked.
 *
 * Pure logic over one stream's state; the caller holds the call lock.
 */
#ifndef RTPRELAY_LEARNING_H
#define RTPRELAY_LEARNING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"

#define LEARNING_WINDOW_US (3 * 1000000)

enum learn_state {
	LEARN_NONE,   /* no packet yet */
	LEARN_WINDOW, /* learning, not committed */
	LEARN_COMMITTED,
};

struct learning {
	enum learn_state state;
	uint8_t rank;            /* heuristic: quality of the current endpoint */
	int64_t window_start_us; /* monotonic */
};

struct learning_policy {
	enum endpoint_learning mode;
	bool strict_source;
	bool asymmetric;
};

/*
 * A packet from src arrived at now_us. May update *endpoint (where we send
 * to this party). Returns false if the packet must be dropped
 * (strict-source).
 */
bool learning_packet(struct learning *l, const struct learning_policy *pol,
		     const struct sockaddr_storage *advertised, struct sockaddr_storage *endpoint,
		     const struct sockaddr_storage *src, int64_t now_us);

/* The SDP changed: forget what was learned; send to advertised again. */
void learning_reset(struct learning *l, const struct sockaddr_storage *advertised,
		    struct sockaddr_storage *endpoint);

#endif
