/*
 * sdp: SDP (RFC 8866) parser and printer that keeps every line.
 *
 * The parser splits a body into lines without copying (views into the
 * body, which must outlive the session) and recognises the fields the relay
 * rewrites: m= (media, port, port count, proto, formats), c=, o= and
 * attributes (name and value). Every line, known or not, stays in order
 * with its own line ending, so printing an unmodified session reproduces
 * the input byte for byte (CRLF, LF, and a missing final line ending).
 *
 * Rewriting is done by editing the line arrays: replace a line's value,
 * remove lines, insert lines made with sdp_line_new(). New lines use the
 * session's dominant line ending.
 */
#ifndef RTPRELAY_SDP_H
#define RTPRELAY_SDP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "str.h"

/* Parser limits, so hostile input cannot make it allocate without bound:
 * more media sections or lines than these is a parse error. */
#define SDP_MAX_MEDIA 64
#define SDP_MAX_LINES 4096 /* session and media lines together */

struct sdp_line {
	char type;      /* the letter before '=' */
	str value;      /* after "x=", without the line ending */
	str eol;        /* "\r\n", "\n", or "" for a last line without one */
	str attr_name;  /* a= lines: "rtpmap" of "a=rtpmap:0 PCMU/8000", "sendrecv" */
	str attr_value; /* a= lines: "0 PCMU/8000"; STR_NULL when there is no ':' */
};

/* "IN IP4 192.0.2.1" (an address may carry "/ttl[/n]", kept in .address). */
struct sdp_connection {
	str nettype, addrtype, address;
};

/* "o=- 1545997027 1 IN IP4 198.51.100.1" */
struct sdp_origin {
	str username, session_id, version, nettype, addrtype, address;
};

struct sdp_media {
	str media;           /* "audio", "video", "application", ... */
	unsigned port;       /* 0 = rejected media */
	unsigned port_count; /* the "/2" of "49170/2"; 1 when absent */
	str proto;           /* "RTP/AVP", "UDP/TLS/RTP/SAVPF", ... */
	str fmts;            /* everything after proto, e.g. "0 8 101" */
	GPtrArray *lines;    /* struct sdp_line *; lines->pdata[0] is the m= line */
};

struct sdp_session {
	struct arena *arena;
	GPtrArray *lines; /* session-level lines, from v= to before the first m= */
	GPtrArray *media; /* struct sdp_media * */
	str eol;          /* the line ending used by most input lines */
	str trailer;      /* blank lines after the last line (printed as they came) */
};

/*
 * Parse body. Returns the session, or NULL with *err set to a static reason
 * and *err_line to the 1-based line number (1 for an empty body; the
 * first line past a limit). Memory comes from arena (kept
 * in session->arena); free the arrays with sdp_session_free().
 *
 * Accepted: lines "<letter>=<value>" ending in CRLF, LF, or (last line
 * only) nothing; the first line must be v=; unknown types and attributes
 * are kept verbatim. Rejected: an empty body, an empty or malformed line
 * (including a blank line before the end), a CR not followed by LF, a NUL
 * byte, an m= line without media/port/proto or with a port outside
 * 0..65535 or a port count outside 1..65535, and more than SDP_MAX_MEDIA
 * media or SDP_MAX_LINES lines. Line arrays own no elements (lines are arena
 * memory): callers may replace an array with their own g_ptr_array_new()
 * (no free function); sdp_session_free() frees whatever arrays are there.
 */
struct sdp_session *sdp_parse(struct arena *arena, str body, const char **err, unsigned *err_line);
void sdp_session_free(struct sdp_session *s); /* NULL is a no-op */

/*
 * Give every line that has a line ending the session's dominant one
 * (session->eol), so a body with mixed endings prints uniformly; a line
 * without one (the input's last) keeps none. Lines added later with
 * sdp_line_new() already use session->eol.
 */
void sdp_normalize_eol(struct sdp_session *s);

/*
 * Append the session's text to out: each line as type, '=', value, eol.
 * A line without a line ending (the input's last line had none) that is
 * not the last line printed gets session->eol, so appending or moving
 * lines after it cannot glue two lines together; an unmodified session
 * prints byte for byte as it was parsed. NULL array entries are skipped.
 */
void sdp_print(const struct sdp_session *s, GString *out);

/*
 * A new line (not yet in any array) with eol session->eol; a= lines get
 * attr_name/attr_value. value is not copied: it must live as long as the
 * session is used (arena memory, a literal, or the parsed body).
 */
struct sdp_line *sdp_line_new(struct sdp_session *s, char type, str value);
/*
 * Replace a line's value in place (re-deriving attr_name/attr_value). Like
 * sdp_line_new, nothing is copied: value must outlive the session's use
 * (use arena_printf/arena_strdup on s->arena). An m= line's media fields
 * are not touched: call sdp_media_reparse() after changing line 0.
 */
void sdp_line_set(struct sdp_session *s, struct sdp_line *l, str value);

/* Index of the first line of type t (and, for 'a', attribute name) at or
 * after index from in lines; -1 when none. name may be NULL for non-'a'. */
int sdp_find(const GPtrArray *lines, unsigned from, char t, const char *name);

/* Split a c= / o= value at runs of blanks into exactly 3 / 6 tokens (views
 * into value); any other count is -EINVAL and leaves *out unchanged. */
int sdp_parse_connection(str value, struct sdp_connection *out); /* 0 / -EINVAL */
int sdp_parse_origin(str value, struct sdp_origin *out);         /* 0 / -EINVAL */
/* Re-parse a media's m= line fields after its line 0 was changed; on
 * -EINVAL (line 0 missing, not m=, or malformed) the fields are unchanged. */
int sdp_media_reparse(struct sdp_media *m); /* 0 / -EINVAL */

#endif
