/* ICE in the SDP; see ice_sdp.h. */
#define LOG_SUBSYS ice
#include "ice/ice_sdp.h"

#include <stdio.h>
#include <string.h>

#include "call/call.h"
#include "call/media.h"
#include "commands/flags.h"
#include "config/config.h"
#include "ice/agent.h"
#include "sockaddr.h"

static const struct sdp_line *attr(const GPtrArray *lines, const char *name)
{
	int i = sdp_find(lines, 1, 'a', name);

	return i >= 0 ? lines->pdata[i] : NULL;
}

/* media level first, then session level (RFC 8839 5.4) */
static const struct sdp_line *ice_attr(const struct sdp_session *s, const struct sdp_media *sm,
				       const char *name)
{
	const struct sdp_line *l = attr(sm->lines, name);

	if (!l) {
		int i = sdp_find(s->lines, 0, 'a', name);

		l = i >= 0 ? s->lines->pdata[i] : NULL;
	}
	return l && !str_is_null(l->attr_value) && l->attr_value.len ? l : NULL;
}

/* "foundation component transport priority address port typ type ...":
 * UDP candidates with an address literal (not mDNS names) are used. */
static int parse_candidate(str v, struct ice_cand *c)
{
	str tok[8];
	int64_t comp, prio, port;

	for (int i = 0; i < 8; i++) {
		while (v.len && v.s[0] == ' ')
			v = str_make(v.s + 1, v.len - 1);
		v = str_split(v, ' ', &tok[i]);
		if (!tok[i].len)
			return -1;
	}
	if (str_to_int64(tok[1], 1, 2, &comp) || !str_eq_nocase(tok[2], "UDP") ||
	    str_to_int64(tok[3], 1, 0xffffffffLL, &prio) || str_to_int64(tok[5], 1, 65535, &port) ||
	    !str_eq_c(tok[6], "typ"))
		return -1;
	memset(c, 0, sizeof(*c));
	c->component = (uint8_t)comp;
	c->priority = (uint32_t)prio;
	c->type = str_eq_c(tok[7], "host")    ? ICE_HOST
		  : str_eq_c(tok[7], "srflx") ? ICE_SRFLX
		  : str_eq_c(tok[7], "prflx") ? ICE_PRFLX
		  : str_eq_c(tok[7], "relay") ? ICE_RELAY
					      : 255;
	if (c->type == 255)
		return -1;
	if (sockaddr_from_str(tok[4], AF_INET, (unsigned)port, &c->addr) &&
	    sockaddr_from_str(tok[4], AF_INET6, (unsigned)port, &c->addr))
		return -1;
	return 0;
}

static void sender(struct media *m, const struct sdp_session *s, const struct sdp_media *sm,
		   const struct ng_flags *f, bool answer)
{
	const struct sdp_line *uf = ice_attr(s, sm, "ice-ufrag");
	const struct sdp_line *pw = ice_attr(s, sm, "ice-pwd");
	bool remote_lite = sdp_find(s->lines, 0, 'a', "ice-lite") >= 0;

	if (!uf || !pw || sm->port == 0) {
		/* the party does no ICE (any more): learning decides again */
		ice_free(m->ice);
		m->ice = NULL;
		return;
	}
	bool lite = f->ice_lite == NG_ICE_LITE_BACKWARD || f->ice_lite == NG_ICE_LITE_BOTH;

	if (!m->ice) {
		/* RFC 8445 6.1.1: the offerer controls, unless it is lite and
		 * we are not; toward the answerer we are the offerer */
		bool controlling = answer ? !lite : remote_lite && !lite;

		m->ice = ice_new(m, controlling);
	}
	struct media_ice *ice = m->ice;
	bool had = ice->rufrag != NULL;
	bool changed = had && (strlen(ice->rufrag) != uf->attr_value.len ||
			       memcmp(ice->rufrag, uf->attr_value.s, uf->attr_value.len) ||
			       strlen(ice->rpwd) != pw->attr_value.len ||
			       memcmp(ice->rpwd, pw->attr_value.s, pw->attr_value.len));

	if (f->ice_lite != NG_ICE_LITE_UNSET)
		ice->lite = lite;
	if (ice->lite)
		ice->controlling = false;
	ice->remote_lite = remote_lite;
	ice_set_remote(ice, uf->attr_value.s, uf->attr_value.len, pw->attr_value.s,
		       pw->attr_value.len);
	/* a restart offered by the party: we answer with new credentials too */
	if (changed && !answer)
		ice_new_credentials(ice);
	ice->eoc = attr(sm->lines, "end-of-candidates") != NULL;
	for (unsigned i = 1; i < sm->lines->len; i++) {
		const struct sdp_line *l = sm->lines->pdata[i];
		struct ice_cand c;

		if (l->type == 'a' && str_eq_c(l->attr_name, "candidate") &&
		    !parse_candidate(l->attr_value, &c))
			ice_add_candidate(ice, &c);
	}
	/* learn_sdp may have reset the endpoint: ICE's choice stands */
	for (int k = 0; k < 2; k++)
		if (ice->selected[k])
			m->streams[k].endpoint = ice->selected_addr[k];
	ice_kick(ice);
}

