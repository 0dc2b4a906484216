/*
 * ng_transport: the listening sockets of the control protocol: UDP
 * (--listen-ng), TCP (--listen-tcp-ng; a byte stream framed by the
 * self-delimiting dictionary) and HTTP (--listen-http; POST /ng with
 * "<cookie> <dict>", POST /ng-plain with a bare dictionary). All run on the
 * main event base and hand complete messages to ng_process().
 */
#ifndef RTPRELAY_NG_TRANSPORT_H
#define RTPRELAY_NG_TRANSPORT_H

struct rtprelay;

/* Bind every configured listener. 0, or -1 after logging which one failed. */
int ng_transport_start(struct rtprelay *rp);
/* Close every listener and connection; frees rp->ng. */
void ng_transport_stop(struct rtprelay *rp);

#endif
