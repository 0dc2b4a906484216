/* A party's DTLS-SRTP; see dtls.h. */
#define LOG_SUBSYS crypto
#include "crypto/dtls.h"

#include <event2/event.h>
#include <glib.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <string.h>

#include "call/call.h"
#include "call/media.h"
#include "clock.h"
#include "crypto/srtp.h"
#include "dtls_record.h"
#include "log.h"
#include "media/io.h"
#include "rtprelay.h"
#include "sdes.h"
#include "sockaddr.h"
#include "stats.h"

/* RFC 5764 4.2: the exporter label of DTLS-SRTP keys */
#define EXPORTER_LABEL "EXTRACTOR-dtls_srtp"
/* A party that completed a handshake may start a new one (it restarted)
 * at most this often: a ClientHello costs a key exchange. */
#define RESTART_INTERVAL_US 1000000

static inline void bump(uint64_t *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

/* Count on the party and in the daemon's totals. */
#define COUNT(d, field)                                 \
	do {                                            \
		bump(&(d)->n.field);                    \
		if ((d)->totals)                        \
			bump(&(d)->totals->dtls.field); \
	} while (0)

const char *dtls_state_name(enum dtls_state s)
{
	switch (s) {
	case DTLS_IDLE:
		return "idle";
	case DTLS_CONNECTING:
		return "connecting";
	case DTLS_CONNECTED:
		return "connected";
	case DTLS_FAILED:
		return "failed";
	}
	return "?";
}

/* ---------------------------------------------------------------- sending */

/* The handshake's datagrams go out from the party's RTP socket, one
 * BIO_write a datagram: OpenSSL sizes them to the MTU. */
static int bio_write(BIO *b, const char *buf, int len)
{
	struct media_dtls *d = BIO_get_data(b);
	struct stream *s = &d->media->streams[STREAM_RTP];
	/* the handshake's other end once it answered; until then wherever
	 * the party is now (learning may have moved it since the start) */
	const struct sockaddr_storage *to = sockaddr_is_set(&d->peer) ? &d->peer : &s->endpoint;

	if (!s->sock || sockaddr_is_any(to))
		return len; /* nowhere to send: as if lost; retransmission follows */
	if (sendto(s->sock->fd, buf, (size_t)len, MSG_DONTWAIT, (const struct sockaddr *)to,
		   sockaddr_len(to)) < 0)
		log_ratelimited(LOG_INFO, "DTLS send failed: %m");
	return len;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct media_dtls *d = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return d ? (long)d->mtu : 1200;
	case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
		return 28; /* IPv4 + UDP */
	default:
		return 0;
	}
}

static BIO_METHOD *send_method;
static pthread_once_t send_method_once = PTHREAD_ONCE_INIT;

static void make_send_method(void)
{
	send_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rtprelay-dtls");
	BIO_meth_set_write(send_method, bio_write);
	BIO_meth_set_ctrl(send_method, bio_ctrl);
}

/* ---------------------------------------------------------------- keys */

static int ssl_index = -1;
static pthread_once_t ssl_index_once = PTHREAD_ONCE_INIT;

