/*
 * The io_uring media backend; see io.h and io_uring.h.
 *
 * A worker's round: wait for completions (after a round that received
 * several packets, for up to --media-coalesce-us so that one wake-up
 * serves many; after one packet or none, until the next completion: a
 * lone packet's send completion must not hold the worker awake, nor the
 * next lone packet wait behind a timer), then for
 * each: a received packet is routed and its send queued in the same buffer
 * (no copy); a finished send gives its buffer back; a wake-up takes the
 * control thread's attach/detach requests. The next wait submits all the
 * round's sends in the same system call.
 *
 * user_data: a media_socket pointer (receives), a buffer id (sends) or
 * nothing (wake-up, cancel), tagged in the low two bits.
 */
#define LOG_SUBSYS internals
#include "media/io_uring.h"
#include "clock.h"

#include <errno.h>
#include <glib.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "call/call.h"
#include "call/media.h"
#include "log.h"
#include "media/io.h"
#include "media/route.h"
#include "sockaddr.h"
#include "thread_sched.h"

#define RING_ENTRIES 1024 /* submission queue; full: submitted early */
#define RING_CQ_MIN 4096  /* completion queue: at least, and > 2 x buffers */
#define BUF_SIZE 2048     /* recvmsg header + source + datagram; larger: dropped */
#define BUF_GROUP 0
#define COALESCE_BATCH 64 /* a coalescing wait ends early with this many */
#define COALESCE_AFTER 2  /* packets a round must receive to coalesce the next wait */
#define ROUND_BATCH 64    /* completions taken off the ring at a time */
#define WARM_AHEAD 4      /* completions prefetched ahead of the one handled, per stage */

enum tag { TAG_RECV, TAG_SEND, TAG_WAKE, TAG_CANCEL };
#define TAG_MASK 3u

/* media_socket.uring_state, touched by the reading worker only. */
enum recv_state {
	RS_NEW,   /* attach not taken yet */
	RS_ARMED, /* a multishot receive is in the kernel */
	RS_REARM, /* it ended for want of buffers: armed again after the round */
	RS_DONE,  /* no receive, and never again; reader reference dropped */
};

/* A packet on its way out, in the buffer of the same id. */
struct send_slot {
	struct msghdr msg;
	struct iovec iov;
	struct sockaddr_storage dst;
	struct media_socket *in, *out; /* referenced until the send completes */
};

struct uring_worker {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	size_t br_size;
	uint8_t *bufs;
	struct send_slot *slots;
	unsigned nbufs;                 /* --media-buffers, a power of two */
	atomic_uint_fast64_t shortages; /* receives that ended for want of buffers */
	struct msghdr recv_msg;         /* multishot template: room for the source only */
	unsigned recycled;              /* buffers given back, not yet published */
	unsigned armed;                 /* sockets not RS_DONE */
	unsigned inflight;              /* sends queued or in the kernel */
	unsigned round_packets;         /* packets received in this round */
	GPtrArray *rearm;
	GPtrArray *cancels;              /* sockets whose cancel found no SQE yet */
	bool wake_pending, stop_pending; /* their SQE is still to be queued */
	unsigned fault_every;            /* test: every Nth SQE request fails (0: none) */
	unsigned long sqe_requests;
	unsigned cq_entries;
	atomic_uint_fast64_t sqe_shortages; /* SQE requests that found none */
	unsigned coalesce_us;
	bool stopping;
	int wake_fd;
	uint64_t wake_buf;
	atomic_bool stop;
	pthread_mutex_t lock; /* guards the two request lists */
	GPtrArray *attach, *detach;
	GPtrArray *attach_spare, *detach_spare; /* the worker's, swapped in */
	pthread_t thread;
	unsigned index;
	/* start-up: the thread creates its ring and reports */
	pthread_mutex_t init_lock;
	pthread_cond_t init_cond;
	int init_done; /* 0 pending, 1 ok, -1 failed */
	char *init_why;
};

