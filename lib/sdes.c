/* SDES a=crypto lines; see sdes.h. */
#include "sdes.h"

#include <glib.h>
#include <string.h>

#include "str.h"

/* F8 is in RFC 4568 but not in libsrtp2; AES_192 is, but Debian's
 * libsrtp2 2.5 derives its session keys otherwise than RFC 6188 (with
 * AES-256 over the zero-padded key: cisco/libsrtp#763), so its packets do
 * not interoperate with a conforming peer (rtpengine 10.5 drops them):
 * both never chosen, never offered. */
static const struct sdes_suite suites[SDES_SUITE_COUNT] = {
	[SDES_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", SDES_AEAD_AES_256_GCM, 32, 12, 16, 16,
				    true },
	[SDES_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", SDES_AEAD_AES_128_GCM, 16, 12, 16, 16,
				    true },
	[SDES_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", SDES_AES_256_CM_HMAC_SHA1_80,
					   32, 14, 10, 10, true },
	[SDES_AES_256_CM_HMAC_SHA1_32] = { "AES_256_CM_HMAC_SHA1_32", SDES_AES_256_CM_HMAC_SHA1_32,
					   32, 14, 4, 10, true },
	[SDES_AES_192_CM_HMAC_SHA1_80] = { "AES_192_CM_HMAC_SHA1_80", SDES_AES_192_CM_HMAC_SHA1_80,
					   24, 14, 10, 10, false },
	[SDES_AES_192_CM_HMAC_SHA1_32] = { "AES_192_CM_HMAC_SHA1_32", SDES_AES_192_CM_HMAC_SHA1_32,
					   24, 14, 4, 10, false },
	[SDES_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", SDES_AES_CM_128_HMAC_SHA1_80,
					   16, 14, 10, 10, true },
	[SDES_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", SDES_AES_CM_128_HMAC_SHA1_32,
					   16, 14, 4, 10, true },
	[SDES_F8_128_HMAC_SHA1_80] = { "F8_128_HMAC_SHA1_80", SDES_F8_128_HMAC_SHA1_80, 16, 14, 10,
				       10, false },
	[SDES_F8_128_HMAC_SHA1_32] = { "F8_128_HMAC_SHA1_32", SDES_F8_128_HMAC_SHA1_32, 16, 14, 4,
				       10, false },
	[SDES_NULL_HMAC_SHA1_80] = { "NULL_HMAC_SHA1_80", SDES_NULL_HMAC_SHA1_80, 16, 14, 10, 10,
				     true },
	[SDES_NULL_HMAC_SHA1_32] = { "NULL_HMAC_SHA1_32", SDES_NULL_HMAC_SHA1_32, 16, 14, 4, 10,
				     true },
};

const struct sdes_suite *sdes_suite_at(unsigned i)
{
	return i < SDES_SUITE_COUNT ? &suites[i] : NULL;
}

