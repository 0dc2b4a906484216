/* media_load's calls set up over ng; see media_ng.h. */
#include "media_ng.h"

#include <arpa/inet.h>
#include <glib.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "bencode.h"

#define NG_TIMEOUT_MS 2000
#define NG_TRIES 3

int ng_open(struct ng *ng, const char *hostport)
{
	g_autofree char *host = g_strdup(hostport);
	char *colon = strrchr(host, ':');
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (!colon) {
		fprintf(stderr, "media_load: --ng wants HOST:PORT, got %s\n", hostport);
		return -1;
	}
	*colon = '\0';
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "media_load: not an IPv4 address: %s\n", host);
		return -1;
	}
	ng->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (ng->fd < 0 || connect(ng->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("media_load: ng socket");
		return -1;
	}
	snprintf(ng->run_id, sizeof(ng->run_id), "%lx",
		 (unsigned long)(now_ns() ^ (uint64_t)getpid()));
	return 0;
}

/*
 * Send one request (a bencoded dictionary) and wait for the reply with the
 * same cookie, retransmitting (same cookie) up to NG_TRIES times. Returns
 * the decoded reply dictionary (in arena a, pointing into ng->buf, valid
 * until the next call), or NULL with a reason on stderr.
 */
static bencode_item *ng_call(struct ng *ng, struct arena *a, const bencode_item *req)
{
	g_autoptr(GString) msg = g_string_new(NULL);
	char cookie[32];
	int try;

	snprintf(cookie, sizeof(cookie), "%s_%" PRIu64, ng->run_id, ++ng->seq);
	g_string_append_printf(msg, "%s ", cookie);
	bencode_encode(req, msg);
	for (try = 0; try < NG_TRIES; try++) {
		uint64_t deadline = now_ns() + NG_TIMEOUT_MS * 1000000ull;

		if (send(ng->fd, msg->str, msg->len, 0) < 0) {
			perror("media_load: ng send");
			return NULL;
		}
		for (;;) {
			struct pollfd pfd = { .fd = ng->fd, .events = POLLIN };
			uint64_t now = now_ns();
			size_t clen = strlen(cookie);
			bencode_item *reply;
			struct bencode_error err;
			size_t used;
			ssize_t n;

			if (now >= deadline)
				break;
			if (poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
				continue;
			n = recv(ng->fd, ng->buf, sizeof(ng->buf), 0);
			if (n <= (ssize_t)clen || memcmp(ng->buf, cookie, clen) != 0 ||
			    ng->buf[clen] != ' ')
				continue; /* a late reply to an earlier request */
			if (bencode_decode(a, ng->buf + clen + 1, (size_t)n - clen - 1, NULL,
					   &reply, &used, &err) < 0 ||
			    reply->type != BENCODE_DICT) {
				fprintf(stderr, "media_load: undecodable ng reply\n");
				return NULL;
			}
			return reply;
		}
	}
	fprintf(stderr, "media_load: no ng reply after %d tries of %d ms\n", NG_TRIES,
		NG_TIMEOUT_MS);
	return NULL;
}

/* Endpoint e's SDP: protocol proto, then the media attributes and crypto
 * (an a=crypto line, or ""). */
static char *endpoint_sdp(const struct load *L, unsigned e, const char *proto, const char *crypto)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &L->o->local, addr, sizeof(addr));
	return g_strdup_printf("v=0\r\no=- %u 1 IN IP4 %s\r\ns=media_load\r\nc=IN IP4 %s\r\n"
			       "t=0 0\r\nm=audio %u %s 0\r\na=rtpmap:0 PCMU/8000\r\n"
			       "a=ptime:20\r\na=sendrecv\r\n%s%s",
			       1000 + e, addr, addr, L->o->port_base + e, proto, crypto,
			       strcmp(proto, "RTP/SAVPF") == 0 ? "a=rtcp-mux\r\n" : "");
}

/* The address and port of the (first) audio stream of an SDP body: the
 * media-level c= line if any, else the session-level one. */
static int sdp_media_addr(str sdp, struct sockaddr_in *out)
{
	g_autofree char *body = g_strndup(sdp.s, sdp.len);
	char **lines = g_strsplit(body, "\n", -1);
	char sess[64] = "", media[64] = "";
	unsigned port = 0;
	bool in_audio = false;
	int rc = -1, i;

	for (i = 0; lines[i]; i++) {
		char *l = g_strchomp(lines[i]);
		char a[64];

		if (g_str_has_prefix(l, "m=")) {
			if (port)
				break; /* only the first audio section */
			in_audio = sscanf(l, "m=audio %u", &port) == 1;
		} else if (sscanf(l, "c=IN IP4 %63s", a) == 1) {
			g_strlcpy(in_audio ? media : sess, a, sizeof(sess));
		}
	}
	g_strfreev(lines);
	*out = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (port && port < 65536 &&
	    inet_pton(AF_INET, media[0] ? media : sess, &out->sin_addr) == 1)
		rc = 0;
	return rc;
}

/*
 * One offer or answer for call c with sdp (and the ng key
 * "transport-protocol" when transport is not NULL); fills *relay from the
 * returned SDP and, when srtp is not NULL, gives that endpoint the relay's
 * key from it (*tag: its a=crypto tag).
 */
