/*
 * Host unit test of kernel-module/rtp_class.c (the same source the module
 * compiles): which packets the kernel forwards and which go to user space.
 */
#include <stdio.h>
#include <string.h>

#include "rtp_class.h"

static int passed, failed;

struct tcase {
	const char *name;
	unsigned char p[48];
	size_t len;
	bool mux;
	enum rtprelay_class want;
	struct rtprelay_rtp_info info; /* for RTP */
};

static const struct tcase cases[] = {
	{ "minimal RTP",
	  { 0x80, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef },
	  12,
	  false,
	  RTPRELAY_CLASS_RTP,
	  { 0xdeadbeef, 0x1234, 0 } },
	{ "RTP, marker, PT 96",
	  { 0x80, 0xe0, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 9, 1 },
	  13,
	  true,
	  RTPRELAY_CLASS_RTP,
	  { 9, 1, 96 } },
	{ "RTP, PT 127 with rtcp-mux",
	  { 0x80, 0x7f, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9 },
	  12,
	  true,
	  RTPRELAY_CLASS_RTP,
	  { 9, 2, 127 } },
	{ "RTP, 1 CSRC",
	  { 0x81, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2 },
	  16,
	  false,
	  RTPRELAY_CLASS_RTP,
	  { 1, 3, 8 } },
	{ "RTP, 1 CSRC missing",
	  { 0x81, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 },
	  15,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTP, extension of 1 word",
	  { 0x90, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 1, 1, 2, 3, 4 },
	  20,
	  false,
	  RTPRELAY_CLASS_RTP,
	  { 1, 4, 0 } },
	{ "RTP, extension longer than the packet",
	  { 0x90, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 2, 1, 2, 3, 4 },
	  20,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTP, extension header cut",
	  { 0x90, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe },
	  13,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTP, padding 2",
	  { 0xa0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 7, 0, 2 },
	  15,
	  false,
	  RTPRELAY_CLASS_RTP,
	  { 1, 5, 0 } },
	{ "RTP, padding 0",
	  { 0xa0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0 },
	  15,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTP, padding beyond payload",
	  { 0xa0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 7, 0, 4 },
	  15,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTP, 11 bytes",
	  { 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 },
	  11,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTCP SR, rtcp-mux", { 0x80, 200, 0, 6, 0, 0, 0, 1 }, 8, true, RTPRELAY_CLASS_RTCP },
	{ "RTCP RR, rtcp-mux", { 0x81, 201, 0, 7, 0, 0, 0, 1 }, 8, true, RTPRELAY_CLASS_RTCP },
	{ "PT 64, rtcp-mux",
	  { 0x80, 64, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	  12,
	  true,
	  RTPRELAY_CLASS_RTCP },
	{ "PT 95 + marker, rtcp-mux",
	  { 0x80, 0x80 | 95, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	  12,
	  true,
	  RTPRELAY_CLASS_RTCP },
	{ "PT 96 + marker (0xe0), not RTCP",
	  { 0x80, 0xe0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	  12,
	  true,
	  RTPRELAY_CLASS_RTP,
	  { 1, 1, 96 } },
	{ "RTCP SR without rtcp-mux",
	  { 0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0 },
	  12,
	  false,
	  RTPRELAY_CLASS_INVALID },
	{ "RTCP, 7 bytes, rtcp-mux",
	  { 0x80, 200, 0, 6, 0, 0, 0 },
	  7,
	  true,
	  RTPRELAY_CLASS_INVALID },
	{ "STUN binding request",
	  { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 },
	  8,
	  true,
	  RTPRELAY_CLASS_STUN },
	{ "STUN, first byte 3", { 0x03, 0x01 }, 2, false, RTPRELAY_CLASS_STUN },
	{ "DTLS handshake (22)", { 22, 0xfe, 0xfd }, 3, false, RTPRELAY_CLASS_DTLS },
	{ "DTLS, first byte 20", { 20 }, 1, false, RTPRELAY_CLASS_DTLS },
	{ "DTLS range end, 63", { 63 }, 1, false, RTPRELAY_CLASS_DTLS },
	{ "ZRTP-ish, first byte 16", { 16, 0, 0, 0 }, 4, false, RTPRELAY_CLASS_NOT_RTP },
	{ "TURN channel, 64", { 64, 1, 0, 0 }, 4, false, RTPRELAY_CLASS_NOT_RTP },
	{ "version 3",
	  { 0xc0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	  12,
	  false,
	  RTPRELAY_CLASS_NOT_RTP },
	{ "empty", { 0 }, 0, false, RTPRELAY_CLASS_INVALID },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct rtprelay_rtp_info info = { 0xffffffff, 0xffff, 0xff };
		enum rtprelay_class got = rtprelay_classify(c->p, c->len, c->mux, &info);
		bool ok = got == c->want;

		if (ok && got == RTPRELAY_CLASS_RTP)
			ok = info.ssrc == c->info.ssrc && info.seq == c->info.seq &&
			     info.payload_type == c->info.payload_type;
		printf("%s - rtp_class: %s: %s (want %s)", ok ? "ok  " : "FAIL", c->name,
		       rtprelay_class_name(got), rtprelay_class_name(c->want));
		if (got == RTPRELAY_CLASS_RTP)
			printf(" ssrc %#x seq %u pt %u", info.ssrc, info.seq, info.payload_type);
		printf("\n");
		ok ? passed++ : failed++;
	}
	/* every byte pattern of 1..3 bytes: no crash, a known class */
	unsigned bad = 0;
	for (unsigned v = 0; v < (1u << 24); v += 7) {
		unsigned char p[3] = { v >> 16, v >> 8, v };
		struct rtprelay_rtp_info info;

		for (size_t len = 0; len <= 3; len++)
			bad += rtprelay_classify(p, len, v & 1, &info) >= RTPRELAY_CLASS_COUNT;
	}
	printf("%s - rtp_class: short inputs all classified (%u bad)\n", bad ? "FAIL" : "ok  ",
	       bad);
	bad ? failed++ : passed++;
	printf("test_rtp_class: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
