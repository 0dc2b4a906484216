/*
 * bencode: decoder (zero-copy: string items point into the input buffer,
 * which must outlive them) and builder/encoder for the ng protocol.
 *
 * Items live in an arena (arena.h) with the lifetime of one request.
 * Dictionaries keep their keys in wire order (the ng protocol does not sort
 * them, and neither do Kamailio or rtpengine); lookups return the first
 * match. A dictionary's children alternate key (a STRING item), value.
 */
#ifndef RTPRELAY_BENCODE_H
#define RTPRELAY_BENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "arena.h"
#include "str.h"

enum bencode_type {
	BENCODE_STRING,
	BENCODE_INT,
	BENCODE_LIST,
	BENCODE_DICT,
};

typedef struct bencode_item bencode_item;
struct bencode_item {
	enum bencode_type type;
	str str;                    /* STRING: the bytes */
	int64_t num;                /* INT */
	bencode_item *child, *last; /* LIST, DICT: first and last child */
	bencode_item *next;         /* next sibling in the parent */
	size_t count;               /* LIST: elements; DICT: key/value pairs */
	str raw;                    /* decoded items: the item's encoded bytes in the input */
};

/* max_depth above this is treated as this (the measure pass keeps its
 * container stack in a fixed array so that it never allocates). */
#define BENCODE_DEPTH_CAP 1024

/* Nesting allowed when no limit is given (and for JSON ng requests). */
#define BENCODE_DEFAULT_DEPTH 32

struct bencode_limits {
	unsigned max_depth; /* nesting of lists/dicts; 0 = BENCODE_DEFAULT_DEPTH */
	size_t max_items;   /* items in one document; 0 = default 65536 */
	size_t max_string;  /* bytes in one string; 0 = no limit but the input */
};

struct bencode_error {
	size_t offset;      /* byte offset in the input where decoding failed */
	const char *reason; /* static text, e.g. "expected ':' after string length" */
};

/*
 * Decode the first bencode item of buf[0..len). On success returns 0 and
 * sets *out and *consumed (bytes of that item; trailing bytes are the
 * caller's business). Returns -EAGAIN when buf holds an incomplete but so
 * far valid item (more bytes may complete it), -EINVAL for malformed input
 * and -E2BIG when a limit is exceeded; both fill *err. lim may be NULL.
 */
int bencode_decode(struct arena *a, const char *buf, size_t len, const struct bencode_limits *lim,
		   bencode_item **out, size_t *consumed, struct bencode_error *err);

/*
 * Length of the first complete item in buf, without building anything (for
 * framing a byte stream). Same return codes as bencode_decode, but positive
 * length on success.
 */
long bencode_measure(const char *buf, size_t len, const struct bencode_limits *lim,
		     struct bencode_error *err);

/*
 * Where a measure that ran out of input (-EAGAIN) stands, to continue it
 * when more bytes arrived: zeroed for a new item; the same limits on every
 * call.
 */
struct bencode_measure_state {
	size_t pos; /* where the incomplete item starts */
	size_t items;
	unsigned depth;
	bool want_value;
	uint64_t is_dict[(BENCODE_DEPTH_CAP + 63) / 64];
};

/*
 * bencode_measure, continued from *st over buf[0..len): the same bytes as
 * the last call plus more at the end. Each byte is looked at about once
 * over all calls (a string's bytes not at all; an incomplete int or string
 * length again from its start). The result is bencode_measure's for the
 * whole buffer.
 */
long bencode_measure_resume(struct bencode_measure_state *st, const char *buf, size_t len,
			    const struct bencode_limits *lim, struct bencode_error *err);

/*
 * All three are exact about -EAGAIN: it is returned iff buf[0..len) is a prefix
 * of some item that is complete, valid and within lim (err->offset = len).
 * Otherwise an error is reported at the first byte that rules every
 * continuation out (for the item and depth limits: the first byte of the
 * offending item), so buf[0..offset) alone gives -EAGAIN and
 * buf[0..offset] the same error. Canonical bencode only: no leading zeros
 * in integers or string lengths, no "i-0e", integers within int64, and an
 * item's total length must fit a long. Dict keys need not be sorted or
 * unique.
 */

/* Lookups; NULL/false when absent or of another type. */
bencode_item *bencode_dict_get(const bencode_item *dict, const char *key);
bool bencode_dict_get_str(const bencode_item *dict, const char *key, str *out);
bool bencode_dict_get_int(const bencode_item *dict, const char *key, int64_t *out);

#define bencode_dict_foreach(dict, k, v)                                       \
	for (bencode_item *k = (dict)->child, *v = k ? k->next : NULL; k && v; \
	     k = v->next, v = k ? k->next : NULL)
#define bencode_list_foreach(list, it) for (bencode_item *it = (list)->child; it; it = it->next)

/* Builders. Values are copied into the arena unless the name says _ref. */
bencode_item *bencode_new_dict(struct arena *a);
bencode_item *bencode_new_list(struct arena *a);
bencode_item *bencode_new_int(struct arena *a, int64_t v);
bencode_item *bencode_new_str(struct arena *a, str s);
bencode_item *bencode_new_str_ref(struct arena *a, str s); /* s must outlive the arena */

void bencode_list_append(bencode_item *list, bencode_item *v);
/* key is copied; returns v. Adding an existing key adds a second pair. */
bencode_item *bencode_dict_set(struct arena *a, bencode_item *dict, const char *key,
			       bencode_item *v);

bencode_item *bencode_dict_add_str(struct arena *a, bencode_item *d, const char *key, str v);
bencode_item *bencode_dict_add_cstr(struct arena *a, bencode_item *d, const char *key,
				    const char *v);
bencode_item *bencode_dict_add_int(struct arena *a, bencode_item *d, const char *key, int64_t v);
bencode_item *bencode_dict_add_dict(struct arena *a, bencode_item *d, const char *key);
bencode_item *bencode_dict_add_list(struct arena *a, bencode_item *d, const char *key);
bencode_item *bencode_list_add_str(struct arena *a, bencode_item *l, str v);
bencode_item *bencode_list_add_cstr(struct arena *a, bencode_item *l, const char *v);
bencode_item *bencode_list_add_int(struct arena *a, bencode_item *l, int64_t v);
bencode_item *bencode_list_add_dict(struct arena *a, bencode_item *l);
bencode_item *bencode_list_add_list(struct arena *a, bencode_item *l);

/* Append the encoding of item to out. */
void bencode_encode(const bencode_item *item, GString *out);

/*
 * Structural equality: same types, bytes, numbers, and children in the same
 * order (dict pairs compared in order, duplicates included). raw is ignored.
 * Two NULLs are equal.
 */
bool bencode_equal(const bencode_item *a, const bencode_item *b);

#endif
