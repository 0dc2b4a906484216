/*
 * AES-GCM for SRTP (RFC 7714) for libsrtp2, on OpenSSL's AES-GCM; see
 * srtp_evp.h.
 *
 * libsrtp2 makes the 12-byte IV itself (salt XOR SSRC/ROC/SEQ) and hands
 * it over per packet with the direction, then the AAD (in one or more
 * pieces: SRTCP adds its index), then the payload. Encrypting, the tag is
 * fetched separately (get_tag) and appended by libsrtp2; decrypting, the
 * buffer ends with the tag, which is checked and taken off the length.
 */
#include "srtp_evp.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>

#include "srtp_evp_internal.h"

#define SALT_LEN 12
#define IV_LEN 12

struct gcm {
	struct srtp_evp_cipher base; /* first: the state is the whole object */
	int tag_len;
	bool encrypt; /* the direction set_iv was given */
};

static const struct srtp_evp_key_len gcm_key_lens[] = {
	{ 16 + SALT_LEN, &srtp_evp_aes_gcm_128 },
	{ 32 + SALT_LEN, &srtp_evp_aes_gcm_256 },
};

static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
	srtp_err_status_t err;

	if (tag_len != 16 && tag_len != 8)
		return srtp_err_status_bad_param;
	err = srtp_evp_cipher_alloc(cp, key_len, gcm_key_lens,
				    sizeof(gcm_key_lens) / sizeof(gcm_key_lens[0]), SALT_LEN,
				    sizeof(struct gcm));
	if (err == srtp_err_status_ok)
		((struct gcm *)*cp)->tag_len = tag_len;
	return err;
}

/* key: the AES key (the salt after it is libsrtp2's business). */
static srtp_err_status_t gcm_init(void *state, const uint8_t *key)
{
	struct gcm *s = state;
	const EVP_CIPHER *evp = s->base.base_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();

	if (EVP_CipherInit_ex(s->base.ctx, evp, NULL, key, NULL, 1) != 1)
		return srtp_err_status_init_fail;
	s->encrypt = true;
	return srtp_err_status_ok;
}

/* Per packet: a new IV and direction; AAD and text follow. */
static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct gcm *s = state;

	if (dir != srtp_direction_encrypt && dir != srtp_direction_decrypt)
		return srtp_err_status_bad_param;
	s->encrypt = dir == srtp_direction_encrypt;
	if (EVP_CipherInit_ex(s->base.ctx, NULL, NULL, NULL, iv, s->encrypt) != 1)
		return srtp_err_status_cipher_fail;
	srtp_evp_note_cipher(&s->base, true);
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad, uint32_t len)
{
	struct gcm *s = state;
	int out;

	if (len > INT32_MAX)
		return srtp_err_status_bad_param;
	if (len && EVP_CipherUpdate(s->base.ctx, NULL, &out, aad, (int)len) != 1)
		return srtp_err_status_algo_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct gcm *s = state;
	int out;

	if (!s->encrypt || *len > INT32_MAX)
		return srtp_err_status_bad_param;
	if (*len && EVP_CipherUpdate(s->base.ctx, buf, &out, buf, (int)*len) != 1)
		return srtp_err_status_cipher_fail;
	return srtp_err_status_ok;
}

/* After encrypt: the tag of this packet (AAD and text). */
static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag, uint32_t *len)
{
	struct gcm *s = state;
	uint8_t none[16];
	int out;

	if (!s->encrypt)
		return srtp_err_status_bad_param;
	if (EVP_CipherFinal_ex(s->base.ctx, none, &out) != 1 ||
	    EVP_CIPHER_CTX_ctrl(s->base.ctx, EVP_CTRL_GCM_GET_TAG, s->tag_len, tag) != 1)
		return srtp_err_status_algo_fail;
	*len = (uint32_t)s->tag_len;
	return srtp_err_status_ok;
}

/* buf[0..*len) is the ciphertext and then the tag: decrypted in place when
 * the tag is right (else auth_fail), *len then without the tag. */
static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct gcm *s = state;
	uint8_t none[16];
	unsigned text;
	int out;

	if (s->encrypt || *len > INT32_MAX)
		return srtp_err_status_bad_param;
	if (*len < (unsigned)s->tag_len)
		return srtp_err_status_auth_fail;
	text = *len - (unsigned)s->tag_len;
	if (EVP_CIPHER_CTX_ctrl(s->base.ctx, EVP_CTRL_GCM_SET_TAG, s->tag_len, buf + text) != 1)
		return srtp_err_status_algo_fail;
	if (text && EVP_CipherUpdate(s->base.ctx, buf, &out, buf, (int)text) != 1)
		return srtp_err_status_cipher_fail;
	if (EVP_CipherFinal_ex(s->base.ctx, none, &out) != 1)
		return srtp_err_status_auth_fail;
	*len = text;
	return srtp_err_status_ok;
}

