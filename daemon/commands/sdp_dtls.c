/* DTLS-SRTP negotiation for one media; see sdp_dtls.h. */
#define LOG_SUBSYS crypto
#include "commands/sdp_dtls.h"

#include <string.h>

#include "call/call.h"
#include "call/media.h"
#include "commands/flags.h"
#include "config/config.h"
#include "log.h"
#include "rtprelay.h"
#include "sdp.h"

bool dtls_proto(str proto)
{
	return str_eq_c(proto, "UDP/TLS/RTP/SAVP") || str_eq_c(proto, "UDP/TLS/RTP/SAVPF");
}

bool dtls_attr(str name)
{
	return str_eq_c(name, "setup") || str_eq_c(name, "fingerprint") || str_eq_c(name, "tls-id");
}

static bool srtp_proto(str proto)
{
	return dtls_proto(proto) || str_eq_c(proto, "RTP/SAVP") || str_eq_c(proto, "RTP/SAVPF");
}

static enum dtls_setup parse_setup(str v)
{
	if (str_eq_c(v, "actpass"))
		return DTLS_SETUP_ACTPASS;
	if (str_eq_c(v, "active"))
		return DTLS_SETUP_ACTIVE;
	if (str_eq_c(v, "passive"))
		return DTLS_SETUP_PASSIVE;
	if (str_eq_c(v, "holdconn"))
		return DTLS_SETUP_HOLDCONN;
	return DTLS_SETUP_NONE;
}

/* The media's a=fingerprint (its first well-formed one; else the
 * session's) and a=setup. */
static void author_lines(struct dtls_plan *p, const struct sdp_session *s,
			 const struct sdp_media *sm, bool *crypto)
{
	const GPtrArray *levels[2] = { sm->lines, s->lines };

	*crypto = false;
	for (int lv = 0; lv < 2; lv++) {
		const GPtrArray *lines = levels[lv];

		for (unsigned i = lv == 0 ? 1 : 0; i < lines->len; i++) {
			const struct sdp_line *l = lines->pdata[i];
			const char *why;

			if (l->type == 'm')
				break; /* the session's lines end at the first m= */
			if (l->type != 'a')
				continue;
			if (lv == 0 && str_eq_c(l->attr_name, "crypto"))
				*crypto = true;
			if (str_eq_c(l->attr_name, "setup") && !p->remote_setup)
				p->remote_setup = parse_setup(l->attr_value);
			if (str_eq_c(l->attr_name, "fingerprint") && !p->have_remote) {
				if (!dtls_fingerprint_parse(l->attr_value, &p->remote, &why))
					p->have_remote = true;
				else
					log_info("a=fingerprint ignored: %s", why);
			}
		}
	}
}

