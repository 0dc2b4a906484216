/* Media worker threads, one libevent base each. */
#define LOG_SUBSYS core
#include "worker.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "log.h"

struct worker {
	struct event_base *base;
	struct event *keepalive; /* keeps the loop running while it has no sockets */
	pthread_t thread;
	unsigned index;
	atomic_bool stop;
};

struct workers {
	unsigned n;
	atomic_uint next;
	struct worker w[];
};

static void keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;

	/* Signals belong to the main thread's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* A loopbreak sent before the loop started would be forgotten by
	 * libevent, so the stop request is a flag checked between rounds. */
	while (!atomic_load(&w->stop))
		event_base_loop(w->base, EVLOOP_ONCE);
	return NULL;
}

struct workers *workers_start(unsigned n)
{
	struct workers *ws = g_malloc0(sizeof(*ws) + n * sizeof(struct worker));

	ws->n = n;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &ws->w[i];
		struct timeval hour = { 3600, 0 };

		w->index = i;
		w->base = event_base_new();
		if (!w->base)
			fatalx("cannot create worker event base");
		w->keepalive = event_new(w->base, -1, EV_PERSIST, keepalive_cb, NULL);
		event_add(w->keepalive, &hour);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			fatal("cannot start worker thread");
	}
	log_info("%u media worker thread(s) started", n);
	return ws;
}

void workers_stop(struct workers *ws)
{
	if (!ws)
		return;
	for (unsigned i = 0; i < ws->n; i++) {
		atomic_store(&ws->w[i].stop, true);
		event_active(ws->w[i].keepalive, EV_TIMEOUT, 0); /* wakes the loop */
	}
	for (unsigned i = 0; i < ws->n; i++) {
		pthread_join(ws->w[i].thread, NULL);
		event_free(ws->w[i].keepalive);
		event_base_free(ws->w[i].base);
	}
	g_free(ws);
}

struct event_base *workers_pick(struct workers *ws)
{
	unsigned i = atomic_fetch_add_explicit(&ws->next, 1, memory_order_relaxed);

	return ws->w[i % ws->n].base;
}
