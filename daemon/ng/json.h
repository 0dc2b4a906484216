/*
 * json: the JSON form of ng messages, converted to and from the bencode
 * tree the commands see; json.c says what maps to what, as rtpengine 10.5
 * does it. Pure functions: any thread.
 */
#ifndef RTPRELAY_NG_JSON_H
#define RTPRELAY_NG_JSON_H

#include <glib.h>

#include "arena.h"
#include "bencode.h"
#include "str.h"

/*
 * Nesting allowed in a JSON request, the same as in bencode: the TCP framer
 * and the decoder use this one limit.
 */
#define NG_JSON_MAX_DEPTH BENCODE_DEFAULT_DEPTH

/* A JSON text into a tree allocated in a; NULL with *err (static or arena). */
bencode_item *ng_json_to_bencode(struct arena *a, str json, const char **err);
/* A tree as JSON, appended to out. */
void ng_json_from_bencode(const bencode_item *item, GString *out);

#endif
