/*
 * options: feeds the table of options_table.c (and the ignored names of
 * options_compat.c) from the command line (GOptionContext) and the config
 * file (GKeyFile), in the order defaults < file < command line, then checks
 * what no single option can check alone. See options.h.
 *
 * The command line is parsed first, into a list of (option, value) pairs,
 * because it names the config file; the file is applied next, and the
 * recorded command-line values last, so that they win.
 */
#include "config/options.h"
#include "config/options_compat.h"
#include "config/options_table.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One option given on the command line, applied after the file. */
struct given {
	const struct option_def *def; /* or */
	const struct option_compat *compat;
	char *value; /* NULL: given without argument */
};

struct parse_state {
	struct rtprelay_config *cfg;
	GPtrArray *given;   /* struct given *, in command-line order */
	GHashTable *warned; /* compat names already warned about */
	GPtrArray *strings; /* help texts built for GOption, freed at the end */
	options_warn_fn warn;
	void *ctx;
	bool config_file_given;
};

static void given_free(gpointer p)
{
	struct given *g = p;

	g_free(g->value);
	g_free(g);
}

static void warn_stderr(void *ctx, const char *msg)
{
	fprintf(stderr, "rtprelay: warning: %s\n", msg);
}

static void warn_fmt(struct parse_state *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn_fmt(struct parse_state *st, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	st->warn(st->ctx, msg);
}

/* One warning per ignored name, wherever and however often it was given. */
static void warn_ignored(struct parse_state *st, const char *where, const char *name)
{
	if (g_hash_table_contains(st->warned, name))
		return;
	g_hash_table_add(st->warned, (gpointer)name);
	warn_fmt(st, "%soption '%s' is an rtpengine option rtprelay does not implement; ignored",
		 where, name);
}

static gboolean on_option(const gchar *option_name, const gchar *value, gpointer data,
			  GError **error)
{
	struct parse_state *st = data;
	const char *n = option_name;
	struct given *g;

	g = g_new0(struct given, 1);
	if (n[0] == '-' && n[1] == '-') {
		g->def = options_find(n + 2);
		if (!g->def)
			g->compat = options_compat_find(n + 2);
	} else if (n[0] == '-' && n[1] && !n[2]) {
		g->def = options_find_short(n[1]);
		if (!g->def)
			g->compat = options_compat_find_short(n[1]);
	}
	if (!g->def && !g->compat) {
		/* GOption only calls us for names we registered. */
		g_free(g);
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
			    "Unknown option %s", option_name);
		return FALSE;
	}
	if (g->def && g->def->type == OPT_ACTION) {
		const struct option_def *def = g->def;
		char *err = NULL;

		g_free(g);
		if (def->parse(def, NULL, true, st->cfg, st->warn, st->ctx, &err) < 0) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "option '%s': %s",
				    def->name, err);
			g_free(err);
			return FALSE;
		}
		return TRUE;
	}
	g->value = g_strdup(value);
	g_ptr_array_add(st->given, g);
	return TRUE;
}

static const char *keep(struct parse_state *st, char *s)
{
	g_ptr_array_add(st->strings, s);
	return s;
}

/* " (default: ...)" for --help; per-subsystem levels read options_defaults. */
static const char *help_text(struct parse_state *st, const struct option_def *d,
			     const struct rtprelay_config *defaults)
{
	size_t lo = offsetof(struct rtprelay_config, log_levels);

	if (d->offset >= lo && d->offset < lo + sizeof(defaults->log_levels) &&
	    d->type == OPT_INT) {
		int v = *(const int *)((const char *)defaults + d->offset);

		if (v < 0)
			return keep(st, g_strdup_printf("%s (default: log-level)", d->help));
		return keep(st, g_strdup_printf("%s (default: %d)", d->help, v));
	}
	if (d->def && d->type != OPT_BOOL)
		return keep(st, g_strdup_printf("%s (default: %s)", d->help, d->def));
	return d->help;
}

