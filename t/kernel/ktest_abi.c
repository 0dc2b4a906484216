/* ktest: the ABI: handshake, every field checked, fault injection (see ktest.c). */
#include "ktest.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- handshake ---- */

void test_handshake(void)
{
	struct rtprelay_cmd_handshake h;
	struct rtprelay_cmd_hdr barrier = { RTPRELAY_CMD_BARRIER, sizeof(barrier) };
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	int fd = kc_open(kt_table);

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

	fd = kc_open(kt_table);
	CHECK_EQ(kc_barrier(fd), -EPROTO, "a new descriptor needs its own handshake");
	close(fd);
	munmap(shm, SHM_SIZE);
}

/* ---- fault injection ---- */

void test_inject(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 28000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 28001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 28002);
	uint8_t *shm = kt_shm_new(SHM_SIZE), pkt[200];
	struct rtprelay_target t = kt_target(&local, &src, &dst, kt_stats_at(shm, 0));
	int fd = kc_session(kt_table), rx = kn_bind("127.0.0.1", 28002),
	    tx = kn_bind("127.0.0.1", 0);
	long long pf0 = kc_status(kt_table, "Pin failures");
	long long af0 = kc_status(kt_table, "Target add failures");
	size_t n = kn_rtp(pkt, 0, 1, 5, 50);
	int got = 0;

	CHECK_EQ(kc_write_file("/sys/module/nft_rtprelay/parameters/fail_pins", "1"), 0,
		 "fail_pins=1");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), -ENOMEM, "injected pin failure");
	CHECK_EQ(kc_status(kt_table, "Pin failures") - pf0, 1, "status: pin failures");
	CHECK_EQ(kc_status(kt_table, "Memory pins"), 0, "nothing pinned");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "the next pin works");
	CHECK_EQ(kc_write_file("/sys/module/nft_rtprelay/parameters/fail_target_adds", "2"), 0,
		 "fail_target_adds=2");
	CHECK_EQ(kc_add(fd, &t), -ENOMEM, "injected add failure 1");
	CHECK_EQ(kc_add(fd, &t), -ENOMEM, "injected add failure 2");
	CHECK_EQ(kc_status(kt_table, "Target add failures") - af0, 2, "status: add failures");
	CHECK_EQ(kc_status(kt_table, "Targets"), 0, "no target");
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

void test_validation(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 29000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 29001);
	struct rtprelay_addr out6 = kc_addr("::1", 29001);
	uint8_t *shm = kt_shm_new(SHM_SIZE), *ro;
	struct rtprelay_target good = kt_target(&local, &out, &out, kt_stats_at(shm, 0)), t;
	int fd = kc_session(kt_table);
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
	CHECK_EQ(kc_status(kt_table, "Memory pins"), 0, "nothing pinned by refused pins");
	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_pin(fd, shm + ps, ps), -EEXIST, "pin: inside a pinned area");
	CHECK_EQ(kc_pin(fd, shm - ps, 2 * ps), -EEXIST, "pin: overlapping a pinned area");
	CHECK_EQ(kc_unpin(fd, shm + ps, ps), -ENOENT, "unpin: not an area's start");

	/* targets */
#define BAD_TARGET(what, want, ...)                           \
	do {                                                  \
		t = good;                                     \
		__VA_ARGS__;                                  \
		CHECK_EQ(kc_add(fd, &t), want, "add: " what); \
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
	BAD_TARGET("IPv6 link-local destination (no scope in the ABI)", -EADDRNOTAVAIL,
		   t.src_out = out6;
		   t.dst_out = kc_addr("fe80::1", 29002));
	BAD_TARGET("IPv6 link-local source", -EADDRNOTAVAIL, t.src_out = kc_addr("fe80::1", 29002);
		   t.dst_out = out6);
	BAD_TARGET("IPv6 link-local local address", -EADDRNOTAVAIL,
		   t.local = kc_addr("fe80::1", 29002));
	BAD_TARGET("IPv6 link-local expected source", -EADDRNOTAVAIL, t.local = out6;
		   t.flags = RTPRELAY_TARGET_STRICT_SOURCE;
		   t.expected_src = kc_addr("fe80::2", 29003));
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
	CHECK_EQ(kc_status(kt_table, "Targets"), 0, "no target from refused adds");

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
