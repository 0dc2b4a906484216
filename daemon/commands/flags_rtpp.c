/*
 * flags_rtpp: the "rtpp_flags" string that newer Kamailio modules send
 * instead of structured keys, e.g.
 *
 *   replace-origin via-branch=z9hG4bK.1 ICE=remove RTP/AVP direction=priv
 *   direction=pub codec=[transcode=[PCMA PCMU] strip=[EVS]]
 *
 * Grammar: tokens separated by blanks (space, tab, CR, LF).
 *   token := key '=' value | name
 *   value := '[' elements ']' | scalar   (a scalar runs to the next blank
 *                                         and may contain '=')
 * A bracket holds a dictionary when its first element is key=value with a
 * non-empty value (every element must then be key=value), else a list.
 * Closing brackets may stand alone or end the last element ("[a b]",
 * "[ a b ]", "[[a] b]]"). Brackets become bencode items in the arena so
 * that ng_flags_key() treats "replace=[origin]" exactly like the dictionary
 * key "replace": ["origin"].
 *
 * Token meanings (as rtpengine's own rtpp_flags parser):
 *   key=value              -> the dictionary key of that name (ng_flags_key)
 *   key=                   -> the flag "key" (an empty value is no value)
 *   direction=X            -> the next of direction[0], direction[1]
 *   internal, external     -> likewise, as bare tokens
 *   from-tag=X             -> from_tag = X and directional
 *   received-from=ADDR     -> received-from with the family detected
 *   RTP SRTP AVP AVPF DTLS, RTP/AVP RTP/SAVP RTP/AVPF RTP/SAVPF
 *   UDP/TLS/RTP/SAVP UDP/TLS/RTP/SAVPF
 *                          -> combined into transport_protocol at the end
 *   anything else          -> a flag, as in the "flags" list
 * Errors: an unterminated '[', '=' without a key, a list without a key, a
 * stray ']', a dictionary element without '=', more than RTPP_MAX_DEPTH
 * nested brackets or RTPP_MAX_ITEMS bracket elements.
 */
#include "commands/flags_rtpp.h"

#include <string.h>

#include "arena.h"

#define RTPP_MAX_DEPTH 8
#define RTPP_MAX_ITEMS 4096

/* Bits of the bare transport tokens. */
#define T_GIVEN 0x100u
#define T_SRTP 0x1u
#define T_AVPF 0x2u
#define T_DTLS 0x4u

