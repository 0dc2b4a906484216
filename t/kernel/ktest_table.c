/* ktest: a table's memory and life: unpin, barrier, churn, list, close (see ktest.c). */
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

/* ---- unpin ---- */

void test_unpin(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 24000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 24001);
	uint8_t *a = kt_shm_new(SHM_SIZE), *b = kt_shm_new(16384);
	struct rtprelay_target t = kt_target(&local, &out, &out, kt_stats_at(b, 2));
	int fd = kc_session(kt_table);
	long long pins0 = kc_status(kt_table, "Memory pins"), mem0 = kc_status(kt_table, "Memory");

	CHECK_EQ(kc_pin(fd, a, SHM_SIZE), 0, "pin area A (64 KiB)");
	CHECK_EQ(kc_pin(fd, b, 16384), 0, "pin area B (16 KiB)");
	CHECK_EQ(kc_status(kt_table, "Memory pins") - pins0, 2, "status: memory pins");
	CHECK_EQ(kc_status(kt_table, "Memory") - mem0, SHM_SIZE + 16384, "status: memory bytes");
	CHECK_EQ(kc_add(fd, &t), 0, "target with stats in B");
	CHECK_EQ(kc_unpin(fd, b, 16384), -EBUSY, "unpin B while a target points into it");
	CHECK_EQ(kc_unpin(fd, a, SHM_SIZE), 0, "unpin A (unused)");
	CHECK_EQ(kc_unpin(fd, a, SHM_SIZE), -ENOENT, "unpin A again");
	t.stats_addr = (uintptr_t)kt_stats_at(a, 0);
	CHECK_EQ(kc_replace(fd, &t), -EFAULT, "replace with stats in the unpinned A");
	CHECK_EQ(kc_unpin(fd, b, 8192), -ENOENT, "unpin half of B");
	CHECK_EQ(kc_del(fd, &local), 0, "delete the target");
	CHECK_EQ(kc_unpin(fd, b, 16384), 0, "unpin B after the delete");
	CHECK_EQ(kc_status(kt_table, "Memory pins"), pins0, "status: memory pins back");
	CHECK_EQ(kc_status(kt_table, "Memory"), mem0, "status: memory bytes back");
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
	for (int i = 0; i < ms / 10 && kt_ld(&st->packets) < n; i++)
		kn_sleep_ms(10);
	return kt_ld(&st->packets) >= n;
}

void test_barrier(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 25000);
	struct rtprelay_addr src = kc_addr("127.0.0.1", 25001);
	struct rtprelay_addr dst = kc_addr("127.0.0.1", 25002);
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_stream_stats *st1 = kt_stats_at(shm, 0), *st2 = kt_stats_at(shm, 1), snap;
	struct rtprelay_target t = kt_target(&local, &src, &dst, st1);
	int fd = kc_session(kt_table);
	int user = kn_bind("127.0.0.1", 25000), rx = kn_bind("127.0.0.1", 25002);
	struct flood f = { .to = local };
	long sent;
	long long barriers0 = kc_status(kt_table, "Barriers");

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	CHECK_EQ(kc_add(fd, &t), 0, "add target");
	pthread_create(&f.th, NULL, flood_main, &f);
	CHECK(wait_packets(st1, 50, 10000), "stats 1 counting while the flood runs (%llu)",
	      (unsigned long long)kt_ld(&st1->packets));

	/* replace: stats move to st2; st1 must stay as it was at the barrier */
	t.stats_addr = (uintptr_t)st2;
	CHECK_EQ(kc_replace(fd, &t), 0, "replace target (stats 1 -> stats 2)");
	CHECK_EQ(kc_barrier(fd), 0, "barrier");
	memcpy(&snap, st1, sizeof(snap));
	sent = atomic_load(&f.sent);
	uint64_t p2 = kt_ld(&st2->packets);
	kn_sleep_ms(500);
	CHECK(atomic_load(&f.sent) - sent >= 20, "flood went on (%ld packets)",
	      atomic_load(&f.sent) - sent);
	CHECK(!memcmp(&snap, st1, sizeof(snap)),
	      "stats 1 untouched after replace + barrier (packets %llu -> %llu)",
	      (unsigned long long)snap.packets, (unsigned long long)kt_ld(&st1->packets));
	CHECK(kt_ld(&st2->packets) > p2, "stats 2 counting (%llu -> %llu)", (unsigned long long)p2,
	      (unsigned long long)kt_ld(&st2->packets));

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
	      (unsigned long long)snap.packets, (unsigned long long)kt_ld(&st2->packets));
	uint8_t buf[256];
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) > 0,
	      "the flood now reaches the user-space socket");
	CHECK_EQ(kc_status(kt_table, "Barriers") - barriers0, 2, "status: barriers");
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

