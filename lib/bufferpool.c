/*
 * bufferpool core: creation, size classes, alloc and free, and the slow
 * path that maps a shard exactly once per need. The contracts are in
 * bufferpool.h; the page and shard mechanics in bufferpool_shard.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufferpool_internal.h"

void bufferpool_config_default(struct bufferpool_config *cfg)
{
	*cfg = (struct bufferpool_config){
		.shard_size = 1u << 20,
		.page_size = 4096,
		.spare_shards = 1,
		.flags = 0,
		.backing = &bufferpool_backing_mmap,
		.backing_ctx = NULL,
	};
}

static bool power_of_two(size_t x)
{
	return x && !(x & (x - 1));
}

static void class_add(struct bufferpool *p, uint32_t candidate)
{
	uint32_t per = (uint32_t)(p->page_size / candidate);
	/* The largest multiple of 16 with as many objects per page: the same
	 * page holds them, so the class might as well be that big. */
	uint32_t size = (uint32_t)(p->page_size / per) & ~(BP_MIN_OBJ - 1);
	struct bp_class *c;

	if (p->n_classes && p->classes[p->n_classes - 1].size == size)
		return;
	c = &p->classes[p->n_classes++];
	c->size = size;
	c->per_page = per;
	c->recip = (uint32_t)(((1ull << 32) + size - 1) / size);
}

/* Classes: every 16 bytes up to 128, then four steps per power of two, up
 * to one page; each widened to the most that fits the same count in a
 * page. At most 8 + 4 * 9 classes for 64 KiB pages. */
static int classes_init(struct bufferpool *p)
{
	uint32_t page = (uint32_t)p->page_size, s, c = 0;

	for (s = BP_MIN_OBJ; s <= 128 && s <= page; s += BP_MIN_OBJ)
		class_add(p, s);
	for (uint32_t base = 128; base < page; base *= 2)
		for (uint32_t q = 1; q <= 4; q++)
			class_add(p, base + base / 4 * q);
	p->size_to_class = malloc(page / BP_MIN_OBJ + 1);
	if (!p->size_to_class)
		return -ENOMEM;
	p->size_to_class[0] = 0;
	for (s = 1; s <= page / BP_MIN_OBJ; s++) {
		while (p->classes[c].size < s * BP_MIN_OBJ)
			c++;
		p->size_to_class[s] = (uint8_t)c;
	}
	return 0;
}

struct bufferpool *bufferpool_create(const struct bufferpool_config *cfg)
{
	struct bufferpool *p;
	const struct bufferpool_backing *b = cfg->backing;

	if (!power_of_two(cfg->page_size) || cfg->page_size < 1024 || cfg->page_size > 65536 ||
	    !power_of_two(cfg->shard_size) || cfg->shard_size < 4 * cfg->page_size ||
	    cfg->shard_size > (1u << 30) || !b || !b->map || !b->unmap || (b->pin && !b->unpin)) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto err;
	p->shard_size = cfg->shard_size;
	p->page_size = cfg->page_size;
	p->page_shift = (unsigned)__builtin_ctzl(cfg->page_size);
	p->pages_per_shard = (uint32_t)(cfg->shard_size / cfg->page_size);
	p->words_per_page = (uint32_t)((cfg->page_size / BP_MIN_OBJ + 63) / 64);
	p->spare_shards = cfg->spare_shards;
	p->flags = cfg->flags;
	p->backing = b;
	p->ctx = cfg->backing_ctx;
	p->can_pin = b->pin != NULL;
	if (classes_init(p) < 0)
		goto err_free_pool;
	p->table_mask = 7;
	p->table = calloc(p->table_mask + 1, sizeof(*p->table));
	if (!p->table)
		goto err_free_classes;
	if (p->flags & BUFFERPOOL_SITES) {
		/* Site 0 collects allocations past the table's 65535 sites. */
		p->sites_cap = 64;
		p->sites = calloc(p->sites_cap, sizeof(*p->sites));
		p->site_table_mask = 127;
		p->site_table = calloc(p->site_table_mask + 1, sizeof(uint32_t));
		if (!p->sites || !p->site_table)
			goto err_free_sites;
		p->sites[0].file = "(other)";
		p->n_sites = 1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->grow_lock, NULL);
	pthread_mutex_init(&p->reclaim_lock, NULL);
	return p;

err_free_sites:
	free(p->site_table);
	free(p->sites);
	free(p->table);
err_free_classes:
	free(p->size_to_class);
err_free_pool:
	free(p);
err:
	errno = ENOMEM;
	return NULL;
}

