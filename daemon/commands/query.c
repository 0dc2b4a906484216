/*
 * query and list, and the call report that query and delete return. The
 * report follows rtpengine's shape (created, last signal, tags -> medias ->
 * streams, totals) so that existing tooling keeps working.
 */
#define LOG_SUBSYS control
#include <arpa/inet.h>
#include <pthread.h>

#include "call/call.h"
#include "call/media.h"
#include "clock.h"
#include "commands/query.h"
#include "config/config.h"
#include "crypto/dtls.h"
#include "crypto/media_sdes.h"
#include "ice/agent.h"
#include "ice/ice_query.h"
#include "kernel/offload.h"
#include "ng/ng.h"
#include "rtprelay.h"
#include "sockaddr.h"

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void endpoint_to_bencode(struct arena *a, bencode_item *d, const char *key,
				const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		port = ntohs(sin6->sin6_port);
	} else {
		return;
	}
	bencode_item *e = bencode_dict_add_dict(a, d, key);

	bencode_dict_add_cstr(a, e, "family", sockaddr_family_name(ss->ss_family));
	bencode_dict_add_cstr(a, e, "address", buf);
	bencode_dict_add_int(a, e, "port", port);
}

/* The party's DTLS-SRTP: state, role, counters (dtls.h). */
static void dtls_to_bencode(struct arena *a, bencode_item *d, bencode_item *flags,
			    const struct media_dtls *dt)
{
	bencode_item *x = bencode_dict_add_dict(a, d, "DTLS");

	bencode_list_add_cstr(a, flags, "DTLS");
	bencode_dict_add_cstr(a, x, "state", dtls_state_name(dt->c[0].state));
	if (dt->c[1].ssl)
		bencode_dict_add_cstr(a, x, "RTCP state", dtls_state_name(dt->c[1].state));
	bencode_dict_add_cstr(a, x, "role", dt->active ? "active" : "passive");
	if (dt->c[0].suite)
		bencode_dict_add_cstr(a, x, "crypto suite", dt->c[0].suite);
	bencode_dict_add_int(a, x, "handshakes", (int64_t)load(&dt->n.handshakes));
	bencode_dict_add_int(a, x, "failed", (int64_t)load(&dt->n.failed));
	bencode_dict_add_int(a, x, "fingerprint mismatch", (int64_t)load(&dt->n.mismatch));
	bencode_dict_add_int(a, x, "invalid", (int64_t)load(&dt->n.invalid));
	bencode_dict_add_int(a, x, "strangers", (int64_t)load(&dt->n.strangers));
	bencode_dict_add_int(a, x, "rate limited", (int64_t)load(&dt->n.limited));
	bencode_dict_add_int(a, x, "unkeyed", (int64_t)load(&dt->n.unkeyed));
	bencode_dict_add_int(a, x, "SRTP auth", (int64_t)load(&dt->n.auth_failed));
}

