/*
 * metrics: the statistics dictionary as Prometheus text. See metrics.h.
 *
 * The walk over the daemon's state is statistics_to_bencode's; this file
 * only looks values up in the dictionary it built. Each table entry names
 * a path of dictionary keys; a "*" step takes every key of that
 * dictionary and puts it into the entry's label. Entries of one metric are
 * adjacent, so HELP and TYPE are written once, before its first sample.
 */
#include "ng/metrics.h"

#include <stdlib.h>
#include <string.h>

enum metric_type { COUNTER, GAUGE };

struct metric {
	const char *path; /* keys separated by '/'; "*": every key, as label */
	const char *name;
	enum metric_type type;
	const char *label; /* `name="value"`, or the name of the "*" label */
	const char *help;
};

/* clang-format off */
static const struct metric metrics[] = {
	{ "currentstatistics/sessionsown", "rtprelay_sessions", GAUGE, "type=\"own\"",
	  "Calls in the call registry" },
	{ "currentstatistics/sessionsforeign", "rtprelay_sessions", GAUGE, "type=\"foreign\"", NULL },
	{ "currentstatistics/ngtcpbuffered", "rtprelay_ng_tcp_buffered_bytes", GAUGE, NULL,
	  "Input held by the TCP ng connections (ng-tcp-max-buffered bounds it)" },
	{ "currentstatistics/ngtcpbufferedpeak", "rtprelay_ng_tcp_buffered_peak_bytes", GAUGE, NULL,
	  "The most input the TCP ng connections held at once" },
	{ "totalstatistics/uptime", "rtprelay_uptime_seconds", GAUGE, NULL,
	  "Seconds since the daemon started" },
	{ "totalstatistics/managedsessions", "rtprelay_sessions_created_total", COUNTER, NULL,
	  "Calls created" },
	{ "totalstatistics/rejectedsessions", "rtprelay_sessions_rejected_total", COUNTER, NULL,
	  "Calls refused at max-sessions" },
	{ "totalstatistics/regularterminatedsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"delete\"", "Calls ended, by reason" },
	{ "totalstatistics/forcedterminatedsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"shutdown\"", NULL },
	{ "totalstatistics/timeoutsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"timeout\"", NULL },
	{ "totalstatistics/silenttimeoutsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"silent-timeout\"", NULL },
	{ "totalstatistics/offertimeoutsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"offer-timeout\"", NULL },
	{ "totalstatistics/finaltimeoutsessions", "rtprelay_sessions_ended_total", COUNTER,
	  "reason=\"final-timeout\"", NULL },
	{ "totalstatistics/relayedpackets", "rtprelay_relayed_packets_total", COUNTER, NULL,
	  "Media packets relayed" },
	{ "totalstatistics/relayedbytes", "rtprelay_relayed_bytes_total", COUNTER, NULL,
	  "Media bytes relayed" },
	{ "totalstatistics/relayedpacketerrors", "rtprelay_relayed_packet_errors_total", COUNTER,
	  NULL, "Media packets that could not be relayed" },
	{ "totalstatistics/offersfailedports", "rtprelay_offers_failed_ports_total", COUNTER, NULL,
	  "Offers refused for want of ports" },
	{ "totalstatistics/offersfailedmemory", "rtprelay_offers_failed_memory_total", COUNTER, NULL,
	  "Offers refused for want of shared memory (shared-memory-max)" },
	{ "totalstatistics/offersfailedsockets", "rtprelay_offers_failed_sockets_total", COUNTER,
	  NULL, "Offers refused: no descriptor for a media socket" },
	{ "totalstatistics/offersfailedtags", "rtprelay_offers_failed_tags_total", COUNTER, NULL,
	  "Offers refused: the call has max-call-tags parties" },
	{ "totalstatistics/offersfailedclient", "rtprelay_offers_failed_client_total", COUNTER,
	  NULL, "Offers refused: the ng client has max-calls-per-client calls" },
	{ "totalstatistics/srtpauthfailures", "rtprelay_srtp_auth_failures_total", COUNTER, NULL,
	  "SRTP/SRTCP packets dropped: authentication failed" },
	{ "totalstatistics/srtpreplays", "rtprelay_srtp_replays_total", COUNTER, NULL,
	  "SRTP/SRTCP packets dropped: replayed" },
	{ "totalstatistics/dtlshandshakes", "rtprelay_dtls_handshakes_total", COUNTER, NULL,
	  "DTLS-SRTP handshakes completed" },
	{ "totalstatistics/dtlsfailures", "rtprelay_dtls_failures_total", COUNTER, NULL,
	  "DTLS-SRTP handshakes that failed" },
	{ "totalstatistics/dtlsfingerprintmismatches", "rtprelay_dtls_fingerprint_mismatches_total",
	  COUNTER, NULL, "DTLS peers whose certificate was not their a=fingerprint" },
	{ "totalstatistics/dtlsinvalid", "rtprelay_dtls_invalid_total", COUNTER, NULL,
	  "DTLS datagrams dropped: malformed or out of place" },
	{ "totalstatistics/dtlsstrangers", "rtprelay_dtls_strangers_total", COUNTER, NULL,
	  "DTLS datagrams dropped: not from the party" },
	{ "totalstatistics/dtlsratelimited", "rtprelay_dtls_rate_limited_total", COUNTER, NULL,
	  "ClientHellos dropped: over one new handshake a second" },
	{ "totalstatistics/dtlsunkeyed", "rtprelay_dtls_unkeyed_total", COUNTER, NULL,
	  "Media dropped: DTLS-SRTP keys not there yet" },
	{ "totalstatistics/udprepliestoolarge", "rtprelay_ng_udp_replies_too_large_total", COUNTER,
	  NULL, "ng replies too large for UDP, answered with an error" },
	{ "totalstatistics/ngretransmissionsgone", "rtprelay_ng_retransmissions_gone_total",
	  COUNTER, NULL, "ng retransmissions whose reply was no longer cached (not executed)" },
	{ "totalstatistics/ngrefusedcachefull", "rtprelay_ng_refused_cache_full_total", COUNTER,
	  NULL, "ng requests refused: the retransmission cache was full" },
	{ "totalstatistics/ngacceptpaused", "rtprelay_ng_tcp_accept_pauses_total", COUNTER, NULL,
	  "TCP ng listener pauses for want of descriptors" },
	{ "totalstatistics/ngtcptimeouts", "rtprelay_ng_tcp_timeouts_total", COUNTER, NULL,
	  "TCP ng connections closed by a timeout" },
	{ "totalstatistics/ngtcpevicted", "rtprelay_ng_tcp_evicted_total", COUNTER, NULL,
	  "TCP ng connections closed to make room (ng-tcp-max-connections)" },
	{ "totalstatistics/ngtcpbufferevicted", "rtprelay_ng_tcp_buffer_evicted_total", COUNTER,
	  NULL, "TCP ng connections closed at ng-tcp-max-buffered" },
	{ "controlstatistics/commands/*/count", "rtprelay_commands_total", COUNTER, "command",
	  "ng commands received, by command" },
	{ "controlstatistics/commands/*/errors", "rtprelay_command_errors_total", COUNTER,
	  "command", "ng commands answered with an error, by command" },
	{ "controlstatistics/commands/*/duration", "rtprelay_command_duration_seconds_total",
	  COUNTER, "command", "Time spent executing ng commands, by command" },
	{ "ports/pairs", "rtprelay_port_pairs", GAUGE, NULL, "Media port pairs in the range" },
	{ "ports/pairs_used", "rtprelay_port_pairs_used", GAUGE, NULL, "Media port pairs in use" },
	{ "ports/ice_other_family_failed", "rtprelay_ice_other_family_failed_total", COUNTER, NULL,
	  "ICE candidates on the interface's other address left out: no port pair free there" },
	{ "memory/total", "rtprelay_memory_total_bytes", GAUGE, NULL,
	  "Shared memory: bytes in shards" },
	{ "memory/used", "rtprelay_memory_used_bytes", GAUGE, NULL,
	  "Shared memory: bytes allocated" },
	{ "memory/real_used", "rtprelay_memory_real_used_bytes", GAUGE, NULL,
	  "Shared memory: bytes allocated with their size-class rounding" },
	{ "memory/free", "rtprelay_memory_free_bytes", GAUGE, NULL, "Shared memory: bytes free" },
	{ "memory/max_used", "rtprelay_memory_max_used_bytes", GAUGE, NULL,
	  "Shared memory: highest bytes allocated" },
	{ "memory/fragments", "rtprelay_memory_fragments", GAUGE, NULL,
	  "Shared memory: free fragments" },
	{ "memory/live_objects", "rtprelay_memory_live_objects", GAUGE, NULL,
	  "Shared memory: objects allocated" },
	{ "memory/quarantined_objects", "rtprelay_memory_quarantined_objects", GAUGE, NULL,
	  "Shared memory: freed objects waiting for the kernel" },
	{ "memory/shards", "rtprelay_memory_shards", GAUGE, NULL, "Shared memory: shards" },
	{ "memory/shards_pinned", "rtprelay_memory_shards_pinned", GAUGE, NULL,
	  "Shared memory: shards pinned for the kernel" },
	{ "memory/pinned_bytes", "rtprelay_memory_pinned_bytes", GAUGE, NULL,
	  "Shared memory: bytes pinned for the kernel" },
	{ "memory/allocs", "rtprelay_memory_allocs_total", COUNTER, NULL,
	  "Shared memory: allocations" },
	{ "memory/frees", "rtprelay_memory_frees_total", COUNTER, NULL, "Shared memory: frees" },
	{ "memory/alloc_failures", "rtprelay_memory_alloc_failures_total", COUNTER, NULL,
	  "Shared memory: allocations that failed" },
	{ "media io/threads", "rtprelay_media_threads", GAUGE, NULL, "Media worker threads" },
	{ "media io/buffer shortages", "rtprelay_media_buffer_shortages_total", COUNTER, NULL,
	  "Media receive buffer shortages" },
	{ "media io/submission shortages", "rtprelay_media_submission_shortages_total", COUNTER,
	  NULL, "io_uring submission entries that could not be had" },
	{ "log/suppressed", "rtprelay_log_suppressed_total", COUNTER, NULL,
	  "Rate-limited log messages not written" },
	{ "http/connections", "rtprelay_http_connections_total", COUNTER, NULL,
	  "HTTP connections accepted" },
	{ "http/connections_open", "rtprelay_http_connections_open", GAUGE, NULL,
	  "HTTP connections open" },
	{ "http/requests", "rtprelay_http_requests_total", COUNTER, NULL,
	  "HTTP requests answered" },
	{ "http/bad_requests", "rtprelay_http_bad_requests_total", COUNTER, NULL,
	  "HTTP requests refused as malformed" },
	{ "http/limited/*", "rtprelay_http_limited_total", COUNTER, "limit",
	  "HTTP requests and connections refused at a limit, by its option" },
	{ "http/accept_pauses", "rtprelay_http_accept_pauses_total", COUNTER, NULL,
	  "HTTP listener pauses after accept() failed (descriptors exhausted)" },
};
/* clang-format on */

