/*
 * options: the one table of options that drives the command line
 * (GOptionContext) and the config file (GKeyFile, section [rtprelay], or
 * [rtpengine] when the file has only that). Accepts every rtpengine 10.5
 * option name; those rtprelay does not implement are accepted with one
 * warning line each.
 */
#ifndef RTPRELAY_OPTIONS_H
#define RTPRELAY_OPTIONS_H

#include <stdbool.h>

#include "config.h"

/*
 * Fill cfg from argv and the config file. Returns 0, or -1 with a message
 * (naming the offending option) in *err (g_free it). Warnings about ignored
 * rtpengine options are written to stderr, one line each.
 * Main thread, at start-up.
 */
int options_parse(int argc, char **argv, struct rtprelay_config *cfg, char **err);

/* Set cfg to the built-in defaults (what options_parse starts from). */
void options_defaults(struct rtprelay_config *cfg);

#endif
