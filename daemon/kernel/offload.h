/*
 * kernel/offload: which streams the kernel module forwards, one state
 * machine per stream (the state in kernel/offload-t.h, embedded in struct
 * stream), kept in this one place.
 *
 * A stream goes to the kernel (a target keyed by its local address) once
 * its party's source is committed (or the party is asymmetric), the other
 * side's RTP stream has a socket and a committed endpoint, neither side is
 * blocked, silenced or terminates SRTP, and its counters lie in a pinned
 * shard. The target sends from the other side's socket address to its
 * endpoint and passes packets from any other source to user space
 * (OTHER_SOURCE_TO_USER), so learning goes on there. RTCP ports, STUN,
 * DTLS and RTCP under rtcp-mux always reach user space. Nothing changes
 * for user space: it keeps its sockets and relays whatever still reaches
 * them (packets queued at a handover too).
 *
 * offload_sync_call() compares what each stream of a call should have with
 * what the module holds and adds, replaces or deletes: the ng commands call
 * it after changing a call (offer/answer, block/silence, a party gone), and
 * the control thread after a worker's kick (learning committed or moved).
 * offload_media_release_locked() deletes targets before ports go.
 *
 * Every second the control thread also checks that the descriptor works,
 * that kernel-forwarded streams keep within media-max-pps (one over it
 * goes back to user space for good), and moves the counters of streams
 * out of sparse shards (bufferpool_should_move) so pins follow live
 * memory after a load drop.
 *
 * Failure never fails a call: a target the module refuses leaves the
 * stream in user space (reason kept, counted, logged once per cause and
 * then at most once a minute); a descriptor that fails (module unloaded,
 * table gone) puts every stream back in user space for good.
 *
 * Threads: everything on the control thread, except offload_kick() (a
 * worker, call lock held) and the readers of the state (query: call lock).
 */
#ifndef RTPRELAY_KERNEL_OFFLOAD_H
#define RTPRELAY_KERNEL_OFFLOAD_H

#include <stdbool.h>

#include "arena.h"
#include "bencode.h"
#include "kernel/offload-t.h"

struct rtprelay;
struct kernel;
struct call;
struct media;
struct stream;

/* Start (k->table NULL: every stream stays in user space, for k->reason).
 * After the pool and the call registry exist, before the workers. */
void offload_start(struct rtprelay *rp, const struct kernel *k);
/* After the calls are freed and the workers stopped, before the table
 * closes. */
void offload_stop(void);

/* Bring the targets of every stream of call in line with its state. Call
 * lock NOT held. */
void offload_sync_call(struct call *call);
/* Call lock held: delete the targets of m's streams and of every stream
 * that sends from m's sockets; before m's ports are taken off. */
void offload_media_release_locked(struct media *m);

/* Worker, call lock held: s's learning changed; its call is re-checked on
 * the control thread soon. */
void offload_kick(struct stream *s);
/* Worker, call lock held, before learning sees a packet: packets the
 * kernel forwarded for s since the last call (they are the party's). */
uint64_t offload_kernel_packets_since(struct stream *s);

/* Query (call lock held): "kernelized" or why the stream is in user space;
 * adds rtpengine's flag ("kernelized", "no kernel support") to flags. */
void offload_stream_to_bencode(struct arena *a, bencode_item *dict, bencode_item *flags,
			       const struct stream *s);
/* The "offload" counters for statistics.kernel. */
void offload_to_bencode(struct arena *a, bencode_item *dict);

#endif
