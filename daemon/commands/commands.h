/*
 * commands: the ng command table, what ng/ng.c dispatches through. Each
 * handler takes a decoded request, fills the reply, and returns 0, or -1
 * after ng_error() having changed nothing (the handlers' own headers:
 * offer.h, delete.h, query.h, statistics.h, media_ctl.h). The table is
 * constant; what is counted per command lives in the statistics
 * (stats.h). Main thread.
 */
#ifndef RTPRELAY_COMMANDS_COMMANDS_H
#define RTPRELAY_COMMANDS_COMMANDS_H

#include <stddef.h>

#include "ng/ng.h"

/* Entries of ng_commands (checked against the table where it is defined). */
#define NG_COMMAND_COUNT 11

struct ng_command {
	const char *name;      /* as on the wire: "offer", "delete", "ping" ... */
	const char *stat_name; /* rtpengine's statistics name: "offer", "blkmedia" ... */
	ng_handler *handler;
};

extern const struct ng_command ng_commands[NG_COMMAND_COUNT];

/* The entry for a command name; NULL if there is none. */
const struct ng_command *ng_command_find(str name);

/* The position of cmd in ng_commands (it indexes the counters in stats.h). */
static inline size_t ng_command_index(const struct ng_command *cmd)
{
	return (size_t)(cmd - ng_commands);
}

int ng_cmd_ping(struct ng_request *req);

#endif
