/* Byte-string views: the few operations that are not one-liners. */
#include "str.h"

#include <errno.h>
#include <glib.h>

bool str_eq_nocase(str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && (n == 0 || g_ascii_strncasecmp(a.s, b, n) == 0);
}

bool str_has_prefix(str a, const char *prefix)
{
	size_t n = strlen(prefix);

	/* n == 0 first: memcmp on a NULL view is undefined even for 0 bytes */
	return a.len >= n && (n == 0 || memcmp(a.s, prefix, n) == 0);
}

str str_skip(str a, size_t n)
{
	if (n >= a.len)
		return (str){ a.s ? a.s + a.len : NULL, 0 };
	return (str){ a.s + n, a.len - n };
}

str str_trim(str a)
{
	while (a.len && (a.s[0] == ' ' || a.s[0] == '\t'))
		a.s++, a.len--;
	while (a.len && (a.s[a.len - 1] == ' ' || a.s[a.len - 1] == '\t'))
		a.len--;
	return a;
}

str str_split(str a, char sep, str *head)
{
	const char *p = a.len ? memchr(a.s, sep, a.len) : NULL;

	if (!p) {
		*head = a;
		return STR_NULL;
	}
	*head = (str){ a.s, (size_t)(p - a.s) };
	return (str){ p + 1, a.len - (size_t)(p - a.s) - 1 };
}

int str_to_int64(str a, int64_t min, int64_t max, int64_t *out)
{
	bool neg = false, overflow = false;
	uint64_t v = 0;
	size_t i = 0;

	if (a.len && a.s[0] == '-')
		neg = true, i = 1;
	if (i == a.len)
		return -EINVAL;
	/* Scan every byte even after overflow: "999...9x" is not a number
	 * (-EINVAL), not merely out of range. */
	for (; i < a.len; i++) {
		if (a.s[i] < '0' || a.s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			v = v * 10 + (uint64_t)(a.s[i] - '0');
	}
	if (overflow)
		return -ERANGE;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		if (r < min || r > max)
			return -ERANGE;
		*out = r;
		return 0;
	}
	if (v > (uint64_t)INT64_MAX || (int64_t)v < min || (int64_t)v > max)
		return -ERANGE;
	*out = (int64_t)v;
	return 0;
}

char *str_dup(str a)
{
	return g_strndup(a.s ? a.s : "", a.len);
}
