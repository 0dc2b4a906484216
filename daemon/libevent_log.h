/*
 * libevent_log: libevent's own messages (event_warn and friends, e.g. its
 * "Error from accept() call" on a listener without an error callback)
 * through our logger, rate-limited, instead of straight to stderr.
 */
#ifndef RTPRELAY_LIBEVENT_LOG_H
#define RTPRELAY_LIBEVENT_LOG_H

/* Install the callback. Call once after log_init() and before the first
 * event base is created (main.c). Any thread may log through it after. */
void libevent_log_init(void);

#endif
