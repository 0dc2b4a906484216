/* An ICE agent in a query reply; see ice_query.h. */
#include "ice/ice_query.h"

#include <stdio.h>

#include "call/media.h"
#include "config/config.h"
#include "ice/agent.h"
#include "sockaddr.h"

static int64_t load(const uint64_t *p)
{
	return (int64_t)__atomic_load_n(p, __ATOMIC_RELAXED);
}

void ice_query(struct arena *a, bencode_item *d, const struct media_ice *ice, int kind)
{
	unsigned k = kind == STREAM_RTCP ? 1 : 0;
	const struct ice_counters *c = &ice->cnt[k];
	bencode_item *i = bencode_dict_add_dict(a, d, "ICE");
	char buf[80];

	bencode_dict_add_cstr(a, i, "role", ice->controlling ? "controlling" : "controlled");
	bencode_dict_add_int(a, i, "lite", ice->lite);
	bencode_dict_add_int(a, i, "remote credentials", ice->rufrag != NULL);
	bencode_dict_add_int(a, i, "candidates", ice->n_cands);
	bencode_dict_add_int(a, i, "pairs", ice->n_pairs);
	if (ice->selected[k])
		bencode_dict_add_str(a, i, "selected",
				     arena_strdup(a, str_from(sockaddr_print(&ice->selected_addr[k],
									     buf, sizeof(buf)))));
	/* the socket on the interface's other address (ice/ice_ports.h) */
	const struct media *m = ice->media;
	const struct stream *st = &m->streams[k];

	if (m->alt.intf && st->alt_sock) {
		snprintf(buf, sizeof(buf), m->alt.intf->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
			 m->alt.intf->local_str, st->alt_port);
		bencode_dict_add_str(a, i, "other family socket", arena_strdup(a, str_from(buf)));
	}
	bencode_item *s = bencode_dict_add_dict(a, i, "STUN");

	bencode_dict_add_int(a, s, "answered", load(&c->answered));
	bencode_dict_add_int(a, s, "bad integrity", load(&c->bad_auth));
	bencode_dict_add_int(a, s, "bad username", load(&c->bad_user));
	bencode_dict_add_int(a, s, "malformed", load(&c->malformed));
	bencode_dict_add_int(a, s, "role conflicts", load(&c->role_conflict));
	bencode_dict_add_int(a, s, "checks sent", load(&c->checks_sent));
	bencode_dict_add_int(a, s, "responses", load(&c->responses));
	bencode_dict_add_int(a, s, "unmatched responses", load(&c->unmatched));
	bencode_dict_add_int(a, s, "no consent", load(&c->no_consent));
}