/* A sample value: an integer, or a string that holds a number ("uptime",
 * "duration" are strings in rtpengine's dictionary). */
static bool sample_value(const bencode_item *v, GString *out)
{
	if (v->type == BENCODE_INT) {
		g_string_append_printf(out, "%lld", (long long)v->num);
		return true;
	}
	if (v->type != BENCODE_STRING || !v->str.len || v->str.len > 64)
		return false;
	char buf[65], *end;

	memcpy(buf, v->str.s, v->str.len);
	buf[v->str.len] = '\0';
	strtod(buf, &end);
	if (*end)
		return false;
	g_string_append(out, buf);
	return true;
}

/* A label value with \, " and line ends escaped, as the format wants. */
static void append_label_value(GString *out, str v)
{
	for (size_t i = 0; i < v.len; i++) {
		char c = v.s[i];

		if (c == '\\' || c == '"')
			g_string_append_c(out, '\\');
		if (c == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, c);
	}
}

static void write_sample(const struct metric *m, const str *key, const bencode_item *v,
			 GString *out)
{
	gsize mark = out->len;

	g_string_append(out, m->name);
	if (key) {
		g_string_append_printf(out, "{%s=\"", m->label);
		append_label_value(out, *key);
		g_string_append(out, "\"}");
	} else if (m->label) {
		g_string_append_printf(out, "{%s}", m->label);
	}
	g_string_append_c(out, ' ');
	if (!sample_value(v, out))
		g_string_truncate(out, mark);
	else
		g_string_append_c(out, '\n');
}

