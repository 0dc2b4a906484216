/*
 * srtp_cost: what SRTP costs per packet, apart from everything around it in
 * the relay (sockets, routing, batching). One run prints, per suite, the
 * nanoseconds of thread CPU time per 172-byte RTP packet (12-byte header,
 * 160 bytes of payload, as the media benchmark sends) for:
 *   libsrtp2-own   srtp_protect / srtp_unprotect with libsrtp2's own
 *                  primitives (Debian builds them on NSS)
 *   libsrtp2-evp   the same calls with our OpenSSL types registered
 *                  (lib/srtp_evp*.c): what the daemon and media_load run
 *   evp-floor      the suite's cryptography alone, straight on OpenSSL
 *                  with every key schedule and keyed state made once: the
 *                  floor the two above are measured against
 * at 1, 1000 and 20000 sessions (packets round-robin over them: the more
 * sessions, the colder the state a packet meets; libsrtp2-own only up to
 * 1000), so that "libsrtp2-evp minus evp-floor" is libsrtp2's own
 * per-packet work (stream lookup, index and replay window, key limit, IV
 * building, and the cache misses of its scattered per-session objects) and
 * "evp-floor" the crypto.
 *
 * Every packet is checked: what unprotect returns must be what protect was
 * given (a path that got faster by doing less fails the run). Each figure
 * is the best of ROUNDS rounds of BATCHES x BATCH packets (the least
 * disturbed by other work on a shared machine).
 *
 * Usage: srtp_cost [--packets-per-round N] [--sessions N[,N...]] [--no-own]
 * (exit 1 on any mismatch)
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <srtp2/srtp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srtp_evp.h"

#define HDR 12
#define PAYLOAD 160
#define ROOM 64 /* tag, MKI, SRTCP index: libsrtp2 writes at most this much */
#define BATCH 256
#define ROUNDS 5

struct suite {
	const char *name;
	void (*policy)(srtp_crypto_policy_t *p);
	int aes_key; /* bytes */
	int salt;    /* bytes */
	int tag;     /* bytes */
	bool gcm;
};

static const struct suite suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", srtp_crypto_policy_set_rtp_default, 16, 14, 10, false },
	{ "AES_CM_128_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, 16, 14, 4,
	  false },
	{ "AES_256_CM_HMAC_SHA1_80", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, 32, 14, 10,
	  false },
	{ "AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth, 16, 12, 16, true },
	{ "AEAD_AES_256_GCM", srtp_crypto_policy_set_aes_gcm_256_16_auth, 32, 12, 16, true },
};
#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static unsigned round_batches = 200; /* per round: 200 x 256 = 51200 packets */

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "srtp_cost: %s\n", what);
	exit(1);
}

/* The RTP packet number i of stream ssrc: header, then a payload that
 * says i. */
static void make_packet(uint8_t *p, uint32_t ssrc, uint32_t i)
{
	uint16_t seq = (uint16_t)i;
	uint32_t ts = i * 160;

	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int k = 0; k < PAYLOAD; k++)
		p[HDR + k] = (uint8_t)(i * 7 + ssrc + (uint32_t)k);
}

static bool packet_is(const uint8_t *p, int len, uint32_t ssrc, uint32_t i)
{
	uint8_t want[HDR + PAYLOAD];

	make_packet(want, ssrc, i);
	return len == HDR + PAYLOAD && memcmp(p, want, sizeof(want)) == 0;
}

struct figures {
	double protect_ns, unprotect_ns; /* per packet, best round */
};

/* Best-of-rounds bookkeeping: one round's totals into f. */
static void keep_best(struct figures *f, double prot, double unprot, double n)
{
	if (f->protect_ns == 0 || prot / n < f->protect_ns)
		f->protect_ns = prot / n;
	if (f->unprotect_ns == 0 || unprot / n < f->unprotect_ns)
		f->unprotect_ns = unprot / n;
}

static uint8_t bufs[BATCH][HDR + PAYLOAD + ROOM];
static int lens[BATCH];

