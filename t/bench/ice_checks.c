/*
 * ice_checks: ICE connectivity checks (STUN binding requests with
 * USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT) sent
 * at a fixed rate to the relay's ports of some ICE calls, round robin, and
 * the responses counted and timed. Open loop: it sends at its rate whatever
 * comes back. Prints "key<TAB>value" lines.
 *
 *   ice_checks --addr ADDR --targets FILE --rate R --duration S [--max-seconds S]
 *
 * FILE: one call per line, "PORT USERNAME PASSWORD" (the relay's port
 * facing the party, "relayufrag:partyufrag", the relay's ice-pwd).
 * Bounded: --duration (at most 60 s) and a 1 s drain after it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "latency.h"
#include "stun.h"

#define MAX_TARGETS 256
#define RING 65536

struct target {
	struct sockaddr_storage sa;
	char user[128], pwd[128];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int load_targets(const char *file, const char *addr, struct target *t)
{
	FILE *f = fopen(file, "r");
	unsigned port;
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_TARGETS && fscanf(f, "%u %127s %127s", &port, t[n].user, t[n].pwd) == 3) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t[n].sa;

		memset(&t[n].sa, 0, sizeof(t[n].sa));
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			break;
		n++;
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *file = NULL;
	double rate = 0, duration = 0;
	static struct target t[MAX_TARGETS];
	static uint64_t sent_at[RING];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--addr"))
			addr = argv[i + 1];
		else if (!strcmp(argv[i], "--targets"))
			file = argv[i + 1];
		else if (!strcmp(argv[i], "--rate"))
			rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--duration"))
			duration = atof(argv[i + 1]);
	}
	if (!addr || !file || rate <= 0 || rate > 1e6 || duration <= 0 || duration > 60) {
		fprintf(stderr, "usage: ice_checks --addr ADDR --targets FILE --rate R "
				"--duration S (<= 60)\n");
		return 2;
	}
	int n = load_targets(file, addr, t);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET };

	if (n <= 0 || fd < 0) {
		fprintf(stderr, "ice_checks: no targets in %s\n", file);
		return 1;
	}
	inet_pton(AF_INET, "127.0.0.2", &me.sin_addr);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("ice_checks: bind");
		return 1;
	}
	int big = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	struct latency lat;

	latency_init(&lat);
	uint64_t sent = 0, answered = 0, errors = 0, bad = 0, send_err = 0, late_max = 0;
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(duration * 1e9), drain = end + 1000000000u;
	double gap_ns = 1e9 / rate;
	uint8_t buf[1500], rx[1500];
	uint32_t salt = (uint32_t)t0;

	for (;;) {
		uint64_t now = now_ns();

		if (now >= drain)
			break;
		/* send what is due (open loop), at most 64 at a time */
		for (int k = 0; k < 64 && now < end; k++) {
			uint64_t due = t0 + (uint64_t)((double)sent * gap_ns);

			if (due > now)
				break;
			if (now - due > late_max)
				late_max = now - due;
			struct target *tg = &t[sent % (uint64_t)n];
			uint8_t txid[12];
			uint32_t seq = (uint32_t)sent;
			struct stun_builder b;

			memcpy(txid, &seq, 4);
			memcpy(txid + 4, &salt, 4);
			memcpy(txid + 8, &salt, 4);
			stun_build_start(&b, buf, sizeof(buf), STUN_BINDING_REQUEST, txid);
			stun_add_attr(&b, STUN_ATTR_USERNAME, tg->user, strlen(tg->user));
			stun_add_u32(&b, STUN_ATTR_PRIORITY, 1853824767u);
			stun_add_u64(&b, STUN_ATTR_ICE_CONTROLLING, 42);
			int len = stun_finish(&b, tg->pwd, strlen(tg->pwd));

			sent_at[seq % RING] = now;
			if (sendto(fd, buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&tg->sa,
				   sizeof(struct sockaddr_in)) < 0)
				send_err++;
			sent++;
		}
		/* receive what is there */
		for (int k = 0; k < 256; k++) {
			ssize_t r = recv(fd, rx, sizeof(rx), MSG_DONTWAIT);

			if (r < 0)
				break;
			struct stun_msg m;
			const char *err;

			if (stun_parse(rx, (size_t)r, &m, &err) || memcmp(m.txid + 4, &salt, 4)) {
				bad++; /* not a response to us: the relay's own checks */
				continue;
			}
			if (m.type == STUN_BINDING_ERROR) {
				errors++;
				continue;
			}
			if (m.type != STUN_BINDING_SUCCESS)
				continue;
			uint32_t seq;

			memcpy(&seq, m.txid, 4);
			answered++;
			latency_add(&lat, now_ns() - sent_at[seq % RING]);
		}
		struct timespec nap = { 0, 20000 };

		nanosleep(&nap, NULL);
	}
	printf("offered_rate\t%.0f\n", (double)sent / duration);
	printf("sent\t%" PRIu64 "\nanswered\t%" PRIu64 "\n", sent, answered);
	printf("answered_rate\t%.0f\n", (double)answered / duration);
	printf("answered_pct\t%.2f\n", sent ? 100.0 * (double)answered / (double)sent : 0);
	printf("error_responses\t%" PRIu64 "\nother_packets\t%" PRIu64 "\n", errors, bad);
	printf("send_errors\t%" PRIu64 "\n", send_err);
	printf("check_p50_us\t%.0f\ncheck_p99_us\t%.0f\n", latency_pct_us(&lat, 50),
	       latency_pct_us(&lat, 99));
	printf("sender_late_max_ms\t%.2f\n", (double)late_max / 1e6);
	latency_cleanup(&lat);
	close(fd);
	return 0;
}
