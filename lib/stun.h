/*
 * stun: STUN messages (RFC 5389) as ICE uses them (RFC 8445 7.1): parsing
 * with the attributes ICE needs, MESSAGE-INTEGRITY (HMAC-SHA1 over the
 * message, keyed with the ICE password, short-term credentials) and
 * FINGERPRINT (CRC-32 xor 0x5354554e) checks, and building requests and
 * responses. Pure: no sockets, no daemon state.
 *
 *   0                   1                   2                   3
 *   |0 0|  message type (14 bits)  |        message length         |
 *   |                 magic cookie 0x2112A442                       |
 *   |                 transaction ID (96 bits)                      |
 *   | attributes: type (16), length (16), value padded to 4 bytes   |
 */
#ifndef RTPRELAY_STUN_H
#define RTPRELAY_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define STUN_HEADER 20
#define STUN_MAGIC 0x2112A442u
#define STUN_MAX_SIZE 1280 /* larger is refused (no ICE message comes near) */

enum {
	STUN_BINDING_REQUEST = 0x0001,
	STUN_BINDING_INDICATION = 0x0011,
	STUN_BINDING_SUCCESS = 0x0101,
	STUN_BINDING_ERROR = 0x0111,
};

enum {
	STUN_ATTR_MAPPED_ADDRESS = 0x0001,
	STUN_ATTR_USERNAME = 0x0006,
	STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
	STUN_ATTR_ERROR_CODE = 0x0009,
	STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000a,
	STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
	STUN_ATTR_PRIORITY = 0x0024,
	STUN_ATTR_USE_CANDIDATE = 0x0025,
	STUN_ATTR_SOFTWARE = 0x8022,
	STUN_ATTR_FINGERPRINT = 0x8028,
	STUN_ATTR_ICE_CONTROLLED = 0x8029,
	STUN_ATTR_ICE_CONTROLLING = 0x802a,
};

/* What a parsed message says; pointers point into the parsed bytes. */
struct stun_msg {
	uint16_t type;
	uint8_t txid[12];
	const char *username; /* NULL: none */
	uint16_t username_len;
	size_t mi_offset; /* MESSAGE-INTEGRITY attribute's offset; 0: none */
	bool fingerprint; /* present (and right: a wrong one fails the parse) */
	bool has_priority;
	uint32_t priority;
	bool use_candidate;
	bool controlling, controlled; /* ICE-CONTROLLING / ICE-CONTROLLED given */
	uint64_t tiebreaker;
	int error_code; /* ERROR-CODE (300..699); 0: none */
	bool has_xor_mapped;
	struct sockaddr_storage xor_mapped;
	uint16_t unknown_required; /* first comprehension-required attribute not known; 0: none */
};

/* Whether p looks like STUN at all (RFC 7983: first byte 0..3, magic
 * cookie, length a multiple of 4 matching len). */
bool stun_is_stun(const uint8_t *p, size_t len);

/*
 * Parse a message of len bytes. 0, or -1 with *err saying why (not STUN,
 * truncated attribute, bad FINGERPRINT, attribute after
 * MESSAGE-INTEGRITY other than FINGERPRINT, oversize, ...).
 */
int stun_parse(const uint8_t *p, size_t len, struct stun_msg *m, const char **err);

/* MESSAGE-INTEGRITY of the parsed message p (as given to stun_parse)
 * checks out with key (the ICE password). False without the attribute. */
bool stun_integrity_ok(const uint8_t *p, const struct stun_msg *m, const void *key, size_t keylen);

/* CRC-32 (ISO-HDLC, as zlib's crc32) of n bytes. */
uint32_t stun_crc32(const uint8_t *p, size_t n);

/* Building a message into a caller's buffer; an overflow makes
 * stun_finish fail. */
struct stun_builder {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

void stun_build_start(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t type,
		      const uint8_t txid[12]);
void stun_add_attr(struct stun_builder *b, uint16_t type, const void *val, size_t len);
void stun_add_u32(struct stun_builder *b, uint16_t type, uint32_t v);
void stun_add_u64(struct stun_builder *b, uint16_t type, uint64_t v);
/* XOR-MAPPED-ADDRESS of an AF_INET or AF_INET6 address. */
void stun_add_xor_address(struct stun_builder *b, const struct sockaddr_storage *sa);
void stun_add_error(struct stun_builder *b, int code, const char *reason);
/* MESSAGE-INTEGRITY with key (none if key is NULL), then FINGERPRINT.
 * Returns the message length, or -1 on overflow. */
int stun_finish(struct stun_builder *b, const void *key, size_t keylen);

#endif
