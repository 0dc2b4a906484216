/*
 * kclient: a small client of the nft_rtprelay ABI (include/rtprelay_kernel.h)
 * for the kernel tests: open a table's control file, handshake, send one
 * command, and build addresses. Every call returns 0 or -errno.
 */
#ifndef RTPRELAY_KCLIENT_H
#define RTPRELAY_KCLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "rtprelay_kernel.h"

/* open /proc/rtprelay/<table>/control: fd or -errno */
int kc_open(unsigned table);
/* open + handshake: fd or -errno */
int kc_session(unsigned table);
int kc_handshake(int fd);
/* write len bytes as one command: 0 or -errno */
int kc_write(int fd, const void *cmd, size_t len);

int kc_pin(int fd, const void *addr, size_t size);
int kc_unpin(int fd, const void *addr, size_t size);
int kc_add(int fd, const struct rtprelay_target *t);
int kc_replace(int fd, const struct rtprelay_target *t);
int kc_del(int fd, const struct rtprelay_addr *local);
int kc_barrier(int fd);
/* LIST into buf (room for max targets after the reply) */
int kc_list(int fd, void *buf, uint32_t max);

/* "127.0.0.1" or "::1" plus a host-order port */
struct rtprelay_addr kc_addr(const char *ip, uint16_t port);
/* the same address as a sockaddr, for bind/sendto; returns its length */
socklen_t kc_sockaddr(const struct rtprelay_addr *a, struct sockaddr_storage *ss);

/* Write a string to a file (module parameters, /proc/rtprelay/control). */
int kc_write_file(const char *path, const char *s);
/* A "Name: value" line of /proc/rtprelay/<table>/status; -1 if missing. */
long long kc_status(unsigned table, const char *name);

#endif
