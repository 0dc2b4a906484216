/* ktest: forwarding: v4/v6/4to6/6to4, namespaces, strict source, what goes to user space (see ktest.c). */
#include "ktest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

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
	struct rtprelay_stream_stats *st = kt_stats_at(shm, slot);
	struct rtprelay_addr local = kc_addr(c->in_ip, c->port);
	struct rtprelay_addr src = kc_addr(c->out_ip, c->port + 1);
	struct rtprelay_addr dst = kc_addr(c->out_ip, c->port + 2);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
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
	CHECK_EQ(kt_ld(&st->packets), N, "stats packets (pinned memory)");
	CHECK_EQ(kt_ld(&st->kernel_packets), N, "stats kernel_packets");
	CHECK_EQ(kt_ld(&st->bytes), N * (12 + PLEN), "stats bytes");
	CHECK_EQ(kt_ld(&st->kernel_bytes), N * (12 + PLEN), "stats kernel_bytes");
	CHECK_EQ(kt_ld(&st->errors), 0, "stats errors");
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

void test_forward(void)
{
	static const struct fwd_case cases[] = {
		{ "v4", "127.0.0.1", "127.0.0.1", 21000, 0 },
		{ "v4 tos", "127.0.0.1", "127.0.0.1", 21010, 0xb8 },
		{ "v6", "::1", "::1", 21020, 0 },
		{ "v6 tclass", "::1", "::1", 21030, 0x28 },
		{ "4to6", "127.0.0.1", "::1", 21040, 0 },
		{ "6to4", "::1", "127.0.0.1", 21050, 0x10 },
	};
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	int fd = kc_session(kt_table);
	long long fwd0 = kc_status(kt_table, "Packets forwarded");
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
		kt_scenario = cases[i].name;
		test_forward_case(fd, shm, i, &cases[i]);
	}
	kt_scenario = "forward";
	sched_setaffinity(0, sizeof(all), &all);
	CHECK_EQ(kc_status(kt_table, "Packets forwarded") - fwd0, 6 * 40,
		 "status: packets forwarded");
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- across network namespaces over veth (guest.sh sets them up) ---- */

static void test_netns_case(int fd, uint8_t *shm, unsigned slot, const char *name,
			    const char *in_ip, const char *out_src_ip, const char *far_ip,
			    uint16_t port)
{
	enum { N = 30, PLEN = 160 };
	struct rtprelay_stream_stats *st = kt_stats_at(shm, slot);
	struct rtprelay_addr local = kc_addr(in_ip, port);
	struct rtprelay_addr src = kc_addr(out_src_ip, port + 1);
	struct rtprelay_addr dst = kc_addr(far_ip, port + 2);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
	int rx = kn_bind_ns("far", far_ip, port + 2);
	int tx = kn_bind_ns("near", strchr(in_ip, ':') ? "::" : "0.0.0.0", 0);
	uint8_t sent[12 + PLEN], buf[2048];
	int got = 0, intact = 0, from_ok = 0;

	kt_scenario = name;
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
	CHECK_EQ(kt_ld(&st->kernel_packets), N, "stats kernel_packets");
	CHECK_EQ(kc_del(fd, &local), 0, "delete target");
	close(rx);
	close(tx);
}

void test_netns(void)
{
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	int fd = kc_session(kt_table);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	test_netns_case(fd, shm, 0, "veth v4", "192.0.2.1", "198.51.100.1", "198.51.100.2", 32000);
	test_netns_case(fd, shm, 1, "veth v6", "fd00:1::1", "fd00:2::1", "fd00:2::2", 32010);
	test_netns_case(fd, shm, 2, "veth 4to6", "192.0.2.1", "fd00:2::1", "fd00:2::2", 32020);
	test_netns_case(fd, shm, 3, "veth 6to4", "fd00:1::1", "198.51.100.1", "198.51.100.2",
			32030);
	kt_scenario = "netns";
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- strict source ---- */

void test_strict(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 22000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 22001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 22002);
	uint8_t *shm = kt_shm_new(SHM_SIZE), pkt[200];
	struct rtprelay_stream_stats *st = kt_stats_at(shm, 0);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
	int fd = kc_session(kt_table);
	int user = kn_bind("127.0.0.1", 22000), rx = kn_bind("127.0.0.1", 22002);
	int good = kn_bind("127.0.0.1", 22003), other = kn_bind("127.0.0.1", 22004);
	long long drop0 = kc_status(kt_table, "Dropped source");
	size_t n = kn_rtp(pkt, 0, 1, 42, 100);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	t.flags = RTPRELAY_TARGET_STRICT_SOURCE;
	t.expected_src = kc_addr("127.0.0.1", 22003);
	CHECK_EQ(kc_add(fd, &t), 0, "add strict target expecting 127.0.0.1:22003");
	for (int i = 0; i < 10; i++)
		kn_send(other, &local, pkt, n);
	CHECK_EQ(kn_drain(rx, 300), 0, "packets from :22004 forwarded");
	CHECK_EQ(kn_drain(user, 100), 0, "packets from :22004 in user space");
	CHECK_EQ(kt_ld(&st->dropped_source), 10, "stats dropped_source");
	CHECK_EQ(kt_ld(&st->packets), 0, "stats packets");
	CHECK_EQ(kc_status(kt_table, "Dropped source") - drop0, 10, "status: dropped source");
	for (int i = 0; i < 10; i++)
		kn_send(good, &local, pkt, n);
	int got = 0;
	while (got < 10 && kn_recv(rx, pkt + 100, 100, 3000, NULL, NULL) >= 0)
		got++;
	CHECK_EQ(got, 10, "packets from the expected source forwarded");
	CHECK_EQ(kt_ld(&st->packets), 10, "stats packets");
	close(fd);
	close(user), close(rx), close(good), close(other);
	munmap(shm, SHM_SIZE);
}

