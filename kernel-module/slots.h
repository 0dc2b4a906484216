/*
 * slots: per-key counters in a small array shared with user space (the
 * ssrc[] and pt[] arrays of struct rtprelay_stream_stats). A slot starts
 * with {u32 key, u32 packets}; packets == 0 means free. A writer counts a
 * packet into the slot that has its key, else claims the first free slot
 * with a compare-and-swap of those 8 bytes, so writers that race (CPUs of
 * the kernel, a user-space writer) never share or lose a slot. Compiled
 * into the module and into a user-space test (t/kernel/test_slots.c).
 */
#ifndef NFT_RTPRELAY_SLOTS_H
#define NFT_RTPRELAY_SLOTS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * Count one packet for key in the n slots of stride bytes (8-byte aligned)
 * at first. Returns the slot (its first byte) or NULL when every slot holds
 * another key. Lock-free; any context.
 */
void *rtprelay_slot_count(void *first, size_t stride, unsigned int n, uint32_t key);

#endif
