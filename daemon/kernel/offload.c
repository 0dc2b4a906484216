/* The per-stream kernel offload state machine; see offload.h. */
#define LOG_SUBSYS kernel
#include "kernel/offload.h"

#include <errno.h>
#include <event2/event.h>
#include <glib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include "bufferpool.h"
#include "call/call.h"
#include "call/media.h"
#include "clock.h"
#include "config/config.h"
#include "crypto/dtls.h"
#include "crypto/media_sdes.h"
#include "ice/agent.h"
#include "kernel/setup.h"
#include "kernel/table.h"
#include "log.h"
#include "rtprelay.h"
#include "sockaddr.h"

/* A recurring cause is logged again at most this often. */
#define CAUSE_LOG_INTERVAL_US (60 * 1000000LL)
/* errno values; larger ones share the last slot */
#define CAUSES 160
/* How often the control thread checks that the descriptor still works
 * while targets are installed. */
#define PROBE_SECONDS 1
/* Most counters moved out of sparse shards per probe. */
#define MOVE_BATCH 256

/* query's "kernel" value per reason */
static const char *const reason_names[OFFLOAD_REASONS] = {
	[OFFLOAD_UNCHECKED] = "not checked yet",
	[OFFLOAD_KERNEL] = "kernelized",
	[OFFLOAD_NO_KERNEL] = "no kernel support",
	[OFFLOAD_KERNEL_GONE] = "kernel table failed",
	[OFFLOAD_NO_SOCKET] = "no socket",
	[OFFLOAD_RTCP] = "RTCP port",
	[OFFLOAD_LEARNING] = "learning",
	[OFFLOAD_NO_PEER] = "no peer",
	[OFFLOAD_PEER_LEARNING] = "peer learning",
	[OFFLOAD_STRICT_SOURCE] = "strict source",
	[OFFLOAD_BLOCKED] = "blocked",
	[OFFLOAD_SILENCED] = "silenced",
	[OFFLOAD_OVER_RATE] = "over media-max-pps",
	[OFFLOAD_SRTP] = "SRTP",
	[OFFLOAD_ICE] = "ICE",
	[OFFLOAD_UNPINNED] = "memory not pinned",
	[OFFLOAD_ADD_FAILED] = "target refused", /* query adds ": <the errno's text>" */
};

enum op { OP_ADD, OP_REPLACE, OP_DEL, OP_TABLE, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "target add", "target replace", "target delete",
						"table" };

struct counters {
	uint64_t targets; /* installed now */
	uint64_t adds, add_failures;
	uint64_t replaces, replace_failures;
	uint64_t dels, del_failures;
	uint64_t table_failures; /* the descriptor failed: all back to user space */
	uint64_t over_rate;      /* streams taken back for media-max-pps */
	uint64_t moves;          /* counters moved out of a sparse shard */
	uint64_t move_skips;     /* a replacement came from the same shard */
	uint64_t kicks;          /* updated atomically (workers) */
};

static struct {
	struct rtprelay *rp;
	struct ktable *kt;   /* NULL: user space only (never or no more) */
	bool active;         /* kt and not gone: workers' kicks count (atomic) */
	int64_t probe_at_us; /* the last probe (monotonic) */
	char *move_resume;   /* call-id where the next move walk starts */
	unsigned table_id;   /* for the log */
	bool gone;           /* kt failed: reason KERNEL_GONE from now on */
	int gone_err;
	bool sweep_pending; /* gone: streams still marked installed */
	struct event *ev;   /* kicks, the sweep */
	struct event *probe;
	pthread_mutex_t lock; /* kicked */
	GPtrArray *kicked;    /* call-ids (g_strdup) to re-check */
	struct counters n;
	int64_t logged_at[OP_COUNT][CAUSES]; /* control thread */
	uint64_t unlogged[OP_COUNT][CAUSES];
} off = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Log a failure once per cause, then at most once a minute. */
static void log_cause(enum op op, int err, const char *consequence)
{
	unsigned cause = (unsigned)-err < CAUSES ? (unsigned)-err : CAUSES - 1;
	int64_t now = clock_mono_us() + 1;

	if (off.logged_at[op][cause] && now - off.logged_at[op][cause] < CAUSE_LOG_INTERVAL_US) {
		off.unlogged[op][cause]++;
		return;
	}
	if (off.unlogged[op][cause])
		log_warnx("kernel table %u: %s failed: %s; %s (%llu more since the last report)",
			  off.table_id, op_names[op], strerror(-err), consequence,
			  (unsigned long long)off.unlogged[op][cause]);
	else
		log_warnx("kernel table %u: %s failed: %s; %s", off.table_id, op_names[op],
			  strerror(-err), consequence);
	off.logged_at[op][cause] = now;
	off.unlogged[op][cause] = 0;
}

