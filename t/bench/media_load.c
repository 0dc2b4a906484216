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
#include "raw_udp.h"
#include "rtp_stream.h"
#include "srtp_endpoint.h"

#define RX_BATCH 32
#define TX_BATCH 16 /* packets stamped with one time: bounds the stamp error */
#define TX_PKT_LEN (RAWUDP_HDR_LEN + RTPSTREAM_PKT_LEN + SRTPEP_ROOM)
#define NG_TIMEOUT_MS 2000
#define NG_TRIES 3

enum srtp_mode {
	SRTP_NONE,
	SRTP_TO_RTP, /* A is SRTP, B plain */
	RTP_TO_SRTP, /* A plain, B SRTP */
};

static const char *const srtp_mode_names[] = { "none", "srtp2rtp", "rtp2srtp" };

struct opts {
	unsigned calls;
	enum srtp_mode srtp;
	const char *ng;       /* HOST:PORT; NULL in static mode */
	int static_offset;    /* -1: use ng */
	struct in_addr local; /* endpoints */
	struct in_addr fwd;   /* static mode: the forwarder's address */
	unsigned port_base;
	long pid; /* relay/forwarder, for its CPU time; 0 = none */
	unsigned pps;
	double warmup, duration, drain, drain_max, max_seconds;
	bool delete_calls; /* delete the calls over ng at the end */
	bool no_raw;       /* send from the endpoint sockets, never raw */
};

struct load {
	const struct opts *o;
	unsigned n_ep;            /* endpoints = streams = 2 * calls */
	int *fds;                 /* by endpoint */
	struct sockaddr_in *src;  /* endpoint e's own address */
	struct sockaddr_in *dest; /* where endpoint e sends */
	int raw_fd;               /* -1: send from the endpoint sockets */
	struct srtpep **srtp;     /* by endpoint: NULL for a plain one (or without --srtp) */
	uint64_t t0, m_start, m_end, rx_end, rx_end_max; /* CLOCK_MONOTONIC ns */
	atomic_bool abort;

	/* sender's, read after join */
	uint32_t *tx_measured; /* by stream */
	uint64_t tx_measured_total, tx_errors, tx_batches;
	atomic_uint_fast64_t tx_total; /* also read while running, at the window's edges */
	/* packets sent + received when the window opened and closed (by the
	 * clock: a lagging sender's warm-up packets too), for the generator's
	 * CPU per packet it really handled */
	uint64_t wire_start, wire_end;
	uint64_t late_max_ns;    /* worst lateness against the schedule */
	uint64_t late_1ms;       /* packets sent > 1 ms late (measured) */
	uint64_t srtp_tx_errors; /* protect failed: sent as is, the relay drops it */

	/* receiver's, read after join (rx_total also while running) */
	uint32_t *rx_measured; /* by stream */
	atomic_uint_fast64_t rx_total;
	uint64_t rx_measured_total, rx_foreign, rx_misrouted;
	uint64_t rx_calls, rx_batched;
	uint64_t rx_srtp_failed; /* failed to unprotect (authentication, replay) */
	struct latency lat;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

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

/* ---- control plane (ng over UDP) ---- */

struct ng {
	int fd;
	uint64_t seq;
	char run_id[16];
	char buf[65536];
};

static int ng_open(struct ng *ng, const char *hostport)
{
	g_autofree char *host = g_strdup(hostport);
	char *colon = strrchr(host, ':');
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (!colon) {
		fprintf(stderr, "media_load: --ng wants HOST:PORT, got %s\n", hostport);
		return -1;
	}
	*colon = '\0';
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "media_load: not an IPv4 address: %s\n", host);
		return -1;
	}
	ng->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (ng->fd < 0 || connect(ng->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("media_load: ng socket");
		return -1;
	}
	snprintf(ng->run_id, sizeof(ng->run_id), "%lx",
		 (unsigned long)(now_ns() ^ (uint64_t)getpid()));
	return 0;
}

