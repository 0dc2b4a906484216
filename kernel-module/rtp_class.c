/* RTP/RTCP/STUN/DTLS classification; see rtp_class.h. */
#include "rtp_class.h"

#define RTP_HEADER_LEN 12

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum rtprelay_class rtprelay_classify(const uint8_t *p, size_t len, bool rtcp_mux,
				      struct rtprelay_rtp_info *info)
{
	size_t hlen;
	uint8_t pt;

	if (len < 1)
		return RTPRELAY_CLASS_INVALID;
	/* RFC 7983 section 7: the first byte tells the protocols apart. */
	if (p[0] <= 3)
		return RTPRELAY_CLASS_STUN;
	if (p[0] >= 20 && p[0] <= 63)
		return RTPRELAY_CLASS_DTLS;
	if ((p[0] & 0xc0) != 0x80)
		return RTPRELAY_CLASS_NOT_RTP;
	if (len < 8)
		return RTPRELAY_CLASS_INVALID;
	pt = p[1] & 0x7f;
	if (pt >= 64 && pt <= 95)
		return rtcp_mux ? RTPRELAY_CLASS_RTCP : RTPRELAY_CLASS_INVALID;
	if (len < RTP_HEADER_LEN)
		return RTPRELAY_CLASS_INVALID;
	hlen = RTP_HEADER_LEN + 4 * (size_t)(p[0] & 0x0f);
	if (hlen > len)
		return RTPRELAY_CLASS_INVALID;
	if (p[0] & 0x10) { /* header extension: 4 bytes + length words */
		if (hlen + 4 > len)
			return RTPRELAY_CLASS_INVALID;
		hlen += 4 + 4 * (size_t)be16(p + hlen + 2);
		if (hlen > len)
			return RTPRELAY_CLASS_INVALID;
	}
	if (p[0] & 0x20) { /* padding: the last byte counts it, itself included */
		uint8_t pad = p[len - 1];

		if (pad == 0 || pad > len - hlen)
			return RTPRELAY_CLASS_INVALID;
	}
	info->payload_type = pt;
	info->seq = be16(p + 2);
	info->ssrc = be32(p + 8);
	return RTPRELAY_CLASS_RTP;
}

const char *rtprelay_class_name(enum rtprelay_class c)
{
	switch (c) {
	case RTPRELAY_CLASS_RTP:
		return "rtp";
	case RTPRELAY_CLASS_RTCP:
		return "rtcp";
	case RTPRELAY_CLASS_STUN:
		return "stun";
	case RTPRELAY_CLASS_DTLS:
		return "dtls";
	case RTPRELAY_CLASS_NOT_RTP:
		return "not_rtp";
	case RTPRELAY_CLASS_INVALID:
		return "invalid";
	default:
		return "?";
	}
}
