/*
 * process: what it takes to be a daemon: detaching from the terminal,
 * the pidfile, and telling systemd we are ready (sd_notify protocol over
 * $NOTIFY_SOCKET, written here rather than linking libsystemd).
 */
#ifndef RTPRELAY_PROCESS_H
#define RTPRELAY_PROCESS_H

/* Fork into the background and detach; the parent exits 0. 0 or -errno. */
int process_daemonize(void);
/* Write our PID to path (created 0644). 0 or -errno. */
int process_pidfile_write(const char *path);
void process_pidfile_remove(const char *path);
/* Send a state string ("READY=1", "STOPPING=1") if $NOTIFY_SOCKET is set. */
void process_notify(const char *state);

#endif