/*
 * Send one request (a bencoded dictionary) and wait for the reply with the
 * same cookie, retransmitting (same cookie) up to NG_TRIES times. Returns
 * the decoded reply dictionary (in arena a, pointing into ng->buf, valid
 * until the next call), or NULL with a reason on stderr.
 */
static bencode_item *ng_call(struct ng *ng, struct arena *a, const bencode_item *req)
{
	g_autoptr(GString) msg = g_string_new(NULL);
	char cookie[32];
	int try;

	snprintf(cookie, sizeof(cookie), "%s_%" PRIu64, ng->run_id, ++ng->seq);
	g_string_append_printf(msg, "%s ", cookie);
	bencode_encode(req, msg);
	for (try = 0; try < NG_TRIES; try++) {
		uint64_t deadline = now_ns() + NG_TIMEOUT_MS * 1000000ull;

		if (send(ng->fd, msg->str, msg->len, 0) < 0) {
			perror("media_load: ng send");
			return NULL;
		}
		for (;;) {
			struct pollfd pfd = { .fd = ng->fd, .events = POLLIN };
			uint64_t now = now_ns();
			size_t clen = strlen(cookie);
			bencode_item *reply;
			struct bencode_error err;
			size_t used;
			ssize_t n;

			if (now >= deadline)
				break;
			if (poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
				continue;
			n = recv(ng->fd, ng->buf, sizeof(ng->buf), 0);
			if (n <= (ssize_t)clen || memcmp(ng->buf, cookie, clen) != 0 ||
			    ng->buf[clen] != ' ')
				continue; /* a late reply to an earlier request */
			if (bencode_decode(a, ng->buf + clen + 1, (size_t)n - clen - 1, NULL,
					   &reply, &used, &err) < 0 ||
			    reply->type != BENCODE_DICT) {
				fprintf(stderr, "media_load: undecodable ng reply\n");
				return NULL;
			}
			return reply;
		}
	}
	fprintf(stderr, "media_load: no ng reply after %d tries of %d ms\n", NG_TRIES,
		NG_TIMEOUT_MS);
	return NULL;
}

/* Endpoint e's SDP: protocol proto, then the media attributes and crypto
 * (an a=crypto line, or ""). */
static char *endpoint_sdp(const struct load *L, unsigned e, const char *proto, const char *crypto)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &L->o->local, addr, sizeof(addr));
	return g_strdup_printf("v=0\r\no=- %u 1 IN IP4 %s\r\ns=media_load\r\nc=IN IP4 %s\r\n"
			       "t=0 0\r\nm=audio %u %s 0\r\na=rtpmap:0 PCMU/8000\r\n"
			       "a=ptime:20\r\na=sendrecv\r\n%s",
			       1000 + e, addr, addr, L->o->port_base + e, proto, crypto);
}

/* The address and port of the (first) audio stream of an SDP body: the
 * media-level c= line if any, else the session-level one. */
static int sdp_media_addr(str sdp, struct sockaddr_in *out)
{
	g_autofree char *body = g_strndup(sdp.s, sdp.len);
	char **lines = g_strsplit(body, "\n", -1);
	char sess[64] = "", media[64] = "";
	unsigned port = 0;
	bool in_audio = false;
	int rc = -1, i;

	for (i = 0; lines[i]; i++) {
		char *l = g_strchomp(lines[i]);
		char a[64];

		if (g_str_has_prefix(l, "m=")) {
			if (port)
				break; /* only the first audio section */
			in_audio = sscanf(l, "m=audio %u", &port) == 1;
		} else if (sscanf(l, "c=IN IP4 %63s", a) == 1) {
			g_strlcpy(in_audio ? media : sess, a, sizeof(sess));
		}
	}
	g_strfreev(lines);
	*out = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (port && port < 65536 &&
	    inet_pton(AF_INET, media[0] ? media : sess, &out->sin_addr) == 1)
		rc = 0;
	return rc;
}

