/* AES with the CPU's AES instructions; see aesni.h. */
#include "aesni.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#ifdef HAVE_X86

bool aesni_available(void)
{
	__builtin_cpu_init(); /* callable before constructors have run */
	return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse2");
}

/* FIPS-197 5.2's SubWord of a word (its bytes in key order, as loaded
 * little-endian): AESKEYGENASSIST's low 32 bits are SubWord of its
 * second word. */
__attribute__((target("aes,sse2"))) static uint32_t sub_word(uint32_t w)
{
	return (uint32_t)_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0),
								     0));
}

bool aesni_set_key(struct aesni_key *k, const uint8_t *key, unsigned len)
{
	static const uint8_t rcon[11] = { 0,    0x01, 0x02, 0x04, 0x08, 0x10,
					  0x20, 0x40, 0x80, 0x1b, 0x36 };
	uint32_t w[60];
	unsigned nk = len / 4;

	if ((len != 16 && len != 24 && len != 32) || !aesni_available())
		return false;
	k->rounds = nk + 6;
	memcpy(w, key, len);
	for (unsigned i = nk; i < 4 * (k->rounds + 1); i++) {
		uint32_t t = w[i - 1];

		if (i % nk == 0)
			/* RotWord: the first byte to the end, i.e. 8 bits down */
			t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / nk];
		else if (nk > 6 && i % nk == 4)
			t = sub_word(t);
		w[i] = w[i - nk] ^ t;
	}
	memcpy(k->rk, w, 16 * (k->rounds + 1));
	memset(w, 0, sizeof(w));
	__asm__ volatile("" : : "r"(w) : "memory"); /* the wipe stays */
	return true;
}

__attribute__((target("aes,sse2"))) void
aesni_encrypt_blocks(const struct aesni_key *k, const uint8_t *in, uint8_t *out, unsigned n)
{
	__m128i rk[15];
	unsigned r, nr = k->rounds;

	for (r = 0; r <= nr; r++)
		rk[r] = _mm_loadu_si128((const __m128i *)k->rk[r]);
	/* four at a time: the instructions pipeline across blocks */
	for (; n >= 4; n -= 4, in += 64, out += 64) {
		__m128i b0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), rk[0]);
		__m128i b1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16)), rk[0]);
		__m128i b2 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 32)), rk[0]);
		__m128i b3 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 48)), rk[0]);

		for (r = 1; r < nr; r++) {
			b0 = _mm_aesenc_si128(b0, rk[r]);
			b1 = _mm_aesenc_si128(b1, rk[r]);
			b2 = _mm_aesenc_si128(b2, rk[r]);
			b3 = _mm_aesenc_si128(b3, rk[r]);
		}
		_mm_storeu_si128((__m128i *)out, _mm_aesenclast_si128(b0, rk[nr]));
		_mm_storeu_si128((__m128i *)(out + 16), _mm_aesenclast_si128(b1, rk[nr]));
		_mm_storeu_si128((__m128i *)(out + 32), _mm_aesenclast_si128(b2, rk[nr]));
		_mm_storeu_si128((__m128i *)(out + 48), _mm_aesenclast_si128(b3, rk[nr]));
	}
	for (; n; n--, in += 16, out += 16) {
		__m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), rk[0]);

		for (r = 1; r < nr; r++)
			b = _mm_aesenc_si128(b, rk[r]);
		_mm_storeu_si128((__m128i *)out, _mm_aesenclast_si128(b, rk[nr]));
	}
}

#else /* no AES instructions in this build: OpenSSL does it all */

bool aesni_available(void)
{
	return false;
}

bool aesni_set_key(struct aesni_key *k, const uint8_t *key, unsigned len)
{
	(void)k, (void)key, (void)len;
	return false;
}

void aesni_encrypt_blocks(const struct aesni_key *k, const uint8_t *in, uint8_t *out, unsigned n)
{
	(void)k, (void)in, (void)out, (void)n;
}

#endif
