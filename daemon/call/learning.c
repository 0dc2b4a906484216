/* Endpoint learning; see learning.h. */
#include "call/learning.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sockaddr.h"

static uint64_t key_secret;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void key_secret_make(void)
{
	if (getrandom(&key_secret, sizeof(key_secret), GRND_NONBLOCK) != sizeof(key_secret)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		key_secret = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 29);
}

uint64_t learning_key(const struct sockaddr_storage *sa)
{
	uint64_t h, w[2] = { 0, 0 };

	pthread_once(&key_once, key_secret_make);
	h = mix(key_secret, (uint64_t)sa->ss_family << 16 | sockaddr_port(sa));
	if (sa->ss_family == AF_INET6)
		memcpy(w, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	else if (sa->ss_family == AF_INET)
		memcpy(w, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	return mix(mix(h, w[0]), w[1]);
}

void learning_reset(struct learning *l, const struct sockaddr_storage *advertised,
		    struct sockaddr_storage *endpoint)
{
	*l = (struct learning){ .state = LEARN_NONE };
	*endpoint = *advertised;
}

void learning_credit(struct learning *l, uint64_t n, int64_t now_us)
{
	if (!n || l->state == LEARN_NONE)
		return;
	l->source_last_us = now_us;
	l->tokens = (uint8_t)(l->tokens + n > LEARNING_BURST ? LEARNING_BURST : l->tokens + n);
}

static uint8_t rank_of(const struct sockaddr_storage *advertised,
		       const struct sockaddr_storage *src)
{
	bool host = sockaddr_eq_host(advertised, src);
	bool port = sockaddr_port(advertised) == sockaddr_port(src);

	return host && port ? 4 : host ? 3 : port ? 2 : 1;
}

/* src becomes the party's source (and, when learning, its endpoint). */
static void adopt(struct learning *l, const struct learning_policy *pol,
		  struct sockaddr_storage *endpoint, const struct sockaddr_storage *src,
		  uint64_t key, uint8_t rank, int64_t now)
{
	l->source_key = key;
	l->source = *src;
	l->rank = rank;
	l->source_last_us = now;
	l->cand_count = 0;
	l->tokens = 0;
	if (pol->mode != EL_OFF)
		*endpoint = *src;
}

/* Whether the stranger src (not the source) takes the source's place. */
static bool replaces(struct learning *l, const struct learning_policy *pol, uint64_t key,
		     uint8_t rank, int64_t now)
{
	if (rank == 4)
		return true; /* what the SDP names: never a stranger */
	if (l->state != LEARN_WINDOW)
		return false;
	if (pol->mode == EL_HEURISTIC && rank > l->rank)
		return true;
	if (key != l->cand_key) {
		l->cand_key = key;
		l->cand_count = 0;
	}
	if (l->cand_count < LEARNING_CONSISTENT)
		l->cand_count++;
	return l->cand_count >= LEARNING_CONSISTENT &&
	       now - l->source_last_us >= LEARNING_SILENT_US;
}

/* A packet from the party's source: off with strict-source still wants the
 * SDP address. */
static enum learn_verdict from_source(const struct learning_policy *pol,
				      const struct sockaddr_storage *advertised,
				      const struct sockaddr_storage *src)
{
	if (pol->mode == EL_OFF && pol->strict_source && !sockaddr_eq(src, advertised))
		return LEARN_DROP_STRICT;
	return LEARN_FORWARD;
}

/* A packet from a stranger: strict source drops it once committed (off:
 * always); otherwise it may borrow one of the source's packets. */
static enum learn_verdict from_stranger(struct learning *l, const struct learning_policy *pol)
{
	if (pol->strict_source && (l->state == LEARN_COMMITTED || pol->mode == EL_OFF))
		return LEARN_DROP_STRICT;
	if (!l->tokens)
		return LEARN_DROP_RATE;
	l->tokens--;
	return LEARN_FORWARD;
}

enum learn_verdict learning_packet(struct learning *l, const struct learning_policy *pol,
				   const struct sockaddr_storage *advertised,
				   struct sockaddr_storage *endpoint,
				   const struct sockaddr_storage *src, int64_t now_us)
{
	if (pol->asymmetric)
		return LEARN_FORWARD;

	uint64_t key = learning_key(src);

	if (l->state == LEARN_NONE) {
		adopt(l, pol, endpoint, src, key, rank_of(advertised, src), now_us);
		l->window_start_us = now_us;
		l->state = pol->mode == EL_DELAYED || pol->mode == EL_HEURISTIC ? LEARN_WINDOW
										: LEARN_COMMITTED;
		return from_source(pol, advertised, src);
	}
	if (l->state == LEARN_WINDOW && now_us - l->window_start_us >= LEARNING_WINDOW_US)
		l->state = LEARN_COMMITTED;
	if (key == l->source_key) {
		l->source_last_us = now_us;
		if (l->tokens < LEARNING_BURST)
			l->tokens++;
		return from_source(pol, advertised, src);
	}
	uint8_t rank = rank_of(advertised, src);

	if (!replaces(l, pol, key, rank, now_us))
		return from_stranger(l, pol);
	adopt(l, pol, endpoint, src, key, rank, now_us);
	return from_source(pol, advertised, src);
}
