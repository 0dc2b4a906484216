/*
 * srtp_evp_internal: what the srtp_evp_*.c files share (not an API for
 * others; see srtp_evp.h).
 */
#ifndef RTPRELAY_SRTP_EVP_INTERNAL_H
#define RTPRELAY_SRTP_EVP_INTERNAL_H

#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <stddef.h>

/* srtp_evp_register() with these types (tests give it a broken one). */
int srtp_evp_register_these(const srtp_cipher_type_t *const *cts, size_t n,
			    const srtp_auth_type_t *at, const char **why);

/* One more cipher or authenticator object made (any thread). */
void srtp_evp_count_object(void);

#endif
