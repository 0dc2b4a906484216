/*
 * ng_bench: control-plane benchmark of an ng daemon (rtprelay or rtpengine).
 *
 * Over one UDP socket, with cookies matching replies to requests, it runs
 * offer -> answer -> delete cycles of synthetic calls (call_msgs.c):
 *   - sequentially (one request outstanding), then
 *   - with W cycles in flight (each slot starts its next request as soon as
 *     the previous reply is in), and reports cycles per second and p50/p99
 *     latency of offer, answer, delete and the whole cycle;
 * then, if given the daemon's PID, the resident memory (VmRSS) per idle call:
 * RSS at baseline, after creating A and then B calls (offer + answer, no
 * media, not deleted), per call in KiB, and after deleting them all.
 *
 * Every reply must say result=ok; errors and timeouts are counted and a run
 * with any is reported as such (exit status 2). Counts are fixed and the
 * whole run is capped in wall-clock time (exit status 3 when the cap hit).
 *
 * Output: progress on stderr; on stdout one line per figure,
 *   row <TAB> label <TAB> value <TAB> higher|lower|info
 * plus "note <TAB> text" and a final "status <TAB> ok|errors|capped", which
 * run_ng_bench.sh joins into a table across daemons.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "call_msgs.h"
#include "cpu_time.h"
#include "latency.h"

struct opts {
	const char *ng;    /* HOST:PORT of the daemon's UDP ng listener */
	long pid;          /* daemon PID for VmRSS; 0 = skip memory */
	unsigned warmup;   /* unmeasured cycles first (in flight) */
	unsigned seq;      /* sequential cycles */
	unsigned inflight; /* cycles with `window` in flight */
	unsigned window;
	unsigned mem_a, mem_b;       /* idle-call counts for the memory figures */
	unsigned nosock_a, nosock_b; /* the same with media rejected; 0 = skip */
	unsigned timeout_ms;         /* per request */
	double max_seconds;          /* the whole run */
	double ready_seconds;        /* waiting for the first pong */
};

struct bench {
	const struct opts *o;
	int fd;
	uint64_t deadline; /* CLOCK_MONOTONIC ns */
	bool capped;
	uint64_t next_seq; /* cookie sequence, unique per request */
	char run_id[16];   /* keeps call-ids of separate runs apart */
	unsigned errors_total;
	unsigned stray; /* replies matching no outstanding request */
	GString *msg;
	char rbuf[65536];
};

/* A phase: every call in [first_idx, first_idx + n_calls) goes through the
 * steps, `window` calls at a time. */
struct phase {
	const char *name;     /* for progress and notes */
	const char *call_tag; /* part of the call-id: phases sharing a tag
	                         * address the same calls */
	const enum callmsg_kind *steps;
	unsigned n_steps;
	unsigned first_idx, n_calls, window;
	bool measure;
	long pid; /* daemon, for its CPU time; 0 = unknown */

	unsigned done, errors;
	double cpu_us;        /* daemon CPU time during the phase; -1 = unknown */
	double client_cpu_us; /* ours: on a small machine the client competes */
	double other_cpus;    /* CPUs busy with neither daemon nor client; -1 = unknown */
	uint64_t t_start, t_end;
	struct latency step_lat[3]; /* by step position */
	struct latency cycle_lat;
	char first_error[256];
};

struct slot {
	bool busy;
	unsigned idx; /* call index */
	unsigned step;
	uint64_t seq; /* cookie of the outstanding request */
	uint64_t t_sent, t_cycle;
};

static const enum callmsg_kind cycle_steps[] = { CALLMSG_OFFER, CALLMSG_ANSWER, CALLMSG_DELETE };
static const enum callmsg_kind create_steps[] = { CALLMSG_OFFER, CALLMSG_ANSWER };
static const enum callmsg_kind delete_steps[] = { CALLMSG_DELETE };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int open_socket(const char *hostport)
{
	g_autofree char *host = g_strdup(hostport);
	char *colon = strrchr(host, ':');
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, rcv = 4 << 20;

	if (!colon) {
		fprintf(stderr, "ng_bench: --ng wants HOST:PORT, got %s\n", hostport);
		return -1;
	}
	*colon = '\0';
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "ng_bench: not an IPv4 address: %s\n", host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ng_bench: socket");
		return -1;
	}
	/* replies of 16 cycles in flight must never overflow the queue */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("ng_bench: connect");
		close(fd);
		return -1;
	}
	return fd;
}

