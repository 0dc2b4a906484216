/*
 * log: the logging API (after OpenSMTPD's): log_warn (appends strerror),
 * log_warnx, log_notice, log_info, log_debug, fatal, fatalx, plus a
 * rate-limited variant for the packet path. Each source file may
 * `#define LOG_SUBSYS control` (any name from LOG_SUBSYSTEMS) before
 * including this header; messages are filtered per subsystem. The caller's
 * thread-local context (call-id, tag) is prefixed by the logger.
 *
 * Other lib/ modules never log: they return errors. The daemon calls this.
 */
#ifndef RTPRELAY_LOG_H
#define RTPRELAY_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "str.h"

/* name, description: also generates --log-level-<name> options. */
#define LOG_SUBSYSTEMS(X)                                            \
	X(core, "Everything that isn't part of another subsystem")   \
	X(control, "Control protocols including SDP exchanges, CLI") \
	X(http, "HTTP, HTTPS, Websockets")                           \
	X(internals, "Noisy low-level internals")                    \
	X(rtcp, "RTCP handling")                                     \
	X(ice, "ICE negotiation")                                    \
	X(crypto, "Negotiation of SRTP, crypto suites, DTLS, SDES")  \
	X(srtp, "SRTP encryption and decryption")                    \
	X(kernel, "Kernel module and nftables interface")

enum log_subsys {
#define LOG_ENUM(n, d) LOG_SUBSYS_##n,
	LOG_SUBSYSTEMS(LOG_ENUM)
#undef LOG_ENUM
		LOG_SUBSYS_COUNT
};

extern const char *const log_subsys_names[LOG_SUBSYS_COUNT];
extern const char *const log_subsys_descriptions[LOG_SUBSYS_COUNT];
/* Syslog priorities 0 (LOG_EMERG) .. 7 (LOG_DEBUG); messages above are dropped. */
extern int log_levels[LOG_SUBSYS_COUNT];

/* to_stderr: write to stderr (with timestamps) instead of syslog. */
void log_init(const char *ident, bool to_stderr, int facility);
void log_set_all_levels(int level);

/* Thread-local context prefixed to messages ("[callid/tag] "); STR_NULL clears. */
void log_set_context(str callid, str tag);

void log_emit(enum log_subsys ss, int prio, bool with_errno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void log_fatal(enum log_subsys ss, bool with_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/*
 * Copy in to out (size bytes, NUL-terminated) with every byte that could
 * forge or garble a log line escaped as \xNN: control characters (CR, LF,
 * ESC...), DEL, and bytes that are not valid UTF-8. What does not fit is
 * cut. Returns the length written. Every message and the context pass
 * through it.
 */
size_t log_escape(const char *in, char *out, size_t size);

/* True at most burst times per interval seconds for this call site's
 * state; any thread. */
struct log_ratelimit {
	long window_start;
	unsigned count;
};
bool log_ratelimit_ok(struct log_ratelimit *rl, unsigned burst, unsigned interval);
/* Messages log_ratelimit_ok() refused since start-up, over all call sites
 * and threads (the statistics report it). */
unsigned long long log_suppressed(void);

#ifndef LOG_SUBSYS
#define LOG_SUBSYS core
#endif
#define LOG_SS_(n) LOG_SUBSYS_##n
#define LOG_SS(n) LOG_SS_(n)
/* Relaxed atomic: SIGHUP may change the levels while workers log. */
#define LOG_ENABLED(prio) \
	((prio) <= __atomic_load_n(&log_levels[LOG_SS(LOG_SUBSYS)], __ATOMIC_RELAXED))

#define log_at(prio, errno_, ...)                                                \
	do {                                                                     \
		if (LOG_ENABLED(prio))                                           \
			log_emit(LOG_SS(LOG_SUBSYS), prio, errno_, __VA_ARGS__); \
	} while (0)

#define log_warn(...) log_at(LOG_WARNING, true, __VA_ARGS__)
#define log_warnx(...) log_at(LOG_WARNING, false, __VA_ARGS__)
#define log_err(...) log_at(LOG_ERR, true, __VA_ARGS__)
#define log_errx(...) log_at(LOG_ERR, false, __VA_ARGS__)
#define log_notice(...) log_at(LOG_NOTICE, false, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, false, __VA_ARGS__)
#define log_debug(...) log_at(LOG_DEBUG, false, __VA_ARGS__)
#define fatal(...) log_fatal(LOG_SS(LOG_SUBSYS), true, __VA_ARGS__)
#define fatalx(...) log_fatal(LOG_SS(LOG_SUBSYS), false, __VA_ARGS__)

/* Packet path: at most 5 messages per 10 s per call site. */
#define log_ratelimited(prio, ...)                                              \
	do {                                                                    \
		static struct log_ratelimit rl_;                                \
		if (LOG_ENABLED(prio) && log_ratelimit_ok(&rl_, 5, 10))         \
			log_emit(LOG_SS(LOG_SUBSYS), prio, false, __VA_ARGS__); \
	} while (0)

#endif
