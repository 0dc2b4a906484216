/*
 * srtp_endpoint: SDES keys and libsrtp2 sessions of one SRTP endpoint of
 * the media benchmark (see srtp_endpoint.h).
 */
#include "srtp_endpoint.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>
#include <srtp2/srtp.h>

#include "srtp_evp.h"

#define KEY_LEN SRTP_AES_ICM_128_KEY_LEN_WSALT /* 16-byte key + 14-byte salt */

_Static_assert(SRTPEP_ROOM >= SRTP_MAX_TRAILER_LEN, "SRTPEP_ROOM below libsrtp2's trailer");

struct srtpep {
	uint8_t key[KEY_LEN];      /* ours: what we send is protected with it */
	uint8_t peer_key[KEY_LEN]; /* the relay's, from its SDP */
	srtp_t tx, rx;             /* rx NULL until the peer's key is known */
};

int srtpep_global_init(void)
{
	srtp_err_status_t rc = srtp_init();

	if (rc != srtp_err_status_ok) {
		fprintf(stderr, "media_load: srtp_init failed (libsrtp2 error %d)\n", rc);
		return -1;
	}
	/* the daemon's crypto (srtp_evp.h): with libsrtp2's own (NSS), the
	 * generator spent more CPU on SRTP than the relay under test */
	const char *why;

	if (srtp_evp_register(&why) < 0)
		fprintf(stderr,
			"media_load: %s failed its known answers; libsrtp2's own crypto "
			"is used (slower)\n",
			why);
	return 0;
}

/* One direction's session with key; the SSRC is learnt from the packets. */
static srtp_t session_new(uint8_t *key, bool inbound)
{
	srtp_policy_t p;
	srtp_t s = NULL;
	srtp_err_status_t rc;

	memset(&p, 0, sizeof(p));
	srtp_crypto_policy_set_rtp_default(&p.rtp); /* AES_CM_128_HMAC_SHA1_80 */
	srtp_crypto_policy_set_rtcp_default(&p.rtcp);
	p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p.key = key;
	p.window_size = 128;
	rc = srtp_create(&s, &p);
	if (rc != srtp_err_status_ok) {
		fprintf(stderr, "media_load: srtp_create failed (libsrtp2 error %d)\n", rc);
		return NULL;
	}
	return s;
}

struct srtpep *srtpep_new(void)
{
	struct srtpep *ep = g_new0(struct srtpep, 1);

	if (getrandom(ep->key, sizeof(ep->key), 0) != (ssize_t)sizeof(ep->key)) {
		perror("media_load: getrandom");
		goto err_free;
	}
	ep->tx = session_new(ep->key, false);
	if (!ep->tx)
		goto err_free;
	return ep;

err_free:
	g_free(ep);
	return NULL;
}

void srtpep_free(struct srtpep *ep)
{
	if (!ep)
		return;
	if (ep->rx)
		srtp_dealloc(ep->rx);
	srtp_dealloc(ep->tx);
	g_free(ep);
}

char *srtpep_crypto_line(const struct srtpep *ep, unsigned tag)
{
	g_autofree char *b64 = g_base64_encode(ep->key, sizeof(ep->key));

	/* 30 bytes make 40 characters: no padding to strip */
	return g_strdup_printf("a=crypto:%u %s inline:%s\r\n", tag, SRTPEP_SUITE, b64);
}

/* The key of one a=crypto line's inline: parameter (up to '|', the
 * lifetime/MKI separator); true when it decodes to exactly KEY_LEN bytes. */
static bool decode_key(const char *b64, uint8_t *out)
{
	g_autofree char *padded = NULL;
	g_autofree guchar *raw = NULL;
	size_t n = strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	gsize len = 0;

	padded = g_strdup_printf("%.*s%.*s", (int)n, b64, (int)((4 - n % 4) % 4), "===");
	raw = g_base64_decode(padded, &len);
	if (len != KEY_LEN)
		return false;
	memcpy(out, raw, KEY_LEN);
	return true;
}

int srtpep_set_peer_from_sdp(struct srtpep *ep, const char *sdp, size_t len, unsigned *tag,
			     char *err, size_t size)
{
	g_autofree char *body = g_strndup(sdp, len);
	g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
	int i;

	for (i = 0; lines[i]; i++) {
		char suite[64];
		unsigned t;
		int key_at = 0;

		if (sscanf(lines[i], "a=crypto:%u %63s inline:%n", &t, suite, &key_at) < 2 ||
		    !key_at || strcmp(suite, SRTPEP_SUITE) != 0)
			continue;
		if (!decode_key(lines[i] + key_at, ep->peer_key)) {
			snprintf(err, size, "bad key in %s", g_strchomp(lines[i]));
			return -1;
		}
		if (ep->rx)
			srtp_dealloc(ep->rx);
		ep->rx = session_new(ep->peer_key, true);
		if (!ep->rx) {
			snprintf(err, size, "libsrtp2 refused the relay's key");
			return -1;
		}
		*tag = t;
		return 0;
	}
	snprintf(err, size, "no a=crypto line with %s in the relay's SDP", SRTPEP_SUITE);
	return -1;
}

int srtpep_protect(struct srtpep *ep, uint8_t *buf, int *len)
{
	return (int)srtp_protect(ep->tx, buf, len);
}

int srtpep_unprotect(struct srtpep *ep, uint8_t *buf, int *len)
{
	if (!ep->rx)
		return (int)srtp_err_status_no_ctx;
	return (int)srtp_unprotect(ep->rx, buf, len);
}
