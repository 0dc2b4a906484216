/*
 * sockaddr: construction, comparisons and printing of IPv4/IPv6 socket
 * addresses held in struct sockaddr_storage (family AF_UNSPEC = "none"),
 * and the names of the two families as ng and SDP write them.
 */
#ifndef RTPRELAY_SOCKADDR_H
#define RTPRELAY_SOCKADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "str.h"

/*
 * The address literal addr (IPv4 or IPv6, nothing around it) with port
 * into *out. family: AF_INET or
 * AF_INET6 to require that family, 0 for either. Returns 0, or -EINVAL
 * (not a literal of that family; *out is then unset).
 */
int sockaddr_from_str(str addr, int family, unsigned port, struct sockaddr_storage *out);

/* True if addr is an address literal that means "any": 0.0.0.0, ::, ... */
bool sockaddr_str_is_any(str addr);

/* "IPv4" / "IPv6" (ng replies, logs) for AF_INET / AF_INET6. */
const char *sockaddr_family_name(int family);
/* "IP4" / "IP6" (SDP's addrtype, ng's "address family") for AF_INET / AF_INET6. */
const char *sockaddr_family_token(int family);
/* AF_INET / AF_INET6 for "IP4" / "IP6", else 0. */
int sockaddr_family_of_token(str token);

bool sockaddr_is_set(const struct sockaddr_storage *a);
/* Same family, address and port. */
bool sockaddr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Same family and address, any port. */
bool sockaddr_eq_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* 0.0.0.0 or :: (a party on hold says so); true for unset too. */
bool sockaddr_is_any(const struct sockaddr_storage *a);
uint16_t sockaddr_port(const struct sockaddr_storage *a);
socklen_t sockaddr_len(const struct sockaddr_storage *a);
/* "1.2.3.4:5" / "[::1]:5" into buf (at least 64 bytes); returns buf. */
char *sockaddr_print(const struct sockaddr_storage *a, char *buf, size_t size);
/* Just the address, without port. */
char *sockaddr_print_host(const struct sockaddr_storage *a, char *buf, size_t size);

#endif
