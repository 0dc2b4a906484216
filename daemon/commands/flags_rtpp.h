/*
 * flags_rtpp: the "rtpp_flags" string newer Kamailio modules send instead of
 * (or besides) dictionary keys: space-separated flags and KEY=VALUE pairs,
 * applied through the same keys and flags as the dictionary (flags.h).
 */
#ifndef RTPRELAY_COMMANDS_FLAGS_RTPP_H
#define RTPRELAY_COMMANDS_FLAGS_RTPP_H

#include "arena.h"
#include "commands/flags.h"
#include "str.h"

/* Expand an rtpp_flags string at its position in the request. 0 or -1
 * (c->err set). */
int ng_flags_rtpp(struct ng_flags_ctx *c, str rtpp);

/*
 * Parse only an rtpp_flags string into *f (on top of what *f holds).
 * Exposed for unit tests and the fuzzer. Returns 0, or -1 with *err set to
 * the reason (a static string or one in a). Views in *f point into rtpp.
 */
int ng_flags_parse_rtpp(struct arena *a, str rtpp, struct ng_flags *f, const char **err);

#endif
