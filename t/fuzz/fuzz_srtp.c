/*
 * Fuzz target for SRTP/SRTCP input (daemon/crypto/srtp.c over libsrtp2):
 * any bytes, as RTP or RTCP (first input byte), into an inbound session
 * of each of a few suites: never a crash or a read or write outside the
 * packet; a rejected packet leaves its length alone. Then the same bytes,
 * shaped as RTP, protected and unprotected again must come back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_SUITES 3

static struct srtp_dir *in[N_SUITES];
static struct srtp_dir *tx[N_SUITES], *rx[N_SUITES];

static void init(void)
{
	static const char *const names[N_SUITES] = { "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM",
						     "NULL_HMAC_SHA1_32" };
	const char *why;

	if (srtp_dir_library_init())
		abort();
	for (int i = 0; i < N_SUITES; i++) {
		struct sdes_crypto c = { .tag = 1,
					 .suite = sdes_suite_by_name(str_from(names[i])) };

		for (unsigned k = 0; k < sizeof(c.key); k++)
			c.key[k] = (uint8_t)(k * 13 + 1);
		in[i] = srtp_dir_new(&c, true, &why);
		rx[i] = srtp_dir_new(&c, true, &why);
		tx[i] = srtp_dir_new(&c, false, &why);
		if (!in[i] || !rx[i] || !tx[i])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t buf[2048 + SRTP_DIR_MAX_GROWTH];

	if (!ready++)
		init();
	if (size < 1 || size > 2048)
		return 0;
	bool rtcp = data[0] & 1;

	for (int i = 0; i < N_SUITES; i++) {
		size_t len = size - 1;

		memcpy(buf, data + 1, len);
		if (srtp_dir_unprotect(in[i], rtcp, buf, &len) != SRTP_OK && len != size - 1)
			abort();
		if (len > size - 1)
			abort();
	}
	/* A round trip: a 12-byte RTP header (version 2, sequence from the
	 * input so the replay window moves) and the rest as payload. */
	if (size < 13)
		return 0;
	for (int i = 0; i < N_SUITES; i++) {
		size_t len = size - 1;

		memcpy(buf, data + 1, len);
		buf[0] = 0x80;
		buf[1] &= 0x7f;
		if (rtcp) {
			buf[1] = 200; /* sender report */
			buf[2] = 0;
			buf[3] = 1;
			len = len < 8 ? len : 8;
		}
		uint8_t orig[2048];
		size_t olen = len;

		memcpy(orig, buf, len);
		if (srtp_dir_protect(tx[i], rtcp, buf, &len, sizeof(buf)) != SRTP_OK)
			continue; /* e.g. a repeated index */
		enum srtp_result r = srtp_dir_unprotect(rx[i], rtcp, buf, &len);

		if (r == SRTP_OK && (len != olen || memcmp(buf, orig, len)))
			abort();
	}
	return 0;
}