/*
 * A submission entry, or NULL when none can be had now: the queue is full
 * and submitting it fails because completions must be consumed first
 * (-EBUSY, -EAGAIN: a completion queue that overflowed). Never waits and
 * never loops unbounded; every caller has a way to do its work later (or,
 * for a packet, to drop it, counted).
 */
static struct io_uring_sqe *sqe_get(struct uring_worker *uw)
{
	uw->sqe_requests++;
	if (uw->fault_every && uw->sqe_requests % uw->fault_every == 0)
		goto none;
	for (int tries = 0; tries < 3; tries++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&uw->ring);

		if (sqe)
			return sqe;
		int r = io_uring_submit(&uw->ring);

		if (r == -EBUSY || r == -EAGAIN)
			io_uring_get_events(&uw->ring); /* moves overflow into freed CQ room */
		else if (r < 0)
			break;
	}
none:
	atomic_fetch_add_explicit(&uw->sqe_shortages, 1, memory_order_relaxed);
	return NULL;
}

static void recycle(struct uring_worker *uw, unsigned bid)
{
	io_uring_buf_ring_add(uw->br, uw->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE,
			      (unsigned short)bid, io_uring_buf_ring_mask(uw->nbufs),
			      (int)uw->recycled++);
}

static void arm_recv(struct uring_worker *uw, struct media_socket *ms)
{
	struct io_uring_sqe *sqe = sqe_get(uw);

	if (!sqe) {
		/* armed with the waiting ones after this round */
		ms->uring_state = RS_REARM;
		g_ptr_array_add(uw->rearm, ms);
		return;
	}
	io_uring_prep_recvmsg_multishot(sqe, ms->fd, &uw->recv_msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BUF_GROUP;
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)ms | TAG_RECV);
	ms->uring_state = RS_ARMED;
}

static void arm_wake(struct uring_worker *uw)
{
	struct io_uring_sqe *sqe = sqe_get(uw);

	uw->wake_pending = !sqe;
	if (!sqe)
		return;
	io_uring_prep_read(sqe, uw->wake_fd, &uw->wake_buf, sizeof(uw->wake_buf), 0);
	io_uring_sqe_set_data64(sqe, TAG_WAKE);
}

/* The socket is read no more: drop the reader's reference. */
static void recv_done(struct uring_worker *uw, struct media_socket *ms)
{
	ms->uring_state = RS_DONE;
	uw->armed--;
	media_socket_unref(ms);
}

static void count_send_error(struct media_socket *in)
{
	pthread_mutex_lock(&in->lock);
	struct stream *s = in->owner;

	if (s) {
		struct call *call = s->media->ml->call;

		pthread_mutex_lock(&call->lock);
		media_route_send_errors(s, 1);
		pthread_mutex_unlock(&call->lock);
	}
	pthread_mutex_unlock(&in->lock);
}

