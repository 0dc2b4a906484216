/*
 * SDP rewriting for plain RTP. See sdp_rewrite.h for the layout contract.
 * All new strings come from the session's arena; nothing here frees.
 */
#define LOG_SUBSYS control
#include "commands/sdp_rewrite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "call/call.h"
#include "call/media.h"
#include "commands/flags.h"
#include "commands/sdp_attr.h"
#include "commands/sdp_dtls.h"
#include "commands/sdp_sdes.h"
#include "config/config.h"
#include "ice/ice_sdp.h"
#include "sdp_direction.h"
#include "sockaddr.h"

static const char *const static_rtpmaps[35] = {
	[0] = "PCMU/8000",    [3] = "GSM/8000",    [4] = "G723/8000",   [5] = "DVI4/8000",
	[6] = "DVI4/16000",   [7] = "LPC/8000",    [8] = "PCMA/8000",   [9] = "G722/8000",
	[10] = "L16/44100/2", [11] = "L16/44100",  [12] = "QCELP/8000", [13] = "CN/8000",
	[14] = "MPA/90000",   [15] = "G728/8000",  [16] = "DVI4/11025", [17] = "DVI4/22050",
	[18] = "G729/8000",   [25] = "CelB/90000", [26] = "JPEG/90000", [28] = "nv/90000",
	[31] = "H261/90000",  [32] = "MPV/90000",  [33] = "MP2T/90000", [34] = "H263/90000",
};

const char *sdp_rewrite_static_rtpmap(unsigned pt)
{
	return pt < G_N_ELEMENTS(static_rtpmaps) ? static_rtpmaps[pt] : NULL;
}

static bool is_ice_attr(str name)
{
	static const char *const ice[] = { "ice-ufrag", "ice-pwd",           "ice-options",
					   "ice-lite",  "ice-mismatch",      "ice-pacing",
					   "candidate", "end-of-candidates", "remote-candidates" };

	for (size_t i = 0; i < G_N_ELEMENTS(ice); i++)
		if (str_eq_c(name, ice[i]))
			return true;
	return false;
}

/* c= line: the relay's address, unless it is the hold address 0.0.0.0. */
static void rewrite_connection(struct sdp_session *s, struct sdp_line *l,
			       const struct config_interface *intf, const struct ng_flags *f)
{
	struct sdp_connection c;

	if (sdp_parse_connection(l->value, &c) == 0 && sockaddr_str_is_any(c.address) &&
	    !f->replace_zero_address)
		return;
	sdp_line_set(s, l,
		     arena_printf(s->arena, "IN %s %s", sockaddr_family_token(intf->family),
				  intf->advertised_str));
}

/* The payload type that an "a=rtpmap:PT ...", "a=fmtp:PT ..." line is about. */
static int attr_pt(const struct sdp_line *l)
{
	str pt;
	int64_t v;

	if (str_is_null(l->attr_value))
		return -1;
	str_split(l->attr_value, ' ', &pt);
	if (str_to_int64(pt, 0, 127, &v))
		return -1;
	return (int)v;
}

/* Whether the session-level c= is in use: some m= section has no c= of its
 * own. rtpengine 10.5 leaves an unused session c= as it came (unless
 * told replace session-connection). */
static bool session_connection_used(const struct sdp_session *s)
{
	for (unsigned i = 0; i < s->media->len; i++) {
		const struct sdp_media *sm = s->media->pdata[i];

		if (sdp_find(sm->lines, 1, 'c', NULL) < 0)
			return true;
	}
	return false;
}

/* The body without its o= line: what "replace sdp-version" compares, so
 * that a version the offerer bumped itself does not count as a change. */