void test_churn(void)
{
	enum { PORTS = 256, ROUNDS = 3000 };
	uint8_t *shm = kt_shm_new(PORTS * 256 * 2);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 34999);
	struct spray f = { .base = 34000, .ports = PORTS };
	int fd = kc_session(kt_table), rx = kn_bind("127.0.0.1", 34999);
	unsigned unexpected = 0, ops[3] = { 0 };
	bool present[PORTS] = { false };
	unsigned seed = 7, n_present = 0, max_present = 0;

	CHECK_EQ(kc_pin(fd, shm, PORTS * 256 * 2), 0, "pin");
	pthread_create(&f.th, NULL, spray_main, &f);
	for (int r = 0; r < ROUNDS; r++) {
		unsigned p = rand_r(&seed) % PORTS, op = rand_r(&seed) % 3;
		struct rtprelay_addr local = kc_addr("127.0.0.1", 34000 + p);
		struct rtprelay_target t = kt_target(&local, &out, &out,
						     kt_stats_at(shm, p * 2 + rand_r(&seed) % 2));
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
	CHECK(unexpected == 0,
	      "%u adds, %u replaces, %u deletes under traffic: %u unexpected "
	      "results; up to %u targets",
	      ops[0], ops[1], ops[2], unexpected, max_present);
	CHECK_EQ(kc_status(kt_table, "Targets"), n_present, "status: targets as tracked");
	long long fwd = kc_status(kt_table, "Packets forwarded");
	kn_sleep_ms(300);
	CHECK(kc_status(kt_table, "Packets forwarded") > fwd, "still forwarding (%lld -> %lld)",
	      fwd, kc_status(kt_table, "Packets forwarded"));
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

void test_list(void)
{
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct {
		struct rtprelay_list_reply r;
		struct rtprelay_target t[8];
	} out;
	struct rtprelay_target t[3];
	int fd = kc_session(kt_table), found = 0;
	char line[512];
	FILE *f;

	CHECK_EQ(kc_pin(fd, shm, SHM_SIZE), 0, "pin");
	for (int i = 0; i < 3; i++) {
		struct rtprelay_addr local = kc_addr(i == 1 ? "::1" : "127.0.0.1", 26000 + i);
		struct rtprelay_addr out_a = kc_addr("127.0.0.1", 26100 + i);

		t[i] = kt_target(&local, &out_a, &out_a, kt_stats_at(shm, i));
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
	snprintf(line, sizeof(line), "/proc/rtprelay/%u/list", kt_table);
	f = fopen(line, "re");
	found = 0;
	while (f && fgets(line, sizeof(line), f))
		found += strstr(line, " local ") != NULL;
	if (f)
		fclose(f);
	CHECK_EQ(found, 3, "lines in /proc/rtprelay/N/list");
	CHECK_EQ(kc_status(kt_table, "Targets"), 3, "status: targets");
	close(fd);
	CHECK_EQ(kc_status(kt_table, "Targets"), 0, "status: targets after close");
	munmap(shm, SHM_SIZE);
}

/* ---- closing removes targets and pins ---- */

static void hold(int ready_fd, int go_fd, uint16_t port)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", port);
	struct rtprelay_addr out = kc_addr("127.0.0.1", port + 1);
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_target t = kt_target(&local, &out, &out, kt_stats_at(shm, 0));
	int fd = kc_session(kt_table);
	char c = 'x';

	if (fd < 0 || kc_pin(fd, shm, SHM_SIZE) || kc_add(fd, &t))
		c = 'e';
	if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) < 0)
		_exit(1);
	raise(SIGKILL);
}

void test_close(void)
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
	CHECK_EQ(kc_status(kt_table, "Targets"), 1, "status: targets while the child lives");
	CHECK_EQ(kc_status(kt_table, "Memory pins"), 1,
		 "status: memory pins while the child lives");
	CHECK_EQ(kc_write_file("/proc/rtprelay/control", kt_table ? "del 1" : "del 0"), -EBUSY,
		 "del of a table in use");
	kn_send(tx, &local, pkt, n);
	CHECK_EQ(kn_drain(user, 300), 0, "packets in user space while the target exists");
	if (write(go[1], &c, 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child killed by SIGKILL");
	CHECK_EQ(kc_status(kt_table, "Targets"), 0, "status: targets after the kill");
	CHECK_EQ(kc_status(kt_table, "Memory pins"), 0, "status: memory pins after the kill");
	CHECK_EQ(kc_status(kt_table, "Memory"), 0, "status: memory after the kill");
	kn_send(tx, &local, pkt, n);
	CHECK(kn_recv(user, buf, sizeof(buf), 3000, NULL, NULL) == (int)n,
	      "packets reach the user-space socket after the kill");

	/* two descriptors: only the last close cleans up */
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 27001);
	struct rtprelay_target t = kt_target(&local, &out, &out, kt_stats_at(shm, 0));
	int fd1 = kc_session(kt_table), fd2 = kc_session(kt_table);

	CHECK(fd1 >= 0 && fd2 >= 0, "two sessions: %d %d", fd1, fd2);
	CHECK_EQ(kc_pin(fd1, shm, SHM_SIZE), 0, "pin on the first");
	CHECK_EQ(kc_add(fd1, &t), 0, "add on the first");
	close(fd1);
	CHECK_EQ(kc_status(kt_table, "Targets"), 1, "targets after closing one of two");
	CHECK_EQ(kc_del(fd2, &local), 0, "the other descriptor sees the target");
	CHECK_EQ(kc_add(fd2, &t), 0, "and can add it again");
	close(fd2);
	CHECK_EQ(kc_status(kt_table, "Targets"), 0, "targets after closing both");
	CHECK_EQ(kc_status(kt_table, "Memory pins"), 0, "memory pins after closing both");
	close(user), close(tx);
	munmap(shm, SHM_SIZE);
}