void bufferpool_destroy(struct bufferpool *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->n_shards; i++)
		bp_shard_destroy(p, p->shards[i]);
	free(p->shards);
	free(p->table);
	free(p->quarantine);
	bp_sites_cleanup(p);
	free(p->size_to_class);
	pthread_mutex_destroy(&p->reclaim_lock);
	pthread_mutex_destroy(&p->grow_lock);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

size_t bufferpool_max_size(const struct bufferpool *p)
{
	return p->page_size;
}

size_t bufferpool_shard_size(const struct bufferpool *p)
{
	return p->shard_size;
}

void *bufferpool_shard_base(const struct bufferpool *p, const void *ptr)
{
	return (void *)bufferpool_shard_base_of(p->shard_size, ptr);
}

bool bufferpool_is_pinned(struct bufferpool *p, const void *ptr)
{
	struct bp_shard *s;
	bool pinned;

	pthread_mutex_lock(&p->lock);
	s = bp_shard_lookup(p, ptr);
	pinned = s && s->pinned;
	pthread_mutex_unlock(&p->lock);
	return pinned;
}

/* The counters of a new object (p->lock held). */
static void account_alloc(struct bufferpool *p, struct bp_shard *s, void *obj, uint32_t c,
			  bool kernel, const char *file, int line)
{
	uint32_t size = p->classes[c].size;
	uint64_t real_used = p->pages_used * p->page_size;

	p->st.allocs++;
	p->st.live_objects++;
	p->st.used += size;
	p->classes[c].objects++;
	if (real_used > p->st.max_used)
		p->st.max_used = real_used;
	if (kernel && p->can_pin && !s->pinned)
		p->st.unpinned_allocs++;
	if (s->site_of) {
		uint16_t id = bp_site_get(p, file, line);

		s->site_of[((char *)obj - s->base) / BP_MIN_OBJ] = id;
		p->sites[id].objects++;
		p->sites[id].bytes += size;
		p->sites[id].allocs++;
	}
}

/*
 * No room in any (suitable) shard: under grow_lock, look again (another
 * thread may have just mapped one), then release quarantined objects, and
 * only then map a shard. A kernel object for which no shard can be pinned
 * takes unpinned room unless PINNED_ONLY. Called with no lock held.
 */
static void *alloc_slow(struct bufferpool *p, uint32_t c, unsigned flags, const char *file,
			int line)
{
	bool kernel = flags & BUFFERPOOL_KERNEL;
	bool pinned_only = kernel && p->can_pin;
	struct bp_shard *s = NULL, *fresh, *unused = NULL;
	void *obj;
	int err = ENOMEM;

	pthread_mutex_lock(&p->grow_lock);
	pthread_mutex_lock(&p->lock);
	obj = bp_take(p, c, pinned_only, kernel, &s);
	if (!obj && p->n_quarantine && p->backing->barrier) {
		pthread_mutex_unlock(&p->lock);
		bp_quarantine_flush(p);
		pthread_mutex_lock(&p->lock);
		obj = bp_take(p, c, pinned_only, kernel, &s);
	}
	if (obj)
		goto out_account;
	pthread_mutex_unlock(&p->lock);

	fresh = bp_shard_new(p);

	pthread_mutex_lock(&p->lock);
	if (!fresh) {
		if (pinned_only && !(flags & BUFFERPOOL_PINNED_ONLY))
			obj = bp_take(p, c, false, kernel, &s);
		goto out_account;
	}
	if (p->can_pin && !fresh->pinned) {
		p->st.pin_failures++;
		if (pinned_only) {
			err = ENOSPC;
			unused = fresh;
			if (flags & BUFFERPOOL_PINNED_ONLY)
				goto out_account;
			/* Existing unpinned room before a new shard. */
			obj = bp_take(p, c, false, kernel, &s);
			if (obj)
				goto out_account;
			unused = NULL;
		}
	}
	if (bp_shard_insert(p, fresh, true) < 0) {
		unused = fresh;
		goto out_account;
	}
	obj = bp_take(p, c, pinned_only && fresh->pinned, kernel, &s);

out_account:
	if (obj)
		account_alloc(p, s, obj, c, kernel, file, line);
	else
		p->st.alloc_failures++;
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->grow_lock);
	if (unused)
		bp_shard_destroy(p, unused);
	if (!obj)
		errno = err;
	return obj;
}

