/* SRTP/SRTCP sessions with libsrtp2; see srtp.h. */
#define LOG_SUBSYS srtp
#include "crypto/srtp.h"

#include <glib.h>
#include <srtp2/srtp.h>
#include <stddef.h>
#include <string.h>

#include "log.h"
#include "srtp_evp.h"

/*
 * libsrtp2 keeps a stream (keys, replay window, ROC) per SSRC it has seen
 * and finds them by a linear search: a sender cycling through SSRCs would
 * make both grow without bound. A session keeps at most SRTP_DIR_SSRCS;
 * one more evicts the least recently used. Inbound, only a packet that
 * authenticated counts (a forger cannot evict anything); outbound, what is
 * sent is what the other party and, at most at its rate in bursts of 16,
 * strangers sent (learning.h): 32 slots keep a party's SSRC that sends
 * between two such bursts.
 */
#define SRTP_DIR_SSRCS 32

struct srtp_dir {
	srtp_t session;
	bool mki;
	unsigned n_ssrcs;
	uint32_t ssrcs[SRTP_DIR_SSRCS]; /* network byte order, most recent first */
	struct srtp_evp_used used;      /* by the last packet that went through */
};

int srtp_dir_library_init(void)
{
	const char *why;

	if (srtp_init() != srtp_err_status_ok)
		return -1;
	/* the primitives on OpenSSL (srtp_evp.h); libsrtp2's own still work */
	if (srtp_evp_register(&why) < 0)
		log_warnx("SRTP: %s failed its known-answer test; libsrtp2's own "
			  "crypto is used for it and the types after it (slower)",
			  why);
	return 0;
}

/* The suite's policy for RTP and RTCP. */
static void set_suite(srtp_policy_t *p, enum sdes_suite_id id)
{
	switch (id) {
	case SDES_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AES_CM_128_HMAC_SHA1_32:
		/* RFC 4568: SRTCP keeps the 80-bit tag */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AES_192_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AES_192_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AES_256_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		break;
	case SDES_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
		break;
	case SDES_NULL_HMAC_SHA1_80:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtcp);
		break;
	case SDES_NULL_HMAC_SHA1_32:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtp);
		p->rtp.auth_tag_len = 4;
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtcp);
		break;
	default:
		break;
	}
}

struct srtp_dir *srtp_dir_new(const struct sdes_crypto *c, bool inbound, const char **why)
{
	srtp_policy_t p;
	srtp_master_key_t mk, *mks[1] = { &mk };
	uint8_t key[SDES_MAX_KEY + SDES_MAX_SALT], mki[SDES_MAX_MKI];
	struct srtp_dir *d;