static void on_packet(struct uring_worker *uw, struct media_socket *ms, unsigned bid, int res,
		      int64_t now)
{
	uint8_t *buf = uw->bufs + (size_t)bid * BUF_SIZE;
	struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(buf, res, &uw->recv_msg);
	struct send_slot *sl = &uw->slots[bid];
	struct sockaddr_storage src;

	if (!o || o->namelen > uw->recv_msg.msg_namelen) {
		recycle(uw, bid);
		return;
	}
	memset(&src, 0, sizeof(src));
	memcpy(&src, io_uring_recvmsg_name(o), o->namelen);
	uint8_t *p = io_uring_recvmsg_payload(o, &uw->recv_msg);
	size_t len = io_uring_recvmsg_payload_length(o, res, &uw->recv_msg);
	struct stream *os = NULL;

	pthread_mutex_lock(&ms->lock);
	struct stream *s = ms->owner;

	if (s) {
		struct call *call = s->media->ml->call;

		pthread_mutex_lock(&call->lock);
		os = media_route(s, p, &len, BUF_SIZE - (size_t)(p - buf), o->flags & MSG_TRUNC,
				 &src, now);
		if (os) {
			ms->n_warm = media_route_warm(s, os, ms->warm, MEDIA_SOCKET_WARM);
			sl->dst = os->endpoint;
			sl->out = stream_sock_for(os, os->endpoint.ss_family);
			/* Seen under the call lock: the control thread takes a
			 * socket off a stream under it before it frees it. */
			media_socket_ref(sl->out);
			sl->msg.msg_namelen = sockaddr_len(&os->endpoint);
		}
		pthread_mutex_unlock(&call->lock);
	}
	pthread_mutex_unlock(&ms->lock);
	if (!os) {
		recycle(uw, bid);
		return;
	}
	sl->in = ms;
	media_socket_ref(ms);
	sl->iov = (struct iovec){ p, len };
	sl->msg.msg_name = &sl->dst;
	sl->msg.msg_iov = &sl->iov;
	sl->msg.msg_iovlen = 1;

	struct io_uring_sqe *sqe = sqe_get(uw);

	if (!sqe) {
		/* no room to send: dropped and counted like a failed send */
		count_send_error(ms);
		media_socket_unref(sl->in);
		media_socket_unref(sl->out);
		sl->in = sl->out = NULL;
		recycle(uw, bid);
		return;
	}
	/* MSG_DONTWAIT: a full socket buffer drops the packet (counted), as
	 * a relay should, instead of parking it. */
	io_uring_prep_sendmsg(sqe, sl->out->fd, &sl->msg, MSG_DONTWAIT);
	io_uring_sqe_set_data64(sqe, ((uint64_t)bid << 2) | TAG_SEND);
	uw->inflight++;
}

static void on_recv(struct uring_worker *uw, struct io_uring_cqe *cqe, int64_t now)
{
	struct media_socket *ms = (struct media_socket *)(uintptr_t)(cqe->user_data &
								     ~(uint64_t)TAG_MASK);

	if (cqe->flags & IORING_CQE_F_BUFFER) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		if (cqe->res > 0) {
			uw->round_packets++;
			on_packet(uw, ms, bid, cqe->res, now);
		} else {
			recycle(uw, bid);
		}
	}
	if (cqe->flags & IORING_CQE_F_MORE)
		return;
	/* The multishot receive ended. */
	if (uw->stopping || atomic_load(&ms->closing)) {
		recv_done(uw, ms);
		return;
	}
	if (cqe->res < 0 && cqe->res != -ENOBUFS)
		log_ratelimited(LOG_WARNING, "media socket receive ended: %s", strerror(-cqe->res));
	/* Out of buffers (or an error): again once this round gave some back. */
	if (cqe->res == -ENOBUFS)
		atomic_fetch_add_explicit(&uw->shortages, 1, memory_order_relaxed);
	ms->uring_state = RS_REARM;
	g_ptr_array_add(uw->rearm, ms);
}

static void on_sent(struct uring_worker *uw, struct io_uring_cqe *cqe)
{
	unsigned bid = (unsigned)(cqe->user_data >> 2);
	struct send_slot *sl = &uw->slots[bid];

	if (cqe->res < 0) {
		count_send_error(sl->in);
		log_ratelimited(LOG_DEBUG, "media send: %s", strerror(-cqe->res));
	}
	media_socket_unref(sl->in);
	media_socket_unref(sl->out);
	sl->in = sl->out = NULL;
	recycle(uw, bid);
	uw->inflight--;
}

/* Cancel ms's armed receive; false if no SQE could be had. */
static bool queue_cancel(struct uring_worker *uw, struct media_socket *ms)
{
	struct io_uring_sqe *sqe = sqe_get(uw);

	if (!sqe)
		return false;
	io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)ms | TAG_RECV, 0);
	io_uring_sqe_set_data64(sqe, TAG_CANCEL);
	return true;
}

/* Cancel everything in the kernel (stopping); false if no SQE. */
static bool queue_cancel_all(struct uring_worker *uw)
{
	struct io_uring_sqe *sqe = sqe_get(uw);

	if (!sqe)
		return false;
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, TAG_CANCEL);
	return true;
}

