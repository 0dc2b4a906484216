/*
 * ktest: the in-guest C tests of nft_rtprelay (run by guest.sh with the
 * module loaded, table TABLE added and an nft rule "rtprelay table TABLE" on
 * the inet input hook). Everything is on loopback. Each scenario opens its
 * own session and closes it, so each also exercises close-time cleanup.
 *
 * usage: ktest TABLE [SCENARIO...]   (default: all; prints "N passed, N failed")
 *        ktest hold TABLE            (pin + target, then wait to be killed)
 */
#include "ktest.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int kt_passed, kt_failed;
static unsigned table;
static const char *scenario = "";

void kt_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - [%s] ", ok ? "ok  " : "FAIL", scenario);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		kt_passed++;
	else
		kt_failed++;
}

#define SHM_SIZE (64 * 1024)

static uint8_t *shm_new(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static struct rtprelay_stream_stats *stats_at(uint8_t *shm, unsigned i)
{
	return (struct rtprelay_stream_stats *)(shm + i * 256);
}

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static struct rtprelay_target target(const struct rtprelay_addr *local,
				     const struct rtprelay_addr *src,
				     const struct rtprelay_addr *dst,
				     const struct rtprelay_stream_stats *st)
{
	struct rtprelay_target t = {
		.local = *local, .src_out = *src, .dst_out = *dst,
		.stats_addr = (uintptr_t)st,
	};

	return t;
}

/* The number in "Passed to user space: ... NAME N ..." of the status. */
static long long pass_count(const char *name)
{
	char path[64], line[512], *p;
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/rtprelay/%u/status", table);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Passed to user space:", 21))
			continue;
		for (p = strtok(line + 21, " \n"); p; p = strtok(NULL, " \n")) {
			if (!strcmp(p, name)) {
				p = strtok(NULL, " \n");
				v = p ? atoll(p) : -1;
				break;
			}
		}
	}
	fclose(f);
	return v;
}

/* ---- handshake ---- */

static void test_handshake(void)
{
	struct rtprelay_cmd_handshake h;
	struct rtprelay_cmd_hdr barrier = { RTPRELAY_CMD_BARRIER, sizeof(barrier) };
	uint8_t *shm = shm_new(SHM_SIZE);
	int fd = kc_open(table);

	CHECK(fd >= 0, "open control: %d", fd);
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), -EPROTO, "pin before handshake");
	CHECK_EQ(kc_write(fd, &barrier, sizeof(barrier)), -EPROTO, "barrier before handshake");
	CHECK_EQ(kc_write(fd, "abc", 3), -EINVAL, "3 bytes before handshake");

	rtprelay_handshake_init(&h);
	h.abi_version++;
	CHECK_EQ(kc_write(fd, &h, sizeof(h)), -EPROTO, "handshake, other ABI version");
	rtprelay_handshake_init(&h);
	h.stats_size -= 16;
	CHECK_EQ(kc_write(fd, &h, sizeof(h)), -EPROTO, "handshake, other stats size");
	rtprelay_handshake_init(&h);
	h.cmd_size[RTPRELAY_CMD_ADD_TARGET] += 8;
	CHECK_EQ(kc_write(fd, &h, sizeof(h)), -EPROTO, "handshake, other target command size");
	rtprelay_handshake_init(&h);
	h.cmd_size[RTPRELAY_HANDSHAKE_SLOTS - 1] = 8;
	CHECK_EQ(kc_write(fd, &h, sizeof(h)), -EPROTO, "handshake, size for an unknown command");
	rtprelay_handshake_init(&h);
	CHECK_EQ(kc_write(fd, &h, sizeof(h) - 4), -EINVAL, "handshake, short write");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), -EPROTO, "pin after refused handshakes");
	CHECK_EQ(kc_handshake(fd), 0, "matching handshake");
	CHECK_EQ(kc_barrier(fd), 0, "barrier after handshake");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin after handshake");
	close(fd);

	fd = kc_open(table);
	CHECK_EQ(kc_barrier(fd), -EPROTO, "a new descriptor needs its own handshake");
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- forwarding ---- */

struct fwd_case {
	const char *name;
	const char *in_ip;  /* local (target) and sender family */
	const char *out_ip; /* src_out and receiver */
	uint16_t port;      /* local port; src_out port + 1, receiver + 2 */
	uint8_t tos;
};