static void make_ssl_index(void)
{
	ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* The peer's certificate against the SDP's fingerprint: a mismatch ends
 * the handshake (bad_certificate) before any key exists. */
static int verify_peer(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct media_dtls *d = ssl ? SSL_get_ex_data(ssl, ssl_index) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	unsigned char *der = NULL;
	struct dtls_fingerprint fp;

	(void)ok;
	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return 1; /* the chain above the peer's own certificate is not ours to judge */
	if (!d || !cert || !d->have_remote)
		return 0;
	int n = i2d_X509(cert, &der);

	fp.hash = d->remote.hash;
	bool same = n > 0 && !dtls_fingerprint_of_der(der, (size_t)n, &fp) &&
		    fp.len == d->remote.len && !memcmp(fp.digest, d->remote.digest, fp.len);

	OPENSSL_free(der);
	if (!same) {
		COUNT(d, mismatch);
		log_ratelimited(LOG_WARNING, "DTLS: the peer's certificate does not match its "
					     "a=fingerprint: handshake refused");
	}
	return same;
}

static const struct sdes_suite *suite_of(const SRTP_PROTECTION_PROFILE *prof)
{
	switch (prof ? prof->id : 0) {
	case SRTP_AES128_CM_SHA1_80:
		return sdes_suite_at(SDES_AES_CM_128_HMAC_SHA1_80);
	case SRTP_AES128_CM_SHA1_32:
		return sdes_suite_at(SDES_AES_CM_128_HMAC_SHA1_32);
	case SRTP_AEAD_AES_128_GCM:
		return sdes_suite_at(SDES_AEAD_AES_128_GCM);
	case SRTP_AEAD_AES_256_GCM:
		return sdes_suite_at(SDES_AEAD_AES_256_GCM);
	default:
		return NULL;
	}
}

/*
 * The handshake is done: the SRTP keys from the exporter (RFC 5764 4.2:
 * client key, server key, client salt, server salt); the client sends
 * with the client's. 0, or -1 (logged).
 */
static int take_keys(struct media_dtls *d)
{
	const struct sdes_suite *suite = suite_of(SSL_get_selected_srtp_profile(d->ssl));
	uint8_t km[2 * (SDES_MAX_KEY + SDES_MAX_SALT)];
	struct sdes_crypto mine = { 0 }, theirs = { 0 };
	const char *why = NULL;

	if (!suite) {
		log_ratelimited(LOG_WARNING, "DTLS: no SRTP profile negotiated");
		return -1;
	}
	size_t kl = suite->key_len, sl = suite->salt_len;

	if (SSL_export_keying_material(d->ssl, km, 2 * (kl + sl), EXPORTER_LABEL,
				       strlen(EXPORTER_LABEL), NULL, 0, 0) != 1) {
		log_ratelimited(LOG_WARNING, "DTLS: key export failed");
		return -1;
	}
	const uint8_t *ck = km, *sk = km + kl, *cs = km + 2 * kl, *ss = km + 2 * kl + sl;
	struct sdes_crypto *client = d->active ? &mine : &theirs;
	struct sdes_crypto *server = d->active ? &theirs : &mine;

	mine.suite = theirs.suite = suite;
	memcpy(client->key, ck, kl);
	memcpy(client->key + kl, cs, sl);
	memcpy(server->key, sk, kl);
	memcpy(server->key + kl, ss, sl);
	struct srtp_dir *in = srtp_dir_new(&theirs, true, &why);
	struct srtp_dir *out = in ? srtp_dir_new(&mine, false, &why) : NULL;

	OPENSSL_cleanse(km, sizeof(km));
	OPENSSL_cleanse(&mine, sizeof(mine));
	OPENSSL_cleanse(&theirs, sizeof(theirs));
	if (!out) {
		srtp_dir_free(in);
		log_ratelimited(LOG_WARNING, "DTLS: SRTP session: %s", why);
		return -1;
	}
	srtp_dir_free(d->in);
	srtp_dir_free(d->out);
	d->in = in;
	d->out = out;
	d->suite = suite->name;
	return 0;
}

/* ---------------------------------------------------------------- handshake */

/* How often, and how many times, an active side that does not know
 * where the party is looks again before its ClientHello. */
#define WAIT_PEER_US 500000
#define WAIT_PEER_TRIES 120

static void arm_timer(struct media_dtls *d)
{
	struct timeval tv = { 0, WAIT_PEER_US };

	if (d->state == DTLS_CONNECTING && (!d->hello_sent || DTLSv1_get_timeout(d->ssl, &tv)))
		evtimer_add(d->timer, &tv);
	else
		evtimer_del(d->timer);
}

static void fail(struct media_dtls *d)
{
	unsigned long e = ERR_peek_last_error();

	COUNT(d, failed);
	d->state = DTLS_FAILED;
	log_ratelimited(LOG_WARNING, "DTLS handshake failed: %s",
			e ? ERR_reason_error_string(e) : "no reason");
	ERR_clear_error();
}

/* Drive the handshake after input or a timeout. */
static void step(struct media_dtls *d)
{
	if (d->state != DTLS_CONNECTING)
		return;
	d->hello_sent = true;
	int r = SSL_do_handshake(d->ssl);

	if (r == 1) {
		if (take_keys(d)) {
			fail(d);
		} else {
			d->state = DTLS_CONNECTED;
			COUNT(d, handshakes);
			log_info("DTLS-SRTP established (%s, %s)", d->active ? "client" : "server",
				 d->suite);
		}
	} else {
		int e = SSL_get_error(d->ssl, r);

		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			fail(d);
	}
	ERR_clear_error();
	arm_timer(d);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct media_dtls *d = arg;
	struct call *call = d->media->ml->call;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&call->lock);
	if (d->ssl && d->state == DTLS_CONNECTING && !d->hello_sent) {
		/* active, the party's address was unknown: look again */
		if (!sockaddr_is_any(&d->media->streams[STREAM_RTP].endpoint))
			step(d);
		else if (++d->waits > WAIT_PEER_TRIES)
			fail(d);
		else
			arm_timer(d);
	} else if (d->ssl && d->state == DTLS_CONNECTING) {
		if (DTLSv1_handle_timeout(d->ssl) < 0)
			fail(d);
		ERR_clear_error();
		arm_timer(d);
	}
	pthread_mutex_unlock(&call->lock);
}

