/*
 * worker: the media threads (--num-threads). Each has its own event base
 * and loop; every media socket is owned by one worker, picked round-robin
 * when the socket is attached. Events are added from the control thread
 * (libevent's pthread locking makes that safe) and deleted with
 * event_del_block, which waits for a running callback to finish.
 */
#ifndef RTPRELAY_WORKER_H
#define RTPRELAY_WORKER_H

struct event_base;
struct workers;

/* Start n threads. NULL (after logging) on failure. Main thread. */
struct workers *workers_start(unsigned n);
/* Stop the loops, join the threads, free. Events must be gone already. */
void workers_stop(struct workers *w);
/* The base of the next worker in turn. */
struct event_base *workers_pick(struct workers *w);

#endif