static void recipient(struct media *m, bool sender_ice, const struct ng_flags *f, bool answer,
		      bool rejected)
{
	bool want;

	switch (f->ice) {
	case NG_ICE_FORCE:
	case NG_ICE_OPTIONAL:
		want = true;
		break;
	case NG_ICE_REMOVE:
		want = false;
		break;
	case NG_ICE_FORCE_RELAY:
		/* as rtpengine 10.5: forced in an offer; an answer has ICE
		 * only toward an offerer that did ICE */
		want = answer ? m->ice && m->ice->rufrag : true;
		break;
	default:
		/* an offer passes ICE on if the offerer did ICE; an answer
		 * keeps it toward an offerer that did */
		want = answer ? m->ice && m->ice->rufrag : sender_ice;
		break;
	}
	if (rejected)
		want = false;
	if (!want) {
		ice_free(m->ice);
		m->ice = NULL;
		return;
	}
	bool lite = f->ice_lite == NG_ICE_LITE_FORWARD || f->ice_lite == NG_ICE_LITE_BOTH;

	if (!m->ice)
		m->ice = ice_new(m, !answer && !lite);
	if (f->ice_lite != NG_ICE_LITE_UNSET)
		m->ice->lite = lite;
	if (m->ice->lite)
		m->ice->controlling = false;
	m->ice->trickle = f->trickle_ice;
	m->ice->relay = f->ice == NG_ICE_FORCE_RELAY;
}

int ice_sdp_relay_check(const struct sdp_session *s, const struct sdp_media *sm, str rproto,
			bool keys, const struct ng_flags *f, const char **err)
{
	if (sm->port == 0 || str_has_prefix(sm->proto, "TCP/"))
		return 0;
	/* rtpengine 10.5 writes its own RTP port as a=rtcp under the
	 * sender's address for these */
	if (f->rtcp_mux_offer || f->rtcp_mux_require || f->rtcp_mux_demux || f->rtcp_mux_accept ||
	    f->rtcp_mux_reject) {
		*err = "ICE=force-relay passes the sender's rtcp-mux on: no rtcp-mux flags with it";
		return -1;
	}
	if (ice_attr(s, sm, "ice-ufrag")) {
		*err = "ICE=force-relay with a sender that does ICE itself is not supported";
		return -1;
	}
	if (!str_eq(rproto, sm->proto) || !str_has_prefix(sm->proto, "RTP/AVP") || keys) {
		*err = "ICE=force-relay needs plain RTP with the same protocol on both sides "
		       "(the recipient may send straight to the sender)";
		return -1;
	}
	return 0;
}

void ice_sdp_in(struct monologue *from, struct monologue *to, const struct sdp_session *s,
		const struct ng_flags *f, bool answer)
{
	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];
		struct media *fm = from->medias->pdata[i], *tm = to->medias->pdata[i];

		if (str_has_prefix(sm->proto, "TCP/"))
			continue;
		sender(fm, s, sm, f, answer);
		recipient(tm, fm->ice != NULL, f, answer, sm->port == 0);
	}
}

/* A foundation per address, as rtpengine (16 characters, the same for an
 * address in every call). */
static void foundation(const struct config_interface *intf, char out[17])
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint32_t h = 2166136261u;

	for (const char *p = intf->advertised_str; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (int i = 0; i < 16; i++) {
		h = h * 1103515245u + 12345u;
		out[i] = set[(h >> 16) % (sizeof(set) - 1)];
	}
	out[16] = 0;
}

/* Our candidate on an address of the interface: host, or with
 * ICE=force-relay relay with the same address and port as its related
 * address (what rtpengine 10.5 writes: the relay is its own base). */
static void own_candidate(struct sdp_session *s, GPtrArray *out, const struct media_ice *ice,
			  const char *fd, unsigned comp, bool other_family,
			  const struct config_interface *intf, unsigned port)
{
	uint32_t prio = ice_local_priority(ice, comp, other_family);
	const char *a = intf->advertised_str;
	str v = ice->relay
			? arena_printf(s->arena,
				       "candidate:%s %u UDP %u %s %u typ relay raddr %s rport %u",
				       fd, comp, prio, a, port, a, port)
			: arena_printf(s->arena, "candidate:%s %u UDP %u %s %u typ host", fd, comp,
				       prio, a, port);

	g_ptr_array_add(out, sdp_line_new(s, 'a', v));
}

void ice_sdp_out(struct sdp_session *s, struct media *m, GPtrArray *out, bool comp2, bool in_eoc)
{
	struct media_ice *ice = m->ice;
	const struct config_interface *intf = m->ports.intf;

	if (!ice || !intf)
		return;
	/* a candidate per address of the interface: the chosen family's
	 * first, then the other's (ice/ice_ports.h), as rtpengine 10.5 */
	const struct config_interface *alt = m->alt.intf;
	char fd[17], afd[17];

	foundation(intf, fd);
	if (alt)
		foundation(alt, afd);
	g_ptr_array_add(out,
			sdp_line_new(s, 'a', arena_printf(s->arena, "ice-ufrag:%s", ice->ufrag)));
	g_ptr_array_add(out, sdp_line_new(s, 'a', arena_printf(s->arena, "ice-pwd:%s", ice->pwd)));
	if (ice->trickle)
		g_ptr_array_add(out, sdp_line_new(s, 'a', STR_C("ice-options:trickle")));
	for (unsigned comp = 1; comp <= (comp2 ? 2u : 1u); comp++) {
		own_candidate(s, out, ice, fd, comp, false, intf, m->ports.rtp_port + comp - 1);
		if (alt)
			own_candidate(s, out, ice, afd, comp, true, alt,
				      m->alt.rtp_port + comp - 1);
	}
	if (ice->trickle || in_eoc)
		g_ptr_array_add(out, sdp_line_new(s, 'a', STR_C("end-of-candidates")));
	ice->local_sent = true;
	ice_kick(ice);
}

bool ice_sdp_lite(const struct monologue *ml)
{
	for (unsigned i = 0; i < ml->medias->len; i++) {
		const struct media *m = ml->medias->pdata[i];

		if (m->ice && m->ice->lite)
			return true;
	}
	return false;
}
