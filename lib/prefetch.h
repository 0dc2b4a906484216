/*
 * prefetch: spans of cache lines to fetch ahead of their use.
 *
 * With many calls, the state one packet needs (socket, stream, call,
 * counters, SRTP session) is in no cache, and a worker that reads it as it
 * goes waits for each miss in turn. A worker that knows the lines of the
 * packets ahead can ask for all of them at once and let the misses
 * overlap. The lists are made where the memory is known to be live (under
 * its owner's lock) and fetched later, when it may not be: a prefetch never
 * faults and never changes memory, whatever the address.
 *
 * A span is one word: the address of its first 64-byte line, with the
 * number of lines less one in the low 6 bits (zero in an aligned address).
 */
#ifndef RTPRELAY_PREFETCH_H
#define RTPRELAY_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#define PREFETCH_LINE 64
#define PREFETCH_SPAN_LINES 64 /* at most, in one span */

typedef uintptr_t prefetch_span;

/* [p, p + size) as one span at out[k], if k < n (a longer range is cut
 * at PREFETCH_SPAN_LINES lines; NULL or nothing adds nothing); the new k. */
static inline unsigned prefetch_span_add(prefetch_span *out, unsigned k, unsigned n, const void *p,
					 size_t size)
{
	const uintptr_t mask = PREFETCH_LINE - 1;

	if (!p || !size || k >= n)
		return k;
	uintptr_t first = (uintptr_t)p & ~mask;
	uintptr_t lines = ((((uintptr_t)p + size - 1) & ~mask) - first) / PREFETCH_LINE + 1;

	out[k] = first | ((lines < PREFETCH_SPAN_LINES ? lines : PREFETCH_SPAN_LINES) - 1);
	return k + 1;
}

/* Ask for the line at p. GCC takes a loop whose body is nothing but
 * __builtin_prefetch for one without effects and deletes it (-ffinite-loops
 * and dead code elimination): on x86 the instruction is written out. */
static inline void prefetch_line(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/* Ask for a span's lines, to be read and written soon. */
static inline void prefetch_span_fetch(prefetch_span s)
{
	const char *p = (const char *)(s & ~(uintptr_t)(PREFETCH_LINE - 1));
	unsigned lines = (unsigned)(s & (PREFETCH_LINE - 1)) + 1;

	for (unsigned i = 0; i < lines; i++)
		prefetch_line(p + (size_t)i * PREFETCH_LINE);
}

#endif
