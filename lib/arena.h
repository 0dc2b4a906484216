/*
 * arena: memory with one lifetime (one ng request, one parse). Allocations
 * are bump-allocated from chunks and all freed at once by arena_free().
 * Not thread-safe: an arena belongs to one thread at a time.
 */
#ifndef RTPRELAY_ARENA_H
#define RTPRELAY_ARENA_H

#include <stddef.h>

#include "str.h"

struct arena;

/* chunk_size 0 picks a default (4 KiB). Never NULL (aborts on OOM, as GLib). */
struct arena *arena_new(size_t chunk_size);
void arena_free(struct arena *a); /* NULL is a no-op */

/* Zeroed, 16-byte aligned memory valid until arena_free(). */
void *arena_alloc(struct arena *a, size_t size);

/* A NUL-terminated copy of s in the arena (the view's .s is NUL-terminated). */
str arena_strdup(struct arena *a, str s);
str arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes handed out so far (for statistics and tests). */
size_t arena_used(const struct arena *a);

#endif
