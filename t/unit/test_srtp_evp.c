/*
 * libsrtp2 on OpenSSL (lib/srtp_evp.c): each type's known answers (and a
 * wrong answer that must fail), RFC 3711 B.3's key derivation through a
 * whole srtp_protect, every suite and session parameter against sessions
 * made before the types were replaced (libsrtp2's own, NSS-backed crypto):
 * byte-identical output and each side unprotecting the other's, and no
 * OpenSSL allocation per packet.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <srtp2/srtp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aesni.h"
#include "crypto/srtp.h"
#include "sdes.h"
#include "srtp_evp.h"
#include "srtp_evp_internal.h"
#include "test.h"

TEST_MAIN()

/* OpenSSL's allocations, counted from before its first one. */
static atomic_ulong ossl_allocs;
static bool counting;

static void *count_malloc(size_t n, const char *file, int line)
{
	atomic_fetch_add(&ossl_allocs, 1);
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
	atomic_fetch_add(&ossl_allocs, 1);
	return realloc(p, n);
}

static void plain_free(void *p, const char *file, int line)
{
	free(p);
}

__attribute__((constructor(101))) static void count_ossl(void)
{
	counting = CRYPTO_set_mem_functions(count_malloc, count_realloc, plain_free) == 1;
}

struct config {
	const char *suite;
	unsigned flags;
	uint8_t mki_len;
};

static const struct config configs[] = {
	{ "AES_CM_128_HMAC_SHA1_80", 0, 0 },
	{ "AES_CM_128_HMAC_SHA1_32", 0, 0 },
	/* (AES_192: never used by the daemon, lib/sdes.c says why; its
	 * cipher's known answers are in known_answers) */
	{ "AES_256_CM_HMAC_SHA1_80", 0, 0 },
	{ "AES_256_CM_HMAC_SHA1_32", 0, 0 },
	{ "AEAD_AES_128_GCM", 0, 0 },
	{ "AEAD_AES_256_GCM", 0, 0 },
	{ "NULL_HMAC_SHA1_80", 0, 0 },
	{ "NULL_HMAC_SHA1_32", 0, 0 },
	{ "AES_CM_128_HMAC_SHA1_80", SDES_UNENCRYPTED_SRTP, 0 },
	{ "AES_CM_128_HMAC_SHA1_80", SDES_UNENCRYPTED_SRTCP, 0 },
	{ "AES_CM_128_HMAC_SHA1_80", SDES_UNAUTHENTICATED_SRTP, 0 },
	{ "AEAD_AES_128_GCM", SDES_UNENCRYPTED_SRTCP, 0 },
	{ "AES_CM_128_HMAC_SHA1_80", 0, 4 },
	{ "AEAD_AES_256_GCM", 0, 2 },
};
#define N_CONFIGS (sizeof(configs) / sizeof(configs[0]))

/* per config: [0] libsrtp2's own crypto, [1] OpenSSL's */
static struct srtp_dir *out[N_CONFIGS][2], *in[N_CONFIGS][2];
/* AES_CM_128_HMAC_SHA1_80 with RFC 3711 B.3's master key, both ways */
static srtp_t b3[2];
static uint8_t b3_master[30];
static unsigned long made_before, made_after;
static int ready; /* 0 not yet, 1 done, -1 failed */

static void crypto_for(struct sdes_crypto *c, const struct config *cf)
{
	memset(c, 0, sizeof(*c));
	c->tag = 1;
	c->suite = sdes_suite_by_name(str_from(cf->suite));
	c->flags = cf->flags;
	c->mki_len = cf->mki_len;
	c->mki = 0x1234;
	for (unsigned k = 0; k < sizeof(c->key); k++)
		c->key[k] = (uint8_t)(k * 29 + 7);
}

static void hex(uint8_t *dst, const char *s)
{
	for (; s[0] && s[1]; s += 2)
		*dst++ = (uint8_t)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
}