static void test_forward_case(int fd, uint8_t *shm, unsigned slot, const struct fwd_case *c)
{
	enum { N = 40, PLEN = 160 };
	struct rtprelay_stream_stats *st = stats_at(shm, slot);
	struct rtprelay_addr local = kc_addr(c->in_ip, c->port);
	struct rtprelay_addr src = kc_addr(c->out_ip, c->port + 1);
	struct rtprelay_addr dst = kc_addr(c->out_ip, c->port + 2);
	struct rtprelay_target t = target(&local, &src, &dst, st);
	int user = kn_bind(c->in_ip, c->port);
	int rx = kn_bind(c->out_ip, c->port + 2);
	int tx = kn_bind(c->in_ip, 0);
	uint8_t sent[N][12 + PLEN], buf[2048];
	int got = 0, intact = 0, from_ok = 0, tos_ok = 0, last_tos = -2;
	uint64_t t0, t1;

	memset(st, 0, sizeof(*st));
	t.tos = c->tos;
	CHECK_EQ(kc_add(fd, &t), 0, "add target");
	t0 = kn_now_us();
	for (int i = 0; i < N; i++) {
		size_t n = kn_rtp(sent[i], i < 30 ? 0 : 8, 1000 + i, 0x11223344, PLEN);

		if (kn_send(tx, &local, sent[i], n))
			break;
	}
	bool seen[N] = { false };

	for (int i = 0; i < N; i++) {
		struct sockaddr_storage from;
		int tos, n = kn_recv(rx, buf, sizeof(buf), 3000, &from, &tos);
		unsigned k;

		if (n < 0)
			break;
		got++;
		/* by sequence number: a sender that moves between CPUs can
		 * reorder loopback packets */
		k = (unsigned)(buf[2] << 8 | buf[3]) - 1000;
		if (n == 12 + PLEN && k < N && !seen[k] && !memcmp(buf, sent[k], n)) {
			seen[k] = true;
			intact++;
		}
		from_ok += kn_from_is(&from, &src);
		tos_ok += tos == c->tos;
		last_tos = tos;
	}
	t1 = kn_now_us();
	CHECK_EQ(got, N, "packets received at the target's destination");
	CHECK_EQ(intact, N, "packets with payload intact, each once");
	CHECK_EQ(from_ok, N, "packets from the target's source address and port");
	CHECK(tos_ok == N, "TOS/traffic class %#x on every packet (%d of %d, last %d)", c->tos,
	      tos_ok, N, last_tos);
	CHECK_EQ(kn_drain(user, 200), 0, "packets that reached the user-space socket");
	CHECK_EQ(ld(&st->packets), N, "stats packets (pinned memory)");
	CHECK_EQ(ld(&st->kernel_packets), N, "stats kernel_packets");
	CHECK_EQ(ld(&st->bytes), N * (12 + PLEN), "stats bytes");
	CHECK_EQ(ld(&st->kernel_bytes), N * (12 + PLEN), "stats kernel_bytes");
	CHECK_EQ(ld(&st->errors), 0, "stats errors");
	CHECK(st->last_packet_us >= t0 && st->last_packet_us <= t1,
	      "last_packet_us %llu within the send window [%llu, %llu] (CLOCK_MONOTONIC)",
	      (unsigned long long)st->last_packet_us, (unsigned long long)t0,
	      (unsigned long long)t1);
	CHECK(st->ssrc[0].ssrc == 0x11223344 && st->ssrc[0].packets == N &&
	      st->ssrc[0].last_seq == 1000 + N - 1 && st->ssrc[1].packets == 0,
	      "ssrc slot 0: %#x packets %u last_seq %u; slot 1 packets %u", st->ssrc[0].ssrc,
	      st->ssrc[0].packets, st->ssrc[0].last_seq, st->ssrc[1].packets);
	CHECK(st->pt[0].payload_type == 0 && st->pt[0].packets == 30 &&
	      st->pt[1].payload_type == 8 && st->pt[1].packets == 10,
	      "pt slots: %u x%u, %u x%u", st->pt[0].payload_type, st->pt[0].packets,
	      st->pt[1].payload_type, st->pt[1].packets);
	CHECK_EQ(kc_del(fd, &local), 0, "delete target");
	close(user);
	close(rx);
	close(tx);
}

static void test_forward(void)
{
	static const struct fwd_case cases[] = {
		{ "v4", "127.0.0.1", "127.0.0.1", 21000, 0 },
		{ "v4 tos", "127.0.0.1", "127.0.0.1", 21010, 0xb8 },
		{ "v6", "::1", "::1", 21020, 0 },
		{ "v6 tclass", "::1", "::1", 21030, 0x28 },
		{ "4to6", "127.0.0.1", "::1", 21040, 0 },
		{ "6to4", "::1", "127.0.0.1", 21050, 0x10 },
	};
	uint8_t *shm = shm_new(SHM_SIZE);
	int fd = kc_session(table);
	long long fwd0 = kc_status(table, "Packets forwarded");
	cpu_set_t all, one;

	/* One CPU while sending, so the kernel sees the packets in order
	 * (last_seq is checked): loopback queues each to the sending CPU. */
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	CHECK(fd >= 0, "session: %d", fd);
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin 64 KiB");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scenario = cases[i].name;
		test_forward_case(fd, shm, i, &cases[i]);
	}
	scenario = "forward";
	sched_setaffinity(0, sizeof(all), &all);
	CHECK_EQ(kc_status(table, "Packets forwarded") - fwd0, 6 * 40, "status: packets forwarded");
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- across network namespaces over veth (guest.sh sets them up) ---- */

static void test_netns_case(int fd, uint8_t *shm, unsigned slot, const char *name,
			    const char *in_ip, const char *out_src_ip, const char *far_ip,
			    uint16_t port)
{
	enum { N = 30, PLEN = 160 };
	struct rtprelay_stream_stats *st = stats_at(shm, slot);
	struct rtprelay_addr local = kc_addr(in_ip, port);
	struct rtprelay_addr src = kc_addr(out_src_ip, port + 1);
	struct rtprelay_addr dst = kc_addr(far_ip, port + 2);
	struct rtprelay_target t = target(&local, &src, &dst, st);
	int rx = kn_bind_ns("far", far_ip, port + 2);
	int tx = kn_bind_ns("near", strchr(in_ip, ':') ? "::" : "0.0.0.0", 0);
	uint8_t sent[12 + PLEN], buf[2048];
	int got = 0, intact = 0, from_ok = 0;

	scenario = name;
	memset(st, 0, sizeof(*st));
	CHECK_EQ(kc_add(fd, &t), 0, "add target");
	for (int i = 0; i < N; i++) {
		size_t n = kn_rtp(sent, 96, 7000 + i, 0xabcdef01, PLEN);
		struct sockaddr_storage from;
		int r;

		kn_send(tx, &local, sent, n);
		r = kn_recv(rx, buf, sizeof(buf), 3000, &from, NULL);
		if (r < 0)
			continue;
		got++;
		intact += r == (int)n && !memcmp(buf, sent, n);
		from_ok += kn_from_is(&from, &src);
	}
	CHECK_EQ(got, N, "packets received in the far namespace");
	CHECK_EQ(intact, N, "payload intact");
	CHECK_EQ(from_ok, N, "from the target's source address");
	CHECK_EQ(ld(&st->kernel_packets), N, "stats kernel_packets");
	CHECK_EQ(kc_del(fd, &local), 0, "delete target");
	close(rx);
	close(tx);
}

