/*
 * libevent_log: libevent's messages through log.h. See libevent_log.h.
 *
 * libevent calls the callback from whichever thread logs (the media
 * workers have event bases too), so the rate limit's state is under a
 * lock: at most 5 messages per 10 s in all, the rest counted in
 * log_suppressed(). Debug messages are dropped (libevent only emits them
 * when built with debugging on).
 */
#include "libevent_log.h"

#include <event2/event.h>
#include <glib.h>

#include "log.h"

static GMutex lock;
static struct log_ratelimit rl;

static void on_libevent_log(int severity, const char *msg)
{
	int prio;
	bool ok;

	switch (severity) {
	case EVENT_LOG_ERR:
		prio = LOG_ERR;
		break;
	case EVENT_LOG_WARN:
		prio = LOG_WARNING;
		break;
	case EVENT_LOG_MSG:
		prio = LOG_INFO;
		break;
	default:
		return;
	}
	/* internals is quiet by default (as rtpengine's): libevent's warnings
	 * and errors go to core so that they are seen */
	if (prio > __atomic_load_n(&log_levels[LOG_SUBSYS_core], __ATOMIC_RELAXED))
		return;
	g_mutex_lock(&lock);
	ok = log_ratelimit_ok(&rl, 5, 10);
	g_mutex_unlock(&lock);
	if (ok)
		log_emit(LOG_SUBSYS_core, prio, false, "libevent: %s", msg);
}

void libevent_log_init(void)
{
	event_set_log_callback(on_libevent_log);
}