static void drop_ssl(struct media_dtls *d)
{
	if (d->timer)
		evtimer_del(d->timer);
	SSL_free(d->ssl); /* frees its BIOs */
	d->ssl = NULL;
	d->state = DTLS_IDLE;
}

static int new_ssl(struct media_dtls *d)
{
	BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(send_method);

	d->ssl = SSL_new(d->ctx);
	if (!d->ssl || !rbio || !wbio) {
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(d->ssl);
		d->ssl = NULL;
		return -1;
	}
	/* an empty input is "try again", not end of file */
	BIO_set_mem_eof_return(rbio, -1);
	BIO_set_data(wbio, d);
	BIO_set_init(wbio, 1);
	SSL_set_bio(d->ssl, rbio, wbio);
	SSL_set_ex_data(d->ssl, ssl_index, d);
	SSL_set_verify(d->ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);
	SSL_set_mtu(d->ssl, d->mtu - 28);
	DTLS_set_link_mtu(d->ssl, d->mtu);
	if (d->active)
		SSL_set_connect_state(d->ssl);
	else
		SSL_set_accept_state(d->ssl);
	return 0;
}

/* ---------------------------------------------------------------- API */

struct media_dtls *media_dtls_get(struct media *m)
{
	struct rtprelay *rp = m->ml->call->rp;

	if (m->dtls)
		return m->dtls;
	pthread_once(&send_method_once, make_send_method);
	pthread_once(&ssl_index_once, make_ssl_index);
	m->dtls = g_new0(struct media_dtls, 1);
	m->dtls->media = m;
	m->dtls->hash = DTLS_HASH_SHA256;
	m->dtls->totals = rp->stats;
	m->dtls->timer = evtimer_new(rp->base, on_timer, m->dtls);
	return m->dtls;
}

void media_dtls_free(struct media_dtls *d)
{
	if (!d)
		return;
	drop_ssl(d);
	if (d->timer)
		event_free(d->timer);
	srtp_dir_free(d->in);
	srtp_dir_free(d->out);
	g_free(d);
}

void dtls_stop(struct media *m)
{
	struct media_dtls *d = m->dtls;

	if (!d)
		return;
	drop_ssl(d);
	srtp_dir_free(d->in);
	srtp_dir_free(d->out);
	d->in = d->out = NULL;
	d->in_use = false;
	d->suite = NULL;
	memset(&d->peer, 0, sizeof(d->peer));
}

void dtls_restart(struct media *m)
{
	struct media_dtls *d = m->dtls;
	const struct stream *s = &m->streams[STREAM_RTP];

	if (!d || !d->in_use || !d->ctx)
		return;
	drop_ssl(d);
	/* Keys in use stay until the new handshake replaces them: media
	 * goes on through a re-key. */
	if (new_ssl(d)) {
		d->state = DTLS_FAILED;
		return;
	}
	d->state = DTLS_CONNECTING;
	d->started_us = clock_mono_us();
	d->waits = 0;
	/* a server waits for the ClientHello; a client sends it now, or once
	 * it knows where the party is (on_timer) */
	d->hello_sent = !d->active;
	memset(&d->peer, 0, sizeof(d->peer));
	if (d->active && !sockaddr_is_any(&s->endpoint))
		step(d);
	else
		arm_timer(d);
}

