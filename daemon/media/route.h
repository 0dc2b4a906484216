/*
 * media_route: what happens to one packet that arrived on a stream's
 * socket, whichever I/O backend read it: validity, endpoint learning,
 * strict source, block/silence, the per-stream counters, and where the
 * other side is. The packet path's one decision, shared by the epoll and
 * the io_uring loops (io_epoll.c, io_uring.c).
 */
#ifndef RTPRELAY_MEDIA_ROUTE_H
#define RTPRELAY_MEDIA_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct stream;

/*
 * The stream to send the packet from (its endpoint is the destination; its
 * socket is not NULL), or NULL to drop it (counted on s). May rewrite the
 * payload (silence). The call lock of s is held.
 */
struct stream *media_route(struct stream *s, uint8_t *p, size_t len, bool truncated,
			   const struct sockaddr_storage *src, int64_t now);

/* Count n packets s could not send. The call lock of s is held. */
void media_route_send_errors(struct stream *s, unsigned n);

#endif
