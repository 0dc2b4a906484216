/*
 * options_table: the one table of options (name, type, offset into struct
 * rtprelay_config, default, help) that options.c turns into the command
 * line and the config file; the built-in defaults; how one value is
 * applied. Main thread, at start-up (and on reload).
 */
#ifndef RTPRELAY_CONFIG_OPTIONS_TABLE_H
#define RTPRELAY_CONFIG_OPTIONS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/options.h"

/* Set cfg to the built-in defaults (what options_parse starts from). */
void options_defaults(struct rtprelay_config *cfg);

enum option_type {
	OPT_BOOL,   /* bool; no argument on the command line */
	OPT_INT,    /* int, in [min, max] */
	OPT_UINT,   /* unsigned, in [min, max] */
	OPT_STRING, /* char[size] */
	OPT_CUSTOM, /* parse() does it all */
	OPT_ACTION, /* no argument; parse() runs at once with value NULL */
};

struct option_def;

/*
 * A custom parser: applies one value (one element of a list) to cfg.
 * first is true for the first value of a list from one source, so a list
 * option can drop what an earlier source set. Returns 0, or -1 with a
 * message in *err that does not name the option (the caller adds that).
 */
typedef int (*option_parse_fn)(const struct option_def *def, const char *value, bool first,
			       struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
			       char **err);

struct option_def {
	const char *name; /* long name = config key */
	char short_name;  /* 0: none */
	enum option_type type;
	bool list;             /* repeatable; ';'-separated in the file */
	bool cmdline_only;     /* config-file, config-section, version, check-config */
	size_t offset;         /* into struct rtprelay_config */
	size_t size;           /* OPT_STRING: buffer size */
	long long min, max;    /* OPT_INT, OPT_UINT */
	option_parse_fn parse; /* OPT_CUSTOM */
	const char *def;       /* default, as text (NULL: computed or zero) */
	const char *help;
	const char *arg; /* argument description for --help */
};

extern const struct option_def options_table[];
extern const size_t options_table_len;

/*
 * Apply one value of def to cfg (a list option: one element; value NULL for
 * a boolean given without argument). first: as for option_parse_fn.
 * Returns 0, or -1 with a message in *err that does not name the option.
 */
int options_apply(const struct option_def *def, const char *value, bool first,
		  struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err);

/* Lookups by long name (without "--") or short letter; NULL if absent. */
const struct option_def *options_find(const char *name);
const struct option_def *options_find_short(char c);

#endif
