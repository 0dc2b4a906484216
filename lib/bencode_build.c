/*
 * bencode building and encoding: item constructors in an arena, appenders
 * that keep insertion order, and the encoder.
 *
 * The encoder and bencode_equal recurse once per nesting level; decoded
 * trees are at most BENCODE_DEPTH_CAP deep, built ones as deep as the code
 * that builds them.
 */
#include "bencode.h"

#include <inttypes.h>

static bencode_item *new_item(struct arena *a, enum bencode_type type)
{
	bencode_item *it = arena_alloc(a, sizeof(*it));

	it->type = type;
	return it;
}

bencode_item *bencode_new_dict(struct arena *a)
{
	return new_item(a, BENCODE_DICT);
}

bencode_item *bencode_new_list(struct arena *a)
{
	return new_item(a, BENCODE_LIST);
}

bencode_item *bencode_new_int(struct arena *a, int64_t v)
{
	bencode_item *it = new_item(a, BENCODE_INT);

	it->num = v;
	return it;
}

bencode_item *bencode_new_str(struct arena *a, str s)
{
	bencode_item *it = new_item(a, BENCODE_STRING);

	it->str = arena_strdup(a, s);
	return it;
}

bencode_item *bencode_new_str_ref(struct arena *a, str s)
{
	bencode_item *it = new_item(a, BENCODE_STRING);

	it->str = s;
	return it;
}

/* Append v to parent's children; the caller keeps count. */
static void link_child(bencode_item *parent, bencode_item *v)
{
	v->next = NULL;
	if (parent->last)
		parent->last->next = v;
	else
		parent->child = v;
	parent->last = v;
}

void bencode_list_append(bencode_item *list, bencode_item *v)
{
	g_assert(list->type == BENCODE_LIST);
	link_child(list, v);
	list->count++;
}

bencode_item *bencode_dict_set(struct arena *a, bencode_item *dict, const char *key,
			       bencode_item *v)
{
	g_assert(dict->type == BENCODE_DICT);
	link_child(dict, bencode_new_str(a, str_from(key)));
	link_child(dict, v);
	dict->count++;
	return v;
}

bencode_item *bencode_dict_add_str(struct arena *a, bencode_item *d, const char *key, str v)
{
	return bencode_dict_set(a, d, key, bencode_new_str(a, v));
}

bencode_item *bencode_dict_add_cstr(struct arena *a, bencode_item *d, const char *key,
				    const char *v)
{
	return bencode_dict_set(a, d, key, bencode_new_str(a, str_from(v)));
}

bencode_item *bencode_dict_add_int(struct arena *a, bencode_item *d, const char *key, int64_t v)
{
	return bencode_dict_set(a, d, key, bencode_new_int(a, v));
}

bencode_item *bencode_dict_add_dict(struct arena *a, bencode_item *d, const char *key)
{
	return bencode_dict_set(a, d, key, bencode_new_dict(a));
}

bencode_item *bencode_dict_add_list(struct arena *a, bencode_item *d, const char *key)
{
	return bencode_dict_set(a, d, key, bencode_new_list(a));
}

bencode_item *bencode_list_add_str(struct arena *a, bencode_item *l, str v)
{
	bencode_item *it = bencode_new_str(a, v);

	bencode_list_append(l, it);
	return it;
}

bencode_item *bencode_list_add_cstr(struct arena *a, bencode_item *l, const char *v)
{
	return bencode_list_add_str(a, l, str_from(v));
}

bencode_item *bencode_list_add_int(struct arena *a, bencode_item *l, int64_t v)
{
	bencode_item *it = bencode_new_int(a, v);

	bencode_list_append(l, it);
	return it;
}

bencode_item *bencode_list_add_dict(struct arena *a, bencode_item *l)
{
	bencode_item *it = bencode_new_dict(a);

	bencode_list_append(l, it);
	return it;
}

bencode_item *bencode_list_add_list(struct arena *a, bencode_item *l)
{
	bencode_item *it = bencode_new_list(a);

	bencode_list_append(l, it);
	return it;
}

/* Decimal digits of v, with prefix and suffix: printf is most of the
 * encoder's cost on replies full of small numbers. */
static void append_num(GString *out, char prefix, int64_t v, char suffix)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	*--p = suffix;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	if (prefix)
		*--p = prefix;
	g_string_append_len(out, p, buf + sizeof(buf) - p);
}

void bencode_encode(const bencode_item *item, GString *out)
{
	switch (item->type) {
	case BENCODE_STRING:
		append_num(out, 0, (int64_t)item->str.len, ':');
		if (item->str.len)
			g_string_append_len(out, item->str.s, (gssize)item->str.len);
		break;
	case BENCODE_INT:
		append_num(out, 'i', item->num, 'e');
		break;
	case BENCODE_LIST:
	case BENCODE_DICT:
		g_string_append_c(out, item->type == BENCODE_LIST ? 'l' : 'd');
		for (const bencode_item *c = item->child; c; c = c->next)
			bencode_encode(c, out);
		g_string_append_c(out, 'e');
		break;
	}
}

bool bencode_equal(const bencode_item *a, const bencode_item *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case BENCODE_STRING:
		return str_eq(a->str, b->str);
	case BENCODE_INT:
		return a->num == b->num;
	case BENCODE_LIST:
	case BENCODE_DICT:
		if (a->count != b->count)
			return false;
		for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
			if (!bencode_equal(a, b))
				return false;
		return !a && !b;
	}
	return false;
}
