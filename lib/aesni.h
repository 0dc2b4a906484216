/*
 * aesni: AES-128/192/256 block encryption with the CPU's AES instructions,
 * the round keys held in the caller's object.
 *
 * Why: SRTP's AES counter mode (srtp_evp_icm.c) encrypts a handful of
 * counter blocks per packet. Through OpenSSL's EVP each call reaches the
 * key schedule by way of the context and the provider's own object: with
 * many sessions those are cache misses per packet that nobody can prefetch
 * (their addresses are OpenSSL's). Here the schedule sits in the cipher
 * object itself, next to the counter.
 *
 * Encryption only (counter mode needs nothing else). The key expansion is
 * FIPS-197's, with SubWord done by AESKEYGENASSIST: no table indexed by key
 * bytes. Where the CPU lacks the instructions (aesni_available() false) the
 * caller keeps using OpenSSL.
 */
#ifndef RTPRELAY_AESNI_H
#define RTPRELAY_AESNI_H

#include <stdbool.h>
#include <stdint.h>

struct aesni_key {
	uint8_t rk[15][16]; /* round keys 0..rounds */
	unsigned rounds;    /* 10, 12 or 14 */
};

/* The CPU has the AES instructions (and this build can use them). */
bool aesni_available(void);

/* Expand a 16, 24 or 32-byte key; false for any other length, or when
 * !aesni_available(). */
bool aesni_set_key(struct aesni_key *k, const uint8_t *key, unsigned len);

/* n 16-byte blocks from in to out (may be the same), ECB. */
void aesni_encrypt_blocks(const struct aesni_key *k, const uint8_t *in, uint8_t *out, unsigned n);

#endif