static GOptionEntry *main_entries(struct parse_state *st)
{
	GOptionEntry *e = g_new0(GOptionEntry, options_table_len + 1);
	g_autofree struct rtprelay_config *defaults = g_new(struct rtprelay_config, 1);

	options_defaults(defaults);

	for (size_t i = 0; i < options_table_len; i++) {
		const struct option_def *d = &options_table[i];

		e[i].long_name = d->name;
		e[i].short_name = d->short_name;
		e[i].arg = G_OPTION_ARG_CALLBACK;
		e[i].arg_data = (gpointer)on_option;
		if (d->type == OPT_BOOL || d->type == OPT_ACTION)
			e[i].flags = G_OPTION_FLAG_NO_ARG;
		e[i].description = help_text(st, d, defaults);
		e[i].arg_description = d->arg;
	}
	return e;
}

static GOptionEntry *compat_entries(void)
{
	GOptionEntry *e = g_new0(GOptionEntry, options_compat_len + 1);
	size_t n = 0;

	for (size_t i = 0; i < options_compat_len; i++) {
		const struct option_compat *c = &options_compat[i];

		/* The table wins a name (or letter) both have. */
		if (options_find(c->name))
			continue;
		e[n].long_name = c->name;
		if (!options_find_short(c->short_name))
			e[n].short_name = c->short_name;
		e[n].arg = G_OPTION_ARG_CALLBACK;
		e[n].arg_data = (gpointer)on_option;
		e[n].flags = c->takes_arg ? 0 : G_OPTION_FLAG_NO_ARG;
		e[n].description = c->help;
		e[n].arg_description = c->takes_arg ? "ARG" : NULL;
		n++;
	}
	return e;
}

static bool short_takes_arg(char c)
{
	const struct option_def *d = options_find_short(c);
	const struct option_compat *k = d ? NULL : options_compat_find_short(c);

	if (d)
		return d->type != OPT_BOOL && d->type != OPT_ACTION;
	return k && k->takes_arg;
}

/*
 * Copy argv (GOption reorders the array it is given), splitting "-m30000"
 * into "-m" "30000": GOption only knows the separate form. Returns the new
 * argc; the split strings live in st->strings.
 */
static int split_attached(struct parse_state *st, int argc, char **argv, char ***out)
{
	char **args = g_new0(char *, 2 * (size_t)argc + 1);
	int n = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i > 0 && a[0] == '-' && g_ascii_isalpha(a[1]) && a[2] &&
		    short_takes_arg(a[1])) {
			args[n++] = (char *)keep(st, g_strndup(a, 2));
			args[n++] = (char *)keep(st, g_strdup(a + 2));
			continue;
		}
		/* Everything after "--" is an argument, not an option. */
		if (i > 0 && strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				args[n++] = argv[i];
			break;
		}
		args[n++] = argv[i];
	}
	*out = args;
	return n;
}

static int parse_cmdline(struct parse_state *st, int argc, char **argv, char **err)
{
	g_autofree GOptionEntry *main_e = main_entries(st);
	g_autofree GOptionEntry *compat_e = compat_entries();
	/* GOption reorders the array it is given: hand it a copy. */
	g_autofree char **args = NULL;
	GOptionContext *octx;
	GOptionGroup *main_g, *compat_g;
	GError *gerr = NULL;
	int n, ret = 0;

	n = split_attached(st, argc, argv, &args);
	octx = g_option_context_new("- media relay for SIP (rtpengine ng protocol)");
	main_g = g_option_group_new("rtprelay", "rtprelay options", "Show rtprelay options", st,
				    NULL);
	g_option_group_add_entries(main_g, main_e);
	g_option_context_set_main_group(octx, main_g);
	compat_g = g_option_group_new("rtpengine",
				      "rtpengine options that rtprelay accepts and ignores:",
				      "Show the rtpengine options rtprelay ignores", st, NULL);
	g_option_group_add_entries(compat_g, compat_e);
	g_option_context_add_group(octx, compat_g);

	if (!g_option_context_parse(octx, &n, &args, &gerr)) {
		*err = g_strdup_printf("%s (see --help)", gerr->message);
		g_error_free(gerr);
		ret = -1;
	} else if (n > 1) {
		*err = g_strdup_printf("unexpected argument '%s' (see --help)", args[1]);
		ret = -1;
	}
	g_option_context_free(octx);
	return ret;
}

static int apply_named(struct parse_state *st, const char *where, const struct option_def *def,
		       const char *value, bool first, char **err)
{
	g_autofree char *e = NULL;

	if (options_apply(def, value, first, st->cfg, st->warn, st->ctx, &e) < 0) {
		*err = g_strdup_printf("%soption '%s': %s", where, def->name, e);
		return -1;
	}
	return 0;
}