static bool make_sessions(int impl)
{
	srtp_policy_t p;

	memset(&p, 0, sizeof(p));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	p.ssrc.type = ssrc_any_outbound;
	hex(b3_master, "E1F97A0D3E018BE0D64FA32C06DE4139");
	hex(b3_master + 16, "0EC675AD498AFEEBB6960B3AABE6");
	p.key = b3_master;
	p.window_size = 128;
	if (srtp_create(&b3[impl], &p) != srtp_err_status_ok)
		return false;
	for (size_t i = 0; i < N_CONFIGS; i++) {
		struct sdes_crypto c;
		const char *why;

		crypto_for(&c, &configs[i]);
		out[i][impl] = srtp_dir_new(&c, false, &why);
		in[i][impl] = srtp_dir_new(&c, true, &why);
		if (!out[i][impl] || !in[i][impl]) {
			fprintf(stderr, "    %s: %s\n", configs[i].suite, why);
			return false;
		}
	}
	return true;
}

/* Sessions of every config with libsrtp2's own types, then the OpenSSL
 * types registered (as srtp_dir_library_init does after srtp_init, which
 * may run only once) and the same sessions again. */
static bool setup(void)
{
	const char *why = "";

	if (ready)
		return ready > 0;
	ready = -1;
	made_before = srtp_evp_objects_made();
	if (srtp_init() != srtp_err_status_ok || !make_sessions(0))
		return false;
	made_before = srtp_evp_objects_made() - made_before;
	if (srtp_evp_register(&why) < 0) {
		fprintf(stderr, "    registering: %s\n", why);
		return false;
	}
	made_after = srtp_evp_objects_made();
	if (!make_sessions(1))
		return false;
	made_after = srtp_evp_objects_made() - made_after;
	ready = 1;
	return true;
}

TEST(known_answers)
{
	const srtp_cipher_type_t *types[] = { &srtp_evp_aes_icm_128, &srtp_evp_aes_icm_192,
					      &srtp_evp_aes_icm_256, &srtp_evp_aes_gcm_128,
					      &srtp_evp_aes_gcm_256 };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (srtp_cipher_type_self_test(types[i]) != srtp_err_status_ok) {
			FAIL_AT("%s: known answer", types[i]->description);
			return;
		}
	}
	CHECK_EQ(srtp_auth_type_self_test(&srtp_evp_hmac_sha1), srtp_err_status_ok);
}

/* The checks can fail: one keystream byte off (RFC 3711 B.2's case), one
 * tag byte off (RFC 2202 case 1). */
TEST(wrong_answers_fail)
{
	srtp_cipher_test_case_t tc = *srtp_evp_aes_icm_128.test_data;
	srtp_auth_test_case_t ac = *srtp_evp_hmac_sha1.test_data;
	uint8_t ct[64], tag[20];

	memcpy(ct, tc.ciphertext, tc.ciphertext_length_octets);
	ct[tc.ciphertext_length_octets - 1] ^= 1;
	tc.ciphertext = ct;
	CHECK(srtp_cipher_type_test(&srtp_evp_aes_icm_128, &tc) != srtp_err_status_ok);
	memcpy(tag, ac.tag, ac.tag_length_octets);
	tag[3] ^= 0x80;
	ac.tag = tag;
	ac.next_test_case = NULL;
	CHECK(srtp_auth_type_test(&srtp_evp_hmac_sha1, &ac) != srtp_err_status_ok);
}

/*
 * The AES-ICM types make their keystream from counter blocks themselves (on
 * the CPU's AES instructions, or on OpenSSL's ECB when forced): for
 * every key size, after one IV, the keystream in pieces of every length
 * 1..40 (continuing across calls, past the 32-block chunk, through a
 * carry out of the last byte) is OpenSSL's AES-CTR from salt XOR IV.
 */