/* A way of doing SRTP, over n independent sessions (each direction its
 * own keys, as the relay's parties have). */
struct path {
	void *(*new)(const struct suite *s, uint32_t n);
	void (*protect)(void *st, uint32_t session, uint8_t *p, int *len);
	void (*unprotect)(void *st, uint32_t session, uint8_t *p, int *len);
	void (*free)(void *st, uint32_t n);
};

/*
 * Packets go round the sessions (packet g is session g % n's number
 * g / n), so with many sessions each packet meets its session's state as
 * the relay does: after every other session's packet has passed.
 */
static struct figures measure(const struct path *pa, const struct suite *s, uint32_t n,
			      unsigned batches)
{
	void *st = pa->new (s, n);
	struct figures f = { 0 };
	uint64_t g = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double prot = 0, unprot = 0;

		for (unsigned b = 0; b < batches; b++) {
			for (int k = 0; k < BATCH; k++) {
				make_packet(bufs[k], (uint32_t)((g + k) % n),
					    (uint32_t)((g + k) / n));
				lens[k] = HDR + PAYLOAD;
			}
			double t0 = thread_ns();

			for (int k = 0; k < BATCH; k++)
				pa->protect(st, (uint32_t)((g + k) % n), bufs[k], &lens[k]);
			double t1 = thread_ns();

			for (int k = 0; k < BATCH; k++)
				pa->unprotect(st, (uint32_t)((g + k) % n), bufs[k], &lens[k]);
			double t2 = thread_ns();

			for (int k = 0; k < BATCH; k++) {
				if (!packet_is(bufs[k], lens[k], (uint32_t)((g + k) % n),
					       (uint32_t)((g + k) / n)))
					fail("a packet came back different");
			}
			prot += t1 - t0;
			unprot += t2 - t1;
			g += BATCH;
		}
		keep_best(&f, prot, unprot, (double)batches * BATCH);
	}
	pa->free(st, n);
	return f;
}

/* libsrtp2: session i's outbound and inbound srtp_t. */
struct lib_sessions {
	srtp_t *tx, *rx;
};

static void *lib_new(const struct suite *s, uint32_t n)
{
	struct lib_sessions *ls = calloc(1, sizeof(*ls));
	uint8_t key[32 + 14];
	srtp_policy_t p;

	ls->tx = calloc(n, sizeof(srtp_t));
	ls->rx = calloc(n, sizeof(srtp_t));
	if (!ls->tx || !ls->rx)
		fail("out of memory");
	memset(&p, 0, sizeof(p));
	s->policy(&p.rtp);
	s->policy(&p.rtcp);
	p.key = key;
	p.window_size = 128;
	for (uint32_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(key); k++)
			key[k] = (uint8_t)(k * 31 + 7 + i);
		p.ssrc.type = ssrc_any_outbound;
		if (srtp_create(&ls->tx[i], &p) != srtp_err_status_ok)
			fail("srtp_create (outbound) failed");
		p.ssrc.type = ssrc_any_inbound;
		if (srtp_create(&ls->rx[i], &p) != srtp_err_status_ok)
			fail("srtp_create (inbound) failed");
	}
	return ls;
}

static void lib_protect(void *st, uint32_t i, uint8_t *p, int *len)
{
	struct lib_sessions *ls = st;

	if (srtp_protect(ls->tx[i], p, len) != srtp_err_status_ok)
		fail("srtp_protect failed");
}

static void lib_unprotect(void *st, uint32_t i, uint8_t *p, int *len)
{
	struct lib_sessions *ls = st;

	if (srtp_unprotect(ls->rx[i], p, len) != srtp_err_status_ok)
		fail("srtp_unprotect failed");
}

static void lib_free(void *st, uint32_t n)
{
	struct lib_sessions *ls = st;

	for (uint32_t i = 0; i < n; i++) {
		srtp_dealloc(ls->tx[i]);
		srtp_dealloc(ls->rx[i]);
	}
	free(ls->tx);
	free(ls->rx);
	free(ls);
}