/* Apply the command-line values; only those with(out) cmdline_only set. */
static int apply_cmdline(struct parse_state *st, bool cmdline_only, char **err)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

	for (guint i = 0; i < st->given->len; i++) {
		struct given *g = st->given->pdata[i];
		bool first;

		if (g->compat) {
			if (!cmdline_only)
				warn_ignored(st, "", g->compat->name);
			continue;
		}
		if (g->def->cmdline_only != cmdline_only)
			continue;
		first = !g_hash_table_contains(seen, g->def);
		g_hash_table_add(seen, (gpointer)g->def);
		if (apply_named(st, "", g->def, g->value, first, err) < 0)
			return -1;
		if (strcmp(g->def->name, "config-file") == 0)
			st->config_file_given = true;
	}
	return 0;
}

/* One key of the file's section. */
static int apply_key(struct parse_state *st, GKeyFile *kf, const char *where, const char *group,
		     const char *key, char **err)
{
	const struct option_def *def = options_find(key);
	GError *gerr = NULL;

	if (!def) {
		const struct option_compat *c = options_compat_find(key);

		if (!c) {
			*err = g_strdup_printf("%sunknown option '%s'", where, key);
			return -1;
		}
		warn_ignored(st, where, c->name);
		return 0;
	}
	if (def->cmdline_only) {
		*err = g_strdup_printf("%soption '%s' can only be given on the command line", where,
				       key);
		return -1;
	}
	if (def->list) {
		gsize n = 0;
		g_auto(GStrv) values = g_key_file_get_string_list(kf, group, key, &n, &gerr);
		bool first = true;

		if (!values) {
			*err = g_strdup_printf("%soption '%s': %s", where, key, gerr->message);
			g_error_free(gerr);
			return -1;
		}
		/* rtpengine separates with ';'; blanks inside one value are separators too. */
		for (gsize i = 0; i < n; i++) {
			g_auto(GStrv) words = g_strsplit_set(values[i], " \t", -1);

			for (char **w = words; *w; w++) {
				if (!**w)
					continue;
				if (apply_named(st, where, def, *w, first, err) < 0)
					return -1;
				first = false;
			}
		}
		return 0;
	}
	g_autofree char *value = g_key_file_get_string(kf, group, key, &gerr);

	if (!value) {
		*err = g_strdup_printf("%soption '%s': %s", where, key, gerr->message);
		g_error_free(gerr);
		return -1;
	}
	return apply_named(st, where, def, g_strstrip(value), true, err);
}

static int apply_file(struct parse_state *st, char **err)
{
	struct rtprelay_config *cfg = st->cfg;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) keys = NULL;
	g_autofree char *where = NULL;
	GError *gerr = NULL;

	if (strcmp(cfg->config_file, "none") == 0 || !cfg->config_file[0])
		return 0;
	if (!g_key_file_load_from_file(kf, cfg->config_file, G_KEY_FILE_NONE, &gerr)) {
		bool missing = g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT);

		if (missing && !st->config_file_given) {
			/* The default file is optional. */
			g_error_free(gerr);
			return 0;
		}
		*err = g_strdup_printf("config file '%s': %s", cfg->config_file, gerr->message);
		g_error_free(gerr);
		return -1;
	}
	if (cfg->config_section[0]) {
		if (!g_key_file_has_group(kf, cfg->config_section)) {
			*err = g_strdup_printf("config file '%s' has no section [%s]",
					       cfg->config_file, cfg->config_section);
			return -1;
		}
	} else if (g_key_file_has_group(kf, "rtprelay")) {
		g_strlcpy(cfg->config_section, "rtprelay", sizeof(cfg->config_section));
	} else if (g_key_file_has_group(kf, "rtpengine")) {
		g_strlcpy(cfg->config_section, "rtpengine", sizeof(cfg->config_section));
	} else {
		*err = g_strdup_printf("config file '%s' has neither a [rtprelay] nor an "
				       "[rtpengine] section",
				       cfg->config_file);
		return -1;
	}
	where = g_strdup_printf("config file '%s', section [%s]: ", cfg->config_file,
				cfg->config_section);
	keys = g_key_file_get_keys(kf, cfg->config_section, NULL, NULL);
	for (char **k = keys; k && *k; k++)
		if (apply_key(st, kf, where, cfg->config_section, *k, err) < 0)
			return -1;
	return 0;
}

