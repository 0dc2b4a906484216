/*
 * ktargets: min_forwarder's static mapping as nft_rtprelay kernel targets,
 * for the kernel benchmark. Endpoint i (0..count-1) of the load generator
 * sends to LISTEN:base+offset+i; the target of that address sends the
 * packet on from LISTEN:base+offset+(i^1) to DEST:base+(i^1), exactly what
 * min_forwarder does in user space. The targets live as long as this
 * process (its session closes when it exits); on SIGTERM it prints the
 * packets the kernel counted into the pinned stats.
 *
 * usage: ktargets TABLE LISTEN DEST BASE COUNT OFFSET
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kclient.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct rtprelay_stream_stats *st;
	unsigned table, base, count, offset;
	uint64_t packets = 0, bytes = 0;
	size_t size;
	int fd;

	if (argc != 7) {
		fprintf(stderr, "usage: %s TABLE LISTEN DEST BASE COUNT OFFSET\n", argv[0]);
		return 2;
	}
	table = atoi(argv[1]);
	base = atoi(argv[4]);
	count = atoi(argv[5]);
	offset = atoi(argv[6]);
	size = ((count * sizeof(*st)) + 4095) & ~(size_t)4095;
	st = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = kc_session(table);
	if (st == MAP_FAILED || fd < 0 || kc_pin(fd, st, size)) {
		fprintf(stderr, "ktargets: session or pin failed\n");
		return 1;
	}
	for (unsigned i = 0; i < count; i++) {
		unsigned j = i ^ 1;
		struct rtprelay_target t = {
			.local = kc_addr(argv[2], base + offset + i),
			.src_out = kc_addr(argv[2], base + offset + j),
			.dst_out = kc_addr(argv[3], base + j),
			.stats_addr = (uintptr_t)&st[i],
		};
		int err = kc_add(fd, &t);

		if (err) {
			fprintf(stderr, "ktargets: target %u: %s\n", i, strerror(-err));
			return 1;
		}
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("ktargets: %u targets ready\n", count);
	fflush(stdout);
	while (!stop)
		pause();
	for (unsigned i = 0; i < count; i++) {
		packets += __atomic_load_n(&st[i].kernel_packets, __ATOMIC_RELAXED);
		bytes += __atomic_load_n(&st[i].kernel_bytes, __ATOMIC_RELAXED);
	}
	fprintf(stderr, "ktargets: kernel forwarded %llu packets, %llu bytes\n",
		(unsigned long long)packets, (unsigned long long)bytes);
	close(fd);
	return 0;
}
