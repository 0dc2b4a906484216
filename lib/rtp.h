/*
 * rtp: RTP and RTCP header parsing (RFC 3550) and RTP/RTCP demultiplexing
 * on one port (RFC 5761), for the packet path. Pure functions over bytes;
 * nothing allocates.
 */
#ifndef RTPRELAY_RTP_H
#define RTPRELAY_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rtp_header {
	uint8_t payload_type; /* 0..127 */
	bool marker;
	uint16_t seq;
	uint32_t timestamp;
	uint32_t ssrc;
	size_t payload_offset; /* after CSRCs and header extension */
	size_t payload_len;    /* without padding */
};

/* Version 2 and at least a minimal header: an RTP or RTCP packet at all. */
static inline bool rtp_is_v2(const uint8_t *p, size_t len)
{
	return len >= 8 && (p[0] & 0xc0) == 0x80;
}

/* RFC 5761 section 4: payload types 64..95 (marker bit masked) are RTCP. */
static inline bool rtp_looks_like_rtcp(const uint8_t *p, size_t len)
{
	return len >= 8 && (p[1] & 0x7f) >= 64 && (p[1] & 0x7f) <= 95;
}

/*
 * Parse an RTP header. Returns 0, or -EINVAL when the packet is not valid
 * RTP (short, wrong version, CSRC/extension/padding beyond the packet).
 */
int rtp_parse(const uint8_t *p, size_t len, struct rtp_header *h);

/* Basic RTCP validity (RFC 3550 A.2, first packet only): 0 or -EINVAL. */
int rtcp_check(const uint8_t *p, size_t len);

/*
 * Overwrite the payload of a parsed RTP packet with silence for its payload
 * type: 0xff for PCMU (0), 0xd5 for PCMA (8), zeros otherwise.
 */
void rtp_silence_payload(uint8_t *p, const struct rtp_header *h);

#endif
