/*
 * bufferpool accounting: the totals (Kamailio core.shmmem shape), the
 * per-shard, per-class and per-site figures, and the allocation-site table
 * that BUFFERPOOL_SITES fills.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufferpool_internal.h"

#define SITES_MAX 65535u /* site ids are 16 bits; 0 is "(other)" */

static uint32_t site_hash(const char *file, int line)
{
	uint64_t h = (uintptr_t)file * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)(unsigned)line * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(h >> 32);
}

static int site_table_grow(struct bufferpool *p)
{
	uint32_t size = (p->site_table_mask + 1) * 2;
	uint32_t *t = calloc(size, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (uint32_t i = 1; i < p->n_sites; i++) {
		uint32_t h = site_hash(p->sites[i].file, p->sites[i].line);

		for (h &= size - 1; t[h]; h = (h + 1) & (size - 1))
			;
		t[h] = i;
	}
	free(p->site_table);
	p->site_table = t;
	p->site_table_mask = size - 1;
	return 0;
}

/* The id of the site file:line, added on first use; 0 ("(other)") when the
 * table is full or cannot grow. Sites are told apart by the file pointer
 * (__FILE__ of one translation unit) and the line. p->lock held. */
uint16_t bp_site_get(struct bufferpool *p, const char *file, int line)
{
	uint32_t h = site_hash(file, line) & p->site_table_mask;

	for (; p->site_table[h]; h = (h + 1) & p->site_table_mask) {
		struct bp_site *s = &p->sites[p->site_table[h]];

		if (s->file == file && s->line == line)
			return (uint16_t)p->site_table[h];
	}
	if (p->n_sites > SITES_MAX - 1)
		return 0;
	if (p->n_sites == p->sites_cap) {
		struct bp_site *a = realloc(p->sites, 2 * p->sites_cap * sizeof(*a));

		if (!a)
			return 0;
		p->sites = a;
		p->sites_cap *= 2;
	}
	if ((p->n_sites + 1) * 2 > p->site_table_mask + 1) {
		if (site_table_grow(p) < 0)
			return 0;
		for (h = site_hash(file, line) & p->site_table_mask; p->site_table[h];
		     h = (h + 1) & p->site_table_mask)
			;
	}
	p->sites[p->n_sites] = (struct bp_site){ .file = file, .line = line };
	p->site_table[h] = p->n_sites;
	return (uint16_t)p->n_sites++;
}

void bp_sites_cleanup(struct bufferpool *p)
{
	free(p->site_table);
	free(p->sites);
}

/* The totals with the derived fields filled (p->lock held). */
static void totals_locked(struct bufferpool *p, struct bufferpool_totals *t)
{
	uint64_t free_pages_in_use = 0;

	*t = p->st;
	t->real_used = p->pages_used * p->page_size;
	t->free = t->total - t->real_used;
	t->shards = p->n_shards;
	t->shards_pinned = p->n_pinned;
	t->shards_empty = p->n_empty;
	for (uint32_t i = 0; i < p->n_shards; i++) {
		const struct bp_shard *s = p->shards[i];

		if (s->pages_free != p->pages_per_shard)
			free_pages_in_use += s->pages_free;
	}
	t->fragments = free_pages_in_use;
}

void bufferpool_get_totals(struct bufferpool *p, struct bufferpool_totals *t)
{
	pthread_mutex_lock(&p->lock);
	totals_locked(p, t);
	pthread_mutex_unlock(&p->lock);
}

static int shard_cmp(const void *a, const void *b)
{
	const struct bufferpool_shard_stats *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static int site_cmp(const void *a, const void *b)
{
	const struct bufferpool_site_stats *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->file, y->file);
}

struct bufferpool_snapshot *bufferpool_snapshot_new(struct bufferpool *p)
{
	struct bufferpool_snapshot *snap = calloc(1, sizeof(*snap));

	if (!snap)
		goto err;
	snap->shard_size = p->shard_size;
	snap->page_size = p->page_size;
	snap->sites_enabled = p->flags & BUFFERPOOL_SITES;
	snap->classes = calloc(p->n_classes, sizeof(*snap->classes));
	if (!snap->classes)
		goto err_free_snap;

	pthread_mutex_lock(&p->lock);
	totals_locked(p, &snap->totals);
	snap->shards = calloc(p->n_shards ? p->n_shards : 1, sizeof(*snap->shards));
	snap->sites = calloc(p->n_sites ? p->n_sites : 1, sizeof(*snap->sites));
	if (!snap->shards || !snap->sites) {
		pthread_mutex_unlock(&p->lock);
		goto err_free_snap;
	}
	for (uint32_t i = 0; i < p->n_shards; i++) {
		const struct bp_shard *s = p->shards[i];

		snap->shards[i] = (struct bufferpool_shard_stats){
			.base = (uintptr_t)s->base,
			.size = p->shard_size,
			.pinned = s->pinned,
			.used = s->taken_bytes,
			.live_objects = s->taken,
			.pages = p->pages_per_shard,
			.free_pages = s->pages_free,
		};
	}
	snap->n_shards = p->n_shards;
	for (uint32_t c = 0; c < p->n_classes; c++) {
		const struct bp_class *cl = &p->classes[c];

		snap->classes[c] = (struct bufferpool_class_stats){
			.size = cl->size,
			.per_page = cl->per_page,
			.objects = cl->objects,
			.bytes = cl->objects * cl->size,
			.pages = cl->pages,
		};
	}
	snap->n_classes = p->n_classes;
	for (uint32_t i = 0; i < p->n_sites; i++) {
		const struct bp_site *s = &p->sites[i];

		if (!s->allocs)
			continue;
		snap->sites[snap->n_sites++] = (struct bufferpool_site_stats){
			.file = s->file,
			.line = s->line,
			.objects = s->objects,
			.bytes = s->bytes,
			.allocs = s->allocs,
		};
	}
	pthread_mutex_unlock(&p->lock);

	qsort(snap->shards, snap->n_shards, sizeof(*snap->shards), shard_cmp);
	qsort(snap->sites, snap->n_sites, sizeof(*snap->sites), site_cmp);
	return snap;

err_free_snap:
	bufferpool_snapshot_free(snap);
err:
	errno = ENOMEM;
	return NULL;
}

void bufferpool_snapshot_free(struct bufferpool_snapshot *s)
{
	if (!s)
		return;
	free(s->sites);
	free(s->shards);
	free(s->classes);
	free(s);
}