static void test_netns(void)
{
	uint8_t *shm = shm_new(SHM_SIZE);
	int fd = kc_session(table);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	test_netns_case(fd, shm, 0, "veth v4", "192.0.2.1", "198.51.100.1", "198.51.100.2",
			32000);
	test_netns_case(fd, shm, 1, "veth v6", "fd00:1::1", "fd00:2::1", "fd00:2::2", 32010);
	test_netns_case(fd, shm, 2, "veth 4to6", "192.0.2.1", "fd00:2::1", "fd00:2::2", 32020);
	test_netns_case(fd, shm, 3, "veth 6to4", "fd00:1::1", "198.51.100.1", "198.51.100.2",
			32030);
	scenario = "netns";
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- strict source ---- */

static void test_strict(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 22000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 22001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 22002);
	uint8_t *shm = shm_new(SHM_SIZE), pkt[200];
	struct rtprelay_stream_stats *st = stats_at(shm, 0);
	struct rtprelay_target t = target(&local, &src, &dst, st);
	int fd = kc_session(table);
	int user = kn_bind("127.0.0.1", 22000), rx = kn_bind("127.0.0.1", 22002);
	int good = kn_bind("127.0.0.1", 22003), other = kn_bind("127.0.0.1", 22004);
	long long drop0 = kc_status(table, "Dropped source");
	size_t n = kn_rtp(pkt, 0, 1, 42, 100);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	t.flags = RTPRELAY_TARGET_STRICT_SOURCE;
	t.expected_src = kc_addr("127.0.0.1", 22003);
	CHECK_EQ(kc_add(fd, &t), 0, "add strict target expecting 127.0.0.1:22003");
	for (int i = 0; i < 10; i++)
		kn_send(other, &local, pkt, n);
	CHECK_EQ(kn_drain(rx, 300), 0, "packets from :22004 forwarded");
	CHECK_EQ(kn_drain(user, 100), 0, "packets from :22004 in user space");
	CHECK_EQ(ld(&st->dropped_source), 10, "stats dropped_source");
	CHECK_EQ(ld(&st->packets), 0, "stats packets");
	CHECK_EQ(kc_status(table, "Dropped source") - drop0, 10, "status: dropped source");
	for (int i = 0; i < 10; i++)
		kn_send(good, &local, pkt, n);
	int got = 0;
	while (got < 10 && kn_recv(rx, pkt + 100, 100, 3000, NULL, NULL) >= 0)
		got++;
	CHECK_EQ(got, 10, "packets from the expected source forwarded");
	CHECK_EQ(ld(&st->packets), 10, "stats packets");
	close(fd);
	close(user), close(rx), close(good), close(other);
	munmap(shm, SHM_SIZE);
}

/* ---- what goes to user space ---- */

struct pass_case {
	const char *name;
	const char *reason; /* the status counter it bumps */
	uint8_t bytes[32];
	size_t len;
};

static void test_passthrough(void)
{
	static const struct pass_case cases[] = {
		{ "STUN binding request", "stun",
		  { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		    11, 12 }, 20 },
		{ "DTLS ClientHello record", "dtls",
		  { 0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0 }, 17 },
		{ "RTCP SR (rtcp-mux)", "rtcp",
		  { 0x80, 0xc8, 0x00, 0x06, 0, 0, 0, 42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
		    14, 15, 16, 17, 18, 19, 20 }, 28 },
		{ "RTCP RR with marker-like bit (rtcp-mux)", "rtcp",
		  { 0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 42 }, 8 },
		{ "version 1 packet", "not_rtp",
		  { 0x40, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1 }, 12 },
		{ "TURN channel data", "not_rtp", { 0x40, 0x01, 0x00, 0x04, 1, 2, 3, 4 }, 8 },
		{ "truncated RTP", "invalid", { 0x80, 0x00, 0x00, 0x01, 0, 0 }, 6 },
		{ "RTP with 15 CSRCs, too short", "invalid",
		  { 0x8f, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 16 },
		{ "RTP with padding longer than the packet", "invalid",
		  { 0xa0, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 99 }, 16 },
		{ "empty datagram", "invalid", { 0 }, 0 },
	};
	struct rtprelay_addr local = kc_addr("127.0.0.1", 23000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 23001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 23002);
	uint8_t *shm = shm_new(SHM_SIZE), buf[2048];
	struct rtprelay_stream_stats *st = stats_at(shm, 0);
	struct rtprelay_target t = target(&local, &src, &dst, st);
	int fd = kc_session(table);
	int user = kn_bind("127.0.0.1", 23000), rx = kn_bind("127.0.0.1", 23002);
	int tx = kn_bind("127.0.0.1", 0);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	t.flags = RTPRELAY_TARGET_RTCP_MUX;
	CHECK_EQ(kc_add(fd, &t), 0, "add rtcp-mux target");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pass_case *c = &cases[i];
		long long before = pass_count(c->reason);
		int n;

		kn_send(tx, &local, c->bytes, c->len);
		n = kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL);
		CHECK(n == (int)c->len && !memcmp(buf, c->bytes, c->len),
		      "%s reaches the user-space socket intact (%d bytes of %zu)", c->name, n,
		      c->len);
		CHECK_EQ(pass_count(c->reason) - before, 1, c->reason);
	}
	CHECK_EQ(kn_drain(rx, 200), 0, "packets forwarded");
	CHECK_EQ(ld(&st->packets), 0, "stats packets");

	/* Without rtcp-mux RTCP on an RTP port is not forwarded either. */
	t.flags = 0;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace with a target without rtcp-mux");
	kn_send(tx, &local, cases[2].bytes, cases[2].len);
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) == (int)cases[2].len,
	      "RTCP without rtcp-mux reaches user space");

	/* A port marked RTCP passes even RTP. */
	t.flags = RTPRELAY_TARGET_RTCP;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace with an RTCP-port target");
	long long before = pass_count("rtcp_port");
	size_t n = kn_rtp(buf + 1024, 0, 7, 7, 20);
	kn_send(tx, &local, buf + 1024, n);
	CHECK(kn_recv(user, buf, 1024, 3000, NULL, NULL) == (int)n,
	      "RTP to an RTCP port reaches user space");
	CHECK_EQ(pass_count("rtcp_port") - before, 1, "rtcp_port");
	CHECK_EQ(kn_drain(rx, 200), 0, "packets forwarded");

	/* And a port without a target is none of the module's business. */
	struct rtprelay_addr nobody = kc_addr("127.0.0.1", 23005);
	int user2 = kn_bind("127.0.0.1", 23005);
	before = pass_count("no_target");
	kn_send(tx, &nobody, buf + 1024, n);
	CHECK(kn_recv(user2, buf, 1024, 3000, NULL, NULL) == (int)n,
	      "RTP to a port without target reaches user space");
	CHECK(pass_count("no_target") - before >= 1, "no_target counted");
	close(fd);
	close(user), close(user2), close(rx), close(tx);
	munmap(shm, SHM_SIZE);
}

