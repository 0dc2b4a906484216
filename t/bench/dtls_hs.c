/*
 * dtls_hs: DTLS-SRTP handshakes with a relay at a fixed offered rate, as a
 * WebRTC party whose offer said a=setup:active (the relay is the server).
 * Handshake i starts at i / RATE s (open loop: the next one starts on time
 * whatever the earlier ones do), from its own UDP socket bound to the
 * address and port the party announced, toward the relay's port from the
 * relay's answer; it completes when the handshake finished, the relay's
 * certificate matches the relay's a=fingerprint and an SRTP profile was
 * negotiated. Prints "key<TAB>value" lines.
 *
 *   dtls_hs --local ADDR --addr RELAY --targets FILE --cert PEM --key PEM
 *           --rate R [--timeout S]
 *
 * FILE: one handshake per line, "LOCALPORT RELAYPORT AB:CD:..." (the
 * relay's sha-256 fingerprint). All its lines are started, so the step
 * lasts lines / RATE s. Bounded: a handshake not done --timeout s (5) after
 * its start fails; the run stops at most that long after the last start.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "latency.h"

#define MAX_HS 20000
#define PROFILE "SRTP_AES128_CM_SHA1_80"

enum hs_state { HS_IDLE, HS_RUNNING, HS_DONE, HS_FAILED };

struct hs {
	unsigned lport, rport;
	char fp[3 * 64];
	int fd;
	SSL *ssl;
	enum hs_state state;
	uint64_t start;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int load(const char *file, struct hs *h)
{
	FILE *f = fopen(file, "r");
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_HS && fscanf(f, "%u %u %191s", &h[n].lport, &h[n].rport, h[n].fp) == 3) {
		h[n].fd = -1;
		n++;
	}
	fclose(f);
	return n;
}

/* Accept any certificate in the handshake: both are self-signed, the
 * fingerprint from the SDP is the check (peer_ok). */
static int verify_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;
}

/* The peer's certificate is the one of fp ("AB:CD:...", sha-256) and an
 * SRTP profile was negotiated. */
static int peer_ok(SSL *ssl, const char *fp)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;
	char hex[3 * EVP_MAX_MD_SIZE + 1];
	int ok;

	if (!cert)
		return 0;
	ok = X509_digest(cert, EVP_sha256(), md, &len) == 1;
	X509_free(cert);
	for (i = 0; ok && i < len; i++)
		snprintf(hex + 3 * i, 4, "%02X%s", md[i], i + 1 < len ? ":" : "");
	return ok && strcasecmp(hex, fp) == 0 && SSL_get_selected_srtp_profile(ssl) != NULL;
}

static int start(struct hs *h, SSL_CTX *ctx, struct in_addr local, struct in_addr relay)
{
	struct sockaddr_in l = { .sin_family = AF_INET,
				 .sin_addr = local,
				 .sin_port = htons((uint16_t)h->lport) };
	struct sockaddr_in r = { .sin_family = AF_INET,
				 .sin_addr = relay,
				 .sin_port = htons((uint16_t)h->rport) };
	int one = 1;
	BIO *bio;

	h->start = now_ns();
	h->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (h->fd < 0)
		return -1;
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&l, sizeof(l)) < 0 ||
	    connect(h->fd, (struct sockaddr *)&r, sizeof(r)) < 0)
		return -1;
	h->ssl = SSL_new(ctx);
	bio = BIO_new_dgram(h->fd, BIO_NOCLOSE);
	if (!h->ssl || !bio)
		return -1;
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &r);
	SSL_set_bio(h->ssl, bio, bio);
	SSL_set_connect_state(h->ssl);
	h->state = HS_RUNNING;
	return 0;
}

