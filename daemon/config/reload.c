/* The next configuration snapshot of a running daemon (see reload.h). */
#include "config/reload.h"

#include <stddef.h>
#include <string.h>

#define FIELD(f) offsetof(struct rtprelay_config, f), sizeof(((struct rtprelay_config *)0)->f)

struct reload_field {
	const char *name;
	size_t offset, size;
};

/* Read afresh where they are used (the control thread's timers and
 * commands; endpoint-learning when a stream is set up). */
static const struct reload_field reloadable[] = {
	{ "log-level", FIELD(log_level) },
	{ "log-level-<subsystem>", FIELD(log_levels) },
	{ "timeout", FIELD(timeout) },
	{ "silent-timeout", FIELD(silent_timeout) },
	{ "final-timeout", FIELD(final_timeout) },
	{ "offer-timeout", FIELD(offer_timeout) },
	{ "delete-delay", FIELD(delete_delay) },
	{ "max-sessions", FIELD(max_sessions) },
	{ "max-call-tags", FIELD(max_call_tags) },
	{ "endpoint-learning", FIELD(endpoint_learning) },
	{ "media-max-pps", FIELD(media_max_pps) },
	{ "max-calls-per-client", FIELD(max_calls_per_client) },
	/* read by the TCP ng connections at each read */
	{ "ng-tcp-max-buffered", FIELD(ng_tcp_max_buffered_kib) },
	/* read by the HTTP listener at each connection and request */
	{ "http-max-connections", FIELD(http_max_connections) },
	{ "http-max-header-size", FIELD(http_max_header_size) },
	{ "http-max-uri-size", FIELD(http_max_uri_size) },
	{ "http-max-body-size", FIELD(http_max_body_size) },
	{ "http-timeout", FIELD(http_timeout) },
};

/* Bound sockets, threads, the log connection: fixed at start-up. */
static const struct reload_field restart_only[] = {
	{ "interface", FIELD(n_interfaces) },
	{ "interface", FIELD(interfaces) },
	{ "listen-ng", FIELD(n_listen_ng) },
	{ "listen-ng", FIELD(listen_ng) },
	{ "listen-tcp-ng", FIELD(n_listen_tcp_ng) },
	{ "listen-tcp-ng", FIELD(listen_tcp_ng) },
	{ "listen-http", FIELD(n_listen_http) },
	{ "listen-http", FIELD(listen_http) },
	{ "port-min", FIELD(port_min) },
	{ "port-max", FIELD(port_max) },
	{ "num-threads", FIELD(num_threads) },
	{ "ng-cache-max-entries", FIELD(ng_cache_max_entries) },
	{ "ng-tcp-max-connections", FIELD(ng_tcp_max_connections) },
	{ "ng-tcp-timeout", FIELD(ng_tcp_timeout) },
	{ "ng-tcp-idle-timeout", FIELD(ng_tcp_idle_timeout) },
	{ "ng-cache-max-bytes", FIELD(ng_cache_max_kib) },
	{ "table", FIELD(table) },
	{ "no-fallback", FIELD(no_fallback) },
	{ "nftables-chain", FIELD(nftables_chain) },
	{ "nftables-base-chain", FIELD(nftables_base_chain) },
	{ "nftables-append", FIELD(nftables_append) },
	{ "nftables-family", FIELD(nftables_family) },
	{ "nftables-priority", FIELD(nftables_priority) },
	{ "tos", FIELD(tos) },
	{ "memory-accounting", FIELD(memory_accounting_sites) },
	{ "shared-memory-max", FIELD(shared_memory_max) },
	{ "shared-memory-shard-size", FIELD(shared_memory_shard_kib) },
	{ "media-io", FIELD(media_io) },
	{ "media-coalesce-us", FIELD(media_coalesce_us) },
	{ "media-buffers", FIELD(media_buffers) },
	{ "media-rcvbuf", FIELD(media_rcvbuf_kib) },
	{ "log-stderr", FIELD(log_stderr) },
	{ "log-facility", FIELD(log_facility) },
	{ "foreground", FIELD(foreground) },
	{ "pidfile", FIELD(pidfile) },
};

/* Both structs start from options_defaults' memset, so padding compares
 * equal and memcmp is a value comparison. */
static bool differs(const struct rtprelay_config *a, const struct rtprelay_config *b,
		    const struct reload_field *f)
{
	return memcmp((const char *)a + f->offset, (const char *)b + f->offset, f->size) != 0;
}

int reload_prepare(const struct rtprelay_config *live, struct rtprelay_config *next,
		   reload_restart_fn restart_needed, void *ctx)
{
	const char *last = NULL;
	int changed = 0;

	for (size_t i = 0; i < sizeof(restart_only) / sizeof(restart_only[0]); i++) {
		const struct reload_field *f = &restart_only[i];

		/* One report per option, though a list has two fields. */
		if (!differs(live, next, f))
			continue;
		if (restart_needed && (!last || strcmp(f->name, last) != 0)) {
			restart_needed(ctx, f->name);
			last = f->name;
		}
		memcpy((char *)next + f->offset, (const char *)live + f->offset, f->size);
	}
	for (size_t i = 0; i < sizeof(reloadable) / sizeof(reloadable[0]); i++) {
		const struct reload_field *f = &reloadable[i];

		if (differs(live, next, f))
			changed++;
	}
	return changed;
}
