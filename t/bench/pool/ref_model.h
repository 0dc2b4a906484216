/*
 * ref_model: the reference design that failed in the field, modelled for
 * the simulator (bookkeeping only, no memory): shards of 16 MB, each a bump
 * allocator with a count of live objects; a shard is reusable (its bump
 * pointer reset) only when its count is zero; shards are never given back;
 * at most 16 can be pinned. When the current shard is full and no shard has
 * a zero count, a new shard is pinned; past the cap the allocation fails
 * ("Failed to pin shared kernel memory").
 */
#ifndef POOL_REF_MODEL_H
#define POOL_REF_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define REF_SHARD_SIZE (16u << 20)
#define REF_MAX_SHARDS 16

struct ref_model {
	size_t shard_size;
	unsigned cap;
	unsigned n_shards;
	unsigned cur;
	struct {
		size_t bump;
		uint64_t live;
	} shards[REF_MAX_SHARDS];
	uint64_t live_bytes;
	uint64_t failures;
};

void ref_model_init(struct ref_model *m);

/* A handle (the shard index) for size bytes, or -1 when the cap is hit. */
int32_t ref_model_alloc(struct ref_model *m, size_t size);
void ref_model_free(struct ref_model *m, int32_t handle, size_t size);

static inline uint64_t ref_model_pinned_bytes(const struct ref_model *m)
{
	return (uint64_t)m->n_shards * m->shard_size;
}

#endif