void *bufferpool_alloc_at(struct bufferpool *p, size_t size, unsigned flags, const char *file,
			  int line)
{
	bool kernel = flags & BUFFERPOOL_KERNEL;
	struct bp_shard *s;
	uint32_t c;
	void *obj;

	if (!size || size > p->page_size) {
		errno = EINVAL;
		return NULL;
	}
	c = p->size_to_class[(size + BP_MIN_OBJ - 1) / BP_MIN_OBJ];
	pthread_mutex_lock(&p->lock);
	obj = bp_take(p, c, kernel && p->can_pin, kernel, &s);
	if (obj) {
		account_alloc(p, s, obj, c, kernel, file, line);
		pthread_mutex_unlock(&p->lock);
	} else {
		pthread_mutex_unlock(&p->lock);
		obj = alloc_slow(p, c, flags, file, line);
		if (!obj)
			return NULL;
	}
	/* Outside the lock: the object is ours alone now. */
	memset(obj, 0, size);
	return obj;
}

int bufferpool_free(struct bufferpool *p, void *ptr)
{
	struct bp_shard *s;
	uint32_t pg, slot, c, size;
	int ret = 0;

	if (!ptr)
		return 0;
	pthread_mutex_lock(&p->lock);
	s = bp_shard_lookup(p, ptr);
	if (!s || bp_locate(p, s, ptr, &pg, &slot) < 0 || bp_bit(p, s->free_bits, pg, slot) ||
	    bp_bit(p, s->quarantine_bits, pg, slot)) {
		p->st.bad_frees++;
		ret = -EINVAL;
		goto out_unlock;
	}
	c = s->pages[pg].cls;
	size = p->classes[c].size;
	p->st.frees++;
	p->st.live_objects--;
	p->st.used -= size;
	p->classes[c].objects--;
	if (s->site_of) {
		struct bp_site *site = &p->sites[s->site_of[((char *)ptr - s->base) / BP_MIN_OBJ]];

		site->objects--;
		site->bytes -= size;
	}
	if (s->pinned && p->backing->barrier && bp_bit(p, s->kernel_bits, pg, slot)) {
		/* If the quarantine cannot grow, the slot is never reused:
		 * a leak, but never a reuse the kernel could still write. */
		bp_bits(p, s->quarantine_bits, pg)[slot / 64] |= 1ull << (slot % 64);
		p->st.quarantined_objects++;
		p->st.quarantined_bytes += size;
		if (bp_quarantine_add(p, ptr) < 0)
			p->st.quarantine_leaked++;
		goto out_unlock;
	}
	bp_slot_release(p, s, pg, slot);

out_unlock:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* Is t fuller than s (more bytes taken; on a tie the lower address)? */
static bool fuller(const struct bp_shard *t, const struct bp_shard *s)
{
	return t->taken_bytes > s->taken_bytes ||
	       (t->taken_bytes == s->taken_bytes && t->base < s->base);
}

/* How many other shards in use are fuller than s: allocation fills the
 * fullest first, so a moved object leaves s only if one is. p->lock
 * held. */
static uint32_t fuller_count(const struct bufferpool *p, const struct bp_shard *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < p->n_shards; i++) {
		const struct bp_shard *t = p->shards[i];

		if (t != s && t->pages_free != p->pages_per_shard && fuller(t, s))
			n++;
	}
	return n;
}

bool bufferpool_should_move(struct bufferpool *p, const void *ptr)
{
	struct bp_shard *s;
	uint64_t other_pages, room;
	uint32_t pg, slot, c, n_fuller;
	bool move = false;

	pthread_mutex_lock(&p->lock);
	s = bp_shard_lookup(p, ptr);
	if (s && !bp_locate(p, s, ptr, &pg, &slot)) {
		/* Room for ptr's class in the other shards in use (not the
		 * spares: moving there only moves the problem): their free
		 * pages, and the free slots of their pages of that class
		 * (after a load drop the survivors sit a few to a page, and
		 * no shard may have a free page left), against every object
		 * of this shard. */
		c = s->pages[pg].cls;
		other_pages = (uint64_t)(p->n_shards - p->n_empty) * p->pages_per_shard -
			      p->pages_used - s->pages_free;
		room = other_pages * p->classes[c].per_page + p->cls_free[c] - s->cls_free[c];
		n_fuller = fuller_count(p, s);
		/* A shard at most a quarter used; or, while pinned memory is
		 * over its budget (1.25 x live + one shard: after a load drop
		 * every shard may be half empty), the emptiest shard in use. */
		move = room >= s->taken && n_fuller &&
		       (s->taken_bytes <= p->shard_size / 4 ||
			(n_fuller == p->n_shards - p->n_empty - 1 &&
			 p->st.pinned_bytes > p->st.used + p->st.used / 4 + p->shard_size));
		/* The copy goes to the fullest other shard: the next
		 * allocation of c picks its page afresh. */
		if (move) {
			p->moving_from[c] = s;
			for (int f = 0; f < 2; f++)
				p->cur[f][c].shard = NULL;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return move;
}
