/* rtprelay's ICE agent toward one party; see agent.h. */
#define LOG_SUBSYS ice
#include "ice/agent.h"

#include <errno.h>
#include <event2/event.h>
#include <glib.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/socket.h>

#include "call/call.h"
#include "call/media.h"
#include "clock.h"
#include "log.h"
#include "media/io.h"
#include "rtprelay.h"
#include "sockaddr.h"
#include "stats.h"
#include "stun.h"

#define PACE_US 20000 /* one new check per 20 ms (RFC 8445 14.2: Ta) */
#define RTO_US 100000 /* first retransmission after 100 ms, doubling */
#define MAX_TRIES 7   /* then the pair failed (RFC 5389 Rc) */
#define CONSENT_EVERY_US 5000000

static inline void bump(uint64_t *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

static void random_chars(char *out, size_t n)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint8_t r[64];

	g_assert(n <= sizeof(r));
	if (RAND_bytes(r, (int)n) != 1)
		for (size_t i = 0; i < n; i++)
			r[i] = (uint8_t)g_random_int();
	for (size_t i = 0; i < n; i++)
		out[i] = set[r[i] % (sizeof(set) - 1)];
	out[n] = 0;
}

static void random_bytes(void *out, size_t n)
{
	if (RAND_bytes(out, (int)n) != 1)
		for (size_t i = 0; i < n; i++)
			((uint8_t *)out)[i] = (uint8_t)g_random_int();
}

uint32_t ice_host_priority(unsigned component, bool other_family)
{
	return (126u << 24) | ((other_family ? 65534u : 65535u) << 8) | (256u - component);
}

uint32_t ice_local_priority(const struct media_ice *ice, unsigned component, bool other_family)
{
	uint32_t host = ice_host_priority(component, other_family);

	return ice->relay ? host & 0xffffffu : host;
}

/* The address a of the party is of the family of the media's other
 * interface address (media.alt): its pairs use that socket. */
static bool other_family(const struct media_ice *ice, const struct sockaddr_storage *a)
{
	const struct media *m = ice->media;

	return m->alt.intf && a->ss_family == m->alt.intf->family;
}

/* Peer-reflexive priority we put in our checks (RFC 8445 7.1.1): the
 * local preference of the socket the check leaves from. */
static uint32_t prflx_priority(unsigned component, bool other)
{
	return (110u << 24) | ((other ? 65534u : 65535u) << 8) | (256u - component);
}

static uint64_t pair_priority(const struct media_ice *ice, const struct ice_pair *p)
{
	uint64_t l = ice_local_priority(ice, p->component, other_family(ice, &p->remote));
	uint64_t r = p->remote_priority;
	uint64_t g = ice->controlling ? l : r, d = ice->controlling ? r : l;

	return (MIN(g, d) << 32) + 2 * MAX(g, d) + (g > d ? 1 : 0);
}

static void reprioritise(struct media_ice *ice)
{
	for (unsigned i = 0; i < ice->n_pairs; i++)
		ice->pairs[i].priority = pair_priority(ice, &ice->pairs[i]);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg);

struct media_ice *ice_new(struct media *m, bool controlling)
{
	struct media_ice *ice = g_new0(struct media_ice, 1);

	ice->media = m;
	ice->controlling = controlling;
	random_bytes(&ice->tiebreaker, sizeof(ice->tiebreaker));
	ice_new_credentials(ice);
	ice->timer = evtimer_new(m->ml->call->rp->base, timer_cb, ice);
	return ice;
}

uint64_t ice_dropped(const struct media_ice *ice)
{
	uint64_t n = 0;

	for (int k = 0; k < 2; k++) {
		const struct ice_counters *c = &ice->cnt[k];

		n += __atomic_load_n(&c->bad_auth, __ATOMIC_RELAXED) +
		     __atomic_load_n(&c->bad_user, __ATOMIC_RELAXED) +
		     __atomic_load_n(&c->malformed, __ATOMIC_RELAXED);
	}
	return n;
}

void ice_free(struct media_ice *ice)
{
	if (!ice)
		return;
	struct stats *st = ice->media->ml->call->rp->stats;

	st->stun_dropped += ice_dropped(ice);
	st->stun_answered += ice->cnt[0].answered + ice->cnt[1].answered;
	if (ice->timer)
		event_free(ice->timer);
	g_free(ice->rufrag);
	g_free(ice->rpwd);
	g_free(ice);
}

