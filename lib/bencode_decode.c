/*
 * bencode decoding: one iterative scanner serves both bencode_measure (which
 * only validates and finds the end) and bencode_decode (which also builds
 * the item tree), so the two agree on every return code and offset.
 *
 * -EAGAIN versus -EINVAL: the scanner walks the input left to right and
 * fails at the first byte that no valid item can contain at that place
 * (-EINVAL), or at the first item that breaks a limit (-E2BIG). If it runs
 * out of input before either happens, every byte so far was acceptable, so
 * some continuation completes the item and the answer is -EAGAIN. Each check
 * therefore has to fire as early as the prefix allows: "i-0" fails at the
 * '0' (both "i-0e" and "i-0<digit>" are invalid), an integer fails at the
 * digit that takes it out of int64 range, a string length at the digit that
 * takes it past max_string or past what a long can describe, a dict key when
 * the item limit leaves no room for its value.
 *
 * The error offset is that deciding byte (for limits on items and depth, the
 * first byte of the item that breaks them). So for any error at offset o,
 * the first o bytes alone give -EAGAIN, the first o+1 bytes the same error.
 * -EAGAIN reports offset = len.
 */
#include "bencode.h"

#include <errno.h>
#include <limits.h>

#define DEFAULT_ITEMS 65536

/* Longest string length the scanner believes: the whole item's length must
 * fit the long that bencode_measure returns. */
#define STRLEN_MAX ((uint64_t)LONG_MAX)

struct scan {
	const char *buf;
	size_t len;
	size_t pos;
	struct bencode_error *err;
	/* bencode_decode only: */
	struct arena *arena;
	bencode_item **stack; /* open containers, max_depth of them */
};

static int fail(struct scan *s, int rc, size_t offset, const char *reason)
{
	if (s->err) {
		s->err->offset = offset;
		s->err->reason = reason;
	}
	return rc;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* buf[pos] is 'i'. On success *v is the value and pos is past the 'e'. */
static int scan_int(struct scan *s, int64_t *v)
{
	size_t p = s->pos + 1;
	bool neg = false;
	uint64_t mag = 0, limit;

	if (p < s->len && s->buf[p] == '-')
		neg = true, p++;
	if (p == s->len)
		return fail(s, -EAGAIN, p, "integer incomplete");
	if (s->buf[p] == 'e')
		return fail(s, -EINVAL, p, neg ? "no digits after '-'" : "empty integer");
	if (!is_digit(s->buf[p]))
		return fail(s, -EINVAL, p, "expected digit in integer");
	if (s->buf[p] == '0') {
		if (neg)
			return fail(s, -EINVAL, p, "negative zero integer");
		p++;
		if (p == s->len)
			return fail(s, -EAGAIN, p, "integer incomplete");
		if (is_digit(s->buf[p]))
			return fail(s, -EINVAL, p, "leading zero in integer");
	} else {
		limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; p < s->len && is_digit(s->buf[p]); p++) {
			unsigned d = (unsigned)(s->buf[p] - '0');

			if (mag > (limit - d) / 10)
				return fail(s, -EINVAL, p, "integer out of int64 range");
			mag = mag * 10 + d;
		}
		if (p == s->len)
			return fail(s, -EAGAIN, p, "integer incomplete");
	}
	if (s->buf[p] != 'e')
		return fail(s, -EINVAL, p, "expected 'e' after integer");
	if (!neg)
		*v = (int64_t)mag;
	else if (mag == (uint64_t)INT64_MAX + 1)
		*v = INT64_MIN;
	else
		*v = -(int64_t)mag;
	s->pos = p + 1;
	return 0;
}

/* buf[pos] is a digit. On success *out views the bytes, pos is past them. */
static int scan_str(struct scan *s, size_t max_string, str *out)
{
	size_t p = s->pos;
	uint64_t n = 0;

	if (s->buf[p] == '0') {
		p++;
		if (p < s->len && is_digit(s->buf[p]))
			return fail(s, -EINVAL, p, "leading zero in string length");
	} else {
		for (; p < s->len && is_digit(s->buf[p]); p++) {
			unsigned d = (unsigned)(s->buf[p] - '0');

			if (n > (STRLEN_MAX - d) / 10)
				return fail(s, -EINVAL, p, "string length overflows");
			n = n * 10 + d;
			/* Even with the ':' next, the item would end past what a
			 * long can describe; more digits only make it worse. */
			if (n > STRLEN_MAX - (p + 2))
				return fail(s, -EINVAL, p, "string length overflows");
			/* More digits only make it longer. */
			if (max_string && n > max_string)
				return fail(s, -E2BIG, p, "string longer than limit");
		}
	}
	if (p == s->len)
		return fail(s, -EAGAIN, p, "string length incomplete");
	if (s->buf[p] != ':')
		return fail(s, -EINVAL, p, "expected ':' after string length");
	p++;
	if (n > s->len - p)
		return fail(s, -EAGAIN, s->len, "string runs past end of input");
	*out = str_make(s->buf + p, (size_t)n);
	s->pos = p + (size_t)n;
	return 0;
}

static bencode_item *new_item(struct scan *s, enum bencode_type type, size_t start)
{
	bencode_item *it = arena_alloc(s->arena, sizeof(*it));

	it->type = type;
	it->raw = str_make(s->buf + start, s->pos - start);
	return it;
}

static void link_child(bencode_item *parent, bencode_item *it, bool counts)
{
	if (parent->last)
		parent->last->next = it;
	else
		parent->child = it;
	parent->last = it;
	if (counts)
		parent->count++;
}

/*
 * The scanner proper. With s->arena set it builds the tree into *out (from
 * the start: st is fresh). st holds where the scan stands at the start of
 * each item, so that a measure that ran out of input continues there.
 */
