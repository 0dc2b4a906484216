/* Bump arena: chunks chained in a list, all freed together. */
#include "arena.h"

#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t chunk_size;
	size_t total;
};

struct arena *arena_new(size_t chunk_size)
{
	struct arena *a = g_new0(struct arena, 1);

	a->chunk_size = chunk_size ? chunk_size : 4096;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		g_free(c);
	}
	g_free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	/* Rounding up (and the chunk header) must not wrap a huge request
	 * around to a tiny one; such a request can only fail, as OOM does. */
	if (size > SIZE_MAX - ARENA_ALIGN - sizeof(struct chunk))
		abort();
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct chunk *c = a->head;

	if (!c || c->size - c->used < size) {
		/* Oversized requests get a chunk of their own behind the current
		 * one, so the current chunk's free space is not wasted. */
		size_t n = size > a->chunk_size ? size : a->chunk_size;
		struct chunk *nc = g_malloc(sizeof(*nc) + n);

		nc->size = n;
		nc->used = 0;
		if (c && size > a->chunk_size) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	memset(p, 0, size);
	return p;
}

str arena_strdup(struct arena *a, str s)
{
	char *p = arena_alloc(a, s.len + 1);

	if (s.len)
		memcpy(p, s.s, s.len);
	p[s.len] = '\0';
	return (str){ p, s.len };
}

str arena_printf(struct arena *a, const char *fmt, ...)
{
	char small[256];
	va_list ap, ap2;

	/* One formatting pass for the usual short string. */
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);

	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return (str){ p, (size_t)n };
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
