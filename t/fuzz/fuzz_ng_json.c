/*
 * Fuzz target for the JSON form of ng (daemon/ng/json.c). For each input:
 *  - ng_json_to_bencode() either fails with a reason or gives a dictionary;
 *  - the JSON text ng_json_from_bencode() prints for that tree parses again
 *    (it is always valid JSON, whatever bytes the strings hold), and when
 *    every string is valid UTF-8 it gives back an equal tree;
 *  - the tree's bencode encoding decodes to an equal tree;
 *  - ng_msg_decode() in JSON form agrees with ng_json_to_bencode().
 * Any violation abort()s.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ng/json.h"
#include "ng/msg.h"
#include "ng/ng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, size_t size)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_ng_json: %s (input %zu bytes)\n", what, size);
	abort();
}

static bool all_utf8(const bencode_item *it)
{
	if (it->type == BENCODE_STRING)
		return it->str.len == 0 || (!memchr(it->str.s, 0, it->str.len) &&
					    g_utf8_validate_len(it->str.s, it->str.len, NULL));
	if (it->type == BENCODE_LIST || it->type == BENCODE_DICT)
		for (const bencode_item *c = it->child; c; c = c->next)
			if (!all_utf8(c))
				return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const char *err = NULL, *err2 = NULL;
	str in = str_make((const char *)data, size);
	bencode_item *d = ng_json_to_bencode(a, in, &err);
	bencode_item *d2 = ng_msg_decode(a, in, NG_FORMAT_JSON, &err2);

	/* ng_msg_decode adds only the empty-body check in front */
	check(!!d == !!d2 || (!d2 && err2 && strcmp(err2, "Invalid data (no payload)") == 0),
	      "ng_msg_decode disagrees", size);
	if (!d) {
		check(err != NULL && err[0], "failure without a reason", size);
		goto out;
	}
	check(d->type == BENCODE_DICT, "not a dictionary", size);
	check(bencode_equal(d, d2), "ng_msg_decode gives another tree", size);

	GString *json = g_string_new("");
	ng_json_from_bencode(d, json);
	bencode_item *back = ng_json_to_bencode(a, str_make(json->str, json->len), &err);
	check(back != NULL, "printed JSON does not parse", size);
	if (all_utf8(d))
		check(bencode_equal(d, back), "JSON round trip changed the tree", size);
	g_string_free(json, TRUE);

	GString *benc = g_string_new("");
	bencode_encode(d, benc);
	bencode_item *bd = NULL;
	size_t consumed = 0;
	struct bencode_error berr;
	struct bencode_limits lim = { .max_depth = 64, .max_items = 1 << 22 };
	check(bencode_decode(a, benc->str, benc->len, &lim, &bd, &consumed, &berr) == 0,
	      "bencode of the tree does not decode", size);
	check(consumed == benc->len, "bencode of the tree has trailing bytes", size);
	check(bencode_equal(d, bd), "bencode round trip changed the tree", size);
	g_string_free(benc, TRUE);
out:
	arena_free(a);
	return 0;
}
