/* Sockets and packets for the kernel tests; see ktest.h. */
#include "ktest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int kn_bind(const char *ip, uint16_t port)
{
	struct rtprelay_addr a = kc_addr(ip, port);
	struct sockaddr_storage ss;
	socklen_t sl = kc_sockaddr(&a, &ss);
	int one = 1;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		fprintf(stderr, "ktest: bind %s:%u: %s\n", ip, port, strerror(errno));
		exit(2);
	}
	if (ss.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one));
	return fd;
}

int kn_bind_ns(const char *ns, const char *ip, uint16_t port)
{
	char path[128];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), other, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	other = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || other < 0 || setns(other, CLONE_NEWNET) < 0) {
		fprintf(stderr, "ktest: netns %s: %s\n", ns, strerror(errno));
		exit(2);
	}
	fd = kn_bind(ip, port); /* a socket stays in the namespace it was made in */
	if (setns(self, CLONE_NEWNET) < 0) {
		perror("ktest: setns back");
		exit(2);
	}
	close(self);
	close(other);
	return fd;
}

int kn_send(int fd, const struct rtprelay_addr *to, const void *p, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = kc_sockaddr(to, &ss);

	return sendto(fd, p, len, 0, (struct sockaddr *)&ss, sl) == (ssize_t)len ? 0 : -errno;
}

int kn_recv(int fd, void *buf, size_t size, int timeout_ms, struct sockaddr_storage *from, int *tos)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_storage ss;
	char cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_name = &ss,
		.msg_namelen = sizeof(ss),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -1;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	if (from)
		*from = ss;
	if (tos) {
		*tos = -1;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
				*tos = *(uint8_t *)CMSG_DATA(c);
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
				*tos = *(int *)CMSG_DATA(c);
		}
	}
	return (int)n;
}

int kn_drain(int fd, int quiet_ms)
{
	uint8_t buf[2048];
	int n = 0;

	/* bounded: a sender that never stops must not hang the test */
	while (n < 100000 && kn_recv(fd, buf, sizeof(buf), quiet_ms, NULL, NULL) >= 0)
		n++;
	return n;
}

size_t kn_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ssrc, size_t plen)
{
	uint32_t ts = seq * 160u;

	buf[0] = 0x80;
	buf[1] = pt & 0x7f;
	buf[2] = seq >> 8;
	buf[3] = seq & 0xff;
	buf[4] = ts >> 24;
	buf[5] = ts >> 16;
	buf[6] = ts >> 8;
	buf[7] = ts;
	buf[8] = ssrc >> 24;
	buf[9] = ssrc >> 16;
	buf[10] = ssrc >> 8;
	buf[11] = ssrc;
	for (size_t i = 0; i < plen; i++)
		buf[12 + i] = (uint8_t)(seq * 31 + i * 7);
	return 12 + plen;
}

bool kn_from_is(const struct sockaddr_storage *from, const struct rtprelay_addr *a)
{
	struct sockaddr_storage want;
	socklen_t sl = kc_sockaddr(a, &want);

	if (from->ss_family != want.ss_family)
		return false;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)from, *y = (const void *)&want;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	(void)sl;
	const struct sockaddr_in6 *x = (const void *)from, *y = (const void *)&want;

	return x->sin6_port == y->sin6_port &&
	       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
}

uint64_t kn_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void kn_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
