/*
 * The ng options of secure media and connectivity: "SDES", "OSRTP", "ICE",
 * "ICE-lite", "DTLS", "DTLS-fingerprint" (and their flag spellings); see
 * flags.h. The rest of the options: flags.c.
 */
#include "commands/flags_srtp_ice.h"

#include "crypto/dtls_cert.h"
#include "sdes.h"

/* A keyword value of key (what: its name in the error), or -1 after
 * ng_flags_fail naming the choices. */
struct choice {
	const char *name;
	int value;
};

static int choose(struct ng_flags_ctx *c, str key, const bencode_item *v, const char *what,
		  const struct choice *choices, const char *expected, int *out)
{
	char buf[NG_FLAGS_NAME_MAX];
	str s = STR_NULL, n;

	if (ng_flags_want_str(c, key, v, &s))
		return -1;
	if (ng_flags_normalise(s, true, buf, &n))
		for (; choices->name; choices++)
			if (str_eq_c(n, choices->name)) {
				*out = choices->value;
				return 0;
			}
	return ng_flags_fail(c, "invalid %s value '%.*s' (%s)", what, QUOTE(s), expected);
}

/*
 * One element of "SDES" (or an "SDES-..." flag). What changes the keys or
 * suites rtprelay offers works; what rtprelay cannot do is an error, never
 * accepted without effect.
 */
int ng_flags_sdes_item(struct ng_flags_ctx *c, str item)
{
	static const struct {
		const char *name;
		unsigned set, clear;
	} params[] = {
		{ "unencrypted_srtp", SDES_UNENCRYPTED_SRTP, 0 },
		{ "unencrypted_srtcp", SDES_UNENCRYPTED_SRTCP, 0 },
		{ "unauthenticated_srtp", SDES_UNAUTHENTICATED_SRTP, 0 },
		{ "encrypted_srtp", 0, SDES_UNENCRYPTED_SRTP },
		{ "encrypted_srtcp", 0, SDES_UNENCRYPTED_SRTCP },
		{ "authenticated_srtp", 0, SDES_UNAUTHENTICATED_SRTP },
	};
	struct ng_flags *f = c->f;

	if (str_eq_c(item, "off") || str_eq_c(item, "no") || str_eq_c(item, "disable")) {
		f->sdes_off = true;
		return 0;
	}
	if (str_eq_c(item, "on") || str_eq_c(item, "yes") || str_eq_c(item, "enable")) {
		f->sdes_off = false;
		return 0;
	}
	/* rtprelay never re-keys unasked nor adds suites to a passed-on offer */
	if (str_eq_c(item, "static") || str_eq_c(item, "nonew"))
		return 0;
	if (str_eq_c(item, "prefer")) {
		f->sdes_prefer = true;
		return 0;
	}
	if (str_eq_c(item, "pad")) {
		f->sdes_pad = true;
		return 0;
	}
	if (str_eq_c(item, "lifetime")) {
		f->sdes_lifetime = true;
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(params); i++)
		if (str_eq_c(item, params[i].name)) {
			f->sdes_params = (f->sdes_params | params[i].set) & ~params[i].clear;
			return 0;
		}
	bool no = str_has_prefix(item, "no-"), only = str_has_prefix(item, "only-");

	if (no || only) {
		str name = str_skip(item, no ? 3 : 5);
		const struct sdes_suite *suite = sdes_suite_by_name(name);

		if (!suite)
			return ng_flags_fail(c, "unknown SDES crypto suite '%.*s'", QUOTE(name));
		if (no)
			f->sdes_no |= 1u << suite->id;
		else
			f->sdes_only |= 1u << suite->id;
		return 0;
	}
	return ng_flags_fail(c, "SDES option '%.*s' is not supported", QUOTE(item));
}

/* One element of "OSRTP" (or an "OSRTP-..." flag): RFC 8643's way, the
 * legacy one (two m= lines) is not done and an error. */
int ng_flags_osrtp_item(struct ng_flags_ctx *c, str item)
{
	if (str_eq_c(item, "offer") || str_eq_c(item, "offer-RFC")) {
		c->f->osrtp_offer = true;
		return 0;
	}
	if (str_eq_c(item, "accept") || str_eq_c(item, "accept-RFC")) {
		c->f->osrtp_accept = true;
		return 0;
	}
	return ng_flags_fail(c, "OSRTP option '%.*s' is not supported", QUOTE(item));
}

int ng_flags_key_ice(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	static const struct choice ice[] = {
		{ "remove", NG_ICE_REMOVE },
		{ "force", NG_ICE_FORCE },
		/* the party's own address in m=/c=, our ports as relay
		 * candidates (ice/ice_sdp.h) */
		{ "force-relay", NG_ICE_FORCE_RELAY },
		{ "optional", NG_ICE_OPTIONAL },
		{ "default", NG_ICE_DEFAULT_EXPLICIT },
		{ NULL, 0 },
	};
	int val;

	if (choose(c, key, v, "ICE", ice, "remove, force, force-relay, optional or default", &val))
		return -1;
	c->f->ice = (enum ng_ice)val;
	return 0;
}

int ng_flags_key_ice_lite(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	static const struct choice lite[] = {
		{ "forward", NG_ICE_LITE_FORWARD }, { "backward", NG_ICE_LITE_BACKWARD },
		{ "both", NG_ICE_LITE_BOTH },       { "off", NG_ICE_LITE_OFF },
		{ "none", NG_ICE_LITE_OFF },        { NULL, 0 },
	};
	int val;

	if (choose(c, key, v, "ICE-lite", lite, "forward, backward, both or off", &val))
		return -1;
	c->f->ice_lite = (enum ng_ice_lite)val;
	return 0;
}

/* "DTLS": off|no|disable (not offered), on|yes|enable, passive, active. */
int ng_flags_key_dtls(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	str s = STR_NULL;

	if (ng_flags_want_str(c, key, v, &s))
		return -1;
	if (str_eq_c(s, "off") || str_eq_c(s, "no") || str_eq_c(s, "disable"))
		c->f->dtls_off = true;
	else if (str_eq_c(s, "on") || str_eq_c(s, "yes") || str_eq_c(s, "enable"))
		c->f->dtls_off = false;
	else if (str_eq_c(s, "passive"))
		c->f->dtls_passive = true, c->f->dtls_active = false;
	else if (str_eq_c(s, "active"))
		c->f->dtls_active = true, c->f->dtls_passive = false;
	else
		return ng_flags_fail(c, "invalid DTLS value '%.*s' (off, no, passive or active)",
				     QUOTE(s));
	return 0;
}

int ng_flags_key_dtls_fingerprint(struct ng_flags_ctx *c, str key, const bencode_item *v)
{
	str s = STR_NULL;
	int h;

	if (ng_flags_want_str(c, key, v, &s))
		return -1;
	h = dtls_hash_parse(s);
	if (h < 0)
		return ng_flags_fail(c, "unknown DTLS-fingerprint hash '%.*s'", QUOTE(s));
	c->f->dtls_fingerprint = h + 1;
	return 0;
}
