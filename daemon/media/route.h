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

#include "prefetch.h"

struct stream;

/*
 * The stream to send the packet from (its endpoint is the destination; its
 * socket is not NULL), or NULL to drop it (counted on s). May rewrite the
 * packet in place: silence, SRTP decrypted from the sender or encrypted for
 * the receiver (*len changes; cap: the bytes there is room for at p, at
 * least *len + SRTP_DIR_MAX_GROWTH or an encryption fails, counted as an
 * error). The call lock of s is held.
 */
struct stream *media_route(struct stream *s, uint8_t *p, size_t *len, size_t cap, bool truncated,
			   const struct sockaddr_storage *src, int64_t now);

/*
 * What the next packet from s to os will read (the streams, their media,
 * parties and call, the counters, the SRTP sessions) as spans at out[0..n)
 * (prefetch.h); how many. The call lock of s is held, right after
 * media_route returned os.
 */
unsigned media_route_warm(const struct stream *s, const struct stream *os, prefetch_span *out,
			  unsigned n);

/* Count n packets s could not send. The call lock of s is held. */
void media_route_send_errors(struct stream *s, unsigned n);

#endif
