/*
 * The offer and answer commands.
 *
 * Both run in two phases so that a failure changes nothing: phase 1
 * validates the request and the SDP, resolves (without creating) the call
 * and the two monologues, and binds every port pair the request needs;
 * if anything fails, the pairs go back and the reply is an error. Phase 2
 * cannot fail: it creates what is missing, installs the ports, records
 * what the sender described, and rewrites the SDP for the receiver.
 */
#define LOG_SUBSYS control
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "call/call.h"
#include "call/media.h"
#include "call/ports.h"
#include "clock.h"
#include "commands/flags.h"
#include "commands/offer.h"
#include "commands/sdp_dtls.h"
#include "commands/sdp_rewrite.h"
#include "commands/sdp_sdes.h"
#include "config/config.h"
#include "ice/ice_ports.h"
#include "ice/ice_sdp.h"
#include "kernel/offload.h"
#include "log.h"
#include "ng/ng.h"
#include "rtprelay.h"
#include "sdp.h"
#include "sdp_direction.h"
#include "sockaddr.h"
#include "stats.h"

#define OA_MAX_MEDIA 64

/* One party of the exchange, before and after phase 2. */
struct side {
	struct monologue *ml; /* NULL until created in phase 2 */
	str tag, branch;      /* what a new monologue is created with */
	const struct config_interface *intf;
	struct port_pair pp[OA_MAX_MEDIA];
	bool have_pp[OA_MAX_MEDIA];
	struct media_retired retired[OA_MAX_MEDIA]; /* replaced pairs, freed unlocked */
	struct media_state state[OA_MAX_MEDIA];     /* for medias the side does not have yet */
};

/* An interface of the port pools by name (STR_NULL: any) and family (0: any). */
static const struct config_interface *pick_intf(const struct ports *ports, str name, int family)
{
	unsigned n;
	const struct config_interface *intfs = ports_interfaces(ports, &n);

	for (unsigned i = 0; i < n; i++) {
		const struct config_interface *ci = &intfs[i];

		if (name.s && !str_eq_c(name, ci->name))
			continue;
		if (family && ci->family != family)
			continue;
		return ci;
	}
	/* A named interface without an address of that family: take any. */
	if (name.s)
		for (unsigned i = 0; i < n; i++)
			if (str_eq_c(name, intfs[i].name))
				return &intfs[i];
	return NULL;
}

static const struct sdp_line *find_line(const GPtrArray *lines, char type, const char *attr)
{
	int i = sdp_find(lines, 0, type, attr);

	return i < 0 ? NULL : lines->pdata[i];
}

/* The connection of a media: its own c=, else the session's. */
static int media_connection(const struct sdp_session *s, const struct sdp_media *sm,
			    struct sdp_connection *c)
{
	const struct sdp_line *l = find_line(sm->lines, 'c', NULL);

	if (!l)
		l = find_line(s->lines, 'c', NULL);
	if (!l)
		return -1;
	return sdp_parse_connection(l->value, c);
}

/* An SDP connection address ("addr", or multicast "addr/ttl") of family. */
static int make_sockaddr(int family, str addr, unsigned port, struct sockaddr_storage *ss)
{
	str host;

	str_split(addr, '/', &host);
	return sockaddr_from_str(host, family, port, ss);
}

/*
 * Check the SDP carries what a relay needs; returns the address family of
 * the sender's media (AF_INET when every media is rejected), or -1.
 */
static int validate_sdp(struct ng_request *req, const struct sdp_session *s)
{
	int family = 0;

	if (s->media->len > OA_MAX_MEDIA)
		return ng_error(req, "Too many media sections in SDP (%u, at most %d)",
				s->media->len, OA_MAX_MEDIA);
	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];
		struct sdp_connection c;
		struct sockaddr_storage ss;

		if (sm->port == 0)
			continue;
		if (media_connection(s, sm, &c))
			return ng_error(req, "SDP media %u has no valid connection line", i + 1);
		int fam = sockaddr_family_of_token(c.addrtype);

		if (!fam || make_sockaddr(fam, c.address, sm->port, &ss))
			return ng_error(req,
					"SDP media %u has an invalid connection address '%.*s'",
					i + 1, STR_FMT(c.address));
		if (!family)
			family = fam;
	}
	return family ? family : AF_INET;
}

