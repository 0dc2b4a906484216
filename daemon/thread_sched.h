/*
 * thread_sched: rtpengine's scheduling options for the daemon's threads:
 * --scheduling and --priority for the media worker threads,
 * --idle-scheduling and --idle-priority for the background one that
 * reads the configuration on SIGHUP. The control thread (the main loop)
 * and the kernel barrier's keep the process's own. The threads name
 * themselves ("media-3", "reload-config"), so operators see them in
 * top -H and ps -L.
 */
#ifndef RTPRELAY_THREAD_SCHED_H
#define RTPRELAY_THREAD_SCHED_H

enum thread_role {
	THREAD_MEDIA,
	THREAD_IDLE,
};

struct rtprelay_config;

/* Check the settings of cfg (a priority needs a policy it fits) and keep
 * them for the threads started later. Main thread, before any of them.
 * 0, or -1 with *err (g_free it). */
int thread_sched_init(const struct rtprelay_config *cfg, char **err);

/* Name the calling thread and apply its role's policy and priority; a
 * failure (no CAP_SYS_NICE for fifo/rr, say) is logged once per role and
 * the thread runs on as it is. */
void thread_sched_self(enum thread_role role, const char *name);

#endif