static long read_rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void call_id_of(char *buf, size_t size, const struct bench *b, const struct phase *p,
		       unsigned idx)
{
	snprintf(buf, size, "ngb-%s-%s-%u@bench.invalid", b->run_id, p->call_tag, idx);
}

/* Send step s->step of call s->idx; returns 0 or -errno. */
static int send_step(struct bench *b, const struct phase *p, struct slot *s, unsigned slot_no,
		     uint64_t now)
{
	char cookie[48], call_id[96];

	s->seq = b->next_seq++;
	snprintf(cookie, sizeof(cookie), "%u.%" PRIu64, slot_no, s->seq);
	call_id_of(call_id, sizeof(call_id), b, p, s->idx);
	g_string_truncate(b->msg, 0);
	callmsg_build(b->msg, cookie, p->steps[s->step], call_id, s->idx);
	s->t_sent = now;
	if (send(b->fd, b->msg->str, b->msg->len, 0) < 0)
		return -errno;
	return 0;
}

static void phase_fail(struct bench *b, struct phase *p, struct slot *s, const char *reason)
{
	if (!p->errors)
		snprintf(p->first_error, sizeof(p->first_error), "call %u: %s", s->idx, reason);
	p->errors++;
	b->errors_total++;
	s->busy = false;
}

/* Reply to a request of slot s arrived (body = after the cookie). */
static void on_reply(struct bench *b, struct phase *p, struct slot *s, unsigned slot_no,
		     const char *body, size_t len, uint64_t now)
{
	char reason[200];
	int err;

	if (callmsg_check_reply(p->steps[s->step], body, len, reason, sizeof(reason), NULL)) {
		phase_fail(b, p, s, reason);
		return;
	}
	if (p->measure)
		latency_add(&p->step_lat[s->step], now - s->t_sent);
	if (++s->step == p->n_steps) {
		if (p->measure)
			latency_add(&p->cycle_lat, now - s->t_cycle);
		p->done++;
		p->t_end = now;
		s->busy = false;
		return;
	}
	err = send_step(b, p, s, slot_no, now);
	if (err < 0)
		phase_fail(b, p, s, strerror(-err));
}

/* Parse "<slot>.<seq> " at the start of a datagram. */
static bool parse_cookie(const char *d, size_t len, unsigned *slot_no, uint64_t *seq,
			 size_t *body_off)
{
	const char *sp = memchr(d, ' ', len);
	char tmp[48];

	if (!sp || (size_t)(sp - d) >= sizeof(tmp))
		return false;
	memcpy(tmp, d, (size_t)(sp - d));
	tmp[sp - d] = '\0';
	if (sscanf(tmp, "%u.%" SCNu64, slot_no, seq) != 2)
		return false;
	*body_off = (size_t)(sp - d) + 1;
	return true;
}

