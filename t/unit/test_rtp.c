/* RTP/RTCP parsing and silence. */
#include "rtp.h"
#include "test.h"
#include <errno.h>

TEST_MAIN()

static size_t make_rtp(uint8_t *p, uint8_t b0, uint8_t pt, size_t payload)
{
	p[0] = b0;
	p[1] = pt;
	p[2] = 0x12, p[3] = 0x34;               /* seq */
	p[4] = 0, p[5] = 0, p[6] = 1, p[7] = 0; /* ts 256 */
	p[8] = 0xde, p[9] = 0xad, p[10] = 0xbe, p[11] = 0xef;
	memset(p + 12, 0x42, payload);
	return 12 + payload;
}

TEST(plain_header)
{
	uint8_t p[200];
	struct rtp_header h;
	size_t n = make_rtp(p, 0x80, 0x80 | 8, 160);

	CHECK_EQ(rtp_parse(p, n, &h), 0);
	CHECK_EQ(h.payload_type, 8);
	CHECK(h.marker);
	CHECK_EQ(h.seq, 0x1234);
	CHECK_EQ(h.timestamp, 256);
	CHECK_EQ(h.ssrc, 0xdeadbeef);
	CHECK_EQ(h.payload_offset, 12);
	CHECK_EQ(h.payload_len, 160);
}

TEST(csrc_extension_padding)
{
	uint8_t p[300];
	struct rtp_header h;
	size_t n = make_rtp(p, 0x80 | 0x20 | 0x10 | 2, 0, 100);

	/* 2 CSRCs (8 bytes) then an extension header of 1 word, then padding 4 */
	p[20] = 0xbe, p[21] = 0xde, p[22] = 0, p[23] = 1;
	p[n - 1] = 4;
	CHECK_EQ(rtp_parse(p, n, &h), 0);
	CHECK_EQ(h.payload_offset, 12 + 8 + 4 + 4);
	CHECK_EQ(h.payload_len, n - 28 - 4);
}

TEST(rejects)
{
	uint8_t p[64] = { 0 };
	struct rtp_header h;

	CHECK_EQ(rtp_parse(p, 11, &h), -EINVAL);
	make_rtp(p, 0x40, 0, 10);
	CHECK_EQ(rtp_parse(p, 22, &h), -EINVAL); /* version 1 */
	make_rtp(p, 0x8f, 0, 10);
	CHECK_EQ(rtp_parse(p, 22, &h), -EINVAL); /* 15 CSRCs in 22 bytes */
	make_rtp(p, 0x90, 0, 2);
	CHECK_EQ(rtp_parse(p, 14, &h), -EINVAL); /* extension header cut */
	make_rtp(p, 0xa0, 0, 4);
	p[15] = 0;
	CHECK_EQ(rtp_parse(p, 16, &h), -EINVAL); /* padding length 0 */
	p[15] = 9;
	CHECK_EQ(rtp_parse(p, 16, &h), -EINVAL); /* padding past the payload */
}

TEST(rtcp_demux_and_check)
{
	uint8_t rr[32] = { 0x81, 201, 0, 7 };

	CHECK(rtp_looks_like_rtcp(rr, sizeof(rr)));
	CHECK_EQ(rtcp_check(rr, sizeof(rr)), 0);
	CHECK_EQ(rtcp_check(rr, 31), -EINVAL); /* length says 32 */
	rr[1] = 0;
	CHECK(!rtp_looks_like_rtcp(rr, sizeof(rr)));
	CHECK_EQ(rtcp_check(rr, sizeof(rr)), -EINVAL);
	rr[1] = 72 | 0x80; /* RTP PT 72 with marker: RTCP range per RFC 5761 */
	CHECK(rtp_looks_like_rtcp(rr, sizeof(rr)));
}

TEST(silence)
{
	uint8_t p[200];
	struct rtp_header h;
	size_t n = make_rtp(p, 0x80, 0, 160);

	CHECK_EQ(rtp_parse(p, n, &h), 0);
	rtp_silence_payload(p, &h);
	for (size_t i = 12; i < n; i++)
		CHECK_EQ(p[i], 0xff);
	n = make_rtp(p, 0x80, 8, 160);
	CHECK_EQ(rtp_parse(p, n, &h), 0);
	rtp_silence_payload(p, &h);
	CHECK_EQ(p[12], 0xd5);
	CHECK_EQ(p[n - 1], 0xd5);
	CHECK_EQ(p[11], 0xef); /* header untouched */
	n = make_rtp(p, 0x80, 96, 20);
	CHECK_EQ(rtp_parse(p, n, &h), 0);
	rtp_silence_payload(p, &h);
	CHECK_EQ(p[12], 0);
}