static char *body_without_origin(str body)
{
	GString *g = g_string_sized_new(body.len);
	str rest = body, line;

	while (rest.len) {
		rest = str_split(rest, '\n', &line);
		if (line.len >= 2 && line.s[0] == 'o' && line.s[1] == '=')
			continue;
		g_string_append_len(g, line.s, (gssize)line.len);
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

static void rewrite_origin(struct sdp_session *s, struct sdp_line *l, str body,
			   struct monologue *to, const struct ng_flags *f)
{
	struct sdp_origin o;

	if (sdp_parse_origin(l->value, &o))
		return;
	str user = o.username, nettype = o.nettype, addrtype = o.addrtype, addr = o.address;
	str version = o.version;

	if (f->replace_origin) {
		nettype = STR_C("IN");
		addrtype = str_from(sockaddr_family_token(to->intf->family));
		addr = str_from(to->intf->advertised_str);
	}
	/* replace-username: the username of the party's first SDP in every
	 * later one too (rtpengine 10.5) */
	struct monologue *author = to->peer;

	if (author && !author->origin_username)
		author->origin_username = str_dup(o.username);
	if (f->replace_username && author)
		user = str_from(author->origin_username);
	if (f->replace_sdp_version || f->replace_force_increment_sdp_version) {
		/* Keep the version the receiving party saw unless the body changed
		 * (or an increment is forced); never let it go backwards. */
		if (to->sent_origin_version) {
			uint64_t v = g_ascii_strtoull(to->sent_origin_version, NULL, 10);
			g_autofree char *cmp = body_without_origin(body);
			bool changed = !to->last_body_in || strcmp(cmp, to->last_body_in);

			if (changed || f->replace_force_increment_sdp_version)
				v++;
			version = arena_printf(s->arena, "%" G_GUINT64_FORMAT, v);
		}
	}
	g_free(to->sent_origin_version);
	to->sent_origin_version = str_dup(version);
	g_free(to->last_body_in);
	to->last_body_in = body_without_origin(body);
	sdp_line_set(s, l,
		     arena_printf(s->arena, "%.*s %.*s %.*s %.*s %.*s %.*s", STR_FMT(user),
				  STR_FMT(o.session_id), STR_FMT(version), STR_FMT(nettype),
				  STR_FMT(addrtype), STR_FMT(addr)));
}

/* Whether the connection a media uses (its own c=, else the session's) is
 * the hold address 0.0.0.0 / ::. */
static bool media_on_hold_address(const struct sdp_session *s, const struct sdp_media *sm)
{
	int i = sdp_find(sm->lines, 1, 'c', NULL);
	const struct sdp_line *l = i >= 0 ? sm->lines->pdata[i] : NULL;
	struct sdp_connection c;

	if (!l) {
		i = sdp_find(s->lines, 0, 'c', NULL);
		l = i >= 0 ? s->lines->pdata[i] : NULL;
	}
	return l && sdp_parse_connection(l->value, &c) == 0 && sockaddr_str_is_any(c.address);
}

/* Whether the m= format list names payload type pt. */
static bool fmts_have_pt(str fmts, int pt)
{
	str rest = fmts, tok;
	int64_t v;

	while (rest.len) {
		rest = str_split(rest, ' ', &tok);
		if (tok.len && !str_to_int64(tok, 0, 127, &v) && v == pt)
			return true;
	}
	return false;
}

/*
 * A TCP media (TCP/MSRP, TCP/TLS/MSRP, ...) is not relayed: it goes on as it
 * came, with the sender's address in a c= of its own when it used the
 * session's (which now names the relay), as rtpengine 10.5 does.
 */
static void pass_tcp_media(struct sdp_session *s, struct sdp_media *sm, str sess_c)
{
	if (sdp_find(sm->lines, 1, 'c', NULL) >= 0 || !sess_c.s)
		return;
	g_ptr_array_insert(sm->lines, 1, sdp_line_new(s, 'c', sess_c));
}

static const struct media *media_of(const struct monologue *ml, unsigned index)
{
	return ml && index - 1 < ml->medias->len ? ml->medias->pdata[index - 1] : NULL;
}

/* The encoding name of payload type pt in lines ("PCMA" of "a=rtpmap:8
 * PCMA/8000", or of the static table); STR_NULL if unknown. */
static str encoding_of(const GPtrArray *lines, int64_t pt)
{
	str name, rest;

	for (unsigned i = 1; i < lines->len; i++) {
		const struct sdp_line *l = lines->pdata[i];

		if (l->type == 'a' && str_eq_c(l->attr_name, "rtpmap") && attr_pt(l) == pt) {
			rest = str_split(l->attr_value, ' ', &name);
			str_split(rest, '/', &name);
			return name;
		}
	}
	const char *st = pt >= 0 ? sdp_rewrite_static_rtpmap((unsigned)pt) : NULL;

	if (!st)
		return STR_NULL;
	str_split(str_from(st), '/', &name);
	return name;
}

/* Encoding names compare without case, as rtpengine 10.5 compares them. */
static bool listed(const str *names, unsigned n, str name)
{
	for (unsigned i = 0; i < n; i++)
		if (name.s && names[i].len == name.len &&
		    !g_ascii_strncasecmp(names[i].s, name.s, name.len))
			return true;
	return false;
}

/*
 * codec strip/mask/except in an offer: the payload types whose encoding
 * name (any case) is stripped, or all but the except ones with
 * "all", leave the m= line (their rtpmap/fmtp/rtcp-fb lines with them, as
 * the lines of unlisted types go). What would strip every codec strips
 * nothing, as rtpengine 10.5 does. The receiver's media remembers what it
 * was offered (restrict_answer).
 */
static str strip_codecs(struct sdp_session *s, const struct sdp_media *sm, const struct ng_flags *f,
			struct media *receiver)
{
	GString *kept = g_string_new(NULL);
	str rest = sm->fmts, tok;
	bool stripped = false;
	uint8_t pts[16] = { 0 };

	while (rest.len) {
		int64_t pt;

		rest = str_split(rest, ' ', &tok);
		if (!tok.len)
			continue;
		if (!str_to_int64(tok, 0, 127, &pt)) {
			str name = encoding_of(sm->lines, pt);
			bool strip = f->codec_strip_all
					     ? !listed(f->codec_except, f->n_codec_except, name)
					     : listed(f->codec_strip, f->n_codec_strip, name);

			if (strip) {
				stripped = true;
				continue;
			}
			pts[pt / 8] |= (uint8_t)(1u << (pt % 8));
		}
		g_string_append_printf(kept, "%s%.*s", kept->len ? " " : "", STR_FMT(tok));
	}
	str out = sm->fmts;

	receiver->pts_restricted = stripped && kept->len;
	if (receiver->pts_restricted) {
		out = arena_strdup(s->arena, (str){ kept->str, kept->len });
		memcpy(receiver->offered_pts, pts, sizeof(pts));
	}
	g_string_free(kept, TRUE);
	return out;
}

/* An answer lists only payload types its author was offered (after codec
 * strip/mask), as rtpengine 10.5 answers. */
static str restrict_answer(struct sdp_session *s, const struct sdp_media *sm,
			   const struct media *author)
{
	GString *kept = g_string_new(NULL);
	str rest = sm->fmts, tok, out;

	while (rest.len) {
		int64_t pt;

		rest = str_split(rest, ' ', &tok);
		if (!tok.len || (!str_to_int64(tok, 0, 127, &pt) &&
				 !(author->offered_pts[pt / 8] & (1u << (pt % 8)))))
			continue;
		g_string_append_printf(kept, "%s%.*s", kept->len ? " " : "", STR_FMT(tok));
	}
	out = kept->len ? arena_strdup(s->arena, (str){ kept->str, kept->len }) : sm->fmts;
	g_string_free(kept, TRUE);
	return out;
}

static int rewrite_media(struct sdp_session *s, struct sdp_media *sm, struct media *m,
			 unsigned index, bool hold, const struct sdp_line *session_dir,
			 const struct ng_flags *f, const struct sdes_plan *sdes,
			 const struct dtls_plan *dtls, bool answer, const char **err)
{
	const struct config_interface *intf = m->ml->intf;
	GPtrArray *in = sm->lines, *out = g_ptr_array_sized_new(in->len + 8);
	GPtrArray *other = g_ptr_array_new(), *codec = g_ptr_array_new();
	GPtrArray *ice = g_ptr_array_new();
	struct sdp_line *dir = NULL, *mux = NULL, *mid = NULL;
	GPtrArray *ptimes = g_ptr_array_new();
	bool rejected = sm->port == 0;
	/* ICE=force-relay: the sender's own c=, m= port, a=rtcp and
	 * a=rtcp-mux go on; rtprelay is in its relay candidates only
	 * (ice/ice_sdp.h), as rtpengine 10.5 does */
	bool keep = f->ice == NG_ICE_FORCE_RELAY;
	unsigned port = rejected ? 0 : keep ? sm->port : m->ports.rtp_port;
	/* an answer's protocol is the one its offerer offered */
	str proto = f->transport_protocol.s              ? f->transport_protocol
		    : answer && m->protocol && !rejected ? str_from(m->protocol)
							 : sm->proto;
	bool rtp = str_has_prefix(proto, "RTP/") || str_has_prefix(proto, "UDP/TLS/RTP/");

	if (!rejected && !m->ports.intf) {
		*err = "internal error: media without ports";
		goto err_free;
	}
	const struct media *author = media_of(m->ml->peer, index);

	if (rtp && !answer && !rejected) {
		if (f->n_codec_strip || f->codec_strip_all)
			sm->fmts = strip_codecs(s, sm, f, m);
		else
			m->pts_restricted = false;
	}
	if (rtp && answer && !rejected && author && author->pts_restricted)
		sm->fmts = restrict_answer(s, sm, author);
	/* m= line: our port, no port count (one pair per media). */
	struct sdp_line *ml = in->pdata[0];

	sdp_line_set(s, ml,
		     arena_printf(s->arena, "%.*s %u %.*s%s%.*s", STR_FMT(sm->media), port,
				  STR_FMT(proto), sm->fmts.len ? " " : "", STR_FMT(sm->fmts)));
	g_ptr_array_add(out, ml);
	for (unsigned i = 1; i < in->len; i++) {
		struct sdp_line *l = in->pdata[i];

		if (l->type != 'a') {
			if (l->type == 'c' && !keep)
				rewrite_connection(s, l, intf, f);
			g_ptr_array_add(out, l);
		} else if (is_ice_attr(l->attr_name)) {
			g_ptr_array_add(ice, l);
		} else if (str_eq_c(l->attr_name, "rtpmap") || str_eq_c(l->attr_name, "fmtp") ||
			   (str_eq_c(l->attr_name, "rtcp-fb") && attr_pt(l) >= 0)) {
			g_ptr_array_add(codec, l);
		} else if (sdp_direction_parse(l->attr_name) >= 0) {
			dir = l;
		} else if (str_eq_c(l->attr_name, "rtcp")) {
			/* replaced by ours below */
			if (keep)
				g_ptr_array_add(other, l);
		} else if (str_eq_c(l->attr_name, "rtcp-mux")) {
			mux = l;
		} else if (str_eq_c(l->attr_name, "ptime")) {
			/* rtpengine 10.5 keeps the first a=ptime only */
			if (!ptimes->len)
				g_ptr_array_add(ptimes, l);
		} else if (str_eq_c(l->attr_name, "mid")) {
			if (!mid)
				mid = l;
		} else if (str_eq_c(l->attr_name, "extmap") && f->strip_extmap) {
			/* dropped */
		} else if (str_eq_c(l->attr_name, "crypto")) {
			/* what the receiver gets: sdes_plan_lines below */
		} else if (dtls_attr(l->attr_name)) {
			/* what the receiver gets: dtls_plan_lines below */
		} else {
			g_ptr_array_add(other, l);
		}
	}
	for (unsigned i = 0; i < other->len; i++)
		g_ptr_array_add(out, other->pdata[i]);
	/* a=mid after the other attributes; generate-mid numbers the m=
	 * sections of an offer that have none from 1. */
	if (!mid && f->generate_mid && !answer && !rejected)
		mid = sdp_line_new(s, 'a', arena_printf(s->arena, "mid:%u", index));
	/* an offerer that gave none gets none back (generate-mid made them
	 * for the callee only); one that gave one gets it back, whether the
	 * answerer wrote it or not (RFC 5888; WebRTC peers refuse an answer
	 * without it) */
	if (answer && !m->sdp_mid)
		mid = NULL;
	else if (answer && !mid && m->mid && !rejected)
		mid = sdp_line_new(s, 'a', arena_printf(s->arena, "mid:%s", m->mid));
	if (mid)
		g_ptr_array_add(out, mid);
	/* A rejected stream keeps its other attributes and a=mid (as
	 * rtpengine 10.5 does); no codecs, direction, RTCP or keys. */
	if (rejected)
		goto done;
	/* Per codec, in m= order: rtpmap (made up for static types), fmtp, rtcp-fb. */
	if (rtp) {
		str rest = sm->fmts, tok;

		while (rest.len) {
			rest = str_split(rest, ' ', &tok);
			int64_t pt;

			if (!tok.len)
				continue;
			if (str_to_int64(tok, 0, 127, &pt))
				continue;
			bool have_rtpmap = false;

			for (unsigned i = 0; i < codec->len; i++) {
				struct sdp_line *l = codec->pdata[i];

				if (attr_pt(l) == pt && str_eq_c(l->attr_name, "rtpmap"))
					have_rtpmap = true;
			}
			if (!have_rtpmap && sdp_rewrite_static_rtpmap((unsigned)pt))
				g_ptr_array_add(out,
						sdp_line_new(s, 'a',
							     arena_printf(s->arena, "rtpmap:%d %s",
									  (int)pt,
									  sdp_rewrite_static_rtpmap(
										  (unsigned)pt))));
			for (const char *kind = "rtpmap"; kind;
			     kind = !strcmp(kind, "rtpmap") ? "fmtp"
				    : !strcmp(kind, "fmtp") ? "rtcp-fb"
							    : NULL)
				for (unsigned i = 0; i < codec->len; i++) {
					struct sdp_line *l = codec->pdata[i];

					if (attr_pt(l) == pt && str_eq_c(l->attr_name, kind)) {
						g_ptr_array_add(out, l);
						codec->pdata[i] = NULL;
						g_ptr_array_remove_index(codec, i--);
					}
				}
		}
	}
	/* Codec attributes for payload types the m= line does not list are
	 * dropped (rtpengine 10.5 prints only the m= line's codecs); a
	 * non-RTP m= line keeps them all. */
	for (unsigned i = 0; i < codec->len; i++)
		if (!rtp || fmts_have_pt(sm->fmts, attr_pt(codec->pdata[i])))
			g_ptr_array_add(out, codec->pdata[i]);
	/* The direction: the media's own, else the session's (which moves
	 * here), else sendonly on the hold address, else sendrecv. */
	if (!dir && !f->original_sendrecv)
		dir = session_dir ? sdp_line_new(s, 'a', session_dir->value)
		      : hold      ? sdp_line_new(s, 'a', STR_C("sendonly"))
				  : sdp_line_new(s, 'a', STR_C("sendrecv"));
	if (dir)
		g_ptr_array_add(out, dir);
	/* rtcp-mux is negotiated per side. Towards a callee (offer) we pass
	 * the offered mux on unless told to demux it, and add it when
	 * told to offer or require it. Towards the offerer (answer) we accept
	 * the mux it offered when the answerer did, or when we demux ourselves
	 * (demux/accept now or at the offer), as rtpengine does; reject given
	 * with the offer or the answer refuses it. */
	if (keep) {
		if (answer)
			m->rtcp_mux = mux != NULL;
	} else if (answer) {
		bool accept = mux || m->rtcp_demux || f->rtcp_mux_demux || f->rtcp_mux_accept ||
			      m->rtcp_mux_accept;

		mux = m->rtcp_mux && accept && !f->rtcp_mux_reject && !m->rtcp_mux_reject
			      ? (mux ? mux : sdp_line_new(s, 'a', STR_C("rtcp-mux")))
			      : NULL;
		/* The offerer will use mux only if we accepted it. */
		m->rtcp_mux = mux != NULL;
	} else if (f->rtcp_mux_demux)
		mux = NULL; /* reject is about the offerer's side: the callee may mux */
	else if (!mux && (f->rtcp_mux_offer || f->rtcp_mux_require))
		mux = sdp_line_new(s, 'a', STR_C("rtcp-mux"));
	/* RTCP only where there is RTP: not for udptl, UDP/BFCP, ... */
	if (!rtp)
		mux = NULL;
	if (rtp && !f->no_rtcp_attribute && !keep) {
		/* mux-only (answer with mux, offer with require): RTCP on the
		 * RTP port */
		unsigned rtcp = mux && (answer || f->rtcp_mux_require || m->rtcp_mux) ? port
										      : port + 1;

		if (f->full_rtcp_attribute)
			g_ptr_array_add(
				out, sdp_line_new(s, 'a',
						  arena_printf(s->arena, "rtcp:%u IN %s %s", rtcp,
							       sockaddr_family_token(intf->family),
							       intf->advertised_str)));
		else
			g_ptr_array_add(out, sdp_line_new(s, 'a',
							  arena_printf(s->arena, "rtcp:%u", rtcp)));
	}
	if (mux)
		g_ptr_array_add(out, mux);
	sdes_plan_lines(sdes, s, in, out);
	dtls_plan_lines(dtls, s, out);
	for (unsigned i = 0; i < ptimes->len; i++)
		g_ptr_array_add(out, ptimes->pdata[i]);
	/* The party's ICE lines never pass (its candidates would route media
	 * around the relay); rtprelay's own, when it is the party's agent. */
	ice_sdp_out(s, m, out, !(mux && (answer || f->rtcp_mux_require || m->rtcp_mux)),
		    sdp_find(ice, 0, 'a', "end-of-candidates") >= 0);
done:
	g_ptr_array_free(sm->lines, TRUE);
	sm->lines = out;
	sdp_media_reparse(sm);
	g_ptr_array_free(other, TRUE);
	g_ptr_array_free(codec, TRUE);
	g_ptr_array_free(ice, TRUE);
	g_ptr_array_free(ptimes, TRUE);
	return 0;

err_free:
	g_ptr_array_free(out, TRUE);
	g_ptr_array_free(other, TRUE);
	g_ptr_array_free(codec, TRUE);
	g_ptr_array_free(ice, TRUE);
	g_ptr_array_free(ptimes, TRUE);
	return -1;
}

/* Session attributes rtpengine 10.5 does not pass on: BUNDLE groups (it
 * does its own bundling or none), and a=extmap with strip-extmap. */
static bool drop_session_attr(const struct sdp_line *l, const struct ng_flags *f)
{
	if (str_eq_c(l->attr_name, "group") && str_has_prefix(l->attr_value, "BUNDLE"))
		return true;
	return f->strip_extmap && str_eq_c(l->attr_name, "extmap");
}

int sdp_rewrite(struct sdp_session *s, str body, struct monologue *to, const struct ng_flags *f,
		const struct sdes_plan *sdes, const struct dtls_plan *dtls, bool answer,
		const char **err)
{
	const struct sdp_line *session_dir = NULL;
	bool sess_conn = session_connection_used(s);
	/* the hold address as the sender wrote it, before c= is rewritten */
	g_autofree bool *hold = g_new0(bool, s->media->len + 1);

	for (unsigned i = 0; i < s->media->len; i++)
		hold[i] = media_on_hold_address(s, s->media->pdata[i]);

	/* the sender's session c=, before it is rewritten (TCP media) */
	int sc = sdp_find(s->lines, 0, 'c', NULL);
	str sess_c = sc >= 0 ? ((const struct sdp_line *)s->lines->pdata[sc])->value : STR_NULL;

	if (s->media->len > to->medias->len) {
		*err = "internal error: more m= lines than medias";
		return -1;
	}
	for (unsigned i = 0; i < s->lines->len;) {
		struct sdp_line *l = s->lines->pdata[i];

		if (l->type == 'o')
			rewrite_origin(s, l, body, to, f);
		else if (l->type == 'c' && (sess_conn || f->replace_session_connection) &&
			 f->ice != NG_ICE_FORCE_RELAY)
			rewrite_connection(s, l, to->intf, f);
		else if (l->type == 'a' && (is_ice_attr(l->attr_name) || drop_session_attr(l, f) ||
					    dtls_attr(l->attr_name))) {
			g_ptr_array_remove_index(s->lines, i);
			continue;
		} else if (l->type == 'a' && sdp_direction_parse(l->attr_name) >= 0) {
			/* moves into every m= section (rtpengine 10.5), unless the
			 * operator wants the direction as it came */
			session_dir = l;
			if (!f->original_sendrecv) {
				g_ptr_array_remove_index(s->lines, i);
				continue;
			}
		}
		i++;
	}
	if (ice_sdp_lite(to))
		g_ptr_array_add(s->lines, sdp_line_new(s, 'a', STR_C("ice-lite")));
	for (unsigned i = 0; i < s->media->len; i++) {
		struct sdp_media *sm = s->media->pdata[i];

		if (str_has_prefix(sm->proto, "TCP/")) {
			pass_tcp_media(s, sm, sess_c);
			continue;
		}
		if (rewrite_media(s, sm, to->medias->pdata[i], i + 1, hold[i], session_dir, f,
				  &sdes[i], &dtls[i], answer, err))
			return -1;
	}
	sdp_attr_apply(s, f);
	/* One line ending throughout (the input's usual one), and no blank
	 * lines after the body, whatever the sender mixed in. */
	sdp_normalize_eol(s);
	s->trailer = STR_NULL;
	return 0;
}
