/*
 * statistics: the daemon's counters in rtpengine's shape (currentstatistics,
 * totalstatistics, controlstatistics, interfaces), so that existing
 * monitoring keeps reading the same keys; rtprelay's own additions are in
 * "controlstatistics.commands", "memory", "media io" and "log".
 */
#define LOG_SUBSYS control
#include <time.h>

#include "call/call.h"
#include "call/media.h"
#include "call/ports.h"
#include "commands/commands.h"
#include "commands/statistics.h"
#include "config/config.h"
#include "crypto/media_sdes.h"
#include "ice/agent.h"
#include "kernel/offload.h"
#include "log.h"
#include "media/worker.h"
#include "memory.h"
#include "ng/http_limits.h"
#include "ng/transport.h"
#include "rtprelay.h"
#include "stats.h"

static uint64_t load64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void add_seconds(struct arena *a, bencode_item *d, const char *key, double v)
{
	bencode_dict_set(a, d, key, bencode_new_str(a, arena_printf(a, "%.6f", v)));
}

/* Packets, bytes, errors, SRTP authentication failures and replays,
 * packets the kernel forwarded, STUN dropped and answered, of the
 * streams still alive (statistics is rare enough for a walk over every
 * call). */
static void add_live_counters(struct rtprelay *rp, uint64_t sum[8])
{
	for (GList *l = calls_list(rp->calls); l; l = l->next) {
		const struct call *call = l->data;

		for (unsigned i = 0; i < call->monologues->len; i++) {
			const struct monologue *ml = call->monologues->pdata[i];

			for (unsigned j = 0; j < ml->medias->len; j++) {
				const struct media *m = ml->medias->pdata[j];

				if (m->ice) {
					sum[6] += ice_dropped(m->ice);
					sum[7] += __atomic_load_n(&m->ice->cnt[0].answered,
								  __ATOMIC_RELAXED) +
						  __atomic_load_n(&m->ice->cnt[1].answered,
								  __ATOMIC_RELAXED);
				}
				for (int k = 0; k < 2; k++) {
					const struct rtprelay_stream_stats *ss = m->streams[k]
											 .stats;

					sum[0] += __atomic_load_n(&ss->packets, __ATOMIC_RELAXED);
					sum[1] += __atomic_load_n(&ss->bytes, __ATOMIC_RELAXED);
					sum[2] += __atomic_load_n(&ss->errors, __ATOMIC_RELAXED);
					sum[5] += __atomic_load_n(&ss->kernel_packets,
								  __ATOMIC_RELAXED);
					if (!m->sdes)
						continue;
					sum[3] += __atomic_load_n(&m->sdes->auth_failed[k],
								  __ATOMIC_RELAXED);
					sum[4] += __atomic_load_n(&m->sdes->replayed[k],
								  __ATOMIC_RELAXED);
				}
			}
		}
	}
}

