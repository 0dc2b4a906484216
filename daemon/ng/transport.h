/*
 * transport: the listening sockets of the control protocol: UDP
 * (--listen-ng), TCP (--listen-tcp-ng; a byte stream framed by the
 * self-delimiting dictionary) and HTTP (--listen-http; POST /ng with
 * "<cookie> <dict>", POST /ng-plain with a bare dictionary). All run on the
 * main event base and hand complete messages to ng_process().
 */
#ifndef RTPRELAY_NG_TRANSPORT_H
#define RTPRELAY_NG_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct rtprelay;
struct config_listen;
struct ng_http_stats;

/* Bind every configured listener. 0, or -1 after logging which one failed. */
int ng_transport_start(struct rtprelay *rp);
/* Close every listener and connection; frees rp->ng. */
void ng_transport_stop(struct rtprelay *rp);

/*
 * What the listeners share. A nonblocking, close-on-exec socket of type
 * (SOCK_DGRAM/SOCK_STREAM) bound to l (SO_REUSEADDR for streams; IPv6
 * sockets are IPv6-only) and, for streams, listening. Returns the fd, or -1
 * after logging the address and the reason. what names the listener in the
 * log. Main thread.
 */
int ng_transport_socket(const struct config_listen *l, int type, const char *what);

/* Add the counters of every HTTP listener (ng/http_limits.h) to *sum. */
void ng_transport_http_stats(struct rtprelay *rp, struct ng_http_stats *sum);

/* Bytes of input the TCP ng connections hold now, and the most they held
 * (ng-tcp-max-buffered bounds both, give or take one read). */
void ng_transport_tcp_buffered(struct rtprelay *rp, uint64_t *held, uint64_t *peak);

/* "address:port" of a peer, for logs; buf needs 64 bytes. */
const char *ng_transport_addr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);

#endif
