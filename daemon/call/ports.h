/*
 * ports: per-interface pools of RTP/RTCP port pairs in port-min..port-max.
 * A pair is an even port for RTP and the next odd one for RTCP, both UDP
 * sockets bound to the interface's local address (never to any-address).
 * A pair is handed out once and comes back only with ports_put(), when its
 * stream is really freed. Exhaustion is an error for the caller, not a
 * crash. Main thread only.
 *
 * Each socket is a media_socket (io.h), read by a worker from the
 * moment it is bound until it is closed; a returned pair stays bound for a
 * while as a spare so the next call does not pay for new sockets.
 */
#ifndef RTPRELAY_PORTS_H
#define RTPRELAY_PORTS_H

#include <stdbool.h>
#include <stdint.h>

struct rtprelay_config;
struct config_interface;
struct media_socket;
struct workers;

struct port_pair {
	const struct config_interface *intf; /* NULL: no pair */
	uint16_t rtp_port;                   /* even; rtcp is rtp_port + 1 */
	struct media_socket *rtp, *rtcp;
};

struct ports;

/* Pools for every configured interface, its sockets read by workers. NULL
 * on a bad range. */
struct ports *ports_new(const struct rtprelay_config *cfg, struct workers *workers);
/* All pairs must have been returned; closes the spares. */
void ports_free(struct ports *p);

/*
 * The interfaces the pools serve, *n of them: the start-up configuration's,
 * which the pools hold for their lifetime (a reload cannot change them), so
 * a monologue's interface pointer stays valid across reloads.
 */
const struct config_interface *ports_interfaces(const struct ports *p, unsigned *n);

/*
 * The interface of the same name as intf with an address of the other
 * family (rtpengine's logical interface with an IPv4 and an IPv6 address),
 * or NULL.
 */
const struct config_interface *ports_sibling(const struct ports *p,
					     const struct config_interface *intf);

/*
 * Bind a pair on intf. Returns 0, -EADDRNOTAVAIL when no pair in the range
 * can be bound (all in use, or taken by other processes), or -EMFILE,
 * -ENFILE, -ENOBUFS, -ENOMEM when no socket can be opened at all (a spare
 * pair is handed out then if there is one, however recently released).
 */
int ports_get(struct ports *p, const struct config_interface *intf, struct port_pair *out);
/* Make the pair available again (kept bound as a spare, or closed). The
 * sockets must have no owner any more. Waits for a running worker callback
 * when it closes, so no call lock may be held. */
void ports_put(struct ports *p, struct port_pair *pair);

/* Pairs handed out / available in total over all interfaces. */
unsigned ports_in_use(const struct ports *p);
unsigned ports_capacity(const struct ports *p);
/* Pairs released but kept bound for reuse. */
unsigned ports_spare(const struct ports *p);

#endif