/* ---- unpin ---- */

static void test_unpin(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 24000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 24001);
	uint8_t *a = shm_new(SHM_SIZE), *b = shm_new(16384);
	struct rtprelay_target t = target(&local, &out, &out, stats_at(b, 2));
	int fd = kc_session(table);
	long long pins0 = kc_status(table, "Memory pins"), mem0 = kc_status(table, "Memory");

	CHECK_EQ(kc_pin(fd, a, SHM_SIZE), 0, "pin area A (64 KiB)");
	CHECK_EQ(kc_pin(fd, b, 16384), 0, "pin area B (16 KiB)");
	CHECK_EQ(kc_status(table, "Memory pins") - pins0, 2, "status: memory pins");
	CHECK_EQ(kc_status(table, "Memory") - mem0, SHM_SIZE + 16384, "status: memory bytes");
	CHECK_EQ(kc_add(fd, &t), 0, "target with stats in B");
	CHECK_EQ(kc_unpin(fd, b, 16384), -EBUSY, "unpin B while a target points into it");
	CHECK_EQ(kc_unpin(fd, a, SHM_SIZE), 0, "unpin A (unused)");
	CHECK_EQ(kc_unpin(fd, a, SHM_SIZE), -ENOENT, "unpin A again");
	t.stats_addr = (uintptr_t)stats_at(a, 0);
	CHECK_EQ(kc_replace(fd, &t), -EFAULT, "replace with stats in the unpinned A");
	CHECK_EQ(kc_unpin(fd, b, 8192), -ENOENT, "unpin half of B");
	CHECK_EQ(kc_del(fd, &local), 0, "delete the target");
	CHECK_EQ(kc_unpin(fd, b, 16384), 0, "unpin B after the delete");
	CHECK_EQ(kc_status(table, "Memory pins"), pins0, "status: memory pins back");
	CHECK_EQ(kc_status(table, "Memory"), mem0, "status: memory bytes back");
	close(fd);
	munmap(a, SHM_SIZE);
	munmap(b, 16384);
}

/* ---- barrier: deleted and replaced targets stop writing ---- */

struct flood {
	pthread_t th;
	struct rtprelay_addr to;
	atomic_bool stop;
	atomic_long sent;
};

static void *flood_main(void *arg)
{
	struct flood *f = arg;
	uint8_t pkt[200];
	int tx = kn_bind("127.0.0.1", 0);
	uint16_t seq = 0;

	while (!atomic_load(&f->stop)) {
		size_t n = kn_rtp(pkt, 0, seq++, 99, 100);

		if (!kn_send(tx, &f->to, pkt, n))
			atomic_fetch_add(&f->sent, 1);
		if (!(seq % 16))
			usleep(500);
	}
	close(tx);
	return NULL;
}

static bool wait_packets(const struct rtprelay_stream_stats *st, uint64_t n, int ms)
{
	for (int i = 0; i < ms / 10 && ld(&st->packets) < n; i++)
		kn_sleep_ms(10);
	return ld(&st->packets) >= n;
}

