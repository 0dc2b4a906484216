/*
 * call_msgs: the ng requests the benchmark sends for one synthetic call and
 * the checks on their replies. Every call has its own call-id, from-tag and
 * to-tag and carries a realistic SDP (G.711 u/A-law + telephone-event, about
 * 300 bytes, CRLF line ends) like a SIP proxy would hand over. Requests are
 * bencoded with lib/bencode.
 */
#ifndef RTPRELAY_BENCH_CALL_MSGS_H
#define RTPRELAY_BENCH_CALL_MSGS_H

#include <stddef.h>

#include <glib.h>
#include <stdbool.h>

enum callmsg_kind {
	CALLMSG_OFFER,
	CALLMSG_ANSWER,
	CALLMSG_DELETE, /* with "delete delay": 0, so ports are freed at once */
	CALLMSG_PING,
	CALLMSG_LIST,
};

/* "offer", "answer", ... */
/* When set, offers and answers reject their media (m= port 0): calls that
 * hold no sockets, to measure per-call memory beyond the open-file limit. */
extern bool callmsg_no_media;

const char *callmsg_name(enum callmsg_kind k);

/*
 * Append "<cookie> <bencoded request>" to out. call_id identifies the call
 * (unique per call); idx varies the tags, SDP ports and session ids. PING
 * and LIST ignore call_id and idx.
 */
void callmsg_build(GString *out, const char *cookie, enum callmsg_kind k, const char *call_id,
		   unsigned idx);

/*
 * Check a reply body (the part after "<cookie> "): a bencoded dictionary
 * whose "result" is "ok" ("pong" for PING); offer and answer replies must
 * carry an "sdp" string. For LIST, *n_calls (may be NULL) gets the length
 * of "calls". Returns 0, or -1 with a one-line reason in reason[0..size).
 */
int callmsg_check_reply(enum callmsg_kind k, const char *body, size_t len, char *reason,
			size_t size, long *n_calls);

#endif
