/* Logging to syslog or stderr, per-subsystem levels, thread-local context. */
#include "log.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_NAME(n, d) #n,
#define LOG_DESC(n, d) d,
const char *const log_subsys_names[LOG_SUBSYS_COUNT] = { LOG_SUBSYSTEMS(LOG_NAME) };
const char *const log_subsys_descriptions[LOG_SUBSYS_COUNT] = { LOG_SUBSYSTEMS(LOG_DESC) };
#undef LOG_NAME
#undef LOG_DESC

int log_levels[LOG_SUBSYS_COUNT] = {
#define LOG_DEFAULT(n, d) LOG_INFO,
	LOG_SUBSYSTEMS(LOG_DEFAULT)
#undef LOG_DEFAULT
};

static bool use_stderr = true;
static __thread char context[160];

void log_init(const char *ident, bool to_stderr, int facility)
{
	use_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void log_set_all_levels(int level)
{
	for (int i = 0; i < LOG_SUBSYS_COUNT; i++)
		__atomic_store_n(&log_levels[i], level, __ATOMIC_RELAXED);
}

void log_set_context(str callid, str tag)
{
	if (str_is_null(callid)) {
		context[0] = '\0';
		return;
	}
	if (str_is_null(tag))
		snprintf(context, sizeof(context), "[%.*s] ", STR_FMT(callid));
	else
		snprintf(context, sizeof(context), "[%.*s/%.*s] ", STR_FMT(callid), STR_FMT(tag));
}

static const char *prio_name(int prio)
{
	static const char *const names[] = { "EMERG",   "ALERT",  "CRIT", "ERR",
					     "WARNING", "NOTICE", "INFO", "DEBUG" };
	return prio >= 0 && prio <= 7 ? names[prio] : "?";
}

static void emit(enum log_subsys ss, int prio, int err, const char *fmt, va_list ap)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (err && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(err));
	if (!use_stderr) {
		syslog(prio, "%s: %s%s", log_subsys_names[ss], context, msg);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld [%s] %s: %s%s\n", when, ts.tv_nsec / 1000000, prio_name(prio),
		log_subsys_names[ss], context, msg);
}

void log_emit(enum log_subsys ss, int prio, bool with_errno, const char *fmt, ...)
{
	int err = with_errno ? errno : 0;
	va_list ap;

	va_start(ap, fmt);
	emit(ss, prio, err, fmt, ap);
	va_end(ap);
	errno = err;
}

void log_fatal(enum log_subsys ss, bool with_errno, const char *fmt, ...)
{
	int err = with_errno ? errno : 0;
	va_list ap;

	va_start(ap, fmt);
	emit(ss, LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(1);
}

static unsigned long long suppressed;

unsigned long long log_suppressed(void)
{
	return __atomic_load_n(&suppressed, __ATOMIC_RELAXED);
}

bool log_ratelimit_ok(struct log_ratelimit *rl, unsigned burst, unsigned interval)
{
	struct timespec ts;

	/* Racy across threads by design: a lost update costs one message
	 * more or less, never correctness. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (ts.tv_sec - rl->window_start >= (long)interval) {
		rl->window_start = ts.tv_sec;
		rl->count = 0;
	}
	if (rl->count >= burst) {
		__atomic_add_fetch(&suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	rl->count++;
	return true;
}
