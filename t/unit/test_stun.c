/* STUN messages (lib/stun.c): parsing, MESSAGE-INTEGRITY and FINGERPRINT
 * against messages made by an independent implementation (Python's hmac and
 * zlib.crc32, t/integ/stun.py, bytes below), building the same bytes, and
 * refusing what is malformed. */
#include <arpa/inet.h>
#include <string.h>

#include "stun.h"
#include "test.h"

TEST_MAIN()

static const char key[] = "0123456789abcdefghijklmn";
static const uint8_t txid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* made by t/integ/stun.py: request("rtpr:peer", key, priority=0x6e0001ff,
 * controlling=0x0102030405060708, use_candidate=True, txid=1..12);
 * success(txid, ("192.0.2.1", 32853), key) and the same for
 * 2001:db8:1234:5678:11:2233:4455:6677 */
static const uint8_t py_request[] = {
	0x00, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x00, 0x06, 0x00, 0x09, 0x72, 0x74, 0x70, 0x72,
	0x3a, 0x70, 0x65, 0x65, 0x72, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00,
	0x01, 0xff, 0x80, 0x2a, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x25, 0x00, 0x00, 0x00, 0x08, 0x00, 0x14, 0xea, 0x32, 0xf1, 0x4d, 0x14, 0xdf,
	0x2a, 0x6b, 0xcb, 0x63, 0x42, 0x15, 0xb0, 0x67, 0x53, 0x47, 0xcd, 0xf4, 0x63, 0x99,
	0x80, 0x28, 0x00, 0x04, 0x83, 0x4d, 0xc2, 0x3b,
};
static const uint8_t py_success4[] = {
	0x01, 0x01, 0x00, 0x2c, 0x21, 0x12, 0xa4, 0x42, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01,
	0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0xb7, 0x81, 0x16,
	0x80, 0xac, 0xbd, 0xc0, 0x8a, 0x6d, 0x28, 0xd5, 0x67, 0x29, 0xe0, 0x2a, 0x5a,
	0x0d, 0x38, 0xe4, 0xcb, 0x80, 0x28, 0x00, 0x04, 0x9a, 0x3a, 0x91, 0xb9,
};
static const uint8_t py_success6[] = {
	0x01, 0x01, 0x00, 0x38, 0x21, 0x12, 0xa4, 0x42, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02,
	0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0x13, 0x36, 0x55, 0x7c, 0x05, 0x17, 0x25,
	0x3b, 0x4d, 0x5f, 0x6d, 0x7b, 0x00, 0x08, 0x00, 0x14, 0xa8, 0xce, 0x62, 0x8a,
	0x15, 0x57, 0x74, 0x1e, 0x37, 0x81, 0x68, 0x2c, 0x46, 0xb3, 0x7c, 0xf8, 0x4f,
	0x77, 0xc9, 0xe2, 0x80, 0x28, 0x00, 0x04, 0x54, 0x36, 0x92, 0x25,
};

TEST(parse_request_from_python)
{
	struct stun_msg m;
	const char *err = NULL;

	CHECK_EQ(stun_parse(py_request, sizeof(py_request), &m, &err), 0);
	CHECK_EQ(m.type, STUN_BINDING_REQUEST);
	CHECK(!memcmp(m.txid, txid, 12));
	CHECK_EQ(m.username_len, 9);
	CHECK(m.username && !memcmp(m.username, "rtpr:peer", 9));
	CHECK(m.has_priority);
	CHECK_EQ(m.priority, 0x6e0001ffu);
	CHECK(m.controlling && !m.controlled);
	CHECK_EQ(m.tiebreaker, 0x0102030405060708ull);
	CHECK(m.use_candidate);
	CHECK(m.fingerprint);
	CHECK(m.mi_offset > 0);
	CHECK(stun_integrity_ok(py_request, &m, key, strlen(key)));
	CHECK(!stun_integrity_ok(py_request, &m, "0123456789abcdefghijklmX", strlen(key)));
	CHECK(!stun_integrity_ok(py_request, &m, key, strlen(key) - 1));
}

