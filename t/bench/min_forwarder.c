/*
 * min_forwarder: the ceiling of user-space UDP forwarding on this machine,
 * for the media benchmark. No calls, no learning, no parsing: a static
 * mapping and a bare epoll + recvmmsg/sendmmsg loop.
 *
 * Endpoints are numbered 0..count-1 on DEST:base+i, paired (0,1), (2,3)...
 * The forwarder binds LISTEN:base+offset+i for each; a packet arriving on
 * the socket of endpoint i is sent, out of the socket of its peer j = i^1
 * (as a relay sends out of the port the peer talks to), to DEST:base+j.
 * media_load --static-offset computes the same rule.
 *
 * --threads T splits the sockets round-robin over T threads, each with its
 * own epoll set. Runs until SIGTERM/SIGINT or --max-seconds; prints the
 * packets forwarded and the mean batch size on stderr when it stops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PKT_MAX 2048
#define MAX_THREADS 16

struct fwd {
	struct in_addr listen, dest;
	unsigned base, count, offset, threads;
	double max_seconds;
	int *fds;                  /* by endpoint index */
	struct sockaddr_in *peers; /* destination of packets read on fd i */
};

struct worker {
	struct fwd *f;
	unsigned id;
	int ep;
	pthread_t thread;
	uint64_t packets, batches, send_errors;
};

static atomic_bool stop;

static void on_signal(int sig)
{
	atomic_store(&stop, true);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Forward what is queued on endpoint i's socket (one recvmmsg batch; the
 * level-triggered epoll set brings us back if more is left). */
