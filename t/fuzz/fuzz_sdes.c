/*
 * Fuzz target for sdes_parse/sdes_print (a=crypto values). Invariants
 * (abort() on violation): a rejected line has a reason; an accepted line
 * with a known suite prints to a line that parses back to the same tag,
 * suite, key, lifetime, MKI and session parameters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdes_crypto c, back;
	const char *why = NULL;

	if (sdes_parse(str_make((const char *)data, size), &c, &why)) {
		if (!why)
			abort();
		return 0;
	}
	if (!c.suite)
		return 0;
	struct arena *a = arena_new(0);
	str line = sdes_print(a, &c, size & 1); /* with and without padding */

	if (sdes_parse(line, &back, &why) || back.suite != c.suite || back.tag != c.tag ||
	    back.lifetime != c.lifetime || back.mki != c.mki || back.mki_len != c.mki_len ||
	    back.flags != c.flags || memcmp(back.key, c.key, sizeof(c.key)))
		abort();
	arena_free(a);
	return 0;
}
