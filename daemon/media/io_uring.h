/*
 * The io_uring media backend (see io.h): one ring per worker thread,
 * created by that thread (single issuer, task work deferred to the loop).
 * Needs Linux 6.1 (multishot recvmsg, provided buffer rings, deferred task
 * work); where that is missing, uring_worker_start says why and the
 * workers use epoll.
 */
#ifndef RTPRELAY_MEDIA_IO_URING_H
#define RTPRELAY_MEDIA_IO_URING_H

#include <stdint.h>

struct media_socket;
struct uring_worker;

/* Start worker thread `index` with its ring; NULL and *why (g_free it) when
 * the ring cannot be set up. coalesce_us: after a round that received
 * several packets, wait up to this long for a batch (0: never wait). nbufs: receive buffers (2 KiB each), a power
 * of two up to 32768; when all are taken, sockets wait in their kernel
 * queues until the round gives some back. */
struct uring_worker *uring_worker_start(unsigned index, unsigned coalesce_us, unsigned nbufs,
					char **why);
/* Stop the loop once every socket is gone, join, free. */
void uring_worker_stop(struct uring_worker *uw);
/* How often a socket's receive ran out of buffers (statistics). */
uint64_t uring_worker_shortages(const struct uring_worker *uw);
/* How often no submission entry could be had (the work was done later, or
 * the packet dropped and counted as a send error). The environment variable
 * RTPRELAY_FAULT_URING_SQE=N makes every Nth request fail (tests). */
uint64_t uring_worker_sqe_shortages(const struct uring_worker *uw);
/* Start reading ms (its reader reference is taken here). Any thread. */
void uring_worker_attach(struct uring_worker *uw, struct media_socket *ms);
/* Stop reading ms: its armed receive is cancelled; the reference of the
 * caller passes to the worker, which drops it. Any thread. */
void uring_worker_detach(struct uring_worker *uw, struct media_socket *ms);

#endif
