/*
 * AES in integer counter mode (RFC 3711 4.1.1; RFC 6188 for 192 and 256-bit
 * keys) for libsrtp2; see srtp_evp.h.
 *
 * libsrtp2 hands the cipher key||salt (14-byte salt) at init, then per
 * packet a 16-byte IV that the cipher XORs with the salt to get the first
 * counter block (the last two bytes, the block counter, start at zero).
 * Its key derivation uses the same type, with the label in the IV.
 *
 * The keystream is AES-ECB of the counter blocks, made here: a new IV per
 * packet is then a 16-byte XOR, where OpenSSL's CTR mode would re-run its
 * context initialisation (parameter lookups through the provider) for
 * every packet. The blocks are encrypted with the CPU's AES instructions
 * and the key schedule in this object (aesni.h: no OpenSSL object to miss
 * in the cache per packet), or, on a CPU without them, by OpenSSL's ECB,
 * the blocks of one call in one update.
 */
#include "srtp_evp.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>

#include "aesni.h"
#include "srtp_evp_internal.h"

#define SALT_LEN 14
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

#define CHUNK_BLOCKS 32 /* counter blocks encrypted per OpenSSL call */

struct icm {
	struct srtp_evp_cipher base; /* first: the state is the whole object */
	uint8_t salt[16];            /* the 14-byte salt, then the zero block counter */
	uint8_t counter[16];         /* the next counter block to encrypt */
	uint8_t ks[16];              /* the last keystream block made ... */
	unsigned ks_used;            /* ... and how much of it was used (16: all) */
	bool ni;                     /* the blocks by aesni (key below), not OpenSSL */
	struct aesni_key key;
};

/* by the key length, as libsrtp2's own: its key derivation asks for the
 * AES-256 one for 192-bit suites too */
static const struct srtp_evp_key_len icm_key_lens[] = {
	{ 16 + SALT_LEN, &srtp_evp_aes_icm_128 },
	{ 24 + SALT_LEN, &srtp_evp_aes_icm_192 },
	{ 32 + SALT_LEN, &srtp_evp_aes_icm_256 },
};

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
	return srtp_evp_cipher_alloc(cp, key_len, icm_key_lens,
				     sizeof(icm_key_lens) / sizeof(icm_key_lens[0]), SALT_LEN,
				     sizeof(struct icm));
}

static const EVP_CIPHER *ecb_cipher(int base_len)
{
	switch (base_len) {
	case 16:
		return EVP_aes_128_ecb();
	case 24:
		return EVP_aes_192_ecb();
	default:
		return EVP_aes_256_ecb();
	}
}

/* The counter block after c: big-endian + 1 over all 128 bits, as
 * OpenSSL's CTR mode (RFC 3711 counts in the last 16 bits only; packets
 * stay far below 2^16 blocks, where the two agree). */
static void next_counter(uint8_t c[16])
{
	for (int i = 15; i >= 0 && ++c[i] == 0; i--)
		;
}

/* n keystream blocks (n <= CHUNK_BLOCKS) from the counter on, into out;
 * the counter moves past them. */
static bool keystream(struct icm *s, uint8_t *out, unsigned n)
{
	uint8_t in[CHUNK_BLOCKS * 16];
	int len;

	for (unsigned i = 0; i < n; i++) {
		memcpy(in + 16 * i, s->counter, 16);
		next_counter(s->counter);
	}
	if (s->ni) {
		aesni_encrypt_blocks(&s->key, in, out, n);
		return true;
	}
	return EVP_EncryptUpdate(s->base.ctx, out, &len, in, (int)(16 * n)) == 1 &&
	       len == (int)(16 * n);
}

static void xor_into(uint8_t *buf, const uint8_t *ks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] ^= ks[i];
}

/* key: the AES key, then the salt. */
static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
	struct icm *s = state;

	memset(s->salt, 0, sizeof(s->salt));
	memcpy(s->salt, key + s->base.base_len, SALT_LEN);
	memcpy(s->counter, s->salt, sizeof(s->counter));
	s->ks_used = sizeof(s->ks);
	/* the CPU's AES instructions with the schedule here when it has them
	 * (see aesni.h), else OpenSSL's ECB */
	s->ni = !srtp_evp_force_openssl && aesni_set_key(&s->key, key, (unsigned)s->base.base_len);
	if (s->ni)
		return srtp_err_status_ok;
	if (EVP_EncryptInit_ex(s->base.ctx, ecb_cipher(s->base.base_len), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(s->base.ctx, 0) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

/* Per packet: the counter block is salt XOR iv; the keystream restarts. */
static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct icm *s = state;

	for (int i = 0; i < 16; i++)
		s->counter[i] = s->salt[i] ^ iv[i];
	s->ks_used = sizeof(s->ks);
	srtp_evp_note_cipher(&s->base, !s->ni);
	return srtp_err_status_ok;
}

/* XOR the keystream into buf, in place; the keystream goes on from where
 * the previous call left it (libsrtp2 may call twice after one IV). */
static srtp_err_status_t icm_crypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct icm *s = state;
	uint8_t ks[CHUNK_BLOCKS * 16];
	size_t left = *len, n;

	/* what the last call left of its last block */
	n = MIN(left, sizeof(s->ks) - s->ks_used);
	xor_into(buf, s->ks + s->ks_used, n);
	s->ks_used += (unsigned)n;
	buf += n;
	left -= n;
	while (left >= 16) {
		unsigned blocks = (unsigned)MIN(left / 16, CHUNK_BLOCKS);

		if (!keystream(s, ks, blocks))
			return srtp_err_status_cipher_fail;
		xor_into(buf, ks, 16 * (size_t)blocks);
		buf += 16 * (size_t)blocks;
		left -= 16 * (size_t)blocks;
	}
	if (left) {
		if (!keystream(s, s->ks, 1))
			return srtp_err_status_cipher_fail;
		xor_into(buf, s->ks, left);
		s->ks_used = (unsigned)left;
	}
	return srtp_err_status_ok;
}