static void test_barrier(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 25000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 25001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 25002);
	uint8_t *shm = shm_new(SHM_SIZE);
	struct rtprelay_stream_stats *st1 = stats_at(shm, 0), *st2 = stats_at(shm, 1), snap;
	struct rtprelay_target t = target(&local, &src, &dst, st1);
	int fd = kc_session(table);
	int user = kn_bind("127.0.0.1", 25000), rx = kn_bind("127.0.0.1", 25002);
	struct flood f = { .to = local };
	long sent;
	long long barriers0 = kc_status(table, "Barriers");

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_add(fd, &t), 0, "add target");
	pthread_create(&f.th, NULL, flood_main, &f);
	CHECK(wait_packets(st1, 50, 10000), "stats 1 counting while the flood runs (%llu)",
	      (unsigned long long)ld(&st1->packets));

	/* replace: stats move to st2; st1 must stay as it was at the barrier */
	t.stats_addr = (uintptr_t)st2;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace target (stats 1 -> stats 2)");
	CHECK_EQ(kc_barrier(fd), 0, "barrier");
	memcpy(&snap, st1, sizeof(snap));
	sent = atomic_load(&f.sent);
	uint64_t p2 = ld(&st2->packets);
	kn_sleep_ms(500);
	CHECK(atomic_load(&f.sent) - sent >= 20, "flood went on (%ld packets)",
	      atomic_load(&f.sent) - sent);
	CHECK(!memcmp(&snap, st1, sizeof(snap)),
	      "stats 1 untouched after replace + barrier (packets %llu -> %llu)",
	      (unsigned long long)snap.packets, (unsigned long long)ld(&st1->packets));
	CHECK(ld(&st2->packets) > p2, "stats 2 counting (%llu -> %llu)", (unsigned long long)p2,
	      (unsigned long long)ld(&st2->packets));

	/* delete: st2 must stay as it was at the barrier, packets go to user space */
	CHECK_EQ(kc_del(fd, &local), 0, "delete target during the flood");
	CHECK_EQ(kc_barrier(fd), 0, "barrier");
	memcpy(&snap, st2, sizeof(snap));
	sent = atomic_load(&f.sent);
	kn_sleep_ms(500);
	CHECK(atomic_load(&f.sent) - sent >= 20, "flood went on (%ld packets)",
	      atomic_load(&f.sent) - sent);
	CHECK(!memcmp(&snap, st2, sizeof(snap)),
	      "stats 2 untouched after delete + barrier (packets %llu -> %llu)",
	      (unsigned long long)snap.packets, (unsigned long long)ld(&st2->packets));
	uint8_t buf[256];
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) > 0,
	      "the flood now reaches the user-space socket");
	CHECK_EQ(kc_status(table, "Barriers") - barriers0, 2, "status: barriers");
	atomic_store(&f.stop, true);
	pthread_join(f.th, NULL);
	close(fd);
	close(user), close(rx);
	munmap(shm, SHM_SIZE);
}

/* ---- churn: targets added, replaced and deleted under traffic ---- */

struct spray {
	pthread_t th;
	uint16_t base;
	unsigned ports;
	atomic_bool stop;
	atomic_long sent;
};

static void *spray_main(void *arg)
{
	struct spray *f = arg;
	uint8_t pkt[200];
	int tx = kn_bind("127.0.0.1", 0);
	unsigned i = 0;

	while (!atomic_load(&f->stop)) {
		struct rtprelay_addr to = kc_addr("127.0.0.1", f->base + i % f->ports);
		size_t n = kn_rtp(pkt, 0, i, 1000 + i % f->ports, 40);

		if (!kn_send(tx, &to, pkt, n))
			atomic_fetch_add(&f->sent, 1);
		if (!(++i % 64))
			usleep(200);
	}
	close(tx);
	return NULL;
}

static void test_churn(void)
{
	enum { PORTS = 256, ROUNDS = 3000 };
	uint8_t *shm = shm_new(PORTS * 256 * 2);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 34999);
	struct spray f = { .base = 34000, .ports = PORTS };
	int fd = kc_session(table), rx = kn_bind("127.0.0.1", 34999);
	unsigned unexpected = 0, ops[3] = { 0 };
	bool present[PORTS] = { false };
	unsigned seed = 7, n_present = 0, max_present = 0;

	CHECK_EQ(kc_pin(fd, shm, PORTS * 256 * 2), 0, "pin");
	pthread_create(&f.th, NULL, spray_main, &f);
	for (int r = 0; r < ROUNDS; r++) {
		unsigned p = rand_r(&seed) % PORTS, op = rand_r(&seed) % 3;
		struct rtprelay_addr local = kc_addr("127.0.0.1", 34000 + p);
		struct rtprelay_target t = target(&local, &out, &out,
						  stats_at(shm, p * 2 + rand_r(&seed) % 2));
		int err, want;

		if (op == 0) {
			err = kc_add(fd, &t);
			want = present[p] ? -EEXIST : 0;
			present[p] = true;
		} else if (op == 1) {
			err = kc_replace(fd, &t);
			want = present[p] ? 0 : -ENOENT;
		} else {
			err = kc_del(fd, &local);
			want = present[p] ? 0 : -ENOENT;
			present[p] = false;
		}
		unexpected += err != want;
		ops[op]++;
		n_present = 0;
		for (int i = 0; i < PORTS; i++)
			n_present += present[i];
		if (n_present > max_present)
			max_present = n_present;
		if (!(r % 200))
			kc_barrier(fd);
	}
	CHECK(unexpected == 0, "%u adds, %u replaces, %u deletes under traffic: %u unexpected "
	      "results; up to %u targets", ops[0], ops[1], ops[2], unexpected, max_present);
	CHECK_EQ(kc_status(table, "Targets"), n_present, "status: targets as tracked");
	long long fwd = kc_status(table, "Packets forwarded");
	kn_sleep_ms(300);
	CHECK(kc_status(table, "Packets forwarded") > fwd, "still forwarding (%lld -> %lld)", fwd,
	      kc_status(table, "Packets forwarded"));
	for (int i = 0; i < PORTS; i++) {
		struct rtprelay_addr local = kc_addr("127.0.0.1", 34000 + i);

		if (present[i])
			unexpected += kc_del(fd, &local) != 0;
	}
	CHECK_EQ(kc_barrier(fd), 0, "delete all, barrier");
	uint8_t *snap = malloc(PORTS * 256 * 2);
	memcpy(snap, shm, PORTS * 256 * 2);
	kn_sleep_ms(300);
	CHECK(!memcmp(snap, shm, PORTS * 256 * 2), "no stats written after the barrier");
	CHECK(atomic_load(&f.sent) > 1000, "sprayed %ld packets", atomic_load(&f.sent));
	atomic_store(&f.stop, true);
	pthread_join(f.th, NULL);
	free(snap);
	close(fd);
	close(rx);
	munmap(shm, PORTS * 256 * 2);
}

