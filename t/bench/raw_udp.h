/*
 * raw_udp: sending UDP datagrams with any local source port from one raw
 * socket (IPPROTO_RAW, so the IPv4 header is ours), which lets the load
 * generator put the packets of many streams into one sendmmsg instead of
 * one system call per packet and socket. The kernel fills in the IPv4
 * checksum and total length; the UDP checksum is left 0 (none, legal on
 * IPv4). Needs CAP_NET_RAW.
 */
#ifndef RTPRELAY_BENCH_RAW_UDP_H
#define RTPRELAY_BENCH_RAW_UDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define RAWUDP_HDR_LEN 28 /* IPv4 (no options) + UDP */

/* A raw IPv4 socket for rawudp_header()-framed packets; -errno on error. */
int rawudp_open(void);

/* Write the IPv4 + UDP headers for payload_len bytes from src to dst into
 * buf[0..RAWUDP_HDR_LEN); the payload follows at buf + RAWUDP_HDR_LEN. */
void rawudp_header(uint8_t *buf, const struct sockaddr_in *src, const struct sockaddr_in *dst,
		   size_t payload_len);

#endif
