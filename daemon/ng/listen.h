/*
 * ng_listen: what ng_transport.c needs from the three transports, and what
 * they share: one listener object per configured address, created bound
 * and listening on the main event base, and freed with every connection
 * and pending reply it owns. Main thread only.
 */
#ifndef RTPRELAY_NG_LISTEN_H
#define RTPRELAY_NG_LISTEN_H

#include <glib.h>
#include <sys/socket.h>

#include "ng/ng.h"

struct rtprelay;
struct config_listen;
struct ng_udp;
struct ng_tcp;
struct ng_http;

/*
 * A nonblocking, close-on-exec socket of type (SOCK_DGRAM/SOCK_STREAM)
 * bound to l (SO_REUSEADDR for streams; IPv6 sockets are IPv6-only) and,
 * for streams, listening. Returns the fd, or -1 after logging
 * the address and the reason. what names the listener in the log.
 */
int ng_listen_socket(const struct config_listen *l, int type, const char *what);

/* "address:port" of a peer, for logs; buf needs 64 bytes. */
const char *ng_addr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);

struct ng_udp *ng_udp_new(struct rtprelay *rp, const struct config_listen *l);
void ng_udp_free(struct ng_udp *u); /* NULL is a no-op */

struct ng_tcp *ng_tcp_new(struct rtprelay *rp, const struct config_listen *l);
void ng_tcp_free(struct ng_tcp *t); /* closes every connection; NULL is a no-op */

struct ng_http *ng_http_new(struct rtprelay *rp, const struct config_listen *l);
void ng_http_free(struct ng_http *h); /* NULL is a no-op */

/*
 * HTTP POST /ng-plain: a bare dictionary, no cookie, no retransmission
 * cache; out gets the bare reply (ng.c).
 */
void ng_process_plain(struct rtprelay *rp, str body, enum ng_transport transport,
		      const struct sockaddr *from, socklen_t from_len, GString *out);

#endif
