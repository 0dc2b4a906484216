/*
 * raw_udp: IPv4 + UDP framing for a raw socket (see raw_udp.h).
 */
#include "raw_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

int rawudp_open(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), sndbuf = 4 << 20;

	if (fd < 0)
		return -errno;
	/* a batch of packets must never block on the socket's send buffer */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

void rawudp_header(uint8_t *buf, const struct sockaddr_in *src, const struct sockaddr_in *dst,
		   size_t payload_len)
{
	struct iphdr ip = {
		.version = 4,
		.ihl = 5,
		.tot_len = htons((uint16_t)(RAWUDP_HDR_LEN + payload_len)),
		.frag_off = htons(IP_DF),
		.ttl = 64,
		.protocol = IPPROTO_UDP,
		.saddr = src->sin_addr.s_addr,
		.daddr = dst->sin_addr.s_addr,
		/* id 0 and check 0: the kernel fills both in */
	};
	struct udphdr udp = {
		.source = src->sin_port,
		.dest = dst->sin_port,
		.len = htons((uint16_t)(8 + payload_len)),
	};

	memcpy(buf, &ip, sizeof(ip));
	memcpy(buf + sizeof(ip), &udp, sizeof(udp));
}
