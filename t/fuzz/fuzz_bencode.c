/*
 * Fuzz target for lib/bencode. For each input, under the default limits and
 * under tight ones:
 *  - bencode_measure and bencode_decode agree on the result code, length,
 *    error offset and reason;
 *  - a decoded item re-encodes to exactly its input bytes (the decoder
 *    accepts only canonical integers and lengths, and keeps key order), and
 *    decoding that again gives an equal tree;
 *  - -EAGAIN is exact: a success has -EAGAIN for its strict prefixes; an
 *    error at offset o has -EAGAIN for the first o bytes and the same error
 *    for the first o+1; an -EAGAIN input has a one-byte continuation that
 *    is still acceptable.
 * Any violation abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const struct bencode_limits *lim, size_t size)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_bencode: %s (input %zu bytes, %s limits)\n", what, size,
		lim ? "tight" : "default");
	abort();
}

static long measure_prefix(const char *buf, size_t len, const struct bencode_limits *lim,
			   struct bencode_error *err)
{
	/* A copy of exactly len bytes, so reading past len is caught. */
	char *copy = malloc(len ? len : 1);
	long m;

	if (!copy)
		abort();
	memcpy(copy, buf, len);
	m = bencode_measure(copy, len, lim, err);
	free(copy);
	return m;
}

static void fuzz_one(const char *buf, size_t size, const struct bencode_limits *lim)
{
	struct arena *a = arena_new(0);
	struct bencode_error e1 = { 0 }, e2 = { 0 }, e3 = { 0 };
	bencode_item *root = NULL, *again = NULL;
	size_t consumed = 0, consumed2 = 0;
	int rc = bencode_decode(a, buf, size, lim, &root, &consumed, &e1);
	long m = bencode_measure(buf, size, lim, &e2);

	if (rc == 0) {
		check(root && m == (long)consumed && consumed <= size && consumed > 0,
		      "measure/decode length mismatch", lim, size);
		check(root->raw.s == buf && root->raw.len == consumed, "root raw", lim, size);

		GString *out = g_string_new(NULL);

		bencode_encode(root, out);
		check(out->len == consumed && memcmp(out->str, buf, consumed) == 0,
		      "re-encoding differs from input", lim, size);
		check(bencode_decode(a, out->str, out->len, lim, &again, &consumed2, NULL) == 0 &&
			      consumed2 == out->len,
		      "re-encoded item does not decode", lim, size);
		check(bencode_equal(root, again), "re-decoded tree differs", lim, size);
		g_string_free(out, TRUE);

		/* lookups find the first pair with a key (keys without NULs) */
		if (root->type == BENCODE_DICT && root->child &&
		    !memchr(root->child->str.s, '\0', root->child->str.len)) {
			char *key = str_dup(root->child->str);

			check(bencode_dict_get(root, key) == root->child->next,
			      "dict_get misses the first key", lim, size);
			g_free(key);
		}

		/* strict prefixes: a few, not all (quadratic) */
		size_t cuts[] = { 0, 1, consumed / 2, consumed - 1 };

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
			if (cuts[i] < consumed)
				check(measure_prefix(buf, cuts[i], lim, &e3) == -EAGAIN,
				      "strict prefix of an item is not -EAGAIN", lim, size);
	} else {
		check(rc == -EAGAIN || rc == -EINVAL || rc == -E2BIG, "unexpected code", lim, size);
		check(m == rc, "measure/decode code mismatch", lim, size);
		check(e1.offset == e2.offset && e1.reason && e2.reason &&
			      strcmp(e1.reason, e2.reason) == 0,
		      "measure/decode error mismatch", lim, size);
		if (rc == -EAGAIN) {
			check(e1.offset == size, "-EAGAIN offset is not the input length", lim,
			      size);
			/* some one-byte continuation must still be acceptable */
			char *ext = malloc(size + 1);
			bool alive = false;

			if (!ext)
				abort();
			memcpy(ext, buf, size);
			for (const char *c = "e1:"; *c && !alive; c++) {
				ext[size] = *c;
				long r = measure_prefix(ext, size + 1, lim, &e3);

				alive = r > 0 || r == -EAGAIN;
			}
			free(ext);
			check(alive, "-EAGAIN but no continuation is acceptable", lim, size);
		} else {
			size_t o = e1.offset;

			check(o < size, "error offset outside the input", lim, size);
			check(measure_prefix(buf, o, lim, &e3) == -EAGAIN,
			      "bytes before the error offset are not -EAGAIN", lim, size);
			check(measure_prefix(buf, o + 1, lim, &e3) == rc && e3.offset == o &&
				      strcmp(e3.reason, e1.reason) == 0,
			      "error not decided at its offset", lim, size);
		}
	}
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Tight limits vary with the input, so that each limit (not just the
	 * one realistic messages hit first) gets its turn. */
	const struct bencode_limits tight = {
		.max_depth = 1 + (unsigned)(size % 5),
		.max_items = 1 + (size / 5) % 61,
		.max_string = size % 3 ? 0 : 1 + (size / 3) % 200,
	};

	fuzz_one((const char *)data, size, NULL);
	fuzz_one((const char *)data, size, &tight);
	return 0;
}
