/*
 * reloader: SIGHUP (systemd's ExecReload) re-reads the command line and the
 * config file. The reading runs on a thread of its own, because it may
 * block (a host name in --interface or a listen address is resolved); the
 * control thread then swaps the new snapshot in at once (config/reload.h)
 * when the thread is done. A SIGHUP during a reading reads again after it.
 * A config that does not parse changes nothing.
 */
#ifndef RTPRELAY_RELOADER_H
#define RTPRELAY_RELOADER_H

struct rtprelay;
struct reloader;

/* Handle SIGHUP on rp->base from now on; argv must outlive the reloader.
 * NULL after logging. Control thread. */
struct reloader *reloader_start(struct rtprelay *rp, int argc, char **argv);
/* Stop handling SIGHUP; waits for a reading under way. NULL is a no-op. */
void reloader_stop(struct reloader *r);

#endif
