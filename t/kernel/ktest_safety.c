/*
 * ktest: safety nets: loops between targets (refused within a table,
 * bounded by the TTL across tables), pinned memory charged to the pinning
 * process (RLIMIT_MEMLOCK), and the per-target route cache following route
 * changes (see ktest.c).
 */
#include "ktest.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- loops ---- */

static long long status_sum(const char *name)
{
	return kc_status(kt_table, name) + kc_status(kt_table + 1, name);
}

/*
 * A on table T sends to B's port, B on table T+1 back to A's: one packet
 * sent with TTL ttl must be forwarded ttl - 1 times, then dropped.
 */
static void loop_case(const char *name, const char *ip, uint16_t port, int ttl, int fd, int fd1,
		      uint8_t *shm, unsigned slot)
{
	struct rtprelay_addr a = kc_addr(ip, port), a_src = kc_addr(ip, port + 1);
	struct rtprelay_addr b = kc_addr(ip, port + 10), b_src = kc_addr(ip, port + 11);
	struct rtprelay_stream_stats *sa = kt_stats_at(shm, slot), *sb = kt_stats_at(shm, slot + 1);
	struct rtprelay_target ta = kt_target(&a, &a_src, &b, sa);
	struct rtprelay_target tb = kt_target(&b, &b_src, &a, sb);
	int tx = kn_bind(ip, 0), v6 = strchr(ip, ':') != NULL;
	long long fwd0 = status_sum("Packets forwarded"), loop0 = status_sum("Dropped loop");
	uint8_t pkt[200];
	size_t n = kn_rtp(pkt, 0, 1, 77, 100);

	kt_scenario = name;
	memset(sa, 0, 2 * 256);
	CHECK_EQ(kc_add(fd, &ta), 0, "add A -> B on the first table");
	CHECK_EQ(kc_add(fd1, &tb), 0, "add B -> A on the second table");
	if (v6)
		setsockopt(tx, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	else
		setsockopt(tx, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	CHECK_EQ(kn_send(tx, &a, pkt, n), 0, "send one packet");
	kn_sleep_ms(500);
	long long fwd = status_sum("Packets forwarded") - fwd0;
	kn_sleep_ms(300);
	CHECK_EQ(status_sum("Packets forwarded") - fwd0, fwd, "forwarding stopped");
	CHECK_EQ(fwd, ttl - 1, "packets forwarded (TTL less one per hop to a local address)");
	CHECK_EQ(status_sum("Dropped loop") - loop0, 1, "status: dropped loop");
	CHECK_EQ(kt_ld(&sa->packets) + kt_ld(&sb->packets), ttl, "stats packets of A and B");
	CHECK_EQ(kt_ld(&sa->errors) + kt_ld(&sb->errors), 1, "stats errors of A and B");
	CHECK_EQ(kc_del(fd, &a), 0, "delete A");
	CHECK_EQ(kc_del(fd1, &b), 0, "delete B");
	close(tx);
}

void test_loop(void)
{
	struct rtprelay_addr a = kc_addr("127.0.0.1", 24000), a_src = kc_addr("127.0.0.1", 24001);
	struct rtprelay_addr b = kc_addr("127.0.0.1", 24010), b_src = kc_addr("127.0.0.1", 24011);
	struct rtprelay_addr c = kc_addr("127.0.0.1", 24020);
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_target ta = kt_target(&a, &a_src, &b, kt_stats_at(shm, 0));
	struct rtprelay_target tb = kt_target(&b, &b_src, &a, kt_stats_at(shm, 1));
	int fd = kc_session(kt_table), fd1 = kc_session(kt_table + 1);

	CHECK(fd >= 0 && fd1 >= 0, "sessions on tables %u and %u: %d %d", kt_table, kt_table + 1,
	      fd, fd1);
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_pin(fd1, shm, SHM_SIZE), 0, "pin on the second table too");
	/* within one table the edge that would close a cycle is refused */
	CHECK_EQ(kc_add(fd, &ta), 0, "add A -> B (B no target yet)");
	CHECK_EQ(kc_add(fd, &tb), -ELOOP, "add B -> A in the same table");
	tb.dst_out = c;
	CHECK_EQ(kc_add(fd, &tb), 0, "add B -> C (a chain, C no target)");
	tb.dst_out = a;
	CHECK_EQ(kc_replace(fd, &tb), -ELOOP, "replace B with B -> A");
	ta.dst_out = c;
	CHECK_EQ(kc_replace(fd, &ta), 0, "replace A with A -> C");
	CHECK_EQ(kc_replace(fd, &tb), -ELOOP, "replace B with B -> A, A -> C now");
	CHECK_EQ(kc_del(fd, &a), 0, "delete A");
	CHECK_EQ(kc_del(fd, &b), 0, "delete B");

	/* across tables nothing sees both ends: the TTL ends the loop */
	loop_case("loop v4 across tables", "127.0.0.1", 24100, 5, fd, fd1, shm, 2);
	loop_case("loop v6 across tables", "::1", 24200, 3, fd, fd1, shm, 4);
	kt_scenario = "loop";
	close(fd1);
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- pinned memory charged to the process ---- */

static long vm_pin_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			v = atol(line + 6);
	if (f)
		fclose(f);
	return v;
}

void test_memlock(void)
{
	enum { AREA = 64 * 1024 };
	uint8_t *shm = kt_shm_new(4 * AREA);
	int fd = kc_session(kt_table);
	long pin0 = vm_pin_kb();
	struct rlimit old, low;
	bool privileged;

	CHECK_EQ(kc_pin(fd, shm, AREA), 0, "pin 64 KiB");
	CHECK_EQ(vm_pin_kb() - pin0, AREA / 1024, "VmPin grew by the area (kB)");
	CHECK_EQ(kc_unpin(fd, shm, AREA), 0, "unpin");
	CHECK_EQ(vm_pin_kb() - pin0, 0, "VmPin back (kB)");

	/* RLIMIT_MEMLOCK 128 KiB: two areas fit, a third does not (without
	 * CAP_IPC_LOCK, which root has) */
	getrlimit(RLIMIT_MEMLOCK, &old);
	low = old;
	low.rlim_cur = pin0 * 1024 + 2 * AREA;
	CHECK_EQ(setrlimit(RLIMIT_MEMLOCK, &low), 0, "lower RLIMIT_MEMLOCK");
	privileged = geteuid() == 0;
	CHECK_EQ(kc_pin(fd, shm, AREA), 0, "pin 1 within the limit");
	CHECK_EQ(kc_pin(fd, shm + AREA, AREA), 0, "pin 2 within the limit");
	CHECK_EQ(kc_pin(fd, shm + 2 * AREA, AREA), privileged ? 0 : -ENOMEM,
		 privileged ? "pin 3 over the limit, CAP_IPC_LOCK" : "pin 3 over the limit");
	CHECK_EQ(vm_pin_kb() - pin0, (privileged ? 3 : 2) * AREA / 1024, "VmPin (kB)");
	setrlimit(RLIMIT_MEMLOCK, &old);
	close(fd); /* unpins all */
	CHECK_EQ(vm_pin_kb() - pin0, 0, "VmPin after close (kB)");
	munmap(shm, 4 * AREA);
}

/* ---- the route cache follows route changes (guest.sh's namespaces) ---- */

static int count_arrivals(int tx, int rx, const struct rtprelay_addr *to, int n)
{
	uint8_t pkt[200], buf[2048];
	size_t len = kn_rtp(pkt, 0, 1, 5, 100);
	int got = 0;

	for (int i = 0; i < n; i++) {
		kn_send(tx, to, pkt, len);
		got += kn_recv(rx, buf, sizeof(buf), 500, NULL, NULL) >= 0;
	}
	return got;
}

void test_reroute(void)
{
	struct rtprelay_addr local = kc_addr("192.0.2.1", 33000);
	struct rtprelay_addr src = kc_addr("198.51.100.1", 33001);
	struct rtprelay_addr dst = kc_addr("198.51.100.2", 33002);
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_stream_stats *st = kt_stats_at(shm, 0);
	struct rtprelay_target t = kt_target(&local, &src, &dst, st);
	int fd = kc_session(kt_table);
	int rx = kn_bind_ns("far", "198.51.100.2", 33002);
	int tx = kn_bind_ns("near", "0.0.0.0", 0);

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_add(fd, &t), 0, "add target to the far namespace");
	CHECK_EQ(count_arrivals(tx, rx, &local, 5), 5, "arrivals (route cached)");
	CHECK_EQ(system("ip route add blackhole 198.51.100.2/32"), 0, "blackhole route added");
	CHECK_EQ(count_arrivals(tx, rx, &local, 5), 0, "arrivals with the blackhole route");
	CHECK_EQ(kt_ld(&st->errors), 5, "stats errors");
	CHECK_EQ(system("ip route del blackhole 198.51.100.2/32"), 0, "blackhole route deleted");
	CHECK_EQ(count_arrivals(tx, rx, &local, 5), 5, "arrivals after the route came back");
	CHECK_EQ(kt_ld(&st->kernel_packets), 15, "stats kernel_packets");
	close(fd);
	close(rx);
	close(tx);
	munmap(shm, SHM_SIZE);
}
