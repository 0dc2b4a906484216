/* Thread scheduling options; see thread_sched.h. */
#define LOG_SUBSYS core
#include "thread_sched.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"

struct setting {
	int policy;   /* -1: leave it */
	int priority; /* CONFIG_NO_PRIORITY: leave it */
	atomic_bool failure_said;
};

/* Written once by thread_sched_init before any thread reads it. */
static struct setting settings[2];

static bool realtime(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static int check(const char *what, int policy, int priority, char **err)
{
	if (priority == CONFIG_NO_PRIORITY)
		return 0;
	if (realtime(policy) && (priority < 1 || priority > 99)) {
		*err = g_strdup_printf("%spriority %d: fifo and rr take 1..99", what, priority);
		return -1;
	}
	if (!realtime(policy) && priority > 19) {
		*err = g_strdup_printf("%spriority %d: a nice value is -20..19 (1..99 is for "
				       "%sscheduling fifo or rr)",
				       what, priority, what);
		return -1;
	}
	return 0;
}

int thread_sched_init(const struct rtprelay_config *cfg, char **err)
{
	if (check("", cfg->sched_policy, cfg->sched_priority, err) ||
	    check("idle-", cfg->idle_sched_policy, cfg->idle_sched_priority, err))
		return -1;
	settings[THREAD_MEDIA].policy = cfg->sched_policy;
	settings[THREAD_MEDIA].priority = cfg->sched_priority;
	settings[THREAD_IDLE].policy = cfg->idle_sched_policy;
	settings[THREAD_IDLE].priority = cfg->idle_sched_priority;
	return 0;
}

static int apply(const struct setting *s)
{
	if (s->policy >= 0) {
		struct sched_param sp = {
			.sched_priority = realtime(s->policy) && s->priority != CONFIG_NO_PRIORITY
						  ? s->priority
					  : realtime(s->policy) ? 1
								: 0
		};
		int rc = pthread_setschedparam(pthread_self(), s->policy, &sp);

		if (rc)
			return -rc;
	}
	/* a nice value is per thread on Linux: the thread's own id */
	if (s->priority != CONFIG_NO_PRIORITY && !realtime(s->policy) &&
	    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), s->priority) < 0)
		return -errno;
	return 0;
}

void thread_sched_self(enum thread_role role, const char *name)
{
	struct setting *s = &settings[role];
	int rc;

	pthread_setname_np(pthread_self(), name);
	rc = apply(s);
	if (rc && !atomic_exchange(&s->failure_said, true))
		log_warnx(
			"%s: cannot set the %sscheduling policy or priority: %s (runs on as it is)",
			name, role == THREAD_IDLE ? "idle-" : "", g_strerror(-rc));
}
