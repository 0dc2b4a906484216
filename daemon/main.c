/*
 * rtprelay: start, run the main loop, stop, in mirrored order.
 */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "call/call.h"
#include "call/ports.h"
#include "config/config.h"
#include "config/options.h"
#include "config/reload.h"
#include "log.h"
#include "media/worker.h"
#include "memory.h"
#include "ng/cache.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "process.h"
#include "rtprelay.h"
#include "stats.h"

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct rtprelay *rp = arg;

	log_notice("signal %d received, shutting down", (int)sig);
	event_base_loopbreak(rp->base);
}

/* The command line, parsed again with the config file on SIGHUP. */
static int saved_argc;
static char **saved_argv;

static void apply_log_levels(const struct rtprelay_config *cfg);

static void reload_warn(void *ctx, const char *msg)
{
	log_warnx("%s", msg);
}

static void reload_restart_needed(void *ctx, const char *name)
{
	log_warnx("SIGHUP: '%s' changed; it takes effect after a restart", name);
}

/*
 * Reload (reload.h): a new snapshot replaces rp->cfg; the old one goes when
 * its last holder lets go. A config that does not parse changes nothing.
 */
static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct rtprelay *rp = arg;
	struct rtprelay_config *next = config_new();
	const struct rtprelay_config *old = rp->cfg;
	g_autofree char *err = NULL;
	int n;

	if (options_parse_with(saved_argc, saved_argv, next, reload_warn, NULL, &err) < 0) {
		log_errx("SIGHUP: configuration not reloaded: %s", err);
		config_put(next);
		return;
	}
	n = reload_prepare(old, next, reload_restart_needed, NULL);
	rp->cfg = next;
	config_put(old);
	apply_log_levels(rp->cfg);
	log_notice("SIGHUP: configuration reloaded from %s (%d reloadable option(s) changed)",
		   rp->cfg->config_file, n);
}

/* Every call holds sockets: allow as many as the hard limit does. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise the open file limit");
	}
}

static void apply_log_levels(const struct rtprelay_config *cfg)
{
	log_set_all_levels(cfg->log_level);
	for (int i = 0; i < LOG_SUBSYS_COUNT && i < (int)G_N_ELEMENTS(cfg->log_levels); i++)
		if (cfg->log_levels[i] >= 0)
			__atomic_store_n(&log_levels[i], cfg->log_levels[i], __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	struct rtprelay_config *boot = config_new();
	const struct rtprelay_config *cfg = boot;
	struct rtprelay rp = { .cfg = config_get(boot) };
	struct stats stats = { 0 };
	struct event *sig_term, *sig_int, *sig_hup;
	g_autofree char *err = NULL;
	int ret = 1;

	saved_argc = argc;
	saved_argv = argv;
	if (options_parse(argc, argv, boot, &err) < 0) {
		fprintf(stderr, "rtprelay: %s\n", err);
		goto err_put_config;
	}
	if (cfg->check_config) {
		printf("rtprelay: configuration OK\n");
		ret = 0;
		goto err_put_config;
	}
	if (cfg->log_stderr)
		log_init("rtprelay", true, cfg->log_facility);
	else
		log_init("rtprelay", false, cfg->log_facility);
	apply_log_levels(cfg);
	signal(SIGPIPE, SIG_IGN);

	if (!cfg->foreground && process_daemonize() < 0)
		fatal("cannot daemonize");
	if (cfg->pidfile[0] && process_pidfile_write(cfg->pidfile) < 0)
		fatal("cannot write pidfile %s", cfg->pidfile);

	rp.started = time(NULL);
	rp.stats = &stats;
	/* Media sockets are added to the workers' bases from this thread. */
	if (evthread_use_pthreads() < 0)
		fatalx("libevent without thread support");
	rp.base = event_base_new();
	if (!rp.base)
		fatalx("cannot create the event base");
	raise_nofile();
	if (memory_start(&rp) < 0)
		goto err_free_base;
	rp.workers = workers_start(cfg->num_threads, (enum media_io_kind)cfg->media_io,
				   cfg->media_coalesce_us, cfg->media_buffers);
	rp.ports = ports_new(cfg, rp.workers);
	if (!rp.ports) {
		log_errx("invalid port range %u..%u", cfg->port_min, cfg->port_max);
		goto err_stop_workers;
	}
	rp.calls = calls_new(&rp);
	rp.ng_cache = ng_cache_new_limits(cfg->ng_cache_max_entries,
					  (size_t)cfg->ng_cache_max_kib << 10,
					  (int64_t)NG_CACHE_SECONDS * G_USEC_PER_SEC);
	if (ng_transport_start(&rp) < 0)
		goto err_free_calls;

	sig_term = evsignal_new(rp.base, SIGTERM, on_stop_signal, &rp);
	sig_int = evsignal_new(rp.base, SIGINT, on_stop_signal, &rp);
	sig_hup = evsignal_new(rp.base, SIGHUP, on_hup, &rp);
	evsignal_add(sig_term, NULL);
	evsignal_add(sig_int, NULL);
	evsignal_add(sig_hup, NULL);

	log_notice("rtprelay %s ready: %u interface(s), ports %u-%u", RTPRELAY_VERSION,
		   cfg->n_interfaces, cfg->port_min, cfg->port_max);
	process_notify("READY=1");
	process_daemonize_done(0);
	event_base_dispatch(rp.base);
	process_notify("STOPPING=1");
	ret = 0;

	event_free(sig_hup);
	event_free(sig_int);
	event_free(sig_term);
	ng_transport_stop(&rp);
err_free_calls:
	ng_cache_free(rp.ng_cache);
	calls_free(rp.calls);
	ports_free(rp.ports);
err_stop_workers:
	workers_stop(rp.workers);
	memory_stop(&rp);
err_free_base:
	event_base_free(rp.base);
	process_pidfile_remove(cfg->pidfile);
	log_notice("rtprelay stopped");
err_put_config:
	config_put(rp.cfg);
	config_put(cfg);
	return ret;
}