/* ---- list ---- */

static void test_list(void)
{
	uint8_t *shm = shm_new(SHM_SIZE);
	struct {
		struct rtprelay_list_reply r;
		struct rtprelay_target t[8];
	} out;
	struct rtprelay_target t[3];
	int fd = kc_session(table), found = 0;
	char line[512];
	FILE *f;

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	for (int i = 0; i < 3; i++) {
		struct rtprelay_addr local = kc_addr(i == 1 ? "::1" : "127.0.0.1", 26000 + i);
		struct rtprelay_addr out_a = kc_addr("127.0.0.1", 26100 + i);

		t[i] = target(&local, &out_a, &out_a, stats_at(shm, i));
		t[i].tos = i;
		CHECK_EQ(kc_add(fd, &t[i]), 0, "add target");
	}
	CHECK_EQ(kc_add(fd, &t[1]), -EEXIST, "add the same local address again");
	memset(&out, 0xaa, sizeof(out));
	CHECK_EQ(kc_list(fd, &out, 8), 0, "list");
	CHECK(out.r.count == 3 && out.r.total == 3, "list: count %u total %u", out.r.count,
	      out.r.total);
	for (int i = 0; i < 3; i++)
		for (unsigned j = 0; j < 3 && j < out.r.count; j++)
			found += !memcmp(&t[i], &out.t[j], sizeof(t[i]));
	CHECK_EQ(found, 3, "listed targets equal to what was added");
	CHECK_EQ(kc_list(fd, &out, 1), 0, "list, room for one");
	CHECK(out.r.count == 1 && out.r.total == 3, "list: count %u total %u", out.r.count,
	      out.r.total);
	snprintf(line, sizeof(line), "/proc/rtprelay/%u/list", table);
	f = fopen(line, "re");
	found = 0;
	while (f && fgets(line, sizeof(line), f))
		found += strstr(line, " local ") != NULL;
	if (f)
		fclose(f);
	CHECK_EQ(found, 3, "lines in /proc/rtprelay/N/list");
	CHECK_EQ(kc_status(table, "Targets"), 3, "status: targets");
	close(fd);
	CHECK_EQ(kc_status(table, "Targets"), 0, "status: targets after close");
	munmap(shm, SHM_SIZE);
}

/* ---- closing removes targets and pins ---- */

static void hold(int ready_fd, int go_fd, uint16_t port)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", port);
	struct rtprelay_addr out = kc_addr("127.0.0.1", port + 1);
	uint8_t *shm = shm_new(SHM_SIZE);
	struct rtprelay_target t = target(&local, &out, &out, stats_at(shm, 0));
	int fd = kc_session(table);
	char c = 'x';

	if (fd < 0 || kc_pin(fd, shm, SHM_SIZE) || kc_add(fd, &t))
		c = 'e';
	if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) < 0)
		_exit(1);
	raise(SIGKILL);
}

static void test_close(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 27000);
	int ready[2], go[2], user = kn_bind("127.0.0.1", 27000), tx = kn_bind("127.0.0.1", 0);
	uint8_t pkt[200], buf[256];
	size_t n = kn_rtp(pkt, 0, 1, 5, 50);
	int status;
	char c = 0;
	pid_t pid;

	if (pipe(ready) || pipe(go))
		exit(2);
	pid = fork();
	if (pid == 0)
		hold(ready[1], go[0], 27000);
	if (read(ready[0], &c, 1) != 1)
		c = '?';
	CHECK(c == 'x', "child pinned and added a target (%c)", c);
	CHECK_EQ(kc_status(table, "Targets"), 1, "status: targets while the child lives");
	CHECK_EQ(kc_status(table, "Memory pins"), 1, "status: memory pins while the child lives");
	CHECK_EQ(kc_write_file("/proc/rtprelay/control", table ? "del 1" : "del 0"), -EBUSY,
		 "del of a table in use");
	kn_send(tx, &local, pkt, n);
	CHECK_EQ(kn_drain(user, 300), 0, "packets in user space while the target exists");
	if (write(go[1], &c, 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child killed by SIGKILL");
	CHECK_EQ(kc_status(table, "Targets"), 0, "status: targets after the kill");
	CHECK_EQ(kc_status(table, "Memory pins"), 0, "status: memory pins after the kill");
	CHECK_EQ(kc_status(table, "Memory"), 0, "status: memory after the kill");
	kn_send(tx, &local, pkt, n);
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) == (int)n,
	      "packets reach the user-space socket after the kill");

	/* two descriptors: only the last close cleans up */
	uint8_t *shm = shm_new(SHM_SIZE);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 27001);
	struct rtprelay_target t = target(&local, &out, &out, stats_at(shm, 0));
	int fd1 = kc_session(table), fd2 = kc_session(table);

	CHECK(fd1 >= 0 && fd2 >= 0, "two sessions: %d %d", fd1, fd2);
	CHECK_EQ(kc_pin(fd1, shm, SHM_SIZE), 0, "pin on the first");
	CHECK_EQ(kc_add(fd1, &t), 0, "add on the first");
	close(fd1);
	CHECK_EQ(kc_status(table, "Targets"), 1, "targets after closing one of two");
	CHECK_EQ(kc_del(fd2, &local), 0, "the other descriptor sees the target");
	CHECK_EQ(kc_add(fd2, &t), 0, "and can add it again");
	close(fd2);
	CHECK_EQ(kc_status(table, "Targets"), 0, "targets after closing both");
	CHECK_EQ(kc_status(table, "Memory pins"), 0, "memory pins after closing both");
	close(user), close(tx);
	munmap(shm, SHM_SIZE);
}

