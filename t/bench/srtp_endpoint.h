/*
 * srtp_endpoint: the SRTP side of one media_load endpoint (SDES, suite
 * AES_CM_128_HMAC_SHA1_80, libsrtp2 with its crypto on OpenSSL as in the
 * daemon, srtp_evp.h). The endpoint has its own master key,
 * offered in its SDP's a=crypto line, with which it protects what it sends;
 * it unprotects what it receives with the key the relay put in the SDP it
 * returned. A packet that fails authentication (or replays) is not ours:
 * the caller counts it and drops it, so a relay that sent garbage shows
 * loss.
 *
 * Threads: protect and unprotect use separate libsrtp2 sessions, so one
 * thread may send while another receives; each direction is one thread's.
 */
#ifndef RTPRELAY_BENCH_SRTP_ENDPOINT_H
#define RTPRELAY_BENCH_SRTP_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#define SRTPEP_SUITE "AES_CM_128_HMAC_SHA1_80"
#define SRTPEP_TAG_LEN 10 /* bytes srtpep_protect adds to an RTP packet */
/* room a buffer needs after the packet: libsrtp2 may write up to its
 * SRTP_MAX_TRAILER_LEN (tag + MKI) there, whatever it adds */
#define SRTPEP_ROOM 160

struct srtpep;

/* libsrtp2's one-time set-up; 0 or -1 (with a reason on stderr). */
int srtpep_global_init(void);

/* An endpoint with a fresh random master key and no peer key yet; NULL
 * (with a reason on stderr) on failure. */
struct srtpep *srtpep_new(void);
void srtpep_free(struct srtpep *ep);

/* "a=crypto:TAG AES_CM_128_HMAC_SHA1_80 inline:<own key>\r\n" (g_free it). */
char *srtpep_crypto_line(const struct srtpep *ep, unsigned tag);

/*
 * Take the peer's (the relay's) key from the first AES_CM_128_HMAC_SHA1_80
 * a=crypto line of sdp[0..len) and set up unprotecting with it; *tag gets
 * that line's tag (an answerer picks it). 0, or -1 with a reason in
 * err[0..size).
 */
int srtpep_set_peer_from_sdp(struct srtpep *ep, const char *sdp, size_t len, unsigned *tag,
			     char *err, size_t size);

/* Protect the RTP packet buf[0..*len) in place (buf has SRTPEP_ROOM bytes
 * of room after it); *len grows by SRTPEP_TAG_LEN. 0, or the libsrtp2 error. Sender thread. */
int srtpep_protect(struct srtpep *ep, uint8_t *buf, int *len);

/* Unprotect buf[0..*len) in place; *len shrinks. 0, or the libsrtp2 error
 * (authentication failure, replay). Receiver thread. */
int srtpep_unprotect(struct srtpep *ep, uint8_t *buf, int *len);

#endif
