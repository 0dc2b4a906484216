/*
 * srtp_evp: libsrtp2's ciphers and authenticator on OpenSSL, registered into
 * libsrtp2 in place of its own. libsrtp2 stays the protocol engine (key
 * derivation, ROC, replay window, SRTCP index, MKI); only the primitives
 * under it change: AES-ICM 128/192/256 (AES-CTR; its blocks on the CPU's
 * AES instructions where there are any, aesni.h), AES-GCM 128/256 and
 * HMAC-SHA1.
 *
 * Why: Debian's libsrtp2 is built against NSS, whose per-packet context
 * handling costs several microseconds a packet and grows with the number
 * of sessions; OpenSSL's AES-NI/SHA-NI code under a context made once per
 * session does the same work in a fraction of that.
 *
 * Per packet nothing is allocated and no lock is taken: each cipher and
 * authenticator object holds its OpenSSL context (made at session creation)
 * and is used by one thread at a time, as libsrtp2's own are (the caller
 * serialises a session).
 */
#ifndef RTPRELAY_SRTP_EVP_H
#define RTPRELAY_SRTP_EVP_H

#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <stddef.h>

#include "prefetch.h"

/*
 * Replace libsrtp2's AES-ICM, AES-GCM and HMAC-SHA1 types with these. Call
 * once, after srtp_init() and before any srtp_create() (sessions made
 * before keep the types they were made with). Every type is first checked
 * against its known answers (below); libsrtp2 then checks it against its
 * own built-in ones as it replaces. 0, or -1 with *why saying which type
 * failed: the types not yet replaced stay libsrtp2's own (each replaced
 * one passed both checks, so a mix is still correct). Main thread.
 */
int srtp_evp_register(const char **why);

/* Cipher and authenticator objects these types have made so far (they are
 * made per session, never per packet): tests see which types are in use. */
unsigned long srtp_evp_objects_made(void);

/*
 * The cipher and authenticator objects the calling thread's SRTP packets
 * went through since srtp_evp_used_reset(): srtp_evp_warm() names the
 * memory they will read for the next packet of the same session, for the
 * caller to prefetch (prefetch.h). NULL where none was used (a null
 * authenticator, libsrtp2's own types). Per packet: a few stores.
 */
struct srtp_evp_used {
	const void *cipher, *cipher_ctx, *auth;
	size_t cipher_size, auth_size;
};
void srtp_evp_used_reset(void);
struct srtp_evp_used srtp_evp_used_get(void);
/* u's objects as spans at out[k..n); the new k. Call while they are live. */
unsigned srtp_evp_warm(struct srtp_evp_used u, prefetch_span *out, unsigned k, unsigned n);

/* The types, each with its known-answer vectors as test_data (RFC 3711
 * B.2, RFC 6188 7.1/7.3, the GCM specification's test case 4, RFC 2202). */
extern const srtp_cipher_type_t srtp_evp_aes_icm_128;
extern const srtp_cipher_type_t srtp_evp_aes_icm_192;
extern const srtp_cipher_type_t srtp_evp_aes_icm_256;
extern const srtp_cipher_type_t srtp_evp_aes_gcm_128;
extern const srtp_cipher_type_t srtp_evp_aes_gcm_256;
extern const srtp_auth_type_t srtp_evp_hmac_sha1;

#endif