TEST(icm_keystream_in_pieces_is_aes_ctr)
{
	static const srtp_cipher_type_t *const types[] = { &srtp_evp_aes_icm_128,
							   &srtp_evp_aes_icm_192,
							   &srtp_evp_aes_icm_256 };
	static const EVP_CIPHER *(*const ctrs[])(void) = { EVP_aes_128_ctr, EVP_aes_192_ctr,
							   EVP_aes_256_ctr };
	enum { LEN = 1500 };

	CHECK(setup());
	/* both ways of making the blocks: the CPU's AES instructions (where
	 * there are any) and OpenSSL's ECB */
	for (int t = 0; t < 6; t++) {
		int aes = 16 + 8 * (t % 3), n;
		uint8_t key[32 + 14], iv[16], ctr[16] = { 0 }, want[LEN] = { 0 }, got[LEN] = { 0 };
		srtp_cipher_t *c = NULL;
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

		for (int i = 0; i < aes + 14; i++)
			key[i] = (uint8_t)(7 * i + t);
		for (int i = 0; i < 16; i++)
			iv[i] = (uint8_t)(0xf0 + i);
		iv[13] = iv[14] = iv[15] = 0xff; /* the counter carries out of its low bytes */
		for (int i = 0; i < 16; i++)
			ctr[i] = (uint8_t)((i < 14 ? key[aes + i] : 0) ^ iv[i]);
		CHECK(ctx != NULL);
		CHECK(EVP_EncryptInit_ex(ctx, ctrs[t % 3](), NULL, key, ctr) == 1);
		CHECK(EVP_EncryptUpdate(ctx, want, &n, want, LEN) == 1 && n == LEN);
		EVP_CIPHER_CTX_free(ctx);

		const srtp_cipher_type_t *type = types[t % 3];

		srtp_evp_force_openssl = t >= 3;
		CHECK_EQ(type->alloc(&c, aes + 14, 0), srtp_err_status_ok);
		CHECK_EQ(type->init(c->state, key), srtp_err_status_ok);
		srtp_evp_force_openssl = false;
		CHECK_EQ(type->set_iv(c->state, iv, srtp_direction_encrypt), srtp_err_status_ok);
		for (unsigned off = 0, step = 1; off < LEN; off += step, step = step % 40 + 1) {
			unsigned k = off + step > LEN ? LEN - off : step;

			CHECK_EQ(type->encrypt(c->state, got + off, &k), srtp_err_status_ok);
		}
		CHECK_EQ(memcmp(got, want, LEN), 0);
		/* a new IV restarts the keystream, whatever the last call left */
		unsigned k = 700;

		memset(got, 0, sizeof(got));
		CHECK_EQ(type->set_iv(c->state, iv, srtp_direction_encrypt), srtp_err_status_ok);
		CHECK_EQ(type->encrypt(c->state, got, &k), srtp_err_status_ok);
		CHECK_EQ(memcmp(got, want, 700), 0);
		CHECK_EQ(type->dealloc(c), srtp_err_status_ok);
	}
}

/*
 * RFC 3711 B.3: its master key and salt give the session keys printed
 * there. An SRTP packet built from those session keys by hand (AES-CTR and
 * HMAC-SHA1, one OpenSSL call each) is what srtp_protect makes from the
 * master key, with the OpenSSL types and with libsrtp2's own.
 */
TEST(rfc3711_b3_key_derivation_through_protect)
{
	uint8_t k_e[16], k_s[14], k_a[20], iv[16] = { 0 }, want[12 + 64 + 10];
	uint8_t mac_in[12 + 64 + 4] = { 0 }, mac[20], got[sizeof(want) + 32];
	unsigned hlen = sizeof(mac);
	int n;

	CHECK(setup());
	hex(k_e, "C61E7A93744F39EE10734AFE3FF7A087");
	hex(k_s, "30CBBC08863D8C85D49DB34A9AE1");
	hex(k_a, "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
	uint8_t plain[12 + 64] = {
		0x80, 0x00, 0x12, 0x67, 0, 0, 0x12, 0x34, 0xca, 0xfe, 0xba, 0xbe
	};
	for (int i = 12; i < (int)sizeof(plain); i++)
		plain[i] = (uint8_t)i;
	/* IV = salt*2^16 XOR SSRC*2^64 XOR index*2^16 (ROC 0, so index = SEQ) */
	memcpy(iv, k_s, sizeof(k_s));
	for (int i = 0; i < 4; i++)
		iv[4 + i] ^= plain[8 + i];
	iv[12] ^= plain[2];
	iv[13] ^= plain[3];
	memcpy(want, plain, sizeof(plain));
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	CHECK(EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, k_e, iv) == 1);
	CHECK(EVP_EncryptUpdate(ctx, want + 12, &n, plain + 12, 64) == 1 && n == 64);
	EVP_CIPHER_CTX_free(ctx);
	memcpy(mac_in, want, 12 + 64); /* then the ROC: 0 */
	CHECK(HMAC(EVP_sha1(), k_a, sizeof(k_a), mac_in, sizeof(mac_in), mac, &hlen));
	memcpy(want + 12 + 64, mac, 10);

	for (int impl = 0; impl < 2; impl++) {
		memcpy(got, plain, sizeof(plain));
		n = sizeof(plain);
		CHECK_EQ(srtp_protect(b3[impl], got, &n), srtp_err_status_ok);
		CHECK_EQ(n, sizeof(want));
		if (memcmp(got, want, sizeof(want)) != 0) {
			FAIL_AT("%s: the B.3 packet differs from the hand-made one",
				impl ? "OpenSSL" : "libsrtp2's own");
			return;
		}
	}
}

