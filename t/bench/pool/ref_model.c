/* ref_model: see ref_model.h. */
#include "ref_model.h"

void ref_model_init(struct ref_model *m)
{
	*m = (struct ref_model){ .shard_size = REF_SHARD_SIZE, .cap = REF_MAX_SHARDS };
}

int32_t ref_model_alloc(struct ref_model *m, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (!m->n_shards || m->shards[m->cur].bump + size > m->shard_size) {
		unsigned i;

		/* A shard is reusable only once every object in it is gone. */
		for (i = 0; i < m->n_shards; i++)
			if (!m->shards[i].live)
				break;
		if (i == m->n_shards) {
			if (m->n_shards == m->cap) {
				m->failures++;
				return -1;
			}
			m->n_shards++;
		}
		m->cur = i;
		m->shards[i].bump = 0;
	}
	m->shards[m->cur].bump += size;
	m->shards[m->cur].live++;
	m->live_bytes += size;
	return (int32_t)m->cur;
}

void ref_model_free(struct ref_model *m, int32_t handle, size_t size)
{
	if (handle < 0)
		return;
	m->shards[handle].live--;
	m->live_bytes -= (size + 7) & ~(size_t)7;
}
