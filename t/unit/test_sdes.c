/* a=crypto lines (lib/sdes.c): the grammar, every suite, keys, MKI, lifetime,
 * session parameters, and printing back. */
#include <string.h>

#include "sdes.h"
#include "test.h"

TEST_MAIN()

static struct arena *arena;

static int parse(const char *v, struct sdes_crypto *c, const char **why)
{
	*why = NULL;
	return sdes_parse(str_from(v), c, why);
}

TEST(rfc4568_example_with_lifetime_and_mki)
{
	struct sdes_crypto c;
	const char *why;

	CHECK_EQ(parse("1 AES_CM_128_HMAC_SHA1_80 "
		       "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4",
		       &c, &why),
		 0);
	CHECK_EQ(c.tag, 1);
	CHECK(c.suite == sdes_suite_by_name(str_from("AES_CM_128_HMAC_SHA1_80")));
	CHECK_EQ(c.lifetime, 1u << 20);
	CHECK_EQ(c.mki, 1);
	CHECK_EQ(c.mki_len, 4);
	CHECK_EQ(c.key[0], 0x3d); /* 'P','S' -> 0x3d 0x2d ... */
	CHECK_EQ(c.key[1], 0x2d);
	/* a 32-byte MKI, as in the RFC's own example */
	CHECK_EQ(parse("1 AES_CM_128_HMAC_SHA1_80 "
		       "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
		       &c, &why),
		 0);
	CHECK_EQ(c.mki_len, 32);
}

TEST(every_suite_round_trips)
{
	for (unsigned i = 0; sdes_suite_at(i); i++) {
		const struct sdes_suite *s = sdes_suite_at(i);
		struct sdes_crypto c = { .tag = i + 1, .suite = s }, back;
		const char *why;

		for (unsigned k = 0; k < sizeof(c.key); k++)
			c.key[k] = (uint8_t)(k * 7 + i);
		if (s->key_len + s->salt_len < (int)sizeof(c.key))
			memset(c.key + s->key_len + s->salt_len, 0,
			       sizeof(c.key) - s->key_len - s->salt_len);
		c.flags = SDES_UNENCRYPTED_SRTCP;
		c.lifetime = 1000;
		str line = sdes_print(arena, &c, false);

		CHECK_EQ(sdes_parse(line, &back, &why), 0);
		CHECK(back.suite == s);
		CHECK_EQ(back.tag, i + 1);
		CHECK_EQ(back.lifetime, 1000);
		CHECK_EQ(back.flags, SDES_UNENCRYPTED_SRTCP);
		CHECK(!memcmp(back.key, c.key, sizeof(c.key)));
		/* rtpengine's style: no base64 padding, unless asked */
		CHECK(!memchr(line.s, '=', line.len));
		line = sdes_print(arena, &c, true);
		CHECK_EQ(sdes_parse(line, &back, &why), 0);
		CHECK(!memcmp(back.key, c.key, sizeof(c.key)));
		if ((s->key_len + s->salt_len) % 3)
			CHECK(memchr(line.s, '=', line.len) != NULL);
	}
}

TEST(lifetime_power_of_two_as_rtpengine_writes_it)
{
	struct sdes_crypto c = { .tag = 1,
				 .suite = sdes_suite_at(SDES_AES_CM_128_HMAC_SHA1_80),
				 .lifetime = 1ull << 31 };
	str line = sdes_print(arena, &c, false);

	CHECK_CONTAINS(line.s, "|2^31");
	c.lifetime = 1000;
	line = sdes_print(arena, &c, false);
	CHECK_CONTAINS(line.s, "|1000");
}

TEST(unknown_suite_is_not_an_error)
{
	struct sdes_crypto c;
	const char *why;

	CHECK_EQ(parse("3 SOME_FUTURE_SUITE inline:whatever", &c, &why), 0);
	CHECK(c.suite == NULL);
	CHECK_EQ(c.tag, 3);
}

TEST(malformed_lines_have_a_reason)
{
	static const char *const bad[] = {
		"",
		"x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
		"0 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
		"1",
		"1 AES_CM_128_HMAC_SHA1_80",
		"1 AES_CM_128_HMAC_SHA1_80 PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx", /* short */
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRxx",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV%R",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^99",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:0",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:129",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|256:1",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:1|2:1",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|x",
		"1234567890 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sdes_crypto c;
		const char *why;

		if (parse(bad[i], &c, &why) != -1 || !why)
			FAIL_AT("accepted: '%s'", bad[i]);
	}
}

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	arena = arena_new(0);
}