static void release(struct rtprelay *rp, struct side *sd)
{
	for (unsigned i = 0; i < OA_MAX_MEDIA; i++) {
		if (sd->have_pp[i]) {
			ports_put(rp->ports, &sd->pp[i]);
			sd->have_pp[i] = false;
		}
		media_state_free(rp->pool, &sd->state[i]);
	}
}

/* Phase 1: bind the pairs this side lacks for the media the SDP keeps, and
 * take the shared memory of the medias it does not have yet. */
static int acquire(struct ng_request *req, struct side *sd, const struct sdp_session *s)
{
	struct rtprelay *rp = req->rp;

	for (unsigned i = sd->ml ? sd->ml->medias->len : 0; i < s->media->len; i++) {
		if (media_state_alloc(rp->pool, &sd->state[i]) < 0) {
			rp->stats->offers_failed_memory++;
			log_ratelimited(LOG_ERR, "shared memory for media state exhausted");
			return ng_error(req, "Out of shared memory for media state");
		}
	}
	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];
		struct media *m = sd->ml && i < sd->ml->medias->len ? sd->ml->medias->pdata[i]
								    : NULL;

		/* TCP media (MSRP, ...) pass as they came (sdp_rewrite.c): no ports */
		if (sm->port == 0 || str_has_prefix(sm->proto, "TCP/") ||
		    (m && m->ports.intf == sd->intf))
			continue;
		int rc = ports_get(rp->ports, sd->intf, &sd->pp[i]);

		if (rc == -EADDRNOTAVAIL || rc == -EINVAL) {
			rp->stats->offers_failed_ports++;
			return ng_error(req, "Ran out of ports");
		}
		if (rc < 0) {
			/* Not the port range: say what really ran out. */
			rp->stats->offers_failed_sockets++;
			log_ratelimited(LOG_ERR, "cannot open media sockets: %s", g_strerror(-rc));
			return ng_error(req, "Cannot open media sockets: %s", g_strerror(-rc));
		}
		sd->have_pp[i] = true;
	}
	return 0;
}

/* Phase 2, call lock held: the monologue exists and holds a media for
 * every m= line, with the ports bound in phase 1. */
static void install(struct call *call, struct side *sd, unsigned n_media)
{
	if (!sd->ml)
		sd->ml = monologue_new(call, sd->tag, sd->branch);
	sd->ml->intf = sd->intf;
	while (sd->ml->medias->len < n_media)
		g_ptr_array_add(sd->ml->medias, media_new(sd->ml, sd->ml->medias->len + 1,
							  &sd->state[sd->ml->medias->len]));
	for (unsigned i = 0; i < n_media; i++)
		if (sd->have_pp[i]) {
			media_set_ports_locked(sd->ml->medias->pdata[i], &sd->pp[i],
					       &sd->retired[i]);
			sd->have_pp[i] = false;
		}
}

static void set_direction(struct media *m, const struct sdp_line *dir)
{
	int d = dir ? sdp_direction_parse(dir->attr_name) : SDP_SENDRECV;

	m->send = d != SDP_RECVONLY && d != SDP_INACTIVE;
	m->recv = d != SDP_SENDONLY && d != SDP_INACTIVE;
}

static const struct sdp_line *direction_line(const GPtrArray *lines)
{
	for (int d = 0; d < SDP_DIRECTION_COUNT; d++) {
		const struct sdp_line *l = find_line(lines, 'a', sdp_direction_name(d));

		if (l)
			return l;
	}
	return NULL;
}

