/*
 * bufferpool shards and pages: mapping a shard, finding the shard of a
 * pointer, handing out slots of a size class from pages, and giving pages
 * and shards back as they empty. Every function here expects p->lock held
 * unless its comment says otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufferpool_internal.h"

/* The shard's own bookkeeping, every page free. No lock: the shard is not
 * reachable yet. Maps and (if the backing can) pins the memory; a failed
 * pin leaves an unpinned shard. NULL + errno ENOMEM. */
struct bp_shard *bp_shard_new(struct bufferpool *p)
{
	struct bp_shard *s = calloc(1, sizeof(*s));
	size_t words = (size_t)p->pages_per_shard * p->words_per_page;

	if (!s)
		return NULL;
	s->pages = calloc(p->pages_per_shard, sizeof(*s->pages));
	s->free_bits = calloc(words, sizeof(uint64_t));
	s->kernel_bits = calloc(words, sizeof(uint64_t));
	s->quarantine_bits = calloc(words, sizeof(uint64_t));
	if (!s->pages || !s->free_bits || !s->kernel_bits || !s->quarantine_bits)
		goto err_free_meta;
	if (p->flags & BUFFERPOOL_SITES) {
		s->site_of = calloc(p->shard_size / BP_MIN_OBJ, sizeof(uint16_t));
		if (!s->site_of)
			goto err_free_meta;
	}
	for (uint32_t i = 0; i < p->pages_per_shard; i++) {
		s->pages[i].cls = BP_NO_CLASS;
		s->pages[i].next = i + 1 < p->pages_per_shard ? i + 1 : BP_NONE;
		s->pages[i].prev = BP_NONE;
	}
	s->free_head = 0;
	s->pages_free = p->pages_per_shard;
	for (int c = 0; c < BP_MAX_CLASSES; c++)
		s->partial[c] = BP_NONE;

	s->base = p->backing->map(p->ctx, p->shard_size);
	if (!s->base)
		goto err_free_meta;
	if ((uintptr_t)s->base & (p->shard_size - 1)) {
		/* A backing that does not align breaks the masking. */
		p->backing->unmap(p->ctx, s->base, p->shard_size);
		errno = EINVAL;
		goto err_free_meta;
	}
	if (p->can_pin)
		s->pinned = p->backing->pin(p->ctx, s->base, p->shard_size) == 0;
	return s;

err_free_meta:
	free(s->site_of);
	free(s->quarantine_bits);
	free(s->kernel_bits);
	free(s->free_bits);
	free(s->pages);
	free(s);
	if (!errno)
		errno = ENOMEM;
	return NULL;
}

/* No lock; s is unreachable and already unpinned (or never pinned). */
static void shard_free_meta(struct bp_shard *s)
{
	free(s->site_of);
	free(s->quarantine_bits);
	free(s->kernel_bits);
	free(s->free_bits);
	free(s->pages);
	free(s);
}

/* No lock; s unreachable. Unpins if still pinned (ignoring a refusal: the
 * pool is going away or the shard was never used) and unmaps. */
void bp_shard_destroy(struct bufferpool *p, struct bp_shard *s)
{
	if (s->pinned)
		p->backing->unpin(p->ctx, s->base, p->shard_size);
	p->backing->unmap(p->ctx, s->base, p->shard_size);
	shard_free_meta(s);
}

static uint32_t table_slot(const struct bufferpool *p, uintptr_t base)
{
	uint64_t key = base / p->shard_size;

	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & p->table_mask;
}

/* Rebuild the lookup table (shards change rarely: O(shards) is fine). */
static void table_rebuild(struct bufferpool *p)
{
	memset(p->table, 0, sizeof(*p->table) * (p->table_mask + 1));
	for (uint32_t i = 0; i < p->n_shards; i++) {
		struct bp_shard *s = p->shards[i];
		uint32_t h = table_slot(p, (uintptr_t)s->base);

		while (p->table[h])
			h = (h + 1) & p->table_mask;
		p->table[h] = s;
	}
}

