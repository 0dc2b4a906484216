/*
 * options: the one table of options that drives the command line
 * (GOptionContext) and the config file (GKeyFile, section [rtprelay], or
 * [rtpengine] when the file has only that). Accepts every rtpengine 10.5
 * option name; those rtprelay does not implement are accepted with one
 * warning line each.
 *
 * Order of precedence: built-in defaults < config file < command line. The
 * config file is --config-file (default OPTIONS_DEFAULT_CONFIG_FILE, whose
 * absence is not an error; "none" reads no file), its section
 * --config-section (default "rtprelay", else "rtpengine" when the file has
 * no [rtprelay]). Keys are the long option names; booleans take
 * true/false; repeatable options (interface, listen-*) take one key whose
 * values are separated by ';'. A repeatable option given on the command
 * line replaces the file's list rather than adding to it.
 *
 * Names rtpengine does not have are errors, on the command line and in the
 * config file alike.
 */
#ifndef RTPRELAY_OPTIONS_H
#define RTPRELAY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

#define OPTIONS_DEFAULT_CONFIG_FILE "/etc/rtprelay/rtprelay.conf"

/*
 * Receives each warning (one line, no trailing newline), e.g. about an
 * ignored rtpengine option. ctx is what was passed to options_parse_with.
 */
typedef void (*options_warn_fn)(void *ctx, const char *msg);

/*
 * Fill cfg from argv and the config file. Returns 0, or -1 with a message
 * (naming the offending option, and the file and section for a file key) in
 * *err (g_free it). Warnings about ignored rtpengine options are written to
 * stderr, one line each ("rtprelay: warning: ..."). --help and --version
 * print to stdout and exit(0), as GOption does for --help.
 * Main thread, at start-up. argv is not modified.
 */
int options_parse(int argc, char **argv, struct rtprelay_config *cfg, char **err);

/* options_parse with the warnings sent to warn(ctx, msg) instead of stderr. */
int options_parse_with(int argc, char **argv, struct rtprelay_config *cfg,
		       options_warn_fn warn, void *ctx, char **err);

/* Set cfg to the built-in defaults (what options_parse starts from). */
void options_defaults(struct rtprelay_config *cfg);

/* ---- the table: shared by options*.c only ---- */

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
	const char *name;   /* long name = config key */
	char short_name;    /* 0: none */
	enum option_type type;
	bool list;          /* repeatable; ';'-separated in the file */
	bool cmdline_only;  /* config-file, config-section, version, check-config */
	size_t offset;      /* into struct rtprelay_config */
	size_t size;        /* OPT_STRING: buffer size */
	long long min, max; /* OPT_INT, OPT_UINT */
	option_parse_fn parse; /* OPT_CUSTOM */
	const char *def;    /* default, as text (NULL: computed or zero) */
	const char *help;
	const char *arg;    /* argument description for --help */
};

extern const struct option_def options_table[];
extern const size_t options_table_len;

/* An rtpengine 10.5 option rtprelay accepts and ignores (options_compat.c). */
struct option_compat {
	const char *name;
	char short_name;
	bool takes_arg;
	const char *help;
};

extern const struct option_compat options_compat[];
extern const size_t options_compat_len;

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
const struct option_compat *options_compat_find(const char *name);
const struct option_compat *options_compat_find_short(char c);

#endif
