/* One packet's way through the relay; see route.h. */
#define LOG_SUBSYS internals
#include "media/route.h"

#include "call/call.h"
#include "call/media.h"
#include "crypto/dtls.h"
#include "crypto/media_sdes.h"
#include "ice/agent.h"
#include "kernel/offload.h"
#include "media/io.h"
#include "rtp.h"
#include "sockaddr.h"

#include "../../kernel-module/slots.h"

/*
 * The counters live in shared memory that the kernel module writes too
 * (for the packets it forwards): read-modify-write atomically, and claim
 * per-SSRC and per-payload-type slots by compare-and-swap with the
 * module's own code (kernel-module/slots.c), so no increment is lost and no
 * slot is shared by two keys whoever counts.
 */
static inline void bump(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static void count_rtp(struct rtprelay_stream_stats *st, const struct rtp_header *h)
{
	struct rtprelay_ssrc_stats *ss = rtprelay_slot_count(st->ssrc, sizeof(st->ssrc[0]),
							     RTPRELAY_STATS_SSRCS, h->ssrc);

	if (ss)
		__atomic_store_n(&ss->last_seq, h->seq, __ATOMIC_RELAXED);
	rtprelay_slot_count(st->pt, sizeof(st->pt[0]), RTPRELAY_STATS_PTS, h->payload_type);
}

/* An SRTP packet the party sent, decrypted in place; false: dropped (counted). */
static bool srtp_in(struct stream *s, struct media_sdes *sd, bool rtcp, uint8_t *p, size_t *len)
{
	enum srtp_result r = srtp_dir_unprotect(sd->in, rtcp, p, len);

	if (r == SRTP_OK)
		return true;
	if (r == SRTP_REPLAY)
		bump(&sd->replayed[s->kind], 1);
	else
		bump(&sd->auth_failed[s->kind], 1);
	return false;
}

/*
 * media-max-pps: a stream forwards at most that many packets a second, in
 * bursts of up to a tenth of a second's worth: far above any real medium
 * (audio 50, video some hundreds), it keeps a flood that owns a stream
 * (one that started before the genuine party, see learning.h) from being
 * reflected at line rate to the other party, and from holding the worker:
 * what is not forwarded costs no send.
 */
static bool rate_ok(struct stream *s, unsigned max_pps, int64_t now)
{
	uint64_t burst = (uint64_t)max_pps * 100; /* a tenth of a second, in 1/1000 */

	if (!max_pps)
		return true;
	if (!s->rate_at_us) {
		s->rate_at_us = now;
		s->rate_tokens = (uint32_t)burst;
	}
	uint64_t add = (uint64_t)(now - s->rate_at_us) * max_pps / 1000; /* 1/1000 packets */

	if (add) {
		uint64_t t = s->rate_tokens + add;

		s->rate_tokens = (uint32_t)(t > burst ? burst : t);
		s->rate_at_us = now;
	}
	if (s->rate_tokens < 1000) {
		bump(&s->dropped_rate, 1);
		return false;
	}
	s->rate_tokens -= 1000;
	return true;
}

struct stream *media_route(struct stream *s, uint8_t *p, size_t *lenp, size_t cap, bool truncated,
			   const struct sockaddr_storage *src, int64_t now)
{
	size_t len = *lenp;
	struct media *m = s->media;
	struct monologue *ml = m->ml;
	struct rtprelay_stream_stats *st = s->stats;
	struct rtp_header h;

	if (!truncated && len && p[0] <= 3) { /* STUN (RFC 7983) */
		ice_stun_in(s, p, len, src, now);
		return NULL;
	}
	if (!truncated && len && p[0] >= 20 && p[0] <= 63) {
		dtls_packet(s, p, len, src, now); /* RFC 7983: DTLS, never relayed */
		return NULL;
	}
	if (truncated || !rtp_is_v2(p, len)) {
		bump(&st->dropped_invalid, 1);
		return NULL;
	}
	bool rtcp = s->kind == STREAM_RTCP || (m->rtcp_mux && rtp_looks_like_rtcp(p, len));

	/* Authenticated before anything else looks at it: a forged packet
	 * neither moves the endpoint nor counts. */
	if (m->sdes && m->sdes->in && !srtp_in(s, m->sdes, rtcp, p, &len))
		return NULL;
	if (m->dtls && !dtls_srtp_in(m->dtls, rtcp, p, &len))
		return NULL;
	if (rtcp ? rtcp_check(p, len) < 0 : rtp_parse(p, len, &h) < 0) {
		bump(&st->dropped_invalid, 1);
		return NULL;
	}
	struct learning_policy pol = {
		.mode = m->learning,
		.strict_source = m->strict_source,
		.asymmetric = m->asymmetric,
	};

	/* ICE picks the party's address: media from where checks succeeded.
	 * Otherwise learning; what the kernel forwarded came from the party's
	 * source, so strangers borrow from those packets too, and a source
	 * that moves or commits makes the control thread re-check the kernel
	 * target. */
	bool forward;

	if (m->ice && m->ice->rufrag) {
		forward = ice_source_ok(m->ice, s->kind, src);
	} else {
		learning_credit(&s->learn, offload_kernel_packets_since(s), now);
		uint8_t lstate = s->learn.state;
		uint64_t lkey = s->learn.source_key;

		forward = learning_packet(&s->learn, &pol, &s->advertised, &s->endpoint, src,
					  now) == LEARN_FORWARD;
		if (s->learn.state != lstate || s->learn.source_key != lkey)
			offload_kick(s);
	}
	if (!forward) {
		bump(&st->dropped_source, 1);
		return NULL;
	}
	__atomic_store_n(&st->last_packet_us, (uint64_t)now, __ATOMIC_RELAXED);
	if (ml->block_media) {
		bump(&st->dropped_blocked, 1);
		return NULL;
	}
	struct monologue *peer = ml->peer;
	struct media *pm = peer && m->index - 1 < peer->medias->len
				   ? peer->medias->pdata[m->index - 1]
				   : NULL;
	struct stream *os = !pm || pm->rejected || m->rejected ? NULL
			    : rtcp && !pm->rtcp_mux            ? &pm->streams[STREAM_RTCP]
							       : &pm->streams[STREAM_RTP];

	if (!os || !os->sock || sockaddr_is_any(&os->endpoint)) {
		bump(&st->dropped_no_peer, 1);
		return NULL;
	}
	if (pm->ice && !ice_may_send(pm->ice, os->kind, now))
		return NULL; /* consent lost (RFC 7675): counted there */
	if (!rate_ok(s, m->max_pps, now))
		return NULL;
	if (!rtcp) {
		if (ml->silence_media)
			rtp_silence_payload(p, &h);
		count_rtp(st, &h);
	}
	bump(&st->packets, 1);
	bump(&st->bytes, *lenp);
	if (pm->sdes && pm->sdes->out &&
	    srtp_dir_protect(pm->sdes->out, rtcp, p, &len, cap) != SRTP_OK) {
		bump(&st->errors, 1);
		return NULL;
	}
	if (pm->dtls && !dtls_srtp_out(pm->dtls, rtcp, p, &len, cap)) {
		bump(&st->errors, 1); /* no keys toward it yet: never sent in clear */
		return NULL;
	}
	*lenp = len;
	return os;
}

void media_route_send_errors(struct stream *s, unsigned n)
{
	bump(&s->stats->errors, n);
}

#define SPAN(k, ...) prefetch_span_add(out, (k), n, __VA_ARGS__)
/* the fields from a to b (inclusive) of *o; a must come first (below) */
#define FIELDS(o, a, b) \
	&(o)->a, offsetof(__typeof__(*(o)), b) + sizeof((o)->b) - offsetof(__typeof__(*(o)), a)
_Static_assert(offsetof(struct media, rejected) < offsetof(struct media, dtls),
	       "media_route_warm: the media's flags through dtls");
_Static_assert(offsetof(struct media_sdes, in) < offsetof(struct media_sdes, out),
	       "media_route_warm: the SDES sessions in, then out");

unsigned media_route_warm(const struct stream *s, const struct stream *os, prefetch_span *out,
			  unsigned n)
{
	const struct media *m = s->media, *pm = os->media;
	const struct monologue *peer = pm->ml;
	unsigned k = 0;

	/* roughly in the order media_route reads them */
	k = SPAN(k, m->ml, sizeof(*m->ml));
	k = SPAN(k, &m->ml->call->lock, sizeof(m->ml->call->lock));
	k = SPAN(k, &m->ml, sizeof(m->ml));
	k = SPAN(k, FIELDS(m, rejected, dtls));
	/* the stream's own state, up to its kernel target (not read here) */
	k = SPAN(k, s, offsetof(struct stream, koff) + offsetof(struct stream_offload, target));
	k = SPAN(k, s->stats, sizeof(*s->stats));
	if (m->sdes) {
		k = SPAN(k, FIELDS(m->sdes, in, out));
		k = srtp_dir_warm(m->sdes->in, out, k, n);
	}
	if (m->dtls)
		k = dtls_srtp_warm(m->dtls, false, out, k, n);
	k = SPAN(k, peer->medias, sizeof(*peer->medias));
	k = SPAN(k, peer->medias->pdata, peer->medias->len * sizeof(void *));
	k = SPAN(k, &pm->ml, sizeof(pm->ml));
	k = SPAN(k, FIELDS(pm, rejected, dtls));
	k = SPAN(k, os, offsetof(struct stream, endpoint) + sizeof(os->endpoint));
	if (pm->sdes) {
		k = SPAN(k, FIELDS(pm->sdes, in, out));
		k = srtp_dir_warm(pm->sdes->out, out, k, n);
	}
	if (pm->dtls)
		k = dtls_srtp_warm(pm->dtls, true, out, k, n);
	if (os->sock)
		k = SPAN(k, os->sock, offsetof(struct media_socket, n_warm));
	return k;
}
