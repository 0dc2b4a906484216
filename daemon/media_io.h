/*
 * media_io: the userspace packet path.
 *
 * A media_socket is one bound UDP socket, read by one worker from its
 * creation to its end, whoever uses it in between: its owner is the stream
 * whose call currently holds the port, or nobody (a spare; what arrives is
 * read and dropped). The read callback drains the socket in batches
 * (recvmmsg), decides for each packet under the owner's call lock
 * (validity, endpoint learning, strict source, block/silence, where the
 * other side is), counts it, and sends the batch with sendmmsg from the
 * other side's socket. No allocation and no logging above debug
 * (rate-limited) per packet.
 *
 * Lock order: media_socket lock, then call lock. The control thread never
 * holds a call lock while it changes an owner.
 */
#ifndef RTPRELAY_MEDIA_IO_H
#define RTPRELAY_MEDIA_IO_H

#include <pthread.h>

struct stream;
struct workers;
struct event;

struct media_socket {
	int fd;
	struct event *ev;
	pthread_mutex_t lock;  /* guards owner against the read callback */
	struct stream *owner;  /* NULL: spare */
};

/* Take over a bound socket and start reading it on a worker. Main thread. */
struct media_socket *media_socket_new(int fd, struct workers *w);
/* Stop reading (waits for a running callback), close, free. No call lock
 * held. NULL is a no-op. */
void media_socket_free(struct media_socket *ms);
/* Give the socket to a stream, or take it away (NULL): once this returns,
 * no callback uses the previous owner. No call lock held. */
void media_socket_set_owner(struct media_socket *ms, struct stream *owner);

#endif