/* Errors that say the descriptor itself is broken, not the command. */
static bool table_broken(int err)
{
	return err == -EIO || err == -ENODEV || err == -ENXIO || err == -EBADF || err == -EPIPE ||
	       err == -EPROTO;
}

static void table_failed(int err)
{
	if (off.gone)
		return;
	off.gone = true;
	__atomic_store_n(&off.active, false, __ATOMIC_RELAXED);
	off.gone_err = err;
	off.sweep_pending = true;
	off.n.table_failures++;
	log_cause(OP_TABLE, err, "every stream goes back to user space");
	/* The other calls are swept from the loop: a call lock may be held. */
	event_active(off.ev, EV_READ, 0);
}

/* A target command (op) the module refused: a broken descriptor takes
 * every stream back to user space, anything else only the one stream. */
static void target_failed(enum op op, int err)
{
	if (table_broken(err))
		table_failed(err);
	else
		log_cause(op, err, "the stream is relayed in user space");
}

static void to_addr(struct rtprelay_addr *a, const struct sockaddr_storage *ss, uint16_t port)
{
	*a = (struct rtprelay_addr){ 0 };
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a->family = RTPRELAY_AF_INET;
		memcpy(a->addr, &s4->sin_addr, 4);
		a->port = port ? htons(port) : s4->sin_port;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		a->family = RTPRELAY_AF_INET6;
		memcpy(a->addr, &s6->sin6_addr, 16);
		a->port = port ? htons(port) : s6->sin6_port;
	}
}

/* The other side's RTP stream that s's packets go out of; NULL if none. */
static struct stream *egress_of(struct stream *s)
{
	struct media *m = s->media;
	struct monologue *peer = m->ml->peer;
	struct media *pm = peer && m->index - 1 < peer->medias->len
				   ? peer->medias->pdata[m->index - 1]
				   : NULL;

	if (!pm || pm->rejected || m->rejected)
		return NULL;
	return &pm->streams[STREAM_RTP];
}

static bool committed(const struct stream *s)
{
	const struct media *m = s->media;

	return m->asymmetric || s->learn.state == LEARN_COMMITTED;
}

/*
 * What s should have: OFFLOAD_KERNEL with *t and *egress filled, or the
 * reason it stays in user space. Call lock held.
 */
static enum offload_reason want(struct stream *s, struct rtprelay_target *t, struct stream **egress)
{
	struct media *m = s->media;
	struct stream *os;
	struct media *pm;

