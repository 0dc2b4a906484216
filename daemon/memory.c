/* The shared-memory pool of the daemon; see memory.h. */
#define LOG_SUBSYS core
#include "memory.h"

#include <errno.h>
#include <event2/event.h>
#include <glib.h>
#include <string.h>

#include "bufferpool.h"
#include "config/config.h"
#include "kernel/pin.h"
#include "kernel/setup.h"
#include "kernel/table.h"
#include "log.h"
#include "rtprelay.h"

static void reclaim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rtprelay *rp = arg;

	if (bufferpool_reclaim(rp->pool) < 0)
		log_ratelimited(LOG_WARNING, "shared memory: barrier failed, quarantine kept");
}

/*
 * The mmap backing with --shared-memory-max: a shard past the limit is not
 * mapped (ENOMEM), which the offer path turns into an ng error. Control
 * thread only (the pool maps shards where it allocates).
 */
struct capped {
	size_t mapped, max; /* bytes; max 0 = no limit */
};

static struct capped capped;

/* The kernel side of the pool (NULL: user space only) and the table it
 * pins through, for the statistics. Main thread. */
static struct kpin *kpin;
static const struct kernel *kernel;

static void *capped_map(void *ctx, size_t size)
{
	struct capped *c = ctx;
	void *base;

	if (c->max && c->mapped + size > c->max) {
		log_ratelimited(LOG_ERR,
				"shared memory: limit of %zu MiB reached "
				"(shared-memory-max)",
				c->max >> 20);
		errno = ENOMEM;
		return NULL;
	}
	base = bufferpool_backing_mmap.map(NULL, size);
	if (base)
		c->mapped += size;
	return base;
}

static void capped_unmap(void *ctx, void *base, size_t size)
{
	struct capped *c = ctx;

	bufferpool_backing_mmap.unmap(NULL, base, size);
	c->mapped -= size;
}

static const struct bufferpool_backing capped_backing = {
	.name = "mmap",
	.map = capped_map,
	.unmap = capped_unmap,
};

int memory_start(struct rtprelay *rp, const struct kernel *k)
{
	struct bufferpool_config pc;
	struct timeval tv = { MEMORY_RECLAIM_SECONDS, 0 };

	bufferpool_config_default(&pc);
	pc.shard_size = (size_t)rp->cfg->shared_memory_shard_kib << 10;
	capped = (struct capped){ .max = (size_t)rp->cfg->shared_memory_max << 20 };
	pc.backing = &capped_backing;
	pc.backing_ctx = &capped;
	kernel = k;
	if (k && k->table) {
		/* Shards pinned through the table; mapped (and capped) as ever. */
		kpin = kpin_new(k->table, &capped_backing, &capped);
		if (kpin) {
			pc.backing = &kpin_backing;
			pc.backing_ctx = kpin;
		} else {
			log_warn("kernel table %u: cannot start the barrier thread; shared "
				 "memory is not pinned (media stays in user space)",
				 ktable_id(k->table));
		}
	}
	if (rp->cfg->memory_accounting_sites)
		pc.flags |= BUFFERPOOL_SITES;
	rp->pool = bufferpool_create(&pc);
	if (!rp->pool) {
		log_err("cannot create the shared memory pool");
		kpin_free(kpin);
		kpin = NULL;
		return -1;
	}
	rp->pool_timer = event_new(rp->base, -1, EV_PERSIST, reclaim_cb, rp);
	event_add(rp->pool_timer, &tv);
	return 0;
}

void memory_stop(struct rtprelay *rp)
{
	if (rp->pool_timer)
		event_free(rp->pool_timer);
	rp->pool_timer = NULL;
	/* Unpins every shard through the table (kernel/pin.c), then the
	 * barrier thread can go. */
	bufferpool_destroy(rp->pool);
	rp->pool = NULL;
	if (kpin) {
		struct kpin_counters c;

		kpin_get_counters(kpin, &c);
		log_info("kernel table %u: shared memory unpinned; %llu pins, %llu unpins, "
			 "%llu pin failures over the run",
			 ktable_id(kernel->table), (unsigned long long)c.pins,
			 (unsigned long long)c.unpins, (unsigned long long)c.pin_failures);
	}
	kpin_free(kpin);
	kpin = NULL;
	kernel = NULL;
}

static void add_u64(struct arena *a, bencode_item *d, const char *key, uint64_t v)
{
	bencode_dict_add_int(a, d, key, (int64_t)v);
}