static const struct path lib_path = { lib_new, lib_protect, lib_unprotect, lib_free };

/*
 * The floor: the suite's cryptography on OpenSSL with nothing per packet
 * but the work itself. AES-CM: one keyed CTR context, a new counter block
 * per packet (RFC 3711 4.1.1), and HMAC-SHA1 resumed from the SHA-1 states
 * after the key's ipad and opad blocks. GCM: one keyed context, a new
 * 12-byte IV per packet, the header as AAD.
 */
struct floor_ctx {
	const struct suite *s;
	EVP_CIPHER_CTX *enc, *dec;
	SHA_CTX inner, outer;
	uint8_t salt[14];
};

static const EVP_CIPHER *floor_cipher(const struct suite *s)
{
	if (s->gcm)
		return s->aes_key == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	return s->aes_key == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
}

static void floor_init(struct floor_ctx *c, const struct suite *s, uint32_t i)
{
	uint8_t key[32], pad[64];

	memset(c, 0, sizeof(*c));
	c->s = s;
	for (int k = 0; k < 32; k++)
		key[k] = (uint8_t)((uint32_t)k * 13 + 1 + i);
	for (int k = 0; k < 14; k++)
		c->salt[k] = (uint8_t)(k * 5 + 3);
	c->enc = EVP_CIPHER_CTX_new();
	c->dec = EVP_CIPHER_CTX_new();
	if (!c->enc || !c->dec || !EVP_EncryptInit_ex(c->enc, floor_cipher(s), NULL, key, NULL) ||
	    !EVP_DecryptInit_ex(c->dec, floor_cipher(s), NULL, key, NULL))
		fail("OpenSSL cipher set-up failed");
	memset(pad, 0x36, sizeof(pad));
	for (int k = 0; k < 20; k++)
		pad[k] ^= key[k];
	SHA1_Init(&c->inner);
	SHA1_Update(&c->inner, pad, sizeof(pad));
	for (int k = 0; k < 64; k++)
		pad[k] ^= 0x36 ^ 0x5c;
	SHA1_Init(&c->outer);
	SHA1_Update(&c->outer, pad, sizeof(pad));
}

static void floor_free(struct floor_ctx *c)
{
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
}

/* HMAC-SHA1 over p[0..len) then the 4-byte ROC, as SRTP authenticates. */
static void floor_hmac(const struct floor_ctx *c, const uint8_t *p, int len, uint8_t *mac)
{
	static const uint8_t roc[4];
	SHA_CTX w = c->inner;

	SHA1_Update(&w, p, (size_t)len);
	SHA1_Update(&w, roc, sizeof(roc));
	SHA1_Final(mac, &w);
	w = c->outer;
	SHA1_Update(&w, mac, SHA_DIGEST_LENGTH);
	SHA1_Final(mac, &w);
}

static void floor_iv(const struct floor_ctx *c, const uint8_t *p, uint8_t *iv)
{
	/* salt XOR (SSRC, index) (RFC 3711 4.1.1; RFC 7714 8.1 for GCM) */
	memset(iv, 0, 16);
	if (c->s->gcm) {
		memcpy(iv + 2, p + 8, 4);
		memcpy(iv + 10, p + 2, 2);
		for (int k = 0; k < 12; k++)
			iv[k] ^= c->salt[k];
		return;
	}
	memcpy(iv + 4, p + 8, 4);
	memcpy(iv + 12, p + 2, 2);
	for (int k = 0; k < 14; k++)
		iv[k] ^= c->salt[k];
}

