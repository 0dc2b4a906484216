/* RTP/RTCP header parsing. */
#include "rtp.h"

#include <errno.h>
#include <string.h>

int rtp_parse(const uint8_t *p, size_t len, struct rtp_header *h)
{
	if (len < 12 || (p[0] & 0xc0) != 0x80)
		return -EINVAL;
	size_t off = 12 + 4 * (size_t)(p[0] & 0x0f);

	if (off > len)
		return -EINVAL;
	if (p[0] & 0x10) { /* header extension: 4-byte header + length words */
		if (off + 4 > len)
			return -EINVAL;
		size_t words = (size_t)p[off + 2] << 8 | p[off + 3];

		off += 4 + 4 * words;
		if (off > len)
			return -EINVAL;
	}
	size_t pad = 0;

	if (p[0] & 0x20) {
		pad = p[len - 1];
		if (pad == 0 || off + pad > len)
			return -EINVAL;
	}
	h->payload_type = p[1] & 0x7f;
	h->marker = p[1] & 0x80;
	h->seq = (uint16_t)(p[2] << 8 | p[3]);
	h->timestamp = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	h->ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
	h->payload_offset = off;
	h->payload_len = len - off - pad;
	return 0;
}

int rtcp_check(const uint8_t *p, size_t len)
{
	if (len < 8 || (p[0] & 0xc0) != 0x80)
		return -EINVAL;
	/* The first packet of a compound is SR, RR, or (reduced size) any. */
	if (p[1] < 192 || p[1] > 223)
		return -EINVAL;
	size_t plen = 4 * ((size_t)(p[2] << 8 | p[3]) + 1);

	if (plen > len)
		return -EINVAL;
	return 0;
}

void rtp_silence_payload(uint8_t *p, const struct rtp_header *h)
{
	int fill = h->payload_type == 0 ? 0xff : h->payload_type == 8 ? 0xd5 : 0;

	memset(p + h->payload_offset, fill, h->payload_len);
}
