/* rtprelay's DTLS certificate and context; see dtls_cert.h. */
#include "crypto/dtls_cert.h"

#include <glib.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>

#include "config/config.h"

/* The SRTP protection profiles offered and accepted (RFC 5764, RFC 7714),
 * preferred first: those rtpengine 10.5 does, as OpenSSL names them. */
#define SRTP_PROFILES \
	"SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"

/* A certificate's validity: peers compare fingerprints, not dates, but
 * some check the dates too; a daemon runs for months. */
#define CERT_DAYS_BEFORE 1
#define CERT_DAYS_AFTER 3650

static const struct {
	const char *name;
	const EVP_MD *(*md)(void);
} hashes[DTLS_HASH_COUNT] = {
	[DTLS_HASH_SHA1] = { "sha-1", EVP_sha1 },
	[DTLS_HASH_SHA224] = { "sha-224", EVP_sha224 },
	[DTLS_HASH_SHA256] = { "sha-256", EVP_sha256 },
	[DTLS_HASH_SHA384] = { "sha-384", EVP_sha384 },
	[DTLS_HASH_SHA512] = { "sha-512", EVP_sha512 },
};

int dtls_hash_parse(str name)
{
	for (int i = 0; i < DTLS_HASH_COUNT; i++)
		if (name.len == strlen(hashes[i].name) &&
		    !g_ascii_strncasecmp(name.s, hashes[i].name, name.len))
			return i;
	return -1;
}

const char *dtls_hash_name(enum dtls_hash h)
{
	return h < DTLS_HASH_COUNT ? hashes[h].name : "?";
}

static int hexval(char c)
{
	return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

int dtls_fingerprint_parse(str v, struct dtls_fingerprint *fp, const char **why)
{
	str name = v, hex;
	size_t sp;

	for (sp = 0; sp < v.len && v.s[sp] != ' '; sp++)
		;
	name.len = sp;
	int h = dtls_hash_parse(name);

	if (h < 0) {
		*why = "unknown hash function";
		return -1;
	}
	hex = (str){ v.s + sp, v.len - sp };
	while (hex.len && hex.s[0] == ' ')
		hex = (str){ hex.s + 1, hex.len - 1 };
	while (hex.len && (hex.s[hex.len - 1] == ' ' || hex.s[hex.len - 1] == '\t'))
		hex.len--;
	memset(fp, 0, sizeof(*fp));
	fp->hash = (enum dtls_hash)h;
	unsigned want = (unsigned)EVP_MD_get_size(hashes[h].md());

	/* "AB:CD:...": 3 characters a byte but the last */
	if (hex.len != want * 3 - 1) {
		*why = "digest of the wrong length for its hash";
		return -1;
	}
	for (unsigned i = 0; i < want; i++) {
		int hi = hexval(hex.s[i * 3]), lo = hexval(hex.s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i + 1 < want && hex.s[i * 3 + 2] != ':')) {
			*why = "malformed digest";
			return -1;
		}
		fp->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	fp->len = want;
	return 0;
}

int dtls_fingerprint_of_der(const uint8_t *der, size_t len, struct dtls_fingerprint *fp)
{
	unsigned n = 0;

	if (fp->hash >= DTLS_HASH_COUNT ||
	    EVP_Digest(der, len, fp->digest, &n, hashes[fp->hash].md(), NULL) != 1)
		return -1;
	fp->len = n;
	return 0;
}

static EVP_PKEY *make_key(const struct rtprelay_config *cfg)
{
	return cfg->dtls_cert_rsa ? EVP_RSA_gen(cfg->dtls_rsa_key_size) : EVP_EC_gen("prime256v1");
}

static X509 *make_cert(EVP_PKEY *key, const struct rtprelay_config *cfg)
{
	X509 *x = X509_new();
	BIGNUM *serial = BN_new();
	X509_NAME *name;

	if (!x || !serial)
		goto err;
	/* a random serial: two daemons' certificates never look alike */
	if (!BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)))
		goto err;
	if (!X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -(long)CERT_DAYS_BEFORE * 86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)CERT_DAYS_AFTER * 86400) ||
	    !X509_set_pubkey(x, key))
		goto err;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"rtprelay",
					-1, -1, 0) ||
	    !X509_set_issuer_name(x, name))
		goto err;
	if (!X509_sign(x, key, cfg->dtls_signature_sha1 ? EVP_sha1() : EVP_sha256()))
		goto err;
	BN_free(serial);
	return x;
err:
	BN_free(serial);
	X509_free(x);
	return NULL;
}

/* The peer's certificate is self-signed: accepted here; dtls.c checks its
 * fingerprint against the SDP's before the handshake may finish. */
static int accept_any(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1;
}

static SSL_CTX *make_ctx(X509 *x, EVP_PKEY *key, const struct rtprelay_config *cfg, char **err)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

	if (!ctx) {
		*err = g_strdup("cannot create the DTLS context");
		return NULL;
	}
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		*err = g_strdup("the DTLS certificate does not load");
		goto err_free;
	}
	if (SSL_CTX_set_cipher_list(ctx, cfg->dtls_ciphers) != 1) {
		*err = g_strdup_printf("--dtls-ciphers '%s' leaves no cipher", cfg->dtls_ciphers);
		goto err_free;
	}
	/* 0 is success here (OpenSSL's one inverted convention) */
	if (SSL_CTX_set_tlsext_use_srtp(ctx, SRTP_PROFILES) != 0) {
		*err = g_strdup("OpenSSL has no DTLS-SRTP profiles");
		goto err_free;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
	SSL_CTX_set_min_proto_version(ctx, DTLS1_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
	SSL_CTX_set_read_ahead(ctx, 1);
	return ctx;
err_free:
	SSL_CTX_free(ctx);
	return NULL;
}

static char *fingerprint_text(X509 *x, enum dtls_hash h)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	GString *s = g_string_new(hashes[h].name);

	X509_digest(x, hashes[h].md(), md, &n);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(s, "%c%02X", i ? ':' : ' ', md[i]);
	return g_string_free(s, FALSE);
}

struct dtls_cert *dtls_cert_new(const struct rtprelay_config *cfg, char **err)
{
	struct dtls_cert *c = NULL;
	EVP_PKEY *key = make_key(cfg);
	X509 *x = key ? make_cert(key, cfg) : NULL;

	if (!x) {
		*err = g_strdup("cannot make the DTLS certificate");
		goto out;
	}
	c = g_new0(struct dtls_cert, 1);
	c->ctx = make_ctx(x, key, cfg, err);
	if (!c->ctx) {
		g_free(c);
		c = NULL;
		goto out;
	}
	for (int h = 0; h < DTLS_HASH_COUNT; h++)
		c->text[h] = fingerprint_text(x, (enum dtls_hash)h);
out:
	X509_free(x); /* the context holds its own references */
	EVP_PKEY_free(key);
	ERR_clear_error();
	return c;
}

void dtls_cert_free(struct dtls_cert *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ctx);
	for (int h = 0; h < DTLS_HASH_COUNT; h++)
		g_free(c->text[h]);
	g_free(c);
}
