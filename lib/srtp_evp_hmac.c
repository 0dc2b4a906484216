/*
 * HMAC-SHA1 (RFC 2104) for libsrtp2's SRTP/SRTCP authentication, on
 * OpenSSL's SHA-1; see srtp_evp.h.
 *
 * The key is fixed for a session, so the SHA-1 states after the key's
 * ipad and opad blocks are computed once (init) and copied per packet:
 * two compression calls and no allocation instead of four and OpenSSL's
 * HMAC/EVP_MAC context copies (which allocate under OpenSSL 3). SHA_CTX is
 * a plain struct, so the copy is a struct assignment. The low-level SHA-1
 * calls are deprecated in OpenSSL 3 (still built by Debian); EVP has no way
 * to resume from a saved state without allocating.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "srtp_evp.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "srtp_evp_internal.h"

#define BLOCK 64

struct hmac {
	SHA_CTX inner; /* after key XOR ipad */
	SHA_CTX outer; /* after key XOR opad */
	SHA_CTX work;  /* this message so far */
};

struct hmac_object {
	srtp_auth_t a;
	struct hmac s;
};

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
	struct hmac_object *o;

	/* keys longer than a block would be hashed first: SRTP's are 20 bytes */
	if (key_len < 0 || key_len > BLOCK || out_len < 0 || out_len > SHA_DIGEST_LENGTH)
		return srtp_err_status_bad_param;
	o = calloc(1, sizeof(*o));
	if (!o)
		return srtp_err_status_alloc_fail;
	o->a = (srtp_auth_t){ .type = &srtp_evp_hmac_sha1,
			      .state = &o->s,
			      .out_len = out_len,
			      .key_len = key_len };
	*ap = &o->a;
	srtp_evp_count_object();
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t ap)
{
	OPENSSL_cleanse(ap, sizeof(struct hmac_object));
	free(ap);
	return srtp_err_status_ok;
}

/* The keyed states; the work state starts a message (as start()). */
static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len)
{
	struct hmac *s = state;
	uint8_t pad[BLOCK];

	if (key_len < 0 || key_len > BLOCK)
		return srtp_err_status_bad_param;
	memset(pad, 0x36, sizeof(pad));
	for (int i = 0; i < key_len; i++)
		pad[i] ^= key[i];
	if (!SHA1_Init(&s->inner) || !SHA1_Update(&s->inner, pad, sizeof(pad)))
		return srtp_err_status_auth_fail;
	for (int i = 0; i < BLOCK; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (!SHA1_Init(&s->outer) || !SHA1_Update(&s->outer, pad, sizeof(pad)))
		return srtp_err_status_auth_fail;
	OPENSSL_cleanse(pad, sizeof(pad));
	s->work = s->inner;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *state)
{
	struct hmac *s = state;

	s->work = s->inner;
	srtp_evp_note_auth((const char *)s - offsetof(struct hmac_object, s),
			   sizeof(struct hmac_object));
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *buf, int len)
{
	struct hmac *s = state;

	if (len < 0)
		return srtp_err_status_bad_param;
	SHA1_Update(&s->work, buf, (size_t)len);
	return srtp_err_status_ok;
}

/* The last piece of the message, then tag_len bytes of the MAC into tag. */
static srtp_err_status_t hmac_compute(void *state, const uint8_t *buf, int len, int tag_len,
				      uint8_t *tag)
{
	struct hmac *s = state;
	uint8_t h[SHA_DIGEST_LENGTH];

	if (len < 0 || tag_len < 0 || tag_len > SHA_DIGEST_LENGTH)
		return srtp_err_status_bad_param;
	SHA1_Update(&s->work, buf, (size_t)len);
	SHA1_Final(h, &s->work);
	s->work = s->outer;
	SHA1_Update(&s->work, h, sizeof(h));
	SHA1_Final(h, &s->work);
	memcpy(tag, h, (size_t)tag_len);
	return srtp_err_status_ok;
}

/* RFC 2202 test cases 1 and 2 */
static const uint8_t kat1_key[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t kat1_data[8] = "Hi There";
static const uint8_t kat1_mac[20] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const uint8_t kat2_key[4] = "Jefe";
static const uint8_t kat2_data[28] = "what do ya want for nothing?";
static const uint8_t kat2_mac[20] = {
	0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
	0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79,
};
static const srtp_auth_test_case_t kat2 = {
	.key_length_octets = sizeof(kat2_key),
	.key = kat2_key,
	.data_length_octets = sizeof(kat2_data),
	.data = kat2_data,
	.tag_length_octets = sizeof(kat2_mac),
	.tag = kat2_mac,
};
static const srtp_auth_test_case_t kat1 = {
	.key_length_octets = sizeof(kat1_key),
	.key = kat1_key,
	.data_length_octets = sizeof(kat1_data),
	.data = kat1_data,
	.tag_length_octets = sizeof(kat1_mac),
	.tag = kat1_mac,
	.next_test_case = &kat2,
};

const srtp_auth_type_t srtp_evp_hmac_sha1 = {
	.alloc = hmac_alloc,
	.dealloc = hmac_dealloc,
	.init = hmac_init,
	.compute = hmac_compute,
	.update = hmac_update,
	.start = hmac_start,
	.description = "HMAC-SHA1 (OpenSSL SHA-1, keyed states kept)",
	.test_data = &kat1,
	.id = SRTP_HMAC_SHA1,
};
