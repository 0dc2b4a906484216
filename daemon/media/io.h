/*
 * media_io: the userspace packet path.
 *
 * A media_socket is one bound UDP socket, read by one worker from its
 * creation to its end, whoever uses it in between: its owner is the stream
 * whose call currently holds the port, or nobody (a spare; what arrives is
 * read and dropped). For each packet the worker decides under the owner's
 * call lock (media_route) and sends it from the other side's socket. No
 * allocation and no logging above debug (rate-limited) per packet.
 *
 * Two backends read and send (--media-io):
 *  - io_uring (io_uring.c, the default): one ring per worker; every
 *    socket has a multishot receive drawing on the worker's provided
 *    buffers, so packets of all sockets arrive in one completion queue, and
 *    the sends of a whole round go out with the next submission. One system
 *    call per round, not three per packet.
 *  - epoll (io_epoll.c): libevent read callbacks draining a socket
 *    with recvmmsg and sending with sendmmsg; used where io_uring is not
 *    available (old kernel, io_uring disabled by sysctl or seccomp).
 *
 * Lifetime: a media_socket is counted (refs). The control thread holds one
 * from media_socket_new to media_socket_free; with io_uring, the armed
 * receive holds one and every queued send holds one on the socket it sends
 * from and on the socket it came in on, so a socket is closed (and its fd
 * number reused) only once no submission can name it. With epoll, sends
 * happen under the call lock and media_socket_free waits for a running
 * callback, so the control thread's reference is the only one.
 *
 * Lock order: media_socket lock, then call lock. The control thread never
 * holds a call lock while it changes an owner.
 */
#ifndef RTPRELAY_MEDIA_IO_H
#define RTPRELAY_MEDIA_IO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "prefetch.h"

struct stream;
struct worker;
struct workers;
struct event;

/* spans a socket keeps for its next packet (media_route_warm) */
#define MEDIA_SOCKET_WARM 24

struct media_socket {
	int fd;
	pthread_mutex_t lock; /* guards owner against the packet path */
	struct stream *owner; /* NULL: spare */
	atomic_uint refs;
	atomic_bool closing;   /* media_socket_free was called */
	struct worker *worker; /* the one that reads it */
	struct event *ev;      /* epoll backend */
	int uring_state;       /* io_uring backend: the worker's own */
	/* io_uring backend, the worker's own: what the last packet routed
	 * from this socket read (media_route_warm), prefetched while the
	 * worker handles the completions before the next one from here. */
	unsigned n_warm;
	prefetch_span warm[MEDIA_SOCKET_WARM];
};

/* Take over a bound socket and start reading it on a worker. Main thread. */
struct media_socket *media_socket_new(int fd, struct workers *w);
/* Stop reading, drop the control thread's reference (the fd is closed when
 * the last one goes). No call lock held. NULL is a no-op. */
void media_socket_free(struct media_socket *ms);
/* Give the socket to a stream, or take it away (NULL): once this returns,
 * no packet is routed for the previous owner. No call lock held. */
void media_socket_set_owner(struct media_socket *ms, struct stream *owner);

/* References for the backends. */
void media_socket_ref(struct media_socket *ms);
void media_socket_unref(struct media_socket *ms);

#endif
