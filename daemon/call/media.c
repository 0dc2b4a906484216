/* Media of one party: ports facing it and its RTP/RTCP streams. */
#include "call/media.h"
#include "crypto/dtls.h"
#include "crypto/media_sdes.h"
#include "ice/agent.h"

#include <errno.h>
#include <event2/event.h>
#include <glib.h>
#include <pthread.h>

#include "bufferpool.h"
#include "call/call.h"
#include "config/config.h"
#include "kernel/offload.h"
#include "media/io.h"
#include "rtprelay.h"
#include "stats.h"

int media_state_alloc(struct bufferpool *pool, struct media_state *st)
{
	for (int k = 0; k < 2; k++) {
		/* Zeroed; the kernel will write it once it forwards the stream. */
		st->stats[k] = bufferpool_alloc(pool, sizeof(struct rtprelay_stream_stats),
						BUFFERPOOL_KERNEL);
		if (!st->stats[k]) {
			media_state_free(pool, st);
			return -ENOMEM;
		}
	}
	return 0;
}

void media_state_free(struct bufferpool *pool, struct media_state *st)
{
	for (int k = 0; k < 2; k++) {
		if (st->stats[k])
			bufferpool_free(pool, st->stats[k]);
		st->stats[k] = NULL;
	}
}

struct media *media_new(struct monologue *ml, unsigned index, struct media_state *st)
{
	struct media *m = g_new0(struct media, 1);

	m->ml = ml;
	m->index = index;
	m->send = m->recv = true;
	m->learning = ml->call->rp->cfg->endpoint_learning;
	m->max_pps = ml->call->rp->cfg->media_max_pps;
	for (int k = 0; k < 2; k++) {
		g_assert(st->stats[k]); /* media_state_alloc succeeded */
		m->streams[k].media = m;
		m->streams[k].kind = (enum stream_kind)k;
		m->streams[k].stats = st->stats[k];
		st->stats[k] = NULL;
	}
	return m;
}

void media_take_alt_locked(struct media *m, struct media_retired *old)
{
	if (!m->alt.intf)
		return;
	g_assert(!old->alt.intf);
	old->alt = m->alt;
	m->alt = (struct port_pair){ 0 };
	for (int k = 0; k < 2; k++) {
		m->streams[k].alt_sock = NULL;
		m->streams[k].alt_port = 0;
	}
}

void media_set_alt_locked(struct media *m, struct port_pair *pp)
{
	g_assert(!m->alt.intf);
	m->alt = *pp;
	m->streams[STREAM_RTP].alt_sock = pp->rtp;
	m->streams[STREAM_RTP].alt_port = pp->rtp_port;
	m->streams[STREAM_RTCP].alt_sock = pp->rtcp;
	m->streams[STREAM_RTCP].alt_port = (uint16_t)(pp->rtp_port + 1);
	*pp = (struct port_pair){ 0 };
}

struct media_socket *stream_sock_for(const struct stream *s, int family)
{
	const struct port_pair *alt = &s->media->alt;

	if (s->alt_sock && alt->intf && family == alt->intf->family)
		return s->alt_sock;
	return s->sock;
}

static void take_off(struct media *m, struct media_retired *old)
{
	/* No kernel target may send to or from ports that go. */
	offload_media_release_locked(m);
	old->pp = m->ports;
	m->ports = (struct port_pair){ 0 };
	for (int k = 0; k < 2; k++) {
		m->streams[k].sock = NULL;
		m->streams[k].local_port = 0;
	}
	/* the other family's sockets only exist beside these */
	media_take_alt_locked(m, old);
}

static void release_pair(struct ports *p, struct port_pair *pp)
{
	if (!pp->intf)
		return;
	/* Once the owner is gone no callback can reach the old media. */
	media_socket_set_owner(pp->rtp, NULL);
	media_socket_set_owner(pp->rtcp, NULL);
	ports_put(p, pp);
}

void media_retired_release(struct monologue *ml, struct media_retired *old)
{
	release_pair(ml->call->rp->ports, &old->pp);
	release_pair(ml->call->rp->ports, &old->alt);
	*old = (struct media_retired){ 0 };
}

void media_set_ports_locked(struct media *m, struct port_pair *pp, struct media_retired *old)
{
	take_off(m, old);
	m->ports = *pp;
	m->streams[STREAM_RTP].sock = pp->rtp;
	m->streams[STREAM_RTP].local_port = pp->rtp_port;
	m->streams[STREAM_RTCP].sock = pp->rtcp;
	m->streams[STREAM_RTCP].local_port = (uint16_t)(pp->rtp_port + 1);
	*pp = (struct port_pair){ 0 };
}

void media_claim_sockets(struct media *m)
{
	for (int k = 0; k < 2; k++) {
		struct stream *s = &m->streams[k];

		if (s->sock && s->sock->owner != s)
			media_socket_set_owner(s->sock, s);
		if (s->alt_sock && s->alt_sock->owner != s)
			media_socket_set_owner(s->alt_sock, s);
	}
}

void media_put_ports(struct media *m)
{
	struct call *call = m->ml->call;
	struct media_retired old = { 0 };

	if (!m->ports.intf && !m->alt.intf)
		return;
	pthread_mutex_lock(&call->lock);
	take_off(m, &old);
	pthread_mutex_unlock(&call->lock);
	media_retired_release(m->ml, &old);
}

void media_free(struct media *m)
{
	if (!m)
		return;
	media_put_ports(m);
	/* No worker can reach the streams any more (media_put_ports): their
	 * counters are final and go into the daemon's totals. */
	struct rtprelay *rp = m->ml->call->rp;

	for (int k = 0; k < 2; k++) {
		rp->stats->relayed_packets += m->streams[k].stats->packets;
		rp->stats->relayed_bytes += m->streams[k].stats->bytes;
		rp->stats->relayed_errors += m->streams[k].stats->errors;
		rp->stats->relayed_kernel_packets += m->streams[k].stats->kernel_packets;
		bufferpool_free(rp->pool, m->streams[k].stats);
	}
	if (m->sdes)
		for (int k = 0; k < 2; k++) {
			rp->stats->srtp_auth_failed += m->sdes->auth_failed[k];
			rp->stats->srtp_replayed += m->sdes->replayed[k];
		}
	media_sdes_free(m->sdes);
	ice_free(m->ice);
	media_dtls_free(m->dtls);
	g_free(m->type);
	g_free(m->protocol);
	g_free(m->mid);
	g_free(m);
}

int64_t media_last_packet(const struct media *m)
{
	int64_t last = 0;

	for (int k = 0; k < 2; k++) {
		int64_t t = (int64_t)__atomic_load_n(&m->streams[k].stats->last_packet_us,
						     __ATOMIC_RELAXED);
		if (t > last)
			last = t;
	}
	return last;
}
