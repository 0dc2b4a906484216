/* ng requests of one synthetic call, and the checks on their replies. */
#include "call_msgs.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "bencode.h"
#include "str.h"

/* A UA's SDP as a SIP proxy would relay it; the media port and session id
 * vary per call so no two calls look the same. About 290 bytes. */
static const char sdp_fmt[] = "v=0\r\n"
			      "o=%s %u %u IN IP4 127.0.0.1\r\n"
			      "s=SIP Call\r\n"
			      "c=IN IP4 127.0.0.1\r\n"
			      "t=0 0\r\n"
			      "m=audio %u RTP/AVP 0 8 101\r\n"
			      "a=rtpmap:0 PCMU/8000\r\n"
			      "a=rtpmap:8 PCMA/8000\r\n"
			      "a=rtpmap:101 telephone-event/8000\r\n"
			      "a=fmtp:101 0-16\r\n"
			      "a=ptime:20\r\n"
			      "a=maxptime:150\r\n"
			      "a=sendrecv\r\n";

bool callmsg_no_media;

const char *callmsg_name(enum callmsg_kind k)
{
	switch (k) {
	case CALLMSG_OFFER:
		return "offer";
	case CALLMSG_ANSWER:
		return "answer";
	case CALLMSG_DELETE:
		return "delete";
	case CALLMSG_PING:
		return "ping";
	case CALLMSG_LIST:
		return "list";
	}
	return "?";
}

/* The options Kamailio sends for rtpengine_manage("replace-origin
 * replace-session-connection ICE=remove trust-address"). */
static void add_sdp_options(struct arena *a, bencode_item *d)
{
	bencode_item *l = bencode_dict_add_list(a, d, "flags");

	bencode_list_add_cstr(a, l, "trust-address");
	l = bencode_dict_add_list(a, d, "replace");
	bencode_list_add_cstr(a, l, "origin");
	bencode_list_add_cstr(a, l, "session-connection");
	bencode_dict_add_cstr(a, d, "ICE", "remove");
}

void callmsg_build(GString *out, const char *cookie, enum callmsg_kind k, const char *call_id,
		   unsigned idx)
{
	struct arena *a = arena_new(2048);
	bencode_item *d = bencode_new_dict(a);
	char from_tag[32], to_tag[32], sdp[512];
	/* Port 0: media rejected, the daemon binds no socket for the call. */
	unsigned port = callmsg_no_media ? 0 : 10000 + 4 * (idx % 10000);

	snprintf(from_tag, sizeof(from_tag), "ft%x.a", idx);
	snprintf(to_tag, sizeof(to_tag), "tt%x.b", idx);

	bencode_dict_add_cstr(a, d, "command", callmsg_name(k));
	switch (k) {
	case CALLMSG_OFFER:
		snprintf(sdp, sizeof(sdp), sdp_fmt, "caller", 1000000 + idx, 1000000 + idx, port);
		bencode_dict_add_cstr(a, d, "call-id", call_id);
		bencode_dict_add_cstr(a, d, "from-tag", from_tag);
		bencode_dict_add_cstr(a, d, "sdp", sdp);
		add_sdp_options(a, d);
		break;
	case CALLMSG_ANSWER:
		snprintf(sdp, sizeof(sdp), sdp_fmt, "callee", 2000000 + idx, 2000000 + idx,
			 port ? port + 2 : 0);
		bencode_dict_add_cstr(a, d, "call-id", call_id);
		bencode_dict_add_cstr(a, d, "from-tag", from_tag);
		bencode_dict_add_cstr(a, d, "to-tag", to_tag);
		bencode_dict_add_cstr(a, d, "sdp", sdp);
		add_sdp_options(a, d);
		break;
	case CALLMSG_DELETE:
		bencode_dict_add_cstr(a, d, "call-id", call_id);
		bencode_dict_add_cstr(a, d, "from-tag", from_tag);
		bencode_dict_add_cstr(a, d, "to-tag", to_tag);
		bencode_dict_add_int(a, d, "delete delay", 0);
		break;
	case CALLMSG_LIST:
		/* enough to see leftovers; a UDP reply cannot hold 10,000 ids */
		bencode_dict_add_int(a, d, "limit", 1000);
		break;
	case CALLMSG_PING:
		break;
	}

	g_string_append(out, cookie);
	g_string_append_c(out, ' ');
	bencode_encode(d, out);
	arena_free(a);
}

int callmsg_check_reply(enum callmsg_kind k, const char *body, size_t len, char *reason,
			size_t size, long *n_calls)
{
	struct arena *a = arena_new(4096);
	bencode_item *d = NULL;
	struct bencode_error err = { 0 };
	size_t used = 0;
	str result = STR_NULL, why = STR_NULL, sdp = STR_NULL;
	int ret = -1;

	if (bencode_decode(a, body, len, NULL, &d, &used, &err) != 0) {
		snprintf(reason, size, "undecodable reply at byte %zu: %s", err.offset,
			 err.reason ? err.reason : "?");
		goto out;
	}
	if (d->type != BENCODE_DICT) {
		snprintf(reason, size, "reply is not a dictionary");
		goto out;
	}
	if (!bencode_dict_get_str(d, "result", &result)) {
		snprintf(reason, size, "reply without result");
		goto out;
	}
	if (!str_eq_c(result, k == CALLMSG_PING ? "pong" : "ok")) {
		bencode_dict_get_str(d, "error-reason", &why);
		snprintf(reason, size, "%s: result %.*s: %.*s", callmsg_name(k), STR_FMT(result),
			 STR_FMT(why));
		goto out;
	}
	if ((k == CALLMSG_OFFER || k == CALLMSG_ANSWER) &&
	    (!bencode_dict_get_str(d, "sdp", &sdp) || !sdp.len)) {
		snprintf(reason, size, "%s: reply without sdp", callmsg_name(k));
		goto out;
	}
	if (k == CALLMSG_LIST && n_calls) {
		bencode_item *calls = bencode_dict_get(d, "calls");

		*n_calls = calls && calls->type == BENCODE_LIST ? (long)calls->count : -1;
	}
	ret = 0;
out:
	arena_free(a);
	return ret;
}