static void stream_to_bencode(struct arena *a, bencode_item *list, const struct stream *st)
{
	const struct media *m = st->media;
	bencode_item *d = bencode_list_add_dict(a, list);

	if (m->ports.intf) {
		bencode_dict_add_int(a, d, "local port", st->local_port);
		bencode_dict_add_cstr(a, d, "local address", m->ports.intf->local_str);
		bencode_dict_add_cstr(a, d, "family", sockaddr_family_name(m->ports.intf->family));
	}
	endpoint_to_bencode(a, d, "endpoint", &st->endpoint);
	endpoint_to_bencode(a, d, "advertised endpoint", &st->advertised);
	bencode_item *flags = bencode_dict_add_list(a, d, "flags");

	bencode_list_add_cstr(a, flags, st->kind == STREAM_RTP ? "RTP" : "RTCP");
	if (m->have_sdp)
		bencode_list_add_cstr(a, flags, "filled");
	/* SRTP rtprelay terminates toward this party */
	const struct media_sdes *sd = m->sdes && m->sdes->active ? m->sdes : NULL;

	if (sd) {
		bencode_list_add_cstr(a, flags, "SRTP");
		bencode_dict_add_cstr(a, d, "crypto suite", sd->remote.suite->name);
	}
	if (m->dtls && m->dtls->in_use) {
		/* rtpengine's spelling too: the suite, and the flag once the
		 * peer's certificate matched its fingerprint (handshake done) */
		const struct dtls_conn
			*c = &m->dtls->c[st->kind == STREAM_RTCP && m->dtls->c[1].ssl];

		if (c->state == DTLS_CONNECTED)
			bencode_list_add_cstr(a, flags, "DTLS fingerprint verified");
		if (c->suite && !sd)
			bencode_dict_add_cstr(a, d, "crypto suite", c->suite);
		dtls_to_bencode(a, d, flags, m->dtls);
	}
	offload_stream_to_bencode(a, d, flags, st);
	const struct rtprelay_stream_stats *ss = st->stats;
	int64_t last = (int64_t)load(&ss->last_packet_us);

	if (last)
		bencode_dict_add_int(a, d, "last packet",
				     (clock_wall_us() - (clock_mono_us() - last)) / 1000000);
	bencode_item *stats = bencode_dict_add_dict(a, d, "stats");

	bencode_dict_add_int(a, stats, "packets", (int64_t)load(&ss->packets));
	bencode_dict_add_int(a, stats, "bytes", (int64_t)load(&ss->bytes));
	bencode_dict_add_int(a, stats, "errors", (int64_t)load(&ss->errors));
	bencode_item *drops = bencode_dict_add_dict(a, d, "dropped");

	bencode_dict_add_int(a, drops, "invalid", (int64_t)load(&ss->dropped_invalid));
	bencode_dict_add_int(a, drops, "source", (int64_t)load(&ss->dropped_source));
	bencode_dict_add_int(a, drops, "no peer", (int64_t)load(&ss->dropped_no_peer));
	bencode_dict_add_int(a, drops, "blocked", (int64_t)load(&ss->dropped_blocked));
	bencode_dict_add_int(a, drops, "rate", (int64_t)load(&st->dropped_rate));
	if (sd) {
		bencode_dict_add_int(a, drops, "SRTP auth",
				     (int64_t)load(&sd->auth_failed[st->kind]));
		bencode_dict_add_int(a, drops, "SRTP replay",
				     (int64_t)load(&sd->replayed[st->kind]));
	}
	if (m->ice)
		ice_query(a, d, m->ice, st->kind);
	bencode_item *ssrcs = bencode_dict_add_list(a, d, "SSRCs");

	for (int i = 0; i < RTPRELAY_STATS_SSRCS; i++) {
		uint32_t n = __atomic_load_n(&ss->ssrc[i].packets, __ATOMIC_RELAXED);

		if (!n)
			continue;
		bencode_item *e = bencode_list_add_dict(a, ssrcs);

		bencode_dict_add_int(a, e, "SSRC",
				     __atomic_load_n(&ss->ssrc[i].ssrc, __ATOMIC_RELAXED));
		bencode_dict_add_int(a, e, "packets", n);
		bencode_dict_add_int(a, e, "last seq",
				     __atomic_load_n(&ss->ssrc[i].last_seq, __ATOMIC_RELAXED));
	}
	bencode_item *pts = bencode_dict_add_list(a, d, "payload types");

	for (int i = 0; i < RTPRELAY_STATS_PTS; i++) {
		uint32_t n = __atomic_load_n(&ss->pt[i].packets, __ATOMIC_RELAXED);

		if (!n)
			continue;
		bencode_item *e = bencode_list_add_dict(a, pts);

		bencode_dict_add_int(a, e, "payload type",
				     __atomic_load_n(&ss->pt[i].payload_type, __ATOMIC_RELAXED));
		bencode_dict_add_int(a, e, "packets", n);
	}
}

/*
 * The key of a party in "tags": its tag; parties not tagged yet (branches
 * before their answer) are "<untagged N>" as rtpengine names them. Never a
 * key already there (a strict decoder refuses repeated keys, and a from-tag
 * may be any string).
 */
static const char *tag_key(struct arena *a, const bencode_item *tags, const struct monologue *ml,
			   unsigned *untagged)
{
	const char *key = ml->tag;

	while (!key || bencode_dict_get(tags, key))
		key = arena_printf(a, "<untagged %u>", ++*untagged).s;
	return key;
}

static void monologue_to_bencode(struct arena *a, bencode_item *tags, const struct monologue *ml,
				 unsigned *untagged)
{
	bencode_item *d = bencode_dict_add_dict(a, tags, tag_key(a, tags, ml, untagged));

	bencode_dict_add_cstr(a, d, "tag", ml->tag ? ml->tag : "");
	if (ml->via_branch)
		bencode_dict_add_cstr(a, d, "via-branch", ml->via_branch);
	if (ml->label)
		bencode_dict_add_cstr(a, d, "label", ml->label);
	bencode_dict_add_int(a, d, "created", ml->created_us / 1000000);
	if (ml->delete_at_us)
		bencode_dict_add_int(a, d, "deleting in ms",
				     (ml->delete_at_us - clock_mono_us()) / 1000 > 0
					     ? (ml->delete_at_us - clock_mono_us()) / 1000
					     : 0);
	if (ml->peer && ml->peer->tag)
		bencode_dict_add_cstr(a, d, "in dialogue with", ml->peer->tag);
	if (ml->block_media)
		bencode_dict_add_int(a, d, "media blocked", 1);
	if (ml->silence_media)
		bencode_dict_add_int(a, d, "media silenced", 1);
	bencode_item *medias = bencode_dict_add_list(a, d, "medias");

	for (unsigned i = 0; i < ml->medias->len; i++) {
		const struct media *m = ml->medias->pdata[i];
		bencode_item *md = bencode_list_add_dict(a, medias);

		bencode_dict_add_int(a, md, "index", m->index);
		bencode_dict_add_cstr(a, md, "type", m->type ? m->type : "");
		bencode_dict_add_cstr(a, md, "protocol", m->protocol ? m->protocol : "");
		bencode_item *streams = bencode_dict_add_list(a, md, "streams");

		stream_to_bencode(a, streams, &m->streams[STREAM_RTP]);
		stream_to_bencode(a, streams, &m->streams[STREAM_RTCP]);
		bencode_item *flags = bencode_dict_add_list(a, md, "flags");

		if (m->have_sdp)
			bencode_list_add_cstr(a, flags, "initialized");
		if (m->send)
			bencode_list_add_cstr(a, flags, "send");
		if (m->recv)
			bencode_list_add_cstr(a, flags, "recv");
		if (m->rtcp_mux)
			bencode_list_add_cstr(a, flags, "rtcp-mux");
		if (m->rejected)
			bencode_list_add_cstr(a, flags, "rejected");
		if (m->hold)
			bencode_list_add_cstr(a, flags, "hold");
		if (m->strict_source)
			bencode_list_add_cstr(a, flags, "strict source");
		if (m->asymmetric)
			bencode_list_add_cstr(a, flags, "asymmetric");
		/* rtpengine 10.5's media flags for ICE and DTLS */
		if (m->ice) {
			bencode_list_add_cstr(a, flags, "ICE");
			if (m->ice->controlling)
				bencode_list_add_cstr(a, flags, "ICE controlling");
		}
		if (m->dtls && m->dtls->in_use) {
			bencode_list_add_cstr(a, flags, "DTLS-SRTP");
			bencode_list_add_cstr(a, flags,
					      m->dtls->active ? "DTLS role active"
							      : "DTLS role passive");
		}
	}
}