int dtls_plan_make(struct dtls_plan *p, struct rtprelay *rp, const struct sdp_session *s,
		   const struct sdp_media *sm, const struct media *author,
		   const struct media *receiver, str receiver_proto, const struct ng_flags *f,
		   bool answer, const char **err)
{
	const struct media_dtls *ad = author ? author->dtls : NULL;
	const struct media_dtls *rd = receiver ? receiver->dtls : NULL;
	bool crypto;

	memset(p, 0, sizeof(*p));
	if (!sm->port) {
		p->author_stop = true;
		return 0;
	}
	author_lines(p, s, sm, &crypto);
	if (!answer) {
		/* the author speaks DTLS-SRTP when it offers a fingerprint under
		 * an SRTP profile */
		p->author_dtls = p->have_remote && srtp_proto(sm->proto);
		if (dtls_proto(sm->proto) && !p->author_dtls && !crypto) {
			*err = "UDP/TLS/RTP offer without a usable a=fingerprint (nor a=crypto)";
			return -1;
		}
		if (p->author_dtls && p->remote_setup == DTLS_SETUP_HOLDCONN) {
			*err = "a=setup:holdconn (no DTLS connection) is not supported";
			return -1;
		}
		p->author_stop = !p->author_dtls;
		p->offer_lines = !f->dtls_off && srtp_proto(receiver_proto);
		if (p->offer_lines) {
			enum dtls_hash h = f->dtls_fingerprint
						   ? (enum dtls_hash)(f->dtls_fingerprint - 1)
						   : DTLS_HASH_SHA256;

			p->fingerprint = rp->dtls->text[h];
		}
		return 0;
	}
	/* answer: the answerer speaks DTLS (as rtpengine 10.5, even where it
	 * was not offered, unless it also took SDES then, or SDES=prefer) */
	bool offered = ad && ad->offered;

	if (p->have_remote && srtp_proto(sm->proto) && !(crypto && (f->sdes_prefer || !offered))) {
		if (p->remote_setup == DTLS_SETUP_HOLDCONN) {
			*err = "a=setup:holdconn (no DTLS connection) is not supported";
			return -1;
		}
		p->author_dtls = p->author_start = true;
		/* RFC 4145: an answerer without a=setup is active; one that
		 * says actpass (it must not) gets rtprelay as the client, which
		 * works if it waits */
		p->author_active = p->remote_setup == DTLS_SETUP_PASSIVE ||
				   p->remote_setup == DTLS_SETUP_ACTPASS;
	} else {
		p->author_stop = true;
	}
	/* answer toward an offerer that offered DTLS */
	if (rd && rd->have_remote && rd->in_use) {
		p->receiver_dtls = true;
		switch (rd->remote_setup) {
		case DTLS_SETUP_ACTIVE:
		case DTLS_SETUP_NONE: /* RFC 4145: an offerer without a=setup is active */
			p->receiver_active = false;
			break;
		case DTLS_SETUP_PASSIVE:
			p->receiver_active = true;
			break;
		default: /* actpass */
			p->receiver_active = !(f->dtls_passive ||
					       (rp->cfg->dtls_passive && !f->dtls_active));
			break;
		}
		p->fingerprint = rp->dtls->text[rd->remote.hash];
	}
	return 0;
}

static bool same_remote(const struct media_dtls *d, const struct dtls_fingerprint *fp)
{
	return d->have_remote && d->remote.hash == fp->hash && d->remote.len == fp->len &&
	       !memcmp(d->remote.digest, fp->digest, fp->len);
}

/* Start (or keep) the handshake toward m in the role given. */
static void start(struct rtprelay *rp, struct media *m, bool active)
{
	struct media_dtls *d = m->dtls;

	if (d->c[0].state == DTLS_CONNECTED && d->active == active)
		return; /* same party, same certificate, same role: keys stay */
	d->active = active;
	d->ctx = rp->dtls->ctx;
	d->mtu = rp->cfg->dtls_mtu;
	dtls_restart(m);
}

void dtls_plan_install(const struct dtls_plan *p, struct rtprelay *rp, struct media *author,
		       struct media *receiver)
{
	if (p->author_dtls) {
		struct media_dtls *d = media_dtls_get(author);
		bool changed = !same_remote(d, &p->remote);

		d->remote = p->remote;
		d->have_remote = true;
		d->remote_setup = p->remote_setup;
		d->in_use = true;
		d->offered = false;
		for (unsigned k = 0; changed && k < 2; k++)
			if (d->c[k].state != DTLS_IDLE)
				d->c[k].state =
					DTLS_FAILED; /* a new certificate: a new handshake */
		if (p->author_start)
			start(rp, author, p->author_active);
	} else if (p->author_stop && author->dtls) {
		dtls_stop(author);
		author->dtls->have_remote = false;
		author->dtls->offered = false;
	}
	if (p->offer_lines) {
		struct media_dtls *d = media_dtls_get(receiver);

		d->offered = true;
	}
	if (p->receiver_dtls)
		start(rp, receiver, p->receiver_active);
}

void dtls_plan_lines(const struct dtls_plan *p, struct sdp_session *s, GPtrArray *out)
{
	const char *setup = p->offer_lines     ? "actpass"
			    : p->receiver_dtls ? (p->receiver_active ? "active" : "passive")
					       : NULL;

	if (!setup)
		return;
	g_ptr_array_add(out, sdp_line_new(s, 'a', arena_printf(s->arena, "setup:%s", setup)));
	g_ptr_array_add(out,
			sdp_line_new(s, 'a',
				     arena_printf(s->arena, "fingerprint:%s", p->fingerprint)));
}
