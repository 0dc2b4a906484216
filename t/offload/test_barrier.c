/*
 * Host test of daemon/kernel/barrier.c over a pipe instead of the module's
 * control file (kernel/table.h's ktable_wrap_fd): a BARRIER command is
 * written per barrier; a full pipe stands for a grace period that does not
 * end. Checks the bound (-ETIMEDOUT after the timeout, not before, not
 * much after), that a caller is only satisfied by a barrier started after
 * its call, errors passed on, and (where the module is absent) that
 * ktable_open() names /proc/rtprelay/control. Prints "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/barrier.h"
#include "kernel/table.h"
#include "rtprelay_kernel.h"

static int pass, fail;

#define CHECK(cond, ...)                   \
	do {                               \
		if (cond) {                \
			pass++;            \
			printf("ok   - "); \
		} else {                   \
			fail++;            \
			printf("FAIL - "); \
		}                          \
		printf(__VA_ARGS__);       \
		printf("\n");              \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read what is in the pipe without blocking: how many BARRIER commands. */
static int drain(int rfd)
{
	struct rtprelay_cmd_hdr h;
	int n = 0;

	fcntl(rfd, F_SETFL, O_NONBLOCK);
	while (read(rfd, &h, sizeof(h)) == (ssize_t)sizeof(h))
		if (h.cmd == RTPRELAY_CMD_BARRIER && h.len == sizeof(h))
			n++;
	return n;
}

/* Fill the pipe so that the next write blocks. */
static void fill(int wfd)
{
	char junk[4096] = { 0 };

	fcntl(wfd, F_SETFL, O_NONBLOCK);
	while (write(wfd, junk, sizeof(junk)) > 0)
		;
	while (write(wfd, junk, 1) > 0)
		;
	fcntl(wfd, F_SETFL, 0);
}

static int drained;

/* After 100 ms (the caller is waiting by then), read for 500 ms. */
static void *drainer(void *arg)
{
	int rfd = *(int *)arg;
	double end;

	usleep(100 * 1000);
	end = now_ms() + 500;
	while (now_ms() < end) {
		drained += drain(rfd);
		usleep(5 * 1000);
	}
	return NULL;
}

int main(void)
{
	pthread_t th;
	struct kbarrier *b;
	struct ktable *kt;
	const char *step = NULL;
	int p[2], ret, n;
	double t;

	signal(SIGPIPE, SIG_IGN);
	/* Only where the module is absent (a host here): elsewhere opening
	 * would recreate a real table. */
	if (access("/proc/rtprelay", F_OK) < 0) {
		ret = ktable_open(0, &kt, &step);
		CHECK(ret == -ENOENT && step && strcmp(step, "/proc/rtprelay/control") == 0,
		      "ktable_open without the module: %d (%s), want %d (/proc/rtprelay/control)",
		      ret, step ? step : "-", -ENOENT);
	}

	if (pipe(p) < 0)
		return 1;
	kt = ktable_wrap_fd(3, p[1]);
	b = kbarrier_new(kt);
	CHECK(b != NULL, "kbarrier_new");

	ret = kbarrier_wait(b, KBARRIER_TIMEOUT_MS);
	CHECK(ret == 0, "barrier on an idle table: %d, want 0", ret);
	n = drain(p[0]);
	CHECK(n == 1, "one BARRIER command written: %d", n);

	fill(p[1]);
	t = now_ms();
	ret = kbarrier_wait(b, KBARRIER_TIMEOUT_MS);
	t = now_ms() - t;
	CHECK(ret == -ETIMEDOUT, "barrier that cannot finish: %d, want %d (-ETIMEDOUT)", ret,
	      -ETIMEDOUT);
	CHECK(t >= KBARRIER_TIMEOUT_MS - 1 && t < KBARRIER_TIMEOUT_MS + 400,
	      "... after %.0f ms (bound %d ms)", t, KBARRIER_TIMEOUT_MS);
	/* A second caller while that barrier still hangs: it needs a barrier
	 * that starts after its call, so it times out too. */
	ret = kbarrier_wait(b, 50);
	CHECK(ret == -ETIMEDOUT, "second caller while it hangs: %d, want -ETIMEDOUT", ret);

	/* The grace period ends while a third caller waits: the hung barrier
	 * started before that call, so it must not count; the helper runs
	 * one more. Two BARRIER commands in all. */
	pthread_create(&th, NULL, drainer, &p[0]);
	ret = kbarrier_wait(b, 2000);
	CHECK(ret == 0, "barrier once the table answers again: %d, want 0", ret);
	pthread_join(th, NULL);
	CHECK(drained == 2, "the caller waited for a barrier of its own: %d written, want 2",
	      drained);

	close(p[0]); /* writes now fail with EPIPE */
	ret = kbarrier_wait(b, 2000);
	CHECK(ret == -EPIPE, "failing table: %d, want %d (-EPIPE)", ret, -EPIPE);
	kbarrier_free(b);
	ktable_close(kt);
	printf("test_barrier: %d passed, %d failed\n", pass, fail);
	return fail != 0;
}
