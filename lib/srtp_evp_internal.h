/*
 * srtp_evp_internal: what the srtp_evp_*.c files share (not an API for
 * others; see srtp_evp.h).
 */
#ifndef RTPRELAY_SRTP_EVP_INTERNAL_H
#define RTPRELAY_SRTP_EVP_INTERNAL_H

#include <openssl/evp.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <stdbool.h>
#include <stddef.h>

/* srtp_evp_register() with these types (tests give it a broken one). */
int srtp_evp_register_these(const srtp_cipher_type_t *const *cts, size_t n,
			    const srtp_auth_type_t *at, const char **why);

/* Tests: AES-ICM objects initialised while this is set use OpenSSL's
 * ECB even where the CPU's AES instructions are there (aesni.h). */
extern bool srtp_evp_force_openssl;

/* One more cipher or authenticator object made (any thread). */
void srtp_evp_count_object(void);

/*
 * What every AES cipher object starts with (srtp_evp_cipher.c): libsrtp2's
 * cipher, whose state is the whole object, and the OpenSSL context made
 * with it. A type's object embeds this as its first member and is the
 * state its functions get.
 */
struct srtp_evp_cipher {
	srtp_cipher_t c;
	EVP_CIPHER_CTX *ctx;
	size_t size;  /* of the whole object */
	int base_len; /* AES key bytes: the key length less the salt */
};

/* A packet goes through this cipher object (and its OpenSSL context, if
 * uses_ctx) or this authenticator object (size bytes):
 * srtp_evp_used_get() reports it. */
void srtp_evp_note_cipher(const struct srtp_evp_cipher *o, bool uses_ctx);
void srtp_evp_note_auth(const void *o, size_t size);

/* A key length of a type family and the type (its id, libsrtp2's
 * algorithm) that serves it. */
struct srtp_evp_key_len {
	int key_len;
	const srtp_cipher_type_t *type;
};

/*
 * libsrtp2's alloc for an AES family: by key_len, the type of lens[0..n);
 * an object of size bytes (at least struct srtp_evp_cipher), zeroed, with
 * its context, base_len = key_len - salt_len, and *cp its cipher, counted.
 * ok; bad_param for a key length not in lens; alloc_fail. Any thread.
 */
srtp_err_status_t srtp_evp_cipher_alloc(srtp_cipher_pointer_t *cp, int key_len,
					const struct srtp_evp_key_len *lens, size_t n, int salt_len,
					size_t size);

/* libsrtp2's dealloc for such an object: its context freed, the object
 * wiped and freed. ok. */
srtp_err_status_t srtp_evp_cipher_dealloc(srtp_cipher_pointer_t cp);

#endif