static bool listen_dup(const struct config_listen *a, unsigned na, const struct config_listen *b,
		       unsigned nb, const char **which)
{
	for (unsigned i = 0; i < na; i++)
		for (unsigned j = 0; j < nb; j++)
			if ((a != b || i != j) && strcmp(a[i].text, b[j].text) == 0) {
				*which = a[i].text;
				return true;
			}
	return false;
}

/* What no single option can check: requirements and relations. */
static int validate(const struct rtprelay_config *cfg, char **err)
{
	const char *dup;

	if (cfg->n_interfaces == 0) {
		*err = g_strdup("option 'interface': at least one interface is required");
		return -1;
	}
	if (!cfg->n_listen_ng && !cfg->n_listen_tcp_ng && !cfg->n_listen_http) {
		*err = g_strdup("option 'listen-ng': at least one of listen-ng, listen-tcp-ng "
				"or listen-http is required");
		return -1;
	}
	if (cfg->port_min >= cfg->port_max) {
		*err = g_strdup_printf("option 'port-max': %u is not greater than port-min (%u)",
				       cfg->port_max, cfg->port_min);
		return -1;
	}
	/* The pool finds a pointer's shard by masking (lib/bufferpool.h). */
	if (cfg->shared_memory_shard_kib & (cfg->shared_memory_shard_kib - 1)) {
		*err = g_strdup_printf("option 'shared-memory-shard-size': %u KiB is not a power "
				       "of two",
				       cfg->shared_memory_shard_kib);
		return -1;
	}
	/* RTP takes an even port and RTCP the odd one above it. */
	if (((cfg->port_min + 1) & ~1u) + 1 > cfg->port_max) {
		*err = g_strdup_printf("option 'port-min': the range %u..%u holds no even/odd "
				       "port pair for RTP and RTCP",
				       cfg->port_min, cfg->port_max);
		return -1;
	}
	if (listen_dup(cfg->listen_ng, cfg->n_listen_ng, cfg->listen_ng, cfg->n_listen_ng, &dup)) {
		*err = g_strdup_printf("option 'listen-ng': %s is given twice", dup);
		return -1;
	}
	if (listen_dup(cfg->listen_tcp_ng, cfg->n_listen_tcp_ng, cfg->listen_tcp_ng,
		       cfg->n_listen_tcp_ng, &dup)) {
		*err = g_strdup_printf("option 'listen-tcp-ng': %s is given twice", dup);
		return -1;
	}
	if (listen_dup(cfg->listen_http, cfg->n_listen_http, cfg->listen_http, cfg->n_listen_http,
		       &dup) ||
	    listen_dup(cfg->listen_http, cfg->n_listen_http, cfg->listen_tcp_ng,
		       cfg->n_listen_tcp_ng, &dup)) {
		*err = g_strdup_printf("option 'listen-http': TCP address %s is given twice", dup);
		return -1;
	}
	return 0;
}

int options_parse_with(int argc, char **argv, struct rtprelay_config *cfg, options_warn_fn warn,
		       void *ctx, char **err)
{
	struct parse_state st = {
		.cfg = cfg,
		.given = g_ptr_array_new_with_free_func(given_free),
		.warned = g_hash_table_new(g_str_hash, g_str_equal),
		.strings = g_ptr_array_new_with_free_func(g_free),
		.warn = warn ? warn : warn_stderr,
		.ctx = ctx,
	};
	int ret = -1;

	*err = NULL;
	options_defaults(cfg);
	if (parse_cmdline(&st, argc, argv, err) < 0)
		goto out;
	if (apply_cmdline(&st, true, err) < 0)
		goto out;
	if (apply_file(&st, err) < 0)
		goto out;
	if (apply_cmdline(&st, false, err) < 0)
		goto out;
	if (validate(cfg, err) < 0)
		goto out;
	ret = 0;
out:
	g_ptr_array_free(st.strings, TRUE);
	g_hash_table_destroy(st.warned);
	g_ptr_array_free(st.given, TRUE);
	return ret;
}

int options_parse(int argc, char **argv, struct rtprelay_config *cfg, char **err)
{
	return options_parse_with(argc, argv, cfg, NULL, NULL, err);
}
