/* Media worker threads; see worker.h. */
#define LOG_SUBSYS core
#include "media/worker.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include "log.h"
#include "media/io_uring.h"
#include "thread_sched.h"

struct worker {
	struct event_base *base;    /* epoll */
	struct event *keepalive;    /* keeps the loop running while it has no sockets */
	struct uring_worker *uring; /* io_uring */
	pthread_t thread;
	unsigned index;
	atomic_bool stop;
};

struct workers {
	unsigned n;
	enum media_io_kind io;
	atomic_uint next;
	struct worker w[];
};

static void keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
}

static void *epoll_worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;

	char name[16];

	/* Signals belong to the main thread's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	snprintf(name, sizeof(name), "media-%u", w->index);
	thread_sched_self(THREAD_MEDIA, name);
	/* A loopbreak sent before the loop started would be forgotten by
	 * libevent, so the stop request is a flag checked between rounds. */
	while (!atomic_load(&w->stop))
		event_base_loop(w->base, EVLOOP_ONCE);
	return NULL;
}

static void epoll_worker_start(struct worker *w)
{
	struct timeval hour = { 3600, 0 };

	w->base = event_base_new();
	if (!w->base)
		fatalx("cannot create worker event base");
	w->keepalive = event_new(w->base, -1, EV_PERSIST, keepalive_cb, NULL);
	event_add(w->keepalive, &hour);
	if (pthread_create(&w->thread, NULL, epoll_worker_main, w) != 0)
		fatal("cannot start worker thread");
}

/* io_uring for every worker, or for none: the first failure decides. */
static bool uring_workers_start(struct workers *ws, unsigned coalesce_us, unsigned nbufs)
{
	for (unsigned i = 0; i < ws->n; i++) {
		char *why = NULL;

		ws->w[i].uring = uring_worker_start(i, coalesce_us, nbufs, &why);
		if (ws->w[i].uring)
			continue;
		if (i > 0)
			fatalx("media worker %u: io_uring failed after worker 0 had it: %s", i,
			       why);
		log_warnx("io_uring unavailable (%s): media I/O falls back to epoll", why);
		g_free(why);
		return false;
	}
	return true;
}

struct workers *workers_start(unsigned n, enum media_io_kind want, unsigned coalesce_us,
			      unsigned nbufs)
{
	struct workers *ws = g_malloc0(sizeof(*ws) + n * sizeof(struct worker));

	ws->n = n;
	for (unsigned i = 0; i < n; i++)
		ws->w[i].index = i;
	ws->io = want == MEDIA_IO_URING && uring_workers_start(ws, coalesce_us, nbufs)
			 ? MEDIA_IO_URING
			 : MEDIA_IO_EPOLL;
	if (ws->io == MEDIA_IO_EPOLL)
		for (unsigned i = 0; i < n; i++)
			epoll_worker_start(&ws->w[i]);
	if (ws->io == MEDIA_IO_URING)
		log_info(
			"%u media worker thread(s) started, media I/O: io_uring (coalescing %u us, "
			"%u buffers each)",
			n, coalesce_us, nbufs);
	else
		log_info("%u media worker thread(s) started, media I/O: epoll", n);
	return ws;
}

void workers_stop(struct workers *ws)
{
	if (!ws)
		return;
	if (ws->io == MEDIA_IO_URING) {
		for (unsigned i = 0; i < ws->n; i++)
			uring_worker_stop(ws->w[i].uring);
		g_free(ws);
		return;
	}
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

struct worker *workers_pick(struct workers *ws)
{
	unsigned i = atomic_fetch_add_explicit(&ws->next, 1, memory_order_relaxed);

	return &ws->w[i % ws->n];
}

enum media_io_kind workers_io(const struct workers *ws)
{
	return ws->io;
}

unsigned workers_count(const struct workers *ws)
{
	return ws->n;
}

uint64_t workers_buffer_shortages(const struct workers *ws)
{
	uint64_t n = 0;

	if (ws->io == MEDIA_IO_URING)
		for (unsigned i = 0; i < ws->n; i++)
			n += uring_worker_shortages(ws->w[i].uring);
	return n;
}

uint64_t workers_sqe_shortages(const struct workers *ws)
{
	uint64_t n = 0;

	if (ws->io == MEDIA_IO_URING)
		for (unsigned i = 0; i < ws->n; i++)
			n += uring_worker_sqe_shortages(ws->w[i].uring);
	return n;
}

struct event_base *worker_base(struct worker *w)
{
	return w->base;
}

struct uring_worker *worker_uring(struct worker *w)
{
	return w->uring;
}
