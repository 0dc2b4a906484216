/* The ng "sdp-attr" edits; see sdp_attr.h. */
#include "commands/sdp_attr.h"

#include <strings.h>

static bool eq_nocase(str a, str b)
{
	return a.len == b.len && (!a.len || !strncasecmp(a.s, b.s, a.len));
}

static int add_op(struct ng_flags_ctx *c, enum sdp_attr_cmd cmd, str level, str value, str with)
{
	struct ng_flags *f = c->f;

	if (!level.len || !value.len)
		return ng_flags_fail(c, "sdp-attr: empty level or attribute");
	if (cmd == SDP_ATTR_SUBSTITUTE && !with.len)
		return ng_flags_fail(c, "sdp-attr: substitute '%.*s' with nothing", QUOTE(value));
	if (f->n_sdp_attr == NG_MAX_SDP_ATTR)
		return ng_flags_fail(c, "sdp-attr: more than %d edits", NG_MAX_SDP_ATTR);
	f->sdp_attr[f->n_sdp_attr++] = (struct sdp_attr_op){
		.cmd = cmd,
		.level = level,
		.value = value,
		.with = with,
	};
	return 0;
}

static int parse_cmd(struct ng_flags_ctx *c, str name, enum sdp_attr_cmd *cmd)
{
	if (str_eq_c(name, "add"))
		*cmd = SDP_ATTR_ADD;
	else if (str_eq_c(name, "remove"))
		*cmd = SDP_ATTR_REMOVE;
	else if (str_eq_c(name, "substitute"))
		*cmd = SDP_ATTR_SUBSTITUTE;
	else
		return ng_flags_fail(c,
				     "sdp-attr: unknown command '%.*s' (add, remove, substitute)",
				     QUOTE(name));
	return 0;
}

/* One element of a command's list: a string, or for substitute a pair. */
static int list_item(struct ng_flags_ctx *c, enum sdp_attr_cmd cmd, str level,
		     const bencode_item *it)
{
	if (cmd != SDP_ATTR_SUBSTITUTE) {
		if (it->type != BENCODE_STRING)
			return ng_flags_fail(c, "sdp-attr: '%.*s' items must be strings",
					     QUOTE(level));
		return add_op(c, cmd, level, it->str, STR_NULL);
	}
	const bencode_item *from = NULL, *to = NULL;
	unsigned n = 0;

	if (it->type == BENCODE_LIST)
		bencode_list_foreach(it, e) {
			if (n == 0)
				from = e;
			else if (n == 1)
				to = e;
			n++;
		}
	if (n != 2 || from->type != BENCODE_STRING || to->type != BENCODE_STRING)
		return ng_flags_fail(c, "sdp-attr: substitute items must be pairs of strings");
	return add_op(c, cmd, level, from->str, to->str);
}

int sdp_attr_key(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	if (v->type != BENCODE_DICT)
		return ng_flags_fail(c, "'%.*s' must be a dictionary", QUOTE(key));
	bencode_dict_foreach(v, level, cmds) {
		if (cmds->type != BENCODE_DICT)
			return ng_flags_fail(c, "sdp-attr: '%.*s' must be a dictionary",
					     QUOTE(level->str));
		bencode_dict_foreach(cmds, name, list) {
			enum sdp_attr_cmd cmd;

			if (parse_cmd(c, name->str, &cmd))
				return -1;
			if (list->type != BENCODE_LIST)
				return ng_flags_fail(c, "sdp-attr: '%.*s' '%.*s' must be a list",
						     QUOTE(level->str), QUOTE(name->str));
			bencode_list_foreach(list, it) {
				if (list_item(c, cmd, level->str, it))
					return -1;
			}
		}
	}
	return 0;
}

int sdp_attr_flag(struct ng_flags_ctx *c, str rest)
{
	enum sdp_attr_cmd cmd;
	str name, level, value, with = STR_NULL;

	rest = str_split(rest, '-', &name);
	if (parse_cmd(c, name, &cmd))
		return -1;
	value = str_split(rest, '-', &level);
	if (cmd == SDP_ATTR_SUBSTITUTE) {
		str from;

		with = str_split(value, '>', &from);
		value = from;
	}
	return add_op(c, cmd, level, value, with);
}

static bool is_session_level(str level)
{
	return str_eq_nocase(level, "none") || str_eq_nocase(level, "global");
}

/* Apply the edits for one level to lines (from index first: an m=
 * section's line 0 is the m= line itself). */
static void edit_lines(struct sdp_session *s, GPtrArray *lines, unsigned first,
		       const struct ng_flags *f, bool session, str media)
{
	for (unsigned k = 0; k < f->n_sdp_attr; k++) {
		const struct sdp_attr_op *op = &f->sdp_attr[k];

		if (session ? !is_session_level(op->level) : !eq_nocase(op->level, media))
			continue;
		if (op->cmd == SDP_ATTR_ADD) {
			g_ptr_array_add(lines, sdp_line_new(s, 'a', op->value));
			continue;
		}
		for (unsigned i = first; i < lines->len;) {
			struct sdp_line *l = lines->pdata[i];

			if (!l || l->type != 'a' ||
			    !(eq_nocase(l->value, op->value) ||
			      (op->cmd == SDP_ATTR_REMOVE && eq_nocase(l->attr_name, op->value)))) {
				i++;
				continue;
			}
			if (op->cmd == SDP_ATTR_REMOVE) {
				g_ptr_array_remove_index(lines, i);
				continue;
			}
			sdp_line_set(s, l, op->with);
			i++;
		}
	}
}

void sdp_attr_apply(struct sdp_session *s, const struct ng_flags *f)
{
	if (!f->n_sdp_attr)
		return;
	edit_lines(s, s->lines, 0, f, true, STR_NULL);
	for (unsigned i = 0; i < s->media->len; i++) {
		struct sdp_media *sm = s->media->pdata[i];

		edit_lines(s, sm->lines, 1, f, false, sm->media);
	}
}