/* Another source than the expected one goes to user space (which learns
 * and rate-limits strangers) with OTHER_SOURCE_TO_USER; not together with
 * STRICT_SOURCE. */
void test_other_source_to_user(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 22010);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 22011);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 22012);
	uint8_t *shm = kt_shm_new(SHM_SIZE), pkt[200];
	struct rtprelay_stream_stats *st = kt_stats_at(shm, 0);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
	int fd = kc_session(kt_table);
	int user = kn_bind("127.0.0.1", 22010), rx = kn_bind("127.0.0.1", 22012);
	int good = kn_bind("127.0.0.1", 22013), other = kn_bind("127.0.0.1", 22014);
	long long pass0 = kt_pass_count("other_source");
	size_t n = kn_rtp(pkt, 0, 1, 42, 100);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	t.expected_src = kc_addr("127.0.0.1", 22013);
	t.flags = RTPRELAY_TARGET_OTHER_SOURCE_TO_USER | RTPRELAY_TARGET_STRICT_SOURCE;
	CHECK_EQ(kc_add(fd, &t), -EINVAL, "not with strict source");
	t.flags = RTPRELAY_TARGET_OTHER_SOURCE_TO_USER;
	t.expected_src = (struct rtprelay_addr){ 0 };
	CHECK_EQ(kc_add(fd, &t), -EINVAL, "needs an expected source");
	t.expected_src = kc_addr("127.0.0.1", 22013);
	CHECK_EQ(kc_add(fd, &t), 0, "add, expecting 127.0.0.1:22013");
	for (int i = 0; i < 10; i++)
		kn_send(other, &local, pkt, n);
	CHECK_EQ(kn_drain(user, 300), 10, "packets from :22014 in user space");
	CHECK_EQ(kn_drain(rx, 100), 0, "and not forwarded");
	CHECK_EQ(kt_ld(&st->dropped_source), 0, "not dropped");
	CHECK_EQ(kt_pass_count("other_source") - pass0, 10, "status: passed, other_source");
	for (int i = 0; i < 10; i++)
		kn_send(good, &local, pkt, n);
	int got = 0;
	while (got < 10 && kn_recv(rx, pkt + 100, 100, 3000, NULL, NULL) >= 0)
		got++;
	CHECK_EQ(got, 10, "packets from the expected source forwarded");
	CHECK_EQ(kn_drain(user, 100), 0, "none of them in user space");
	CHECK_EQ(kt_ld(&st->packets), 10, "stats packets");
	close(fd);
	close(user), close(rx), close(good), close(other);
	munmap(shm, SHM_SIZE);
}

/* ---- what goes to user space ---- */

/* TCP to a target's own address and port is none of the module's
 * business (the daemon's rule has no "meta l4proto udp" in front of the
 * expression): a connection there works, and the expression does not even
 * count it as a miss. */
static void tcp_passes(long long no_target_before)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(23000) };
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s = -1;
	int one = 1;
	bool ok;
	char got[4] = { 0 };
	struct timeval tmo = { .tv_sec = 3 }; /* a dropped SYN or segment fails, never hangs */

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)); /* bounds connect() */
	ok = bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0;
	CHECK(ok, "TCP listener on the target's address and port%s%s", ok ? "" : ": ",
	      ok ? "" : strerror(errno));
	ok = ok && connect(c, (struct sockaddr *)&a, sizeof(a)) == 0;
	CHECK(ok, "TCP connect to the target's address and port%s%s", ok ? "" : ": ",
	      ok ? "" : strerror(errno));
	if (ok) /* else accept() would wait for ever */
		s = accept(l, NULL, NULL);
	if (s >= 0)
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	CHECK(s >= 0 && write(c, "rtp?", 4) == 4 && read(s, got, 4) == 4 && !memcmp(got, "rtp?", 4),
	      "bytes over TCP to the target's port arrive (got \"%.4s\")", got);
	CHECK_EQ(kt_pass_count("no_target") - no_target_before, 0,
		 "TCP packets counted as no_target");
	if (s >= 0)
		close(s);
	close(c), close(l);
}

