#ifndef RTPRELAY_RELOAD_H
#define RTPRELAY_RELOAD_H

#include "config/config.h"

/*
 * Reloading the configuration (SIGHUP, systemd's ExecReload): main.c parses
 * the command line and config file again into a fresh struct and hands it
 * here. Only options that are read afresh each time they are used change at
 * run time: log-level and log-level-<subsystem>, timeout, silent-timeout,
 * final-timeout, offer-timeout, delete-delay, max-sessions. New timeouts
 * apply to deadlines computed from then on (a call's next media check, a
 * new offer or answer, the next delete).
 */

/* Receives the name of one option (as on the command line) that differs
 * but only takes effect after a restart. */
typedef void (*reload_restart_fn)(void *ctx, const char *name);

/*
 * Copy the reloadable options from next into live and report, through
 * restart_needed (may be NULL), every other option whose value differs.
 * Returns how many reloadable options changed value. Main thread only
 * (live is read by the main thread's timers and ng commands).
 */
int reload_apply(struct rtprelay_config *live, const struct rtprelay_config *next,
		 reload_restart_fn restart_needed, void *ctx);

#endif
