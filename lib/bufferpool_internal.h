/*
 * bufferpool internals shared by the bufferpool_*.c files; not an API.
 *
 * Locking: p->lock guards everything below that changes after creation
 * (shards, pages, bitmaps, current pages, quarantine, sites, counters).
 * p->grow_lock serialises mapping shards; p->reclaim_lock serialises
 * barriers. Order: grow_lock, then reclaim_lock, then lock; backing
 * callbacks run with only grow_lock or reclaim_lock held.
 */
#ifndef RTPRELAY_BUFFERPOOL_INTERNAL_H
#define RTPRELAY_BUFFERPOOL_INTERNAL_H

#include <pthread.h>

#include "bufferpool.h"

#define BP_MIN_OBJ 16u /* smallest class, and the alignment of all */
#define BP_MAX_CLASSES 64
#define BP_NONE UINT32_MAX
#define BP_NO_CLASS 0xffffu

/* One page's bookkeeping (outside the shard: the kernel never sees it). */
struct bp_page {
	uint32_t next, prev; /* partial list of (shard, class), or free list */
	uint16_t cls;        /* BP_NO_CLASS while free */
	uint16_t used;       /* slots taken: live + quarantined */
	uint16_t nobj;       /* slots of the class in one page */
	uint16_t hint;       /* no free slot in bitmap words before this one */
};

struct bp_shard {
	char *base;
	bool pinned;
	uint32_t pages_free;
	uint32_t free_head; /* free pages, linked by bp_page.next */
	uint64_t taken;     /* slots taken (live + quarantined) */
	uint64_t taken_bytes;
	uint32_t partial[BP_MAX_CLASSES];  /* pages with a free slot, by class */
	uint32_t cls_free[BP_MAX_CLASSES]; /* free slots in its pages, by class */
	struct bp_page *pages;
	uint64_t *free_bits;          /* words_per_page per page; 1 = free slot */
	uint64_t *kernel_bits;        /* 1 = kernel-visible object */
	uint64_t *quarantine_bits;    /* 1 = freed, waiting for a barrier */
	uint16_t *site_of;            /* per 16 bytes, with BUFFERPOOL_SITES */
	uint64_t empty_epoch;         /* p->epoch when its last page came back */
	struct bp_shard *doomed_next; /* on a list of shards to release */
};

struct bp_class {
	uint32_t size;
	uint32_t per_page;
	uint32_t recip; /* ceil(2^32 / size): offset * recip >> 32 = slot */
	uint64_t objects;
	uint64_t pages;
};

/* The page a class is filling, per filter (0: any shard, 1: pinned). */
struct bp_cur {
	struct bp_shard *shard;
	uint32_t page;
};

struct bp_site {
	const char *file;
	int line;
	uint64_t objects, bytes, allocs;
};

struct bufferpool {
	pthread_mutex_t lock;
	pthread_mutex_t grow_lock;
	pthread_mutex_t reclaim_lock;

	/* immutable after creation */
	size_t shard_size, page_size;
	unsigned page_shift;
	uint32_t pages_per_shard;
	uint32_t words_per_page;
	unsigned spare_shards;
	unsigned flags;
	const struct bufferpool_backing *backing;
	void *ctx;
	bool can_pin;
	uint32_t n_classes;
	struct bp_class classes[BP_MAX_CLASSES];
	uint8_t *size_to_class; /* by (size + 15) / 16 */

	struct bp_cur cur[2][BP_MAX_CLASSES];
	/* The shard the next allocation of a class moves an object out of
	 * (bufferpool_should_move said yes): refill avoids it. */
	const struct bp_shard *moving_from[BP_MAX_CLASSES];

	struct bp_shard **shards; /* unordered */
	uint32_t n_shards, shards_cap;
	struct bp_shard **table; /* open addressing by base */
	uint32_t table_mask;
	uint32_t n_empty; /* shards with every page free */
	uint64_t epoch;   /* bufferpool_reclaim() calls */
	uint32_t n_pinned;
	uint64_t pages_used;
	uint64_t cls_free[BP_MAX_CLASSES]; /* free slots in assigned pages, by class */

	void **quarantine;
	size_t n_quarantine, quarantine_cap;

	struct bp_site *sites; /* [0] is "unknown" */
	uint32_t n_sites, sites_cap;
	uint32_t *site_table; /* site index by hash, 0 = empty */
	uint32_t site_table_mask;

	struct bufferpool_totals st; /* the counters kept incrementally */
};

/* bufferpool_shard.c; all with p->lock held unless said otherwise */
struct bp_shard *bp_shard_new(struct bufferpool *p);             /* no lock; NULL+errno */
void bp_shard_destroy(struct bufferpool *p, struct bp_shard *s); /* no lock */
int bp_shard_insert(struct bufferpool *p, struct bp_shard *s, bool fresh);
void bp_shard_remove(struct bufferpool *p, struct bp_shard *s);
struct bp_shard *bp_shard_lookup(const struct bufferpool *p, const void *ptr);
struct bp_shard *bp_shard_pick_victim(struct bufferpool *p, uint64_t before);
void *bp_take(struct bufferpool *p, uint32_t c, bool pinned_only, bool kernel,
	      struct bp_shard **shard);
int bp_locate(const struct bufferpool *p, const struct bp_shard *s, const void *ptr, uint32_t *page,
	      uint32_t *slot);
void bp_slot_release(struct bufferpool *p, struct bp_shard *s, uint32_t page, uint32_t slot);

static inline uint64_t *bp_bits(const struct bufferpool *p, uint64_t *bits, uint32_t page)
{
	return bits + (size_t)page * p->words_per_page;
}

static inline bool bp_bit(const struct bufferpool *p, uint64_t *bits, uint32_t page, uint32_t slot)
{
	return (bp_bits(p, bits, page)[slot / 64] >> (slot % 64)) & 1;
}

/* bufferpool_reclaim.c */
int bp_quarantine_add(struct bufferpool *p, void *ptr); /* p->lock held */
int bp_quarantine_flush(struct bufferpool *p);          /* no lock held */

/* bufferpool_stats.c, p->lock held */
uint16_t bp_site_get(struct bufferpool *p, const char *file, int line);
void bp_sites_cleanup(struct bufferpool *p); /* no lock, at destroy */

#endif