	if (off.gone)
		return OFFLOAD_KERNEL_GONE;
	if (!off.kt)
		return OFFLOAD_NO_KERNEL;
	if (!s->sock || !m->ports.intf)
		return OFFLOAD_NO_SOCKET;
	if (s->kind == STREAM_RTCP)
		return OFFLOAD_RTCP;
	os = egress_of(s);
	if (!os || !os->sock || !os->media->ports.intf || sockaddr_is_any(&os->endpoint))
		return OFFLOAD_NO_PEER;
	pm = os->media;
	if (m->ml->block_media)
		return OFFLOAD_BLOCKED;
	if (m->ml->silence_media)
		return OFFLOAD_SILENCED;
	if (s->koff.over_rate)
		return OFFLOAD_OVER_RATE;
	if ((m->sdes && m->sdes->in) || (pm->sdes && pm->sdes->out) ||
	    (m->dtls && m->dtls->in_use) || (pm->dtls && pm->dtls->in_use))
		return OFFLOAD_SRTP;
	/* the agent decides where media goes, and stops it without consent */
	if (m->ice || pm->ice)
		return OFFLOAD_ICE;
	if (!bufferpool_is_pinned(off.rp->pool, s->stats))
		return OFFLOAD_UNPINNED;
	if (!committed(s))
		return OFFLOAD_LEARNING;
	/* learning off with strict-source drops even the party's own
	 * packets unless they come from the SDP address (learning.c) */
	if (m->learning == EL_OFF && m->strict_source && !m->asymmetric &&
	    !sockaddr_eq(&s->learn.source, &s->advertised))
		return OFFLOAD_STRICT_SOURCE;
	/* learning off sends to the SDP address whatever the party does */
	if (pm->learning != EL_OFF && !committed(os))
		return OFFLOAD_PEER_LEARNING;

	*t = (struct rtprelay_target){ 0 };
	to_addr(&t->local, &m->ports.intf->local, s->local_port);
	if (!m->asymmetric) {
		/* Anyone else goes to user space: learning, strict source
		 * and the stranger rate stay there. */
		to_addr(&t->expected_src, &s->learn.source, 0);
		t->flags |= RTPRELAY_TARGET_OTHER_SOURCE_TO_USER;
	}
	to_addr(&t->src_out, &pm->ports.intf->local, os->local_port);
	to_addr(&t->dst_out, &os->endpoint, 0);
	if (m->rtcp_mux)
		t->flags |= RTPRELAY_TARGET_RTCP_MUX;
	t->stats_addr = (uintptr_t)s->stats;
	t->tos = off.rp->cfg->tos > 0 ? (uint8_t)off.rp->cfg->tos : 0;
	*egress = os;
	return OFFLOAD_KERNEL;
}

/* Delete s's target (if any); s goes back to user space for reason. */
static void del_target(struct stream *s, enum offload_reason reason)
{
	struct stream_offload *o = &s->koff;

	o->reason = reason;
	if (!o->installed)
		return;
	o->installed = false;
	o->egress = NULL;
	off.n.targets--;
	if (!off.kt || off.gone)
		return;
	int err = ktable_target_del(off.kt, &o->target.local);

	if (!err || err == -ENOENT) {
		off.n.dels++;
		return;
	}
	off.n.del_failures++;
	target_failed(OP_DEL, err);
}

/* The module refused to replace s's target: nothing changed there, so the
 * old target must go; the stream is relayed in user space. */
static void replace_failed(struct stream *s, int err)
{
	off.n.replace_failures++;
	del_target(s, OFFLOAD_ADD_FAILED);
	s->koff.err = -err;
	target_failed(OP_REPLACE, err);
}

static void sync_stream(struct stream *s)
{
	struct stream_offload *o = &s->koff;
	struct rtprelay_target t;
	struct stream *egress = NULL;
	enum offload_reason r = want(s, &t, &egress);
	int err;

	o->kicked = false;
	if (r != OFFLOAD_KERNEL) {
		del_target(s, r);
		return;
	}
	if (o->installed && !memcmp(&o->target, &t, sizeof(t))) {
		o->egress = egress;
		return;
	}
	if (o->installed && memcmp(&o->target.local, &t.local, sizeof(t.local)))
		del_target(s, OFFLOAD_NO_SOCKET); /* a new key: never two targets */
	if (o->installed) {
		err = ktable_target_replace(off.kt, &t);
		if (!err) {
			off.n.replaces++;
			o->target = t;
			o->egress = egress;
			o->reason = OFFLOAD_KERNEL;
			return;
		}
		replace_failed(s, err);
		return;
	}
	err = ktable_target_add(off.kt, &t);
	if (err) {
		off.n.add_failures++;
		o->reason = OFFLOAD_ADD_FAILED;
		o->err = -err;
		target_failed(OP_ADD, err);
		return;
	}
	off.n.adds++;
	off.n.targets++;
	o->probe_packets = __atomic_load_n(&s->stats->kernel_packets, __ATOMIC_RELAXED);
	o->installed = true;
	o->was_installed = true;
	o->target = t;
	o->egress = egress;
	o->reason = OFFLOAD_KERNEL;
}

