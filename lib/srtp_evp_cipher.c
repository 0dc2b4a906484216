/*
 * The cipher object the AES types (srtp_evp_icm.c, srtp_evp_gcm.c) share:
 * libsrtp2's cipher and the OpenSSL context made with it, made and freed
 * the same way for every type; see srtp_evp_internal.h.
 */
#include "srtp_evp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include "srtp_evp_internal.h"

srtp_err_status_t srtp_evp_cipher_alloc(srtp_cipher_pointer_t *cp, int key_len,
					const struct srtp_evp_key_len *lens, size_t n, int salt_len,
					size_t size)
{
	const srtp_cipher_type_t *type = NULL;
	struct srtp_evp_cipher *o;

	for (size_t i = 0; i < n && !type; i++) {
		if (lens[i].key_len == key_len)
			type = lens[i].type;
	}
	if (!type)
		return srtp_err_status_bad_param;
	o = calloc(1, size);
	if (!o)
		return srtp_err_status_alloc_fail;
	o->ctx = EVP_CIPHER_CTX_new();
	if (!o->ctx) {
		free(o);
		return srtp_err_status_alloc_fail;
	}
	o->size = size;
	o->base_len = key_len - salt_len;
	o->c = (srtp_cipher_t){ .type = type,
				.state = o,
				.key_len = key_len,
				.algorithm = type->id };
	*cp = &o->c;
	srtp_evp_count_object();
	return srtp_err_status_ok;
}

srtp_err_status_t srtp_evp_cipher_dealloc(srtp_cipher_pointer_t cp)
{
	struct srtp_evp_cipher *o = (struct srtp_evp_cipher *)cp;

	EVP_CIPHER_CTX_free(o->ctx);
	OPENSSL_cleanse(o, o->size);
	free(o);
	return srtp_err_status_ok;
}