static long scan(struct scan *s, const struct bencode_limits *lim, bencode_item **out,
		 struct bencode_measure_state *st)
{
	unsigned max_depth = lim && lim->max_depth ? lim->max_depth : BENCODE_DEFAULT_DEPTH;
	size_t max_items = lim && lim->max_items ? lim->max_items : DEFAULT_ITEMS;
	size_t max_string = lim ? lim->max_string : 0;
	/* Bit d-1 set: the container at depth d is a dict. Enough for the cap. */
	uint64_t *is_dict = st->is_dict;
	unsigned depth = st->depth;
	bool want_value = st->want_value; /* innermost container is a dict that has a key */
	size_t items = st->items;
	int rc;

	if (max_depth > BENCODE_DEPTH_CAP)
		max_depth = BENCODE_DEPTH_CAP;
	if (s->len > (size_t)LONG_MAX)
		s->len = (size_t)LONG_MAX; /* measure's result must fit a long */
	if (s->arena)
		s->stack = arena_alloc(s->arena, max_depth * sizeof(*s->stack));

	s->pos = st->pos;
	for (;;) {
		size_t start = s->pos;

		/* An item that runs out of input is scanned again whole: ints
		 * and string lengths are short, and a string's bytes are
		 * stepped over, so that costs little. */
		st->pos = start;
		st->depth = depth;
		st->want_value = want_value;
		st->items = items;
		bool in_dict = depth && (is_dict[(depth - 1) / 64] >> ((depth - 1) % 64) & 1);
		bencode_item *it = NULL;
		int64_t num = 0;
		str bytes = STR_NULL;

		if (start == s->len)
			return fail(s, -EAGAIN, start, depth ? "container not closed" : "no input");

		char c = s->buf[start];

		if (depth && c == 'e') {
			if (in_dict && want_value)
				return fail(s, -EINVAL, start, "dict key without value");
			s->pos++;
			if (s->arena) {
				it = s->stack[depth - 1];
				it->raw.len = s->pos - (size_t)(it->raw.s - s->buf);
			}
			depth--;
			/* A container closed inside a dict was that dict's value. */
			want_value = false;
			if (!depth)
				break;
			continue;
		}
		if (in_dict && !want_value && !is_digit(c))
			return fail(s, -EINVAL, start, "dict key is not a string");
		if (c != 'i' && c != 'l' && c != 'd' && !is_digit(c))
			return fail(s, -EINVAL, start, "unknown type byte");
		/* A key promises a value: a key that only fits without its
		 * value can never complete. */
		if (++items > max_items || (in_dict && !want_value && items == max_items))
			return fail(s, -E2BIG, start, "too many items");

		if (c == 'l' || c == 'd') {
			if (depth == max_depth)
				return fail(s, -E2BIG, start, "nesting too deep");
			s->pos++;
			if (s->arena) {
				it = new_item(s, c == 'd' ? BENCODE_DICT : BENCODE_LIST, start);
				if (depth)
					link_child(s->stack[depth - 1], it, !in_dict || want_value);
				else
					*out = it;
				s->stack[depth] = it;
			}
			if (c == 'd')
				is_dict[depth / 64] |= (uint64_t)1 << (depth % 64);
			else
				is_dict[depth / 64] &= ~((uint64_t)1 << (depth % 64));
			depth++;
			want_value = false;
			continue;
		}

		if (c == 'i')
			rc = scan_int(s, &num);
		else
			rc = scan_str(s, max_string, &bytes);
		if (rc)
			return rc;
		if (s->arena) {
			it = new_item(s, c == 'i' ? BENCODE_INT : BENCODE_STRING, start);
			if (c == 'i')
				it->num = num;
			else
				it->str = bytes;
			if (depth)
				link_child(s->stack[depth - 1], it, !in_dict || want_value);
			else
				*out = it;
		}
		if (!depth)
			break;
		if (in_dict)
			want_value = !want_value;
	}
	return (long)s->pos;
}

int bencode_decode(struct arena *a, const char *buf, size_t len, const struct bencode_limits *lim,
		   bencode_item **out, size_t *consumed, struct bencode_error *err)
{
	struct scan s = { .buf = buf, .len = len, .err = err, .arena = a };
	struct bencode_measure_state st = { 0 };
	bencode_item *root = NULL;
	long n = scan(&s, lim, &root, &st);

	if (n < 0)
		return (int)n;
	*out = root;
	*consumed = (size_t)n;
	return 0;
}

long bencode_measure(const char *buf, size_t len, const struct bencode_limits *lim,
		     struct bencode_error *err)
{
	struct bencode_measure_state st = { 0 };

	return bencode_measure_resume(&st, buf, len, lim, err);
}

long bencode_measure_resume(struct bencode_measure_state *st, const char *buf, size_t len,
			    const struct bencode_limits *lim, struct bencode_error *err)
{
	struct scan s = { .buf = buf, .len = len, .err = err };

	return scan(&s, lim, NULL, st);
}

bencode_item *bencode_dict_get(const bencode_item *dict, const char *key)
{
	if (!dict || dict->type != BENCODE_DICT)
		return NULL;
	bencode_dict_foreach(dict, k, v) {
		if (k->type == BENCODE_STRING && str_eq_c(k->str, key))
			return v;
	}
	return NULL;
}

bool bencode_dict_get_str(const bencode_item *dict, const char *key, str *out)
{
	bencode_item *v = bencode_dict_get(dict, key);

	if (!v || v->type != BENCODE_STRING)
		return false;
	*out = v->str;
	return true;
}

bool bencode_dict_get_int(const bencode_item *dict, const char *key, int64_t *out)
{
	bencode_item *v = bencode_dict_get(dict, key);

	if (!v || v->type != BENCODE_INT)
		return false;
	*out = v->num;
	return true;
}
