/*
 * media_load's shared state: the options, the load (endpoints, counters
 * of the sender and receiver threads) and the clock. media_load.c runs the
 * media; media_ng.c sets the calls up through the relay's ng port.
 */
#ifndef RTPRELAY_BENCH_MEDIA_LOAD_H
#define RTPRELAY_BENCH_MEDIA_LOAD_H

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "latency.h"
#include "srtp_endpoint.h"

enum srtp_mode {
	SRTP_NONE,
	SRTP_TO_RTP, /* A is SRTP, B plain */
	RTP_TO_SRTP, /* A plain, B SRTP */
};

struct opts {
	unsigned calls;
	enum srtp_mode srtp;
	bool savpf;           /* the SRTP side is WebRTC's RTP/SAVPF with rtcp-mux */
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
	uint64_t rx_window;      /* ours, received during the measured window */
	struct latency lat;
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

#endif
