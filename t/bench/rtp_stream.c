/*
 * rtp_stream: build and parse the benchmark's RTP packets (see rtp_stream.h).
 *
 * Layout: RTP header (V=2, no padding/extension/CSRC, M=0, PT 0, seq,
 * timestamp = seq * 160, SSRC = SSRC_BASE + stream), then the payload:
 *   0  magic "RLB1"       4  stream id (network order)
 *   8  flags (bit 0 = measured)   12  send time ns (64 bit, network order)
 *  20..159  0xff (PCMU silence)
 */
#include "rtp_stream.h"

#include <arpa/inet.h>
#include <string.h>

#define HDR 12
#define MAGIC 0x524c4231u /* "RLB1" */
#define SSRC_BASE 0x5a000000u
#define FLAG_MEASURED 1u

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

void rtpstream_stamp(uint8_t *buf, uint64_t sent_ns)
{
	put32(buf + HDR + 12, (uint32_t)(sent_ns >> 32));
	put32(buf + HDR + 16, (uint32_t)sent_ns);
}

void rtpstream_build(uint8_t *buf, uint32_t stream, uint16_t seq, bool measured, uint64_t sent_ns)
{
	buf[0] = 0x80;
	buf[1] = RTPSTREAM_PAYLOAD_TYPE;
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	put32(buf + 4, (uint32_t)seq * RTPSTREAM_SAMPLES);
	put32(buf + 8, SSRC_BASE + stream);
	put32(buf + HDR, MAGIC);
	put32(buf + HDR + 4, stream);
	put32(buf + HDR + 8, measured ? FLAG_MEASURED : 0);
	rtpstream_stamp(buf, sent_ns);
	memset(buf + HDR + 20, 0xff, RTPSTREAM_PKT_LEN - HDR - 20);
}

bool rtpstream_parse(const uint8_t *buf, size_t len, struct rtpstream_info *info)
{
	uint32_t stream;

	if (len != RTPSTREAM_PKT_LEN || (buf[0] & 0xc0) != 0x80 ||
	    (buf[1] & 0x7f) != RTPSTREAM_PAYLOAD_TYPE || get32(buf + HDR) != MAGIC)
		return false;
	stream = get32(buf + HDR + 4);
	if (get32(buf + 8) != SSRC_BASE + stream)
		return false;
	info->stream = stream;
	info->seq = (uint16_t)(buf[2] << 8 | buf[3]);
	info->measured = get32(buf + HDR + 8) & FLAG_MEASURED;
	info->sent_ns = (uint64_t)get32(buf + HDR + 12) << 32 | get32(buf + HDR + 16);
	return true;
}