struct pass_case {
	const char *name;
	const char *reason; /* the status counter it bumps */
	uint8_t bytes[32];
	size_t len;
};

void test_passthrough(void)
{
	static const struct pass_case cases[] = {
		{ "STUN binding request",
		  "stun",
		  { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
		    3,    4,    5,    6,    7,    8,    9,    10,   11, 12 },
		  20 },
		{ "DTLS ClientHello record",
		  "dtls",
		  { 0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0 },
		  17 },
		{ "RTCP SR (rtcp-mux)",
		  "rtcp",
		  { 0x80, 0xc8, 0x00, 0x06, 0,  0,  0,  42, 1,  2,  3,  4,  5,  6,
		    7,    8,    9,    10,   11, 12, 13, 14, 15, 16, 17, 18, 19, 20 },
		  28 },
		{ "RTCP RR with marker-like bit (rtcp-mux)",
		  "rtcp",
		  { 0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 42 },
		  8 },
		{ "version 1 packet",
		  "not_rtp",
		  { 0x40, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1 },
		  12 },
		{ "TURN channel data", "not_rtp", { 0x40, 0x01, 0x00, 0x04, 1, 2, 3, 4 }, 8 },
		{ "truncated RTP", "invalid", { 0x80, 0x00, 0x00, 0x01, 0, 0 }, 6 },
		{ "RTP with 15 CSRCs, too short",
		  "invalid",
		  { 0x8f, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 },
		  16 },
		{ "RTP with padding longer than the packet",
		  "invalid",
		  { 0xa0, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 99 },
		  16 },
		{ "empty datagram", "invalid", { 0 }, 0 },
	};
	struct rtprelay_addr local = kc_addr("127.0.0.1", 23000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 23001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 23002);
	uint8_t *shm = kt_shm_new(SHM_SIZE), buf[2048];
	struct rtprelay_stream_stats *st = kt_stats_at(shm, 0);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
	int fd = kc_session(kt_table);
	int user = kn_bind("127.0.0.1", 23000), rx = kn_bind("127.0.0.1", 23002);
	int tx = kn_bind("127.0.0.1", 0);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	t.flags = RTPRELAY_TARGET_RTCP_MUX;
	CHECK_EQ(kc_add(fd, &t), 0, "add rtcp-mux target");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pass_case *c = &cases[i];
		long long before = kt_pass_count(c->reason);
		int n;

		kn_send(tx, &local, c->bytes, c->len);
		n = kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL);
		CHECK(n == (int)c->len && !memcmp(buf, c->bytes, c->len),
		      "%s reaches the user-space socket intact (%d bytes of %zu)", c->name, n,
		      c->len);
		CHECK_EQ(kt_pass_count(c->reason) - before, 1, c->reason);
	}
	CHECK_EQ(kn_drain(rx, 200), 0, "packets forwarded");
	CHECK_EQ(kt_ld(&st->packets), 0, "stats packets");
	tcp_passes(kt_pass_count("no_target"));

	/* Without rtcp-mux RTCP on an RTP port is not forwarded either. */
	t.flags = 0;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace with a target without rtcp-mux");
	kn_send(tx, &local, cases[2].bytes, cases[2].len);
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) == (int)cases[2].len,
	      "RTCP without rtcp-mux reaches user space");

	/* A port marked RTCP passes even RTP. */
	t.flags = RTPRELAY_TARGET_RTCP;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace with an RTCP-port target");
	long long before = kt_pass_count("rtcp_port");
	size_t n = kn_rtp(buf + 1024, 0, 7, 7, 20);
	kn_send(tx, &local, buf + 1024, n);
	CHECK(kn_recv(user, buf, 1024, 3000, NULL, NULL) == (int)n,
	      "RTP to an RTCP port reaches user space");
	CHECK_EQ(kt_pass_count("rtcp_port") - before, 1, "rtcp_port");
	CHECK_EQ(kn_drain(rx, 200), 0, "packets forwarded");

	/* And a port without a target is none of the module's business. */
	struct rtprelay_addr nobody = kc_addr("127.0.0.1", 23005);
	int user2 = kn_bind("127.0.0.1", 23005);
	before = kt_pass_count("no_target");
	kn_send(tx, &nobody, buf + 1024, n);
	CHECK(kn_recv(user2, buf, 1024, 3000, NULL, NULL) == (int)n,
	      "RTP to a port without target reaches user space");
	CHECK(kt_pass_count("no_target") - before >= 1, "no_target counted");
	close(fd);
	close(user), close(user2), close(rx), close(tx);
	munmap(shm, SHM_SIZE);
}
