/* Per-key slots claimed by compare-and-swap; see slots.h. */
#include "slots.h"

#ifdef __KERNEL__
#include <linux/atomic.h>
#define load32(p) READ_ONCE(*(p))
#define load64(p) READ_ONCE(*(p))
#define inc32(p) atomic_inc((atomic_t *)(p))
#define cas64(p, old, new) (cmpxchg64((p), (old), (new)) == (old))
#else
#define load32(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define load64(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define inc32(p) __atomic_fetch_add((p), 1, __ATOMIC_RELAXED)
#define cas64(p, old, new)                                                               \
	({                                                                               \
		uint64_t expected_ = (old);                                              \
		__atomic_compare_exchange_n((p), &expected_, (new), 0, __ATOMIC_RELAXED, \
					    __ATOMIC_RELAXED);                           \
	})
#endif

/* The first 8 bytes of a slot. */
union slot_head {
	struct {
		uint32_t key;
		uint32_t packets;
	};
	uint64_t v;
};

void *rtprelay_slot_count(void *first, size_t stride, unsigned int n, uint32_t key)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		union slot_head *h = (union slot_head *)((char *)first + i * stride);

		if (load32(&h->packets) && load32(&h->key) == key) {
			inc32(&h->packets);
			return h;
		}
	}
	for (i = 0; i < n; i++) {
		union slot_head *h = (union slot_head *)((char *)first + i * stride);
		union slot_head old, new;

		for (;;) {
			old.v = load64(&h->v);
			if (old.packets) {
				if (old.key != key)
					break;      /* another key's: try the next */
				inc32(&h->packets); /* claimed by a racing writer */
				return h;
			}
			new.key = key;
			new.packets = 1;
			if (cas64(&h->v, old.v, new.v))
				return h;
		}
	}
	return NULL;
}
