/*
 * media_load: media-plane load generator for a relay (rtprelay, rtpengine)
 * or for min_forwarder.
 *
 * For each of N calls it opens two endpoints, A and B, UDP sockets on
 * LOCAL:base+2c and LOCAL:base+2c+1 (endpoint e sends stream e, which
 * arrives at endpoint e^1). With --ng it sets every call up through the
 * relay (offer with A's SDP, answer with B's) and takes from the replies the
 * relay's ports: A sends to the port in the answer's SDP, B to the one in
 * the offer's. With --static-offset K there is no control plane: endpoint e
 * sends to FWD:base+K+e, the rule min_forwarder applies.
 *
 * With --srtp the relay converts between SRTP (SDES, AES_CM_128_HMAC_SHA1_80)
 * and plain RTP, as rtpengine's ng "transport-protocol" key asks:
 *   srtp2rtp  A offers RTP/SAVP with its a=crypto key and "transport-protocol"
 *             RTP/AVP; B gets and answers plain RTP/AVP; the answer to A
 *             carries the relay's key
 *   rtp2srtp  A offers plain with "transport-protocol" RTP/SAVP; B picks the
 *             offered AES_CM_128_HMAC_SHA1_80 line by its tag and answers
 *             RTP/SAVP with its own key
 * With --savpf as well, the SRTP side is a WebRTC one: RTP/SAVPF with
 * a=rtcp-mux (the offer asks the relay for "rtcp-mux" demux in srtp2rtp,
 * offer in rtp2srtp, so the plain side stays classic RTP/AVP); the keys
 * still come by SDES, whose per-packet work is the same as with keys from
 * a DTLS handshake.
 * The SRTP endpoint protects what it sends with its key and unprotects what
 * it receives with the relay's (srtp_endpoint.c); a packet that fails
 * authentication is counted (srtp_auth_failed) and, not being delivered,
 * lost. The plain endpoint reads only plain packets of ours: SRTP passed on
 * unconverted arrives as foreign, i.e. lost.
 *
 * Then two threads run for warm-up + measured window:
 *   - the sender paces all 2N streams at --pps each (50: one 172-byte RTP
 *     packet per 20 ms), spread evenly over the period; every packet carries
 *     its stream id, send time, and whether it belongs to the measured window
 *     (decided by its scheduled time, so counts are exact);
 *   - the receiver drains all sockets (epoll + recvmmsg), counting per
 *     stream and recording latency, until --drain after the window and
 *     then until the relay has been quiet for 200 ms (at most --drain-max):
 *     an overloaded relay's queued packets count as late, not lost.
 * Warm-up packets let the relay learn both sides and are not counted. If
 * nothing at all arrived during the warm-up the run stops there
 * (status no-media). The main thread samples the CPU time of the relay
 * (/proc/PID/stat), of this process, and of the whole machine (/proc/stat)
 * at the window's edges.
 *
 * Sockets: at 50 pps per socket every sendmmsg/recvmmsg batch is mostly one
 * packet (a batch only fills when a thread lags); that is the nature of RTP
 * relaying, and the relay under test faces the same.
 *
 * Output on stdout, one figure per line, "key <TAB> value", ending with
 * "status <TAB> ok|no-media|setup-failed|capped|error"; run_media_bench.sh
 * turns these into a table. Progress and errors go to stderr. Everything is
 * bounded: per-request timeouts, fixed durations, and --max-seconds, after
 * which the process reports "capped" and exits (status 3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "arena.h"
#include "bencode.h"
#include "cpu_time.h"
#include "latency.h"
#include "media_load.h"
#include "media_ng.h"
#include "raw_udp.h"
#include "rtp_stream.h"
#include "srtp_endpoint.h"

#define RX_BATCH 32
#define TX_BATCH 16 /* packets stamped with one time: bounds the stamp error */
#define TX_PKT_LEN (RAWUDP_HDR_LEN + RTPSTREAM_PKT_LEN + SRTPEP_ROOM)

static const char *const srtp_mode_names[] = { "none", "srtp2rtp", "rtp2srtp" };

/* ---- endpoints ---- */