void ice_new_credentials(struct media_ice *ice)
{
	random_chars(ice->ufrag, ICE_UFRAG_LEN);
	random_chars(ice->pwd, ICE_PWD_LEN);
	ice->local_sent = false;
}

static void restart(struct media_ice *ice)
{
	ice->n_cands = 0;
	ice->n_pairs = 0;
	ice->started_us = 0;
	if (ice->timer)
		evtimer_del(ice->timer);
}

void ice_set_remote(struct media_ice *ice, const char *ufrag, size_t ulen, const char *pwd,
		    size_t plen)
{
	if (ice->rufrag && strlen(ice->rufrag) == ulen && !memcmp(ice->rufrag, ufrag, ulen) &&
	    strlen(ice->rpwd) == plen && !memcmp(ice->rpwd, pwd, plen))
		return;
	if (ice->rufrag) {
		log_info("ICE restart: the party's credentials changed");
		restart(ice);
	}
	g_free(ice->rufrag);
	g_free(ice->rpwd);
	ice->rufrag = g_strndup(ufrag, ulen);
	ice->rpwd = g_strndup(pwd, plen);
}

static struct ice_pair *find_pair(struct media_ice *ice, unsigned comp,
				  const struct sockaddr_storage *a)
{
	for (unsigned i = 0; i < ice->n_pairs; i++)
		if (ice->pairs[i].component == comp && sockaddr_eq(&ice->pairs[i].remote, a))
			return &ice->pairs[i];
	return NULL;
}

/* Our socket of the component: only remote candidates of its family pair. */
static struct stream *stream_of(struct media_ice *ice, unsigned comp)
{
	struct media *m = ice->media;

	if (comp == 2 && m->rtcp_mux)
		return NULL;
	struct stream *s = &m->streams[comp == 2 ? STREAM_RTCP : STREAM_RTP];

	return s->sock ? s : NULL;
}

/* s has a socket that can reach an address of family. */
static bool has_family(const struct stream *s, int family)
{
	const struct media *m = s->media;

	return (m->ports.intf && family == m->ports.intf->family) ||
	       (s->alt_sock && m->alt.intf && family == m->alt.intf->family);
}

static struct ice_pair *add_pair(struct media_ice *ice, unsigned comp,
				 const struct sockaddr_storage *a, uint32_t prio)
{
	struct ice_pair *p = find_pair(ice, comp, a);

	if (p)
		return p;
	if (ice->n_pairs >= ICE_MAX_PAIRS)
		return NULL;
	p = &ice->pairs[ice->n_pairs++];
	memset(p, 0, sizeof(*p));
	p->component = (uint8_t)comp;
	p->remote = *a;
	p->remote_priority = prio;
	p->state = ICE_WAITING;
	p->priority = pair_priority(ice, p);
	return p;
}

void ice_add_candidate(struct media_ice *ice, const struct ice_cand *c)
{
	for (unsigned i = 0; i < ice->n_cands; i++)
		if (ice->cands[i].component == c->component &&
		    sockaddr_eq(&ice->cands[i].addr, &c->addr))
			return;
	if (ice->n_cands >= ICE_MAX_CANDS)
		return;
	ice->cands[ice->n_cands++] = *c;
	struct stream *s = stream_of(ice, c->component);

	if (s && has_family(s, c->addr.ss_family))
		add_pair(ice, c->component, &c->addr, c->priority);
}

void ice_pair_candidates(struct media_ice *ice)
{
	for (unsigned i = 0; i < ice->n_cands; i++) {
		const struct ice_cand *c = &ice->cands[i];
		struct stream *s = stream_of(ice, c->component);

		if (s && has_family(s, c->addr.ss_family))
			add_pair(ice, c->component, &c->addr, c->priority);
	}
}

static void send_from(struct stream *s, const uint8_t *b, int n, const struct sockaddr_storage *to)
{
	/* the stream's socket of to's family: a check's answer leaves from
	 * the socket the check came in on (one per family) */
	struct media_socket *ms = stream_sock_for(s, to->ss_family);

	if (n <= 0 || !ms)
		return;
	/* control packets are rare: a plain non-blocking send from the
	 * stream's socket, whatever the worker's back end */
	(void)sendto(ms->fd, b, (size_t)n, MSG_DONTWAIT, (const struct sockaddr *)to,
		     sockaddr_len(to));
}