/* Record what the sender said about where it receives. */
static void learn_sdp(struct monologue *ml, const struct sdp_session *s, const struct ng_flags *f,
		      bool answer, bool sip_source)
{
	const struct sdp_line *session_dir = direction_line(s->lines);

	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];
		struct media *m = ml->medias->pdata[i];
		struct sdp_connection c;
		const struct sdp_line *dir = direction_line(sm->lines);

		g_free(m->type);
		m->type = str_dup(sm->media);
		g_free(m->protocol);
		m->protocol = str_dup(sm->proto);
		m->rejected = sm->port == 0;
		m->have_sdp = true;
		m->rtcp_mux = find_line(sm->lines, 'a', "rtcp-mux") != NULL;
		const struct sdp_line *mid = find_line(sm->lines, 'a', "mid");

		m->sdp_mid = mid != NULL;
		g_free(m->mid);
		m->mid = mid ? str_dup(mid->attr_value) : NULL;
		if (!answer) {
			m->rtcp_demux = m->rtcp_mux && f->rtcp_mux_demux;
			m->rtcp_mux_accept = f->rtcp_mux_accept;
			m->rtcp_mux_reject = f->rtcp_mux_reject;
		}
		set_direction(m, dir ? dir : session_dir);
		m->hold = !m->send || !m->recv;
		m->asymmetric = f->asymmetric;
		m->symmetric = f->symmetric;
		m->strict_source = f->strict_source;
		if (f->endpoint_learning >= 0)
			m->learning = (enum endpoint_learning)f->endpoint_learning;
		if (media_connection(s, sm, &c))
			continue;
		int fam = sockaddr_family_of_token(c.addrtype);
		str addr = c.address;

		if (f->media_address.s)
			addr = f->media_address;
		else if (sip_source && f->received_from_address.s && f->received_from_family == fam)
			addr = f->received_from_address;
		unsigned rtcp_port = m->rtcp_mux ? sm->port : sm->port + 1;
		const struct sdp_line *rtcp = find_line(sm->lines, 'a', "rtcp");
		int64_t v;

		if (rtcp && !str_is_null(rtcp->attr_value)) {
			str port;

			str_split(rtcp->attr_value, ' ', &port);
			if (!str_to_int64(port, 1, 65535, &v))
				rtcp_port = (unsigned)v;
		}
		struct sockaddr_storage adv[2];

		if (make_sockaddr(fam, addr, sm->port, &adv[STREAM_RTP]))
			continue;
		/* RTP on 65535 without a=rtcp: its RTCP port does not exist, so
		 * RTCP has nowhere to go (not port 0 after a wrap). */
		if (rtcp_port > 65535)
			adv[STREAM_RTCP] = (struct sockaddr_storage){ .ss_family = AF_UNSPEC };
		else if (make_sockaddr(fam, addr, sm->port ? rtcp_port : 0, &adv[STREAM_RTCP]))
			continue;
		if (sockaddr_is_any(&adv[STREAM_RTP]))
			m->hold = true;
		/* A party that moved (re-INVITE) is learned afresh; one that
		 * repeats its SDP keeps what we learned. */
		for (int k = 0; k < 2; k++) {
			struct stream *st = &m->streams[k];

			if (!sockaddr_eq(&adv[k], &st->advertised)) {
				st->advertised = adv[k];
				learning_reset(&st->learn, &st->advertised, &st->endpoint);
			}
		}
	}
}

/*
 * max-calls-per-client: true (after ng_error) when the client of req has
 * that many calls, so that its offer may not create one more. Counted,
 * and reported at most once per 10 s with the number not reported.
 */
static bool client_at_limit(struct ng_request *req)
{
	static struct log_ratelimit rl;
	static uint64_t reported;
	struct rtprelay *rp = req->rp;
	unsigned max = rp->cfg->max_calls_per_client;
	unsigned n;

	if (!max)
		return false;
	n = calls_of_client(rp->calls, (const struct sockaddr *)&req->from, req->from_len);
	if (n < max)
		return false;
	rp->stats->offers_failed_client++;
	if (LOG_ENABLED(LOG_WARNING) && log_ratelimit_ok(&rl, 1, 10)) {
		char peer[64];

		log_warnx("offer refused: client %s has %u calls (max-calls-per-client); %llu more "
			  "refused since the last report",
			  sockaddr_print_host(&req->from, peer, sizeof(peer)), n,
			  (unsigned long long)(rp->stats->offers_failed_client - reported - 1));
		reported = rp->stats->offers_failed_client;
	}
	ng_error(req, "Too many calls from this client (%u, max-calls-per-client)", n);
	return true;
}