/* ---- fault injection ---- */

static void test_inject(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 28000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 28001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 28002);
	uint8_t *shm = shm_new(SHM_SIZE), pkt[200];
	struct rtprelay_target t = target(&local, &src, &dst, stats_at(shm, 0));
	int fd = kc_session(table), rx = kn_bind("127.0.0.1", 28002), tx = kn_bind("127.0.0.1", 0);
	long long pf0 = kc_status(table, "Pin failures");
	long long af0 = kc_status(table, "Target add failures");
	size_t n = kn_rtp(pkt, 0, 1, 5, 50);
	int got = 0;

	CHECK_EQ(kc_write_file("/sys/module/nft_rtprelay/parameters/fail_pins", "1"), 0,
		 "fail_pins=1");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), -ENOMEM, "injected pin failure");
	CHECK_EQ(kc_status(table, "Pin failures") - pf0, 1, "status: pin failures");
	CHECK_EQ(kc_status(table, "Memory pins"), 0, "nothing pinned");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "the next pin works");
	CHECK_EQ(kc_write_file("/sys/module/nft_rtprelay/parameters/fail_target_adds", "2"), 0,
		 "fail_target_adds=2");
	CHECK_EQ(kc_add(fd, &t), -ENOMEM, "injected add failure 1");
	CHECK_EQ(kc_add(fd, &t), -ENOMEM, "injected add failure 2");
	CHECK_EQ(kc_status(table, "Target add failures") - af0, 2, "status: add failures");
	CHECK_EQ(kc_status(table, "Targets"), 0, "no target");
	CHECK_EQ(kc_add(fd, &t), 0, "the next add works");
	for (int i = 0; i < 5; i++)
		kn_send(tx, &local, pkt, n);
	while (got < 5 && kn_recv(rx, pkt + 100, 100, 3000, NULL, NULL) >= 0)
		got++;
	CHECK_EQ(got, 5, "the table forwards after the injected failures");
	close(fd);
	close(rx), close(tx);
	munmap(shm, SHM_SIZE);
}

/* ---- every field checked ---- */

static void test_validation(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 29000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 29001);
	struct rtprelay_addr out6 = kc_addr("::1", 29001);
	uint8_t *shm = shm_new(SHM_SIZE), *ro;
	struct rtprelay_target good = target(&local, &out, &out, stats_at(shm, 0)), t;
	int fd = kc_session(table);
	long ps = sysconf(_SC_PAGESIZE);

	ro = mmap(NULL, 4 * ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* pin */
	CHECK_EQ(kc_pin(fd, shm + 1, ps), -EINVAL, "pin: unaligned address");
	CHECK_EQ(kc_pin(fd, shm, 0), -EINVAL, "pin: size 0");
	CHECK_EQ(kc_pin(fd, shm, ps + 1), -EINVAL, "pin: size not a page multiple");
	CHECK_EQ(kc_pin(fd, shm, (2ull << 30)), -EINVAL, "pin: 2 GiB");
	CHECK_EQ(kc_pin(fd, (void *)0xffff888000000000ull, ps), -EFAULT, "pin: kernel address");
	CHECK_EQ(kc_pin(fd, (void *)(uintptr_t)(0x7ffffffff000ull), 2 * ps), -EFAULT,
		 "pin: across the top of user space");
	CHECK_EQ(kc_pin(fd, ro, 4 * ps), -EFAULT, "pin: read-only mapping");
	munmap(ro, 4 * ps);
	CHECK_EQ(kc_pin(fd, ro, 4 * ps), -EFAULT, "pin: unmapped memory");
	CHECK_EQ(kc_status(table, "Memory pins"), 0, "nothing pinned by refused pins");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_pin(fd, shm + ps, ps), -EEXIST, "pin: inside a pinned area");
	CHECK_EQ(kc_pin(fd, shm - ps, 2 * ps), -EEXIST, "pin: overlapping a pinned area");
	CHECK_EQ(kc_unpin(fd, shm + ps, ps), -ENOENT, "unpin: not an area's start");

	/* targets */