static void forward_one(struct worker *w, unsigned i)
{
	static __thread uint8_t bufs[BATCH][PKT_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct fwd *f = w->f;
	int n, sent, k;

	for (k = 0; k < BATCH; k++) {
		iov[k].iov_base = bufs[k];
		iov[k].iov_len = PKT_MAX;
		memset(&msgs[k].msg_hdr, 0, sizeof(msgs[k].msg_hdr));
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(f->fds[i], msgs, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	for (k = 0; k < n; k++) {
		iov[k].iov_len = msgs[k].msg_len;
		msgs[k].msg_hdr.msg_name = &f->peers[i];
		msgs[k].msg_hdr.msg_namelen = sizeof(f->peers[i]);
	}
	w->batches++;
	for (k = 0; k < n; k += sent) {
		sent = sendmmsg(f->fds[i ^ 1], msgs + k, (unsigned)(n - k), MSG_DONTWAIT);
		if (sent <= 0) {
			/* a full socket buffer or an unreachable peer: drop, like a relay */
			w->send_errors += (unsigned)(n - k);
			break;
		}
		w->packets += (unsigned)sent;
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[256];
	uint64_t deadline = now_ns() + (uint64_t)(w->f->max_seconds * 1e9);
	int n, k;

	while (!atomic_load(&stop) && now_ns() < deadline) {
		n = epoll_wait(w->ep, ev, 256, 100);
		if (n < 0 && errno != EINTR) {
			perror("min_forwarder: epoll_wait");
			break;
		}
		for (k = 0; k < n; k++)
			forward_one(w, ev[k].data.u32);
	}
	atomic_store(&stop, true);
	return NULL;
}

static int open_sockets(struct fwd *f, struct worker *w)
{
	unsigned i;

	for (i = 0; i < f->count; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = f->listen };
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

		if (fd < 0) {
			perror("min_forwarder: socket");
			return -1;
		}
		f->fds[i] = fd;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sin.sin_port = htons((uint16_t)(f->base + f->offset + i));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			fprintf(stderr, "min_forwarder: bind %s:%u: %s\n", inet_ntoa(f->listen),
				f->base + f->offset + i, strerror(errno));
			return -1;
		}
		f->peers[i] = (struct sockaddr_in){ .sin_family = AF_INET,
						    .sin_addr = f->dest,
						    .sin_port = htons((uint16_t)(f->base +
										 (i ^ 1))) };
		if (epoll_ctl(w[i % f->threads].ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			perror("min_forwarder: epoll_ctl");
			return -1;
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: min_forwarder --base PORT --count N [--offset K] [--listen ADDR]\n"
			"                     [--dest ADDR] [--threads T] [--max-seconds S]\n"
			"  forwards LISTEN:base+K+i -> DEST:base+(i^1), out of the socket of i^1\n"
			"  defaults: --offset 0 --listen 127.0.0.3 --dest 127.0.0.2 --threads 1\n"
			"            --max-seconds 900\n");
	exit(1);
}

static unsigned num_arg(const char *s, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "min_forwarder: bad number %s (max %u)\n", s, max);
		exit(1);
	}
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "base", 1, NULL, 'b' },        { "count", 1, NULL, 'c' },
		{ "offset", 1, NULL, 'k' },      { "listen", 1, NULL, 'l' },
		{ "dest", 1, NULL, 'd' },        { "threads", 1, NULL, 't' },
		{ "max-seconds", 1, NULL, 's' }, { NULL, 0, NULL, 0 },
	};
	struct fwd f = { .offset = 0, .threads = 1, .max_seconds = 900 };
	struct worker w[MAX_THREADS];
	uint64_t packets = 0, batches = 0, errors = 0;
	int c, rc = 1;
	unsigned i, started = 0;

	inet_pton(AF_INET, "127.0.0.3", &f.listen);
	inet_pton(AF_INET, "127.0.0.2", &f.dest);
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			f.base = num_arg(optarg, 65535);
			break;
		case 'c':
			f.count = num_arg(optarg, 65536);
			break;
		case 'k':
			f.offset = num_arg(optarg, 65535);
			break;
		case 't':
			f.threads = num_arg(optarg, MAX_THREADS);
			break;
		case 's':
			f.max_seconds = num_arg(optarg, 86400);
			break;
		case 'l':
		case 'd':
			if (inet_pton(AF_INET, optarg, c == 'l' ? &f.listen : &f.dest) != 1) {
				fprintf(stderr, "min_forwarder: not an IPv4 address: %s\n", optarg);
				return 1;
			}
			break;
		default:
			usage();
		}
	}
	if (!f.base || !f.count || f.count % 2 || !f.threads ||
	    f.base + f.offset + f.count > 65536 || f.base + f.count > 65536)
		usage();

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	f.fds = calloc(f.count, sizeof(*f.fds));
	f.peers = calloc(f.count, sizeof(*f.peers));
	if (!f.fds || !f.peers)
		goto out_free;
	for (i = 0; i < f.count; i++)
		f.fds[i] = -1;
	for (i = 0; i < MAX_THREADS; i++)
		w[i].ep = -1;
	for (i = 0; i < f.threads; i++) {
		w[i] = (struct worker){ .f = &f, .id = i, .ep = epoll_create1(0) };
		if (w[i].ep < 0) {
			perror("min_forwarder: epoll_create1");
			goto out_close;
		}
	}
	if (open_sockets(&f, w) < 0)
		goto out_close;
	for (; started < f.threads; started++)
		if (pthread_create(&w[started].thread, NULL, worker_run, &w[started]) != 0) {
			fprintf(stderr, "min_forwarder: pthread_create failed\n");
			atomic_store(&stop, true);
			break;
		}
	fprintf(stderr,
		"min_forwarder: %u sockets on %s:%u.., %u thread(s), media I/O: epoll, "
		"recvmmsg/sendmmsg up to %d\n",
		f.count, inet_ntoa(f.listen), f.base + f.offset, started, BATCH);
	for (i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		packets += w[i].packets;
		batches += w[i].batches;
		errors += w[i].send_errors;
	}
	fprintf(stderr,
		"min_forwarder: forwarded %llu packets in %llu batches (%.2f per batch), %llu dropped on send\n",
		(unsigned long long)packets, (unsigned long long)batches,
		batches ? (double)packets / (double)batches : 0.0, (unsigned long long)errors);
	rc = started == f.threads ? 0 : 1;
out_close:
	for (i = 0; i < f.threads; i++)
		if (w[i].ep >= 0)
			close(w[i].ep);
	for (i = 0; i < f.count; i++)
		if (f.fds[i] >= 0)
			close(f.fds[i]);
out_free:
	free(f.fds);
	free(f.peers);
	return rc;
}
