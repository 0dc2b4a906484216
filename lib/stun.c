/* STUN messages for ICE; see stun.h. */
#include "stun.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#define FINGERPRINT_XOR 0x5354554eu
#define MI_LEN 20

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

uint32_t stun_crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	static bool ready;

	/* Filled once; two threads racing fill it with the same values. */
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			__atomic_store_n(&table[i], c, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

bool stun_is_stun(const uint8_t *p, size_t len)
{
	return len >= STUN_HEADER && p[0] <= 3 && get32(p + 4) == STUN_MAGIC &&
	       (get16(p + 2) & 3) == 0 && (size_t)get16(p + 2) + STUN_HEADER == len;
}

/* The crc (or HMAC) covers the message up to the attribute at off with the
 * header's length field as if the message ended after that attribute. */
static uint32_t fingerprint_of(const uint8_t *p, size_t off)
{
	uint8_t buf[STUN_MAX_SIZE];

	memcpy(buf, p, off);
	put16(buf + 2, (uint16_t)(off + 8 - STUN_HEADER));
	return stun_crc32(buf, off) ^ FINGERPRINT_XOR;
}

static int xor_address(const uint8_t *v, uint16_t len, const uint8_t *txid,
		       struct sockaddr_storage *out)
{
	if (len < 8 || v[0] != 0)
		return -1;
	uint16_t port = get16(v + 2) ^ (uint16_t)(STUN_MAGIC >> 16);

	memset(out, 0, sizeof(*out));
	if (v[1] == 1 && len == 8) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(get32(v + 4) ^ STUN_MAGIC);
		return 0;
	}
	if (v[1] == 2 && len == 20) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
		uint8_t mask[16];

		put32(mask, STUN_MAGIC);
		memcpy(mask + 4, txid, 12);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		for (int i = 0; i < 16; i++)
			sin6->sin6_addr.s6_addr[i] = v[4 + i] ^ mask[i];
		return 0;
	}
	return -1;
}

int stun_parse(const uint8_t *p, size_t len, struct stun_msg *m, const char **err)
{
	memset(m, 0, sizeof(*m));
	if (len > STUN_MAX_SIZE) {
		*err = "oversized";
		return -1;
	}
	if (!stun_is_stun(p, len)) {
		*err = "not a STUN message";
		return -1;
	}
	m->type = get16(p);
	memcpy(m->txid, p + 8, 12);
	size_t off = STUN_HEADER;

	while (off < len) {
		if (len - off < 4) {
			*err = "truncated attribute header";
			return -1;
		}
		uint16_t at = get16(p + off), al = get16(p + off + 2);
		const uint8_t *v = p + off + 4;
		size_t next = off + 4 + (((size_t)al + 3) & ~(size_t)3);

		if (next > len) {
			*err = "truncated attribute";
			return -1;
		}
		/* After MESSAGE-INTEGRITY only FINGERPRINT may follow; after
		 * FINGERPRINT nothing (RFC 5389 15.4, 15.5). */
		if (m->fingerprint) {
			*err = "attribute after FINGERPRINT";
			return -1;
		}
		if (m->mi_offset && at != STUN_ATTR_FINGERPRINT) {
			*err = "attribute after MESSAGE-INTEGRITY";
			return -1;
		}
		switch (at) {
		case STUN_ATTR_USERNAME:
			if (al > 513) {
				*err = "USERNAME too long";
				return -1;
			}
			m->username = (const char *)v;
			m->username_len = al;
			break;
		case STUN_ATTR_MESSAGE_INTEGRITY:
			if (al != MI_LEN) {
				*err = "MESSAGE-INTEGRITY of wrong size";
				return -1;
			}
			m->mi_offset = off;
			break;
		case STUN_ATTR_FINGERPRINT:
			if (al != 4 || next != len) {
				*err = "FINGERPRINT misplaced";
				return -1;
			}
			if (get32(v) != fingerprint_of(p, off)) {
				*err = "FINGERPRINT mismatch";
				return -1;
			}
			m->fingerprint = true;
			break;
		case STUN_ATTR_PRIORITY:
			if (al != 4) {
				*err = "PRIORITY of wrong size";
				return -1;
			}
			m->has_priority = true;
			m->priority = get32(v);
			break;
		case STUN_ATTR_USE_CANDIDATE:
			m->use_candidate = true;
			break;
		case STUN_ATTR_ICE_CONTROLLED:
		case STUN_ATTR_ICE_CONTROLLING:
			if (al != 8) {
				*err = "ICE-CONTROLLED/CONTROLLING of wrong size";
				return -1;
			}
			if (at == STUN_ATTR_ICE_CONTROLLING)
				m->controlling = true;
			else
				m->controlled = true;
			m->tiebreaker = (uint64_t)get32(v) << 32 | get32(v + 4);
			break;
		case STUN_ATTR_ERROR_CODE:
			if (al < 4 || (v[2] & 7) < 3 || (v[2] & 7) > 6 || v[3] > 99) {
				*err = "bad ERROR-CODE";
				return -1;
			}
			m->error_code = (v[2] & 7) * 100 + v[3];
			break;
		case STUN_ATTR_XOR_MAPPED_ADDRESS:
			if (xor_address(v, al, m->txid, &m->xor_mapped)) {
				*err = "bad XOR-MAPPED-ADDRESS";
				return -1;
			}
			m->has_xor_mapped = true;
			break;
		default:
			if (at < 0x8000 && !m->unknown_required)
				m->unknown_required = at;
			break;
		}
		off = next;
	}
	if (m->controlling && m->controlled) {
		*err = "both ICE-CONTROLLING and ICE-CONTROLLED";
		return -1;
	}
	return 0;
}