void memory_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict)
{
	struct bufferpool_snapshot *s = bufferpool_snapshot_new(rp->pool);

	if (!s) {
		bencode_dict_add_cstr(a, dict, "error", "no memory for the snapshot");
		return;
	}
	const struct bufferpool_totals *t = &s->totals;

	add_u64(a, dict, "total", t->total);
	add_u64(a, dict, "used", t->used);
	add_u64(a, dict, "real_used", t->real_used);
	add_u64(a, dict, "free", t->free);
	add_u64(a, dict, "max_used", t->max_used);
	add_u64(a, dict, "fragments", t->fragments);
	add_u64(a, dict, "live_objects", t->live_objects);
	add_u64(a, dict, "quarantined_objects", t->quarantined_objects);
	add_u64(a, dict, "shards", t->shards);
	add_u64(a, dict, "shards_pinned", t->shards_pinned);
	add_u64(a, dict, "shards_max", t->shards_max);
	add_u64(a, dict, "pinned_bytes", t->pinned_bytes);
	add_u64(a, dict, "shard_size", s->shard_size);
	add_u64(a, dict, "page_size", s->page_size);
	add_u64(a, dict, "allocs", t->allocs);
	add_u64(a, dict, "frees", t->frees);
	add_u64(a, dict, "alloc_failures", t->alloc_failures);
	add_u64(a, dict, "unpinned_allocs", t->unpinned_allocs);

	bencode_item *shards = bencode_dict_add_list(a, dict, "per shard");

	for (size_t i = 0; i < s->n_shards; i++) {
		const struct bufferpool_shard_stats *sh = &s->shards[i];
		bencode_item *d = bencode_list_add_dict(a, shards);

		/* An index, not the address: no pointers to control clients. */
		add_u64(a, d, "index", i);
		add_u64(a, d, "size", sh->size);
		add_u64(a, d, "used", sh->used);
		add_u64(a, d, "live_objects", sh->live_objects);
		add_u64(a, d, "free_pages", sh->free_pages);
		add_u64(a, d, "pinned", sh->pinned);
	}
	bencode_item *classes = bencode_dict_add_list(a, dict, "per size class");

	for (size_t i = 0; i < s->n_classes; i++) {
		const struct bufferpool_class_stats *c = &s->classes[i];

		if (!c->objects && !c->pages)
			continue;
		bencode_item *d = bencode_list_add_dict(a, classes);

		add_u64(a, d, "size", c->size);
		add_u64(a, d, "objects", c->objects);
		add_u64(a, d, "bytes", c->bytes);
		add_u64(a, d, "pages", c->pages);
	}
	if (s->sites_enabled) {
		bencode_item *sites = bencode_dict_add_list(a, dict, "per site");

		for (size_t i = 0; i < s->n_sites; i++) {
			const struct bufferpool_site_stats *st = &s->sites[i];
			bencode_item *d = bencode_list_add_dict(a, sites);
			const char *base = strrchr(st->file, '/');

			bencode_dict_set(a, d, "site",
					 bencode_new_str(a, arena_printf(a, "%s:%d",
									 base ? base + 1 : st->file,
									 st->line)));
			add_u64(a, d, "objects", st->objects);
			add_u64(a, d, "bytes", st->bytes);
			add_u64(a, d, "allocs", st->allocs);
		}
	}
	bufferpool_snapshot_free(s);
}

void memory_kernel_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict)
{
	struct bufferpool_totals t;
	struct kpin_counters c = { 0 };

	bufferpool_get_totals(rp->pool, &t);
	if (kpin)
		kpin_get_counters(kpin, &c);
	bencode_dict_add_cstr(a, dict, "state", kpin ? "kernel" : "user space");
	bencode_dict_add_int(a, dict, "table", rp->cfg->table);
	if (kernel && kernel->reason[0])
		bencode_dict_add_cstr(a, dict, "reason", kernel->reason);
	add_u64(a, dict, "shards_pinned", t.shards_pinned);
	add_u64(a, dict, "pinned_bytes", t.pinned_bytes);
	add_u64(a, dict, "pins", c.pins);
	add_u64(a, dict, "pin_failures", c.pin_failures);
	add_u64(a, dict, "unpins", c.unpins);
	add_u64(a, dict, "unpins_busy", c.unpin_busy);
	add_u64(a, dict, "unpin_failures", c.unpin_failures);
	add_u64(a, dict, "barriers", c.barriers);
	add_u64(a, dict, "barrier_failures", c.barrier_failures);
	add_u64(a, dict, "barrier_timeouts", c.barrier_timeouts);
	add_u64(a, dict, "unpinned_allocs", t.unpinned_allocs);
	add_u64(a, dict, "quarantined_objects", t.quarantined_objects);
}