/*
 * One offer or answer for call c with sdp (and the ng key
 * "transport-protocol" when transport is not NULL); fills *relay from the
 * returned SDP and, when srtp is not NULL, gives that endpoint the relay's
 * key from it (*tag: its a=crypto tag).
 */
static int ng_offer_answer(struct load *L, struct ng *ng, unsigned c, bool answer, const char *sdp,
			   const char *transport, struct sockaddr_in *relay, struct srtpep *srtp,
			   unsigned *tag)
{
	struct arena *a = arena_new(0);
	char why[256];
	g_autofree char *call_id = g_strdup_printf("mload-%s-%u", ng->run_id, c);
	g_autofree char *from = g_strdup_printf("a%u", c);
	g_autofree char *to = g_strdup_printf("b%u", c);
	bencode_item *req = bencode_new_dict(a), *reply;
	str result, out_sdp, reason;
	int rc = -1;

	bencode_dict_add_cstr(a, req, "command", answer ? "answer" : "offer");
	bencode_dict_add_cstr(a, req, "call-id", call_id);
	bencode_dict_add_cstr(a, req, "from-tag", from);
	if (answer)
		bencode_dict_add_cstr(a, req, "to-tag", to);
	bencode_dict_add_cstr(a, req, "sdp", sdp);
	if (transport)
		bencode_dict_add_cstr(a, req, "transport-protocol", transport);
	reply = ng_call(ng, a, req);
	if (!reply)
		goto out;
	if (!bencode_dict_get_str(reply, "result", &result) || result.len != 2 ||
	    memcmp(result.s, "ok", 2) != 0) {
		if (!bencode_dict_get_str(reply, "error-reason", &reason))
			reason = (str){ "(no reason)", 11 };
		fprintf(stderr, "media_load: %s of call %u failed: %.*s\n",
			answer ? "answer" : "offer", c, (int)reason.len, reason.s);
		goto out;
	}
	if (!bencode_dict_get_str(reply, "sdp", &out_sdp) || sdp_media_addr(out_sdp, relay) < 0) {
		fprintf(stderr, "media_load: %s of call %u: no audio address in the reply SDP\n",
			answer ? "answer" : "offer", c);
		goto out;
	}
	if (srtp &&
	    srtpep_set_peer_from_sdp(srtp, out_sdp.s, out_sdp.len, tag, why, sizeof(why)) < 0) {
		fprintf(stderr, "media_load: %s of call %u: %s\n", answer ? "answer" : "offer", c,
			why);
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* Set up call c: the offer's SDP goes to B (B sends there), the answer's
 * to A; with --srtp, as the mode at the top of this file says. */
static int ng_setup_call(struct load *L, struct ng *ng, unsigned c)
{
	struct srtpep *sa = L->srtp ? L->srtp[2 * c] : NULL,
		      *sb = L->srtp ? L->srtp[2 * c + 1] : NULL;
	g_autofree char *crypto_a = sa ? srtpep_crypto_line(sa, 1) : g_strdup("");
	g_autofree char *offer = endpoint_sdp(L, 2 * c, sa ? "RTP/SAVP" : "RTP/AVP", crypto_a);
	g_autofree char *crypto_b = NULL, *answer = NULL;
	const char *transport = NULL;
	unsigned tag = 0;

	if (L->o->srtp == SRTP_TO_RTP)
		transport = "RTP/AVP";
	else if (L->o->srtp == RTP_TO_SRTP)
		transport = "RTP/SAVP";
	if (ng_offer_answer(L, ng, c, false, offer, transport, &L->dest[2 * c + 1], sb, &tag) < 0)
		return -1;
	crypto_b = sb ? srtpep_crypto_line(sb, tag) : g_strdup("");
	answer = endpoint_sdp(L, 2 * c + 1, sb ? "RTP/SAVP" : "RTP/AVP", crypto_b);
	return ng_offer_answer(L, ng, c, true, answer, NULL, &L->dest[2 * c], sa, &tag);
}

static int ng_setup(struct load *L, struct ng *ng)
{
	uint64_t t = now_ns();
	unsigned c;

	for (c = 0; c < L->o->calls; c++)
		if (ng_setup_call(L, ng, c) < 0)
			return -1;
	fprintf(stderr, "media_load: %u calls set up over ng in %.2f s\n", L->o->calls,
		(double)(now_ns() - t) / 1e9);
	return 0;
}

static void ng_teardown(struct load *L, struct ng *ng)
{
	unsigned c;

	for (c = 0; c < L->o->calls; c++) {
		struct arena *a = arena_new(0);
		bencode_item *req = bencode_new_dict(a);
		g_autofree char *call_id = g_strdup_printf("mload-%s-%u", ng->run_id, c);

		bencode_dict_add_cstr(a, req, "command", "delete");
		bencode_dict_add_cstr(a, req, "call-id", call_id);
		bencode_dict_add_int(a, req, "delete delay", 0);
		ng_call(ng, a, req);
		arena_free(a);
	}
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
		{ "calls", 1, NULL, 'n' },
		{ "ng", 1, NULL, 'g' },
		{ "static-offset", 1, NULL, 'k' },
		{ "local", 1, NULL, 'l' },
		{ "fwd", 1, NULL, 'f' },
		{ "port-base", 1, NULL, 'b' },
		{ "pid", 1, NULL, 'p' },
		{ "pps", 1, NULL, 'r' },
		{ "warmup", 1, NULL, 'w' },
		{ "duration", 1, NULL, 'd' },
		{ "drain", 1, NULL, 'D' },
		{ "max-seconds", 1, NULL, 'm' },
		{ "delete", 0, NULL, 'x' },
		{ "no-raw", 0, NULL, 'R' },
		{ "drain-max", 1, NULL, 'M' },
		{ "srtp", 1, NULL, 's' },
		{ NULL, 0, NULL, 0 },
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
	    o->port_base + 2 * o->calls > 65536 ||
	    (o->static_offset >= 0 &&
	     o->port_base + (unsigned)o->static_offset + 2 * o->calls > 65536))
		usage();
}

/* Print the figures of a finished run. */
static void report(struct load *L, double window_s, double d_cpu, double g_cpu, double m_busy,
		   double m_total)
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
		printf("srtp_auth_failed\t%" PRIu64 "\nsrtp_tx_errors\t%" PRIu64 "\n",
		       L->rx_srtp_failed, L->srtp_tx_errors);
	}
	printf("tx_per_batch\t%.2f\n",
	       L->tx_batches ? (double)atomic_load(&L->tx_total) / (double)L->tx_batches : 0);
	printf("rx_per_batch\t%.2f\n",
	       L->rx_calls ? (double)L->rx_batched / (double)L->rx_calls : 0);
	if (d_cpu >= 0) {
		printf("daemon_cpu_pct\t%.1f\n", d_cpu / window_s / 1e4);
		if (L->rx_measured_total)
			printf("daemon_us_per_pkt\t%.3f\n", d_cpu / (double)L->rx_measured_total);
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
	if (o.pid)
		d_cpu0 = proc_cpu_us(o.pid);
	g_cpu0 = self_cpu_us();
	L.wire_start = atomic_load(&L.tx_total) + atomic_load(&L.rx_total);
	machine_ticks(&mb0, &mt0);
	if (!atomic_load(&L.abort)) {
		sleep_until(L.m_end);
		if (o.pid)
			d_cpu1 = proc_cpu_us(o.pid);
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
	if (strcmp(status, "ok") == 0)
		report(&L, o.duration, d_cpu0 >= 0 && d_cpu1 >= 0 ? d_cpu1 - d_cpu0 : -1,
		       g_cpu1 - g_cpu0, mb1 - mb0, mt1 - mt0);
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
