/*
 * bufferpool: memory for per-stream state that the kernel module may write
 * (packet counters, last-packet time, per-SSRC and per-payload-type entries),
 * with pinned memory that follows live memory. See DESIGN.md, "Memory".
 *
 * Layout. Memory comes from the backing in shards: a power-of-two size,
 * aligned to that size, so the shard of any object is its address masked
 * (bufferpool_shard_base()). A shard is cut into fixed-size pages; a page in
 * use holds objects of one size class, tracked by a bitmap kept outside the
 * shard (nothing the kernel can see is allocator metadata). A page whose
 * last object is freed goes back to its shard at once and the next page of
 * any size class can take it, so a long-lived object holds one page, never a
 * shard. New pages come from the fullest shard that has room, so sparse
 * shards drain; a shard left empty is unpinned and unmapped through the
 * backing by bufferpool_reclaim() once it has stayed empty for a whole
 * period, except `spare_shards` empty shards kept for the next rise (a load
 * hovering at a shard boundary reuses them instead of mapping and pinning a
 * shard each time it crosses), and those only while pinned bytes stay
 * within 1.25 x live bytes + one shard.
 *
 * Pinning. A backing with a pin() callback is asked to pin every shard it
 * maps. A shard it fails to pin stays usable as plain user-space memory:
 * kernel allocations prefer pinned shards, fall back to unpinned memory
 * (bufferpool_is_pinned() tells the caller, which then keeps that stream in
 * user space), or fail with BUFFERPOOL_PINNED_ONLY.
 *
 * Quarantine. An object allocated with BUFFERPOOL_KERNEL in a pinned shard
 * is not reused after bufferpool_free() until the backing's barrier()
 * returned after the free (the kernel promises no packet still writes to
 * it). bufferpool_reclaim() runs one barrier for every object freed so far;
 * the pool also runs one itself before it would map a new shard. With no
 * barrier callback, or for objects that are not kernel-visible, a free is
 * immediate.
 *
 * Threads. Every function is thread-safe except bufferpool_create() and
 * bufferpool_destroy(), which the owner calls with no other user left. One
 * mutex guards the pool (held for a few bit operations per alloc/free); a
 * second one serialises growth, so when several threads find no room at
 * once exactly one maps a shard and the others re-check and use it. Backing
 * callbacks are never called with the pool mutex held.
 *
 * Errors: constructors return NULL and set errno; actions return 0 or a
 * negative errno. The library never logs.
 */
#ifndef RTPRELAY_BUFFERPOOL_H
#define RTPRELAY_BUFFERPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bufferpool;

/*
 * Where shards come from and how the kernel is told about them. All
 * callbacks receive the ctx given in the config; the pool calls them without
 * its mutex held, map/pin from one thread at a time per pool.
 */
struct bufferpool_backing {
	const char *name;
	/* size bytes, zeroed, aligned to size (a power of two); NULL + errno. */
	void *(*map)(void *ctx, size_t size);
	/* Give back what map() returned, after unpin() if it was pinned. */
	void (*unmap)(void *ctx, void *base, size_t size);
	/* Optional (NULL: user-space-only, nothing is pinned). Make the shard
	 * [base, base + size) writable by the kernel: 0 or -errno. A failure
	 * is not fatal: the shard is used as unpinned memory. */
	int (*pin)(void *ctx, void *base, size_t size);
	/* Optional, with pin. After it returns 0 the kernel no longer touches
	 * the shard; on -errno the pool keeps the shard and tries again when it
	 * next wants to release one. */
	int (*unpin)(void *ctx, void *base, size_t size);
	/* Optional (NULL: frees are immediate). Return 0 once no packet that
	 * the kernel started before the call can still write to any memory;
	 * -errno leaves the batch in quarantine for the next try. */
	int (*barrier)(void *ctx);
};

/* Plain anonymous memory (mmap, over-allocated and trimmed to alignment),
 * no pinning: user-space-only operation. ctx is unused. */
extern const struct bufferpool_backing bufferpool_backing_mmap;

/* The mmap backing's map/unmap, for backings (the kernel one) that pin
 * ordinary anonymous memory. */
void *bufferpool_mmap_aligned(void *ctx, size_t size);
void bufferpool_munmap(void *ctx, void *base, size_t size);

