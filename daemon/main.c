/*
 * rtprelay: start, run the main loop, stop, in mirrored order.
 */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <glib.h>
#include <openssl/rand.h>
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
#include "crypto/dtls_cert.h"
#include "crypto/srtp.h"
#include "kernel/offload.h"
#include "kernel/setup.h"
#include "libevent_log.h"
#include "log.h"
#include "media/worker.h"
#include "memory.h"
#include "ng/cache.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "process.h"
#include "reloader.h"
#include "rtprelay.h"
#include "stats.h"
#include "thread_sched.h"

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct rtprelay *rp = arg;

	log_notice("signal %d received, shutting down", (int)sig);
	event_base_loopbreak(rp->base);
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

/* Before the first thread: a table grown later stalls socket() (process.h). */
static void reserve_fds(const struct rtprelay_config *cfg)
{
	/* every port of the range on every interface address (both fixed
	 * until a restart), the ng TCP and HTTP connections allowed, and room
	 * for the listeners, the kernel's and the pool's */
	uint64_t want = 1024 + (uint64_t)cfg->n_listen_tcp_ng * cfg->ng_tcp_max_connections +
			(uint64_t)cfg->n_listen_http * cfg->http_max_connections;

	if (cfg->port_min <= cfg->port_max) /* else ports_new refuses the range */
		want += (uint64_t)(cfg->port_max - cfg->port_min + 1) * cfg->n_interfaces;
	want = MIN(want, 1u << 20); /* the kernel's default nr_open */
	int n = process_reserve_fds((unsigned)want);

	if (n < 0)
		log_warnx("cannot reserve %u file descriptors: %s", (unsigned)want, strerror(-n));
	else
		log_info("file descriptor table reserved for %d", n);
}

int main(int argc, char **argv)
{
	struct rtprelay_config *boot = config_new();
	const struct rtprelay_config *cfg = boot;
	struct rtprelay rp = { .cfg = config_get(boot) };
	struct stats stats = { 0 };
	struct kernel kernel = { 0 };
	struct event *sig_term, *sig_int;
	struct reloader *reloader;
	g_autofree char *err = NULL;
	int ret = 1;

	/* A reload asked for while the daemon starts (systemctl reload right
	 * after start) must not kill it: ignored until the reloader takes
	 * SIGHUP over, the configuration being read now anyway. */
	signal(SIGHUP, SIG_IGN);
	if (options_parse(argc, argv, boot, &err) < 0) {
		fprintf(stderr, "rtprelay: %s\n", err);
		goto err_put_config;
	}
	if (cfg->check_config) {
		printf("rtprelay: configuration OK\n");
		ret = 0;
		goto err_put_config;
	}
	if (cfg->nftables_start || cfg->nftables_stop || cfg->nftables_status) {
		ret = kernel_nftables_oneshot(cfg);
		goto err_put_config;
	}
	if (cfg->log_stderr)
		log_init("rtprelay", true, cfg->log_facility);
	else
		log_init("rtprelay", false, cfg->log_facility);
	config_apply_log_levels(cfg);
	libevent_log_init();
	if (thread_sched_init(cfg, &err) < 0) {
		log_errx("%s", err);
		goto err_put_config;
	}
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
	reserve_fds(cfg);
	/* Before the pool: its backing (pinned or not) is fixed at creation. */
	if (kernel_start(&kernel, cfg) < 0)
		goto err_free_base;
	if (memory_start(&rp, &kernel) < 0)
		goto err_stop_kernel;
	if (srtp_dir_library_init() || RAND_status() != 1)
		fatalx("cannot initialise SRTP (libsrtp2) or the random number generator");
	rp.dtls = dtls_cert_new(cfg, &err);
	if (!rp.dtls)
		fatalx("DTLS: %s", err);
	rp.workers = workers_start(cfg->num_threads, (enum media_io_kind)cfg->media_io,
				   cfg->media_coalesce_us, cfg->media_buffers);
	rp.ports = ports_new(cfg, rp.workers);
	if (!rp.ports) {
		log_errx("invalid port range %u..%u", cfg->port_min, cfg->port_max);
		goto err_stop_workers;
	}
	rp.calls = calls_new(&rp);
	offload_start(&rp, &kernel);
	rp.ng_cache = ng_cache_new_limits(cfg->ng_cache_max_entries,
					  (size_t)cfg->ng_cache_max_kib << 10,
					  (int64_t)NG_CACHE_SECONDS * G_USEC_PER_SEC);
	if (ng_transport_start(&rp) < 0)
		goto err_free_calls;

	sig_term = evsignal_new(rp.base, SIGTERM, on_stop_signal, &rp);
	sig_int = evsignal_new(rp.base, SIGINT, on_stop_signal, &rp);
	evsignal_add(sig_term, NULL);
	evsignal_add(sig_int, NULL);
	reloader = reloader_start(&rp, argc, argv);

	log_notice("rtprelay %s ready: %u interface(s), ports %u-%u", RTPRELAY_VERSION,
		   cfg->n_interfaces, cfg->port_min, cfg->port_max);
	process_notify("READY=1");
	process_daemonize_done(0);
	event_base_dispatch(rp.base);
	process_notify("STOPPING=1");
	ret = 0;

	reloader_stop(reloader);
	event_free(sig_int);
	event_free(sig_term);
	ng_transport_stop(&rp);
err_free_calls:
	ng_cache_free(rp.ng_cache);
	calls_free(rp.calls);
	ports_free(rp.ports);
err_stop_workers:
	workers_stop(rp.workers);
	offload_stop();
	dtls_cert_free(rp.dtls);
	memory_stop(&rp);
err_stop_kernel:
	kernel_stop(&kernel);
err_free_base:
	event_base_free(rp.base);
	process_pidfile_remove(cfg->pidfile);
	log_notice("rtprelay stopped");
err_put_config:
	config_put(rp.cfg);
	config_put(cfg);
	return ret;
}
