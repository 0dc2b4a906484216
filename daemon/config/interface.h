/*
 * interface: parsing of the address-shaped option values, into the structs
 * of config.h.
 *
 *   --interface=[NAME/]ADDR[!ADVERTISED]   struct config_interface
 *   --listen-*=[IP46|HOSTNAME:]PORT        struct config_listen
 *
 * ADDR is an IPv4 or IPv6 literal for interface_parse; interface_expand
 * also accepts what rtpengine accepts there: `any` (every non-loopback
 * address of the host), the name of a system network interface (`eth0`:
 * each of its addresses), or a DNS host name (resolved once, now).
 * Link-local IPv6 addresses are skipped by the expansions (they need a
 * scope id and are useless in SDP). ADVERTISED must be a literal of the
 * same family. NAME defaults to "default".
 *
 * Listen addresses: "PORT" binds all IPv4 addresses (0.0.0.0:PORT, as
 * rtpengine binds the any-address; write "[::]:PORT" for IPv6), "IP:PORT",
 * "[IPv6]:PORT", "IPv6:PORT" (split at the last colon) and "HOSTNAME:PORT"
 * (getaddrinfo, first result). Ports 1..65535.
 *
 * All functions: main thread at start-up; they may block on the resolver.
 * Errors: -1 and a message in *err (g_free it) that does not name the
 * option (the caller prefixes it).
 */
#ifndef RTPRELAY_INTERFACE_H
#define RTPRELAY_INTERFACE_H

#include "config/config.h"

/* Parse "[NAME/]IP[!IP]" with literal addresses only. Returns 0 or -1. */
int interface_parse(const char *text, struct config_interface *out, char **err);

/*
 * Parse "[NAME/]ADDR[!IP]" where ADDR may also be `any`, a system interface
 * name or a host name, into up to max entries at out. Returns the number of
 * entries written (>= 1), or -1. Expansions keep the first address of each
 * family only (rtprelay uses one address per family and interface name);
 * the others are reported through skipped(ctx, "...") when it is non-NULL.
 */
int interface_expand(const char *text, struct config_interface *out, unsigned max,
		     void (*skipped)(void *ctx, const char *msg), void *ctx, char **err);

/* Parse "[IP46|HOSTNAME:]PORT". Returns 0 or -1. */
int interface_parse_listen(const char *text, struct config_listen *out, char **err);

#endif