static int open_endpoints(struct load *L)
{
	const struct opts *o = L->o;
	unsigned e;

	for (e = 0; e < L->n_ep; e++) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr = o->local,
					   .sin_port = htons((uint16_t)(o->port_base + e)) };
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), one = 1;

		if (fd < 0) {
			fprintf(stderr, "media_load: socket: %s (raise ulimit -n?)\n",
				strerror(errno));
			return -1;
		}
		L->fds[e] = fd;
		L->src[e] = sin;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			fprintf(stderr, "media_load: bind %s:%u: %s\n", inet_ntoa(o->local),
				o->port_base + e, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void static_setup(struct load *L)
{
	unsigned e;

	for (e = 0; e < L->n_ep; e++)
		L->dest[e] = (struct sockaddr_in){
			.sin_family = AF_INET,
			.sin_addr = L->o->fwd,
			.sin_port = htons((uint16_t)(L->o->port_base +
						     (unsigned)L->o->static_offset + e)),
		};
}

/* ---- media ---- */

/* Send n packets, built in pkts[] (lens[] bytes after the raw header), of
 * streams ks[]; one sendmmsg on the raw socket, or one per endpoint socket.
 * Returns how many went out. */
static unsigned send_batch(struct load *L, uint8_t (*pkts)[TX_PKT_LEN], const unsigned *ks,
			   const int *lens, unsigned n)
{
	struct mmsghdr m[TX_BATCH];
	struct iovec iov[TX_BATCH];
	unsigned i, sent = 0;
	int r;

	for (i = 0; i < n; i++) {
		if (L->raw_fd >= 0)
			iov[i] = (struct iovec){ pkts[i], RAWUDP_HDR_LEN + (size_t)lens[i] };
		else
			iov[i] = (struct iovec){ pkts[i] + RAWUDP_HDR_LEN, (size_t)lens[i] };
		m[i].msg_hdr = (struct msghdr){ .msg_name = &L->dest[ks[i]],
						.msg_namelen = sizeof(L->dest[ks[i]]),
						.msg_iov = &iov[i],
						.msg_iovlen = 1 };
	}
	if (L->raw_fd < 0) {
		for (i = 0; i < n; i++)
			sent += sendmmsg(L->fds[ks[i]], &m[i], 1, 0) == 1;
		return sent;
	}
	while (sent < n) {
		r = sendmmsg(L->raw_fd, m + sent, n - sent, 0);
		if (r <= 0)
			break;
		sent += (unsigned)r;
	}
	return sent;
}

/*
 * The paced sender: stream k's packet of round r is due at
 * t0 + r * period + k * period / streams. Each pass takes every packet due
 * by now (at most TX_BATCH), stamps them with the same send time, protects
 * those of SRTP endpoints and sends them; then sleeps until the next is due. Stops at the end of the measured
 * window by the clock: a sender that lags offers less, and says so.
 */
static void *sender_run(void *arg)
{
	static uint8_t pkts[TX_BATCH][TX_PKT_LEN];
	struct load *L = arg;
	uint64_t period = 1000000000ull / L->o->pps, round = 0, due, now;
	unsigned k = 0, n, i, sent, ks[TX_BATCH];
	int lens[TX_BATCH];
	bool meas[TX_BATCH];

	while (!atomic_load_explicit(&L->abort, memory_order_relaxed)) {
		now = now_ns();
		if (now >= L->m_end)
			break;
		for (n = 0; n < TX_BATCH; n++) {
			due = L->t0 + round * period + (uint64_t)k * period / L->n_ep;
			if (due > now)
				break;
			meas[n] = due >= L->m_start;
			if (meas[n]) {
				if (now - due > L->late_max_ns)
					L->late_max_ns = now - due;
				if (now - due > 1000000u)
					L->late_1ms++;
			}
			ks[n] = k;
			rtpstream_build(pkts[n] + RAWUDP_HDR_LEN, k, (uint16_t)round, meas[n], 0);
			if (++k == L->n_ep) {
				k = 0;
				round++;
			}
		}
		if (n == 0) {
			sleep_until(due < L->m_end ? due : L->m_end);
			continue;
		}
		now = now_ns();
		for (i = 0; i < n; i++) {
			struct srtpep *srtp = L->srtp ? L->srtp[ks[i]] : NULL;

			rtpstream_stamp(pkts[i] + RAWUDP_HDR_LEN, now);
			lens[i] = RTPSTREAM_PKT_LEN;
			if (srtp && srtpep_protect(srtp, pkts[i] + RAWUDP_HDR_LEN, &lens[i]) != 0)
				L->srtp_tx_errors++;
			if (L->raw_fd >= 0)
				rawudp_header(pkts[i], &L->src[ks[i]], &L->dest[ks[i]],
					      (size_t)lens[i]);
		}
		sent = send_batch(L, pkts, ks, lens, n);
		L->tx_batches++;
		for (i = 0; i < n; i++) {
			/* send_batch stops at the first failure: the rest failed too */
			if (i >= sent) {
				L->tx_errors++;
				continue;
			}
			atomic_fetch_add_explicit(&L->tx_total, 1, memory_order_relaxed);
			if (meas[i]) {
				L->tx_measured[ks[i]]++;
				L->tx_measured_total++;
			}
		}
	}
	return NULL;
}

static void receive_batch(struct load *L, unsigned e)
{
	static uint8_t bufs[RX_BATCH][RTPSTREAM_PKT_LEN + SRTPEP_ROOM];
	struct srtpep *srtp = L->srtp ? L->srtp[e] : NULL;
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	uint64_t t;
	int n, k;

	for (k = 0; k < RX_BATCH; k++) {
		iov[k] = (struct iovec){ bufs[k], sizeof(bufs[k]) };
		msgs[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
	}
	n = recvmmsg(L->fds[e], msgs, RX_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	t = now_ns();
	L->rx_calls++;
	L->rx_batched += (unsigned)n;
	atomic_fetch_add_explicit(&L->rx_total, (unsigned)n, memory_order_relaxed);
	for (k = 0; k < n; k++) {
		struct rtpstream_info in;
		int len = (int)msgs[k].msg_len;

		/* SRTP that does not authenticate was not sent by the relay with
		 * its key: dropped like a receiver would, so lost */
		if (srtp && srtpep_unprotect(srtp, bufs[k], &len) != 0) {
			L->rx_srtp_failed++;
			continue;
		}
		if (!rtpstream_parse(bufs[k], (size_t)len, &in) || in.stream >= L->n_ep) {
			L->rx_foreign++;
			continue;
		}
		if (in.stream != (e ^ 1)) {
			L->rx_misrouted++; /* another call's or our own stream */
			continue;
		}
		/* relayed during the window, whichever window it was sent in:
		 * what the relay's CPU of the window did */
		if (t >= L->m_start && t < L->m_end)
			L->rx_window++;
		if (!in.measured)
			continue;
		L->rx_measured[in.stream]++;
		L->rx_measured_total++;
		latency_add(&L->lat, t - in.sent_ns);
	}
}

static void *receiver_run(void *arg)
{
	struct load *L = arg;
	struct epoll_event ev[256];
	int ep = epoll_create1(0), n, k;
	uint64_t last_rx = 0;
	unsigned e;

	if (ep < 0) {
		perror("media_load: epoll_create1");
		atomic_store(&L->abort, true);
		return NULL;
	}
	for (e = 0; e < L->n_ep; e++) {
		struct epoll_event one = { .events = EPOLLIN, .data.u32 = e };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, L->fds[e], &one) < 0) {
			perror("media_load: epoll_ctl");
			atomic_store(&L->abort, true);
			goto out;
		}
	}
	/* Drain: at least until rx_end, then until 200 ms pass without a
	 * packet (a relay that queued packets for seconds delivers them late,
	 * not never), but never past rx_end_max. */
	for (;;) {
		uint64_t now = now_ns();

		if (atomic_load_explicit(&L->abort, memory_order_relaxed) || now >= L->rx_end_max ||
		    (now >= L->rx_end && now - last_rx >= 200000000u))
			break;
		n = epoll_wait(ep, ev, 256, 20);
		if (n > 0)
			last_rx = now_ns();
		for (k = 0; k < n; k++)
			receive_batch(L, ev[k].data.u32);
	}
out:
	close(ep);
	return NULL;
}

/* ---- main ---- */

static void on_alarm(int sig)
{
	static const char msg[] = "status\tcapped\n";

	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: media_load --calls N (--ng HOST:PORT | --static-offset K) [options]\n"
		"  --local ADDR        endpoints' address (127.0.0.2)\n"
		"  --port-base P       endpoints use P .. P+2N-1 (10000)\n"
		"  --fwd ADDR          static mode: the forwarder's address (127.0.0.3)\n"
		"  --pid PID           relay/forwarder process, for its CPU time\n"
		"  --pps R             packets/s per direction (50)\n"
		"  --warmup S --duration S (2, 10)\n"
		"  --drain S --drain-max S  after the window, receive for at least S, then\n"
		"                      until 200 ms without a packet, at most until\n"
		"                      drain-max (0.5, 3); later packets count as lost\n"
		"  --max-seconds S     hard cap on the whole run (120)\n"
		"  --delete            delete the calls over ng at the end\n"
		"  --srtp MODE         srtp2rtp (A sends SRTP, B plain) or rtp2srtp (A plain,\n"
		"                      B SRTP), SDES AES_CM_128_HMAC_SHA1_80; needs --ng\n"
		"  --savpf             with --srtp: the SRTP side is RTP/SAVPF with rtcp-mux\n"
		"  --no-raw            send from each endpoint's socket (one system call per\n"
		"                      packet) instead of batches on a raw socket\n");
	exit(1);
}