/* Make an empty shard reachable: 0 or -ENOMEM (never for a shard that
 * was removed since: the arrays only grow). fresh: just mapped. */
int bp_shard_insert(struct bufferpool *p, struct bp_shard *s, bool fresh)
{
	if (p->n_shards == p->shards_cap) {
		uint32_t cap = p->shards_cap ? p->shards_cap * 2 : 8;
		struct bp_shard **arr = realloc(p->shards, cap * sizeof(*arr));

		if (!arr)
			return -ENOMEM;
		p->shards = arr;
		p->shards_cap = cap;
	}
	if ((p->n_shards + 1) * 2 > p->table_mask + 1) {
		uint32_t size = (p->table_mask + 1) * 2;
		struct bp_shard **t = calloc(size, sizeof(*t));

		if (!t)
			return -ENOMEM;
		free(p->table);
		p->table = t;
		p->table_mask = size - 1;
	}
	p->shards[p->n_shards++] = s;
	table_rebuild(p);
	p->n_empty++;
	s->empty_epoch = p->epoch;
	if (s->pinned) {
		p->n_pinned++;
		p->st.pinned_bytes += p->shard_size;
	}
	p->st.total += p->shard_size;
	if (fresh)
		p->st.shards_mapped++;
	if (p->n_shards > p->st.shards_max)
		p->st.shards_max = p->n_shards;
	return 0;
}

/* Make an empty shard unreachable (the caller then unpins and unmaps it
 * with the lock dropped). */
void bp_shard_remove(struct bufferpool *p, struct bp_shard *s)
{
	for (uint32_t i = 0; i < p->n_shards; i++) {
		if (p->shards[i] == s) {
			p->shards[i] = p->shards[--p->n_shards];
			break;
		}
	}
	table_rebuild(p);
	p->n_empty--;
	if (s->pinned) {
		p->n_pinned--;
		p->st.pinned_bytes -= p->shard_size;
	}
	p->st.total -= p->shard_size;
}

struct bp_shard *bp_shard_lookup(const struct bufferpool *p, const void *ptr)
{
	uintptr_t base = bufferpool_shard_base_of(p->shard_size, ptr);
	uint32_t h;

	if (!p->table)
		return NULL;
	for (h = table_slot(p, base); p->table[h]; h = (h + 1) & p->table_mask)
		if ((uintptr_t)p->table[h]->base == base)
			return p->table[h];
	return NULL;
}

/* An empty shard to release while more than spare_shards are empty: one
 * empty since before epoch `before`, unpinned first (the spare worth
 * keeping is a pinned one), then the longest empty. NULL if none. A
 * pinned spare goes too while pinned bytes exceed 1.25 x live bytes + one
 * shard (pins follow live memory: with little live, a pinned spare would
 * hold twice what is needed). */
struct bp_shard *bp_shard_pick_victim(struct bufferpool *p, uint64_t before)
{
	struct bp_shard *victim = NULL;
	bool spare = p->n_empty <= p->spare_shards;

	if (spare && p->st.pinned_bytes <= p->st.used + p->st.used / 4 + p->shard_size)
		return NULL;
	for (uint32_t i = 0; i < p->n_shards; i++) {
		struct bp_shard *s = p->shards[i];

		if (s->pages_free != p->pages_per_shard || s->empty_epoch >= before)
			continue;
		if (spare && !s->pinned)
			continue;
		if (!victim || (victim->pinned && !s->pinned) ||
		    (victim->pinned == s->pinned && s->empty_epoch < victim->empty_epoch))
			victim = s;
	}
	return victim;
}

static void partial_push(struct bp_shard *s, uint32_t c, uint32_t pg)
{
	struct bp_page *page = &s->pages[pg];

	page->prev = BP_NONE;
	page->next = s->partial[c];
	if (page->next != BP_NONE)
		s->pages[page->next].prev = pg;
	s->partial[c] = pg;
}

