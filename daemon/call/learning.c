/* Endpoint learning; see learning.h. */
#include "call/learning.h"

#include "sockaddr.h"

void learning_reset(struct learning *l, const struct sockaddr_storage *advertised,
		    struct sockaddr_storage *endpoint)
{
	*l = (struct learning){ .state = LEARN_NONE };
	*endpoint = *advertised;
}

static uint8_t rank_of(const struct sockaddr_storage *advertised,
		       const struct sockaddr_storage *src)
{
	bool host = sockaddr_eq_host(advertised, src);
	bool port = sockaddr_port(advertised) == sockaddr_port(src);

	return host && port ? 4 : host ? 3 : port ? 2 : 1;
}

bool learning_packet(struct learning *l, const struct learning_policy *pol,
		     const struct sockaddr_storage *advertised, struct sockaddr_storage *endpoint,
		     const struct sockaddr_storage *src, int64_t now_us)
{
	if (pol->asymmetric)
		return true;
	if (pol->mode == EL_OFF)
		return !pol->strict_source || sockaddr_eq(src, advertised);
	if (l->state == LEARN_COMMITTED)
		return !pol->strict_source || sockaddr_eq(src, endpoint);
	if (l->state == LEARN_NONE) {
		l->state = LEARN_WINDOW;
		l->window_start_us = now_us;
		l->rank = 0;
	}
	bool window_over = now_us - l->window_start_us >= LEARNING_WINDOW_US;

	switch (pol->mode) {
	case EL_IMMEDIATE:
		*endpoint = *src;
		l->state = LEARN_COMMITTED;
		break;
	case EL_HEURISTIC: {
		uint8_t r = rank_of(advertised, src);

		if (r > l->rank) {
			*endpoint = *src;
			l->rank = r;
		}
		if (window_over)
			l->state = LEARN_COMMITTED;
		break;
	}
	case EL_DELAYED:
	default:
		*endpoint = *src;
		if (window_over)
			l->state = LEARN_COMMITTED;
		break;
	}
	return true;
}
