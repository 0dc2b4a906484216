/* SDES negotiation for one media; see sdp_sdes.h. */
#define LOG_SUBSYS control
#include "commands/sdp_sdes.h"

#include <glib.h>
#include <openssl/rand.h>
#include <string.h>

#include "call/media.h"
#include "commands/flags.h"
#include "log.h"
#include "sdp.h"

/* Lifetime written with the "lifetime" SDES flag: 2^31 packets. */
#define SDES_FLAG_LIFETIME ((uint64_t)1 << 31)

bool sdes_proto_is_srtp(str proto)
{
	return str_eq_c(proto, "RTP/SAVP") || str_eq_c(proto, "RTP/SAVPF") ||
	       str_eq_c(proto, "UDP/TLS/RTP/SAVP") || str_eq_c(proto, "UDP/TLS/RTP/SAVPF");
}

/* Whether the flags let rtprelay use (choose or offer) suite. */
static bool suite_allowed(const struct ng_flags *f, const struct sdes_suite *suite)
{
	uint32_t bit = 1u << suite->id;

	return suite->implemented && !(f->sdes_no & bit) && (!f->sdes_only || (f->sdes_only & bit));
}

/* The a=crypto line's parse; false (logged) for a malformed one, which is
 * dropped as rtpengine 10.5 drops it. */
static bool parse_line(const struct sdp_line *l, struct sdes_crypto *c, const char **why)
{
	*why = "no value";
	if (!str_is_null(l->attr_value) && !sdes_parse(l->attr_value, c, why))
		return true;
	log_info("a=crypto line dropped: %s", *why);
	return false;
}

/*
 * The usable a=crypto lines of sm; *bad: the first malformed one's reason
 * (for the error when nothing usable is left), NULL if none.
 */
static void collect(struct sdes_plan *p, struct arena *arena, const struct sdp_media *sm,
		    const char **bad)
{
	*bad = NULL;
	for (unsigned i = 1; i < sm->lines->len; i++) {
		const struct sdp_line *l = sm->lines->pdata[i];
		struct sdes_crypto c;
		const char *why;

		if (l->type != 'a' || !str_eq_c(l->attr_name, "crypto"))
			continue;
		if (!parse_line(l, &c, &why)) {
			if (!*bad)
				*bad = arena_printf(arena, "; invalid line 'a=%.*s': %s",
						    (int)(l->value.len > 200 ? 200 : l->value.len),
						    l->value.s, why)
					       .s;
			continue;
		}
		p->n_lines++;
		if (c.suite && p->n_candidates < SDES_SUITE_COUNT)
			p->candidates[p->n_candidates++] = c;
	}
}

/* The author's first candidate the flags and the library allow. */
static const struct sdes_crypto *choose(const struct sdes_crypto *cands, unsigned n,
					const struct ng_flags *f)
{
	for (unsigned i = 0; i < n; i++)
		if (suite_allowed(f, cands[i].suite))
			return &cands[i];
	return NULL;
}

static void make_key(struct sdes_crypto *c, const struct sdes_suite *suite, unsigned tag,
		     const struct ng_flags *f)
{
	memset(c, 0, sizeof(*c));
	c->tag = tag;
	c->suite = suite;
	/* RAND_bytes only fails when the generator cannot be seeded at all,
	 * which the daemon checks once at start-up. */
	if (RAND_bytes(c->key, suite->key_len + suite->salt_len) != 1)
		g_error("OpenSSL RAND_bytes failed");
	c->flags = f->sdes_params;
	if (f->sdes_lifetime)
		c->lifetime = SDES_FLAG_LIFETIME;
}

static bool same_key(const struct sdes_crypto *a, const struct sdes_crypto *b)
{
	return a->suite == b->suite && a->mki == b->mki && a->mki_len == b->mki_len &&
	       a->flags == b->flags && !memcmp(a->key, b->key, sizeof(a->key));
}

/*
 * Terminate toward a party that offered these candidates: its key for what
 * it sends, ours (kept from before for the same suite) for what it gets.
 */
static int terminate(struct sdes_plan *p, const struct sdes_crypto *cands, unsigned n,
		     const struct media_sdes *before, const struct ng_flags *f, const char **err)
{
	const struct sdes_crypto *c = choose(cands, n, f);

	if (!c) {
		*err = "No usable SDES crypto suite offered (a=crypto)";
		return -1;
	}
	p->remote = *c;
	if (before && before->active && before->local.suite == c->suite) {
		p->local = before->local;
		p->local.tag = c->tag;
	} else {
		make_key(&p->local, c->suite, c->tag, f);
		p->local.flags = c->flags; /* the session parameters are the offer's */
		p->out = srtp_dir_new(&p->local, false, err);
		if (!p->out)
			return -1;
	}
	if (!before || !before->active || !same_key(&before->remote, &p->remote)) {
		p->in = srtp_dir_new(&p->remote, true, err);
		if (!p->in)
			return -1;
	}
	p->new_sessions = true;
	return 0;
}

