/* Registering the OpenSSL-backed types into libsrtp2; see srtp_evp.h. */
#include "srtp_evp.h"

#include <stdatomic.h>
#include <stddef.h>

#include "srtp_evp_internal.h"

static atomic_ulong objects_made;
static _Thread_local struct srtp_evp_used used;

/* OpenSSL's EVP_CIPHER_CTX is opaque: the bytes at its start that an
 * update reads (its method, flags and provider context pointers) */
#define EVP_CTX_BYTES 192

void srtp_evp_count_object(void)
{
	atomic_fetch_add_explicit(&objects_made, 1, memory_order_relaxed);
}

unsigned long srtp_evp_objects_made(void)
{
	return atomic_load_explicit(&objects_made, memory_order_relaxed);
}

bool srtp_evp_force_openssl;

void srtp_evp_note_cipher(const struct srtp_evp_cipher *o, bool uses_ctx)
{
	used.cipher = o;
	used.cipher_size = o->size;
	used.cipher_ctx = uses_ctx ? o->ctx : NULL;
}

void srtp_evp_note_auth(const void *o, size_t size)
{
	used.auth = o;
	used.auth_size = size;
}

void srtp_evp_used_reset(void)
{
	used = (struct srtp_evp_used){ 0 };
}

struct srtp_evp_used srtp_evp_used_get(void)
{
	return used;
}

unsigned srtp_evp_warm(struct srtp_evp_used u, prefetch_span *out, unsigned k, unsigned n)
{
	k = prefetch_span_add(out, k, n, u.cipher, u.cipher_size);
	k = prefetch_span_add(out, k, n, u.cipher_ctx, EVP_CTX_BYTES);
	return prefetch_span_add(out, k, n, u.auth, u.auth_size);
}

static const srtp_cipher_type_t *const ciphers[] = {
	&srtp_evp_aes_icm_128, &srtp_evp_aes_icm_192, &srtp_evp_aes_icm_256,
	&srtp_evp_aes_gcm_128, &srtp_evp_aes_gcm_256,
};

int srtp_evp_register_these(const srtp_cipher_type_t *const *cts, size_t n,
			    const srtp_auth_type_t *at, const char **why)
{
	/* all checked before any is replaced: a failure leaves libsrtp2 as it was */
	for (size_t i = 0; i < n; i++) {
		if (srtp_cipher_type_self_test(cts[i]) != srtp_err_status_ok) {
			*why = cts[i]->description;
			return -1;
		}
	}
	if (srtp_auth_type_self_test(at) != srtp_err_status_ok) {
		*why = at->description;
		return -1;
	}
	/* libsrtp2 checks each against its own type's known answers too */
	for (size_t i = 0; i < n; i++) {
		if (srtp_replace_cipher_type(cts[i], cts[i]->id) != srtp_err_status_ok) {
			*why = cts[i]->description;
			return -1;
		}
	}
	if (srtp_replace_auth_type(at, at->id) != srtp_err_status_ok) {
		*why = at->description;
		return -1;
	}
	return 0;
}

int srtp_evp_register(const char **why)
{
	return srtp_evp_register_these(ciphers, sizeof(ciphers) / sizeof(ciphers[0]),
				       &srtp_evp_hmac_sha1, why);
}