/*
 * The GCM specification's (McGrew and Viega) test case 4, 128 and the
 * 256-bit variant (its test case 16): AAD of 20 bytes, 60 bytes of text;
 * the ciphertext is followed by the 16-byte tag. key||salt, the IV in idx.
 */
static const uint8_t kat_text[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26,
	0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31,
	0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49,
	0xa6, 0xb5, 0x25, 0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39,
};
static const uint8_t kat_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
	0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2,
};
static uint8_t kat_iv[16] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88
};
static const uint8_t kat128_key[16 + SALT_LEN] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30,
	0x83, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
};
static const uint8_t kat128_sealed[76] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84,
	0xd0, 0xd4, 0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1,
	0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93,
	0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05, 0x1b, 0xa3, 0x0b, 0x39,
	0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91, 0x5b, 0xc9, 0x4f, 0xbc, 0x32,
	0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47,
};
static const uint8_t kat256_key[32 + SALT_LEN] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0xa5, 0x59, 0x09, 0xc5, 0x54, 0x66, 0x93,
	0x1c, 0xaf, 0xf5, 0x26, 0x9a, 0x21, 0xd5, 0x14, 0xb2, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30,
	0x83, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
};
static const uint8_t kat256_sealed[76] = {
	0x0b, 0x11, 0xcf, 0xaf, 0x68, 0x4d, 0xae, 0x46, 0xc7, 0x90, 0xb8, 0x8e, 0xb7,
	0x6a, 0x76, 0x2a, 0x94, 0x82, 0xca, 0xab, 0x3e, 0x39, 0xd7, 0x86, 0x1b, 0xc7,
	0x93, 0xed, 0x75, 0x7f, 0x23, 0x5a, 0xda, 0xfd, 0xd3, 0xe2, 0x0e, 0x80, 0x87,
	0xa9, 0x6d, 0xd7, 0xe2, 0x6a, 0x7d, 0x5f, 0xb4, 0x80, 0xef, 0xef, 0xc5, 0x29,
	0x12, 0xd1, 0xaa, 0x10, 0x09, 0xc9, 0x86, 0xc1, 0x45, 0xbc, 0x03, 0xe6, 0xe1,
	0xac, 0x0a, 0x9f, 0x81, 0xcb, 0x8e, 0x5b, 0x46, 0x65, 0x63, 0x1d,
};

static const srtp_cipher_test_case_t kat128 = {
	.key_length_octets = sizeof(kat128_key),
	.key = kat128_key,
	.idx = kat_iv,
	.plaintext_length_octets = sizeof(kat_text),
	.plaintext = kat_text,
	.ciphertext_length_octets = sizeof(kat128_sealed),
	.ciphertext = kat128_sealed,
	.aad_length_octets = sizeof(kat_aad),
	.aad = kat_aad,
	.tag_length_octets = 16,
};
static const srtp_cipher_test_case_t kat256 = {
	.key_length_octets = sizeof(kat256_key),
	.key = kat256_key,
	.idx = kat_iv,
	.plaintext_length_octets = sizeof(kat_text),
	.plaintext = kat_text,
	.ciphertext_length_octets = sizeof(kat256_sealed),
	.ciphertext = kat256_sealed,
	.aad_length_octets = sizeof(kat_aad),
	.aad = kat_aad,
	.tag_length_octets = 16,
};

#define GCM_TYPE(bits, kat)                                                               \
	{                                                                                 \
		.alloc = gcm_alloc, .dealloc = srtp_evp_cipher_dealloc, .init = gcm_init, \
		.set_aad = gcm_set_aad, .encrypt = gcm_encrypt, .decrypt = gcm_decrypt,   \
		.set_iv = gcm_set_iv, .get_tag = gcm_get_tag,                             \
		.description = "AES-" #bits " GCM (OpenSSL)", .test_data = &(kat),        \
		.id = SRTP_AES_GCM_##bits,                                                \
	}

const srtp_cipher_type_t srtp_evp_aes_gcm_128 = GCM_TYPE(128, kat128);
const srtp_cipher_type_t srtp_evp_aes_gcm_256 = GCM_TYPE(256, kat256);
