/*
 * dtls: DTLS-SRTP (RFC 5763, RFC 5764) of one party, when rtprelay
 * terminates it: one DTLS association per media on the RTP socket
 * (rtcp-mux: RTCP shares it and its keys), as client (a=setup:active) or
 * server (passive); the SRTP keys it exports are the party's two libsrtp2
 * sessions (in: what it sends, out: what it gets).
 *
 * Threads: the SDP side (dtls_set_*, dtls_start, dtls_stop) runs on the
 * control thread with the call lock held, the packet side (dtls_packet,
 * dtls_srtp_in/out) on the socket's worker with the same lock held, the
 * retransmission timer on the control thread's loop (it takes the lock).
 */
#ifndef RTPRELAY_CRYPTO_DTLS_H
#define RTPRELAY_CRYPTO_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "crypto/dtls_cert.h"
#include "prefetch.h"

struct media;
struct stream;
struct stats;
struct srtp_dir;
struct event;
typedef struct ssl_st SSL;

enum dtls_setup {
	DTLS_SETUP_NONE, /* no a=setup given */
	DTLS_SETUP_ACTPASS,
	DTLS_SETUP_ACTIVE,
	DTLS_SETUP_PASSIVE,
	DTLS_SETUP_HOLDCONN,
};

enum dtls_state {
	DTLS_IDLE,       /* not started (no role yet) */
	DTLS_CONNECTING, /* handshake under way */
	DTLS_CONNECTED,  /* keys in use */
	DTLS_FAILED,     /* refused or timed out; a new offer/answer restarts */
};

/* Counters, per party; read atomically. */
struct dtls_counters {
	uint64_t handshakes;  /* completed */
	uint64_t failed;      /* handshakes that failed (timeouts, alerts, mismatches) */
	uint64_t mismatch;    /* the peer's certificate was not the SDP's fingerprint */
	uint64_t invalid;     /* not DTLS records, or records out of place */
	uint64_t strangers;   /* DTLS from an address that is not the party's */
	uint64_t limited;     /* ClientHellos over the rate of one new handshake a second */
	uint64_t unkeyed;     /* media dropped before the handshake gave keys */
	uint64_t auth_failed; /* SRTP/SRTCP that did not authenticate */
};

/*
 * One DTLS association: on the RTP port, and on the RTCP port of a party
 * that does not use rtcp-mux (RFC 5764 4.1.2: one per component; SRTCP
 * then takes the RTCP one's keys, the RTP one's until it has its own).
 */
struct dtls_conn {
	struct media_dtls *d;
	unsigned comp; /* 0: RTP port, 1: RTCP port (enum stream_kind) */
	SSL *ssl;
	struct event *timer;
	enum dtls_state state;
	struct sockaddr_storage peer; /* the handshake's other end; family 0: none yet */
	int64_t started_us;           /* the last handshake began */
	bool hello_sent;              /* the first flight is out (a server: nothing to send) */
	unsigned waits;               /* timer rounds a client waited for the party's address */
	const char *suite;            /* the SRTP profile's SDES name, once connected */
	struct srtp_dir *in, *out;
};

struct media_dtls {
	struct media *media;
	/* SDP (control thread, call lock held) */
	bool offered;                   /* rtprelay offered DTLS to this party */
	enum dtls_hash hash;            /* of the fingerprint rtprelay shows it */
	bool have_remote;               /* the party's a=fingerprint */
	struct dtls_fingerprint remote; /* (the first one it gave) */
	enum dtls_setup remote_setup;
	bool active;  /* rtprelay is the client (sends ClientHello) */
	bool in_use;  /* DTLS keys this party's SRTP: media waits for them */
	unsigned mtu; /* --dtls-mtu (set with ctx by the SDP side) */
	SSL_CTX *ctx; /* the daemon's (dtls_cert.h); NULL: no DTLS */
	struct stats *totals;
	/* the handshakes (call lock held) */
	struct dtls_conn c[2];
	struct dtls_counters n;
};

/* m's DTLS state, made on first use. Control thread, call lock held. */
struct media_dtls *media_dtls_get(struct media *m);
/* Stops the timer and frees. Control thread (NULL is a no-op). */
void media_dtls_free(struct media_dtls *d);

/*
 * A new handshake in the negotiated role (d->active), on the RTP port and,
 * without rtcp-mux, on the RTCP port; the keys in use stay until it
 * replaces them. An active side sends its ClientHello at once if it knows
 * where the party is, else once it does. Also what an ICE restart calls.
 * Control thread or worker, call lock held.
 */
void dtls_restart(struct media *m);
/* DTLS no longer keys this party: handshake, keys and timer gone. */
void dtls_stop(struct media *m);

/*
 * A datagram whose first byte says DTLS (RFC 7983: 20..63) arrived on s
 * from src: fed to the party's handshake if it is the party's, else
 * dropped and counted. Never relayed. Worker, call lock held.
 */
void dtls_packet(struct stream *s, const uint8_t *p, size_t len, const struct sockaddr_storage *src,
		 int64_t now);

/*
 * SRTP of a party DTLS keys (d->in_use), in place; true: go on (decrypted,
 * or DTLS is not in use for it), false: dropped (counted: no keys yet, or
 * not authentic). Worker, call lock held.
 */
bool dtls_srtp_in(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len);
bool dtls_srtp_out(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len, size_t cap);
/* What the next RTP packet through dtls_srtp_in (out: dtls_srtp_out) will
 * read, as spans at spans[k..n) (prefetch.h); the new k. Worker, call
 * lock held. */
unsigned dtls_srtp_warm(const struct media_dtls *d, bool out, prefetch_span *spans, unsigned k,
			unsigned n);

const char *dtls_state_name(enum dtls_state s);

#endif
