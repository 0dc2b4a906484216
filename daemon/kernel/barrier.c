/*
 * The bounded barrier; see barrier.h. Generations: a caller takes ticket
 * `requested + 1`; the helper, when it starts a barrier, notes the highest
 * ticket issued so far and, when the barrier returns, marks that ticket
 * done. A ticket is covered once done >= ticket: the barrier that did it
 * started after the ticket was taken.
 */
#include "kernel/barrier.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kernel/table.h"

struct kbarrier {
	struct ktable *kt;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the helper: a ticket is waiting, or stop */
	pthread_cond_t done_cond;
	uint64_t requested; /* tickets issued */
	uint64_t done;      /* highest ticket covered by a finished barrier */
	uint64_t failed;    /* highest ticket whose barrier failed */
	int last_err;       /* of that failure */
	bool stop;
};

static void *helper(void *arg)
{
	struct kbarrier *b = arg;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		uint64_t ticket;
		int err;

		/* Sleep until a ticket is newer than the last barrier's. */
		while (!b->stop && (b->done >= b->requested || b->failed >= b->requested))
			pthread_cond_wait(&b->wake, &b->lock);
		if (b->stop)
			break;
		ticket = b->requested;
		pthread_mutex_unlock(&b->lock);
		err = ktable_barrier(b->kt);
		pthread_mutex_lock(&b->lock);
		if (err) {
			b->failed = ticket;
			b->last_err = err;
		} else {
			b->done = ticket;
		}
		pthread_cond_broadcast(&b->done_cond);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

struct kbarrier *kbarrier_new(struct ktable *kt)
{
	struct kbarrier *b = calloc(1, sizeof(*b));
	pthread_condattr_t ca;
	int err;

	if (!b)
		return NULL;
	b->kt = kt;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->wake, NULL);
	/* Timed waits on the monotonic clock: a wall-clock step must not
	 * stretch or cut the bound. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->done_cond, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&b->thread, NULL, helper, b);
	if (err) {
		pthread_cond_destroy(&b->done_cond);
		pthread_cond_destroy(&b->wake);
		pthread_mutex_destroy(&b->lock);
		free(b);
		errno = err;
		return NULL;
	}
	return b;
}

void kbarrier_free(struct kbarrier *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->stop = true;
	pthread_cond_broadcast(&b->wake);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	pthread_cond_destroy(&b->done_cond);
	pthread_cond_destroy(&b->wake);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

int kbarrier_wait(struct kbarrier *b, unsigned timeout_ms)
{
	struct timespec until;
	uint64_t ticket;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&b->lock);
	ticket = ++b->requested;
	pthread_cond_signal(&b->wake);
	while (b->done < ticket) {
		if (b->failed >= ticket) {
			ret = b->last_err;
			break;
		}
		if (pthread_cond_timedwait(&b->done_cond, &b->lock, &until) == ETIMEDOUT &&
		    b->done < ticket) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}