/* Pool-wide flags (bufferpool_config.flags). */
enum {
	/* Record the allocation site (file:line) of every object, for the
	 * per-site accounting: two bytes per 16 bytes of shard, a table
	 * lookup per alloc. The daemon sets it for --memory-accounting=sites
	 * and in debug builds. */
	BUFFERPOOL_SITES = 1u << 0,
};

struct bufferpool_config {
	size_t shard_size;     /* power of two, >= 4 pages, <= 1 GiB */
	size_t page_size;      /* power of two, 1 KiB .. 64 KiB */
	unsigned spare_shards; /* empty shards kept mapped (and pinned) */
	unsigned flags;        /* BUFFERPOOL_SITES */
	const struct bufferpool_backing *backing;
	void *backing_ctx;
};

/* Defaults: 1 MiB shards, 4 KiB pages, one spare, mmap backing, no sites. */
void bufferpool_config_default(struct bufferpool_config *cfg);

/* A new pool; no shard is mapped until the first allocation. NULL + errno
 * (EINVAL for a bad config, ENOMEM). */
struct bufferpool *bufferpool_create(const struct bufferpool_config *cfg);

/* Unpins and unmaps every shard, live objects or not: the caller has made
 * sure nothing (no thread, no kernel target) still uses them. NULL is a
 * no-op. */
void bufferpool_destroy(struct bufferpool *p);

/* Allocation flags. */
enum {
	/* The kernel may write the object: take it from a pinned shard when
	 * possible, and quarantine it on free until a barrier. */
	BUFFERPOOL_KERNEL = 1u << 0,
	/* With BUFFERPOOL_KERNEL: NULL (errno ENOSPC) rather than unpinned
	 * memory when no shard can be pinned. */
	BUFFERPOOL_PINNED_ONLY = 1u << 1,
};

/* Largest object the pool hands out (one page). */
size_t bufferpool_max_size(const struct bufferpool *p);

/*
 * size bytes, zeroed, 16-byte aligned, until bufferpool_free(). NULL +
 * errno: EINVAL (size 0 or above bufferpool_max_size()), ENOMEM (the backing
 * could not map a shard), ENOSPC (PINNED_ONLY and nothing could be pinned).
 * file/line name the allocation site for the per-site accounting; use the
 * bufferpool_alloc() macro.
 */
void *bufferpool_alloc_at(struct bufferpool *p, size_t size, unsigned flags, const char *file,
			  int line);
#define bufferpool_alloc(p, size, flags) \
	bufferpool_alloc_at((p), (size), (flags), __FILE__, __LINE__)

/*
 * Give an object back (NULL is a no-op). A kernel-visible object in a
 * pinned shard is quarantined until the next barrier; anything else is
 * reusable at once. -EINVAL for a pointer the pool did not hand out or
 * already freed (the pool is left unchanged).
 */
int bufferpool_free(struct bufferpool *p, void *ptr);

/*
 * The periodic work that gives memory back (the daemon: from the control
 * thread's one-second timer; not on the packet path, since both halves may
 * talk to the kernel):
 * - one backing barrier, then every object quarantined before it is free;
 * - empty shards beyond spare_shards that have stayed empty since before
 *   the previous call are unpinned and unmapped (the hysteresis: a shard
 *   that empties and fills again within a period is never released); a
 *   pinned spare too while pinned bytes exceed 1.25 x live + one shard.
 * Returns the number of objects released from quarantine, or -errno from
 * the barrier (they stay queued; shards are released all the same). Never
 * holds the pool mutex while it calls the backing.
 */
int bufferpool_reclaim(struct bufferpool *p);

/* The shard holding ptr: its address masked by the shard size. With the
 * offset ptr - base, that is what a kernel target names. */
static inline uintptr_t bufferpool_shard_base_of(size_t shard_size, const void *ptr)
{
	return (uintptr_t)ptr & ~(uintptr_t)(shard_size - 1);
}
size_t bufferpool_shard_size(const struct bufferpool *p);
void *bufferpool_shard_base(const struct bufferpool *p, const void *ptr);

/* Whether the live object ptr lies in a pinned shard (the kernel can write
 * it). Stable for the object's lifetime: a shard is pinned once, at map. */