/* What found no SQE earlier: cancels, the stop's cancel, the wake-up. */
static void retry_pending(struct uring_worker *uw)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < uw->cancels->len; i++) {
		struct media_socket *ms = uw->cancels->pdata[i];

		if (ms->uring_state != RS_ARMED || queue_cancel(uw, ms))
			media_socket_unref(ms); /* the control thread's, handed over */
		else
			uw->cancels->pdata[kept++] = ms;
	}
	g_ptr_array_set_size(uw->cancels, kept);
	if (uw->stop_pending)
		uw->stop_pending = !queue_cancel_all(uw);
	if (uw->wake_pending && !uw->stopping)
		arm_wake(uw);
}

static void take_requests(struct uring_worker *uw)
{
	/* Swap the lists with the worker's empty pair: no allocation here. */
	pthread_mutex_lock(&uw->lock);
	GPtrArray *attach = uw->attach, *detach = uw->detach;

	uw->attach = uw->attach_spare;
	uw->detach = uw->detach_spare;
	pthread_mutex_unlock(&uw->lock);

	/* Attaches first: a detach may follow its socket's attach in one batch. */
	for (unsigned i = 0; i < attach->len; i++) {
		struct media_socket *ms = attach->pdata[i];

		uw->armed++;
		if (atomic_load(&ms->closing))
			recv_done(uw, ms);
		else
			arm_recv(uw, ms);
	}
	for (unsigned i = 0; i < detach->len; i++) {
		struct media_socket *ms = detach->pdata[i];

		/* ARMED: the cancelled receive's last completion ends it. REARM:
		 * rearm_waiting, later in this round, ends it (it is closing);
		 * the reader's reference keeps it alive until then. */
		if (ms->uring_state == RS_ARMED && !queue_cancel(uw, ms)) {
			/* tried again after this round; the reference waits */
			g_ptr_array_add(uw->cancels, ms);
			continue;
		}
		media_socket_unref(ms); /* the control thread's, handed over */
	}
	g_ptr_array_set_size(attach, 0);
	g_ptr_array_set_size(detach, 0);
	uw->attach_spare = attach;
	uw->detach_spare = detach;
}

static void rearm_waiting(struct uring_worker *uw)
{
	unsigned n = uw->rearm->len;

	/* One that finds no SQE is added again behind these: the next round's. */
	for (unsigned i = 0; i < n; i++) {
		struct media_socket *ms = uw->rearm->pdata[i];

		if (ms->uring_state != RS_REARM)
			continue;
		if (uw->stopping || atomic_load(&ms->closing))
			recv_done(uw, ms);
		else
			arm_recv(uw, ms);
	}
	g_ptr_array_remove_range(uw->rearm, 0, n);
}

/* Work that waits for an SQE: the loop must not sleep without a timeout. */
static bool pending(const struct uring_worker *uw)
{
	return uw->rearm->len || uw->cancels->len || uw->stop_pending || uw->wake_pending;
}

/*
 * Prefetching (prefetch.h). A round's completions are known up front: while
 * it handles one, the worker fetches the lines of those a few places
 * ahead, first the socket (which keeps the spans its last packet read,
 * media_route_warm), then those spans; for a finished send, its slot, then
 * the sockets whose references it drops.
 */
static void fetch(const void *p, size_t size)
{
	prefetch_span s;

	if (prefetch_span_add(&s, 0, 1, p, size))
		prefetch_span_fetch(s);
}

static void warm_first(struct uring_worker *uw, const struct io_uring_cqe *c)
{
	switch (c->user_data & TAG_MASK) {
	case TAG_RECV:
		fetch((void *)(uintptr_t)(c->user_data & ~(uint64_t)TAG_MASK),
		      sizeof(struct media_socket));
		break;
	case TAG_SEND:
		fetch(&uw->slots[c->user_data >> 2], sizeof(struct send_slot));
		break;
	default:
		break;
	}
}

