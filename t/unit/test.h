/*
 * A minimal unit-test harness: each test file is one program; TEST()
 * functions register themselves; a failed CHECK prints both values with the
 * file and line, marks the test failed and returns from it. The exit status
 * is the number of failed tests (capped), so `make -C t unit` stops on it.
 */
#ifndef RTPRELAY_TEST_H
#define RTPRELAY_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_MAX 512
extern struct test_case test_cases[TEST_MAX];
extern int test_count;
extern bool test_failed;

#define TEST(name)                                                                           \
	static void test_##name(void);                                                       \
	__attribute__((constructor)) static void register_##name(void)                       \
	{                                                                                    \
		if (test_count < TEST_MAX)                                                   \
			test_cases[test_count++] = (struct test_case){ #name, test_##name }; \
	}                                                                                    \
	static void test_##name(void)

#define FAIL_AT(...)                                                \
	do {                                                        \
		fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                       \
		fputc('\n', stderr);                                \
		test_failed = true;                                 \
	} while (0)

#define CHECK(cond)                                         \
	do {                                                \
		if (!(cond)) {                              \
			FAIL_AT("CHECK(%s) failed", #cond); \
			return;                             \
		}                                           \
	} while (0)

#define CHECK_INT(a, op, b)                                                       \
	do {                                                                      \
		long long va_ = (long long)(a), vb_ = (long long)(b);             \
		if (!(va_ op vb_)) {                                              \
			FAIL_AT("%s %s %s: %lld vs %lld", #a, #op, #b, va_, vb_); \
			return;                                                   \
		}                                                                 \
	} while (0)

#define CHECK_EQ(a, b) CHECK_INT(a, ==, b)

#define CHECK_STR(a, b)                                                                     \
	do {                                                                                \
		const char *sa_ = (a), *sb_ = (b);                                          \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                \
			FAIL_AT("%s == %s: \"%s\" vs \"%s\"", #a, #b, sa_ ? sa_ : "(null)", \
				sb_ ? sb_ : "(null)");                                      \
			return;                                                             \
		}                                                                           \
	} while (0)

/* hay (may be NULL) contains needle. */
#define CHECK_CONTAINS(hay, needle)                                                        \
	do {                                                                               \
		const char *h_ = (hay), *n_ = (needle);                                    \
		if (!h_ || !strstr(h_, n_)) {                                              \
			FAIL_AT("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
			return;                                                            \
		}                                                                          \
	} while (0)

/* Compare a (pointer, length) pair with a C string. */
#define CHECK_MEM(p, n, b)                                                                    \
	do {                                                                                  \
		const char *pa_ = (const char *)(p), *sb_ = (b);                              \
		size_t na_ = (n);                                                             \
		if (!pa_ || na_ != strlen(sb_) || memcmp(pa_, sb_, na_)) {                    \
			FAIL_AT("%s == %s: \"%.*s\" vs \"%s\"", #p, #b, (int)(pa_ ? na_ : 6), \
				pa_ ? pa_ : "(null)", sb_);                                   \
			return;                                                               \
		}                                                                             \
	} while (0)

/* Define once per test program, in the file that has no main of its own. */
#define TEST_MAIN()                                                                               \
	struct test_case test_cases[TEST_MAX];                                                    \
	int test_count;                                                                           \
	bool test_failed;                                                                         \
	int main(int argc, char **argv)                                                           \
	{                                                                                         \
		int failed = 0;                                                                   \
		for (int i = 0; i < test_count; i++) {                                            \
			if (argc > 1 && !strstr(test_cases[i].name, argv[1]))                     \
				continue;                                                         \
			test_failed = false;                                                      \
			test_cases[i].fn();                                                       \
			printf("    %s %s\n", test_failed ? "FAIL" : "ok  ", test_cases[i].name); \
			failed += test_failed;                                                    \
		}                                                                                 \
		printf("  %d/%d passed\n", test_count - failed, test_count);                      \
		return failed > 100 ? 100 : failed;                                               \
	}

#endif