/* Every stream of call, call lock held. */
static void sync_locked(struct call *call)
{
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		for (unsigned j = 0; j < ml->medias->len; j++) {
			struct media *m = ml->medias->pdata[j];

			for (int k = 0; k < 2; k++)
				sync_stream(&m->streams[k]);
		}
	}
}

void offload_sync_call(struct call *call)
{
	if (!off.rp)
		return;
	pthread_mutex_lock(&call->lock);
	sync_locked(call);
	pthread_mutex_unlock(&call->lock);
}

void offload_media_release_locked(struct media *m)
{
	struct call *call = m->ml->call;

	if (!off.rp)
		return;
	for (int k = 0; k < 2; k++)
		del_target(&m->streams[k], OFFLOAD_NO_SOCKET);
	for (unsigned i = 0; i < call->monologues->len; i++) {
		struct monologue *ml = call->monologues->pdata[i];

		for (unsigned j = 0; j < ml->medias->len; j++) {
			struct media *om = ml->medias->pdata[j];

			for (int k = 0; k < 2; k++) {
				struct stream *s = &om->streams[k];

				if (s->koff.installed &&
				    (s->koff.egress == &m->streams[STREAM_RTP] ||
				     s->koff.egress == &m->streams[STREAM_RTCP]))
					del_target(s, OFFLOAD_NO_PEER);
			}
		}
	}
}

void offload_kick(struct stream *s)
{
	if (!__atomic_load_n(&off.active, __ATOMIC_ACQUIRE) || s->koff.kicked)
		return;
	s->koff.kicked = true;
	__atomic_fetch_add(&off.n.kicks, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&off.lock);
	g_ptr_array_add(off.kicked, g_strdup(s->media->ml->call->callid));
	pthread_mutex_unlock(&off.lock);
	/* libevent with pthreads: safe from any thread, wakes the loop */
	event_active(off.ev, EV_READ, 0);
}

uint64_t offload_kernel_packets_since(struct stream *s)
{
	/* Never in the kernel: nothing to read (a cold cache line per
	 * packet otherwise). Set under the call lock, as this is read. */
	if (!s->koff.was_installed)
		return 0;
	uint64_t kp = __atomic_load_n(&s->stats->kernel_packets, __ATOMIC_RELAXED);
	uint64_t n = kp - s->koff.kernel_seen;

	s->koff.kernel_seen = kp;
	return n;
}

/* Every stream of every call back to user space (the table failed). */
static void sweep(void)
{
	off.sweep_pending = false;
	for (GList *l = calls_list(off.rp->calls); l; l = l->next) {
		struct call *call = l->data;

		pthread_mutex_lock(&call->lock);
		sync_locked(call); /* no table: everything is deleted */
		pthread_mutex_unlock(&call->lock);
	}
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	GPtrArray *ids;

	(void)fd, (void)what, (void)arg;
	if (off.gone && off.kt) {
		/* Closing is not ours (kernel_stop); stop using it. */
		off.kt = NULL;
	}
	if (off.sweep_pending)
		sweep();
	pthread_mutex_lock(&off.lock);
	ids = off.kicked;
	off.kicked = g_ptr_array_new_with_free_func(g_free);
	pthread_mutex_unlock(&off.lock);
	for (unsigned i = 0; i < ids->len; i++) {
		const char *id = ids->pdata[i];
		struct call *call = call_find(off.rp->calls, str_from((char *)id));

		if (call)
			offload_sync_call(call);
	}
	g_ptr_array_free(ids, TRUE);
}

/*
 * media-max-pps holds in the kernel too: a stream the module forwarded
 * faster than that over the last probe period (plus the tenth of a second
 * user space allows as a burst) goes back to user space, where the limit
 * applies, for the rest of its life. Call lock held.
 */