TEST(build_same_bytes_as_python)
{
	uint8_t buf[512];
	struct stun_builder b;
	struct sockaddr_storage sa = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&sa;

	stun_build_start(&b, buf, sizeof(buf), STUN_BINDING_REQUEST, txid);
	stun_add_attr(&b, STUN_ATTR_USERNAME, "rtpr:peer", 9);
	stun_add_u32(&b, STUN_ATTR_PRIORITY, 0x6e0001ff);
	stun_add_u64(&b, STUN_ATTR_ICE_CONTROLLING, 0x0102030405060708ull);
	stun_add_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	CHECK_EQ(stun_finish(&b, key, strlen(key)), (int)sizeof(py_request));
	CHECK(!memcmp(buf, py_request, sizeof(py_request)));

	sin->sin_family = AF_INET;
	sin->sin_port = htons(32853);
	inet_pton(AF_INET, "192.0.2.1", &sin->sin_addr);
	stun_build_start(&b, buf, sizeof(buf), STUN_BINDING_SUCCESS, txid);
	stun_add_xor_address(&b, &sa);
	CHECK_EQ(stun_finish(&b, key, strlen(key)), (int)sizeof(py_success4));
	CHECK(!memcmp(buf, py_success4, sizeof(py_success4)));

	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&sa;

	memset(&sa, 0, sizeof(sa));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(32853);
	inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", &sin6->sin6_addr);
	stun_build_start(&b, buf, sizeof(buf), STUN_BINDING_SUCCESS, txid);
	stun_add_xor_address(&b, &sa);
	CHECK_EQ(stun_finish(&b, key, strlen(key)), (int)sizeof(py_success6));
	CHECK(!memcmp(buf, py_success6, sizeof(py_success6)));
}

TEST(xor_mapped_address_parsed)
{
	struct stun_msg m;
	const char *err = NULL;
	char a[64];

	CHECK_EQ(stun_parse(py_success4, sizeof(py_success4), &m, &err), 0);
	CHECK(m.has_xor_mapped);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&m.xor_mapped;

	CHECK_EQ(ntohs(sin->sin_port), 32853);
	CHECK_STR(inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)), "192.0.2.1");
	CHECK_EQ(stun_parse(py_success6, sizeof(py_success6), &m, &err), 0);
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&m.xor_mapped;

	CHECK_EQ(ntohs(sin6->sin6_port), 32853);
	CHECK_STR(inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)),
		  "2001:db8:1234:5678:11:2233:4455:6677");
}

TEST(malformed_refused_with_reason)
{
	uint8_t buf[sizeof(py_request)];
	struct stun_msg m;
	const char *err;

	/* a flipped bit anywhere before FINGERPRINT: the FINGERPRINT fails */
	for (size_t i = 20; i < sizeof(buf) - 8; i++) {
		memcpy(buf, py_request, sizeof(buf));
		buf[i] ^= 0x01;
		err = NULL;
		if (stun_parse(buf, sizeof(buf), &m, &err) == 0) {
			/* only a bit of MI's or an attribute's value may survive
			 * parsing; FINGERPRINT still catches it */
			FAIL_AT("bit flip at %zu accepted", i);
			return;
		}
		CHECK(err != NULL);
	}
	/* truncated, wrong cookie, wrong length, too large, not STUN */
	err = NULL;
	CHECK(stun_parse(py_request, sizeof(py_request) - 4, &m, &err) != 0 && err);
	memcpy(buf, py_request, sizeof(buf));
	buf[4] ^= 0xff;
	CHECK(stun_parse(buf, sizeof(buf), &m, &err) != 0);
	memcpy(buf, py_request, sizeof(buf));
	buf[3] += 4;
	CHECK(stun_parse(buf, sizeof(buf), &m, &err) != 0);
	static uint8_t big[STUN_MAX_SIZE + 4];

	memcpy(big, py_request, 20);
	big[2] = (STUN_MAX_SIZE + 4 - 20) >> 8;
	big[3] = (STUN_MAX_SIZE + 4 - 20) & 0xff;
	err = NULL;
	CHECK(stun_parse(big, sizeof(big), &m, &err) != 0);
	CHECK_STR(err, "oversized");
	CHECK(!stun_is_stun((const uint8_t *)"\x80\x00\x00\x00", 4));
}

TEST(crc32_known_value)
{
	/* the CRC-32 check value of "123456789" (ISO-HDLC) */
	CHECK_EQ(stun_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
}