static double num_arg(const char *s, double min, double max)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr, "media_load: bad number %s (%g..%g)\n", s, min, max);
		exit(1);
	}
	return v;
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "calls", 1, NULL, 'n' },         { "ng", 1, NULL, 'g' },
		{ "static-offset", 1, NULL, 'k' }, { "local", 1, NULL, 'l' },
		{ "fwd", 1, NULL, 'f' },           { "port-base", 1, NULL, 'b' },
		{ "pid", 1, NULL, 'p' },           { "pps", 1, NULL, 'r' },
		{ "warmup", 1, NULL, 'w' },        { "duration", 1, NULL, 'd' },
		{ "drain", 1, NULL, 'D' },         { "max-seconds", 1, NULL, 'm' },
		{ "delete", 0, NULL, 'x' },        { "no-raw", 0, NULL, 'R' },
		{ "drain-max", 1, NULL, 'M' },     { "srtp", 1, NULL, 's' },
		{ "savpf", 0, NULL, 'F' },         { NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .static_offset = -1,
			    .port_base = 10000,
			    .pps = 50,
			    .warmup = 2,
			    .duration = 10,
			    .drain = 0.5,
			    .drain_max = 3,
			    .max_seconds = 120 };
	inet_pton(AF_INET, "127.0.0.2", &o->local);
	inet_pton(AF_INET, "127.0.0.3", &o->fwd);
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->calls = (unsigned)num_arg(optarg, 1, 30000);
			break;
		case 'g':
			o->ng = optarg;
			break;
		case 'k':
			o->static_offset = (int)num_arg(optarg, 0, 65535);
			break;
		case 'b':
			o->port_base = (unsigned)num_arg(optarg, 1, 65535);
			break;
		case 'p':
			o->pid = (long)num_arg(optarg, 1, 1e9);
			break;
		case 'r':
			o->pps = (unsigned)num_arg(optarg, 1, 1000);
			break;
		case 'w':
			o->warmup = num_arg(optarg, 0.1, 60);
			break;
		case 'd':
			o->duration = num_arg(optarg, 0.5, 600);
			break;
		case 'D':
			o->drain = num_arg(optarg, 0.05, 10);
			break;
		case 'M':
			o->drain_max = num_arg(optarg, 0.05, 60);
			break;
		case 'm':
			o->max_seconds = num_arg(optarg, 1, 3600);
			break;
		case 'x':
			o->delete_calls = true;
			break;
		case 'R':
			o->no_raw = true;
			break;
		case 's':
			if (strcmp(optarg, srtp_mode_names[SRTP_TO_RTP]) == 0)
				o->srtp = SRTP_TO_RTP;
			else if (strcmp(optarg, srtp_mode_names[RTP_TO_SRTP]) == 0)
				o->srtp = RTP_TO_SRTP;
			else
				usage();
			break;
		case 'F':
			o->savpf = true;
			break;
		case 'l':
		case 'f':
			if (inet_pton(AF_INET, optarg, c == 'l' ? &o->local : &o->fwd) != 1) {
				fprintf(stderr, "media_load: not an IPv4 address: %s\n", optarg);
				exit(1);
			}
			break;
		default:
			usage();
		}
	}
	if (o->drain_max < o->drain)
		o->drain_max = o->drain;
	if (!o->calls || !o->ng == (o->static_offset < 0) || (o->srtp && !o->ng) ||
	    (o->savpf && !o->srtp) || o->port_base + 2 * o->calls > 65536 ||
	    (o->static_offset >= 0 &&
	     o->port_base + (unsigned)o->static_offset + 2 * o->calls > 65536))
		usage();
}

