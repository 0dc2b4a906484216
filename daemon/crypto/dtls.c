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
	struct dtls_conn *c = BIO_get_data(b);
	struct stream *s = &c->d->media->streams[c->comp];
	/* the handshake's other end once it answered; until then wherever
	 * the party is now (learning may have moved it since the start) */
	const struct sockaddr_storage *to = sockaddr_is_set(&c->peer) ? &c->peer : &s->endpoint;

	/* from the socket of the peer's family (ICE: the selected pair's) */
	struct media_socket *ms = stream_sock_for(s, to->ss_family);

	if (!ms || sockaddr_is_any(to))
		return len; /* nowhere to send: as if lost; retransmission follows */
	if (sendto(ms->fd, buf, (size_t)len, MSG_DONTWAIT, (const struct sockaddr *)to,
		   sockaddr_len(to)) < 0)
		log_ratelimited(LOG_INFO, "DTLS send failed: %m");
	return len;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct dtls_conn *c = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return c ? (long)c->d->mtu : 1200;
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
	struct dtls_conn *c = ssl ? SSL_get_ex_data(ssl, ssl_index) : NULL;
	struct media_dtls *d = c ? c->d : NULL;
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
static int take_keys(struct dtls_conn *c)
{
	struct media_dtls *d = c->d;
	const struct sdes_suite *suite = suite_of(SSL_get_selected_srtp_profile(c->ssl));
	uint8_t km[2 * (SDES_MAX_KEY + SDES_MAX_SALT)];
	struct sdes_crypto mine = { 0 }, theirs = { 0 };
	const char *why = NULL;

	if (!suite) {
		log_ratelimited(LOG_WARNING, "DTLS: no SRTP profile negotiated");
		return -1;
	}
	size_t kl = suite->key_len, sl = suite->salt_len;

	if (SSL_export_keying_material(c->ssl, km, 2 * (kl + sl), EXPORTER_LABEL,
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
	srtp_dir_free(c->in);
	srtp_dir_free(c->out);
	c->in = in;
	c->out = out;
	c->suite = suite->name;
	return 0;
}

/* ---------------------------------------------------------------- handshake */

/* How often, and how many times, an active side that does not know
 * where the party is looks again before its ClientHello. */
#define WAIT_PEER_US 500000
#define WAIT_PEER_TRIES 120

static void arm_timer(struct dtls_conn *c)
{
	struct timeval tv = { 0, WAIT_PEER_US };

	if (c->state == DTLS_CONNECTING && (!c->hello_sent || DTLSv1_get_timeout(c->ssl, &tv)))
		evtimer_add(c->timer, &tv);
	else
		evtimer_del(c->timer);
}

static void fail(struct dtls_conn *c)
{
	unsigned long e = ERR_peek_last_error();

	COUNT(c->d, failed);
	c->state = DTLS_FAILED;
	log_ratelimited(LOG_WARNING, "DTLS handshake failed (%s port): %s",
			c->comp ? "RTCP" : "RTP", e ? ERR_reason_error_string(e) : "no reason");
	ERR_clear_error();
}

/* Drive the handshake after input or a timeout. */
static void step(struct dtls_conn *c)
{
	if (c->state != DTLS_CONNECTING)
		return;
	c->hello_sent = true;
	int r = SSL_do_handshake(c->ssl);

	if (r == 1) {
		if (take_keys(c)) {
			fail(c);
		} else {
			c->state = DTLS_CONNECTED;
			COUNT(c->d, handshakes);
			log_info("DTLS-SRTP established on the %s port (%s, %s)",
				 c->comp ? "RTCP" : "RTP", c->d->active ? "client" : "server",
				 c->suite);
		}
	} else {
		int e = SSL_get_error(c->ssl, r);

		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			fail(c);
	}
	ERR_clear_error();
	arm_timer(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct dtls_conn *c = arg;
	struct call *call = c->d->media->ml->call;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&call->lock);
	if (c->ssl && c->state == DTLS_CONNECTING && !c->hello_sent) {
		/* active, the party's address was unknown: look again */
		if (!sockaddr_is_any(&c->d->media->streams[c->comp].endpoint))
			step(c);
		else if (++c->waits > WAIT_PEER_TRIES)
			fail(c);
		else
			arm_timer(c);
	} else if (c->ssl && c->state == DTLS_CONNECTING) {
		if (DTLSv1_handle_timeout(c->ssl) < 0)
			fail(c);
		ERR_clear_error();
		arm_timer(c);
	}
	pthread_mutex_unlock(&call->lock);
}

static void drop_ssl(struct dtls_conn *c)
{
	if (c->timer)
		evtimer_del(c->timer);
	SSL_free(c->ssl); /* frees its BIOs */
	c->ssl = NULL;
	c->state = DTLS_IDLE;
}

/* No handshake and no keys. */
static void forget(struct dtls_conn *c)
{
	drop_ssl(c);
	srtp_dir_free(c->in);
	srtp_dir_free(c->out);
	c->in = c->out = NULL;
	c->suite = NULL;
	memset(&c->peer, 0, sizeof(c->peer));
}

static int new_ssl(struct dtls_conn *c)
{
	struct media_dtls *d = c->d;
	BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(send_method);

	c->ssl = SSL_new(d->ctx);
	if (!c->ssl || !rbio || !wbio) {
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	/* an empty input is "try again", not end of file */
	BIO_set_mem_eof_return(rbio, -1);
	BIO_set_data(wbio, c);
	BIO_set_init(wbio, 1);
	SSL_set_bio(c->ssl, rbio, wbio);
	SSL_set_ex_data(c->ssl, ssl_index, c);
	SSL_set_verify(c->ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);
	SSL_set_mtu(c->ssl, d->mtu - 28);
	DTLS_set_link_mtu(c->ssl, d->mtu);
	if (d->active)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	return 0;
}

/* A new handshake on c's port; its keys stay until the new ones come. */
static void conn_restart(struct dtls_conn *c)
{
	const struct stream *s = &c->d->media->streams[c->comp];

	drop_ssl(c);
	if (new_ssl(c)) {
		c->state = DTLS_FAILED;
		return;
	}
	c->state = DTLS_CONNECTING;
	c->started_us = clock_mono_us();
	c->waits = 0;
	/* a server waits for the ClientHello; a client sends it now, or once
	 * it knows where the party is (on_timer) */
	c->hello_sent = !c->d->active;
	memset(&c->peer, 0, sizeof(c->peer));
	if (c->d->active && !sockaddr_is_any(&s->endpoint))
		step(c);
	else
		arm_timer(c);
}

/* ---------------------------------------------------------------- API */

struct media_dtls *media_dtls_get(struct media *m)
{
	struct rtprelay *rp = m->ml->call->rp;
	struct media_dtls *d;

	if (m->dtls)
		return m->dtls;
	pthread_once(&send_method_once, make_send_method);
	pthread_once(&ssl_index_once, make_ssl_index);
	d = m->dtls = g_new0(struct media_dtls, 1);
	d->media = m;
	d->hash = DTLS_HASH_SHA256;
	d->totals = rp->stats;
	for (unsigned k = 0; k < 2; k++) {
		d->c[k].d = d;
		d->c[k].comp = k;
		d->c[k].timer = evtimer_new(rp->base, on_timer, &d->c[k]);
	}
	return d;
}

void media_dtls_free(struct media_dtls *d)
{
	if (!d)
		return;
	for (unsigned k = 0; k < 2; k++) {
		forget(&d->c[k]);
		if (d->c[k].timer)
			event_free(d->c[k].timer);
	}
	g_free(d);
}

void dtls_stop(struct media *m)
{
	struct media_dtls *d = m->dtls;

	if (!d)
		return;
	forget(&d->c[0]);
	forget(&d->c[1]);
	d->in_use = false;
}

void dtls_restart(struct media *m)
{
	struct media_dtls *d = m->dtls;

	if (!d || !d->in_use || !d->ctx)
		return;
	conn_restart(&d->c[0]);
	if (m->rtcp_mux)
		forget(&d->c[1]); /* RTCP comes on the RTP port, with its keys */
	else
		conn_restart(&d->c[1]);
}

void dtls_packet(struct stream *s, const uint8_t *p, size_t len, const struct sockaddr_storage *src,
		 int64_t now)
{
	struct media *m = s->media;
	struct media_dtls *d = m->dtls;
	struct dtls_conn *c = d ? &d->c[s->kind] : NULL;
	struct dtls_datagram dg;
	const char *why;

	if (!d || !d->in_use || !c->ssl) {
		/* DTLS where none was negotiated (or on the RTCP port of a
		 * party that muxes) */
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
	    (sockaddr_is_set(&c->peer) && !sockaddr_eq(src, &c->peer) &&
	     c->state == DTLS_CONNECTING && !dg.client_hello)) {
		COUNT(d, strangers);
		return;
	}
	if (dg.client_hello && !d->active &&
	    (c->state == DTLS_CONNECTED || c->state == DTLS_FAILED ||
	     (sockaddr_is_set(&c->peer) && !sockaddr_eq(src, &c->peer)))) {
		/* the party starts over (restarted, moved): a new handshake, at
		 * most one a second */
		if (now - c->started_us < RESTART_INTERVAL_US) {
			COUNT(d, limited);
			return;
		}
		conn_restart(c);
	}
	if (!c->ssl || c->state == DTLS_FAILED)
		return;
	if (!sockaddr_is_set(&c->peer))
		c->peer = *src;
	BIO_write(SSL_get_rbio(c->ssl), p, (int)len);
	if (c->state == DTLS_CONNECTING) {
		step(c);
		/* a datagram is read whole or not at all: nothing may pile up */
		(void)BIO_reset(SSL_get_rbio(c->ssl));
		return;
	}
	/* Connected: alerts, retransmitted flights; no application data is
	 * carried (no data channels), whatever comes is read and dropped. */
	uint8_t junk[256];

	while (SSL_read(c->ssl, junk, sizeof(junk)) > 0)
		;
	if (SSL_get_shutdown(c->ssl) & SSL_RECEIVED_SHUTDOWN)
		log_info("DTLS: the peer closed the association (keys stay until a new one)");
	ERR_clear_error();
	(void)BIO_reset(SSL_get_rbio(c->ssl));
}

/* The association whose keys protect this packet: RTCP has its own on a
 * port of its own once that handshake gave keys. */
static struct dtls_conn *keyed(struct media_dtls *d, bool rtcp)
{
	return rtcp && (d->c[1].in || d->c[1].out) ? &d->c[1] : &d->c[0];
}

bool dtls_srtp_in(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len)
{
	struct dtls_conn *c = keyed(d, rtcp);

	if (!d->in_use)
		return true;
	if (!c->in) {
		COUNT(d, unkeyed);
		return false;
	}
	if (srtp_dir_unprotect(c->in, rtcp, p, len) != SRTP_OK) {
		COUNT(d, auth_failed);
		return false;
	}
	return true;
}

bool dtls_srtp_out(struct media_dtls *d, bool rtcp, uint8_t *p, size_t *len, size_t cap)
{
	struct dtls_conn *c = keyed(d, rtcp);

	if (!d->in_use)
		return true;
	if (!c->out) {
		COUNT(d, unkeyed);
		return false;
	}
	return srtp_dir_protect(c->out, rtcp, p, len, cap) == SRTP_OK;
}

unsigned dtls_srtp_warm(const struct media_dtls *d, bool out, prefetch_span *spans, unsigned k,
			unsigned n)
{
	const struct dtls_conn *c = &d->c[0];

	k = prefetch_span_add(spans, k, n, &d->in_use, sizeof(d->in_use));
	k = prefetch_span_add(spans, k, n, &c->in, 2 * sizeof(c->in));
	return srtp_dir_warm(out ? c->out : c->in, spans, k, n);
}
