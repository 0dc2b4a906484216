/*
 * worker: the media threads (--num-threads). Every media socket is read by
 * one worker, picked round-robin when the socket is attached. A worker runs
 * one of the media_io backends (io.h): an io_uring loop
 * (io_uring.c), or a libevent base whose events are added from the
 * control thread (libevent's pthread locking makes that safe) and deleted
 * with event_del_block, which waits for a running callback to finish.
 */
#ifndef RTPRELAY_WORKER_H
#define RTPRELAY_WORKER_H

#include <stdint.h>

enum media_io_kind {
	MEDIA_IO_URING,
	MEDIA_IO_EPOLL,
};

struct event_base;
struct uring_worker;
struct worker;
struct workers;

/* Start n threads on the backend wanted; io_uring falls back to epoll
 * (with a warning) where the kernel does not offer what it needs.
 * coalesce_us, nbufs: io_uring only, see --media-coalesce-us and
 * --media-buffers. Main thread. */
struct workers *workers_start(unsigned n, enum media_io_kind want, unsigned coalesce_us,
			      unsigned nbufs);
/* Stop the loops, join the threads, free. Sockets must be freed already. */
void workers_stop(struct workers *w);
/* The next worker in turn. */
struct worker *workers_pick(struct workers *w);
/* The backend the workers run. */
enum media_io_kind workers_io(const struct workers *w);
/* Thread count, and receive buffer shortages summed over the workers
 * (io_uring; 0 with epoll). */
unsigned workers_count(const struct workers *w);
uint64_t workers_buffer_shortages(const struct workers *w);
/* Submission entries that could not be had, summed (io_uring; 0 with epoll). */
uint64_t workers_sqe_shortages(const struct workers *w);
/* A worker's libevent base (epoll), or its ring (io_uring); NULL if the
 * worker runs the other backend. */
struct event_base *worker_base(struct worker *w);
struct uring_worker *worker_uring(struct worker *w);

#endif
