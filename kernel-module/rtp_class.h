/*
 * rtp_class: what a UDP payload arriving at a target is (RFC 7983 first-byte
 * demultiplexing, RFC 3550 RTP header checks, RFC 5761 RTP/RTCP on one
 * port), and the RTP fields the counters need. Pure function over bytes:
 * compiled into the module and into a user-space unit test
 * (t/kernel/test_rtp_class.c).
 */
#ifndef NFT_RTPRELAY_RTP_CLASS_H
#define NFT_RTPRELAY_RTP_CLASS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

enum rtprelay_class {
	RTPRELAY_CLASS_RTP,     /* forward */
	RTPRELAY_CLASS_RTCP,    /* to user space */
	RTPRELAY_CLASS_STUN,    /* first byte 0..3 */
	RTPRELAY_CLASS_DTLS,    /* first byte 20..63 */
	RTPRELAY_CLASS_NOT_RTP, /* other first bytes (not version 2, TURN channel...) */
	RTPRELAY_CLASS_INVALID, /* version 2 but truncated or inconsistent */
	RTPRELAY_CLASS_COUNT
};

struct rtprelay_rtp_info {
	uint32_t ssrc;        /* host order */
	uint16_t seq;         /* host order */
	uint8_t payload_type; /* 0..127, marker masked */
};

/*
 * Classify the UDP payload p[0..len). rtcp_mux: payload types 64..95 are
 * RTCP (RFC 5761); without it they are invalid RTP. For RTPRELAY_CLASS_RTP
 * *info is filled in, otherwise it is left alone.
 */
enum rtprelay_class rtprelay_classify(const uint8_t *p, size_t len, bool rtcp_mux,
				      struct rtprelay_rtp_info *info);

/* Short name of a class for /proc and test output ("rtp", "stun", ...). */
const char *rtprelay_class_name(enum rtprelay_class c);

#endif