void dtls_packet(struct stream *s, const uint8_t *p, size_t len, const struct sockaddr_storage *src,
		 int64_t now)
{
	struct media *m = s->media;
	struct media_dtls *d = m->dtls;
	struct dtls_datagram dg;
	const char *why;

	if (!d || !d->in_use || !d->ssl || s->kind != STREAM_RTP) {
		/* DTLS where none was negotiated (or on a separate RTCP port,
		 * which shares the RTP port's keys here) */
		if (d)
			COUNT(d, invalid);
		__atomic_fetch_add(&s->stats->dropped_invalid, 1, __ATOMIC_RELAXED);
		return;
	}
	if (dtls_datagram_scan(p, len, &dg, &why)) {
		COUNT(d, invalid);
		log_ratelimited(LOG_INFO, "DTLS datagram dropped: %s", why);
		return;
	}
	struct learning_policy pol = {
		.mode = m->learning,
		.strict_source = m->strict_source,
		.asymmetric = m->asymmetric,
	};

	/* Only the party may handshake: its learned (or SDP) address, and
	 * once a handshake has an other end, that one. */
	if (learning_packet(&s->learn, &pol, &s->advertised, &s->endpoint, src, now) !=
		    LEARN_FORWARD ||
	    !sockaddr_eq(src, &s->endpoint) ||
	    (sockaddr_is_set(&d->peer) && !sockaddr_eq(src, &d->peer) &&
	     d->state == DTLS_CONNECTING && !dg.client_hello)) {
		COUNT(d, strangers);
		return;
	}
	if (dg.client_hello && !d->active &&
	    (d->state == DTLS_CONNECTED || d->state == DTLS_FAILED ||
	     (sockaddr_is_set(&d->peer) && !sockaddr_eq(src, &d->peer)))) {
		/* the party starts over (restarted, moved): a new handshake, at
		 * most one a second */
		if (now - d->started_us < RESTART_INTERVAL_US) {
			COUNT(d, limited);
			return;
		}
		dtls_restart(m);
		if (!d->ssl)
			return;
	}
	if (!d->ssl || d->state == DTLS_FAILED)
		return;
	if (!sockaddr_is_set(&d->peer))
		d->peer = *src;
	BIO_write(SSL_get_rbio(d->ssl), p, (int)len);
	if (d->state == DTLS_CONNECTING) {
		step(d);
		/* a datagram is read whole or not at all: nothing may pile up */
		if (d->ssl)
			(void)BIO_reset(SSL_get_rbio(d->ssl));
		return;
	}
	/* Connected: alerts, retransmitted flights; no application data is
	 * carried (no data channels), whatever comes is read and dropped. */
	uint8_t junk[256];

	while (SSL_read(d->ssl, junk, sizeof(junk)) > 0)
		;
	if (SSL_get_shutdown(d->ssl) & SSL_RECEIVED_SHUTDOWN)
		log_info("DTLS: the peer closed the association (keys stay until a new one)");
	ERR_clear_error();
	(void)BIO_reset(SSL_get_rbio(d->ssl));
}

bool dtls_srtp_in(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len)
{
	if (!d->in_use)
		return true;
	if (!d->in) {
		COUNT(d, unkeyed);
		return false;
	}
	if (srtp_dir_unprotect(d->in, rtcp, p, len) != SRTP_OK) {
		COUNT(d, auth_failed);
		return false;
	}
	return true;
}

bool dtls_srtp_out(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len, size_t cap)
{
	if (!d->in_use)
		return true;
	if (!d->out) {
		COUNT(d, unkeyed);
		return false;
	}
	return srtp_dir_protect(d->out, rtcp, p, len, cap) == SRTP_OK;
}