static void warm_second(struct uring_worker *uw, const struct io_uring_cqe *c)
{
	switch (c->user_data & TAG_MASK) {
	case TAG_RECV: {
		/* referenced by its armed receive, which this completion is of */
		const struct media_socket *ms = (void *)(uintptr_t)(c->user_data &
								    ~(uint64_t)TAG_MASK);

		for (unsigned i = 0; i < ms->n_warm; i++)
			prefetch_span_fetch(ms->warm[i]);
		break;
	}
	case TAG_SEND: {
		const struct send_slot *sl = &uw->slots[c->user_data >> 2];

		if (sl->in)
			fetch(&sl->in->refs, sizeof(sl->in->refs));
		if (sl->out)
			fetch(&sl->out->refs, sizeof(sl->out->refs));
		break;
	}
	default:
		break;
	}
}

/* Handle what completed. */
static void round_once(struct uring_worker *uw)
{
	unsigned n = 0;
	bool woken = false;
	int64_t now = clock_mono_us();

	/* Each completion is consumed before it is handled: a handler that
	 * needs an SQE may have to submit, and the kernel wants room in the
	 * completion queue for that. Bounded: what arrives meanwhile waits
	 * for the next round. */
	while (n < uw->cq_entries) {
		struct io_uring_cqe *at[ROUND_BATCH], batch[ROUND_BATCH];
		unsigned got = io_uring_peek_batch_cqe(&uw->ring, at,
						       MIN(ROUND_BATCH, uw->cq_entries - n));

		if (!got)
			break;
		for (unsigned i = 0; i < got; i++)
			batch[i] = *at[i];
		io_uring_cq_advance(&uw->ring, got);
		n += got;
		/* Two stages ahead of the completion handled: the socket (and
		 * the addresses it keeps), then those addresses. */
		for (unsigned i = 0; i < got && i < 2 * WARM_AHEAD; i++)
			warm_first(uw, &batch[i]);
		for (unsigned i = 0; i < got && i < WARM_AHEAD; i++)
			warm_second(uw, &batch[i]);
		for (unsigned i = 0; i < got; i++) {
			struct io_uring_cqe *c = &batch[i];

			if (i + 2 * WARM_AHEAD < got)
				warm_first(uw, &batch[i + 2 * WARM_AHEAD]);
			if (i + WARM_AHEAD < got)
				warm_second(uw, &batch[i + WARM_AHEAD]);
			switch (c->user_data & TAG_MASK) {
			case TAG_RECV:
				on_recv(uw, c, now);
				break;
			case TAG_SEND:
				on_sent(uw, c);
				break;
			case TAG_WAKE:
				woken = true;
				break;
			default:
				break; /* a cancel's own completion */
			}
		}
	}
	if (woken) {
		/* Stop is read before the requests are taken: every request
		 * posted before the stop (all of them, by contract) is taken
		 * now, none is left behind in the lists. */
		bool stop = atomic_load(&uw->stop);

		take_requests(uw);
		if (stop && !uw->stopping) {
			/* Everything left in the kernel ends; nothing is re-armed. */
			uw->stopping = true;
			uw->stop_pending = !queue_cancel_all(uw);
		} else if (!uw->stopping) {
			arm_wake(uw);
		}
	} else if (uw->stopping) {
		take_requests(uw); /* no wake-ups now: nothing may stay behind */
	}
	if (uw->recycled) {
		io_uring_buf_ring_advance(uw->br, (int)uw->recycled);
		uw->recycled = 0;
	}
	rearm_waiting(uw);
	retry_pending(uw);
}