void statistics_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict)
{
	const struct stats *st = rp->stats;
	unsigned sessions = calls_count(rp->calls);

	bencode_item *cur = bencode_dict_add_dict(a, dict, "currentstatistics");

	bencode_dict_add_int(a, cur, "sessionsown", sessions);
	bencode_dict_add_int(a, cur, "sessionsforeign", 0);
	bencode_dict_add_int(a, cur, "sessionstotal", sessions);
	bencode_dict_add_int(a, cur, "transcodedmedia", 0);
	bencode_dict_add_int(a, cur, "packetrate", 0);
	bencode_dict_add_int(a, cur, "byterate", 0);
	bencode_dict_add_int(a, cur, "errorrate", 0);
	uint64_t tcp_held, tcp_peak;

	ng_transport_tcp_buffered(rp, &tcp_held, &tcp_peak);
	bencode_dict_add_int(a, cur, "ngtcpbuffered", (int64_t)tcp_held);
	bencode_dict_add_int(a, cur, "ngtcpbufferedpeak", (int64_t)tcp_peak);

	bencode_item *tot = bencode_dict_add_dict(a, dict, "totalstatistics");

	bencode_dict_set(a, tot, "uptime",
			 bencode_new_str(a,
					 arena_printf(a, "%ld", (long)(time(NULL) - rp->started))));
	bencode_dict_add_int(a, tot, "managedsessions", st->calls_created);
	bencode_dict_add_int(a, tot, "rejectedsessions", st->calls_refused_max_sessions);
	bencode_dict_add_int(a, tot, "timeoutsessions", st->calls_ended[CALL_END_TIMEOUT]);
	bencode_dict_add_int(a, tot, "silenttimeoutsessions",
			     st->calls_ended[CALL_END_SILENT_TIMEOUT]);
	bencode_dict_add_int(a, tot, "finaltimeoutsessions",
			     st->calls_ended[CALL_END_FINAL_TIMEOUT]);
	bencode_dict_add_int(a, tot, "offertimeoutsessions",
			     st->calls_ended[CALL_END_OFFER_TIMEOUT]);
	bencode_dict_add_int(a, tot, "regularterminatedsessions", st->calls_ended[CALL_END_DELETE]);
	bencode_dict_add_int(a, tot, "forcedterminatedsessions",
			     st->calls_ended[CALL_END_SHUTDOWN]);
	uint64_t relayed[8] = { st->relayed_packets,  st->relayed_bytes, st->relayed_errors,
				st->srtp_auth_failed, st->srtp_replayed, st->relayed_kernel_packets,
				st->stun_dropped,     st->stun_answered };

	add_live_counters(rp, relayed);
	bencode_dict_add_int(a, tot, "relayedpackets", (int64_t)relayed[0]);
	bencode_dict_add_int(a, tot, "relayedbytes", (int64_t)relayed[1]);
	bencode_dict_add_int(a, tot, "relayedpacketerrors", (int64_t)relayed[2]);
	bencode_dict_add_int(a, tot, "relayedpackets_user", (int64_t)(relayed[0] - relayed[5]));
	bencode_dict_add_int(a, tot, "relayedpackets_kernel", (int64_t)relayed[5]);
	bencode_dict_add_int(a, tot, "srtpauthfailures", (int64_t)relayed[3]);
	bencode_dict_add_int(a, tot, "srtpreplays", (int64_t)relayed[4]);
	bencode_dict_add_int(a, tot, "stundropped", (int64_t)relayed[6]);
	bencode_dict_add_int(a, tot, "stunanswered", (int64_t)relayed[7]);
	bencode_dict_add_int(a, tot, "dtlshandshakes", (int64_t)load64(&st->dtls.handshakes));
	bencode_dict_add_int(a, tot, "dtlsfailures", (int64_t)load64(&st->dtls.failed));
	bencode_dict_add_int(a, tot, "dtlsfingerprintmismatches",
			     (int64_t)load64(&st->dtls.mismatch));
	bencode_dict_add_int(a, tot, "dtlsinvalid", (int64_t)load64(&st->dtls.invalid));
	bencode_dict_add_int(a, tot, "dtlsstrangers", (int64_t)load64(&st->dtls.strangers));
	bencode_dict_add_int(a, tot, "dtlsratelimited", (int64_t)load64(&st->dtls.limited));
	bencode_dict_add_int(a, tot, "dtlsunkeyed", (int64_t)load64(&st->dtls.unkeyed));
	bencode_dict_add_int(a, tot, "offersfailedports", st->offers_failed_ports);
	bencode_dict_add_int(a, tot, "offersfailedtags", (int64_t)st->offers_failed_tags);
	bencode_dict_add_int(a, tot, "offersfailedsockets", (int64_t)st->offers_failed_sockets);
	bencode_dict_add_int(a, tot, "offersfailedmemory", (int64_t)st->offers_failed_memory);
	bencode_dict_add_int(a, tot, "offersfailedclient", (int64_t)st->offers_failed_client);
	bencode_dict_add_int(a, tot, "ngretransmissionsgone", (int64_t)st->ng_retransmissions_gone);
	bencode_dict_add_int(a, tot, "ngrefusedcachefull", (int64_t)st->ng_refused_cache_full);
	bencode_dict_add_int(a, tot, "ngacceptpaused", (int64_t)st->ng_accept_paused);
	bencode_dict_add_int(a, tot, "ngtcptimeouts", (int64_t)st->ng_tcp_timeouts);
	bencode_dict_add_int(a, tot, "ngtcpevicted", (int64_t)st->ng_tcp_evicted);
	bencode_dict_add_int(a, tot, "ngtcpbufferevicted", (int64_t)st->ng_tcp_buffer_evicted);
	bencode_dict_add_int(a, tot, "udprepliestoolarge", (int64_t)st->udp_replies_too_large);

	bencode_item *ctl = bencode_dict_add_dict(a, dict, "controlstatistics");
	uint64_t errors = 0;

	for (size_t i = 0; i < NG_COMMAND_COUNT; i++) {
		bencode_dict_set(a, ctl,
				 arena_printf(a, "total%scount", ng_commands[i].stat_name).s,
				 bencode_new_int(a, (int64_t)st->commands[i].count));
		errors += st->commands[i].errors;
	}
	bencode_dict_add_int(a, ctl, "errorcount", (int64_t)errors);
	bencode_item *cmds = bencode_dict_add_dict(a, ctl, "commands");

	for (size_t i = 0; i < NG_COMMAND_COUNT; i++) {
		const struct stats_command *c = &st->commands[i];
		bencode_item *d = bencode_dict_add_dict(a, cmds, ng_commands[i].name);

		bencode_dict_add_int(a, d, "count", (int64_t)c->count);
		bencode_dict_add_int(a, d, "errors", (int64_t)c->errors);
		add_seconds(a, d, "duration", (double)c->usec_total / 1e6);
	}

	bencode_item *ifs = bencode_dict_add_list(a, dict, "interfaces");
	const struct rtprelay_config *cfg = rp->cfg;

	for (unsigned i = 0; i < cfg->n_interfaces; i++) {
		bencode_item *d = bencode_list_add_dict(a, ifs);

		bencode_dict_add_cstr(a, d, "name", cfg->interfaces[i].name);
		bencode_dict_add_cstr(a, d, "address", cfg->interfaces[i].local_str);
		bencode_dict_add_cstr(a, d, "advertised", cfg->interfaces[i].advertised_str);
	}
	bencode_item *ports = bencode_dict_add_dict(a, dict, "ports");

	bencode_dict_add_int(a, ports, "min", cfg->port_min);
	bencode_dict_add_int(a, ports, "max", cfg->port_max);
	bencode_dict_add_int(a, ports, "pairs", ports_capacity(rp->ports));
	bencode_dict_add_int(a, ports, "pairs_used", ports_in_use(rp->ports));
	bencode_dict_add_int(a, ports, "pairs_spare", ports_spare(rp->ports));
	bencode_dict_add_int(a, ports, "ice_other_family_failed",
			     (int64_t)rp->stats->ice_other_family_failed);
	memory_to_bencode(rp, a, bencode_dict_add_dict(a, dict, "memory"));
	bencode_item *kd = bencode_dict_add_dict(a, dict, "kernel");

	memory_kernel_to_bencode(rp, a, kd);
	offload_to_bencode(a, kd);

	bencode_item *io = bencode_dict_add_dict(a, dict, "media io");

	bencode_dict_add_cstr(a, io, "backend",
			      workers_io(rp->workers) == MEDIA_IO_URING ? "io_uring" : "epoll");
	bencode_dict_add_int(a, io, "threads", workers_count(rp->workers));
	bencode_dict_add_int(a, io, "buffer shortages",
			     (int64_t)workers_buffer_shortages(rp->workers));
	bencode_dict_add_int(a, io, "submission shortages",
			     (int64_t)workers_sqe_shortages(rp->workers));

	/* Rate-limited messages that were not written (log.h). */
	bencode_item *log = bencode_dict_add_dict(a, dict, "log");

	bencode_dict_add_int(a, log, "suppressed", (int64_t)log_suppressed());
	ng_http_stats_to_bencode(rp, a, bencode_dict_add_dict(a, dict, "http"));
}

int ng_cmd_statistics(struct ng_request *req)
{
	bencode_item *d = bencode_dict_add_dict(req->arena, req->reply, "statistics");

	statistics_to_bencode(req->rp, req->arena, d);
	return 0;
}
