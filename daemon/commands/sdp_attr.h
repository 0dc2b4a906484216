/*
 * sdp_attr: the ng "sdp-attr" manipulations (newer rtpengine's arbitrary
 * a= line edits): per level, lines to add, remove or substitute in the SDP
 * a request produces.
 *
 *     "sdp-attr": { "audio": { "add": ["foo:1"], "remove": ["test"],
 *                              "substitute": [["old", "new"]] },
 *                   "none": { ... } }          ("global" too: the session)
 *     flags: sdp-attr-add-audio-foo:1, sdp-attr-remove-none-test,
 *            sdp-attr-substitute-video-old>new
 *
 * A level is "none"/"global" (the session's a= lines) or a media type
 * ("audio", "video", ...: every m= section of that type). remove drops the
 * a= lines whose whole value ("ptime:20") or name ("ptime") is the string;
 * substitute replaces a line whose whole value is the first string by the
 * second, in place; add appends at the end of the level's lines. Names and
 * values compare without regard to ASCII case. They apply to the SDP as
 * rtprelay sends it (its own lines too), after everything else.
 *
 * rtpengine 10.5 accepts the key and ignores it (t/integ/COMPAT.md);
 * rtprelay does what later rtpengine versions document, since the edit
 * changes what goes on the wire.
 */
#ifndef RTPRELAY_SDP_ATTR_H
#define RTPRELAY_SDP_ATTR_H

#include "bencode.h"
#include "commands/flags.h"
#include "sdp.h"
#include "str.h"

/* The "sdp-attr" dictionary. 0, or -1 with c->err (a wrong type, an
 * unknown command, more than NG_MAX_SDP_ATTR edits). */
int sdp_attr_key(struct ng_flags_ctx *c, str key, const bencode_item *v);
/* An "sdp-attr-COMMAND-LEVEL-VALUE" flag, given what follows "sdp-attr-". */
int sdp_attr_flag(struct ng_flags_ctx *c, str rest);
/* Apply f's edits to s (the rewritten SDP about to be sent). */
void sdp_attr_apply(struct sdp_session *s, const struct ng_flags *f);

#endif
