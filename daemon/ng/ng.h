/*
 * ng: the control protocol's message layer, between the transports
 * (udp.c, tcp.c, http.c) and the commands (commands/commands.h).
 *
 * A message is "<cookie> <dictionary>"; the dictionary is bencode, or JSON
 * when it starts with '{' (converted to a bencode tree so that commands see
 * one form). ng_process() decodes, answers retransmissions from the cache,
 * dispatches to the command, and encodes the reply in the request's form
 * with the same cookie. Every failure becomes result=error with an
 * error-reason; nothing here can take the daemon down.
 *
 * Threading: ng_process() runs on the main (control) thread only.
 */
#ifndef RTPRELAY_NG_H
#define RTPRELAY_NG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "arena.h"
#include "bencode.h"
#include "str.h"

struct rtprelay;
struct ng_flags;

/* Limits on what a peer may send. */
#define NG_MAX_MESSAGE (256 * 1024)
#define NG_MAX_COOKIE 128
/* The largest UDP payload over IPv4: a longer reply cannot be sent as one
 * datagram and is replaced by an error reply that says so. */
#define NG_UDP_MAX_REPLY 65507
#define NG_CACHE_SECONDS 30

enum ng_transport {
	NG_UDP,
	NG_TCP,
	NG_HTTP,
};

struct ng_request {
	struct rtprelay *rp; /* the daemon: calls, config, statistics */
	struct arena *arena; /* lives until the reply is encoded */
	str command;         /* "offer", "answer", ... as sent */
	bencode_item *dict;  /* the request dictionary */
	bencode_item *reply; /* the reply dictionary; commands add to it */
	enum ng_transport transport;
	struct sockaddr_storage from; /* the control peer */
	socklen_t from_len;
	const char *error;  /* set with ng_error(); NULL on success */
	const char *result; /* "ok" unless the command sets e.g. "pong" */
};

/*
 * A command handler: reads req->dict, fills req->reply. Returns 0, or -1
 * after ng_error(). A handler that fails must not have changed anything.
 */
typedef int ng_handler(struct ng_request *req);

/* Record the failure reason (a static or arena string); returns -1. */
int ng_error(struct ng_request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct ng_cache;

/*
 * Process one message from a transport; append the complete reply
 * ("<cookie> <dict>") to out. If the message is so broken that no cookie
 * can be found, out stays empty and the transport drops it (UDP) or closes
 * the connection (TCP); HTTP answers 400.
 */
void ng_process(struct rtprelay *rp, struct ng_cache *cache, str msg, enum ng_transport transport,
		const struct sockaddr *from, socklen_t from_len, GString *out);

/*
 * HTTP POST /ng-plain: a bare dictionary, no cookie, no retransmission
 * cache; out gets the bare reply.
 */
void ng_process_plain(struct rtprelay *rp, str body, enum ng_transport transport,
		      const struct sockaddr *from, socklen_t from_len, GString *out);

#endif