/* Print the figures of a finished run. */
static void report(struct load *L, double window_s, double d_cpu, const struct proc_cpu *d_split,
		   double g_cpu, double m_busy, double m_total)
{
	uint64_t dup = 0, lossy = 0, silent = 0;
	unsigned s;

	for (s = 0; s < L->n_ep; s++) {
		if (L->rx_measured[s] > L->tx_measured[s])
			dup += L->rx_measured[s] - L->tx_measured[s];
		else if (L->rx_measured[s] < L->tx_measured[s])
			lossy++;
		if (L->tx_measured[s] && !L->rx_measured[s])
			silent++;
	}
	printf("calls\t%u\nstreams\t%u\nwindow_s\t%.3f\n", L->o->calls, L->n_ep, window_s);
	printf("target_pps\t%u\n", L->n_ep * L->o->pps);
	printf("pps_per_stream\t%u\npkt_bytes\t%d\n", L->o->pps, RTPSTREAM_PKT_LEN);
	printf("sent\t%" PRIu64 "\nreceived\t%" PRIu64 "\n", L->tx_measured_total,
	       L->rx_measured_total);
	printf("offered_pps\t%.0f\ndelivered_pps\t%.0f\n", (double)L->tx_measured_total / window_s,
	       (double)L->rx_measured_total / window_s);
	printf("loss_pct\t%.3f\n", L->tx_measured_total
					   ? 100.0 *
						     ((double)L->tx_measured_total -
						      (double)(L->rx_measured_total - dup)) /
						     (double)L->tx_measured_total
					   : 0.0);
	printf("streams_lossy\t%" PRIu64 "\nstreams_silent\t%" PRIu64 "\nduplicates\t%" PRIu64 "\n",
	       lossy, silent, dup);
	printf("misrouted\t%" PRIu64 "\nforeign\t%" PRIu64 "\nsend_errors\t%" PRIu64 "\n",
	       L->rx_misrouted, L->rx_foreign, L->tx_errors);
	printf("lat_p50_us\t%.0f\nlat_p99_us\t%.0f\nlat_max_us\t%.0f\n",
	       latency_pct_us(&L->lat, 50), latency_pct_us(&L->lat, 99),
	       latency_pct_us(&L->lat, 100));
	printf("sender_late_max_ms\t%.2f\nsender_late_1ms_pct\t%.2f\n",
	       (double)L->late_max_ns / 1e6,
	       L->tx_measured_total ? 100.0 * (double)L->late_1ms / (double)L->tx_measured_total
				    : 0);
	printf("send_mode\t%s\n", L->raw_fd >= 0 ? "raw" : "sockets");
	printf("srtp\t%s\n", srtp_mode_names[L->o->srtp]);
	if (L->o->srtp) {
		printf("srtp_suite\t%s\n", SRTPEP_SUITE);
		printf("srtp_profile\t%s\n", L->o->savpf ? "RTP/SAVPF rtcp-mux" : "RTP/SAVP");
		printf("srtp_auth_failed\t%" PRIu64 "\nsrtp_tx_errors\t%" PRIu64 "\n",
		       L->rx_srtp_failed, L->srtp_tx_errors);
	}
	printf("tx_per_batch\t%.2f\n",
	       L->tx_batches ? (double)atomic_load(&L->tx_total) / (double)L->tx_batches : 0);
	printf("rx_per_batch\t%.2f\n",
	       L->rx_calls ? (double)L->rx_batched / (double)L->rx_calls : 0);
	/* Packets the relay relayed during the window (they reached us in
	 * it), sent in the window or before: for a relay that keeps up, the
	 * packets offered in the window; for one that falls behind, fewer
	 * (its backlog grows), and its CPU of the window did only these. */
	printf("relayed_in_window\t%" PRIu64 "\nrelayed_pps\t%.0f\n", L->rx_window,
	       (double)L->rx_window / window_s);
	if (d_cpu >= 0) {
		printf("daemon_cpu_pct\t%.1f\n", d_cpu / window_s / 1e4);
		/* CPU of the window per packet relayed in it; per packet offered
		 * in it as well (lower for a relay that fell behind: its CPU cap
		 * over a rate it did not relay) */
		if (L->rx_window)
			printf("daemon_us_per_pkt\t%.3f\n", d_cpu / (double)L->rx_window);
		if (L->tx_measured_total)
			printf("daemon_us_per_offered_pkt\t%.3f\n",
			       d_cpu / (double)L->tx_measured_total);
	}
	/* where the relay's CPU went: its own code (user) or the kernel's
	 * (system: sockets, io_uring, wake-ups), and how often it slept and
	 * woke (fewer packets per wake-up cost more each) */
	if (d_split && L->rx_window) {
		double pkts = (double)L->rx_window;

		printf("daemon_user_us_per_pkt\t%.3f\n", d_split->user_us / pkts);
		printf("daemon_sys_us_per_pkt\t%.3f\n", d_split->sys_us / pkts);
		if (d_split->wakeups > 0) /* none: it never slept */
			printf("daemon_pkts_per_wakeup\t%.2f\n", pkts / d_split->wakeups);
	}
	printf("gen_cpu_pct\t%.1f\n", g_cpu / window_s / 1e4);
	if (L->tx_measured_total)
		printf("gen_us_per_pkt\t%.3f\n",
		       g_cpu / (double)(L->tx_measured_total + L->rx_measured_total));
	/* per packet sent or received inside the window, measured or not */
	printf("window_wire_pkts\t%" PRIu64 "\n", L->wire_end - L->wire_start);
	if (L->wire_end > L->wire_start)
		printf("gen_us_per_wire_pkt\t%.3f\n",
		       g_cpu / (double)(L->wire_end - L->wire_start));
	if (m_total > 0)
		printf("machine_busy_cpus\t%.2f\n",
		       m_busy / m_total * (double)sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
	struct opts o;
	struct load L = { 0 };
	struct ng ng = { .fd = -1 };
	pthread_t tx, rx;
	double d_cpu0 = -1, d_cpu1 = -1, g_cpu0 = 0, g_cpu1 = 0, mb0 = 0, mt0 = 0, mb1 = 0, mt1 = 0;
	struct proc_cpu ds0, ds1;
	bool split0 = false, split1 = false;
	const char *status = "ok";
	int rc = 0;
	unsigned e;

	parse_opts(&o, argc, argv);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)o.max_seconds);
	L.o = &o;
	L.n_ep = 2 * o.calls;
	L.fds = g_new(int, L.n_ep);
	L.dest = g_new0(struct sockaddr_in, L.n_ep);
	L.src = g_new0(struct sockaddr_in, L.n_ep);
	L.raw_fd = -1;
	L.tx_measured = g_new0(uint32_t, L.n_ep);
	L.rx_measured = g_new0(uint32_t, L.n_ep);
	latency_init(&L.lat);
	for (e = 0; e < L.n_ep; e++)
		L.fds[e] = -1;
	if (open_endpoints(&L) < 0) {
		status = "error";
		goto out;
	}
	if (o.srtp) {
		if (srtpep_global_init() < 0) {
			status = "error";
			goto out;
		}
		/* SRTP on A's side (even endpoints) or B's (odd) */
		L.srtp = g_new0(struct srtpep *, L.n_ep);
		for (e = o.srtp == SRTP_TO_RTP ? 0 : 1; e < L.n_ep; e += 2) {
			L.srtp[e] = srtpep_new();
			if (!L.srtp[e]) {
				status = "error";
				goto out;
			}
		}
	}
	if (o.ng) {
		if (ng_open(&ng, o.ng) < 0 || ng_setup(&L, &ng) < 0) {
			status = "setup-failed";
			goto out;
		}
	} else {
		static_setup(&L);
	}
	if (!o.no_raw) {
		L.raw_fd = rawudp_open();
		if (L.raw_fd < 0) {
			fprintf(stderr,
				"media_load: no raw socket (%s): one send per packet and socket\n",
				strerror(-L.raw_fd));
			L.raw_fd = -1;
		}
	}

	L.t0 = now_ns() + 50000000u;
	L.m_start = L.t0 + (uint64_t)(o.warmup * 1e9);
	L.m_end = L.m_start + (uint64_t)(o.duration * 1e9);
	L.rx_end = L.m_end + (uint64_t)(o.drain * 1e9);
	L.rx_end_max = L.m_end + (uint64_t)(o.drain_max * 1e9);
	if (pthread_create(&rx, NULL, receiver_run, &L) != 0) {
		status = "error";
		goto out;
	}
	if (pthread_create(&tx, NULL, sender_run, &L) != 0) {
		status = "error";
		atomic_store(&L.abort, true);
		pthread_join(rx, NULL);
		goto out;
	}
	sleep_until(L.m_start);
	if (atomic_load(&L.rx_total) == 0) {
		/* nothing came back in the whole warm-up: no packet path */
		atomic_store(&L.abort, true);
		status = "no-media";
	}
	if (o.pid) {
		d_cpu0 = proc_cpu_us(o.pid);
		split0 = proc_cpu_split(o.pid, &ds0) == 0;
	}
	g_cpu0 = self_cpu_us();
	L.wire_start = atomic_load(&L.tx_total) + atomic_load(&L.rx_total);
	machine_ticks(&mb0, &mt0);
	if (!atomic_load(&L.abort)) {
		sleep_until(L.m_end);
		if (o.pid) {
			d_cpu1 = proc_cpu_us(o.pid);
			split1 = proc_cpu_split(o.pid, &ds1) == 0;
		}
		g_cpu1 = self_cpu_us();
		L.wire_end = atomic_load(&L.tx_total) + atomic_load(&L.rx_total);
		machine_ticks(&mb1, &mt1);
	}
	pthread_join(tx, NULL);
	pthread_join(rx, NULL);
	if (strcmp(status, "ok") == 0 && atomic_load(&L.abort))
		status = "error"; /* the receiver could not watch its sockets */
	fprintf(stderr,
		"media_load: sent %" PRIu64 " packets (%" PRIu64 " measured), received %" PRIu64
		"\n",
		(uint64_t)atomic_load(&L.tx_total), L.tx_measured_total,
		(uint64_t)atomic_load(&L.rx_total));
	if (split0 && split1) {
		ds1.user_us -= ds0.user_us;
		ds1.sys_us -= ds0.sys_us;
		ds1.wakeups -= ds0.wakeups;
	}
	if (strcmp(status, "ok") == 0)
		report(&L, o.duration, d_cpu0 >= 0 && d_cpu1 >= 0 ? d_cpu1 - d_cpu0 : -1,
		       split0 && split1 ? &ds1 : NULL, g_cpu1 - g_cpu0, mb1 - mb0, mt1 - mt0);
	else
		printf("calls\t%u\nsent\t%" PRIu64 "\nreceived\t0\nloss_pct\t100\n", o.calls,
		       (uint64_t)atomic_load(&L.tx_total));
	if (o.ng && o.delete_calls)
		ng_teardown(&L, &ng);
out:
	if (strcmp(status, "ok") != 0)
		rc = 2;
	printf("status\t%s\n", status);
	fflush(stdout);
	if (ng.fd >= 0)
		close(ng.fd);
	if (L.raw_fd >= 0)
		close(L.raw_fd);
	for (e = 0; e < L.n_ep; e++)
		if (L.fds[e] >= 0)
			close(L.fds[e]);
	latency_cleanup(&L.lat);
	for (e = 0; L.srtp && e < L.n_ep; e++)
		srtpep_free(L.srtp[e]);
	g_free(L.srtp);
	g_free(L.fds);
	g_free(L.dest);
	g_free(L.src);
	g_free(L.tx_measured);
	g_free(L.rx_measured);
	return rc;
}
