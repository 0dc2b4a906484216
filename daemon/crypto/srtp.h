/*
 * srtp: one direction of SRTP/SRTCP for one party (libsrtp2): a session
 * made from an SDES key, that either decrypts what the party sends
 * (inbound: authentication and replay checked) or encrypts what is sent to
 * it (outbound). Not thread-safe: the caller holds the call lock, as the
 * packet path does for everything else of a call.
 */
#ifndef RTPRELAY_CRYPTO_SRTP_H
#define RTPRELAY_CRYPTO_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefetch.h"
#include "sdes.h"

struct srtp_dir;

/* Once, before any session (main thread): libsrtp2, with its crypto on
 * OpenSSL (srtp_evp.h; if that fails, one warning and libsrtp2's own).
 * 0 or -1. */
int srtp_dir_library_init(void);

/* A session for c's suite and key, or NULL (unimplemented suite, bad key);
 * *why then says why. */
struct srtp_dir *srtp_dir_new(const struct sdes_crypto *c, bool inbound, const char **why);
void srtp_dir_free(struct srtp_dir *d); /* NULL is a no-op */

enum srtp_result {
	SRTP_OK,
	SRTP_AUTH_FAIL, /* wrong tag, or not SRTP at all */
	SRTP_REPLAY,    /* seen before, or too old for the replay window */
	SRTP_NO_ROOM,   /* no room in the buffer for the tag (outbound) */
	SRTP_ERROR,     /* anything else (too short, ...) */
};

/* The bytes protect() may add to a packet at most (tag, SRTCP index, MKI). */
#define SRTP_DIR_MAX_GROWTH 32

/* In place; *len changes. cap: bytes available at p. */
enum srtp_result srtp_dir_unprotect(struct srtp_dir *d, bool rtcp, uint8_t *p, size_t *len);
enum srtp_result srtp_dir_protect(struct srtp_dir *d, bool rtcp, uint8_t *p, size_t *len,
				  size_t cap);

/* What the next packet through d will read (d's own state, libsrtp2's
 * session head, the cipher and authenticator objects the last packet
 * used) as spans at out[k..n) (prefetch.h); the new k. NULL adds nothing.
 * Call lock held. */
unsigned srtp_dir_warm(const struct srtp_dir *d, prefetch_span *out, unsigned k, unsigned n);

#endif