static int ring_setup(struct uring_worker *uw, char **why)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			 IORING_SETUP_CQSIZE,
		/* every buffer's receive and send completion at once */
		.cq_entries = MAX(RING_CQ_MIN, 4 * uw->nbufs),
	};
	int r = io_uring_queue_init_params(RING_ENTRIES, &uw->ring, &p);

	if (r < 0) {
		*why = g_strdup_printf("io_uring_setup: %s (needs Linux 6.1)", strerror(-r));
		return -1;
	}
	uw->cq_entries = p.cq_entries;
	uw->br_size = uw->nbufs * sizeof(struct io_uring_buf);
	uw->br = mmap(NULL, uw->br_size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1,
		      0);
	if (uw->br == MAP_FAILED) {
		uw->br = NULL;
		*why = g_strdup_printf("buffer ring: %s", strerror(errno));
		goto err_ring;
	}
	struct io_uring_buf_reg reg = {
		.ring_addr = (uintptr_t)uw->br,
		.ring_entries = uw->nbufs,
		.bgid = BUF_GROUP,
	};

	r = io_uring_register_buf_ring(&uw->ring, &reg, 0);
	if (r < 0) {
		*why = g_strdup_printf("registering the buffer ring: %s", strerror(-r));
		goto err_unmap;
	}
	io_uring_buf_ring_init(uw->br);
	for (unsigned i = 0; i < uw->nbufs; i++)
		recycle(uw, i);
	io_uring_buf_ring_advance(uw->br, (int)uw->recycled);
	uw->recycled = 0;
	return 0;

err_unmap:
	munmap(uw->br, uw->br_size);
	uw->br = NULL;
err_ring:
	io_uring_queue_exit(&uw->ring);
	return -1;
}

static void ring_teardown(struct uring_worker *uw)
{
	io_uring_unregister_buf_ring(&uw->ring, BUF_GROUP);
	munmap(uw->br, uw->br_size);
	io_uring_queue_exit(&uw->ring);
}

static void init_report(struct uring_worker *uw, int state, char *why)
{
	pthread_mutex_lock(&uw->init_lock);
	uw->init_done = state;
	uw->init_why = why;
	pthread_cond_signal(&uw->init_cond);
	pthread_mutex_unlock(&uw->init_lock);
}

static void *uring_main(void *arg)
{
	struct uring_worker *uw = arg;
	char *why = NULL;
	sigset_t all;

	char name[16];

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the main loop's */
	snprintf(name, sizeof(name), "media-%u", uw->index);
	thread_sched_self(THREAD_MEDIA, name);
	/* Single issuer: the ring belongs to the thread that creates it. */
	if (ring_setup(uw, &why) < 0) {
		init_report(uw, -1, why);
		return NULL;
	}
	arm_wake(uw);
	init_report(uw, 1, NULL);

	bool busy = false; /* the last round received packets enough to coalesce */
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = (long long)uw->coalesce_us * 1000 };
	/* how soon work that found no SQE is tried again when nothing else happens */
	struct __kernel_timespec retry_ts = { .tv_sec = 0, .tv_nsec = 1000000 };

	while (!(uw->stopping && uw->armed == 0 && uw->inflight == 0)) {
		struct io_uring_cqe *cqe;
		int r;

		/* Busy: gather a batch, bounded in time; idle: sleep until
		 * something happens. */
		if (busy && uw->coalesce_us)
			r = io_uring_submit_and_wait_timeout(&uw->ring, &cqe, COALESCE_BATCH, &ts,
							     NULL);
		else if (pending(uw))
			r = io_uring_submit_and_wait_timeout(&uw->ring, &cqe, 1, &retry_ts, NULL);
		else
			r = io_uring_submit_and_wait(&uw->ring, 1);
		if (r < 0 && r != -EINTR && r != -ETIME && r != -EAGAIN && r != -EBUSY)
			log_ratelimited(LOG_ERR, "media worker %u: io_uring_enter: %s", uw->index,
					strerror(-r));
		uw->round_packets = 0;
		round_once(uw);
		busy = uw->round_packets >= COALESCE_AFTER;
	}
	ring_teardown(uw);
	return NULL;
}