void query_call_report(struct call *call, struct arena *a, bencode_item *dict)
{
	bencode_dict_add_int(a, dict, "created", call->created_us / 1000000);
	bencode_dict_add_int(a, dict, "created_us", call->created_us % 1000000);
	bencode_dict_add_int(a, dict, "last signal", call->last_signal);
	if (call->delete_at_us)
		bencode_dict_add_int(a, dict, "deleting in ms",
				     (call->delete_at_us - clock_mono_us()) / 1000 > 0
					     ? (call->delete_at_us - clock_mono_us()) / 1000
					     : 0);
	bencode_dict_add_dict(a, dict, "SSRC");
	bencode_item *tags = bencode_dict_add_dict(a, dict, "tags");
	uint64_t tot[2][3] = { { 0 } };
	unsigned untagged = 0;

	/* Endpoints change under the workers' feet: read them locked. */
	pthread_mutex_lock(&call->lock);
	for (unsigned i = 0; i < call->monologues->len; i++) {
		const struct monologue *ml = call->monologues->pdata[i];

		monologue_to_bencode(a, tags, ml, &untagged);
		for (unsigned j = 0; j < ml->medias->len; j++) {
			const struct media *m = ml->medias->pdata[j];

			for (int k = 0; k < 2; k++) {
				tot[k][0] += load(&m->streams[k].stats->packets);
				tot[k][1] += load(&m->streams[k].stats->bytes);
				tot[k][2] += load(&m->streams[k].stats->errors);
			}
		}
	}
	pthread_mutex_unlock(&call->lock);
	bencode_item *totals = bencode_dict_add_dict(a, dict, "totals");

	for (int k = 0; k < 2; k++) {
		bencode_item *t = bencode_dict_add_dict(a, totals, k ? "RTCP" : "RTP");

		bencode_dict_add_int(a, t, "packets", (int64_t)tot[k][0]);
		bencode_dict_add_int(a, t, "bytes", (int64_t)tot[k][1]);
		bencode_dict_add_int(a, t, "errors", (int64_t)tot[k][2]);
	}
}

int ng_cmd_query(struct ng_request *req)
{
	str callid;

	if (!bencode_dict_get_str(req->dict, "call-id", &callid))
		return ng_error(req, "No call-id in message");
	struct call *call = call_find(req->rp->calls, callid);

	if (!call)
		return ng_error(req, "Unknown call-id");
	query_call_report(call, req->arena, req->reply);
	return 0;
}

int ng_cmd_list(struct ng_request *req)
{
	int64_t limit = 32;
	bencode_item *lim = bencode_dict_get(req->dict, "limit");

	if (lim) {
		if (lim->type == BENCODE_INT)
			limit = lim->num;
		else if (lim->type != BENCODE_STRING ||
			 str_to_int64(lim->str, 0, INT64_MAX, &limit))
			return ng_error(req, "Invalid 'limit': not a non-negative number");
		if (limit < 0)
			return ng_error(req, "Invalid 'limit': not a non-negative number");
	}
	/* Bounded work per request: a larger limit is this one. */
	limit = MIN(limit, NG_LIST_MAX);
	bencode_item *calls = bencode_dict_add_list(req->arena, req->reply, "calls");

	for (GList *l = calls_list(req->rp->calls); l && limit > 0; l = l->next, limit--)
		bencode_list_add_cstr(req->arena, calls, ((struct call *)l->data)->callid);
	return 0;
}
