/*
 * http_limits: the names of the HTTP limits and the report of their
 * counters. See http_limits.h.
 */
#include "ng/http_limits.h"

#include "arena.h"
#include "ng/transport.h"

const char *http_limit_option(enum http_limit l)
{
	static const char *const names[HTTP_LIMIT_COUNT] = {
		[HTTP_LIMIT_CONNECTIONS] = "http-max-connections",
		[HTTP_LIMIT_HEADER] = "http-max-header-size",
		[HTTP_LIMIT_URI] = "http-max-uri-size",
		[HTTP_LIMIT_BODY] = "http-max-body-size",
		[HTTP_LIMIT_TIMEOUT] = "http-timeout",
	};

	return (unsigned)l < HTTP_LIMIT_COUNT ? names[l] : "?";
}

void ng_http_stats_to_bencode(struct rtprelay *rp, struct arena *a, bencode_item *dict)
{
	struct ng_http_stats s = { 0 };

	ng_transport_http_stats(rp, &s);
	bencode_dict_add_int(a, dict, "connections", (int64_t)s.connections);
	bencode_dict_add_int(a, dict, "connections_open", (int64_t)s.connections_open);
	bencode_dict_add_int(a, dict, "requests", (int64_t)s.requests);
	bencode_dict_add_int(a, dict, "bad_requests", (int64_t)s.bad_requests);
	bencode_dict_add_int(a, dict, "accept_pauses", (int64_t)s.accept_pauses);
	/* keyed by the option that set the limit */
	bencode_item *lim = bencode_dict_add_dict(a, dict, "limited");

	for (int i = 0; i < HTTP_LIMIT_COUNT; i++)
		bencode_dict_add_int(a, lim, http_limit_option(i), (int64_t)s.limited[i]);
}
