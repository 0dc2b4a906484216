/* SIGHUP: the configuration read off the control thread, swapped in on it. */
#define LOG_SUBSYS core
#include "reloader.h"
#include "thread_sched.h"

#include <event2/event.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>

#include "config/config.h"
#include "config/options.h"
#include "config/reload.h"
#include "log.h"
#include "rtprelay.h"

struct reloader {
	struct rtprelay *rp;
	int argc;
	char **argv;
	struct event *sighup, *done;
	pthread_t thread;
	bool reading; /* the thread runs (control thread's view) */
	bool again;   /* SIGHUP while reading: read once more */
	/* the reading's result, handed over by `done` */
	struct rtprelay_config *next;
	char *err;
};

static void warn(void *ctx, const char *msg)
{
	log_warnx("SIGHUP: %s", msg);
}

static void restart_needed(void *ctx, const char *name)
{
	log_warnx("SIGHUP: '%s' changed; it takes effect after a restart", name);
}

/* The reading thread: may block in the resolver; touches nothing shared
 * but its own result, which `done` hands to the control thread. */
static void *reading(void *arg)
{
	struct reloader *r = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the main loop's */
	thread_sched_self(THREAD_IDLE, "reload-config");
	r->next = config_new();
	if (options_parse_with(r->argc, r->argv, r->next, warn, NULL, &r->err) < 0) {
		config_put(r->next);
		r->next = NULL;
	}
	event_active(r->done, EV_READ, 0); /* thread-safe: evthread_use_pthreads */
	return NULL;
}

static void start_reading(struct reloader *r)
{
	r->again = false;
	r->reading = pthread_create(&r->thread, NULL, reading, r) == 0;
	if (!r->reading)
		log_errx("SIGHUP: cannot start the thread that reads the configuration");
}

static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct reloader *r = arg;

	if (r->reading)
		r->again = true;
	else
		start_reading(r);
}

/* Control thread: the reading is over; apply it in one step. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct reloader *r = arg;
	struct rtprelay *rp = r->rp;

	pthread_join(r->thread, NULL);
	r->reading = false;
	if (!r->next) {
		log_errx("SIGHUP: configuration not reloaded: %s", r->err);
	} else {
		const struct rtprelay_config *old = rp->cfg;
		int n = reload_prepare(old, r->next, restart_needed, NULL);

		rp->cfg = r->next;
		config_put(old);
		config_apply_log_levels(rp->cfg);
		log_notice(
			"SIGHUP: configuration reloaded from %s (%d reloadable option(s) changed)",
			rp->cfg->config_file, n);
	}
	r->next = NULL;
	g_clear_pointer(&r->err, g_free);
	if (r->again)
		start_reading(r);
}

struct reloader *reloader_start(struct rtprelay *rp, int argc, char **argv)
{
	struct reloader *r = g_new0(struct reloader, 1);

	r->rp = rp;
	r->argc = argc;
	r->argv = argv;
	r->sighup = evsignal_new(rp->base, SIGHUP, on_sighup, r);
	r->done = event_new(rp->base, -1, 0, on_done, r);
	if (!r->sighup || !r->done || evsignal_add(r->sighup, NULL) < 0) {
		log_errx("cannot handle SIGHUP");
		goto err_free;
	}
	return r;

err_free:
	if (r->sighup)
		event_free(r->sighup);
	if (r->done)
		event_free(r->done);
	g_free(r);
	return NULL;
}

void reloader_stop(struct reloader *r)
{
	if (!r)
		return;
	event_free(r->sighup);
	if (r->reading) {
		pthread_join(r->thread, NULL);
		config_put(r->next);
		g_free(r->err);
	}
	event_free(r->done);
	g_free(r);
}