/* The m= protocol the receiver gets: the flag's, else in an answer what the
 * offerer offered (an answer's protocol is the offer's), else the author's. */
static str receiver_proto(const struct sdp_media *sm, const struct media *receiver,
			  const struct ng_flags *f, bool answer)
{
	if (f->transport_protocol.s)
		return f->transport_protocol;
	if (answer && receiver && receiver->protocol && sm->port)
		return str_from(receiver->protocol);
	return sm->proto;
}

static struct media *media_at(const struct monologue *ml, unsigned i)
{
	return ml && i < ml->medias->len ? ml->medias->pdata[i] : NULL;
}

/* Phase 1: the DTLS and SDES plans of every media (roles, keys chosen,
 * sessions made). */
static int plan_sdes(struct ng_request *req, struct sdes_plan *plans, struct dtls_plan *dplans,
		     const struct sdp_session *s, const struct side *from, const struct side *to,
		     const struct ng_flags *f, bool answer)
{
	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];
		const struct media *rm = media_at(to->ml, i);
		const char *err = NULL;

		str rproto = receiver_proto(sm, rm, f, answer);

		if (dtls_plan_make(&dplans[i], req->rp, s, sm, media_at(from->ml, i), rm, rproto, f,
				   answer, &err))
			return ng_error(req, "SDP media %u: %s", i + 1, err);
		struct sdes_dtls sd = { .author = dplans[i].author_dtls,
					.receiver = dplans[i].receiver_dtls,
					.offered = dplans[i].offer_lines };

		if (sdes_plan_make(&plans[i], req->arena, sm, media_at(from->ml, i), rm, rproto, f,
				   answer, &sd, &err))
			return ng_error(req, "SDP media %u: %s", i + 1, err);
		if (f->ice == NG_ICE_FORCE_RELAY &&
		    ice_sdp_relay_check(s, sm, rproto,
					plans[i].action != SDES_NOTHING || dplans[i].offer_lines ||
						dplans[i].receiver_dtls,
					f, &err))
			return ng_error(req, "SDP media %u: %s", i + 1, err);
	}
	return 0;
}

static int check_ids(struct ng_request *req, const struct ng_flags *f, bool answer)
{
	if (!f->call_id.s)
		return ng_error(req, "No call-id in message");
	if (!f->from_tag.s || !f->from_tag.len)
		return ng_error(req, "No from-tag in message");
	if (answer && (!f->to_tag.s || !f->to_tag.len))
		return ng_error(req, "No to-tag in message");
	if (!f->sdp.s)
		return ng_error(req, "No SDP body in message");
	return 0;
}