bool bufferpool_is_pinned(struct bufferpool *p, const void *ptr);

/*
 * Whether the live object ptr sits in a shard that moving it would help
 * give back: a sparse one (at most 1/4 of it in use), or, while pinned
 * bytes exceed 1.25 x live bytes + one shard, the emptiest shard in use;
 * and the other shards in use have room for all its objects (free pages,
 * and free slots of ptr's size class: after a load drop the survivors sit
 * a few to a page everywhere) and one of them is fuller. When it says yes,
 * the next allocation of that size class comes from the fullest other
 * shard (by bytes taken), not from ptr's. A non-moving pool cannot drain a shard that
 * holds a few long-lived objects (a call that lasts hours, one never
 * deleted) after the load falls; the owner can: allocate a replacement,
 * check bufferpool_shard_base() differs, copy, switch the kernel target to
 * it, free the old one. Meant for a slow walk of long-lived streams from the
 * control thread; takes the pool mutex for a lookup.
 */
bool bufferpool_should_move(struct bufferpool *p, const void *ptr);

/*
 * Accounting. Always on: counters updated under the pool mutex with the
 * alloc/free they describe. Shapes follow Kamailio's core.shmmem.
 */
struct bufferpool_totals {
	uint64_t total;     /* bytes of all mapped shards */
	uint64_t used;      /* bytes of live objects (at their size class) */
	uint64_t real_used; /* bytes of pages in use (live, quarantined,
			     * internal fragmentation) */
	uint64_t free;      /* total - real_used */
	uint64_t max_used;  /* highest real_used so far */
	uint64_t fragments; /* free pages in shards that also hold objects:
			     * free space that cannot be given back */
	uint64_t live_objects;
	uint64_t quarantined_objects;
	uint64_t quarantined_bytes;
	uint64_t quarantine_leaked; /* could not be queued: never reused */
	uint32_t shards;
	uint32_t shards_pinned;
	uint32_t shards_empty; /* of shards: spares, or awaiting release */
	uint32_t shards_max;   /* highest shard count so far */
	uint64_t pinned_bytes;
	/* events since creation */
	uint64_t allocs;
	uint64_t frees;
	uint64_t alloc_failures;
	uint64_t unpinned_allocs; /* BUFFERPOOL_KERNEL served unpinned */
	uint64_t shards_mapped;
	uint64_t shards_released;
	uint64_t pin_failures;
	uint64_t unpin_failures;
	uint64_t barriers;
	uint64_t barrier_failures;
	uint64_t bad_frees;
};

struct bufferpool_shard_stats {
	uintptr_t base;
	size_t size;
	bool pinned;
	uint64_t used;         /* bytes of live objects */
	uint64_t live_objects; /* including quarantined */
	uint32_t pages;
	uint32_t free_pages;
};

struct bufferpool_class_stats {
	uint32_t size; /* object size of the class */
	uint32_t per_page;
	uint64_t objects; /* live */
	uint64_t bytes;   /* objects * size */
	uint64_t pages;   /* pages holding this class */
};

struct bufferpool_site_stats {
	const char *file; /* as given to bufferpool_alloc_at() */
	int line;
	uint64_t objects; /* live */
	uint64_t bytes;
	uint64_t allocs; /* since creation */
};

/* One consistent picture; every array is owned by the snapshot. */
struct bufferpool_snapshot {
	struct bufferpool_totals totals;
	struct bufferpool_shard_stats *shards; /* by address */
	size_t n_shards;
	struct bufferpool_class_stats *classes; /* by size */
	size_t n_classes;
	struct bufferpool_site_stats *sites; /* by bytes, largest first */
	size_t n_sites;                      /* 0 without BUFFERPOOL_SITES */
	size_t shard_size;
	size_t page_size;
	bool sites_enabled;
};

/* The totals alone, no allocation: cheap enough for every metrics scrape. */
void bufferpool_get_totals(struct bufferpool *p, struct bufferpool_totals *t);

/* Everything: NULL + errno ENOMEM. Holds the pool mutex while it copies
 * (microseconds per shard); meant for the control thread. */
struct bufferpool_snapshot *bufferpool_snapshot_new(struct bufferpool *p);
void bufferpool_snapshot_free(struct bufferpool_snapshot *s); /* NULL: no-op */

#endif