/* Follow path from d; at a "*" step, every key: write a sample for each
 * value found. */
static void walk(const struct metric *m, const bencode_item *d, const char *path, const str *key,
		 GString *out)
{
	const char *slash = strchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : strlen(path);

	if (!d || d->type != BENCODE_DICT)
		return;
	if (n == 1 && path[0] == '*') {
		bencode_dict_foreach(d, k, v) {
			if (slash)
				walk(m, v, slash + 1, &k->str, out);
			else
				write_sample(m, &k->str, v, out);
		}
		return;
	}
	char step[64];

	if (n >= sizeof(step))
		return;
	memcpy(step, path, n);
	step[n] = '\0';
	const bencode_item *v = bencode_dict_get(d, step);

	if (!v)
		return;
	if (slash)
		walk(m, v, slash + 1, key, out);
	else
		write_sample(m, key, v, out);
}

void metrics_prometheus(const bencode_item *stats, GString *out)
{
	const char *last = "";

	for (size_t i = 0; i < G_N_ELEMENTS(metrics); i++) {
		const struct metric *m = &metrics[i];

		if (strcmp(m->name, last) != 0) {
			g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name,
					       m->help ? m->help : "", m->name,
					       m->type == COUNTER ? "counter" : "gauge");
			last = m->name;
		}
		walk(m, stats, m->path, NULL, out);
	}
}
