/*
 * str: a byte-string view (pointer + length) into memory owned by someone
 * else. Nothing here allocates except str_dup (GLib, caller frees).
 * Views are not NUL-terminated; print them with "%.*s", STR_FMT(s).
 */
#ifndef RTPRELAY_STR_H
#define RTPRELAY_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct str {
	const char *s;
	size_t len;
} str;

#define STR_NULL ((str){ NULL, 0 })
#define STR_C(lit) ((str){ (lit), sizeof(lit) - 1 })
#define STR_FMT(x) (int)(x).len, (x).s

static inline str str_from(const char *cstr)
{
	return (str){ cstr, cstr ? strlen(cstr) : 0 };
}

static inline str str_make(const char *p, size_t len)
{
	return (str){ p, len };
}

static inline bool str_is_null(str a)
{
	return a.s == NULL;
}

static inline bool str_eq(str a, str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static inline bool str_eq_c(str a, const char *b)
{
	return str_eq(a, str_from(b));
}

/* Case-insensitive ASCII comparison. */
bool str_eq_nocase(str a, const char *b);

bool str_has_prefix(str a, const char *prefix);

/* The part of a after n bytes (empty when n >= len). */
str str_skip(str a, size_t n);

/* Strip ASCII spaces and tabs on both ends. */
str str_trim(str a);

/*
 * Split a at the first occurrence of sep: *head gets what is before it,
 * the return value what is after. Without sep, *head = a and the return
 * value is STR_NULL.
 */
str str_split(str a, char sep, str *head);

/*
 * Parse a decimal integer (optional leading '-') that spans all of a.
 * Returns 0, or -EINVAL (not a number) / -ERANGE (outside min..max).
 */
int str_to_int64(str a, int64_t min, int64_t max, int64_t *out);

/* A NUL-terminated copy; g_free() it. */
char *str_dup(str a);

#endif