static void floor_protect(struct floor_ctx *c, uint8_t *p, int *len)
{
	uint8_t iv[16], mac[SHA_DIGEST_LENGTH];
	int out, n = *len - HDR;

	floor_iv(c, p, iv);
	if (!EVP_EncryptInit_ex(c->enc, NULL, NULL, NULL, iv))
		fail("EVP_EncryptInit_ex (IV) failed");
	if (c->s->gcm) {
		if (!EVP_EncryptUpdate(c->enc, NULL, &out, p, HDR) ||
		    !EVP_EncryptUpdate(c->enc, p + HDR, &out, p + HDR, n) ||
		    !EVP_EncryptFinal_ex(c->enc, p + HDR + n, &out) ||
		    !EVP_CIPHER_CTX_ctrl(c->enc, EVP_CTRL_GCM_GET_TAG, c->s->tag, p + *len))
			fail("GCM encryption failed");
		*len += c->s->tag;
		return;
	}
	if (!EVP_EncryptUpdate(c->enc, p + HDR, &out, p + HDR, n))
		fail("CTR encryption failed");
	floor_hmac(c, p, *len, mac);
	memcpy(p + *len, mac, (size_t)c->s->tag);
	*len += c->s->tag;
}

static bool floor_unprotect(struct floor_ctx *c, uint8_t *p, int *len)
{
	uint8_t iv[16], mac[SHA_DIGEST_LENGTH];
	int out, n = *len - HDR - c->s->tag;

	floor_iv(c, p, iv);
	if (c->s->gcm) {
		if (!EVP_DecryptInit_ex(c->dec, NULL, NULL, NULL, iv) ||
		    !EVP_CIPHER_CTX_ctrl(c->dec, EVP_CTRL_GCM_SET_TAG, c->s->tag, p + HDR + n) ||
		    !EVP_DecryptUpdate(c->dec, NULL, &out, p, HDR) ||
		    !EVP_DecryptUpdate(c->dec, p + HDR, &out, p + HDR, n) ||
		    EVP_DecryptFinal_ex(c->dec, p + HDR + n, &out) != 1)
			return false;
		*len -= c->s->tag;
		return true;
	}
	floor_hmac(c, p, *len - c->s->tag, mac);
	if (CRYPTO_memcmp(mac, p + *len - c->s->tag, (size_t)c->s->tag) != 0)
		return false;
	*len -= c->s->tag;
	if (!EVP_EncryptInit_ex(c->enc, NULL, NULL, NULL, iv) ||
	    !EVP_EncryptUpdate(c->enc, p + HDR, &out, p + HDR, n))
		return false;
	return true;
}

static void *fl_new(const struct suite *s, uint32_t n)
{
	struct floor_ctx *c = calloc(n, sizeof(*c));

	if (!c)
		fail("out of memory");
	for (uint32_t i = 0; i < n; i++)
		floor_init(&c[i], s, i);
	return c;
}

static void fl_protect(void *st, uint32_t i, uint8_t *p, int *len)
{
	floor_protect(&((struct floor_ctx *)st)[i], p, len);
}

static void fl_unprotect(void *st, uint32_t i, uint8_t *p, int *len)
{
	if (!floor_unprotect(&((struct floor_ctx *)st)[i], p, len))
		fail("the floor's own unprotect failed");
}

static void fl_free(void *st, uint32_t n)
{
	struct floor_ctx *c = st;

	for (uint32_t i = 0; i < n; i++)
		floor_free(&c[i]);
	free(c);
}

static const struct path floor_path = { fl_new, fl_protect, fl_unprotect, fl_free };

static void print_row(const struct suite *s, uint32_t n, const char *path, struct figures f,
		      const struct figures *floor)
{
	printf("%-24s %8u  %-13s %9.0f %10.0f", s->name, n, path, f.protect_ns, f.unprotect_ns);
	if (floor)
		printf(" %8.2f %8.2f", f.protect_ns / floor->protect_ns,
		       f.unprotect_ns / floor->unprotect_ns);
	printf("\n");
}

#define MAX_COUNTS 4
/* libsrtp2's own (NSS) primitives cost more with every session: past this
 * many a run would take minutes */
#define OWN_MAX_SESSIONS 1000

