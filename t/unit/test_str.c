/* Unit tests for lib/str (byte-string views) and lib/arena. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "arena.h"
#include "str.h"
#include "test.h"

TEST(str_basics)
{
	str a = STR_C("hello");
	str n = str_from(NULL);

	CHECK_EQ(a.len, 5);
	CHECK(str_is_null(STR_NULL));
	CHECK(!str_is_null(a));
	CHECK(str_is_null(n));
	CHECK_EQ(n.len, 0);
	CHECK(str_eq(a, str_from("hello")));
	CHECK(!str_eq(a, str_from("hell")));
	CHECK(!str_eq(a, str_from("hellO")));
	CHECK(str_eq(STR_NULL, STR_C(""))); /* both empty */
	CHECK(str_eq_c(str_make("abc", 2), "ab"));
	CHECK(!str_eq_c(str_make("abc", 2), "abc"));

	char buf[32];

	snprintf(buf, sizeof(buf), "[%.*s]", STR_FMT(str_make("abcdef", 3)));
	CHECK_STR(buf, "[abc]");
}

TEST(str_eq_nocase)
{
	CHECK(str_eq_nocase(STR_C("Offer"), "offer"));
	CHECK(str_eq_nocase(STR_C("RTP/AVP"), "rtp/avp"));
	CHECK(!str_eq_nocase(STR_C("offer"), "offers"));
	CHECK(!str_eq_nocase(STR_C("offerx"), "offer"));
	CHECK(str_eq_nocase(STR_NULL, ""));
	CHECK(!str_eq_nocase(STR_C("a"), "b"));
	/* only ASCII folds */
	CHECK(!str_eq_nocase(STR_C("\xc4"), "\xe4"));
}

TEST(str_has_prefix)
{
	CHECK(str_has_prefix(STR_C("a=rtpmap:0 PCMU/8000"), "a=rtpmap:"));
	CHECK(str_has_prefix(STR_C("abc"), ""));
	CHECK(str_has_prefix(STR_C("abc"), "abc"));
	CHECK(!str_has_prefix(STR_C("ab"), "abc"));
	CHECK(!str_has_prefix(STR_C("abc"), "b"));
	CHECK(str_has_prefix(STR_NULL, ""));
}

TEST(str_skip)
{
	str a = STR_C("abcdef");
	str r = str_skip(a, 2);

	CHECK_MEM(r.s, r.len, "cdef");
	r = str_skip(a, 6);
	CHECK_EQ(r.len, 0);
	CHECK(r.s == a.s + 6);
	r = str_skip(a, 100);
	CHECK_EQ(r.len, 0);
	CHECK(r.s == a.s + 6);
	r = str_skip(a, 0);
	CHECK(str_eq(r, a));
	r = str_skip(STR_NULL, 3);
	CHECK(r.s == NULL && r.len == 0);
}

TEST(str_trim)
{
	str r = str_trim(STR_C(" \t a b \t "));

	CHECK_MEM(r.s, r.len, "a b");
	r = str_trim(STR_C("   "));
	CHECK_EQ(r.len, 0);
	r = str_trim(STR_C("x"));
	CHECK_MEM(r.s, r.len, "x");
	r = str_trim(STR_C("\r\nx\n")); /* only spaces and tabs */
	CHECK_MEM(r.s, r.len, "\r\nx\n");
	r = str_trim(STR_NULL);
	CHECK_EQ(r.len, 0);
}

TEST(str_split)
{
	str head, rest;

	rest = str_split(STR_C("key=value=x"), '=', &head);
	CHECK_MEM(head.s, head.len, "key");
	CHECK_MEM(rest.s, rest.len, "value=x");

	rest = str_split(STR_C("novalue"), '=', &head);
	CHECK_MEM(head.s, head.len, "novalue");
	CHECK(str_is_null(rest));

	rest = str_split(STR_C("trailing="), '=', &head);
	CHECK_MEM(head.s, head.len, "trailing");
	CHECK(!str_is_null(rest));
	CHECK_EQ(rest.len, 0);

	rest = str_split(STR_C("=lead"), '=', &head);
	CHECK_EQ(head.len, 0);
	CHECK_MEM(rest.s, rest.len, "lead");

	rest = str_split(STR_NULL, '=', &head);
	CHECK(str_is_null(rest));
	CHECK_EQ(head.len, 0);

	/* the separator is searched only within the view */
	rest = str_split(str_make("ab=c", 2), '=', &head);
	CHECK(str_is_null(rest));
	CHECK_MEM(head.s, head.len, "ab");
}

