/*
 * ktest: the in-guest C tests of nft_rtprelay (run by guest.sh with the
 * module loaded, table TABLE added and an nft rule "rtprelay table TABLE" on
 * the inet input hook). Everything is on loopback. Each scenario opens its
 * own session and closes it, so each also exercises close-time cleanup.
 *
 * usage: ktest TABLE [SCENARIO...]   (default: all; prints "N passed, N failed")
 *        ktest hold TABLE            (pin + target, then wait to be killed)
 *
 * This file: the harness, the shared helpers and main. The scenarios are in
 * ktest_abi.c (handshake, validation, fault injection), ktest_forward.c
 * (forwarding, namespaces, strict source, pass-through), ktest_table.c
 * (unpin, barrier, churn, list, close) and ktest_safety.c (loops, memory
 * limit, route changes).
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
unsigned kt_table;
const char *kt_scenario = "";

void kt_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - [%s] ", ok ? "ok  " : "FAIL", kt_scenario);
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

uint8_t *kt_shm_new(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

struct rtprelay_stream_stats *kt_stats_at(uint8_t *shm, unsigned i)
{
	return (struct rtprelay_stream_stats *)(shm + i * 256);
}

uint64_t kt_ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

struct rtprelay_target kt_target(const struct rtprelay_addr *local, const struct rtprelay_addr *src,
				 const struct rtprelay_addr *dst,
				 const struct rtprelay_stream_stats *st)
{
	struct rtprelay_target t = {
		.local = *local,
		.src_out = *src,
		.dst_out = *dst,
		.stats_addr = (uintptr_t)st,
	};

	return t;
}

/* The number in "Passed to user space: ... NAME N ..." of the status. */
long long kt_pass_count(const char *name)
{
	char path[64], line[512], *p;
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/rtprelay/%u/status", kt_table);
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

/* ---- hold: for the module-unload test in guest.sh ---- */

static int hold_main(void)
{
	struct rtprelay_addr local = kc_addr("127.0.0.1", 30000);
	struct rtprelay_addr out = kc_addr("127.0.0.1", 30001);
	uint8_t *shm = kt_shm_new(SHM_SIZE);
	struct rtprelay_target t = kt_target(&local, &out, &out, kt_stats_at(shm, 0));
	int fd = kc_session(kt_table);

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
	{ "other-source", test_other_source_to_user },
	{ "passthrough", test_passthrough },
	{ "unpin", test_unpin },
	{ "barrier", test_barrier },
	{ "churn", test_churn },
	{ "list", test_list },
	{ "close", test_close },
	{ "inject", test_inject },
	{ "loop", test_loop },
	{ "memlock", test_memlock },
	{ "fuzz", NULL },
	/* only when named: need guest.sh's namespaces */
	{ "netns", test_netns },
	{ "reroute", test_reroute },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "hold")) {
		kt_table = atoi(argv[2]);
		return hold_main();
	}
	if (argc < 2) {
		fprintf(stderr, "usage: ktest TABLE [SCENARIO...] | ktest hold TABLE\n");
		return 2;
	}
	kt_table = atoi(argv[1]);
	for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		bool want = argc == 2 && scenarios[i].fn != test_netns &&
			    scenarios[i].fn != test_reroute;

		for (int j = 2; j < argc; j++)
			want |= !strcmp(argv[j], scenarios[i].name);
		if (!want)
			continue;
		kt_scenario = scenarios[i].name;
		if (scenarios[i].fn)
			scenarios[i].fn();
		else
			kfuzz_run(kt_table, 4000, 1);
		CHECK_EQ(kc_status(kt_table, "Targets"), 0, "no target left after the scenario");
		CHECK_EQ(kc_status(kt_table, "Memory pins"), 0, "no pin left after the scenario");
	}
	printf("ktest: %d passed, %d failed\n", kt_passed, kt_failed);
	return kt_failed ? 1 : 0;
}
