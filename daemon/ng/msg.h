/*
 * msg: the wire form of one ng message, without the command table:
 * splitting "<cookie> <body>", decoding the body (bencode, or JSON when it
 * starts with '{') into a dictionary, and encoding a reply in the request's
 * form. ng.c builds the dispatcher on top; unit tests and fuzzers use these
 * alone. Pure functions: no logging, no globals, any thread.
 */
#ifndef RTPRELAY_NG_MSG_H
#define RTPRELAY_NG_MSG_H

#include <glib.h>

#include "arena.h"
#include "bencode.h"
#include "str.h"

enum ng_format {
	NG_FORMAT_BENCODE,
	NG_FORMAT_JSON,
};

/* A cookie byte: printable, not a space (anything above 0x20 but DEL). */
static inline bool ng_cookie_byte(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/*
 * Split msg at its first space into *cookie and *body. Returns 0, or
 * -EINVAL when there is no valid cookie (no space, empty, longer than
 * NG_MAX_COOKIE, or a byte that fails ng_cookie_byte()); such a message
 * gets no reply at all.
 */
int ng_msg_split(str msg, str *cookie, str *body);

/* The format of a body: JSON when its first non-blank byte is '{'. */
enum ng_format ng_msg_format(str body);

/*
 * Decode a request body into a dictionary allocated in a (bencode strings
 * point into body, which must outlive the arena's use). Blank bytes around
 * the dictionary are allowed, anything else after it is not. Returns the
 * dictionary, or NULL with *err set to a static or arena string such as
 * "Malformed bencode at byte 17: expected ':' after string length".
 */
bencode_item *ng_msg_decode(struct arena *a, str body, enum ng_format fmt, const char **err);

/* The "command" string of a request: 0, or -1 with *err (static). */
int ng_msg_command(const bencode_item *dict, str *cmd, const char **err);

/*
 * Append "<cookie> <reply>" to out, the reply in fmt; with a null cookie
 * (HTTP /ng-plain) only the reply.
 */
void ng_msg_encode(str cookie, const bencode_item *reply, enum ng_format fmt, GString *out);

/* A reply dictionary {result: error, error-reason: reason}. */
bencode_item *ng_msg_error_reply(struct arena *a, const char *reason);

/* ng_msg_encode() of ng_msg_error_reply(), for transports that cannot
 * even hand the message to ng_process() (e.g. a TCP message too long). */
void ng_msg_encode_error(str cookie, enum ng_format fmt, const char *reason, GString *out);

#endif
