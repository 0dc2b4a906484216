/*
 * sockaddr: comparisons and printing of IPv4/IPv6 socket addresses held in
 * struct sockaddr_storage (family AF_UNSPEC = "none").
 */
#ifndef RTPRELAY_SOCKADDR_H
#define RTPRELAY_SOCKADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

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
