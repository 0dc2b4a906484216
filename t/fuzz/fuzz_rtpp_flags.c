/*
 * Fuzz target: the rtpp_flags string parser (ng_flags_parse_rtpp), and the
 * structured-key parser (ng_flags_key) over any bencode dictionary the
 * input happens to decode to. Beyond not crashing, it checks the contracts
 * of struct ng_flags after a successful parse: string views point into the
 * input (or are the static transport names), directions and families are
 * in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "bencode.h"
#include "commands/flags.h"
#include "commands/flags_rtpp.h"

static const char *in_lo, *in_hi;

static bool view_ok(str s)
{
	static const char *const statics[] = {
		"RTP/AVP",   "RTP/SAVP",         "RTP/AVPF",
		"RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF"
	};

	if (!s.s)
		return s.len == 0;
	if (s.s >= in_lo && s.s + s.len <= in_hi)
		return true;
	for (size_t i = 0; i < sizeof(statics) / sizeof(statics[0]); i++)
		if (str_eq_c(s, statics[i]))
			return true;
	return false;
}

static void check(const struct ng_flags *f)
{
	const str views[] = { f->call_id,
			      f->from_tag,
			      f->to_tag,
			      f->via_branch,
			      f->label,
			      f->sdp,
			      f->transport_protocol,
			      f->media_address,
			      f->direction[0],
			      f->direction[1],
			      f->received_from_address };

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!view_ok(views[i]))
			abort();
	if (f->n_directions > NG_MAX_DIRECTIONS)
		abort();
	for (unsigned i = 0; i < f->n_directions; i++)
		if (f->direction[i].s && !f->direction[i].len)
			abort();
	if (f->address_family && f->address_family != AF_INET && f->address_family != AF_INET6)
		abort();
	if (f->received_from_family && f->received_from_family != AF_INET &&
	    f->received_from_family != AF_INET6)
		abort();
	if (f->received_from_family && !f->received_from_address.len)
		abort();
	if (f->media_address.s && !f->media_address_family)
		abort();
	if (f->delete_delay < -1 || f->tos < -1 || f->tos > NG_TOS_UNSET)
		abort();
	if (f->tos > 255 && f->tos != NG_TOS_UNSET)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that reading past the end is caught */
	char *buf = malloc(size ? size : 1);
	struct arena *a = arena_new(0);
	struct ng_flags f;
	const char *err;
	bencode_item *dict;
	size_t used;
	struct bencode_error berr;

	memcpy(buf, data, size);
	in_lo = buf;
	in_hi = buf + size;

	ng_flags_init(&f);
	if (ng_flags_parse_rtpp(a, str_make(buf, size), &f, &err) == 0)
		check(&f);
	else if (!err || !*err)
		abort();

	if (bencode_decode(a, buf, size, NULL, &dict, &used, &berr) == 0 &&
	    dict->type == BENCODE_DICT) {
		struct ng_flags_ctx c = { .a = a, .f = &f };
		bool ok = true;

		ng_flags_init(&f);
		bencode_dict_foreach(dict, k, v) {
			if (ng_flags_key(&c, k->str, v)) {
				ok = false;
				if (!c.err)
					abort();
				break;
			}
		}
		if (ok)
			check(&f);
	}

	arena_free(a);
	free(buf);
	return 0;
}