static void run_phase(struct bench *b, struct phase *p)
{
	const struct opts *o = b->o;
	struct slot *slots = g_new0(struct slot, p->window);
	unsigned next = 0, active = 0;
	uint64_t timeout = (uint64_t)o->timeout_ms * 1000000u;

	double cpu0 = p->pid > 0 ? proc_cpu_us(p->pid) : -1;
	double self0 = self_cpu_us();
	double m_busy0, m_total0, m_busy1, m_total1;

	machine_ticks(&m_busy0, &m_total0);
	p->t_start = p->t_end = now_ns();
	for (;;) {
		uint64_t now = now_ns();

		if (now >= b->deadline && !b->capped) {
			b->capped = true;
			fprintf(stderr, "ng_bench: wall-clock cap of %.0f s reached in %s\n",
				o->max_seconds, p->name);
		}
		/* keep the window full */
		for (unsigned i = 0; i < p->window && next < p->n_calls && !b->capped; i++) {
			struct slot *s = &slots[i];
			int err;

			if (s->busy)
				continue;
			*s = (struct slot){ .busy = true, .idx = p->first_idx + next++ };
			s->t_cycle = now;
			err = send_step(b, p, s, i, now);
			if (err < 0)
				phase_fail(b, p, s, strerror(-err));
		}
		active = 0;
		uint64_t first_due = UINT64_MAX;

		for (unsigned i = 0; i < p->window; i++) {
			if (!slots[i].busy)
				continue;
			if (b->capped) { /* abandon: the run is reported as capped */
				slots[i].busy = false;
				continue;
			}
			active++;
			if (slots[i].t_sent + timeout < first_due)
				first_due = slots[i].t_sent + timeout;
		}
		if (!active && (next >= p->n_calls || b->capped))
			break;
		if (!active)
			continue;

		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
		uint64_t wait_ns = first_due > now ? first_due - now : 0;

		if (poll(&pfd, 1, (int)(wait_ns / 1000000u) + 1) < 0 && errno != EINTR) {
			perror("ng_bench: poll");
			break;
		}
		for (;;) { /* drain */
			ssize_t n = recv(b->fd, b->rbuf, sizeof(b->rbuf), MSG_DONTWAIT);
			unsigned sn;
			uint64_t seq;
			size_t off;

			if (n < 0)
				break; /* EAGAIN; ECONNREFUSED shows as timeouts */
			now = now_ns();
			if (!parse_cookie(b->rbuf, (size_t)n, &sn, &seq, &off) || sn >= p->window ||
			    !slots[sn].busy || slots[sn].seq != seq) {
				b->stray++;
				continue;
			}
			on_reply(b, p, &slots[sn], sn, b->rbuf + off, (size_t)n - off, now);
		}
		now = now_ns();
		for (unsigned i = 0; i < p->window; i++) {
			struct slot *s = &slots[i];
			char reason[64];

			if (!s->busy || s->t_sent + timeout > now)
				continue;
			snprintf(reason, sizeof(reason), "%s: no reply within %u ms",
				 callmsg_name(p->steps[s->step]), o->timeout_ms);
			phase_fail(b, p, s, reason);
		}
	}
	g_free(slots);
	p->client_cpu_us = self_cpu_us() - self0;
	p->cpu_us = -1;
	if (cpu0 >= 0) {
		double cpu1 = proc_cpu_us(p->pid);

		if (cpu1 >= 0)
			p->cpu_us = cpu1 - cpu0;
	}
	/* other work on the machine during the phase: busy CPUs, minus ours */
	machine_ticks(&m_busy1, &m_total1);
	p->other_cpus = -1;
	if (p->cpu_us >= 0 && m_total1 > m_total0 && p->t_end > p->t_start) {
		double secs = (double)(now_ns() - p->t_start) / 1e9;
		double busy = (m_busy1 - m_busy0) / (m_total1 - m_total0) *
			      (double)sysconf(_SC_NPROCESSORS_ONLN);
		double ours = (p->cpu_us + p->client_cpu_us) / 1e6 / secs;

		p->other_cpus = busy > ours ? busy - ours : 0;
	}
	fprintf(stderr, "ng_bench: %-10s %6u/%u calls done, %u errors, %.2f s\n", p->name, p->done,
		p->n_calls, p->errors, (double)(p->t_end - p->t_start) / 1e9);
	if (p->errors)
		fprintf(stderr, "ng_bench:   first error: %s\n", p->first_error);
}

static void phase_init(struct phase *p, const char *name, const char *tag,
		       const enum callmsg_kind *steps, unsigned n_steps, unsigned first_idx,
		       unsigned n_calls, unsigned window, bool measure)
{
	*p = (struct phase){ .name = name,
			     .call_tag = tag,
			     .steps = steps,
			     .n_steps = n_steps,
			     .first_idx = first_idx,
			     .n_calls = n_calls,
			     .window = window,
			     .measure = measure };
	for (unsigned i = 0; i < 3; i++)
		latency_init(&p->step_lat[i]);
	latency_init(&p->cycle_lat);
}

static void phase_cleanup(struct phase *p)
{
	for (unsigned i = 0; i < 3; i++)
		latency_cleanup(&p->step_lat[i]);
	latency_cleanup(&p->cycle_lat);
}

/* One request outside any phase (ping, list), waiting up to timeout_ms.
 * Returns 0 on a good reply, -1 otherwise. */