static void partial_unlink(struct bp_shard *s, uint32_t c, uint32_t pg)
{
	struct bp_page *page = &s->pages[pg];

	if (page->prev != BP_NONE)
		s->pages[page->prev].next = page->next;
	else
		s->partial[c] = page->next;
	if (page->next != BP_NONE)
		s->pages[page->next].prev = page->prev;
	page->next = page->prev = BP_NONE;
}

/* A free page of s becomes a page of class c with every slot free. */
static uint32_t page_assign(struct bufferpool *p, struct bp_shard *s, uint32_t c)
{
	uint32_t pg = s->free_head;
	struct bp_page *page = &s->pages[pg];
	uint64_t *bits = bp_bits(p, s->free_bits, pg);
	uint32_t n = p->classes[c].per_page, w;

	s->free_head = page->next;
	if (s->pages_free-- == p->pages_per_shard)
		p->n_empty--;
	p->pages_used++;
	page->cls = (uint16_t)c;
	page->used = 0;
	page->nobj = (uint16_t)n;
	page->hint = 0;
	for (w = 0; w < n / 64; w++)
		bits[w] = ~0ull;
	if (n % 64)
		bits[w++] = (1ull << (n % 64)) - 1;
	for (; w < p->words_per_page; w++)
		bits[w] = 0;
	p->classes[c].pages++;
	s->cls_free[c] += n;
	p->cls_free[c] += n;
	partial_push(s, c, pg);
	return pg;
}

/* An empty page goes back to its shard at once, for any class to take;
 * a class that was filling it looks for another page next time. */
static void page_unassign(struct bufferpool *p, struct bp_shard *s, uint32_t pg)
{
	struct bp_page *page = &s->pages[pg];

	for (int f = 0; f < 2; f++)
		if (p->cur[f][page->cls].shard == s && p->cur[f][page->cls].page == pg)
			p->cur[f][page->cls].shard = NULL;
	partial_unlink(s, page->cls, pg);
	p->classes[page->cls].pages--;
	s->cls_free[page->cls] -= page->nobj;
	p->cls_free[page->cls] -= page->nobj;
	page->cls = BP_NO_CLASS;
	page->next = s->free_head;
	s->free_head = pg;
	p->pages_used--;
	if (++s->pages_free == p->pages_per_shard) {
		p->n_empty++;
		s->empty_epoch = p->epoch;
	}
}

/* Is s a better shard than best for the next page of class c? Normally
 * the one with the fewest free pages (the fullest in pages), then the most
 * bytes taken; for a moved object the most bytes taken first: after a
 * load drop every shard may have every page in use, a few objects on each,
 * and the objects moved out of a sparse shard must land in a fuller one. */
static bool better(const struct bp_shard *s, const struct bp_shard *best, bool move)
{
	if (move && s->taken_bytes != best->taken_bytes)
		return s->taken_bytes > best->taken_bytes;
	if (s->pages_free != best->pages_free)
		return s->pages_free < best->pages_free;
	if (s->taken_bytes != best->taken_bytes)
		return s->taken_bytes > best->taken_bytes;
	return s->base < best->base;
}

/* Pick the page class c fills next (see better()) among the shards with a
 * partial page of c or a free page, pinned ones only if pinned_only, not
 * the shard an object is being moved out of unless no other has room.
 * false when no shard has room. */
static bool refill(struct bufferpool *p, uint32_t c, bool pinned_only)
{
	const struct bp_shard *from = p->moving_from[c];
	struct bp_shard *best = NULL;
	uint32_t pg;

	p->moving_from[c] = NULL;
	for (int pass = 0; pass < 2 && !best; pass++) {
		for (uint32_t i = 0; i < p->n_shards; i++) {
			struct bp_shard *s = p->shards[i];

			if (pinned_only && !s->pinned)
				continue;
			if (s->partial[c] == BP_NONE && !s->pages_free)
				continue;
			if (s == from && pass == 0)
				continue;
			if (!best || better(s, best, from != NULL))
				best = s;
		}
		if (!from)
			break;
	}
	if (!best)
		return false;
	/* A linked partial page has a free slot: pages leave the list when
	 * they fill, whichever current pointer filled them. */
	pg = best->partial[c];
	if (pg == BP_NONE)
		pg = page_assign(p, best, c);
	p->cur[pinned_only][c] = (struct bp_cur){ best, pg };
	return true;
}

