/*
 * tcp: the ng protocol over TCP (--listen-tcp-ng): connections whose byte
 * stream is cut into messages by tcp_frame.h, each reply written back in
 * order. Main thread only.
 */
#ifndef RTPRELAY_NG_TCP_H
#define RTPRELAY_NG_TCP_H

struct rtprelay;
struct config_listen;
struct ng_tcp;
struct ng_tcp_budget;

/* A listening socket on rp's main base; NULL after logging why. Its
 * connections' input counts in budget (tcp_budget.h), which every TCP ng
 * listener shares and which must outlive them. With l NULL, a server
 * without a listener, for ng_tcp_adopt() (tests). */
struct ng_tcp *ng_tcp_new(struct rtprelay *rp, const struct config_listen *l,
			  struct ng_tcp_budget *budget);
/* Serve the connected stream socket fd as a connection of t (fuzz tests). */
void ng_tcp_adopt(struct ng_tcp *t, int fd);
void ng_tcp_free(struct ng_tcp *t); /* closes every connection; NULL is a no-op */

#endif
