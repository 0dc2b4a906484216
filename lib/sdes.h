/*
 * sdes: SDP security descriptions for media streams (RFC 4568), the
 * "a=crypto" attribute: its crypto suites, parsing (strict: a line that
 * does not follow the grammar is an error with a reason) and printing.
 *
 *     a=crypto:<tag> <suite> inline:<base64 key||salt>[|<lifetime>][|<mki>:<len>]
 *              [<session parameters>]
 *
 * Only the first key parameter of a line is used (a line may carry several
 * for MKI rotation; rtprelay gives one key per line). The suite table says
 * which suites the SRTP library here implements.
 */
#ifndef RTPRELAY_SDES_H
#define RTPRELAY_SDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "str.h"

#define SDES_MAX_KEY 32  /* master key bytes */
#define SDES_MAX_SALT 14 /* master salt bytes */
#define SDES_MAX_MKI 128 /* MKI length in bytes (RFC 4568: 1 to 128) */

/* In rtpengine 10.5's order of preference (the order it offers them in);
 * sdes_suite_at(id) is the suite of that id. */
enum sdes_suite_id {
	SDES_AEAD_AES_256_GCM,
	SDES_AEAD_AES_128_GCM,
	SDES_AES_256_CM_HMAC_SHA1_80,
	SDES_AES_256_CM_HMAC_SHA1_32,
	SDES_AES_192_CM_HMAC_SHA1_80,
	SDES_AES_192_CM_HMAC_SHA1_32,
	SDES_AES_CM_128_HMAC_SHA1_80,
	SDES_AES_CM_128_HMAC_SHA1_32,
	SDES_F8_128_HMAC_SHA1_80,
	SDES_F8_128_HMAC_SHA1_32,
	SDES_NULL_HMAC_SHA1_80,
	SDES_NULL_HMAC_SHA1_32,
	SDES_SUITE_COUNT,
};

struct sdes_suite {
	const char *name;
	enum sdes_suite_id id;
	uint8_t key_len, salt_len;
	uint8_t srtp_tag_len, srtcp_tag_len; /* authentication tag bytes */
	bool implemented;                    /* the SRTP library here does it */
};

/* Session parameters rtprelay understands (others are an error to use). */
enum {
	SDES_UNENCRYPTED_SRTP = 1 << 0,
	SDES_UNENCRYPTED_SRTCP = 1 << 1,
	SDES_UNAUTHENTICATED_SRTP = 1 << 2,
};

struct sdes_crypto {
	unsigned tag; /* 1..999999999 */
	const struct sdes_suite *suite;
	uint8_t key[SDES_MAX_KEY + SDES_MAX_SALT]; /* master key || master salt */
	uint64_t lifetime;                         /* packets; 0 = not given */
	uint64_t mki;     /* the MKI value, sent big-endian in mki_len bytes */
	uint8_t mki_len;  /* 0 = no MKI */
	unsigned flags;   /* SDES_UNENCRYPTED_SRTP, ... */
	str other_params; /* session parameters kept verbatim (KDR=, WSH=, FEC_...) */
};

/* Every suite in rtpengine's order of preference; NULL past the end. */
const struct sdes_suite *sdes_suite_at(unsigned i);
/* By name, case-insensitive; NULL if unknown. */
const struct sdes_suite *sdes_suite_by_name(str name);

/*
 * Parse an a=crypto value ("1 AES_CM_128_HMAC_SHA1_80 inline:..."). Returns
 * 0, or -1 with *why set to a static reason. An unknown suite is not an
 * error: c->suite is NULL and the rest is not checked (a party may offer
 * suites nobody here knows; they are skipped).
 */
int sdes_parse(str value, struct sdes_crypto *c, const char **why);

/* The a=crypto value for c, from arena; pad: the key's base64 with its '='
 * padding (the SDES "pad" flag: some phones want it). */
str sdes_print(struct arena *a, const struct sdes_crypto *c, bool pad);

/* Base64 of len bytes, without '=' padding (RFC 4568 inline keys as
 * rtpengine writes them) unless pad, from arena. */
str sdes_base64(struct arena *a, const uint8_t *p, size_t len, bool pad);

#endif
