/*
 * dtls_record: the DTLS record layer's framing (RFC 6347 4.1), enough to
 * tell a datagram of well-formed DTLS records from garbage before any of
 * it reaches OpenSSL, and to see whether it starts a handshake (a
 * ClientHello: the one message a stranger could use to make the relay do
 * work).
 */
#ifndef RTPRELAY_DTLS_RECORD_H
#define RTPRELAY_DTLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTLS_RECORD_HEADER 13

enum {
	DTLS_CT_CHANGE_CIPHER_SPEC = 20,
	DTLS_CT_ALERT = 21,
	DTLS_CT_HANDSHAKE = 22,
	DTLS_CT_APPLICATION_DATA = 23,
};

struct dtls_datagram {
	unsigned records;
	bool client_hello; /* an epoch-0 handshake record holding a ClientHello */
};

/*
 * Every record of a datagram: content type 20..23, version DTLS 1.0 or
 * 1.2 (0xfeff, 0xfefd), a length that fits. 0, or -1 with *why static.
 */
int dtls_datagram_scan(const uint8_t *p, size_t len, struct dtls_datagram *d, const char **why);

#endif
