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
	char raw[sizeof(context)];

	if (str_is_null(tag))
		snprintf(raw, sizeof(raw), "[%.*s] ", STR_FMT(callid));
	else
		snprintf(raw, sizeof(raw), "[%.*s/%.*s] ", STR_FMT(callid), STR_FMT(tag));
	log_escape(raw, context, sizeof(context));
}

static const char *prio_name(int prio)
{
	static const char *const names[] = { "EMERG",   "ALERT",  "CRIT", "ERR",
					     "WARNING", "NOTICE", "INFO", "DEBUG" };
	return prio >= 0 && prio <= 7 ? names[prio] : "?";
}

/* Length of the valid UTF-8 sequence of two or more bytes at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned min, cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates and beyond U+10FFFF are invalid */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t log_escape(const char *in, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t len = strlen(in), o = 0;

	if (!size)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t n = s[i] >= 0x80 ? utf8_seq(s + i, len - i) : 0;

		if (n) {
			if (o + n >= size)
				break;
			memcpy(out + o, s + i, n);
			o += n, i += n;
		} else if (s[i] < 0x20 || s[i] == 0x7f || s[i] >= 0x80) {
			if (o + 4 >= size)
				break;
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4, i++;
		} else {
			if (o + 1 >= size)
				break;
			out[o++] = (char)s[i++];
		}
	}
	out[o] = '\0';
	return o;
}

static void emit(enum log_subsys ss, int prio, int err, const char *fmt, va_list ap)
{
	char raw[1024], msg[1024];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);

	if (err && n >= 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - (size_t)n, ": %s", strerror(err));
	/* Values from the network end up in messages (and in the context):
	 * one line per message, whatever they hold. */
	log_escape(raw, msg, sizeof(msg));
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

	/* Shared by the threads that pass the call site: every access is
	 * atomic. Two threads opening a window at once may let a message
	 * or two more through; none is ever counted twice. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	long start = __atomic_load_n(&rl->window_start, __ATOMIC_RELAXED);

	if (ts.tv_sec - start >= (long)interval &&
	    __atomic_compare_exchange_n(&rl->window_start, &start, ts.tv_sec, false,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		__atomic_store_n(&rl->count, 0, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&rl->count, 1, __ATOMIC_RELAXED) >= burst) {
		__atomic_add_fetch(&suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}
