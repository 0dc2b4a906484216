/* DTLS record framing; see dtls_record.h. */
#include "dtls_record.h"

#include <string.h>

#define HANDSHAKE_CLIENT_HELLO 1

int dtls_datagram_scan(const uint8_t *p, size_t len, struct dtls_datagram *d, const char **why)
{
	memset(d, 0, sizeof(*d));
	if (!len) {
		*why = "empty";
		return -1;
	}
	while (len) {
		if (len < DTLS_RECORD_HEADER) {
			*why = "truncated record header";
			return -1;
		}
		uint8_t type = p[0];
		uint16_t version = (uint16_t)(p[1] << 8 | p[2]);
		uint16_t epoch = (uint16_t)(p[3] << 8 | p[4]);
		size_t rlen = (size_t)(p[11] << 8 | p[12]);

		if (type < DTLS_CT_CHANGE_CIPHER_SPEC || type > DTLS_CT_APPLICATION_DATA) {
			*why = "not a DTLS content type";
			return -1;
		}
		if (version != 0xfeff && version != 0xfefd) {
			*why = "not DTLS 1.0 or 1.2";
			return -1;
		}
		if (rlen > len - DTLS_RECORD_HEADER) {
			*why = "record longer than the datagram";
			return -1;
		}
		if (type == DTLS_CT_HANDSHAKE && epoch == 0 && rlen >= 1 &&
		    p[DTLS_RECORD_HEADER] == HANDSHAKE_CLIENT_HELLO)
			d->client_hello = true;
		d->records++;
		p += DTLS_RECORD_HEADER + rlen;
		len -= DTLS_RECORD_HEADER + rlen;
	}
	return 0;
}
