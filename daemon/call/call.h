/*
 * call: the call model and its lifecycle.
 *
 *   call (call-id)
 *    └─ monologue: one party, known by its tag (a callee is first known by
 *       its via-branch until an answer names its to-tag)
 *        └─ media: one per m= line, with the port pair facing this party
 *            └─ stream: RTP and RTCP (struct stream, in media.h)
 *
 * A monologue owns the sockets its party sends to: the SDP given to a party
 * carries the ports of that party's own monologue. Every monologue points
 * to the peer it last exchanged offer/answer with.
 *
 * Deletion is two steps: a deleted monologue (or call) lingers until its
 * delete_at (delete-delay) so late retransmissions still work and query
 * still answers, then it is freed and its ports released. Every call has
 * one timer armed for its earliest deadline (delete, offer-timeout,
 * final-timeout): no scans over all calls.
 *
 * Threading: the registry and the model's structure (which monologues and
 * medias exist, their lifetimes) belong to the main thread (ng commands,
 * timers). The media workers read the forwarding state (peer links, medias
 * arrays, stream endpoints, block/silence flags) under call->lock; the main
 * thread changes that state under the same lock. Releasing sockets waits
 * for their worker callbacks, so the main thread never does it holding the
 * lock (media.h).
 */
#ifndef RTPRELAY_CALL_H
#define RTPRELAY_CALL_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "str.h"

struct rtprelay;
struct event;
struct media;
struct config_interface;

/* Why a call ended: indexes the statistics counters. */
enum call_end {
	CALL_END_DELETE,         /* delete command (after its delay) */
	CALL_END_OFFER_TIMEOUT,  /* never answered within offer-timeout */
	CALL_END_FINAL_TIMEOUT,  /* reached final-timeout */
	CALL_END_TIMEOUT,        /* no media (media issue) */
	CALL_END_SILENT_TIMEOUT, /* no media while on hold (media issue) */
	CALL_END_SHUTDOWN,       /* daemon stopping */
	CALL_END_COUNT
};

struct monologue {
	struct call *call;
	char *tag;                           /* NULL until known */
	char *via_branch;                    /* NULL when none was given */
	char *label;                         /* NULL when none was given */
	struct monologue *peer;              /* the other side of the last offer/answer */
	GPtrArray *medias;                   /* struct media *, in m= order */
	const struct config_interface *intf; /* the interface facing this party */
	int64_t created_us;
	int64_t delete_at_us; /* monotonic; 0 = live */

	/* SDP bookkeeping for "replace sdp-version" / origin: the o= line we
	 * last sent towards this party, and the body it was derived from. */
	char *sent_origin_version; /* NULL until an SDP was sent */
	char *last_body_in;        /* the last SDP the other side gave us for it */

	bool block_media;   /* drop what this party sends */
	bool silence_media; /* replace what this party sends with silence */
};

struct call {
	struct rtprelay *rp;
	char *callid;
	GPtrArray *monologues; /* struct monologue *, creation order */
	int64_t created_us;
	time_t last_signal;
	int64_t delete_at_us;      /* monotonic, whole call: 0 = live */
	int64_t offer_deadline_us; /* monotonic; 0 = none (answered, or no offer-timeout) */
	int64_t final_deadline_us; /* monotonic; 0 = none */
	int64_t media_deadline_us; /* monotonic: check media activity; 0 = none */
	int64_t answered_us;       /* monotonic time of the first answer */
	pthread_mutex_t lock;      /* forwarding state, see above */
	bool answered;
	struct event *timer;
	GList *link;         /* in the registry's creation-order queue */
	int64_t timer_at_us; /* monotonic time the timer fires; 0 = unarmed */
	char *client;        /* the ng client that created it (its IP); NULL: none counted */
};

struct calls;

/* The registry; main thread. */
struct calls *calls_new(struct rtprelay *rp);
/* Frees every call at once (shutdown), counting them as CALL_END_SHUTDOWN. */
void calls_free(struct calls *c);
unsigned calls_count(const struct calls *c);
/* Calls in creation order (oldest first). */
GList *calls_list(const struct calls *c);

struct call *call_find(struct calls *c, str callid);
/* A new call; the caller has checked max-sessions. */
struct call *call_new(struct calls *c, str callid);
/* Free now (ports released, counted under why). */
void call_destroy(struct call *call, enum call_end why);

struct monologue *call_find_tag(const struct call *call, str tag);
/* A monologue whose peer is offerer and whose via-branch is branch
 * (STR_NULL matches a monologue without one); NULL if none. */
struct monologue *call_find_branch(const struct call *call, const struct monologue *offerer,
				   str branch);
struct monologue *monologue_new(struct call *call, str tag, str branch);
void monologue_set_tag(struct monologue *ml, str tag);
/* Free now: unlink from the call and its peer, release ports. */
void monologue_destroy(struct monologue *ml);
bool monologue_is_live(const struct monologue *ml);

/*
 * Mark for deletion after delay_s seconds (0 = free now). A call whose
 * monologues are all deleted is deleted as a whole. Returns true if call
 * was freed already (the pointer is then invalid).
 */
bool call_delete_all(struct call *call, unsigned delay_s);
bool call_delete_monologue(struct monologue *ml, unsigned delay_s);

/* True if some live monologue has a live peer. */
bool call_has_dialogue(const struct call *call);

/* Undo a pending deletion (an offer/answer for it arrived in time). */
void call_revive(struct call *call);
void monologue_revive(struct monologue *ml);

/* The call was answered: media timeouts start counting now. */
void call_answered(struct call *call);

/* Re-arm the call's timer for its earliest deadline. */
void call_schedule(struct call *call);

/*
 * Calls per ng client (max-calls-per-client). A client is the source IP
 * address of the ng request, port ignored (an IPv4-mapped IPv6 address
 * is the IPv4 one); a call belongs to the client whose offer created it,
 * from then until it is freed (a deleted call lingering for its
 * delete-delay still counts: it holds its ports), whoever sends the
 * later commands. Main thread.
 */
/* Calls that belong to the client at sa now. */
unsigned calls_of_client(const struct calls *c, const struct sockaddr *sa, socklen_t len);
/* call (new, no client yet) belongs to the client at sa; an address that is
 * not IPv4 or IPv6 (a Unix socket, none) makes it nobody's. */
void call_set_client(struct call *call, const struct sockaddr *sa, socklen_t len);
/* Client addresses that have calls now. */
unsigned calls_clients(const struct calls *c);

#endif