static void hmac_of(const uint8_t *p, size_t mi_off, const void *key, size_t keylen,
		    uint8_t out[MI_LEN])
{
	uint8_t buf[STUN_MAX_SIZE];
	unsigned n = MI_LEN;

	memcpy(buf, p, mi_off);
	put16(buf + 2, (uint16_t)(mi_off + 4 + MI_LEN - STUN_HEADER));
	HMAC(EVP_sha1(), key, (int)keylen, buf, mi_off, out, &n);
}

bool stun_integrity_ok(const uint8_t *p, const struct stun_msg *m, const void *key, size_t keylen)
{
	uint8_t mac[MI_LEN];

	if (!m->mi_offset)
		return false;
	hmac_of(p, m->mi_offset, key, keylen, mac);
	/* constant time: the password is the secret */
	uint8_t diff = 0;

	for (int i = 0; i < MI_LEN; i++)
		diff |= mac[i] ^ p[m->mi_offset + 4 + i];
	return diff == 0;
}

void stun_build_start(struct stun_builder *b, uint8_t *buf, size_t cap, uint16_t type,
		      const uint8_t txid[12])
{
	b->buf = buf;
	b->cap = cap < STUN_MAX_SIZE ? cap : STUN_MAX_SIZE;
	b->len = STUN_HEADER;
	b->overflow = cap < STUN_HEADER;
	if (b->overflow)
		return;
	put16(buf, type);
	put16(buf + 2, 0);
	put32(buf + 4, STUN_MAGIC);
	memcpy(buf + 8, txid, 12);
}

void stun_add_attr(struct stun_builder *b, uint16_t type, const void *val, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	if (b->overflow || len > 0xffff || b->len + 4 + padded > b->cap) {
		b->overflow = true;
		return;
	}
	put16(b->buf + b->len, type);
	put16(b->buf + b->len + 2, (uint16_t)len);
	if (len)
		memcpy(b->buf + b->len + 4, val, len);
	memset(b->buf + b->len + 4 + len, 0, padded - len);
	b->len += 4 + padded;
	put16(b->buf + 2, (uint16_t)(b->len - STUN_HEADER));
}

void stun_add_u32(struct stun_builder *b, uint16_t type, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	stun_add_attr(b, type, x, 4);
}

void stun_add_u64(struct stun_builder *b, uint16_t type, uint64_t v)
{
	uint8_t x[8];

	put32(x, (uint32_t)(v >> 32));
	put32(x + 4, (uint32_t)v);
	stun_add_attr(b, type, x, 8);
}

void stun_add_xor_address(struct stun_builder *b, const struct sockaddr_storage *sa)
{
	uint8_t v[20] = { 0 };

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		v[1] = 1;
		put16(v + 2, ntohs(sin->sin_port) ^ (uint16_t)(STUN_MAGIC >> 16));
		put32(v + 4, ntohl(sin->sin_addr.s_addr) ^ STUN_MAGIC);
		stun_add_attr(b, STUN_ATTR_XOR_MAPPED_ADDRESS, v, 8);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		uint8_t mask[16];

		put32(mask, STUN_MAGIC);
		if (!b->overflow)
			memcpy(mask + 4, b->buf + 8, 12);
		v[1] = 2;
		put16(v + 2, ntohs(sin6->sin6_port) ^ (uint16_t)(STUN_MAGIC >> 16));
		for (int i = 0; i < 16; i++)
			v[4 + i] = sin6->sin6_addr.s6_addr[i] ^ mask[i];
		stun_add_attr(b, STUN_ATTR_XOR_MAPPED_ADDRESS, v, 20);
	} else {
		b->overflow = true;
	}
}

void stun_add_error(struct stun_builder *b, int code, const char *reason)
{
	uint8_t v[4 + 128] = { 0 };
	size_t rl = strnlen(reason, 128);

	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	memcpy(v + 4, reason, rl);
	stun_add_attr(b, STUN_ATTR_ERROR_CODE, v, 4 + rl);
}

int stun_finish(struct stun_builder *b, const void *key, size_t keylen)
{
	if (key) {
		size_t off = b->len;
		uint8_t mac[MI_LEN] = { 0 };

		stun_add_attr(b, STUN_ATTR_MESSAGE_INTEGRITY, mac, MI_LEN);
		if (b->overflow)
			return -1;
		hmac_of(b->buf, off, key, keylen, b->buf + off + 4);
	}
	size_t off = b->len;

	stun_add_u32(b, STUN_ATTR_FINGERPRINT, 0);
	if (b->overflow)
		return -1;
	put32(b->buf + off + 4, fingerprint_of(b->buf, off));
	return (int)b->len;
}