struct rtpp {
	struct ng_flags_ctx *c;
	const char *p, *end;
	unsigned items;     /* bracket elements built so far */
	unsigned direction; /* direction= / internal / external seen so far */
	unsigned transport; /* T_* bits; 0 = no transport token */
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void skip_blanks(struct rtpp *r)
{
	while (r->p < r->end && is_blank(*r->p))
		r->p++;
}

/* End of the word starting at p: the next blank or the end. */
static const char *word_end(const struct rtpp *r, const char *p)
{
	while (p < r->end && !is_blank(*p))
		p++;
	return p;
}

static bencode_item *new_item(struct rtpp *r, enum bencode_type type, str s)
{
	bencode_item *it;

	if (++r->items > RTPP_MAX_ITEMS) {
		ng_flags_fail(r->c, "rtpp_flags: more than %d list elements", RTPP_MAX_ITEMS);
		return NULL;
	}
	it = arena_alloc(r->c->a, sizeof(*it));
	it->type = type;
	it->str = s;
	return it;
}

static void link_child(bencode_item *parent, bencode_item *v)
{
	if (parent->last)
		parent->last->next = v;
	else
		parent->child = v;
	parent->last = v;
}

/*
 * A scalar inside brackets: from p to the next blank, less any closing
 * brackets at its end, which are left for the caller. Advances r->p.
 */
static str bracket_scalar(struct rtpp *r)
{
	const char *s = r->p, *e = word_end(r, s);

	while (e > s && e[-1] == ']')
		e--;
	r->p = e;
	return str_make(s, e - s);
}

/*
 * A bracket's contents, r->p just past its '['. Returns the LIST or DICT
 * item with r->p just past the matching ']', or NULL (c->err set).
 */
static bencode_item *parse_bracket(struct rtpp *r, unsigned depth)
{
	bencode_item *node = NULL;

	if (depth > RTPP_MAX_DEPTH) {
		ng_flags_fail(r->c, "rtpp_flags: brackets nested deeper than %d", RTPP_MAX_DEPTH);
		return NULL;
	}
	for (;;) {
		const char *we, *eq;
		bool entry;

		skip_blanks(r);
		if (r->p >= r->end) {
			ng_flags_fail(r->c, "rtpp_flags: unterminated '['");
			return NULL;
		}
		if (*r->p == ']') {
			r->p++;
			if (r->p < r->end && !is_blank(*r->p) && *r->p != ']') {
				ng_flags_fail(r->c, "rtpp_flags: expected a blank after ']'");
				return NULL;
			}
			return node ? node : new_item(r, BENCODE_LIST, STR_NULL);
		}
		if (*r->p == '[') {
			bencode_item *child;

			if (node && node->type == BENCODE_DICT)
				goto no_equals;
			if (!node && !(node = new_item(r, BENCODE_LIST, STR_NULL)))
				return NULL;
			r->p++;
			if (!(child = parse_bracket(r, depth + 1)))
				return NULL;
			link_child(node, child);
			node->count++;
			continue;
		}

		we = word_end(r, r->p);
		eq = memchr(r->p, '=', we - r->p);
		/* key=value with a key; the first element decides dict vs list */
		entry = eq && eq > r->p;
		if (!node) {
			bool dict = entry && eq + 1 < we && eq[1] != ']';

			if (!(node = new_item(r, dict ? BENCODE_DICT : BENCODE_LIST, STR_NULL)))
				return NULL;
		}
		if (node->type == BENCODE_LIST) {
			bencode_item *el = new_item(r, BENCODE_STRING, bracket_scalar(r));

			if (!el)
				return NULL;
			link_child(node, el);
			node->count++;
			continue;
		}
		if (!entry)
			goto no_equals;

		bencode_item *key = new_item(r, BENCODE_STRING, str_make(r->p, eq - r->p));
		bencode_item *val;

		if (!key)
			return NULL;
		r->p = eq + 1;
		if (r->p < r->end && *r->p == '[') {
			r->p++;
			val = parse_bracket(r, depth + 1);
		} else {
			val = new_item(r, BENCODE_STRING, bracket_scalar(r));
		}
		if (!val)
			return NULL;
		link_child(node, key);
		link_child(node, val);
		node->count++;
	}
no_equals:
	ng_flags_fail(r->c, "rtpp_flags: dictionary element without '='");
	return NULL;
}

static int direction_token(struct rtpp *r, str name)
{
	struct ng_flags *f = r->c->f;

	if (r->direction >= NG_MAX_DIRECTIONS)
		return ng_flags_fail(r->c, "rtpp_flags: more than %d directions given",
				     NG_MAX_DIRECTIONS);
	if (!name.len)
		return ng_flags_fail(r->c, "rtpp_flags: empty interface name in direction");
	f->direction[r->direction++] = name;
	if (f->n_directions < r->direction)
		f->n_directions = r->direction;
	return 0;
}

/* A bare transport token; false if name is none. */
static bool transport_token(struct rtpp *r, str name)
{
	static const struct {
		const char *name;
		unsigned set, clear; /* clear ~0: the token names the whole protocol */
	} tokens[] = {
		{ "RTP", T_GIVEN, T_SRTP },
		{ "AVP", T_GIVEN, T_AVPF },
		{ "SRTP", T_GIVEN | T_SRTP, 0 },
		{ "AVPF", T_GIVEN | T_AVPF, 0 },
		{ "DTLS", T_GIVEN | T_DTLS, 0 },
		{ "RTP/AVP", T_GIVEN, ~0u },
		{ "RTP/SAVP", T_GIVEN | T_SRTP, ~0u },
		{ "RTP/AVPF", T_GIVEN | T_AVPF, ~0u },
		{ "RTP/SAVPF", T_GIVEN | T_SRTP | T_AVPF, ~0u },
		{ "UDP/TLS/RTP/SAVP", T_GIVEN | T_DTLS, ~0u },
		{ "UDP/TLS/RTP/SAVPF", T_GIVEN | T_DTLS | T_AVPF, ~0u },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(tokens); i++) {
		if (str_eq_c(name, tokens[i].name)) {
			r->transport = (r->transport & ~tokens[i].clear) | tokens[i].set;
			return true;
		}
	}
	return false;
}

static void apply_transport(struct rtpp *r)
{
	static const char *const names[] = {
		[0] = "RTP/AVP",
		[T_SRTP] = "RTP/SAVP",
		[T_AVPF] = "RTP/AVPF",
		[T_SRTP | T_AVPF] = "RTP/SAVPF",
	};
	const char *name;

	if (!r->transport)
		return;
	/* DTLS is always SRTP: with or without the SRTP token */
	if (r->transport & T_DTLS)
		name = r->transport & T_AVPF ? "UDP/TLS/RTP/SAVPF" : "UDP/TLS/RTP/SAVP";
	else
		name = names[r->transport & (T_SRTP | T_AVPF)];
	r->c->f->transport_protocol = str_from(name);
	r->c->f->transport_protocol_accept = false;
}

/* key=value at the top level, value already built. */
static int key_value(struct rtpp *r, str key, const bencode_item *v)
{
	char buf[NG_FLAGS_NAME_MAX];
	str n;

	if (!ng_flags_normalise(key, true, buf, &n) || v->type != BENCODE_STRING)
		return ng_flags_key(r->c, key, v);
	if (str_eq_c(n, "direction"))
		return direction_token(r, v->str);
	if (str_eq_c(n, "from-tag")) {
		/* a from-tag other than the message's selects a participant */
		r->c->f->directional = true;
		return ng_flags_key(r->c, key, v);
	}
	if (str_eq_c(n, "received-from")) {
		/* Kamailio's own syntax: received-from=ADDRESS */
		bencode_item fam = { .type = BENCODE_STRING };
		bencode_item addr = { .type = BENCODE_STRING, .str = v->str };
		bencode_item list = { .type = BENCODE_LIST,
				      .child = &fam,
				      .last = &addr,
				      .count = 2 };

		fam.next = &addr;
		fam.str = memchr(v->str.s, ':', v->str.len) ? STR_C("IP6") : STR_C("IP4");
		return ng_flags_key(r->c, key, &list);
	}
	return ng_flags_key(r->c, key, v);
}

static int bare_token(struct rtpp *r, str name)
{
	if (transport_token(r, name))
		return 0;
	if (str_eq_c(name, "internal") || str_eq_c(name, "external"))
		return direction_token(r, name);
	return ng_flags_flag(r->c, name);
}

static int parse_top(struct rtpp *r)
{
	for (;;) {
		const char *s;
		str key;

		skip_blanks(r);
		if (r->p >= r->end)
			return 0;
		if (*r->p == '[')
			return ng_flags_fail(r->c, "rtpp_flags: list without a key");
		if (*r->p == ']')
			return ng_flags_fail(r->c, "rtpp_flags: unexpected ']'");

		s = r->p;
		while (r->p < r->end && !is_blank(*r->p) && *r->p != '=')
			r->p++;
		key = str_make(s, r->p - s);
		if (r->p >= r->end || *r->p != '=') {
			if (bare_token(r, key))
				return -1;
			continue;
		}
		if (!key.len)
			return ng_flags_fail(r->c, "rtpp_flags: '=' without a key");
		r->p++;
		if (r->p >= r->end || is_blank(*r->p)) {
			/* "key=": no value, so the flag "key" (as rtpengine) */
			if (bare_token(r, key))
				return -1;
			continue;
		}
		if (*r->p == '[') {
			bencode_item *v;

			r->p++;
			if (!(v = parse_bracket(r, 1)) || key_value(r, key, v))
				return -1;
			continue;
		}
		/* a scalar: to the next blank, '=' and ']' included */
		s = r->p;
		r->p = word_end(r, s);
		bencode_item v = { .type = BENCODE_STRING, .str = str_make(s, r->p - s) };

		if (key_value(r, key, &v))
			return -1;
	}
}

int ng_flags_rtpp(struct ng_flags_ctx *c, str rtpp)
{
	struct rtpp r = { .c = c, .p = rtpp.s, .end = rtpp.s + rtpp.len };
	bool was_in_rtpp = c->in_rtpp;
	int rc;

	if (!rtpp.s)
		return 0;
	c->in_rtpp = true;
	rc = parse_top(&r);
	c->in_rtpp = was_in_rtpp;
	if (rc)
		return -1;
	apply_transport(&r);
	return 0;
}

int ng_flags_parse_rtpp(struct arena *a, str rtpp, struct ng_flags *f, const char **err)
{
	struct ng_flags_ctx c = { .a = a, .f = f };

	if (ng_flags_rtpp(&c, rtpp)) {
		*err = c.err ? c.err : "rtpp_flags: invalid";
		return -1;
	}
	*err = NULL;
	return 0;
}