/* What uring_worker_start allocated, once the thread is gone. */
static void worker_free(struct uring_worker *uw)
{
	g_ptr_array_free(uw->rearm, true);
	g_ptr_array_free(uw->cancels, true);
	g_ptr_array_free(uw->attach, true);
	g_ptr_array_free(uw->detach, true);
	g_ptr_array_free(uw->attach_spare, true);
	g_ptr_array_free(uw->detach_spare, true);
	pthread_mutex_destroy(&uw->lock);
	pthread_mutex_destroy(&uw->init_lock);
	pthread_cond_destroy(&uw->init_cond);
	g_free(uw->bufs);
	g_free(uw->slots);
	g_free(uw);
}

struct uring_worker *uring_worker_start(unsigned index, unsigned coalesce_us, unsigned nbufs,
					char **why)
{
	struct uring_worker *uw = g_new0(struct uring_worker, 1);

	uw->index = index;
	uw->coalesce_us = coalesce_us;
	uw->nbufs = nbufs;
	uw->slots = g_new0(struct send_slot, nbufs);
	uw->bufs = g_malloc((size_t)nbufs * BUF_SIZE);
	uw->recv_msg.msg_namelen = sizeof(struct sockaddr_in6);
	uw->rearm = g_ptr_array_new();
	uw->cancels = g_ptr_array_new();
	/* Fault injection for tests only: every Nth SQE request fails. */
	const char *fault = getenv("RTPRELAY_FAULT_URING_SQE");

	uw->fault_every = fault ? (unsigned)strtoul(fault, NULL, 10) : 0;
	uw->attach = g_ptr_array_new();
	uw->detach = g_ptr_array_new();
	uw->attach_spare = g_ptr_array_new();
	uw->detach_spare = g_ptr_array_new();
	pthread_mutex_init(&uw->lock, NULL);
	pthread_mutex_init(&uw->init_lock, NULL);
	pthread_cond_init(&uw->init_cond, NULL);
	uw->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (uw->wake_fd < 0) {
		*why = g_strdup_printf("eventfd: %s", strerror(errno));
		goto err;
	}
	if (pthread_create(&uw->thread, NULL, uring_main, uw) != 0)
		fatal("cannot start worker thread");
	pthread_mutex_lock(&uw->init_lock);
	while (!uw->init_done)
		pthread_cond_wait(&uw->init_cond, &uw->init_lock);
	pthread_mutex_unlock(&uw->init_lock);
	if (uw->init_done > 0)
		return uw;
	pthread_join(uw->thread, NULL);
	*why = uw->init_why;
	close(uw->wake_fd);
err:
	worker_free(uw);
	return NULL;
}

static void wake(struct uring_worker *uw)
{
	uint64_t one = 1;

	/* Only fails when the counter would overflow: it is awake then. */
	if (write(uw->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_ratelimited(LOG_ERR, "waking media worker %u: %s", uw->index, strerror(errno));
}

void uring_worker_stop(struct uring_worker *uw)
{
	if (!uw)
		return;
	atomic_store(&uw->stop, true);
	wake(uw);
	pthread_join(uw->thread, NULL);
	close(uw->wake_fd);
	worker_free(uw);
}

static void request(struct uring_worker *uw, GPtrArray **list, struct media_socket *ms)
{
	pthread_mutex_lock(&uw->lock);
	g_ptr_array_add(*list, ms);
	pthread_mutex_unlock(&uw->lock);
	wake(uw);
}

uint64_t uring_worker_shortages(const struct uring_worker *uw)
{
	return atomic_load_explicit(&uw->shortages, memory_order_relaxed);
}

uint64_t uring_worker_sqe_shortages(const struct uring_worker *uw)
{
	return atomic_load_explicit(&uw->sqe_shortages, memory_order_relaxed);
}

void uring_worker_attach(struct uring_worker *uw, struct media_socket *ms)
{
	ms->uring_state = RS_NEW;
	media_socket_ref(ms); /* the reader's */
	request(uw, &uw->attach, ms);
}

void uring_worker_detach(struct uring_worker *uw, struct media_socket *ms)
{
	request(uw, &uw->detach, ms);
}