static int offer_keys(struct sdes_plan *p, const struct media_sdes *before,
		      const struct ng_flags *f, const char **err)
{
	for (unsigned i = 0; sdes_suite_at(i); i++) {
		const struct sdes_suite *suite = sdes_suite_at(i);
		struct sdes_crypto *c = &p->offered[p->n_offered];

		if (!suite_allowed(f, suite))
			continue;
		/* What is in use stays offered as it is: no re-keying unasked. */
		if (before && before->active && before->local.suite == suite &&
		    before->local.flags == f->sdes_params) {
			*c = before->local;
			c->tag = p->n_offered + 1;
		} else {
			make_key(c, suite, p->n_offered + 1, f);
		}
		p->n_offered++;
	}
	if (!p->n_offered) {
		*err = "The SDES flags leave no crypto suite to offer";
		return -1;
	}
	return 0;
}

/* The answerer took one of our offered keys and gave its own. */
static int complete(struct sdes_plan *p, const struct media_sdes *mine, const char **err)
{
	for (unsigned i = 0; mine && i < p->n_candidates; i++) {
		const struct sdes_crypto *c = &p->candidates[i];

		for (unsigned j = 0; j < mine->n_offered; j++) {
			if (mine->offered[j].tag != c->tag || mine->offered[j].suite != c->suite)
				continue;
			/* Keys already in use keep their sessions (and the rollover
			 * counters in them): a repeated answer (183, then 200) or a
			 * re-INVITE that keeps the keys changes nothing. */
			bool keep_in = mine->active && same_key(&mine->remote, c);
			bool keep_out = mine->active && same_key(&mine->local, &mine->offered[j]);

			p->remote = *c;
			p->local = mine->offered[j];
			if (!keep_in && !(p->in = srtp_dir_new(&p->remote, true, err)))
				return -1;
			if (!keep_out && !(p->out = srtp_dir_new(&p->local, false, err)))
				return -1;
			p->new_sessions = true;
			return 0;
		}
	}
	*err = "The answer's a=crypto matches no crypto suite offered to it";
	return -1;
}

int sdes_plan_make(struct sdes_plan *p, struct arena *arena, const struct sdp_media *sm,
		   const struct media *author, const struct media *receiver, str receiver_proto,
		   const struct ng_flags *f, bool answer, const struct sdes_dtls *dtls,
		   const char **err)
{
	const struct media_sdes *as = author ? author->sdes : NULL;
	const struct media_sdes *rs = receiver ? receiver->sdes : NULL;
	const char *bad = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	if (sm->port)
		collect(p, arena, sm, &bad);
	/*
	 * A party speaks SRTP under an SRTP profile, or opportunistically
	 * (RFC 8643) with a=crypto under RTP/AVP: an offerer when told to
	 * accept that, an answerer to an OSRTP offer rtprelay made. The
	 * receiver gets SRTP under its SRTP profile, in an OSRTP offer, or in
	 * the answer to an OSRTP offer rtprelay accepted.
	 */
	bool a_osrtp = !sdes_proto_is_srtp(sm->proto) && p->n_lines &&
		       (answer ? as && as->osrtp && as->n_offered : f->osrtp_accept);
	bool a_srtp = sm->port && (sdes_proto_is_srtp(sm->proto) || a_osrtp) && !dtls->author;
	bool r_osrtp = !sdes_proto_is_srtp(receiver_proto) &&
		       (answer ? rs && rs->osrtp && rs->active : f->osrtp_offer && !a_srtp);
	/* DTLS keys it, or is offered with SDES=off: no SDES toward it */
	bool r_srtp = sm->port && (sdes_proto_is_srtp(receiver_proto) || r_osrtp) &&
		      !dtls->receiver && !(dtls->offered && f->sdes_off);

	p->osrtp = a_osrtp || r_osrtp;
	p->pad = f->sdes_pad;
	if (r_srtp && f->sdes_off) {
		*err = "SDES=off and DTLS=off leave nothing to key SRTP with";
		return -1;
	}
	if (a_srtp && r_srtp && !p->n_lines) {
		/* SRTP end to end with no key to pass on: nobody could decrypt */
		*err = arena_printf(arena, "No SDES crypto (a=crypto) to pass on%s", bad ? bad : "")
			       .s;
		return -1;
	}
	if (a_srtp && r_srtp) {
		p->action = SDES_PASS;
		for (unsigned i = 0; i < SDES_SUITE_COUNT; i++)
			if (!suite_allowed(f, sdes_suite_at(i)) && sdes_suite_at(i)->implemented)
				p->drop_suites |= 1u << i;
		return 0;
	}
	if (!a_srtp && !r_srtp) {
		/* a plain offer's a=crypto lines (an OSRTP offer not accepted)
		 * are not passed on: the answerer would key SRTP nobody does */
		p->action = SDES_NOTHING;
		return 0;
	}
	if (!answer && a_srtp) {
		p->action = SDES_TERMINATE;
		rc = terminate(p, p->candidates, p->n_candidates, as, f, err);
		if (rc && bad)
			*err = arena_printf(arena, "%s%s", *err, bad).s;
		return rc;
	}
	if (!answer) {
		p->action = SDES_OFFER;
		return offer_keys(p, rs, f, err);
	}
	if (a_srtp) {
		p->action = SDES_COMPLETE;
		rc = complete(p, as, err);
		if (rc && bad)
			*err = arena_printf(arena, "%s%s", *err, bad).s;
		return rc;
	}
	p->action = SDES_ANSWER;
	if (rs && rs->active) {
		p->local = rs->local;
		return 0;
	}
	/* The offer went on as SRTP and the answerer declined it: terminate
	 * toward the offerer now, with the keys it offered. */
	if (!rs || !rs->n_candidates) {
		*err = "The offerer's SRTP keys are unknown (no a=crypto in its offer)";
		return -1;
	}
	return terminate(p, rs->candidates, rs->n_candidates, NULL, f, err);
}

