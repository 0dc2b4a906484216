/*
 * rtp_stream: the RTP packets the media benchmark sends. Each is 172 bytes
 * (12-byte RTP header, PT 0 = PCMU, 160 bytes of payload = 20 ms of G.711)
 * and carries, at the start of its payload, what the receiver needs for
 * loss and latency accounting: a magic word, the stream id, whether it was
 * sent inside the measured window, and the sender's CLOCK_MONOTONIC time.
 * A relay only rewrites addresses, so the payload arrives as sent.
 */
#ifndef RTPRELAY_BENCH_RTP_STREAM_H
#define RTPRELAY_BENCH_RTP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTPSTREAM_PKT_LEN 172
#define RTPSTREAM_PAYLOAD_TYPE 0
#define RTPSTREAM_SAMPLES 160 /* timestamp step per packet (8 kHz, 20 ms) */

struct rtpstream_info {
	uint32_t stream; /* stream id given to rtpstream_build */
	uint16_t seq;
	bool measured;    /* sent inside the measured window */
	uint64_t sent_ns; /* sender's CLOCK_MONOTONIC at sending */
};

/*
 * Write one packet of stream `stream` (its SSRC is derived from the id) with
 * sequence number seq (the RTP timestamp follows it) into
 * buf[0..RTPSTREAM_PKT_LEN). Thread-safe (touches only buf).
 */
void rtpstream_build(uint8_t *buf, uint32_t stream, uint16_t seq, bool measured, uint64_t sent_ns);

/* Overwrite the send time of a built packet (stamped as late as possible). */
void rtpstream_stamp(uint8_t *buf, uint64_t sent_ns);

/*
 * Parse a received packet. Returns true and fills *info when it is one of
 * ours: exactly RTPSTREAM_PKT_LEN bytes, RTP version 2, PT 0, our magic,
 * and an SSRC matching the embedded stream id; false for anything else.
 */
bool rtpstream_parse(const uint8_t *buf, size_t len, struct rtpstream_info *info);

#endif