static int ng_offer_answer(struct load *L, struct ng *ng, unsigned c, bool answer, const char *sdp,
			   const char *transport, struct sockaddr_in *relay, struct srtpep *srtp,
			   unsigned *tag)
{
	struct arena *a = arena_new(0);
	char why[256];
	g_autofree char *call_id = g_strdup_printf("mload-%s-%u", ng->run_id, c);
	g_autofree char *from = g_strdup_printf("a%u", c);
	g_autofree char *to = g_strdup_printf("b%u", c);
	bencode_item *req = bencode_new_dict(a), *reply;
	str result, out_sdp, reason;
	int rc = -1;

	bencode_dict_add_cstr(a, req, "command", answer ? "answer" : "offer");
	bencode_dict_add_cstr(a, req, "call-id", call_id);
	bencode_dict_add_cstr(a, req, "from-tag", from);
	if (answer)
		bencode_dict_add_cstr(a, req, "to-tag", to);
	bencode_dict_add_cstr(a, req, "sdp", sdp);
	if (transport)
		bencode_dict_add_cstr(a, req, "transport-protocol", transport);
	/* WebRTC side muxed, plain side not: demux toward a plain B, offer mux
	 * toward a SAVPF B */
	if (!answer && L->o->savpf)
		bencode_list_add_cstr(a, bencode_dict_add_list(a, req, "rtcp-mux"),
				      L->o->srtp == SRTP_TO_RTP ? "demux" : "offer");
	reply = ng_call(ng, a, req);
	if (!reply)
		goto out;
	if (!bencode_dict_get_str(reply, "result", &result) || result.len != 2 ||
	    memcmp(result.s, "ok", 2) != 0) {
		if (!bencode_dict_get_str(reply, "error-reason", &reason))
			reason = (str){ "(no reason)", 11 };
		fprintf(stderr, "media_load: %s of call %u failed: %.*s\n",
			answer ? "answer" : "offer", c, (int)reason.len, reason.s);
		goto out;
	}
	if (!bencode_dict_get_str(reply, "sdp", &out_sdp) || sdp_media_addr(out_sdp, relay) < 0) {
		fprintf(stderr, "media_load: %s of call %u: no audio address in the reply SDP\n",
			answer ? "answer" : "offer", c);
		goto out;
	}
	if (srtp &&
	    srtpep_set_peer_from_sdp(srtp, out_sdp.s, out_sdp.len, tag, why, sizeof(why)) < 0) {
		fprintf(stderr, "media_load: %s of call %u: %s\n", answer ? "answer" : "offer", c,
			why);
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* Set up call c: the offer's SDP goes to B (B sends there), the answer's
 * to A; with --srtp, as the mode at the top of this file says. */
static int ng_setup_call(struct load *L, struct ng *ng, unsigned c)
{
	struct srtpep *sa = L->srtp ? L->srtp[2 * c] : NULL,
		      *sb = L->srtp ? L->srtp[2 * c + 1] : NULL;
	g_autofree char *crypto_a = sa ? srtpep_crypto_line(sa, 1) : g_strdup("");
	const char *savp = L->o->savpf ? "RTP/SAVPF" : "RTP/SAVP";
	g_autofree char *offer = endpoint_sdp(L, 2 * c, sa ? savp : "RTP/AVP", crypto_a);
	g_autofree char *crypto_b = NULL, *answer = NULL;
	const char *transport = NULL;
	unsigned tag = 0;

	if (L->o->srtp == SRTP_TO_RTP)
		transport = "RTP/AVP";
	else if (L->o->srtp == RTP_TO_SRTP)
		transport = savp;
	if (ng_offer_answer(L, ng, c, false, offer, transport, &L->dest[2 * c + 1], sb, &tag) < 0)
		return -1;
	crypto_b = sb ? srtpep_crypto_line(sb, tag) : g_strdup("");
	answer = endpoint_sdp(L, 2 * c + 1, sb ? savp : "RTP/AVP", crypto_b);
	return ng_offer_answer(L, ng, c, true, answer, NULL, &L->dest[2 * c], sa, &tag);
}

int ng_setup(struct load *L, struct ng *ng)
{
	uint64_t t = now_ns();
	unsigned c;

	for (c = 0; c < L->o->calls; c++)
		if (ng_setup_call(L, ng, c) < 0)
			return -1;
	fprintf(stderr, "media_load: %u calls set up over ng in %.2f s\n", L->o->calls,
		(double)(now_ns() - t) / 1e9);
	return 0;
}

void ng_teardown(struct load *L, struct ng *ng)
{
	unsigned c;

	for (c = 0; c < L->o->calls; c++) {
		struct arena *a = arena_new(0);
		bencode_item *req = bencode_new_dict(a);
		g_autofree char *call_id = g_strdup_printf("mload-%s-%u", ng->run_id, c);

		bencode_dict_add_cstr(a, req, "command", "delete");
		bencode_dict_add_cstr(a, req, "call-id", call_id);
		bencode_dict_add_int(a, req, "delete delay", 0);
		ng_call(ng, a, req);
		arena_free(a);
	}
}
