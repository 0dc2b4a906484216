/*
 * The fixture of the ng_flags tests (test_flags.c: dictionary keys;
 * test_flags_rtpp.c: the rtpp_flags string and both forms together): tiny
 * bencode builders, parsing into struct ng_flags, comparing two of them.
 */
#ifndef RTPRELAY_T_FLAGS_FIXTURE_H
#define RTPRELAY_T_FLAGS_FIXTURE_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "bencode.h"
#include "commands/flags.h"
#include "commands/flags_rtpp.h"
#include "ng/ng.h"
#include "test.h"

static struct arena *A;

static inline void fresh_arena(void)
{
	arena_free(A);
	A = arena_new(0);
}

/* Tiny builders: S("x"), I(5), L(S("a"), S("b"), NULL), D("k", v, ..., NULL). */
static inline bencode_item *S(const char *s)
{
	return bencode_new_str(A, str_from(s));
}

static inline bencode_item *I(int64_t n)
{
	return bencode_new_int(A, n);
}

static inline bencode_item *L(bencode_item *first, ...)
{
	bencode_item *l = bencode_new_list(A);
	va_list ap;

	va_start(ap, first);
	for (bencode_item *it = first; it; it = va_arg(ap, bencode_item *))
		bencode_list_append(l, it);
	va_end(ap);
	return l;
}

static inline bencode_item *D(const char *key, ...)
{
	bencode_item *d = bencode_new_dict(A);
	va_list ap;

	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		bencode_dict_set(A, d, k, va_arg(ap, bencode_item *));
	va_end(ap);
	return d;
}

/* Parse a request dictionary; returns ng_flags_parse's result, *err the reason. */
static inline int parse_dict(bencode_item *dict, struct ng_flags *f, const char **err)
{
	struct ng_request req = { .arena = A, .dict = dict };
	int rc;

	ng_flags_init(f);
	rc = ng_flags_parse(&req, f);
	*err = req.error;
	return rc;
}

static inline int parse_rtpp(const char *s, struct ng_flags *f, const char **err)
{
	ng_flags_init(f);
	return ng_flags_parse_rtpp(A, str_from(s), f, err);
}

#define CHECK_S(field, want) CHECK_MEM((field).s, (field).len, want)
#define CHECK_NULL_S(field)                                                                 \
	do {                                                                                \
		if ((field).s) {                                                            \
			FAIL_AT("%s should be unset, is \"%.*s\"", #field, STR_FMT(field)); \
			return;                                                             \
		}                                                                           \
	} while (0)

#define PARSE_OK(dict, f)                                           \
	do {                                                        \
		const char *err_;                                   \
		if (parse_dict(dict, f, &err_)) {                   \
			FAIL_AT("ng_flags_parse failed: %s", err_); \
			return;                                     \
		}                                                   \
	} while (0)

#define RTPP_OK(s, f)                                               \
	do {                                                        \
		const char *err_;                                   \
		if (parse_rtpp(s, f, &err_)) {                      \
			FAIL_AT("rtpp \"%s\" failed: %s", s, err_); \
			return;                                     \
		}                                                   \
	} while (0)

/*
 * Compare two structs field by field (strings by content); writes the name
 * of the first differing field to why. The str fields are compared by
 * content, then everything else byte for byte, so a field added later is
 * compared too (ng_flags_init zeroes the padding).
 */
static inline bool flags_equal(const struct ng_flags *a, const struct ng_flags *b, char *why,
			       size_t n)
{
	struct ng_flags x = *a, y = *b;
#define STR_FIELD(fl)                                                                 \
	do {                                                                          \
		if (str_is_null(x.fl) != str_is_null(y.fl) || !str_eq(x.fl, y.fl)) {  \
			snprintf(why, n, #fl ": \"%.*s\" vs \"%.*s\"", STR_FMT(x.fl), \
				 STR_FMT(y.fl));                                      \
			return false;                                                 \
		}                                                                     \
		x.fl = y.fl = STR_NULL;                                               \
	} while (0)
	STR_FIELD(call_id);
	STR_FIELD(from_tag);
	STR_FIELD(to_tag);
	STR_FIELD(via_branch);
	STR_FIELD(label);
	STR_FIELD(sdp);
	STR_FIELD(transport_protocol);
	STR_FIELD(media_address);
	STR_FIELD(direction[0]);
	STR_FIELD(direction[1]);
	STR_FIELD(received_from_address);
#undef STR_FIELD
#define SCALAR(fl)                                                                                \
	do {                                                                                      \
		if (x.fl != y.fl) {                                                               \
			snprintf(why, n, #fl ": %lld vs %lld", (long long)x.fl, (long long)y.fl); \
			return false;                                                             \
		}                                                                                 \
	} while (0)
	SCALAR(n_directions);
	SCALAR(address_family);
	SCALAR(media_address_family);
	SCALAR(transport_protocol_accept);
	SCALAR(received_from_family);
	SCALAR(delete_delay);
	SCALAR(tos);
	SCALAR(replace_origin);
	SCALAR(replace_session_connection);
	SCALAR(replace_sdp_version);
	SCALAR(replace_username);
	SCALAR(replace_session_name);
	SCALAR(replace_zero_address);
	SCALAR(replace_force_increment_sdp_version);
	SCALAR(replace_origin_full);
	SCALAR(ice);
	SCALAR(rtcp_mux_offer);
	SCALAR(rtcp_mux_require);
	SCALAR(rtcp_mux_demux);
	SCALAR(rtcp_mux_accept);
	SCALAR(rtcp_mux_reject);
	SCALAR(trust_address);
	SCALAR(sip_source_address);
	SCALAR(symmetric);
	SCALAR(asymmetric);
	SCALAR(strict_source);
	SCALAR(media_handover);
	SCALAR(port_latching);
	SCALAR(no_port_latching);
	SCALAR(no_rtcp_attribute);
	SCALAR(full_rtcp_attribute);
	SCALAR(loop_protect);
	SCALAR(original_sendrecv);
	SCALAR(all);
	SCALAR(fatal);
	SCALAR(fast);
	SCALAR(reset);
	SCALAR(generate_mid);
	SCALAR(strip_extmap);
	SCALAR(record_call);
	SCALAR(to_tag_flag);
	SCALAR(directional);
	SCALAR(ice_reject);
	SCALAR(unidirectional);
	SCALAR(unknown_flags);
	SCALAR(ignored_flags);
	SCALAR(unknown_keys);
#undef SCALAR
	if (memcmp(&x, &y, sizeof(x))) {
		for (size_t i = 0; i < sizeof(x); i++) {
			if (((unsigned char *)&x)[i] != ((unsigned char *)&y)[i]) {
				snprintf(why, n, "byte %zu (a field the test does not name)", i);
				break;
			}
		}
		return false;
	}
	return true;
}

#define CHECK_SAME(a, b)                                      \
	do {                                                  \
		char why_[256];                               \
		if (!flags_equal(a, b, why_, sizeof(why_))) { \
			FAIL_AT("structs differ: %s", why_);  \
			return;                               \
		}                                             \
	} while (0)

#endif