TEST(str_to_int64)
{
	static const struct {
		const char *in;
		int rc;
		int64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "-42", 0, -42 },
		{ "007", 0, 7 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "9223372036854775808", -ERANGE, 0 },
		{ "-9223372036854775809", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "-", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "12a", -EINVAL, 0 },
		{ "--1", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		/* not a number, however long: -EINVAL, not -ERANGE */
		{ "99999999999999999999999x", -EINVAL, 0 },
		{ "-99999999999999999999999-", -EINVAL, 0 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int64_t v = 12345;
		int rc = str_to_int64(str_from(cases[i].in), INT64_MIN, INT64_MAX, &v);

		if (rc != cases[i].rc || (rc == 0 && v != cases[i].v)) {
			FAIL_AT("str_to_int64(\"%s\") = %d, %" PRId64 "; want %d, %" PRId64,
				cases[i].in, rc, v, cases[i].rc, cases[i].v);
			return;
		}
		if (rc)
			CHECK_EQ(v, 12345); /* untouched on error */
	}

	int64_t v = 0;

	CHECK_EQ(str_to_int64(STR_C("65535"), 0, 65535, &v), 0);
	CHECK_EQ(v, 65535);
	CHECK_EQ(str_to_int64(STR_C("65536"), 0, 65535, &v), -ERANGE);
	CHECK_EQ(str_to_int64(STR_C("-1"), 0, 65535, &v), -ERANGE);
	CHECK_EQ(str_to_int64(STR_C("-5"), -10, -1, &v), 0);
	CHECK_EQ(v, -5);
	CHECK_EQ(str_to_int64(STR_C("5"), -10, -1, &v), -ERANGE);
	CHECK_EQ(str_to_int64(STR_NULL, 0, 1, &v), -EINVAL);
	/* only the view counts */
	CHECK_EQ(str_to_int64(str_make("123456", 3), 0, 1000, &v), 0);
	CHECK_EQ(v, 123);
}

TEST(str_dup)
{
	char *d = str_dup(str_make("abcdef", 3));

	CHECK_STR(d, "abc");
	g_free(d);
	d = str_dup(STR_NULL);
	CHECK_STR(d, "");
	g_free(d);
}

TEST(arena_alloc_alignment_and_zero)
{
	struct arena *a = arena_new(0);

	CHECK_EQ(arena_used(a), 0);
	for (size_t i = 1; i < 300; i++) {
		unsigned char *p = arena_alloc(a, i);

		CHECK_EQ((uintptr_t)p % 16, 0);
		for (size_t j = 0; j < i; j++)
			CHECK_EQ(p[j], 0);
		memset(p, 0xa5, i); /* ASan: must be writable */
	}
	CHECK(arena_used(a) >= 299 * 300 / 2);
	arena_free(a);
	arena_free(NULL);
}

TEST(arena_chunks_and_oversized)
{
	struct arena *a = arena_new(64);
	char *small = arena_alloc(a, 16);
	char *big = arena_alloc(a, 1000); /* gets its own chunk */
	char *small2 = arena_alloc(a, 16);

	memset(big, 1, 1000);
	/* the current chunk's free space was not wasted by the big request */
	CHECK(small2 == small + 16);
	CHECK_EQ(arena_used(a), 16 + 1008 + 16);

	/* many allocations across chunks stay distinct and intact */
	unsigned *ptrs[500];

	for (unsigned i = 0; i < 500; i++) {
		ptrs[i] = arena_alloc(a, (i % 7 + 1) * 8);
		*ptrs[i] = i;
	}
	for (unsigned i = 0; i < 500; i++)
		CHECK_EQ(*ptrs[i], i);

	/* an oversized request into a fresh arena */
	struct arena *b = arena_new(32);
	char *p = arena_alloc(b, 4096);

	memset(p, 2, 4096);
	p = arena_alloc(b, 8);
	CHECK(p != NULL);
	memset(p, 3, 8);
	arena_free(b);
	arena_free(a);
}

TEST(arena_strdup_printf)
{
	struct arena *a = arena_new(0);
	char src[] = "abc";
	str s = arena_strdup(a, str_make(src, 2));

	src[0] = 'X';
	CHECK_MEM(s.s, s.len, "ab");
	CHECK_EQ(s.s[2], '\0');
	s = arena_strdup(a, STR_NULL);
	CHECK_EQ(s.len, 0);
	CHECK(s.s && s.s[0] == '\0');

	s = arena_printf(a, "%s-%d-%.*s", "x", 42, 2, "yzw");
	CHECK_MEM(s.s, s.len, "x-42-yz");
	CHECK_EQ(s.s[s.len], '\0');
	s = arena_printf(a, "%s", "");
	CHECK_EQ(s.len, 0);

	/* longer than a chunk */
	char *long_str = g_strnfill(10000, 'q');

	s = arena_printf(a, "<%s>", long_str);
	CHECK_EQ(s.len, 10002);
	CHECK_EQ(s.s[0], '<');
	CHECK_EQ(s.s[10001], '>');
	CHECK_EQ(s.s[5000], 'q');
	g_free(long_str);
	arena_free(a);
}

/* A request whose rounding would wrap must abort (as OOM does), never hand
 * out a tiny block. Run in a child so the abort is observable. */
TEST(arena_huge_request_aborts)
{
	int status = 0;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct arena *a = arena_new(0);
		char *p = arena_alloc(a, SIZE_MAX - 3);

		p[0] = 1;
		_exit(0); /* reached only if the bug is back */
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGABRT);
}

TEST_MAIN()