static void send_check(struct media_ice *ice, struct ice_pair *p, int64_t now)
{
	struct stream *s = stream_of(ice, p->component);
	uint8_t buf[512];
	struct stun_builder b;
	char user[600];

	if (!s || !ice->rufrag) {
		p->state = ICE_FAILED; /* no socket for it (rtcp-mux came later) */
		return;
	}
	if (p->state != ICE_IN_PROGRESS) {
		random_bytes(p->txid, sizeof(p->txid));
		p->tries = 0;
		p->state = ICE_IN_PROGRESS;
	}
	p->tries++;
	p->sent_us = now;
	int ul = snprintf(user, sizeof(user), "%s:%s", ice->rufrag, ice->ufrag);

	stun_build_start(&b, buf, sizeof(buf), STUN_BINDING_REQUEST, p->txid);
	stun_add_attr(&b, STUN_ATTR_USERNAME, user, (size_t)MIN(ul, (int)sizeof(user) - 1));
	stun_add_u32(&b, STUN_ATTR_PRIORITY,
		     prflx_priority(p->component, other_family(ice, &p->remote)));
	stun_add_u64(&b, ice->controlling ? STUN_ATTR_ICE_CONTROLLING : STUN_ATTR_ICE_CONTROLLED,
		     ice->tiebreaker);
	if (p->nominating)
		stun_add_attr(&b, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	send_from(s, buf, stun_finish(&b, ice->rpwd, strlen(ice->rpwd)), &p->remote);
	bump(&ice->cnt[p->component - 1].checks_sent);
}

/* The pair is where media goes now (the stream's endpoint). */
static void select_pair(struct media_ice *ice, struct ice_pair *p, int64_t now)
{
	unsigned k = p->component - 1;
	struct stream *s = stream_of(ice, p->component);

	if (!ice->selected[k] || !sockaddr_eq(&ice->selected_addr[k], &p->remote)) {
		char a[64];

		log_info("ICE: component %u selected %s", p->component,
			 sockaddr_print(&p->remote, a, sizeof(a)));
	}
	ice->selected[k] = true;
	ice->selected_addr[k] = p->remote;
	ice->consent_us[k] = now;
	ice->next_consent_us[k] = now + CONSENT_EVERY_US;
	if (s)
		s->endpoint = p->remote;
}

static void arm(struct media_ice *ice, int64_t delay_us)
{
	struct timeval tv = { .tv_sec = delay_us / 1000000, .tv_usec = delay_us % 1000000 };

	if (ice->timer)
		evtimer_add(ice->timer, &tv);
}

void ice_kick(struct media_ice *ice)
{
	if (!ice->rufrag || !ice->local_sent || ice->started_us)
		return;
	ice->started_us = clock_mono_us();
	reprioritise(ice);
	/* a lite agent sends no checks; its timer only watches */
	arm(ice, ice->lite ? 1000000 : PACE_US);
}

static void switch_role(struct media_ice *ice)
{
	ice->controlling = !ice->controlling;
	reprioritise(ice);
	for (unsigned i = 0; i < ice->n_pairs; i++)
		ice->pairs[i].nominating = false;
}

static void reply(struct media_ice *ice, struct stream *s, const struct stun_msg *m,
		  const struct sockaddr_storage *src, int error, const char *reason)
{
	uint8_t buf[256];
	struct stun_builder b;

	stun_build_start(&b, buf, sizeof(buf), error ? STUN_BINDING_ERROR : STUN_BINDING_SUCCESS,
			 m->txid);
	if (error)
		stun_add_error(&b, error, reason);
	else
		stun_add_xor_address(&b, src);
	send_from(s, buf, stun_finish(&b, ice->pwd, strlen(ice->pwd)), src);
}

static void handle_request(struct media_ice *ice, struct stream *s, const uint8_t *p,
			   const struct stun_msg *m, const struct sockaddr_storage *src,
			   int64_t now)
{
	unsigned comp = s->kind == STREAM_RTCP ? 2 : 1;
	struct ice_counters *c = &ice->cnt[comp - 1];
	size_t ul = strlen(ice->ufrag);

	/* RFC 8445 7.3: USERNAME "ours:theirs", MESSAGE-INTEGRITY with our
	 * password; anything else is dropped unanswered, so that neither a
	 * guess nor a stranger learns anything. */
	if (!m->username || m->username_len <= ul || memcmp(m->username, ice->ufrag, ul) ||
	    m->username[ul] != ':') {
		bump(&c->bad_user);
		return;
	}
	if (!stun_integrity_ok(p, m, ice->pwd, strlen(ice->pwd))) {
		bump(&c->bad_auth);
		return;
	}
	/* role conflict (RFC 8445 7.3.1.1) */
	if (!ice->lite && m->controlling && ice->controlling) {
		bump(&c->role_conflict);
		if (ice->tiebreaker >= m->tiebreaker) {
			reply(ice, s, m, src, 487, "Role Conflict");
			return;
		}
		switch_role(ice);
	} else if (!ice->lite && m->controlled && !ice->controlling) {
		bump(&c->role_conflict);
		if (ice->tiebreaker >= m->tiebreaker) {
			switch_role(ice);
		} else {
			reply(ice, s, m, src, 487, "Role Conflict");
			return;
		}
	}
	reply(ice, s, m, src, 0, NULL);
	bump(&c->answered);
	/* the party's address as we see it: a peer-reflexive candidate if
	 * it was not among its candidates (RFC 8445 7.3.1.3) */
	struct ice_pair *pr = find_pair(ice, comp, src);

	if (!pr) {
		struct ice_cand cand = {
			.component = (uint8_t)comp,
			.type = ICE_PRFLX,
			.priority = m->has_priority ? m->priority
						    : prflx_priority(comp, other_family(ice, src)),
			.addr = *src
		};

		ice_add_candidate(ice, &cand);
		pr = find_pair(ice, comp, src);
	}
	if (!pr)
		return; /* over the limits: answered, not used */
	pr->peer_checked = true;
	if (ice->selected[comp - 1] && sockaddr_eq(&ice->selected_addr[comp - 1], src) && ice->lite)
		ice->consent_us[comp - 1] = now;
	/* triggered check (RFC 8445 7.3.1.4): now, from the packet path */
	if (!ice->lite && ice->local_sent && (pr->state == ICE_WAITING || pr->state == ICE_FAILED))
		send_check(ice, pr, now);
	if (m->use_candidate && !ice->controlling) {
		pr->nominated = true;
		if (ice->lite || pr->state == ICE_SUCCEEDED)
			select_pair(ice, pr, now);
	}
	if (ice->lite && !ice->started_us)
		ice_kick(ice);
}

static void handle_response(struct media_ice *ice, struct stream *s, const uint8_t *p,
			    const struct stun_msg *m, const struct sockaddr_storage *src,
			    int64_t now)
{
	unsigned comp = s->kind == STREAM_RTCP ? 2 : 1;
	struct ice_counters *c = &ice->cnt[comp - 1];
	struct ice_pair *pr = NULL;

	for (unsigned i = 0; i < ice->n_pairs && !pr; i++)
		if (ice->pairs[i].state == ICE_IN_PROGRESS &&
		    !memcmp(ice->pairs[i].txid, m->txid, sizeof(m->txid)))
			pr = &ice->pairs[i];
	if (!pr || !ice->rpwd) {
		/* a late duplicate (we retransmitted) or a response to nothing
		 * we asked: not a check, nothing to answer */
		bump(&c->unmatched);
		return;
	}
	if (!stun_integrity_ok(p, m, ice->rpwd, strlen(ice->rpwd))) {
		bump(&c->bad_auth);
		return;
	}
	bump(&c->responses);
	if (m->type == STUN_BINDING_ERROR) {
		if (m->error_code == 487) {
			bump(&c->role_conflict);
			switch_role(ice);
			pr->state = ICE_WAITING; /* again, in the new role */
		} else {
			pr->state = ICE_FAILED;
		}
		return;
	}
	/* non-symmetric: the answer must come from where we sent */
	if (!sockaddr_eq(src, &pr->remote)) {
		pr->state = ICE_FAILED;
		return;
	}
	pr->state = ICE_SUCCEEDED;
	unsigned k = comp - 1;

	if (ice->selected[k] && sockaddr_eq(&ice->selected_addr[k], &pr->remote))
		ice->consent_us[k] = now;
	if ((pr->nominating && ice->controlling) || (pr->nominated && !ice->controlling))
		select_pair(ice, pr, now);
}

void ice_stun_in(struct stream *s, const uint8_t *p, size_t len, const struct sockaddr_storage *src,
		 int64_t now)
{
	struct media_ice *ice = s->media->ice;
	struct stun_msg m;
	const char *err;

	if (!ice) {
		bump(&s->stats->dropped_invalid);
		return;
	}
	struct ice_counters *c = &ice->cnt[s->kind == STREAM_RTCP ? 1 : 0];

	if (stun_parse(p, len, &m, &err) || m.unknown_required) {
		bump(&c->malformed);
		return;
	}
	switch (m.type) {
	case STUN_BINDING_REQUEST:
		handle_request(ice, s, p, &m, src, now);
		break;
	case STUN_BINDING_SUCCESS:
	case STUN_BINDING_ERROR:
		handle_response(ice, s, p, &m, src, now);
		break;
	case STUN_BINDING_INDICATION:
		break; /* keepalive */
	default:
		bump(&c->malformed);
		break;
	}
}

bool ice_source_ok(const struct media_ice *ice, int kind, const struct sockaddr_storage *src)
{
	unsigned k = kind == STREAM_RTCP ? 1 : 0;

	if (ice->selected[k] && sockaddr_eq(&ice->selected_addr[k], src))
		return true;
	for (unsigned i = 0; i < ice->n_pairs; i++) {
		const struct ice_pair *p = &ice->pairs[i];

		if (p->component == k + 1 && (p->state == ICE_SUCCEEDED || p->peer_checked) &&
		    sockaddr_eq(&p->remote, src))
			return true;
	}
	return false;
}

bool ice_may_send(struct media_ice *ice, int kind, int64_t now)
{
	unsigned k = kind == STREAM_RTCP ? 1 : 0;

	if (!ice->rufrag || !ice->selected[k] || now - ice->consent_us[k] <= ICE_CONSENT_US)
		return true;
	bump(&ice->cnt[k].no_consent);
	return false;
}

/* One round of the agent: retransmissions, one new check, nomination,
 * consent. Returns when it wants to run again (µs from now). */
static int64_t tick(struct media_ice *ice, int64_t now)
{
	bool busy = false;

	if (ice->lite || !ice->rufrag)
		return 1000000;
	for (unsigned i = 0; i < ice->n_pairs; i++) {
		struct ice_pair *p = &ice->pairs[i];

		if (p->state != ICE_IN_PROGRESS)
			continue;
		busy = true;
		if (now - p->sent_us < (int64_t)RTO_US << MIN(p->tries - 1, 4))
			continue;
		if (p->tries >= MAX_TRIES) {
			p->state = ICE_FAILED;
			p->nominating = false; /* another valid pair may be nominated */
		} else
			send_check(ice, p, now);
	}
	/* one new check per round, the best waiting pair first */
	struct ice_pair *best = NULL;

	for (unsigned i = 0; i < ice->n_pairs; i++) {
		struct ice_pair *p = &ice->pairs[i];

		if (p->state == ICE_WAITING && (!best || p->priority > best->priority))
			best = p;
	}
	if (best) {
		send_check(ice, best, now);
		busy = true;
	}
	for (unsigned k = 0; k < 2; k++) {
		/* controlling: nominate the best valid pair once no better one
		 * is still being checked (regular nomination) */
		if (ice->controlling && !ice->selected[k]) {
			struct ice_pair *v = NULL, *pending = NULL;

			for (unsigned i = 0; i < ice->n_pairs; i++) {
				struct ice_pair *p = &ice->pairs[i];

				if (p->component != k + 1)
					continue;
				if (p->nominating)
					pending = p;
				if (p->state == ICE_SUCCEEDED && (!v || p->priority > v->priority))
					v = p;
			}
			if (v && !pending) {
				v->nominating = true;
				v->state = ICE_WAITING;
				send_check(ice, v, now);
				busy = true;
			}
		}
		/* consent freshness: a check on the selected pair every ~5 s */
		if (ice->selected[k] && now >= ice->next_consent_us[k]) {
			struct ice_pair *p = find_pair(ice, k + 1, &ice->selected_addr[k]);

			ice->next_consent_us[k] = now + CONSENT_EVERY_US * 8 / 10 +
						  g_random_int_range(0, 2000000);
			if (p && p->state != ICE_IN_PROGRESS) {
				p->state = ICE_WAITING;
				send_check(ice, p, now);
			} else if (!p) {
				/* after a restart the old address has no pair yet */
				struct ice_pair *np = add_pair(
					ice, k + 1, &ice->selected_addr[k],
					prflx_priority(k + 1,
						       other_family(ice, &ice->selected_addr[k])));

				if (np)
					send_check(ice, np, now);
			}
		}
	}
	return busy ? PACE_US : 200000;
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct media_ice *ice = arg;
	struct call *call = ice->media->ml->call;

	pthread_mutex_lock(&call->lock);
	int64_t again = tick(ice, clock_mono_us());

	arm(ice, again);
	pthread_mutex_unlock(&call->lock);
}
