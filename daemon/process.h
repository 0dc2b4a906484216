/*
 * process: what it takes to be a daemon: detaching from the terminal,
 * the pidfile, and telling systemd we are ready (sd_notify protocol over
 * $NOTIFY_SOCKET, written here rather than linking libsystemd).
 */
#ifndef RTPRELAY_PROCESS_H
#define RTPRELAY_PROCESS_H

/*
 * Fork into the background and detach (new session, stdin from /dev/null).
 * The parent does not return: it waits until the child calls
 * process_daemonize_done() and exits with the status given there, or, if
 * the child exits first (a start-up failure), with the child's non-zero
 * exit status (1 if it had none). So the launcher's exit status says
 * whether the daemon started, and when it is 0 the pidfile is written and
 * the listeners are open (what systemd's Type=forking expects). The child's
 * stdout and stderr stay the launcher's until process_daemonize_done(), so
 * start-up errors are seen. Returns in the child: 0 or -errno.
 */
int process_daemonize(void);
/* In a daemonized child: start-up is over (status 0: ready); release the
 * parent with that status and point stdout/stderr to /dev/null. Does
 * nothing when not daemonized or when called again. */
void process_daemonize_done(int status);
/* Write our PID to path (created 0644). 0 or -errno. */
int process_pidfile_write(const char *path);
void process_pidfile_remove(const char *path);
/*
 * Grow this process's descriptor table to hold descriptors 0..n-1 (n
 * capped at the open-file limit). Call it before any thread starts: once
 * threads share the table, the kernel grows it only after an RCU grace
 * period (synchronize_rcu), so every socket() that crosses 64, 128, 256...
 * descriptors would stall its thread for that long, seconds on a loaded
 * host (t/e2e saw an offer take 4.9 s). Returns the size reserved or -errno.
 */
int process_reserve_fds(unsigned n);
/* Send a state string ("READY=1", "STOPPING=1") if $NOTIFY_SOCKET is set. */
void process_notify(const char *state);

#endif
