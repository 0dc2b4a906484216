/*
 * reload: the configuration a SIGHUP (systemd's ExecReload) brings. main.c
 * parses the command line and the config file again into a new snapshot
 * (config.h); reload_prepare makes it fit the running daemon, and main.c
 * swaps it in. Options read afresh each time they are used change at run
 * time: log-level and log-level-<subsystem>, timeout, silent-timeout,
 * final-timeout, offer-timeout, delete-delay, max-sessions (deadlines
 * computed from then on: a call's next media check, a new offer or answer,
 * the next delete), and endpoint-learning (streams set up from then on).
 * Everything else is bound to sockets, threads or memory made at start-up
 * and takes effect after a restart.
 */
#ifndef RTPRELAY_CONFIG_RELOAD_H
#define RTPRELAY_CONFIG_RELOAD_H

#include "config/config.h"

/* Receives the name of one option (as on the command line) that differs
 * but only takes effect after a restart. */
typedef void (*reload_restart_fn)(void *ctx, const char *name);

/*
 * Make next (not yet shared) the snapshot to replace live: every option
 * that needs a restart gets live's value back in next, and is reported
 * through restart_needed (may be NULL) when it differed. Returns how many
 * reloadable options differ. Control thread.
 */
int reload_prepare(const struct rtprelay_config *live, struct rtprelay_config *next,
		   reload_restart_fn restart_needed, void *ctx);

#endif