int main(int argc, char **argv)
{
	static struct figures own[MAX_COUNTS][N_SUITES], evp[MAX_COUNTS][N_SUITES],
		flr[MAX_COUNTS][N_SUITES];
	/* one session pair (all state in L1), as many as 500 calls' parties
	 * have, and so many that a packet's session state is in no cache (as
	 * in the relay, where the network stack's memory passes between two
	 * packets of a session) */
	uint32_t counts[MAX_COUNTS] = { 1, 1000, 20000 };
	unsigned n_counts = 3;
	bool with_own = true;
	const char *why;

	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--no-own") == 0) {
			with_own = false;
			continue;
		}
		if (strcmp(argv[a], "--packets-per-round") == 0 && a + 1 < argc) {
			long n = strtol(argv[++a], NULL, 10);

			if (n < BATCH || n > 100000000)
				fail("--packets-per-round: 256 .. 100000000");
			round_batches = (unsigned)(n / BATCH);
		} else if (strcmp(argv[a], "--sessions") == 0 && a + 1 < argc) {
			char *end, *at = argv[++a];

			for (n_counts = 0; *at && n_counts < MAX_COUNTS; n_counts++) {
				long n = strtol(at, &end, 10);

				if (end == at || n < 1 || n > 100000)
					fail("--sessions: up to 4 counts of 1 .. 100000, comma-separated");
				counts[n_counts] = (uint32_t)n;
				at = *end == ',' ? end + 1 : end;
			}
			if (*at || !n_counts)
				fail("--sessions: up to 4 counts of 1 .. 100000, comma-separated");
		} else {
			fprintf(stderr,
				"usage: srtp_cost [--packets-per-round N] [--sessions N[,N...]] [--no-own]\n");
			return 2;
		}
	}
	/* a tenth of the packets: NSS's cost grows with the sessions (24 us a
	 * packet at 1000 here), and its figure needs no more precision */
	unsigned own_batches = round_batches / 10 ? round_batches / 10 : 1;

	if (srtp_init() != srtp_err_status_ok)
		fail("srtp_init failed");
	/* libsrtp2's own types first: registering ours replaces them for good */
	for (unsigned c = 0; c < n_counts && with_own; c++) {
		if (counts[c] > OWN_MAX_SESSIONS)
			continue;
		for (size_t k = 0; k < N_SUITES; k++)
			own[c][k] = measure(&lib_path, &suites[k], counts[c], own_batches);
	}
	if (srtp_evp_register(&why) < 0) {
		fprintf(stderr, "srtp_cost: %s failed its known answers\n", why);
		return 1;
	}
	unsigned long made = srtp_evp_objects_made();

	for (unsigned c = 0; c < n_counts; c++) {
		for (size_t k = 0; k < N_SUITES; k++) {
			evp[c][k] = measure(&lib_path, &suites[k], counts[c], round_batches);
			flr[c][k] = measure(&floor_path, &suites[k], counts[c], round_batches);
		}
	}
	if (srtp_evp_objects_made() == made)
		fail("libsrtp2 did not use the registered OpenSSL types");
	printf("# SRTP per packet: %d-byte RTP (%d payload), ns of thread CPU, best of %d rounds "
	       "of %u packets, round-robin over the sessions; %s, %s\n",
	       HDR + PAYLOAD, PAYLOAD, ROUNDS, round_batches * BATCH, srtp_get_version_string(),
	       OpenSSL_version(OPENSSL_VERSION));
	printf("%-24s %8s  %-13s %9s %10s %8s %8s\n", "suite", "sessions", "path", "protect",
	       "unprotect", "x floor", "x floor");
	for (size_t k = 0; k < N_SUITES; k++) {
		for (unsigned c = 0; c < n_counts; c++) {
			if (with_own && counts[c] <= OWN_MAX_SESSIONS)
				print_row(&suites[k], counts[c], "libsrtp2-own", own[c][k],
					  &flr[c][k]);
			print_row(&suites[k], counts[c], "libsrtp2-evp", evp[c][k], &flr[c][k]);
			print_row(&suites[k], counts[c], "evp-floor", flr[c][k], NULL);
		}
	}
	return 0;
}