TEST(sessions_after_registering_use_openssl)
{
	CHECK(setup());
	CHECK_EQ(made_before, 0);
	/* per config at least a cipher or two authenticators per session */
	CHECK_INT(made_after, >=, 2 * N_CONFIGS);
}

static size_t rtp_packet(uint8_t *p, uint16_t seq, size_t payload)
{
	static const uint8_t h[12] = { 0x80, 0x08, 0, 0, 0, 0, 0x10, 0, 0x11, 0x22, 0x33, 0x44 };

	memcpy(p, h, sizeof(h));
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (size_t i = 0; i < payload; i++)
		p[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + payload;
}

static size_t rtcp_packet(uint8_t *p, uint16_t n)
{
	/* a sender report without report blocks */
	static const uint8_t h[28] = { 0x80, 0xc8, 0, 6, 0x11, 0x22, 0x33, 0x44 };

	memcpy(p, h, sizeof(h));
	p[27] = (uint8_t)n;
	return sizeof(h);
}

/*
 * Every suite and session parameter, RTP and RTCP, several packets and
 * sizes: libsrtp2's own crypto and OpenSSL's protect to the same bytes;
 * each side unprotects what the other protected to the original; a packet
 * with a flipped bit fails authentication (where there is any).
 */
TEST(every_suite_both_ways)
{
	CHECK(setup());
	for (size_t i = 0; i < N_CONFIGS; i++) {
		const struct config *cf = &configs[i];

		for (unsigned k = 0; k < 40; k++) {
			bool rtcp = k % 4 == 3;
			uint8_t plain[1500], prot[2][1500 + SRTP_DIR_MAX_GROWTH];
			size_t len = rtcp ? rtcp_packet(plain, (uint16_t)k)
					  : rtp_packet(plain, (uint16_t)(65530 + k),
						       1 + (k * 37) % 1200);
			size_t plen[2];

			for (int impl = 0; impl < 2; impl++) {
				memcpy(prot[impl], plain, len);
				plen[impl] = len;
				if (srtp_dir_protect(out[i][impl], rtcp, prot[impl], &plen[impl],
						     sizeof(prot[impl])) != SRTP_OK) {
					FAIL_AT("%s/%u: protect %d, packet %u", cf->suite,
						cf->flags, impl, k);
					return;
				}
			}
			if (plen[0] != plen[1] || memcmp(prot[0], prot[1], plen[0]) != 0) {
				FAIL_AT("%s/%u/MKI %u: packet %u (%s) differs between libsrtp2's own "
					"and OpenSSL (%zu, %zu bytes)",
					cf->suite, cf->flags, cf->mki_len, k, rtcp ? "RTCP" : "RTP",
					plen[0], plen[1]);
				return;
			}
			if (!rtcp && !(cf->flags & SDES_UNAUTHENTICATED_SRTP)) {
				uint8_t bad[sizeof(prot[0])];
				size_t blen = plen[0];

				memcpy(bad, prot[0], blen);
				bad[12] ^= 0x40; /* payload: always authenticated */
				enum srtp_result r = srtp_dir_unprotect(in[i][1], rtcp, bad, &blen);

				if (r != SRTP_AUTH_FAIL) {
					FAIL_AT("%s/%u/MKI %u: a flipped bit in packet %u: result %d",
						cf->suite, cf->flags, cf->mki_len, k, (int)r);
					return;
				}
			}
			/* each unprotects the other's */
			for (int impl = 0; impl < 2; impl++) {
				size_t ulen = plen[!impl];
				enum srtp_result r = srtp_dir_unprotect(in[i][impl], rtcp,
									prot[!impl], &ulen);

				if (r != SRTP_OK || ulen != len ||
				    memcmp(prot[!impl], plain, len) != 0) {
					FAIL_AT("%s/%u/MKI %u: %s did not unprotect packet %u of %s "
						"(result %d, %zu bytes of %zu)",
						cf->suite, cf->flags, cf->mki_len,
						impl ? "OpenSSL" : "libsrtp2's own", k,
						impl ? "libsrtp2's own" : "OpenSSL", (int)r, ulen,
						len);
					return;
				}
			}
		}
	}
}

static bool covers(const prefetch_span *s, unsigned n, const void *p)
{
	for (unsigned i = 0; i < n; i++) {
		uintptr_t first = s[i] & ~(uintptr_t)(PREFETCH_LINE - 1);
		uintptr_t lines = (s[i] & (PREFETCH_LINE - 1)) + 1;

		if ((uintptr_t)p >= first && (uintptr_t)p < first + lines * PREFETCH_LINE)
			return true;
	}
	return false;
}

/*
 * What a worker prefetches for a session's next packet: the session's own
 * state, and, once a packet went through, the cipher and authenticator
 * objects of OpenSSL's types it used (libsrtp2's own types are not ours to
 * name). A failed packet does not change them.
 */
TEST(warm_names_the_objects_the_last_packet_used)
{
	prefetch_span s[8];
	uint8_t pkt[200 + SRTP_DIR_MAX_GROWTH];
	size_t len;
	struct sdes_crypto c;
	const char *why;

	CHECK(setup());
	crypto_for(&c, &configs[0]); /* AES_CM_128_HMAC_SHA1_80 */
	struct srtp_dir *fresh = srtp_dir_new(&c, false, &why);

	CHECK(fresh);
	CHECK_EQ(srtp_dir_warm(fresh, s, 0, 8), 2); /* itself, libsrtp2's session */
	CHECK(covers(s, 2, fresh));
	len = rtp_packet(pkt, 1, 160);
	CHECK_EQ(srtp_dir_protect(fresh, false, pkt, &len, sizeof(pkt)), SRTP_OK);
	struct srtp_evp_used u = srtp_evp_used_get();

	/* AES-ICM on the CPU's instructions has no OpenSSL context to name */
	CHECK(u.cipher && u.auth);
	CHECK_EQ(u.cipher_ctx == NULL, aesni_available());
	CHECK_EQ(srtp_dir_warm(fresh, s, 0, 8), aesni_available() ? 4 : 5);
	CHECK(covers(s, 5, u.cipher));
	CHECK(covers(s, 5, (const char *)u.cipher + u.cipher_size - 1));
	CHECK(covers(s, 5, u.auth));
	CHECK(covers(s, 5, (const char *)u.auth + u.auth_size - 1));
	/* room for 3: the first three, nothing past n */
	s[3] = 0;
	CHECK_EQ(srtp_dir_warm(fresh, s, 0, 3), 3);
	CHECK_EQ(s[3], 0);
	srtp_dir_free(fresh);

	/* on OpenSSL's ECB, its context too */
	srtp_evp_force_openssl = true;
	fresh = srtp_dir_new(&c, false, &why);
	srtp_evp_force_openssl = false;
	CHECK(fresh);
	len = rtp_packet(pkt, 1, 160);
	CHECK_EQ(srtp_dir_protect(fresh, false, pkt, &len, sizeof(pkt)), SRTP_OK);
	u = srtp_evp_used_get();
	CHECK(u.cipher && u.cipher_ctx && u.auth);
	CHECK_EQ(srtp_dir_warm(fresh, s, 0, 8), 5);
	CHECK(covers(s, 5, u.cipher_ctx));
	srtp_dir_free(fresh);

	/* libsrtp2's own types: no objects of ours */
	len = rtp_packet(pkt, 2, 160);
	CHECK_EQ(srtp_dir_protect(out[0][0], false, pkt, &len, sizeof(pkt)), SRTP_OK);
	u = srtp_evp_used_get();
	CHECK(!u.cipher && !u.auth);

	/* an inbound packet that fails leaves what the last good one used */
	struct srtp_dir *tx = srtp_dir_new(&c, false, &why), *rx = srtp_dir_new(&c, true, &why);
	prefetch_span before[8];

	CHECK(tx && rx);
	len = rtp_packet(pkt, 3, 160);
	CHECK_EQ(srtp_dir_protect(tx, false, pkt, &len, sizeof(pkt)), SRTP_OK);
	CHECK_EQ(srtp_dir_unprotect(rx, false, pkt, &len), SRTP_OK);
	unsigned good = srtp_dir_warm(rx, before, 0, 8);

	CHECK_EQ(good, aesni_available() ? 4 : 5);
	len = rtp_packet(pkt, 4, 160);
	CHECK_EQ(srtp_dir_protect(out[0][0], false, pkt, &len, sizeof(pkt)), SRTP_OK);
	pkt[20] ^= 1;
	CHECK_EQ(srtp_dir_unprotect(rx, false, pkt, &len), SRTP_AUTH_FAIL);
	CHECK_EQ(srtp_dir_warm(rx, s, 0, 8), good);
	CHECK(memcmp(before, s, good * sizeof(s[0])) == 0);
	srtp_dir_free(tx);
	srtp_dir_free(rx);
}

/* The packet path allocates nothing in OpenSSL (its context per session,
 * the HMAC states copied): a thousand packets each way, every config. */
TEST(no_allocation_per_packet)
{
	uint8_t buf[200 + SRTP_DIR_MAX_GROWTH];

	CHECK(setup());
	CHECK(counting);
	/* the count sees allocations: setting up sessions made some */
	CHECK_INT(atomic_load(&ossl_allocs), >, 0);
	for (size_t i = 0; i < N_CONFIGS; i++) {
		unsigned long before = atomic_load(&ossl_allocs);

		for (unsigned k = 0; k < 1000; k++) {
			bool rtcp = k % 5 == 4;
			size_t len = rtcp ? rtcp_packet(buf, (uint16_t)k)
					  : rtp_packet(buf, (uint16_t)(1000 + k), 160);

			if (srtp_dir_protect(out[i][1], rtcp, buf, &len, sizeof(buf)) != SRTP_OK ||
			    srtp_dir_unprotect(in[i][1], rtcp, buf, &len) != SRTP_OK) {
				FAIL_AT("%s/%u/MKI %u: packet %u", configs[i].suite,
					configs[i].flags, configs[i].mki_len, k);
				return;
			}
		}
		if (atomic_load(&ossl_allocs) != before) {
			FAIL_AT("%s/%u: %lu OpenSSL allocations in 2000 packets", configs[i].suite,
				configs[i].flags, atomic_load(&ossl_allocs) - before);
			return;
		}
	}
}

/*
 * A type failing its known answers: registering fails naming it, and
 * nothing is replaced (the good type before it neither): sessions made
 * afterwards use libsrtp2's own types and work. In a child process, as
 * libsrtp2's types are global and this file's other tests replace them.
 */
TEST(failed_registration_replaces_nothing)
{
	srtp_cipher_test_case_t bad_kat = *srtp_evp_aes_icm_256.test_data;
	srtp_cipher_type_t broken = srtp_evp_aes_icm_256;
	uint8_t ct[64];
	int status;

	memcpy(ct, bad_kat.ciphertext, bad_kat.ciphertext_length_octets);
	ct[0] ^= 1;
	bad_kat.ciphertext = ct;
	broken.test_data = &bad_kat;
	broken.description = "the broken one";
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		const srtp_cipher_type_t *const cts[] = { &srtp_evp_aes_icm_128, &broken };
		const char *why = NULL;
		uint8_t buf[200 + SRTP_DIR_MAX_GROWTH];
		size_t len;

		/* libsrtp2 afresh, with its own types, whatever the parent did */
		if (ready)
			srtp_shutdown();
		if (srtp_init() != srtp_err_status_ok)
			_exit(10);
		if (srtp_evp_register_these(cts, 2, &srtp_evp_hmac_sha1, &why) != -1)
			_exit(11);
		if (!why || strcmp(why, "the broken one") != 0)
			_exit(12);
		unsigned long made = srtp_evp_objects_made();
		if (!make_sessions(0))
			_exit(13);
		if (srtp_evp_objects_made() != made)
			_exit(14); /* an OpenSSL type was used after all */
		len = rtp_packet(buf, 1, 160);
		if (srtp_dir_protect(out[0][0], false, buf, &len, sizeof(buf)) != SRTP_OK ||
		    srtp_dir_unprotect(in[0][0], false, buf, &len) != SRTP_OK || len != 172)
			_exit(15);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}