static void finish(struct hs *h, enum hs_state st)
{
	h->state = st;
	if (h->ssl)
		SSL_free(h->ssl);
	h->ssl = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/* Drive h's handshake one step; HS_RUNNING while it waits for the relay. */
struct counts {
	unsigned done, failed;
	uint64_t last_done;
	struct latency lat;
};

static enum hs_state step(struct hs *h);

/* Count a step's outcome; a finished handshake's socket is closed. */
static void settle(struct hs *h, enum hs_state st, struct counts *c)
{
	if (st == HS_DONE) {
		c->last_done = now_ns();
		latency_add(&c->lat, c->last_done - h->start);
		c->done++;
	} else if (st == HS_FAILED) {
		c->failed++;
	}
	if (st != HS_RUNNING)
		finish(h, st);
}

static enum hs_state step(struct hs *h)
{
	int rc = SSL_do_handshake(h->ssl);

	if (rc == 1)
		return peer_ok(h->ssl, h->fp) ? HS_DONE : HS_FAILED;
	if (SSL_get_error(h->ssl, rc) == SSL_ERROR_WANT_READ)
		return HS_RUNNING;
	ERR_clear_error();
	return HS_FAILED;
}

int main(int argc, char **argv)
{
	const char *local_s = NULL, *addr = NULL, *file = NULL, *cert = NULL, *key = NULL;
	double rate = 0, timeout_s = 5;
	static struct hs h[MAX_HS];
	static struct pollfd pfd[MAX_HS];
	static unsigned pidx[MAX_HS];
	struct in_addr local, relay;
	struct counts c = { 0 };
	unsigned timedout = 0, setup_err = 0, next = 0, first = 0;
	uint64_t t0, tmo;
	SSL_CTX *ctx;
	int n;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--local"))
			local_s = argv[i + 1];
		else if (!strcmp(argv[i], "--addr"))
			addr = argv[i + 1];
		else if (!strcmp(argv[i], "--targets"))
			file = argv[i + 1];
		else if (!strcmp(argv[i], "--cert"))
			cert = argv[i + 1];
		else if (!strcmp(argv[i], "--key"))
			key = argv[i + 1];
		else if (!strcmp(argv[i], "--rate"))
			rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--timeout"))
			timeout_s = atof(argv[i + 1]);
	}
	if (!local_s || !addr || !file || !cert || !key || !(rate > 0 && rate <= 100000) ||
	    !(timeout_s > 0 && timeout_s <= 30) || inet_pton(AF_INET, local_s, &local) != 1 ||
	    inet_pton(AF_INET, addr, &relay) != 1) {
		fprintf(stderr, "usage: dtls_hs --local ADDR --addr RELAY --targets FILE "
				"--cert PEM --key PEM --rate R [--timeout S]\n");
		return 2;
	}
	n = load(file, h);
	if (n <= 0) {
		fprintf(stderr, "dtls_hs: no targets in %s\n", file);
		return 2;
	}
	ctx = SSL_CTX_new(DTLS_client_method());
	if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_set_tlsext_use_srtp(ctx, PROFILE) != 0) {
		ERR_print_errors_fp(stderr);
		return 2;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_any);
	latency_init(&c.lat);
	tmo = (uint64_t)(timeout_s * 1e9);
	t0 = now_ns();
	while (first < (unsigned)n) {
		uint64_t t = now_ns();
		unsigned np = 0, i;
		int wait_ms = 50;

		/* start what is due (open loop) */
		while (next < (unsigned)n && t >= t0 + (uint64_t)(next * 1e9 / rate)) {
			if (start(&h[next], ctx, local, relay) < 0) {
				finish(&h[next], HS_FAILED);
				setup_err++;
			} else {
				settle(&h[next], step(&h[next]), &c);
			}
			next++;
		}
		t = now_ns(); /* after the starts: none is older than t */
		for (i = first; i < next; i++) {
			if (h[i].state != HS_RUNNING)
				continue;
			if (t - h[i].start > tmo) {
				finish(&h[i], HS_FAILED);
				timedout++;
				continue;
			}
			pfd[np] = (struct pollfd){ .fd = h[i].fd, .events = POLLIN };
			pidx[np++] = i;
		}
		while (first < next && h[first].state != HS_RUNNING)
			first++;
		if (next >= (unsigned)n && first >= next)
			break;
		if (next < (unsigned)n) {
			uint64_t due = t0 + (uint64_t)(next * 1e9 / rate);

			wait_ms = due > t ? (int)((due - t) / 1000000) : 0;
			if (wait_ms > 50)
				wait_ms = 50;
		}
		if (poll(pfd, np, wait_ms) < 0 && errno != EINTR)
			break;
		for (i = 0; i < np; i++) {
			struct hs *x = &h[pidx[i]];

			if (pfd[i].revents & POLLIN)
				settle(x, step(x), &c);
			else /* retransmit a lost flight when its timer ran out */
				DTLSv1_handle_timeout(x->ssl);
		}
	}
	for (unsigned i = 0; i < (unsigned)n; i++)
		if (h[i].state == HS_RUNNING)
			finish(&h[i], HS_FAILED);
	printf("offered_rate\t%.0f\nhandshakes\t%d\ncompleted\t%u\nfailed\t%u\ntimed_out\t%u\n"
	       "setup_errors\t%u\n",
	       rate, n, c.done, c.failed, timedout, setup_err);
	printf("completed_pct\t%.1f\n", 100.0 * c.done / n);
	/* completed per second over the span from the first start to the last
	 * completion: what the relay sustained, not what was asked */
	printf("completed_rate\t%.1f\n",
	       c.last_done > t0 ? c.done / ((double)(c.last_done - t0) / 1e9) : 0.0);
	printf("hs_p50_us\t%.0f\nhs_p99_us\t%.0f\n", latency_pct_us(&c.lat, 50),
	       latency_pct_us(&c.lat, 99));
	SSL_CTX_free(ctx);
	return 0;
}
