/*
 * The epoll media backend (see io.h): a libevent read callback per
 * socket drains it in batches (recvmmsg) and sends each batch with sendmmsg
 * from the other side's socket, under the call lock.
 */
#define LOG_SUBSYS internals
#include "media/io_epoll.h"
#include "clock.h"

#include <event2/event.h>
#include <pthread.h>
#include <sys/socket.h>

#include "call/call.h"
#include "call/media.h"
#include "crypto/srtp.h"
#include "log.h"
#include "media/io.h"
#include "media/route.h"
#include "sockaddr.h"

#define IO_BATCH 32
#define IO_MTU 2048 /* larger datagrams are truncated, and dropped */
#define IO_ROUNDS 8 /* batches per callback, so one busy socket can't starve others */

/* Per-thread scratch: the packet path allocates nothing. */
static __thread struct {
	struct mmsghdr in[IO_BATCH];
	struct iovec iov[IO_BATCH];
	struct sockaddr_storage src[IO_BATCH];
	uint8_t buf[IO_BATCH][IO_MTU + SRTP_DIR_MAX_GROWTH]; /* room to encrypt */
	struct mmsghdr out[IO_BATCH];
	struct iovec oiov[IO_BATCH];
	struct sockaddr_storage dst[IO_BATCH];
	int ofd[IO_BATCH];
} io;

static void flush(struct stream *s, int nout)
{
	for (int i = 0; i < nout;) {
		int j = i + 1;

		while (j < nout && io.ofd[j] == io.ofd[i])
			j++;
		int sent = sendmmsg(io.ofd[i], &io.out[i], (unsigned)(j - i), MSG_DONTWAIT);

		if (sent < j - i) {
			media_route_send_errors(s, (unsigned)(j - i - (sent > 0 ? sent : 0)));
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
			io.in[j].msg_hdr = (struct msghdr){ .msg_iov = &io.iov[j],
							    .msg_iovlen = 1 };
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
		int64_t now = clock_mono_us();
		int nout = 0;

		pthread_mutex_lock(&call->lock);
		for (int i = 0; i < n; i++) {
			size_t len = io.in[i].msg_len;
			struct stream *os = media_route(s, io.buf[i], &len, sizeof(io.buf[i]),
							io.in[i].msg_hdr.msg_flags & MSG_TRUNC,
							&io.src[i], now);

			if (!os)
				continue;
			io.oiov[nout] = (struct iovec){ io.buf[i], len };
			io.dst[nout] = os->endpoint;
			io.ofd[nout] = stream_sock_for(os, os->endpoint.ss_family)->fd;
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

void epoll_socket_attach(struct media_socket *ms, struct event_base *base)
{
	ms->ev = event_new(base, ms->fd, EV_READ | EV_PERSIST, on_readable, ms);
	event_add(ms->ev, NULL);
}

void epoll_socket_detach(struct media_socket *ms)
{
	event_del_block(ms->ev);
	event_free(ms->ev);
	ms->ev = NULL;
}