#define BAD_TARGET(what, want, ...)                                            \
	do {                                                                   \
		t = good;                                                      \
		__VA_ARGS__;                                                   \
		CHECK_EQ(kc_add(fd, &t), want, "add: " what);                  \
	} while (0)
	BAD_TARGET("stats not pinned", -EFAULT, t.stats_addr = (uintptr_t)&t);
	BAD_TARGET("stats across the area's end", -EFAULT,
		   t.stats_addr = (uintptr_t)(shm + SHM_SIZE - 64));
	BAD_TARGET("stats unaligned", -EINVAL, t.stats_addr += 4);
	BAD_TARGET("stats 0", -EINVAL, t.stats_addr = 0);
	BAD_TARGET("family 5", -EINVAL, t.local.family = 5);
	BAD_TARGET("family 0", -EINVAL, t.dst_out.family = 0);
	BAD_TARGET("port 0", -EINVAL, t.local.port = 0);
	BAD_TARGET("src port 0", -EINVAL, t.src_out.port = 0);
	BAD_TARGET("any-address", -EINVAL, memset(t.dst_out.addr, 0, 16));
	BAD_TARGET("IPv4 with bytes after the address", -EINVAL, t.local.addr[7] = 1);
	BAD_TARGET("address padding", -EINVAL, t.src_out.pad2 = 1);
	BAD_TARGET("address padding byte", -EINVAL, t.local.pad = 1);
	BAD_TARGET("target padding", -EINVAL, t.pad[2] = 1);
	BAD_TARGET("unknown flag", -EINVAL, t.flags = 1u << 7);
	BAD_TARGET("source and destination of different families", -EINVAL, t.src_out = out6);
	BAD_TARGET("expected source without strict", -EINVAL, t.expected_src = local);
	BAD_TARGET("destination equal to the local address", -ELOOP, t.dst_out = local);
	BAD_TARGET("strict without expected source", -EINVAL,
		   t.flags = RTPRELAY_TARGET_STRICT_SOURCE);
	BAD_TARGET("strict, expected source of another family", -EINVAL,
		   t.flags = RTPRELAY_TARGET_STRICT_SOURCE;
		   t.expected_src = out6);
	CHECK_EQ(kc_replace(fd, &good), -ENOENT, "replace: no such target");
	CHECK_EQ(kc_del(fd, &local), -ENOENT, "del: no such target");
	t = good;
	t.local.family = 9;
	CHECK_EQ(kc_del(fd, &t.local), -EINVAL, "del: bad address");
	CHECK_EQ(kc_status(table, "Targets"), 0, "no target from refused adds");

	/* framing */
	struct rtprelay_cmd_target ct = { { RTPRELAY_CMD_ADD_TARGET, sizeof(ct) }, good };
	struct rtprelay_cmd_list cl = { { RTPRELAY_CMD_LIST, sizeof(cl) }, (uintptr_t)shm, 1, 0 };
	uint8_t big[256] = { 0 };

	ct.hdr.len = sizeof(ct) - 8;
	CHECK_EQ(kc_write(fd, &ct, sizeof(ct)), -EINVAL, "hdr.len differs from the write");
	CHECK_EQ(kc_write(fd, &ct, sizeof(ct) - 8), -EINVAL, "write shorter than the command");
	ct.hdr.cmd = 99;
	ct.hdr.len = sizeof(ct);
	CHECK_EQ(kc_write(fd, &ct, sizeof(ct)), -EINVAL, "unknown command");
	ct.hdr.cmd = RTPRELAY_CMD_DEL_TARGET;
	CHECK_EQ(kc_write(fd, &ct, sizeof(ct)), -EINVAL, "del with the length of an add");
	memcpy(big, &ct, sizeof(ct));
	((struct rtprelay_cmd_hdr *)big)->len = sizeof(big);
	CHECK_EQ(kc_write(fd, big, sizeof(big)), -EINVAL, "256-byte write");
	CHECK_EQ(kc_write(fd, NULL, 24), -EFAULT, "write from NULL");
	cl.pad = 1;
	CHECK_EQ(kc_write(fd, &cl, sizeof(cl)), -EINVAL, "list: padding");
	cl.pad = 0;
	cl.addr = 0xffff888000000000ull;
	CHECK_EQ(kc_write(fd, &cl, sizeof(cl)), -EFAULT, "list: kernel address");
	CHECK_EQ(kc_add(fd, &good), 0, "a good target is still accepted");
	CHECK_EQ(kc_write_file("/proc/rtprelay/control", "add 100000"), -EINVAL,
		 "control: add 100000");
	CHECK_EQ(kc_write_file("/proc/rtprelay/control", "frobnicate 1"), -EINVAL,
		 "control: unknown word");
	CHECK_EQ(kc_write_file("/proc/rtprelay/control", "del 77"), -ENOENT, "control: del 77");
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- hold: for the module-unload test in guest.sh ---- */

static int hold_main(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 30000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 30001);
	uint8_t *shm = shm_new(SHM_SIZE);
	struct rtprelay_target t = target(&local, &out, &out, stats_at(shm, 0));
	int fd = kc_session(table);

	if (fd < 0 || kc_pin(fd, shm, SHM_SIZE) || kc_add(fd, &t)) {
		printf("hold: setup failed\n");
		return 1;
	}
	printf("holding\n");
	fflush(stdout);
	pause();
	return 0;
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {
	{ "handshake", test_handshake },
	{ "validation", test_validation },
	{ "forward", test_forward },
	{ "strict", test_strict },
	{ "passthrough", test_passthrough },
	{ "unpin", test_unpin },
	{ "barrier", test_barrier },
	{ "churn", test_churn },
	{ "list", test_list },
	{ "close", test_close },
	{ "inject", test_inject },
	{ "fuzz", NULL },
	{ "netns", test_netns }, /* only when named: needs guest.sh's namespaces */
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "hold")) {
		table = atoi(argv[2]);
		return hold_main();
	}
	if (argc < 2) {
		fprintf(stderr, "usage: ktest TABLE [SCENARIO...] | ktest hold TABLE\n");
		return 2;
	}
	table = atoi(argv[1]);
	for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		bool want = argc == 2 && scenarios[i].fn != test_netns;

		for (int j = 2; j < argc; j++)
			want |= !strcmp(argv[j], scenarios[i].name);
		if (!want)
			continue;
		scenario = scenarios[i].name;
		if (scenarios[i].fn)
			scenarios[i].fn();
		else
			kfuzz_run(table, 4000, 1);
		CHECK_EQ(kc_status(table, "Targets"), 0, "no target left after the scenario");
		CHECK_EQ(kc_status(table, "Memory pins"), 0, "no pin left after the scenario");
	}
	printf("ktest: %d passed, %d failed\n", kt_passed, kt_failed);
	return kt_failed ? 1 : 0;
}