static void rate_check(struct stream *s, int64_t period_us)
{
	struct stream_offload *o = &s->koff;
	unsigned max_pps = s->media->max_pps;

	if (!o->installed)
		return;
	uint64_t kp = __atomic_load_n(&s->stats->kernel_packets, __ATOMIC_RELAXED);
	uint64_t n = kp - o->probe_packets;

	o->probe_packets = kp;
	if (!max_pps || n <= (uint64_t)max_pps * (uint64_t)period_us / 1000000 + max_pps / 10)
		return;
	o->over_rate = true;
	off.n.over_rate++;
	del_target(s, OFFLOAD_OVER_RATE);
	log_info("kernel table %u: a stream forwarded %llu packets in %lld ms (media-max-pps %u): "
		 "back to user space",
		 off.table_id, (unsigned long long)n, (long long)period_us / 1000, max_pps);
}

/* A consistent-enough copy of stats the kernel may be writing. */
static void stats_copy(struct rtprelay_stream_stats *dst, struct rtprelay_stream_stats *src)
{
	uint64_t *const d64[] = { &dst->packets,         &dst->bytes,
				  &dst->errors,          &dst->last_packet_us,
				  &dst->dropped_invalid, &dst->dropped_source,
				  &dst->dropped_no_peer, &dst->dropped_blocked,
				  &dst->kernel_packets,  &dst->kernel_bytes };
	uint64_t *const s64[] = { &src->packets,         &src->bytes,
				  &src->errors,          &src->last_packet_us,
				  &src->dropped_invalid, &src->dropped_source,
				  &src->dropped_no_peer, &src->dropped_blocked,
				  &src->kernel_packets,  &src->kernel_bytes };

	for (size_t i = 0; i < G_N_ELEMENTS(d64); i++)
		*d64[i] = __atomic_load_n(s64[i], __ATOMIC_RELAXED);
	for (int i = 0; i < RTPRELAY_STATS_SSRCS; i++) {
		dst->ssrc[i].ssrc = __atomic_load_n(&src->ssrc[i].ssrc, __ATOMIC_RELAXED);
		dst->ssrc[i].packets = __atomic_load_n(&src->ssrc[i].packets, __ATOMIC_RELAXED);
		dst->ssrc[i].last_seq = __atomic_load_n(&src->ssrc[i].last_seq, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < RTPRELAY_STATS_PTS; i++) {
		dst->pt[i].payload_type = __atomic_load_n(&src->pt[i].payload_type,
							  __ATOMIC_RELAXED);
		dst->pt[i].packets = __atomic_load_n(&src->pt[i].packets, __ATOMIC_RELAXED);
	}
}

/* What the kernel added to old since snap was taken, added to dst (the
 * counters the module writes; per-SSRC and per-payload-type entries of
 * those few packets are not carried over). */
static void stats_fold(struct rtprelay_stream_stats *dst, struct rtprelay_stream_stats *old,
		       const struct rtprelay_stream_stats *snap)
{
	struct rtprelay_stream_stats now;

	stats_copy(&now, old);
	__atomic_fetch_add(&dst->packets, now.packets - snap->packets, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dst->bytes, now.bytes - snap->bytes, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dst->errors, now.errors - snap->errors, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dst->dropped_source, now.dropped_source - snap->dropped_source,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&dst->kernel_packets, now.kernel_packets - snap->kernel_packets,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&dst->kernel_bytes, now.kernel_bytes - snap->kernel_bytes,
			   __ATOMIC_RELAXED);
	if (now.last_packet_us > __atomic_load_n(&dst->last_packet_us, __ATOMIC_RELAXED))
		__atomic_store_n(&dst->last_packet_us, now.last_packet_us, __ATOMIC_RELAXED);
}

/*
 * Pins follow live memory after a load drop: s's counters sit in a sparse
 * shard (bufferpool_should_move) that only long-lived streams keep alive;
 * give them a new home so the shard empties and is unpinned. Allocate,
 * copy, point the stream (workers: under the call lock we hold) and its
 * target (REPLACE) at the copy, add what the kernel counted meanwhile, and
 * free the old copy, which the pool keeps in quarantine until a barrier.
 * Only pinned shards: moving out of user-space memory unpins nothing.
 * Call lock held. True if it tried (moved, or the replacement came from
 * the same shard).
 */
static bool move_stats(struct stream *s)
{
	struct bufferpool *pool = off.rp->pool;
	struct stream_offload *o = &s->koff;
	struct rtprelay_stream_stats *old = s->stats, *new, snap;
	int err;

	if (!bufferpool_is_pinned(pool, old) || !bufferpool_should_move(pool, old))
		return false;
	new = bufferpool_alloc(pool, sizeof(*new), BUFFERPOOL_KERNEL);
	if (!new)
		return true;
	if (bufferpool_shard_base(pool, new) == bufferpool_shard_base(pool, old) ||
	    !bufferpool_is_pinned(pool, new)) {
		bufferpool_free(pool, new);
		off.n.move_skips++;
		return true;
	}
	stats_copy(&snap, old);
	*new = snap;
	s->stats = new;
	if (o->installed) {
		struct rtprelay_target t = o->target;

		t.stats_addr = (uintptr_t) new;
		err = ktable_target_replace(off.kt, &t);
		if (!err) {
			off.n.replaces++;
			o->target = t;
		} else {
			replace_failed(s, err);
		}
		stats_fold(new, old, &snap);
	}
	bufferpool_free(pool, old);
	off.n.moves++;
	return true;
}

/*
 * Up to MOVE_BATCH tries to move counters out of sparse shards, going on
 * from the call where the last walk stopped (by call-id: that call may be
 * gone), so every long-lived stream gets its turn.
 */
static void move_sparse(void)
{
	unsigned tried = 0;
	GList *l = calls_list(off.rp->calls);

	if (off.move_resume) {
		struct call *from = call_find(off.rp->calls, str_from(off.move_resume));

		if (from)
			l = from->link;
		g_free(off.move_resume);
		off.move_resume = NULL;
	}
	for (; l; l = l->next) {
		struct call *call = l->data;

		if (tried >= MOVE_BATCH) {
			off.move_resume = g_strdup(call->callid);
			break;
		}
		pthread_mutex_lock(&call->lock);
		for (unsigned i = 0; i < call->monologues->len; i++) {
			struct monologue *ml = call->monologues->pdata[i];

			for (unsigned j = 0; j < ml->medias->len; j++) {
				struct media *m = ml->medias->pdata[j];

				for (int k = 0; k < 2; k++)
					tried += move_stats(&m->streams[k]);
			}
		}
		pthread_mutex_unlock(&call->lock);
	}
}

/* While targets are installed: does the descriptor still work, and does
 * every stream keep within media-max-pps? Then counters out of sparse
 * shards. */
static void rate_checks(int64_t period)
{
	for (GList *l = calls_list(off.rp->calls); l && off.n.targets; l = l->next) {
		struct call *call = l->data;

		pthread_mutex_lock(&call->lock);
		for (unsigned i = 0; i < call->monologues->len; i++) {
			struct monologue *ml = call->monologues->pdata[i];

			for (unsigned j = 0; j < ml->medias->len; j++) {
				struct media *m = ml->medias->pdata[j];

				rate_check(&m->streams[STREAM_RTP], period);
			}
		}
		pthread_mutex_unlock(&call->lock);
	}
}

static void on_probe(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = clock_mono_us(), period = now - off.probe_at_us;

	(void)fd, (void)what, (void)arg;
	off.probe_at_us = now;
	if (!off.kt || off.gone)
		return;
	if (off.n.targets) {
		long n = ktable_target_count(off.kt);

		if (n < 0 && table_broken((int)n)) {
			table_failed((int)n);
			return;
		}
		rate_checks(period);
	}
	if (!off.gone)
		move_sparse();
}

void offload_start(struct rtprelay *rp, const struct kernel *k)
{
	struct timeval tv = { .tv_sec = PROBE_SECONDS };

	off.kt = k ? k->table : NULL;
	off.table_id = off.kt ? ktable_id(off.kt) : 0;
	off.kicked = g_ptr_array_new_with_free_func(g_free);
	off.ev = event_new(rp->base, -1, 0, on_event, NULL);
	off.probe = event_new(rp->base, -1, EV_PERSIST, on_probe, NULL);
	off.probe_at_us = clock_mono_us();
	event_add(off.probe, &tv);
	off.rp = rp;
	__atomic_store_n(&off.active, off.kt != NULL, __ATOMIC_RELEASE);
	if (off.kt)
		log_notice("kernel table %u: streams are handed to the kernel once established",
			   ktable_id(off.kt));
}

void offload_stop(void)
{
	if (!off.rp)
		return;
	if (off.n.adds)
		log_info("kernel offload: %llu targets added, %llu add failures, %llu replaced, "
			 "%llu deleted",
			 (unsigned long long)off.n.adds, (unsigned long long)off.n.add_failures,
			 (unsigned long long)off.n.replaces, (unsigned long long)off.n.dels);
	__atomic_store_n(&off.active, false, __ATOMIC_RELEASE);
	off.rp = NULL;
	event_free(off.probe);
	event_free(off.ev);
	g_ptr_array_free(off.kicked, TRUE);
	off.kicked = NULL;
	g_free(off.move_resume);
	off.move_resume = NULL;
	off.kt = NULL;
}

void offload_stream_to_bencode(struct arena *a, bencode_item *dict, bencode_item *flags,
			       const struct stream *s)
{
	const struct stream_offload *o = &s->koff;
	enum offload_reason r = off.rp ? (enum offload_reason)o->reason : OFFLOAD_NO_KERNEL;

	/* rtpengine's flags: "kernelized"; "no kernel support" for a stream
	 * the kernel cannot take (none at all when there is no kernel
	 * forwarding, as rtpengine with table -1). */
	if (r == OFFLOAD_KERNEL && o->installed)
		bencode_list_add_cstr(a, flags, "kernelized");
	else if (r == OFFLOAD_SRTP || r == OFFLOAD_ICE || r == OFFLOAD_UNPINNED ||
		 r == OFFLOAD_OVER_RATE || r == OFFLOAD_ADD_FAILED || r == OFFLOAD_KERNEL_GONE)
		bencode_list_add_cstr(a, flags, "no kernel support");
	if (r == OFFLOAD_ADD_FAILED)
		bencode_dict_set(a, dict, "kernel",
				 bencode_new_str(a, arena_printf(a, "%s: %s", reason_names[r],
								 strerror(o->err))));
	else if (r == OFFLOAD_KERNEL_GONE)
		bencode_dict_set(a, dict, "kernel",
				 bencode_new_str(a, arena_printf(a, "%s: %s", reason_names[r],
								 strerror(-off.gone_err))));
	else
		bencode_dict_add_cstr(a, dict, "kernel", reason_names[r]);
}

void offload_to_bencode(struct arena *a, bencode_item *dict)
{
	bencode_dict_add_int(a, dict, "targets", (int64_t)off.n.targets);
	bencode_dict_add_int(a, dict, "target_adds", (int64_t)off.n.adds);
	bencode_dict_add_int(a, dict, "target_add_failures", (int64_t)off.n.add_failures);
	bencode_dict_add_int(a, dict, "target_replaces", (int64_t)off.n.replaces);
	bencode_dict_add_int(a, dict, "target_replace_failures", (int64_t)off.n.replace_failures);
	bencode_dict_add_int(a, dict, "target_deletes", (int64_t)off.n.dels);
	bencode_dict_add_int(a, dict, "target_delete_failures", (int64_t)off.n.del_failures);
	bencode_dict_add_int(a, dict, "table_failures", (int64_t)off.n.table_failures);
	bencode_dict_add_int(a, dict, "over_rate", (int64_t)off.n.over_rate);
	bencode_dict_add_int(a, dict, "moves", (int64_t)off.n.moves);
	bencode_dict_add_int(a, dict, "move_skips", (int64_t)off.n.move_skips);
	bencode_dict_add_int(a, dict, "offload_kicks",
			     (int64_t)__atomic_load_n(&off.n.kicks, __ATOMIC_RELAXED));
}
