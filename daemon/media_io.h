/*
 * media_io: the userspace packet path. A worker's read callback drains a
 * media socket in batches (recvmmsg), decides for each packet under the
 * call's lock (validity, endpoint learning, strict source, block/silence,
 * where the other side is), counts it, and sends the batch with sendmmsg
 * from the other side's socket. No allocation and no logging above debug
 * (rate-limited) per packet.
 */
#ifndef RTPRELAY_MEDIA_IO_H
#define RTPRELAY_MEDIA_IO_H

struct media;
struct event;

/* Call lock held: start reading the media's sockets on a worker. */
void media_io_attach(struct media *m);
/* Call lock NOT held: stop reading (waits for a running callback); NULL ok. */
void media_io_detach(struct event *ev);

#endif
