/*
 * ice agent: rtprelay's ICE (RFC 8445) toward one party for one media:
 * its own ufrag/pwd, the party's credentials and candidates (from SDP,
 * trickled in re-offers, or peer-reflexive from checks), the check list,
 * nomination by role (with role-conflict resolution), consent freshness
 * (RFC 7675) and ICE restart. The selected pair's remote address becomes
 * the stream's endpoint (where media goes), overriding endpoint learning.
 * A stream has a socket per address family of its interface while it has
 * an agent (call/media.h, alt_sock): a candidate pairs with the socket of
 * its family, checks go out and are answered from that socket, and the
 * selected pair's family decides which socket sends the media.
 *
 * Locking: everything here is under the call's lock: the packet path
 * (ice_stun_in, ice_source_ok, ice_may_send) holds it already, the
 * agent's timer runs on the control thread's event base and takes it.
 * Counters are atomics (query reads them).
 */
#ifndef RTPRELAY_ICE_AGENT_H
#define RTPRELAY_ICE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct media;
struct stream;
struct event;

#define ICE_MAX_CANDS 16
#define ICE_MAX_PAIRS 24
#define ICE_UFRAG_LEN 8
#define ICE_PWD_LEN 26
#define ICE_CONSENT_US (30 * 1000000LL) /* RFC 7675: consent lost after 30 s */

enum ice_cand_type { ICE_HOST, ICE_SRFLX, ICE_PRFLX, ICE_RELAY };
enum ice_pair_state { ICE_WAITING, ICE_IN_PROGRESS, ICE_SUCCEEDED, ICE_FAILED };

struct ice_cand {
	uint8_t component; /* 1 RTP, 2 RTCP */
	uint8_t type;      /* enum ice_cand_type */
	uint32_t priority;
	struct sockaddr_storage addr;
};

struct ice_pair {
	uint8_t component;
	uint8_t state; /* enum ice_pair_state */
	uint8_t tries;
	bool nominating;   /* our check carries USE-CANDIDATE (controlling) */
	bool nominated;    /* the party nominated it (we are controlled) */
	bool peer_checked; /* an authenticated check came from it */
	uint32_t remote_priority;
	uint64_t priority; /* pair priority (RFC 8445 6.1.2.3) */
	struct sockaddr_storage remote;
	uint8_t txid[12];
	int64_t sent_us;
};

/* ICE counters per component (index 0 RTP, 1 RTCP). */
struct ice_counters {
	uint64_t answered;      /* checks answered with success */
	uint64_t bad_auth;      /* wrong MESSAGE-INTEGRITY (or none): dropped */
	uint64_t bad_user;      /* USERNAME not ours: dropped */
	uint64_t malformed;     /* not parseable, oversized: dropped */
	uint64_t role_conflict; /* 487 sent or received */
	uint64_t checks_sent;   /* our requests, retransmissions included */
	uint64_t responses;     /* authenticated responses to our checks */
	uint64_t unmatched;     /* responses to no check in progress: ignored */
	uint64_t no_consent;    /* media not sent: consent expired */
};

struct media_ice {
	struct media *media;
	char ufrag[ICE_UFRAG_LEN + 1], pwd[ICE_PWD_LEN + 1]; /* ours */
	char *rufrag, *rpwd;                                 /* the party's; NULL: unknown */
	bool lite;        /* rtprelay is ICE-lite toward the party */
	bool remote_lite; /* the party said a=ice-lite */
	bool controlling;
	bool relay;      /* ICE=force-relay: our candidates are typ relay */
	bool local_sent; /* our credentials went to the party in an SDP */
	bool trickle;    /* a=ice-options:trickle and end-of-candidates in our SDP */
	bool eoc;        /* the party's SDP had a=end-of-candidates */
	uint64_t tiebreaker;
	unsigned n_cands, n_pairs;
	struct ice_cand cands[ICE_MAX_CANDS];
	struct ice_pair pairs[ICE_MAX_PAIRS];
	/* the selected pair's remote per component; kept across a restart
	 * until a new one is selected so media keeps flowing */
	bool selected[2];
	struct sockaddr_storage selected_addr[2];
	int64_t consent_us[2];      /* last consent (monotonic) */
	int64_t next_consent_us[2]; /* our next consent check */
	int64_t started_us;
	struct event *timer;
	struct ice_counters cnt[2];
};

/* A new agent for m, with fresh credentials; controlling as given. */
struct media_ice *ice_new(struct media *m, bool controlling);
/* NULL is a no-op; its counters go into the daemon's totals. Control
 * thread (the media is gone from the packet path, or the call lock held). */
void ice_free(struct media_ice *ice);

/* STUN packets dropped (bad credentials, malformed), both components. */
uint64_t ice_dropped(const struct media_ice *ice);

/* New local credentials (we restart toward the party). */
void ice_new_credentials(struct media_ice *ice);
/*
 * The party's credentials from its SDP: a change is an ICE restart
 * (candidates and checks start over; the selected address stays until a
 * new pair is selected). Call lock held.
 */
void ice_set_remote(struct media_ice *ice, const char *ufrag, size_t ulen, const char *pwd,
		    size_t plen);
/* A candidate from the party's SDP (trickled ones too); duplicates are
 * ignored. Call lock held. */
void ice_add_candidate(struct media_ice *ice, const struct ice_cand *c);
/* Start or keep running the checks (once both sides' credentials are
 * known and ours were sent). Call lock held, control thread. */
void ice_kick(struct media_ice *ice);

/* The priority of our candidate for a component: the host priority, or
 * with ICE=force-relay the same with type preference 0 (RFC 8445 5.1.2.2),
 * as rtpengine 10.5 writes its relay candidates. */
uint32_t ice_local_priority(const struct media_ice *ice, unsigned component, bool other_family);
/* The local candidate priority rtprelay gives its host address of the
 * interface for a component: the address of the family chosen for the
 * party has local preference 65535, the other family's (media.alt) 65534,
 * as rtpengine 10.5 numbers the addresses of a logical interface. */
uint32_t ice_host_priority(unsigned component, bool other_family);
/* Pair the party's candidates with sockets that appeared since they came
 * (the other family's, ice/ice_ports.h). Call lock held. */
void ice_pair_candidates(struct media_ice *ice);

/* Packet path (call lock held): a STUN packet p of len bytes arrived on
 * s from src: answered, used, or dropped and counted. */
void ice_stun_in(struct stream *s, const uint8_t *p, size_t len, const struct sockaddr_storage *src,
		 int64_t now);
/* Media from src on the component of s may be forwarded. */
bool ice_source_ok(const struct media_ice *ice, int kind, const struct sockaddr_storage *src);
/* Media may be sent to the party (consent fresh, or nothing selected yet). */
bool ice_may_send(struct media_ice *ice, int kind, int64_t now);

#endif