/* One slot of class c: its address (and its shard in *shard), or NULL when
 * no shard (no pinned one, with pinned_only) has room. */
void *bp_take(struct bufferpool *p, uint32_t c, bool pinned_only, bool kernel,
	      struct bp_shard **shard)
{
	struct bp_cur *cur = &p->cur[pinned_only][c];
	struct bp_shard *s = cur->shard;
	struct bp_page *page;
	uint64_t *bits;
	uint32_t w, bit, slot;

	if (!s || s->pages[cur->page].cls != c ||
	    s->pages[cur->page].used == s->pages[cur->page].nobj) {
		if (!refill(p, c, pinned_only))
			return NULL;
		s = cur->shard;
	}
	page = &s->pages[cur->page];
	bits = bp_bits(p, s->free_bits, cur->page);
	for (w = page->hint; !bits[w]; w++)
		;
	bit = (uint32_t)__builtin_ctzll(bits[w]);
	bits[w] &= bits[w] - 1;
	page->hint = (uint16_t)w;
	slot = w * 64 + bit;
	if (kernel)
		bp_bits(p, s->kernel_bits, cur->page)[w] |= 1ull << bit;
	if (++page->used == page->nobj)
		partial_unlink(s, c, cur->page);
	s->taken++;
	s->taken_bytes += p->classes[c].size;
	s->cls_free[c]--;
	p->cls_free[c]--;
	*shard = s;
	return s->base + ((size_t)cur->page << p->page_shift) + (size_t)slot * p->classes[c].size;
}

/* The page and slot of ptr in s: 0, or -EINVAL when ptr is not the start
 * of a slot of a page in use (the caller checks the slot's state). */
int bp_locate(const struct bufferpool *p, const struct bp_shard *s, const void *ptr, uint32_t *page,
	      uint32_t *slot)
{
	size_t off = (size_t)((const char *)ptr - s->base);
	uint32_t pg = (uint32_t)(off >> p->page_shift);
	uint32_t in_page = (uint32_t)(off & (p->page_size - 1));
	const struct bp_page *pp = &s->pages[pg];
	const struct bp_class *cl;
	uint32_t sl;

	if (pp->cls == BP_NO_CLASS)
		return -EINVAL;
	cl = &p->classes[pp->cls];
	sl = (uint32_t)(((uint64_t)in_page * cl->recip) >> 32);
	if (sl >= pp->nobj || sl * cl->size != in_page)
		return -EINVAL;
	*page = pg;
	*slot = sl;
	return 0;
}

/* Make a taken slot free (the live/quarantine counters are the caller's).
 * A page left empty goes back to its shard; a shard left empty stays until
 * bufferpool_reclaim() finds it empty for a whole period. */
void bp_slot_release(struct bufferpool *p, struct bp_shard *s, uint32_t pg, uint32_t slot)
{
	struct bp_page *page = &s->pages[pg];
	uint32_t c = page->cls, w = slot / 64;

	bp_bits(p, s->free_bits, pg)[w] |= 1ull << (slot % 64);
	bp_bits(p, s->kernel_bits, pg)[w] &= ~(1ull << (slot % 64));
	bp_bits(p, s->quarantine_bits, pg)[w] &= ~(1ull << (slot % 64));
	if (w < page->hint)
		page->hint = (uint16_t)w;
	if (page->used-- == page->nobj)
		partial_push(s, c, pg);
	s->taken--;
	s->taken_bytes -= p->classes[c].size;
	s->cls_free[c]++;
	p->cls_free[c]++;
	if (!page->used)
		page_unassign(p, s, pg);
}
