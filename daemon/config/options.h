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
int options_parse_with(int argc, char **argv, struct rtprelay_config *cfg, options_warn_fn warn,
		       void *ctx, char **err);

#endif
