/*
 * ng: the message layer of the control protocol (see ng.h): cookie,
 * retransmission cache, decoding, dispatch through the command table,
 * per-command counters, and the reply in the request's form.
 *
 * Reply layout, as rtpengine 10.5 sends it (observed against
 * /usr/bin/rtpengine): on success the handler's keys come first and
 * "result" ("ok", or what the handler set, e.g. "pong") is appended last;
 * on failure the reply is exactly {result: error, error-reason: ...} and
 * whatever the handler had added is dropped (a failed command has changed
 * nothing, so its partial reply describes nothing).
 */
#define LOG_SUBSYS control

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "commands/commands.h"
#include "log.h"
#include "ng/cache.h"
#include "ng/msg.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "rtprelay.h"
#include "stats.h"

/* Record the reason in the request's arena; returns -1. */
int ng_error(struct ng_request *req, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		req->error = "internal error";
		return -1;
	}
	char *p = arena_alloc(req->arena, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	req->error = p;
	return -1;
}

/*
 * Decode, dispatch and build the reply dictionary of one request body.
 * Returns the reply (in req->arena) and sets *fmt to the body's form.
 */
static bencode_item *dispatch(struct ng_request *req, str body, enum ng_format *fmt,
			      const char *peer)
{
	const struct ng_command *cmd;
	const char *err = NULL;
	str callid = STR_NULL;

	*fmt = ng_msg_format(body);
	req->dict = ng_msg_decode(req->arena, body, *fmt, &err);
	if (!req->dict) {
		log_ratelimited(LOG_WARNING, "malformed ng request from %s: %s", peer, err);
		return ng_msg_error_reply(req->arena, err);
	}
	if (req->dict->type != BENCODE_DICT) {
		err = "Invalid NG data format: expected a dictionary";
		log_ratelimited(LOG_WARNING, "malformed ng request from %s: %s", peer, err);
		return ng_msg_error_reply(req->arena, err);
	}
	if (ng_msg_command(req->dict, &req->command, &err) < 0) {
		log_ratelimited(LOG_WARNING, "invalid ng request from %s: %s", peer, err);
		return ng_msg_error_reply(req->arena, err);
	}
	cmd = ng_command_find(req->command);
	if (!cmd) {
		log_ratelimited(LOG_WARNING, "unrecognized ng command '%.*s' from %s",
				(int)MIN(req->command.len, 64), req->command.s, peer);
		return ng_msg_error_reply(req->arena, "Unrecognized command");
	}

	bencode_dict_get_str(req->dict, "call-id", &callid);
	log_set_context(callid, STR_NULL);

	gint64 start = g_get_monotonic_time();
	int rc = cmd->handler(req);
	gint64 usec = g_get_monotonic_time() - start;

	struct stats_command *counted = &req->rp->stats->commands[ng_command_index(cmd)];

	counted->count++;
	counted->usec_total += (uint64_t)(usec > 0 ? usec : 0);
	if (rc < 0 || req->error) {
		if (!req->error)
			req->error = "internal error"; /* handler forgot ng_error() */
		counted->errors++;
		log_info("ng %s from %s: error: %s (%" G_GINT64_FORMAT " us)", cmd->name, peer,
			 req->error, usec);
		return ng_msg_error_reply(req->arena, req->error);
	}
	bencode_dict_add_cstr(req->arena, req->reply, "result", req->result ? req->result : "ok");
	log_info("ng %s from %s: %s (%" G_GINT64_FORMAT " us)", cmd->name, peer,
		 req->result ? req->result : "ok", usec);
	return req->reply;
}

/* The shared body of ng_process() and ng_process_plain(). */
static void process(struct rtprelay *rp, struct ng_cache *cache, str cookie, str body,
		    enum ng_transport transport, const struct sockaddr *from, socklen_t from_len,
		    GString *out)
{
	char peer[64];
	gint64 now = g_get_monotonic_time();
	size_t start = out->len;
	enum ng_format fmt;

	ng_transport_addr_str(from, from_len, peer, sizeof(peer));
	if (cache) {
		str cached;
		const char *refuse = NULL;

		switch (ng_cache_lookup(cache, cookie, body, now, &cached)) {
		case NG_CACHE_HIT:
			log_info("ng request from %s (cookie %.*s) is a retransmission: "
				 "answered from the cache",
				 peer, STR_FMT(cookie));
			g_string_append_len(out, cached.s, (gssize)cached.len);
			return;
		case NG_CACHE_GONE:
			refuse = "Retransmission of a request already executed whose reply is "
				 "no longer cached: not executed again";
			rp->stats->ng_retransmissions_gone++;
			break;
		case NG_CACHE_MISS:
			if (ng_cache_full(cache, now)) {
				refuse = "Too many requests: the retransmission cache is full, "
					 "try again later";
				rp->stats->ng_refused_cache_full++;
			}
			break;
		}
		if (refuse) {
			struct arena *a = arena_new(0);

			log_ratelimited(LOG_WARNING, "ng request from %s (cookie %.*s): %s", peer,
					STR_FMT(cookie), refuse);
			ng_msg_encode(cookie, ng_msg_error_reply(a, refuse), ng_msg_format(body),
				      out);
			arena_free(a);
			return;
		}
	}

	struct ng_request req = {
		.rp = rp,
		.arena = arena_new(0),
		.transport = transport,
	};
	if (from && from_len <= sizeof(req.from)) {
		memcpy(&req.from, from, from_len);
		req.from_len = from_len;
	}
	req.reply = bencode_new_dict(req.arena);

	bencode_item *reply = dispatch(&req, body, &fmt, peer);
	ng_msg_encode(cookie, reply, fmt, out);
	log_debug("ng reply to %s: %zu bytes", peer, out->len - start);
	if (transport == NG_UDP && out->len - start > NG_UDP_MAX_REPLY) {
		/* Never silence: the client learns why and what to use. */
		const char *why = arena_printf(req.arena,
					       "Reply too large for UDP (%zu bytes, %u at most): "
					       "use TCP or HTTP, or ask for less",
					       out->len - start, NG_UDP_MAX_REPLY)
					  .s;

		log_ratelimited(LOG_WARNING, "ng request from %s: %s", peer, why);
		rp->stats->udp_replies_too_large++;
		g_string_truncate(out, start);
		ng_msg_encode(cookie, ng_msg_error_reply(req.arena, why), fmt, out);
	}

	if (cache)
		ng_cache_insert(cache, cookie, body, str_make(out->str + start, out->len - start),
				now);
	log_set_context(STR_NULL, STR_NULL);
	arena_free(req.arena);
}

/* See ng.h. Main thread. */
void ng_process(struct rtprelay *rp, struct ng_cache *cache, str msg, enum ng_transport transport,
		const struct sockaddr *from, socklen_t from_len, GString *out)
{
	str cookie, body;

	if (ng_msg_split(msg, &cookie, &body) < 0) {
		char peer[64];
		log_ratelimited(LOG_WARNING,
				"ng message without a valid cookie from %s (%zu bytes)",
				ng_transport_addr_str(from, from_len, peer, sizeof(peer)), msg.len);
		return;
	}
	process(rp, cache, cookie, body, transport, from, from_len, out);
}

void ng_process_plain(struct rtprelay *rp, str body, enum ng_transport transport,
		      const struct sockaddr *from, socklen_t from_len, GString *out)
{
	process(rp, NULL, STR_NULL, body, transport, from, from_len, out);
}