static int offer_answer(struct ng_request *req, bool answer)
{
	struct rtprelay *rp = req->rp;
	const struct rtprelay_config *cfg = rp->cfg;
	struct ng_flags f;
	struct side from = { 0 }, to = { 0 };
	struct sdp_session *s = NULL;
	struct sdes_plan *plans = NULL;
	g_autofree struct dtls_plan *dplans = NULL;
	const char *err = NULL;
	unsigned err_line = 0;
	int ret = -1;

	ng_flags_init(&f);
	if (ng_flags_parse(req, &f) || check_ids(req, &f, answer))
		return -1;
	s = sdp_parse(req->arena, f.sdp, &err, &err_line);
	if (!s)
		return ng_error(req, "Failed to parse SDP: %s (line %u)", err, err_line);
	int family = validate_sdp(req, s);

	if (family < 0)
		goto out;

	/* Phase 1: resolve, without creating anything. */
	struct call *call = call_find(rp->calls, f.call_id);

	if (!answer && !call && cfg->max_sessions >= 0 &&
	    calls_count(rp->calls) >= (unsigned)cfg->max_sessions) {
		rp->stats->calls_refused_max_sessions++;
		ng_error(req, "Parallel session limit reached");
		goto out;
	}
	if (!answer && !call && client_at_limit(req))
		goto out;
	if (answer && !call) {
		ng_error(req, "Unknown call-id");
		goto out;
	}
	from.tag = f.from_tag;
	from.ml = call ? call_find_tag(call, f.from_tag) : NULL;
	if (answer) {
		/* The answer comes from the callee (to-tag); from-tag is the offerer. */
		struct monologue *offerer = from.ml;

		if (!offerer) {
			ng_error(req, "Unknown from-tag");
			goto out;
		}
		to.ml = offerer;
		to.intf = offerer->intf;
		from.ml = call_find_tag(call, f.to_tag);
		from.tag = f.to_tag;
		from.branch = f.via_branch;
		if (from.ml == offerer) {
			ng_error(req, "from-tag and to-tag are the same");
			goto out;
		}
		if (!from.ml) {
			/* The branch placeholder the offer created, if still untagged;
			 * else a new fork of the same offer gets its own monologue. */
			struct monologue *cand = f.via_branch.s ? call_find_branch(call, offerer,
										   f.via_branch)
								: offerer->peer;

			if (cand && !cand->tag)
				from.ml = cand;
			from.intf = offerer->peer ? offerer->peer->intf : NULL;
		}
		if (from.ml)
			from.intf = from.ml->intf;
		if (!from.intf || from.intf->family != family)
			from.intf = pick_intf(rp->ports, STR_NULL, family);
		if (!from.intf)
			from.intf = pick_intf(rp->ports, STR_NULL, 0);
	} else {
		if (call && f.to_tag.s && f.to_tag.len)
			to.ml = call_find_tag(call, f.to_tag);
		if (!to.ml && from.ml)
			to.ml = call_find_branch(call, from.ml, f.via_branch);
		if (!to.ml && from.ml && !f.via_branch.s && from.ml->peer)
			to.ml = from.ml->peer;
		if (to.ml == from.ml && to.ml) {
			ng_error(req, "from-tag and to-tag are the same");
			goto out;
		}
		to.tag = f.to_tag;
		to.branch = f.via_branch;

		/* Interfaces: direction names them (offerer's side first);
		 * otherwise the sender's family, and "address family" for the
		 * callee. A side keeps its interface unless told otherwise. */
		str dir_from = f.n_directions > 0 ? f.direction[0] : STR_NULL;
		str dir_to = f.n_directions > 1 ? f.direction[1] : STR_NULL;

		if (from.ml && !dir_from.s)
			from.intf = from.ml->intf;
		if (!from.intf || from.intf->family != family)
			from.intf = pick_intf(rp->ports, dir_from, family);
		int to_family = f.address_family       ? f.address_family
				: to.ml && to.ml->intf ? to.ml->intf->family
						       : family;

		if (to.ml && !dir_to.s && !f.address_family)
			to.intf = to.ml->intf;
		if (!to.intf || to.intf->family != to_family)
			to.intf = pick_intf(rp->ports, dir_to, to_family);
		if (!from.intf || !to.intf) {
			if ((dir_from.s && !pick_intf(rp->ports, dir_from, 0)) ||
			    (dir_to.s && !pick_intf(rp->ports, dir_to, 0)))
				ng_error(req, "Unknown interface in direction");
			else
				ng_error(req, "No interface for address family %s",
					 sockaddr_family_token(!to.intf ? to_family : family));
			goto out;
		}
	}
	/* Every tag and branch is a monologue with ports and a query entry:
	 * one call cannot take any number of them. */
	unsigned new_tags = (!from.ml) + (!to.ml);

	if (call && new_tags && call->monologues->len + new_tags > cfg->max_call_tags) {
		rp->stats->offers_failed_tags++;
		ng_error(req, "Too many tags in this call (%u, max-call-tags)",
			 call->monologues->len);
		goto out;
	}
	if (acquire(req, &from, s) || acquire(req, &to, s))
		goto out;
	plans = g_new0(struct sdes_plan, s->media->len ? s->media->len : 1);
	dplans = g_new0(struct dtls_plan, s->media->len ? s->media->len : 1);
	if (plan_sdes(req, plans, dplans, s, &from, &to, &f, answer))
		goto out;

	/* Phase 2: nothing below fails. */
	bool new_call = !call;

	if (new_call) {
		call = call_new(rp->calls, f.call_id);
		/* counted whatever the limit: a reload that sets one finds
		 * the calls already there */
		call_set_client(call, (const struct sockaddr *)&req->from, req->from_len);
		if (cfg->offer_timeout)
			call->offer_deadline_us = clock_mono_us() +
						  (int64_t)cfg->offer_timeout * 1000000;
	}
	log_set_context(f.call_id, f.from_tag);
	pthread_mutex_lock(&call->lock);
	install(call, &from, s->media->len);
	install(call, &to, s->media->len);
	if (from.ml->tag == NULL && from.tag.s && from.tag.len)
		monologue_set_tag(from.ml, from.tag);
	if (to.ml->tag == NULL && to.tag.s && to.tag.len)
		monologue_set_tag(to.ml, to.tag);
	if (f.label.s) {
		g_free(from.ml->label);
		from.ml->label = str_dup(f.label);
	}
	from.ml->peer = to.ml;
	to.ml->peer = from.ml;
	monologue_revive(from.ml);
	monologue_revive(to.ml);
	learn_sdp(from.ml, s, &f, answer, f.sip_source_address);
	ice_sdp_in(from.ml, to.ml, s, &f, answer);
	for (unsigned i = 0; i < s->media->len; i++) {
		ice_ports_sync(from.ml->medias->pdata[i], rp->ports,
			       &rp->stats->ice_other_family_failed, &from.retired[i]);
		ice_ports_sync(to.ml->medias->pdata[i], rp->ports,
			       &rp->stats->ice_other_family_failed, &to.retired[i]);
	}
	for (unsigned i = 0; i < s->media->len; i++) {
		sdes_plan_install(&plans[i], from.ml->medias->pdata[i], to.ml->medias->pdata[i]);
		dtls_plan_install(&dplans[i], rp, from.ml->medias->pdata[i],
				  to.ml->medias->pdata[i]);
	}
	call->last_signal = clock_wall_us() / 1000000;
	if (answer)
		call_answered(call);
	else
		call_schedule(call);

	int rw = sdp_rewrite(s, f.sdp, to.ml, &f, plans, dplans, answer, &err);

	pthread_mutex_unlock(&call->lock);
	for (unsigned i = 0; i < s->media->len; i++) {
		media_claim_sockets(from.ml->medias->pdata[i]);
		media_claim_sockets(to.ml->medias->pdata[i]);
		media_retired_release(from.ml, &from.retired[i]);
		media_retired_release(to.ml, &to.retired[i]);
	}
	/* The kernel follows: new peer, address, rtcp-mux, SRTP, ports. */
	offload_sync_call(call);
	if (rw) {
		/* Only internal inconsistencies get here; the call stays. */
		ng_error(req, "%s", err);
		goto out_ctx;
	}
	GString *out = g_string_sized_new(f.sdp.len + 128);

	sdp_print(s, out);
	bencode_dict_add_str(req->arena, req->reply, "sdp", (str){ out->str, out->len });
	g_string_free(out, TRUE);
	log_info("%s processed: %u media", answer ? "answer" : "offer", s->media->len);
	ret = 0;
out_ctx:
	log_set_context(STR_NULL, STR_NULL);
out:
	for (unsigned i = 0; plans && i < s->media->len; i++)
		sdes_plan_release(&plans[i]);
	g_free(plans);
	release(rp, &from);
	release(rp, &to);
	sdp_session_free(s);
	return ret;
}

int ng_cmd_offer(struct ng_request *req)
{
	return offer_answer(req, false);
}

int ng_cmd_answer(struct ng_request *req)
{
	return offer_answer(req, true);
}