static struct media_sdes *ensure(struct media *m)
{
	if (!m->sdes)
		m->sdes = g_new0(struct media_sdes, 1);
	return m->sdes;
}

/* No keys, no sessions; the counters stay (they go into the totals when the
 * media goes). */
static void forget(struct media_sdes *s)
{
	uint64_t auth[2] = { s->auth_failed[0], s->auth_failed[1] };
	uint64_t replay[2] = { s->replayed[0], s->replayed[1] };

	srtp_dir_free(s->in);
	srtp_dir_free(s->out);
	memset(s, 0, sizeof(*s));
	memcpy(s->auth_failed, auth, sizeof(auth));
	memcpy(s->replayed, replay, sizeof(replay));
}

/* The plan's keys in use on m; its new sessions replace m's. */
static void take_sessions(struct sdes_plan *p, struct media *m)
{
	struct media_sdes *s = ensure(m);

	s->remote = p->remote;
	s->local = p->local;
	s->active = true;
	if (p->in) {
		srtp_dir_free(s->in);
		s->in = p->in;
		p->in = NULL;
	}
	if (p->out) {
		srtp_dir_free(s->out);
		s->out = p->out;
		p->out = NULL;
	}
}

void sdes_plan_install(struct sdes_plan *p, struct media *author, struct media *receiver)
{
	switch (p->action) {
	case SDES_NOTHING:
		if (author->sdes)
			forget(author->sdes);
		break;
	case SDES_PASS:
		/* End to end: no sessions; the offerer's keys kept in case the
		 * answerer declines SRTP. */
		forget(ensure(author));
		memcpy(author->sdes->candidates, p->candidates, sizeof(p->candidates));
		author->sdes->n_candidates = p->n_candidates;
		break;
	case SDES_TERMINATE:
		take_sessions(p, author);
		author->sdes->osrtp = p->osrtp;
		memcpy(author->sdes->candidates, p->candidates, sizeof(p->candidates));
		author->sdes->n_candidates = p->n_candidates;
		break;
	case SDES_OFFER: {
		struct media_sdes *s = ensure(receiver);

		memcpy(s->offered, p->offered, sizeof(p->offered));
		s->n_offered = p->n_offered;
		s->osrtp = p->osrtp;
		break;
	}
	case SDES_COMPLETE:
		/* the offered keys stay until the next offer: the answer may come
		 * again */
		take_sessions(p, author);
		break;
	case SDES_ANSWER:
		if (p->new_sessions)
			take_sessions(p, receiver);
		break;
	}
}

static void add_line(struct sdp_session *s, GPtrArray *out, const struct sdes_crypto *c, bool pad)
{
	str v = sdes_print(s->arena, c, pad);

	g_ptr_array_add(out,
			sdp_line_new(s, 'a', arena_printf(s->arena, "crypto:%.*s", STR_FMT(v))));
}

void sdes_plan_lines(const struct sdes_plan *p, struct sdp_session *s, const GPtrArray *in,
		     GPtrArray *out)
{
	switch (p->action) {
	case SDES_PASS:
		for (unsigned i = 1; i < in->len; i++) {
			struct sdp_line *l = in->pdata[i];
			struct sdes_crypto c;
			const char *why;

			if (l->type != 'a' || !str_eq_c(l->attr_name, "crypto"))
				continue;
			/* malformed ones and those the flags exclude are not passed on */
			if (str_is_null(l->attr_value) || sdes_parse(l->attr_value, &c, &why) ||
			    (c.suite && (p->drop_suites & (1u << c.suite->id))))
				continue;
			g_ptr_array_add(out, l);
		}
		break;
	case SDES_OFFER:
		for (unsigned i = 0; i < p->n_offered; i++)
			add_line(s, out, &p->offered[i], p->pad);
		break;
	case SDES_ANSWER:
		add_line(s, out, &p->local, p->pad);
		break;
	default:
		break;
	}
}

void sdes_plan_release(struct sdes_plan *p)
{
	srtp_dir_free(p->in);
	srtp_dir_free(p->out);
	p->in = p->out = NULL;
}