const struct sdes_suite *sdes_suite_by_name(str name)
{
	for (unsigned i = 0; i < SDES_SUITE_COUNT; i++)
		if (strlen(suites[i].name) == name.len &&
		    !g_ascii_strncasecmp(suites[i].name, name.s, name.len))
			return &suites[i];
	return NULL;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict base64 (padding optional) into out; the decoded length or -1. */
static long b64_decode(str in, uint8_t *out, size_t cap)
{
	size_t n = in.len, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	while (n && in.s[n - 1] == '=')
		n--;
	if (in.len - n > 2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in.s[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero padding of the last byte. */
	if (bits >= 6 || (acc & ((1u << bits) - 1)))
		return -1;
	return (long)o;
}

str sdes_base64(struct arena *a, const uint8_t *p, size_t len, bool pad)
{
	gchar *b = g_base64_encode(p, len);
	size_t n = strlen(b);

	while (!pad && n && b[n - 1] == '=')
		n--;
	str r = arena_strdup(a, (str){ b, n });

	g_free(b);
	return r;
}

/* "2^20" or "1048576": packets. */
static int parse_lifetime(str s, uint64_t *out)
{
	int64_t v;

	if (s.len > 2 && s.s[0] == '2' && s.s[1] == '^') {
		if (str_to_int64((str){ s.s + 2, s.len - 2 }, 1, 63, &v))
			return -1;
		*out = (uint64_t)1 << v;
		return 0;
	}
	if (str_to_int64(s, 1, INT64_MAX, &v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int parse_key_info(str ki, struct sdes_crypto *c, const char **why)
{
	str key, part;
	size_t want = (size_t)c->suite->key_len + c->suite->salt_len;

	ki = str_split(ki, '|', &key);
	if (b64_decode(key, c->key, sizeof(c->key)) != (long)want) {
		*why = "the inline key is not valid base64 of the suite's key and salt length";
		return -1;
	}
	while (ki.len) {
		ki = str_split(ki, '|', &part);
		str colon = part;
		str v;

		colon = str_split(colon, ':', &v);
		if (colon.s) {
			/* MKI "value:length" */
			int64_t mv, ml;

			if (c->mki_len || str_to_int64(v, 0, INT64_MAX, &mv) ||
			    str_to_int64(colon, 1, SDES_MAX_MKI, &ml) ||
			    (ml < 8 && (uint64_t)mv >> (8 * ml))) {
				*why = "bad MKI (value:length, length 1 to 128 bytes, the value fitting)";
				return -1;
			}
			c->mki = (uint64_t)mv;
			c->mki_len = (uint8_t)ml;
		} else if (c->lifetime || c->mki_len || parse_lifetime(part, &c->lifetime)) {
			*why = "bad key lifetime";
			return -1;
		}
	}
	return 0;
}

int sdes_parse(str value, struct sdes_crypto *c, const char **why)
{
	str tok;
	int64_t tag;

	memset(c, 0, sizeof(*c));
	value = str_split(value, ' ', &tok);
	if (str_to_int64(tok, 1, 999999999, &tag)) {
		*why = "bad tag";
		return -1;
	}
	c->tag = (unsigned)tag;
	value = str_split(value, ' ', &tok);
	if (!tok.len) {
		*why = "no crypto suite";
		return -1;
	}
	c->suite = sdes_suite_by_name(tok);
	if (!c->suite)
		return 0;
	value = str_split(value, ' ', &tok);
	/* key-params: "inline:..." [";inline:..."]; the first one counts */
	str first;

	str_split(tok, ';', &first);
	if (!str_has_prefix(first, "inline:")) {
		*why = "no inline key";
		return -1;
	}
	if (parse_key_info((str){ first.s + 7, first.len - 7 }, c, why))
		return -1;
	str rest = value;

	while (value.len) {
		value = str_split(value, ' ', &tok);
		if (!tok.len)
			continue;
		if (str_eq_c(tok, "UNENCRYPTED_SRTP"))
			c->flags |= SDES_UNENCRYPTED_SRTP;
		else if (str_eq_c(tok, "UNENCRYPTED_SRTCP"))
			c->flags |= SDES_UNENCRYPTED_SRTCP;
		else if (str_eq_c(tok, "UNAUTHENTICATED_SRTP"))
			c->flags |= SDES_UNAUTHENTICATED_SRTP;
		else if (!c->other_params.s)
			c->other_params = (str){ tok.s, (size_t)(rest.s + rest.len - tok.s) };
	}
	return 0;
}

str sdes_print(struct arena *a, const struct sdes_crypto *c, bool pad)
{
	GString *g = g_string_new(NULL);
	str key = sdes_base64(a, c->key, (size_t)c->suite->key_len + c->suite->salt_len, pad);

	g_string_append_printf(g, "%u %s inline:%.*s", c->tag, c->suite->name, STR_FMT(key));
	if (c->lifetime && !(c->lifetime & (c->lifetime - 1))) /* 2^n as rtpengine writes it */
		g_string_append_printf(g, "|2^%d", __builtin_ctzll(c->lifetime));
	else if (c->lifetime)
		g_string_append_printf(g, "|%" G_GUINT64_FORMAT, c->lifetime);
	if (c->mki_len)
		g_string_append_printf(g, "|%" G_GUINT64_FORMAT ":%u", c->mki, c->mki_len);
	if (c->flags & SDES_UNENCRYPTED_SRTCP)
		g_string_append(g, " UNENCRYPTED_SRTCP");
	if (c->flags & SDES_UNENCRYPTED_SRTP)
		g_string_append(g, " UNENCRYPTED_SRTP");
	if (c->flags & SDES_UNAUTHENTICATED_SRTP)
		g_string_append(g, " UNAUTHENTICATED_SRTP");
	str r = arena_strdup(a, (str){ g->str, g->len });

	g_string_free(g, TRUE);
	return r;
}