static int simple_request(struct bench *b, enum callmsg_kind k, unsigned timeout_ms, long *n_calls)
{
	char cookie[48], reason[200];
	uint64_t seq = b->next_seq++, end = now_ns() + (uint64_t)timeout_ms * 1000000u;

	snprintf(cookie, sizeof(cookie), "%u.%" PRIu64, 999999u, seq);
	g_string_truncate(b->msg, 0);
	callmsg_build(b->msg, cookie, k, "", 0);
	if (send(b->fd, b->msg->str, b->msg->len, 0) < 0)
		return -1;
	for (uint64_t now; (now = now_ns()) < end;) {
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
		ssize_t n;
		unsigned sn;
		uint64_t rseq;
		size_t off;

		if (poll(&pfd, 1, (int)((end - now) / 1000000u) + 1) <= 0)
			continue;
		n = recv(b->fd, b->rbuf, sizeof(b->rbuf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		if (!parse_cookie(b->rbuf, (size_t)n, &sn, &rseq, &off) || rseq != seq) {
			b->stray++;
			continue;
		}
		if (callmsg_check_reply(k, b->rbuf + off, (size_t)n - off, reason, sizeof(reason),
					n_calls)) {
			fprintf(stderr, "ng_bench: %s\n", reason);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* Whether process pid is gone (no /proc entry, or a zombie). */
static bool process_gone(long pid)
{
	char path[64], buf[512];
	const char *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static int wait_ready(struct bench *b)
{
	uint64_t end = now_ns() + (uint64_t)(b->o->ready_seconds * 1e9);

	while (now_ns() < end) {
		if (simple_request(b, CALLMSG_PING, 200, NULL) == 0)
			return 0;
		if (b->o->pid > 0 && process_gone(b->o->pid)) {
			fprintf(stderr, "ng_bench: daemon (pid %ld) exited\n", b->o->pid);
			return -1;
		}
	}
	return -1;
}

/* Where report lines go: stdout, or a buffer for the memory section,
 * which is measured first (on the fresh daemon) but listed last. */
static FILE *report;

/* One figure; v < 0 prints "-" (not measured). */
static void row(const char *label, double v, int decimals, const char *better)
{
	if (v < 0)
		fprintf(report, "row\t%s\t-\t%s\n", label, better);
	else
		fprintf(report, "row\t%s\t%.*f\t%s\n", label, decimals, v, better);
}

static void report_phase(struct phase *p, const char *what)
{
	static const char *const step_names[] = { "offer", "answer", "delete" };
	double secs = (double)(p->t_end - p->t_start) / 1e9;
	char label[128];

	/* The offered load of a closed loop: how many cycles are kept in
	 * flight, how many were asked for and how many completed. */
	fprintf(report, "load\t%s\tclosed-loop\t%u\t%u\t%u\n", what, p->window, p->n_calls,
		p->done);
	snprintf(label, sizeof(label), "%s: cycles/s", what);
	row(label, secs > 0 && p->done ? p->done / secs : -1, 0, "higher");
	for (int q = 0; q < 2; q++) {
		double pct = q ? 99 : 50;

		snprintf(label, sizeof(label), "%s: cycle p%.0f (us)", what, pct);
		row(label, latency_pct_us(&p->cycle_lat, pct), 0, "lower");
	}
	for (unsigned st = 0; st < 3; st++)
		for (int q = 0; q < 2; q++) {
			double pct = q ? 99 : 50;

			snprintf(label, sizeof(label), "%s: %s p%.0f (us)", what, step_names[st],
				 pct);
			row(label, latency_pct_us(&p->step_lat[st], pct), 0, "lower");
		}
	snprintf(label, sizeof(label), "%s: daemon CPU per cycle (us)", what);
	row(label, p->cpu_us >= 0 && p->done ? p->cpu_us / p->done : -1, 1, "lower");
	snprintf(label, sizeof(label), "%s: bench client CPU per cycle (us)", what);
	row(label, p->done ? p->client_cpu_us / p->done : -1, 1, "info");
	snprintf(label, sizeof(label), "%s: other work on the machine (CPUs)", what);
	row(label, p->other_cpus, 2, "info");
	snprintf(label, sizeof(label), "%s: errors", what);
	row(label, p->errors, 0, "lower");
	if (p->errors)
		fprintf(report, "note\t%s: %u errors, first: %s\n", what, p->errors,
			p->first_error);
	if (p->done + p->errors < p->n_calls)
		fprintf(report, "note\t%s: only %u of %u cycles ran (wall-clock cap)\n", what,
			p->done + p->errors, p->n_calls);
}

static void check_leftovers(struct bench *b, const char *after)
{
	long n = -1;
	char label[96];

	if (simple_request(b, CALLMSG_LIST, 2000, &n) < 0)
		n = -1;
	snprintf(label, sizeof(label), "calls left after %s", after);
	row(label, (double)n, 0, "lower");
	if (n > 0)
		fprintf(report,
			"note\t%ld calls still listed after %s (delete delay 0 not honoured?)\n", n,
			after);
}

/*
 * RSS per idle call at n_first and n_last calls; what is the row prefix
 * ("idle calls"), tag the call-id prefix so that two runs never collide.
 */
static void run_memory(struct bench *b, unsigned n_first, unsigned n_last, const char *what,
		       const char *tag)
{
	const struct opts *o = b->o;
	struct phase mk_a, mk_b, del;
	long base, rss_a, rss_b, rss_del;
	char label[128];

	sleep_ms(500);
	base = read_rss_kib(o->pid);
	phase_init(&mk_a, "mem-create", tag, create_steps, 2, 0, n_first, 16, false);
	run_phase(b, &mk_a);
	sleep_ms(500);
	rss_a = read_rss_kib(o->pid);
	phase_init(&mk_b, "mem-create", tag, create_steps, 2, n_first, n_last - n_first, 16, false);
	run_phase(b, &mk_b);
	sleep_ms(500);
	rss_b = read_rss_kib(o->pid);

	/* every call index created above; a call whose creation failed makes
	 * its delete fail too, but that run is flagged with errors already */
	phase_init(&del, "mem-delete", tag, delete_steps, 1, 0, n_last, 16, false);
	run_phase(b, &del);
	sleep_ms(500);
	rss_del = read_rss_kib(o->pid);

	unsigned n_a = mk_a.done, n_b = mk_a.done + mk_b.done;

	/* The load of an idle-call measurement: the calls asked for and
	 * created (16 set-ups in flight while creating them). */
	fprintf(report, "load\t%s\tidle-calls\t16\t%u\t%u\n", what, n_last, n_b);

	snprintf(label, sizeof(label), "%s: RSS baseline (KiB)", what);
	row(label, (double)base, 0, "info");
	snprintf(label, sizeof(label), "%s: RSS at %u calls (KiB)", what, n_first);
	row(label, (double)rss_a, 0, "lower");
	snprintf(label, sizeof(label), "%s: KiB per call at %u", what, n_first);
	row(label, n_a && base >= 0 && rss_a >= 0 ? (double)(rss_a - base) / n_a : -1, 2, "lower");
	snprintf(label, sizeof(label), "%s: RSS at %u calls (KiB)", what, n_last);
	row(label, (double)rss_b, 0, "lower");
	snprintf(label, sizeof(label), "%s: KiB per call at %u", what, n_last);
	row(label, n_b && base >= 0 && rss_b >= 0 ? (double)(rss_b - base) / n_b : -1, 2, "lower");
	snprintf(label, sizeof(label), "%s: RSS after deleting all (KiB)", what);
	row(label, (double)rss_del, 0, "info");
	snprintf(label, sizeof(label), "%s: create/delete errors", what);
	row(label, mk_a.errors + mk_b.errors + del.errors, 0, "lower");
	if (mk_a.errors || mk_b.errors)
		fprintf(report, "note\t%s: %u of %u created (first error: %s)\n", what, n_b, n_last,
			mk_a.errors ? mk_a.first_error : mk_b.first_error);
	if (del.errors)
		fprintf(report, "note\t%s: %u delete errors, first: %s\n", what, del.errors,
			del.first_error);
	phase_cleanup(&mk_a);
	phase_cleanup(&mk_b);
	phase_cleanup(&del);
	check_leftovers(b, "idle-call delete");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ng_bench --ng HOST:PORT [--pid PID] [--seq N] [--inflight N] [--window W]\n"
		"                [--warmup N] [--mem-calls A,B] [--mem-calls-nosock A,B]\n"
		"                [--timeout-ms MS] [--max-seconds S]\n"
		"                [--ready-seconds S]\n");
}

/* A whole decimal number in [min, max], or exit-worthy -1. */
static int num_arg(const char *name, const char *arg, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *out < min || *out > max) {
		fprintf(stderr, "ng_bench: --%s wants a number in %ld..%ld, got '%s'\n", name, min,
			max, arg);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "ng", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "seq", required_argument, NULL, 's' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "window", required_argument, NULL, 'w' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "mem-calls", required_argument, NULL, 'm' },
		{ "mem-calls-nosock", required_argument, NULL, 'N' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "max-seconds", required_argument, NULL, 'x' },
		{ "ready-seconds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long v;
	int c;

	*o = (struct opts){ .seq = 5000,
			    .inflight = 20000,
			    .window = 16,
			    .warmup = 500,
			    .mem_a = 1000,
			    .mem_b = 10000,
			    .timeout_ms = 2000,
			    .max_seconds = 150,
			    .ready_seconds = 10 };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->ng = optarg;
			break;
		case 'p':
			if (num_arg("pid", optarg, 1, LONG_MAX, &v) < 0)
				return -1;
			o->pid = v;
			break;
		case 's':
			if (num_arg("seq", optarg, 0, 10000000, &v) < 0)
				return -1;
			o->seq = (unsigned)v;
			break;
		case 'i':
			if (num_arg("inflight", optarg, 0, 10000000, &v) < 0)
				return -1;
			o->inflight = (unsigned)v;
			break;
		case 'w':
			if (num_arg("window", optarg, 1, 1024, &v) < 0)
				return -1;
			o->window = (unsigned)v;
			break;
		case 'W':
			if (num_arg("warmup", optarg, 0, 1000000, &v) < 0)
				return -1;
			o->warmup = (unsigned)v;
			break;
		case 'm':
			if (sscanf(optarg, "%u,%u", &o->mem_a, &o->mem_b) != 2 ||
			    o->mem_a > o->mem_b) {
				fprintf(stderr, "ng_bench: --mem-calls wants A,B with A <= B\n");
				return -1;
			}
			break;
		case 'N':
			if (sscanf(optarg, "%u,%u", &o->nosock_a, &o->nosock_b) != 2 ||
			    o->nosock_a > o->nosock_b) {
				fprintf(stderr,
					"ng_bench: --mem-calls-nosock wants A,B with A <= B\n");
				return -1;
			}
			break;
		case 't':
			if (num_arg("timeout-ms", optarg, 1, 600000, &v) < 0)
				return -1;
			o->timeout_ms = (unsigned)v;
			break;
		case 'x':
			o->max_seconds = atof(optarg);
			break;
		case 'r':
			o->ready_seconds = atof(optarg);
			break;
		default:
			usage();
			return -1;
		}
	}
	if (!o->ng || optind != argc) {
		usage();
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct bench b = { .o = &o };
	struct phase warm, seq, win;
	char what[64];
	int ret = 1;

	if (parse_opts(argc, argv, &o) < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	b.fd = open_socket(o.ng);
	if (b.fd < 0)
		return 1;
	b.msg = g_string_sized_new(1024);
	snprintf(b.run_id, sizeof(b.run_id), "%x%x", (unsigned)getpid(), (unsigned)time(NULL));
	b.deadline = now_ns() + (uint64_t)(o.max_seconds * 1e9);

	if (wait_ready(&b) < 0) {
		fprintf(stderr, "ng_bench: no pong from %s\n", o.ng);
		printf("status\tno-daemon\n");
		goto out_close;
	}

	/* Memory first, on the fresh daemon: its baseline then holds no
	 * history of the throughput phases (reply caches, allocator growth),
	 * which would be counted differently by different daemons. */
	char *mem_text = NULL;
	size_t mem_len = 0;

	report = open_memstream(&mem_text, &mem_len);
	if (!report) {
		perror("ng_bench: open_memstream");
		goto out_close;
	}
	if (o.pid > 0 && o.mem_b > 0)
		run_memory(&b, o.mem_a, o.mem_b, "idle calls", "mem");
	if (o.pid > 0 && o.nosock_b > 0) {
		callmsg_no_media = true;
		run_memory(&b, o.nosock_a, o.nosock_b, "idle calls, media rejected (no sockets)",
			   "mns");
		callmsg_no_media = false;
	}
	if (o.pid <= 0)
		fprintf(report, "note\tno --pid: memory per idle call not measured\n");
	fclose(report);
	report = stdout;

	phase_init(&warm, "warmup", "warm", cycle_steps, 3, 0, o.warmup, o.window, false);
	phase_init(&seq, "sequential", "seq", cycle_steps, 3, 0, o.seq, 1, true);
	phase_init(&win, "in-flight", "win", cycle_steps, 3, 0, o.inflight, o.window, true);
	seq.pid = win.pid = o.pid;
	run_phase(&b, &warm);
	run_phase(&b, &seq);
	run_phase(&b, &win);

	report_phase(&seq, "sequential");
	snprintf(what, sizeof(what), "%u in flight", o.window);
	report_phase(&win, what);
	check_leftovers(&b, "cycles");
	phase_cleanup(&warm);
	phase_cleanup(&seq);
	phase_cleanup(&win);

	fputs(mem_text, stdout);
	free(mem_text);

	if (b.stray)
		fprintf(report, "note\t%u replies matched no outstanding request\n", b.stray);
	ret = b.capped ? 3 : b.errors_total ? 2 : 0;
	printf("status\t%s\n", b.capped ? "capped" : b.errors_total ? "errors" : "ok");
out_close:
	g_string_free(b.msg, TRUE);
	close(b.fd);
	return ret;
}
