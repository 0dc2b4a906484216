/*
 * flood: a stranger on a media port, for tests. Binds a UDP socket on
 * 127.0.0.1, prints its port, then after DELAY seconds
 * sends valid RTP (SSRC 0x5555, 172 bytes) to 127.0.0.1:PORT as fast as it
 * can for SECONDS (at most MAX packets; batches of 64 with sendmmsg), then
 * counts for a moment what arrived at its own socket and prints
 * "sent N received M". Loopback only, bounded in count and time.
 *
 *     flood PORT DELAY SECONDS MAX
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: flood PORT DELAY SECONDS MAX\n");
		return 2;
	}
	unsigned port = (unsigned)atoi(argv[1]);
	double delay = atof(argv[2]), seconds = atof(argv[3]);
	long max = atol(argv[4]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET }, dst = me;
	socklen_t len = sizeof(me);

	if (port == 0 || port > 65535 || seconds <= 0 || seconds > 30 || max <= 0) {
		fprintf(stderr, "flood: bad arguments\n");
		return 2;
	}
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons((uint16_t)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &len) < 0) {
		perror("flood: socket");
		return 1;
	}
	printf("%u\n", ntohs(me.sin_port));
	fflush(stdout);
	sleep_s(delay);

	uint8_t pkt[BATCH][172];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];

	memset(m, 0, sizeof(m));
	for (int i = 0; i < BATCH; i++) {
		memset(pkt[i], 0, sizeof(pkt[i]));
		pkt[i][0] = 0x80;
		pkt[i][8] = pkt[i][9] = 0x55; /* SSRC 0x5555 */
		iov[i] = (struct iovec){ pkt[i], sizeof(pkt[i]) };
		m[i].msg_hdr = (struct msghdr){ .msg_name = &dst,
						.msg_namelen = sizeof(dst),
						.msg_iov = &iov[i],
						.msg_iovlen = 1 };
	}
	long sent = 0;
	uint16_t seq = 0;
	double end = now() + seconds;

	while (sent < max && now() < end) {
		int n = max - sent < BATCH ? (int)(max - sent) : BATCH;

		for (int i = 0; i < n; i++) {
			seq++;
			pkt[i][2] = seq >> 8;
			pkt[i][3] = seq & 0xff;
		}
		int r = sendmmsg(fd, m, (unsigned)n, 0);

		if (r > 0)
			sent += r;
		else if (r < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
			perror("flood: sendmmsg");
			return 1;
		}
	}
	/* what the relay sent to the stranger */
	struct timeval tv = { 0, 300 * 1000 };
	long received = 0;
	uint8_t buf[2048];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (recv(fd, buf, sizeof(buf), 0) >= 0)
		received++;
	printf("sent %ld received %ld\n", sent, received);
	return 0;
}
