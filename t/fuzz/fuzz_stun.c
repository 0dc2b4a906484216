/*
 * Fuzz target for stun_parse / stun_integrity_ok / the builder (STUN from
 * the network, lib/stun.c). Invariants (abort() on violation): a refused
 * message has a reason; an accepted one is rebuilt from what was parsed
 * (type, transaction, USERNAME, PRIORITY, USE-CANDIDATE, role and
 * tie-breaker, ERROR-CODE, XOR-MAPPED-ADDRESS) with MESSAGE-INTEGRITY and
 * FINGERPRINT, and the rebuilt message parses back to the same fields with
 * its integrity right for the key and wrong for another.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char key[] = "0123456789abcdefghijkl";

static int one(const uint8_t *data, size_t size);

/*
 * Most mutants of a STUN message fail at the header (length, cookie) or at
 * FINGERPRINT; so each input is also tried with the header made right
 * (first byte's top bits, cookie, length) and, when it ends in what looks
 * like a FINGERPRINT attribute, with that CRC made right: the attribute
 * parser sees the mutations.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[STUN_MAX_SIZE];

	one(data, size);
	if (size < STUN_HEADER || size > STUN_MAX_SIZE || size % 4)
		return 0;
	memcpy(fixed, data, size);
	fixed[0] &= 0x3f;
	fixed[2] = (uint8_t)((size - STUN_HEADER) >> 8);
	fixed[3] = (uint8_t)(size - STUN_HEADER);
	fixed[4] = 0x21;
	fixed[5] = 0x12;
	fixed[6] = 0xa4;
	fixed[7] = 0x42;
	one(fixed, size);
	if (size >= STUN_HEADER + 8 && fixed[size - 8] == 0x80 && fixed[size - 7] == 0x28 &&
	    fixed[size - 6] == 0 && fixed[size - 5] == 4) {
		uint32_t crc = stun_crc32(fixed, size - 8) ^ 0x5354554eu;

		fixed[size - 4] = (uint8_t)(crc >> 24);
		fixed[size - 3] = (uint8_t)(crc >> 16);
		fixed[size - 2] = (uint8_t)(crc >> 8);
		fixed[size - 1] = (uint8_t)crc;
		one(fixed, size);
	}
	return 0;
}

static int one(const uint8_t *data, size_t size)
{
	struct stun_msg m, back;
	const char *err = NULL;

	if (stun_parse(data, size, &m, &err)) {
		if (!err)
			abort();
		return 0;
	}
	if (m.mi_offset)
		(void)stun_integrity_ok(data, &m, key, sizeof(key) - 1);
	uint8_t buf[STUN_MAX_SIZE];
	struct stun_builder b;

	stun_build_start(&b, buf, sizeof(buf), m.type, m.txid);
	if (m.username)
		stun_add_attr(&b, STUN_ATTR_USERNAME, m.username, m.username_len);
	if (m.has_priority)
		stun_add_u32(&b, STUN_ATTR_PRIORITY, m.priority);
	if (m.use_candidate)
		stun_add_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	if (m.controlling || m.controlled)
		stun_add_u64(&b,
			     m.controlling ? STUN_ATTR_ICE_CONTROLLING : STUN_ATTR_ICE_CONTROLLED,
			     m.tiebreaker);
	if (m.error_code)
		stun_add_error(&b, m.error_code, "x");
	if (m.has_xor_mapped)
		stun_add_xor_address(&b, &m.xor_mapped);
	int n = stun_finish(&b, key, sizeof(key) - 1);

	if (n < 0)
		return 0; /* did not fit: the input was near the size limit */
	if (stun_parse(buf, (size_t)n, &back, &err))
		abort();
	if (back.type != (m.type) || memcmp(back.txid, m.txid, 12) || !back.fingerprint ||
	    !back.mi_offset || back.has_priority != m.has_priority || back.priority != m.priority ||
	    back.use_candidate != m.use_candidate || back.controlling != m.controlling ||
	    back.controlled != m.controlled ||
	    ((m.controlling || m.controlled) && back.tiebreaker != m.tiebreaker) ||
	    back.error_code != m.error_code || back.has_xor_mapped != m.has_xor_mapped ||
	    (!m.username) != (!back.username) ||
	    (m.username && (back.username_len != m.username_len ||
			    memcmp(back.username, m.username, m.username_len))))
		abort();
	if (m.has_xor_mapped && memcmp(&back.xor_mapped, &m.xor_mapped, sizeof(m.xor_mapped)))
		abort();
	if (!stun_integrity_ok(buf, &back, key, sizeof(key) - 1) ||
	    stun_integrity_ok(buf, &back, "wrong", 5))
		abort();
	return 0;
}