	if (!c->suite || !c->suite->implemented) {
		*why = "crypto suite not implemented";
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	set_suite(&p, c->suite->id);
	if (c->flags & SDES_UNENCRYPTED_SRTP)
		p.rtp.sec_serv &= ~sec_serv_conf;
	if (c->flags & SDES_UNENCRYPTED_SRTCP)
		p.rtcp.sec_serv &= ~sec_serv_conf;
	if (c->flags & SDES_UNAUTHENTICATED_SRTP) {
		/* no tag at all: libsrtp2 2.5 still takes the policy's tag
		 * length off what it unprotects unless the authenticator is
		 * the null one (it then failed every packet as a parse error) */
		p.rtp.sec_serv &= ~sec_serv_auth;
		p.rtp.auth_type = SRTP_NULL_AUTH;
		p.rtp.auth_key_len = 0;
		p.rtp.auth_tag_len = 0;
	}
	p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	memcpy(key, c->key, sizeof(key));
	if (c->mki_len) {
		for (unsigned i = 0; i < c->mki_len; i++) {
			unsigned shift = 8 * (c->mki_len - 1 - i);

			mki[i] = shift < 64 ? (uint8_t)(c->mki >> shift) : 0;
		}
		mk = (srtp_master_key_t){ .key = key, .mki_id = mki, .mki_size = c->mki_len };
		p.keys = mks;
		p.num_master_keys = 1;
	} else {
		p.key = key;
	}
	p.window_size = 128;
	/* We forward what the party retransmits: the same index again is fine. */
	p.allow_repeat_tx = 1;
	d = g_new0(struct srtp_dir, 1);
	d->mki = c->mki_len != 0;
	if (srtp_create(&d->session, &p) != srtp_err_status_ok) {
		g_free(d);
		*why = "the SRTP library refused the key";
		return NULL;
	}
	return d;
}

void srtp_dir_free(struct srtp_dir *d)
{
	if (!d)
		return;
	srtp_dealloc(d->session);
	g_free(d);
}

/* The packet's SSRC (network byte order); false if too short to have one. */
static bool packet_ssrc(bool rtcp, const uint8_t *p, size_t len, uint32_t *ssrc)
{
	size_t at = rtcp ? 4 : 8;

	if (len < at + 4)
		return false;
	memcpy(ssrc, p + at, 4);
	return true;
}

/* ssrc was used: to the front; a new one evicts the least recently used
 * when the table is full. */
static void ssrc_use(struct srtp_dir *d, uint32_t ssrc)
{
	unsigned i;

	for (i = 0; i < d->n_ssrcs && d->ssrcs[i] != ssrc; i++)
		;
	if (i == d->n_ssrcs) {
		if (d->n_ssrcs == SRTP_DIR_SSRCS)
			srtp_remove_stream(d->session, d->ssrcs[--d->n_ssrcs]);
		i = d->n_ssrcs++;
	}
	/* i: its slot, or the new last one */
	memmove(&d->ssrcs[1], &d->ssrcs[0], i * sizeof(d->ssrcs[0]));
	d->ssrcs[0] = ssrc;
}

static enum srtp_result result(srtp_err_status_t e)
{
	switch (e) {
	case srtp_err_status_ok:
		return SRTP_OK;
	case srtp_err_status_auth_fail:
		return SRTP_AUTH_FAIL;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return SRTP_REPLAY;
	default:
		return SRTP_ERROR;
	}
}

enum srtp_result srtp_dir_unprotect(struct srtp_dir *d, bool rtcp, uint8_t *p, size_t *len)
{
	int n = (int)*len;
	uint32_t ssrc;

	if (!packet_ssrc(rtcp, p, *len, &ssrc))
		return SRTP_ERROR;
	srtp_evp_used_reset();
	srtp_err_status_t e = rtcp ? srtp_unprotect_rtcp_mki(d->session, p, &n, d->mki)
				   : srtp_unprotect_mki(d->session, p, &n, d->mki);

	if (e != srtp_err_status_ok)
		return result(e);
	d->used = srtp_evp_used_get();
	ssrc_use(d, ssrc); /* libsrtp2 made its stream if it was new */
	*len = (size_t)n;
	return SRTP_OK;
}

enum srtp_result srtp_dir_protect(struct srtp_dir *d, bool rtcp, uint8_t *p, size_t *len,
				  size_t cap)
{
	int n = (int)*len;
	uint32_t ssrc;

	if (cap < *len + SRTP_DIR_MAX_GROWTH)
		return SRTP_NO_ROOM;
	if (!packet_ssrc(rtcp, p, *len, &ssrc))
		return SRTP_ERROR;
	ssrc_use(d, ssrc);
	srtp_evp_used_reset();
	srtp_err_status_t e = rtcp ? srtp_protect_rtcp_mki(d->session, p, &n, d->mki, 0)
				   : srtp_protect_mki(d->session, p, &n, d->mki, 0);

	if (e == srtp_err_status_ok) {
		*len = (size_t)n;
		d->used = srtp_evp_used_get();
	}
	return result(e);
}

unsigned srtp_dir_warm(const struct srtp_dir *d, prefetch_span *out, unsigned k, unsigned n)
{
	if (!d)
		return k;
	k = prefetch_span_add(out, k, n, d, offsetof(struct srtp_dir, used));
	/* libsrtp2's session head; what hangs off it is libsrtp2's own */
	k = prefetch_span_add(out, k, n, d->session, 3 * sizeof(void *));
	return srtp_evp_warm(d->used, out, k, n);
}
