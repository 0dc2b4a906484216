/*
 * options_compat: the rtpengine 10.5 options rtprelay accepts and ignores
 * with one warning each, so that an rtpengine.conf starts rtprelay as is.
 */
#ifndef RTPRELAY_CONFIG_OPTIONS_COMPAT_H
#define RTPRELAY_CONFIG_OPTIONS_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

/* An rtpengine 10.5 option rtprelay accepts and ignores. */
struct option_compat {
	const char *name;
	char short_name;
	bool takes_arg;
	const char *help;
};

extern const struct option_compat options_compat[];
extern const size_t options_compat_len;

/* Lookups by long name (without "--") or short letter; NULL if absent. */
const struct option_compat *options_compat_find(const char *name);
const struct option_compat *options_compat_find_short(char c);

#endif
