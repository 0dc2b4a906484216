/*
 * dtls_cert: rtprelay's DTLS identity, made once at start-up (as rtpengine
 * does, --dtls-cert-cipher, --dtls-rsa-key-size, --dtls-signature): a
 * self-signed certificate and its key, the OpenSSL context every DTLS
 * association is made from (--dtls-ciphers, the SRTP profiles), and the
 * certificate's fingerprints for a=fingerprint. Read-only after
 * dtls_cert_new: any thread may use it.
 */
#ifndef RTPRELAY_CRYPTO_DTLS_CERT_H
#define RTPRELAY_CRYPTO_DTLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct rtprelay_config;
typedef struct ssl_ctx_st SSL_CTX;

/* The a=fingerprint hash functions (RFC 8122), weakest first. */
enum dtls_hash {
	DTLS_HASH_SHA1,
	DTLS_HASH_SHA224,
	DTLS_HASH_SHA256,
	DTLS_HASH_SHA384,
	DTLS_HASH_SHA512,
	DTLS_HASH_COUNT,
};

#define DTLS_FP_MAX 64 /* bytes of the longest digest (SHA-512) */

struct dtls_fingerprint {
	enum dtls_hash hash;
	unsigned len;
	uint8_t digest[DTLS_FP_MAX];
};

struct dtls_cert {
	SSL_CTX *ctx;
	char *text[DTLS_HASH_COUNT]; /* "sha-256 AB:CD:..." per hash */
};

/* The certificate, key and context; NULL with *err (g_free) on failure. Main thread. */
struct dtls_cert *dtls_cert_new(const struct rtprelay_config *cfg, char **err);
void dtls_cert_free(struct dtls_cert *c); /* NULL is a no-op */

/* The hash named (case-insensitive "sha-256", ...); -1 for an unknown name. */
int dtls_hash_parse(str name);
const char *dtls_hash_name(enum dtls_hash h);

/* An a=fingerprint value ("sha-256 AB:..."): 0, or -1 with *why. */
int dtls_fingerprint_parse(str value, struct dtls_fingerprint *fp, const char **why);

/* The digest of a DER certificate with fp->hash into fp. 0 or -1. */
int dtls_fingerprint_of_der(const uint8_t *der, size_t len, struct dtls_fingerprint *fp);

#endif
