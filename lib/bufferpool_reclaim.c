/*
 * bufferpool reclaim: the two things that give memory back late, on
 * purpose. Kernel-visible objects freed from pinned shards wait in the
 * quarantine, slot still taken, until a backing barrier has returned after
 * their free (one barrier releases the whole batch queued before it).
 * Empty shards beyond the spares are unpinned and unmapped only once they
 * have stayed empty for a whole reclaim period: the hysteresis that keeps a
 * load wandering around a shard boundary from mapping and pinning a shard
 * each time it crosses it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bufferpool_internal.h"

/* Queue ptr (its slot already marked quarantined): 0 or -ENOMEM. p->lock
 * held. */
int bp_quarantine_add(struct bufferpool *p, void *ptr)
{
	if (p->n_quarantine == p->quarantine_cap) {
		size_t cap = p->quarantine_cap ? p->quarantine_cap * 2 : 256;
		void **q = realloc(p->quarantine, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		p->quarantine = q;
		p->quarantine_cap = cap;
	}
	p->quarantine[p->n_quarantine++] = ptr;
	return 0;
}

/* Release the first n queued objects (p->lock held). */
static void release_batch(struct bufferpool *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *ptr = p->quarantine[i];
		struct bp_shard *s = bp_shard_lookup(p, ptr);
		uint32_t pg, slot;

		/* A quarantined slot keeps its shard non-empty, so both the
		 * shard and the slot are still there. */
		if (!s || bp_locate(p, s, ptr, &pg, &slot) < 0)
			continue;
		p->st.quarantined_objects--;
		p->st.quarantined_bytes -= p->classes[s->pages[pg].cls].size;
		bp_slot_release(p, s, pg, slot);
	}
	memmove(p->quarantine, p->quarantine + n, (p->n_quarantine - n) * sizeof(*p->quarantine));
	p->n_quarantine -= n;
}

/* One barrier for everything queued so far: the number released, 0 when
 * nothing was queued, or -errno from the barrier. No lock held; takes
 * reclaim_lock, so barriers never overlap. */
int bp_quarantine_flush(struct bufferpool *p)
{
	size_t n;
	int ret;

	if (!p->backing->barrier)
		return 0;
	pthread_mutex_lock(&p->reclaim_lock);
	pthread_mutex_lock(&p->lock);
	n = p->n_quarantine;
	pthread_mutex_unlock(&p->lock);
	if (!n) {
		pthread_mutex_unlock(&p->reclaim_lock);
		return 0;
	}
	/* Objects freed from here on queue up behind these n and wait for
	 * the next barrier: this one may start before their free. */
	ret = p->backing->barrier(p->ctx);
	pthread_mutex_lock(&p->lock);
	if (ret < 0) {
		p->st.barrier_failures++;
	} else {
		p->st.barriers++;
		release_batch(p, n);
		ret = n > INT_MAX ? INT_MAX : (int)n;
	}
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->reclaim_lock);
	return ret;
}

/* Unpin and unmap the shards of a list (no lock held). A shard the backing
 * refuses to unpin goes back into the pool, empty, to be tried again. */
static void release_shards(struct bufferpool *p, struct bp_shard *doomed)
{
	while (doomed) {
		struct bp_shard *s = doomed;

		doomed = s->doomed_next;
		if (s->pinned && p->backing->unpin(p->ctx, s->base, p->shard_size) < 0) {
			pthread_mutex_lock(&p->lock);
			p->st.unpin_failures++;
			bp_shard_insert(p, s, false);
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		s->pinned = false;
		pthread_mutex_lock(&p->lock);
		p->st.shards_released++;
		pthread_mutex_unlock(&p->lock);
		bp_shard_destroy(p, s);
	}
}

int bufferpool_reclaim(struct bufferpool *p)
{
	struct bp_shard *doomed = NULL, *s;
	uint64_t before;
	int ret = bp_quarantine_flush(p);

	pthread_mutex_lock(&p->lock);
	/* Empty since before the previous call: empty for a whole period. */
	before = p->epoch++;
	while ((s = bp_shard_pick_victim(p, before))) {
		bp_shard_remove(p, s);
		s->doomed_next = doomed;
		doomed = s;
	}
	pthread_mutex_unlock(&p->lock);
	release_shards(p, doomed);
	return ret;
}
