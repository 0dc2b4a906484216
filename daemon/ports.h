/*
 * ports: per-interface pools of RTP/RTCP port pairs in port-min..port-max.
 * A pair is an even port for RTP and the next odd one for RTCP, both UDP
 * sockets bound to the interface's local address (never to any-address).
 * A pair is handed out once and comes back only with ports_put(), when its
 * stream is really freed. Exhaustion is an error for the caller, not a
 * crash. Main thread only.
 */
#ifndef RTPRELAY_PORTS_H
#define RTPRELAY_PORTS_H

#include <stdbool.h>
#include <stdint.h>

struct rtprelay_config;
struct config_interface;

struct port_pair {
	const struct config_interface *intf;
	uint16_t rtp_port;     /* even; rtcp is rtp_port + 1 */
	int rtp_fd, rtcp_fd;   /* bound, nonblocking, close-on-exec */
};

struct ports;

/* Pools for every configured interface. NULL on a bad range. */
struct ports *ports_new(const struct rtprelay_config *cfg);
/* All pairs must have been returned; closes nothing that is still out. */
void ports_free(struct ports *p);

/*
 * Bind a pair on intf. Returns 0, or -EADDRNOTAVAIL when no pair in the
 * range can be bound (all in use, or taken by other processes).
 */
int ports_get(struct ports *p, const struct config_interface *intf, struct port_pair *out);
/* Close the sockets and make the pair available again. */
void ports_put(struct ports *p, struct port_pair *pair);

/* Pairs handed out / available in total over all interfaces. */
unsigned ports_in_use(const struct ports *p);
unsigned ports_capacity(const struct ports *p);

#endif
