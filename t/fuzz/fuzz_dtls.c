/*
 * Fuzz target for the DTLS record demultiplexer (lib/dtls_record.c: what
 * decides, before OpenSSL sees a byte, whether a datagram is DTLS records)
 * and the a=fingerprint parser (daemon/crypto/dtls_cert.c). Input: the
 * first byte picks the parser, the rest is its input. Invariants (abort()
 * on violation): a rejected datagram has a reason; an accepted one is
 * exactly a sequence of whole records of the allowed types and versions,
 * as many as counted, and holds a ClientHello only if one of its epoch-0
 * handshake records starts with one; a rejected fingerprint has a reason,
 * an accepted one has its hash's digest length and prints back to the
 * same bytes.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/dtls_cert.h"
#include "dtls_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_datagram(const uint8_t *p, size_t len)
{
	struct dtls_datagram d;
	const char *why = NULL;
	unsigned records = 0;
	bool hello = false;

	if (dtls_datagram_scan(p, len, &d, &why)) {
		if (!why)
			abort();
		return;
	}
	/* walk it again, independently */
	for (size_t at = 0; at < len;) {
		if (len - at < DTLS_RECORD_HEADER)
			abort();
		size_t rlen = (size_t)p[at + 11] << 8 | p[at + 12];

		if (p[at] < 20 || p[at] > 23 || p[at + 1] != 0xfe ||
		    (p[at + 2] != 0xff && p[at + 2] != 0xfd) ||
		    rlen > len - at - DTLS_RECORD_HEADER)
			abort();
		if (p[at] == 22 && !p[at + 3] && !p[at + 4] && rlen && p[at + 13] == 1)
			hello = true;
		records++;
		at += DTLS_RECORD_HEADER + rlen;
	}
	if (records != d.records || hello != d.client_hello || !len)
		abort();
}

static void check_fingerprint(const uint8_t *p, size_t len)
{
	struct dtls_fingerprint fp, back;
	const char *why = NULL;

	if (dtls_fingerprint_parse(str_make((const char *)p, len), &fp, &why)) {
		if (!why)
			abort();
		return;
	}
	static const unsigned lens[DTLS_HASH_COUNT] = { 20, 28, 32, 48, 64 };

	if (fp.hash >= DTLS_HASH_COUNT || fp.len != lens[fp.hash])
		abort();
	GString *s = g_string_new(dtls_hash_name(fp.hash));

	for (unsigned i = 0; i < fp.len; i++)
		g_string_append_printf(s, "%c%02x", i ? ':' : ' ', fp.digest[i]);
	if (dtls_fingerprint_parse(str_make(s->str, s->len), &back, &why) || back.hash != fp.hash ||
	    back.len != fp.len || memcmp(back.digest, fp.digest, fp.len))
		abort();
	g_string_free(s, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		check_fingerprint(data + 1, size - 1);
	else
		check_datagram(data + 1, size - 1);
	return 0;
}
