/*
 * udp: the ng protocol over UDP (--listen-ng): one datagram a message, the
 * reply sent back to its source. Main thread only.
 */
#ifndef RTPRELAY_NG_UDP_H
#define RTPRELAY_NG_UDP_H

struct rtprelay;
struct config_listen;
struct ng_udp;

/* A bound listener on rp's main base; NULL after logging why. */
struct ng_udp *ng_udp_new(struct rtprelay *rp, const struct config_listen *l);
void ng_udp_free(struct ng_udp *u); /* NULL is a no-op */

#endif