/* RFC 3711 B.2 (its first three keystream blocks; key||salt, IV zero) */
static const uint8_t kat128_key[16 + SALT_LEN] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
	0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t kat128_keystream[48] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d,
	0xd9, 0x2b, 0x4e, 0xb4, 0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7,
	0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab, 0x41, 0xe9, 0x5b, 0x3b,
	0xb0, 0xa2, 0xe8, 0xdd, 0x47, 0x79, 0x01, 0xe4, 0xfc, 0xa8, 0x94, 0xc0,
};
/* RFC 6188 7.1 (AES-192) and 7.3 (AES-256): the first two blocks, same salt */
static const uint8_t kat192_key[24 + SALT_LEN] = {
	0xea, 0xb2, 0x34, 0x76, 0x4e, 0x51, 0x7b, 0x2d, 0x3d, 0x16, 0x0d, 0x58, 0x7d,
	0x8c, 0x86, 0x21, 0x97, 0x40, 0xf6, 0x5f, 0x99, 0xb6, 0xbc, 0xf7, 0xf0, 0xf1,
	0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t kat192_keystream[32] = {
	0x35, 0x09, 0x6c, 0xba, 0x46, 0x10, 0x02, 0x8d, 0xc1, 0xb5, 0x75,
	0x03, 0x80, 0x4c, 0xe3, 0x7c, 0x5d, 0xe9, 0x86, 0x29, 0x1d, 0xcc,
	0xe1, 0x61, 0xd5, 0x16, 0x5e, 0xc4, 0x56, 0x8f, 0x5c, 0x9a,
};
static const uint8_t kat256_key[32 + SALT_LEN] = {
	0x57, 0xf8, 0x2f, 0xe3, 0x61, 0x3f, 0xd1, 0x70, 0xa8, 0x5e, 0xc9, 0x3c,
	0x40, 0xb1, 0xf0, 0x92, 0x2e, 0xc4, 0xcb, 0x0d, 0xc0, 0x25, 0xb5, 0x82,
	0x72, 0x14, 0x7c, 0xc4, 0x38, 0x94, 0x4a, 0x98, 0xf0, 0xf1, 0xf2, 0xf3,
	0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t kat256_keystream[32] = {
	0x92, 0xbd, 0xd2, 0x8a, 0x93, 0xc3, 0xf5, 0x25, 0x11, 0xc6, 0x77,
	0xd0, 0x8b, 0x55, 0x15, 0xa4, 0x9d, 0xa7, 0x1b, 0x23, 0x78, 0xa8,
	0x54, 0xf6, 0x70, 0x50, 0x75, 0x6d, 0xed, 0x16, 0x5b, 0xac,
};
static const uint8_t zeros[48];
static uint8_t zero_iv[16]; /* not const: libsrtp2's test case type says so */

static const srtp_cipher_test_case_t kat128 = {
	.key_length_octets = sizeof(kat128_key),
	.key = kat128_key,
	.idx = zero_iv,
	.plaintext_length_octets = sizeof(kat128_keystream),
	.plaintext = zeros,
	.ciphertext_length_octets = sizeof(kat128_keystream),
	.ciphertext = kat128_keystream,
};
static const srtp_cipher_test_case_t kat192 = {
	.key_length_octets = sizeof(kat192_key),
	.key = kat192_key,
	.idx = zero_iv,
	.plaintext_length_octets = sizeof(kat192_keystream),
	.plaintext = zeros,
	.ciphertext_length_octets = sizeof(kat192_keystream),
	.ciphertext = kat192_keystream,
};
static const srtp_cipher_test_case_t kat256 = {
	.key_length_octets = sizeof(kat256_key),
	.key = kat256_key,
	.idx = zero_iv,
	.plaintext_length_octets = sizeof(kat256_keystream),
	.plaintext = zeros,
	.ciphertext_length_octets = sizeof(kat256_keystream),
	.ciphertext = kat256_keystream,
};

#define ICM_TYPE(bits, kat)                                                               \
	{                                                                                 \
		.alloc = icm_alloc, .dealloc = srtp_evp_cipher_dealloc, .init = icm_init, \
		.encrypt = icm_crypt, .decrypt = icm_crypt, .set_iv = icm_set_iv,         \
		.description = "AES-" #bits " integer counter mode (OpenSSL)",            \
		.test_data = &(kat), .id = SRTP_AES_ICM_##bits,                           \
	}

const srtp_cipher_type_t srtp_evp_aes_icm_128 = ICM_TYPE(128, kat128);
const srtp_cipher_type_t srtp_evp_aes_icm_192 = ICM_TYPE(192, kat192);
const srtp_cipher_type_t srtp_evp_aes_icm_256 = ICM_TYPE(256, kat256);
