/* aesni: the key schedule and block encryption against OpenSSL's AES-ECB
 * and FIPS-197's own example vectors. */
#include "aesni.h"
#include "test.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

TEST_MAIN()

static void hex(uint8_t *dst, const char *s)
{
	for (; s[0] && s[1]; s += 2)
		*dst++ = (uint8_t)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
}

/* FIPS-197 appendix C: plaintext 00112233..ff under 000102..1f keys */
TEST(fips197_appendix_c)
{
	static const char *const keys[] = {
		"000102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0f1011121314151617",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};
	static const char *const want[] = {
		"69c4e0d86a7b0430d8cdb78070b4c55a",
		"dda97ca4864cdfe06eaf70a0ec0d7191",
		"8ea2b7ca516745bfeafc49904b496089",
	};
	struct aesni_key k;
	uint8_t key[32], pt[16], ct[16], exp[16];

	if (!aesni_available()) {
		printf("    (no AES instructions on this CPU: aesni_set_key must refuse)\n");
		CHECK(!aesni_set_key(&k, pt, 16));
		return;
	}
	hex(pt, "00112233445566778899aabbccddeeff");
	for (int i = 0; i < 3; i++) {
		hex(key, keys[i]);
		hex(exp, want[i]);
		CHECK(aesni_set_key(&k, key, 16 + 8 * (unsigned)i));
		CHECK_EQ(k.rounds, 10 + 2 * i);
		aesni_encrypt_blocks(&k, pt, ct, 1);
		if (memcmp(ct, exp, 16) != 0) {
			FAIL_AT("AES-%d: wrong ciphertext", 128 + 64 * i);
			return;
		}
	}
}

TEST(bad_key_length_refused)
{
	struct aesni_key k;
	uint8_t key[33] = { 0 };

	CHECK(!aesni_set_key(&k, key, 0));
	CHECK(!aesni_set_key(&k, key, 15));
	CHECK(!aesni_set_key(&k, key, 20));
	CHECK(!aesni_set_key(&k, key, 33));
}

/* Random keys of each size, 1..9 blocks a call (the 4-at-a-time path, its
 * tail, and in place), the same bytes as OpenSSL's ECB. */
TEST(same_as_openssl_ecb)
{
	static const EVP_CIPHER *(*const ecb[])(void) = { EVP_aes_128_ecb, EVP_aes_192_ecb,
							  EVP_aes_256_ecb };

	if (!aesni_available())
		return;
	for (int round = 0; round < 200; round++) {
		int t = round % 3, n;
		unsigned blocks = 1 + (unsigned)round % 9, len = 16 * blocks;
		uint8_t key[32], in[144], want[144], got[144];
		struct aesni_key k;
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

		CHECK(ctx);
		CHECK(RAND_bytes(key, sizeof(key)) == 1 && RAND_bytes(in, sizeof(in)) == 1);
		CHECK(EVP_EncryptInit_ex(ctx, ecb[t](), NULL, key, NULL) == 1);
		CHECK(EVP_CIPHER_CTX_set_padding(ctx, 0) == 1);
		CHECK(EVP_EncryptUpdate(ctx, want, &n, in, (int)len) == 1 && n == (int)len);
		EVP_CIPHER_CTX_free(ctx);
		CHECK(aesni_set_key(&k, key, 16 + 8 * (unsigned)t));
		aesni_encrypt_blocks(&k, in, got, blocks);
		if (memcmp(got, want, len) != 0) {
			FAIL_AT("AES-%d, %u blocks: differs from OpenSSL", 128 + 64 * t, blocks);
			return;
		}
		aesni_encrypt_blocks(&k, in, in, blocks); /* in place */
		CHECK_EQ(memcmp(in, want, len), 0);
	}
}
