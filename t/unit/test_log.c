/* lib/log: escaping of what reaches a log line, the rate limiter. */
#include <pthread.h>
#include <string.h>

#include "log.h"
#include "test.h"

static const char *esc(const char *in)
{
	static char out[256];

	log_escape(in, out, sizeof(out));
	return out;
}

TEST(plain_text_unchanged)
{
	CHECK_STR(esc("ng offer from 127.0.0.1:5060: ok (12 us)"),
		  "ng offer from 127.0.0.1:5060: ok (12 us)");
	CHECK_STR(esc(""), "");
	/* Valid UTF-8 stays readable. */
	CHECK_STR(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e"),
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e");
}

TEST(control_characters_escaped)
{
	CHECK_STR(esc("bad 'x\n2026-12-05 10:00:00.000 [CRIT] core: forged'"),
		  "bad 'x\\x0a2026-12-05 10:00:00.000 [CRIT] core: forged'");
	CHECK_STR(esc("\r\t\x1b[31mred\x7f"), "\\x0d\\x09\\x1b[31mred\\x7f");
}

TEST(invalid_utf8_escaped)
{
	/* a lone continuation byte, a truncated sequence, an overlong '/', a
	 * UTF-16 surrogate, beyond U+10FFFF, and 0xff */
	CHECK_STR(esc("\x80"), "\\x80");
	CHECK_STR(esc("\xe2\x82"), "\\xe2\\x82");
	CHECK_STR(esc("\xc0\xaf"), "\\xc0\\xaf");
	CHECK_STR(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	CHECK_STR(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	CHECK_STR(esc("a\xff"
		      "b"),
		  "a\\xffb");
}

TEST(output_cut_not_overrun)
{
	char out[8];

	memset(out, 'Z', sizeof(out));
	CHECK_EQ(log_escape("abcdefghijkl", out, sizeof(out)), 7);
	CHECK_STR(out, "abcdefg");
	/* An escape that does not fit whole is left out whole. */
	CHECK_EQ(log_escape("abcde\n", out, sizeof(out)), 5);
	CHECK_STR(out, "abcde");
	CHECK_EQ(log_escape("x", out, 0), 0);
}

TEST(ratelimit_burst_then_suppressed)
{
	struct log_ratelimit rl = { 0 };
	unsigned long long before = log_suppressed();
	int ok = 0;

	for (int i = 0; i < 20; i++)
		ok += log_ratelimit_ok(&rl, 5, 3600);
	CHECK_EQ(ok, 5);
	CHECK_EQ(log_suppressed() - before, 15);
}

static struct log_ratelimit shared_rl;
static int passed[4];

static void *hammer(void *arg)
{
	int *n = arg;

	for (int i = 0; i < 100000; i++)
		*n += log_ratelimit_ok(&shared_rl, 5, 3600);
	return NULL;
}

TEST(ratelimit_threads)
{
	pthread_t t[4];

	/* Open the window here, so that no thread opens another meanwhile. */
	CHECK(log_ratelimit_ok(&shared_rl, 5, 3600));
	unsigned long long before = log_suppressed();

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, &passed[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	/* One window: exactly the rest of the burst passes, every other
	 * call is counted. */
	CHECK_EQ(passed[0] + passed[1] + passed[2] + passed[3], 4);
	CHECK_EQ(log_suppressed() - before, 400000 - 4);
}

TEST_MAIN()
