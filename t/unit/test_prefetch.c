/* prefetch.h: spans of cache lines, and the prefetches they turn into. */
#include "prefetch.h"
#include "test.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

TEST_MAIN()

static uintptr_t first_of(prefetch_span s)
{
	return s & ~(uintptr_t)(PREFETCH_LINE - 1);
}

static unsigned lines_of(prefetch_span s)
{
	return (unsigned)(s & (PREFETCH_LINE - 1)) + 1;
}

TEST(span_covers_the_lines_of_a_range)
{
	static _Alignas(64) char buf[64 * 100];
	prefetch_span s[8];
	unsigned k = 0;

	k = prefetch_span_add(s, k, 8, buf, 64);               /* one whole line */
	k = prefetch_span_add(s, k, 8, buf + 63, 1);           /* its last byte */
	k = prefetch_span_add(s, k, 8, buf + 63, 2);           /* across into the next */
	k = prefetch_span_add(s, k, 8, buf + 10, 200);         /* 10..209: lines 0-3 */
	k = prefetch_span_add(s, k, 8, buf + 64, 64 * 64);     /* exactly the most */
	k = prefetch_span_add(s, k, 8, buf + 64, 64 * 64 + 1); /* one more: cut */
	CHECK_EQ(k, 6);
	CHECK_EQ(first_of(s[0]), (uintptr_t)buf);
	CHECK_EQ(lines_of(s[0]), 1);
	CHECK_EQ(first_of(s[1]), (uintptr_t)buf);
	CHECK_EQ(lines_of(s[1]), 1);
	CHECK_EQ(first_of(s[2]), (uintptr_t)buf);
	CHECK_EQ(lines_of(s[2]), 2);
	CHECK_EQ(first_of(s[3]), (uintptr_t)buf);
	CHECK_EQ(lines_of(s[3]), 4);
	CHECK_EQ(first_of(s[4]), (uintptr_t)(buf + 64));
	CHECK_EQ(lines_of(s[4]), PREFETCH_SPAN_LINES);
	CHECK_EQ(lines_of(s[5]), PREFETCH_SPAN_LINES);
}

TEST(nothing_added_for_null_empty_or_full)
{
	static char buf[64];
	prefetch_span s[2] = { 7, 7 };

	CHECK_EQ(prefetch_span_add(s, 0, 2, NULL, 64), 0);
	CHECK_EQ(prefetch_span_add(s, 0, 2, buf, 0), 0);
	CHECK_EQ(prefetch_span_add(s, 2, 2, buf, 64), 2);
	CHECK_EQ(s[0], 7);
	CHECK_EQ(s[1], 7);
}

/* The lists are fetched when what they name may be gone: a prefetch of
 * memory that is no longer mapped does not fault. */
TEST(fetching_unmapped_memory_is_harmless)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	prefetch_span s;

	CHECK(p != MAP_FAILED);
	CHECK_EQ(prefetch_span_add(&s, 0, 1, p, (size_t)page), 1);
	prefetch_span_fetch(s);
	CHECK_EQ(munmap(p, (size_t)page), 0);
	prefetch_span_fetch(s);
}

__attribute__((noinline)) static void fetch_all(const prefetch_span *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		prefetch_span_fetch(s[i]);
}

/*
 * A loop of nothing but __builtin_prefetch is deleted by GCC at -O2 (it has
 * no effect the compiler must keep): the worker's prefetching then silently
 * did nothing. The compiled loop must hold a prefetch instruction (x86:
 * 0F 18 with ModRM reg 1, prefetcht0).
 */
TEST(the_fetch_loop_keeps_its_prefetch_instruction)
{
#if defined(__x86_64__) || defined(__i386__)
	const uint8_t *code = (const uint8_t *)(uintptr_t)fetch_all;
	bool found = false;

	for (unsigned i = 0; i + 2 < 256 && !found; i++)
		found = code[i] == 0x0f && code[i + 1] == 0x18 && ((code[i + 2] >> 3) & 7) == 1;
	CHECK(found);
#endif
	static char buf[256];
	prefetch_span s[2];
	unsigned k = prefetch_span_add(s, 0, 2, buf, sizeof(buf));

	fetch_all(s, k);
}
