/* The userspace packet path; see media_io.h. */
#define LOG_SUBSYS internals
#include "media_io.h"

#include <errno.h>
#include <glib.h>
#include <unistd.h>
#include <event2/event.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "call.h"
#include "config.h"
#include "log.h"
#include "media.h"
#include "rtp.h"
#include "rtprelay.h"
#include "sockaddr.h"
#include "worker.h"

#define IO_BATCH 32
#define IO_MTU 2048  /* larger datagrams are truncated, and dropped */
#define IO_ROUNDS 8  /* batches per callback, so one busy socket can't starve others */

/* Per-thread scratch: the packet path allocates nothing. */
static __thread struct {
	struct mmsghdr in[IO_BATCH];
	struct iovec iov[IO_BATCH];
	struct sockaddr_storage src[IO_BATCH];
	uint8_t buf[IO_BATCH][IO_MTU];
	struct mmsghdr out[IO_BATCH];
	struct iovec oiov[IO_BATCH];
	struct sockaddr_storage dst[IO_BATCH];
	int ofd[IO_BATCH];
} io;

static inline void bump(uint64_t *p, uint64_t v)
{
	/* One writer at a time (under the call lock); readers load atomically. */
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static inline void bump32(uint32_t *p)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

static void count_rtp(struct rtprelay_stream_stats *st, const struct rtp_header *h)
{
	struct rtprelay_ssrc_stats *ss = NULL;
	struct rtprelay_pt_stats *ps = NULL;

	for (int i = 0; i < RTPRELAY_STATS_SSRCS; i++) {
		struct rtprelay_ssrc_stats *e = &st->ssrc[i];

		if (e->packets && e->ssrc == h->ssrc) {
			ss = e;
			break;
		}
		if (!e->packets && !ss)
			ss = e;
	}
	if (ss) {
		__atomic_store_n(&ss->ssrc, h->ssrc, __ATOMIC_RELAXED);
		__atomic_store_n(&ss->last_seq, h->seq, __ATOMIC_RELAXED);
		bump32(&ss->packets);
	}
	for (int i = 0; i < RTPRELAY_STATS_PTS; i++) {
		struct rtprelay_pt_stats *e = &st->pt[i];

		if (e->packets && e->payload_type == h->payload_type) {
			ps = e;
			break;
		}
		if (!e->packets && !ps)
			ps = e;
	}
	if (ps) {
		__atomic_store_n(&ps->payload_type, h->payload_type, __ATOMIC_RELAXED);
		bump32(&ps->packets);
	}
}

/*
 * One packet that arrived on s: returns the stream to send it from (its
 * endpoint is the destination), or NULL to drop it (counted). Call lock held.
 */
static struct stream *route(struct stream *s, uint8_t *p, size_t len, bool truncated,
			    const struct sockaddr_storage *src, int64_t now)
{
	struct media *m = s->media;
	struct monologue *ml = m->ml;
	struct rtprelay_stream_stats *st = s->stats;
	struct rtp_header h;

	if (truncated || !rtp_is_v2(p, len)) {
		bump(&st->dropped_invalid, 1);
		return NULL;
	}
	bool rtcp = s->kind == STREAM_RTCP || (m->rtcp_mux && rtp_looks_like_rtcp(p, len));

	if (rtcp ? rtcp_check(p, len) < 0 : rtp_parse(p, len, &h) < 0) {
		bump(&st->dropped_invalid, 1);
		return NULL;
	}
	struct learning_policy pol = {
		.mode = ml->call->rp->cfg->endpoint_learning,
		.strict_source = m->strict_source,
		.asymmetric = m->asymmetric,
	};

	if (!learning_packet(&s->learn, &pol, &s->advertised, &s->endpoint, src, now)) {
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
		? peer->medias->pdata[m->index - 1] : NULL;
	struct stream *os = !pm || pm->rejected || m->rejected ? NULL
			    : rtcp && !pm->rtcp_mux ? &pm->streams[STREAM_RTCP]
						    : &pm->streams[STREAM_RTP];

	if (!os || !os->sock || sockaddr_is_any(&os->endpoint)) {
		bump(&st->dropped_no_peer, 1);
		return NULL;
	}
	if (!rtcp) {
		if (ml->silence_media)
			rtp_silence_payload(p, &h);
		count_rtp(st, &h);
	}
	bump(&st->packets, 1);
	bump(&st->bytes, len);
	return os;
}

static void flush(struct stream *s, int nout)
{
	for (int i = 0; i < nout;) {
		int j = i + 1;

		while (j < nout && io.ofd[j] == io.ofd[i])
			j++;
		int sent = sendmmsg(io.ofd[i], &io.out[i], (unsigned)(j - i), MSG_DONTWAIT);

		if (sent < j - i) {
			bump(&s->stats->errors, (uint64_t)(j - i - (sent > 0 ? sent : 0)));
			log_ratelimited(LOG_DEBUG, "sendmmsg: %d of %d sent", sent, j - i);
		}
		i = j;
	}
}

/* Read and drop what reaches a socket nobody owns. */
static void drain(int fd)
{
	for (int i = 0; i < IO_ROUNDS; i++) {
		for (int j = 0; j < IO_BATCH; j++) {
			io.iov[j] = (struct iovec){ io.buf[j], IO_MTU };
			io.in[j].msg_hdr = (struct msghdr){ .msg_iov = &io.iov[j], .msg_iovlen = 1 };
		}
		if (recvmmsg(fd, io.in, IO_BATCH, MSG_DONTWAIT, NULL) < IO_BATCH)
			break;
	}
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct media_socket *ms = arg;

	pthread_mutex_lock(&ms->lock);
	struct stream *s = ms->owner;

	if (!s) {
		drain(fd);
		pthread_mutex_unlock(&ms->lock);
		return;
	}
	struct call *call = s->media->ml->call;

	for (int round = 0; round < IO_ROUNDS; round++) {
		for (int i = 0; i < IO_BATCH; i++) {
			io.iov[i] = (struct iovec){ io.buf[i], IO_MTU };
			io.in[i].msg_hdr = (struct msghdr){
				.msg_name = &io.src[i],
				.msg_namelen = sizeof(io.src[i]),
				.msg_iov = &io.iov[i],
				.msg_iovlen = 1,
			};
		}
		int n = recvmmsg(fd, io.in, IO_BATCH, MSG_DONTWAIT, NULL);

		if (n <= 0)
			break;
		int64_t now = mono_us();
		int nout = 0;

		pthread_mutex_lock(&call->lock);
		for (int i = 0; i < n; i++) {
			struct stream *os = route(s, io.buf[i], io.in[i].msg_len,
						  io.in[i].msg_hdr.msg_flags & MSG_TRUNC, &io.src[i], now);

			if (!os)
				continue;
			io.oiov[nout] = (struct iovec){ io.buf[i], io.in[i].msg_len };
			io.dst[nout] = os->endpoint;
			io.ofd[nout] = os->sock->fd;
			io.out[nout].msg_hdr = (struct msghdr){
				.msg_name = &io.dst[nout],
				.msg_namelen = sockaddr_len(&os->endpoint),
				.msg_iov = &io.oiov[nout],
				.msg_iovlen = 1,
			};
			nout++;
		}
		/* Sent under the lock: a socket seen under it is only closed after
		 * the control thread took it away under the same lock. */
		flush(s, nout);
		pthread_mutex_unlock(&call->lock);
		if (n < IO_BATCH)
			break;
	}
	pthread_mutex_unlock(&ms->lock);
}

struct media_socket *media_socket_new(int fd, struct workers *w)
{
	struct media_socket *ms = g_new0(struct media_socket, 1);

	ms->fd = fd;
	pthread_mutex_init(&ms->lock, NULL);
	ms->ev = event_new(workers_pick(w), fd, EV_READ | EV_PERSIST, on_readable, ms);
	event_add(ms->ev, NULL);
	return ms;
}

void media_socket_free(struct media_socket *ms)
{
	if (!ms)
		return;
	event_del_block(ms->ev);
	event_free(ms->ev);
	close(ms->fd);
	pthread_mutex_destroy(&ms->lock);
	g_free(ms);
}

void media_socket_set_owner(struct media_socket *ms, struct stream *owner)
{
	pthread_mutex_lock(&ms->lock);
	ms->owner = owner;
	pthread_mutex_unlock(&ms->lock);
}
