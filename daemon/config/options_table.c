/*
 * The one table of the options rtprelay implements (see options.h), their
 * value parsers and the defaults. options.c feeds it from the command line
 * and the config file; options_compat.c lists the rtpengine options that are
 * accepted and ignored.
 */
#include "config/options_table.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config/interface.h"
#include "log.h"
#include "media/worker.h"
#include "sockaddr.h"

#define CFG(field) offsetof(struct rtprelay_config, field)
#define CFG_SIZE(field) sizeof(((struct rtprelay_config *)0)->field)

_Static_assert(LOG_SUBSYS_COUNT <= CFG_SIZE(log_levels) / sizeof(int),
	       "struct rtprelay_config.log_levels is too small for LOG_SUBSYSTEMS");

static int parse_interface(const struct option_def *def, const char *value, bool first,
			   struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	int n;

	if (first)
		cfg->n_interfaces = 0;
	n = interface_expand(value, &cfg->interfaces[cfg->n_interfaces],
			     CONFIG_MAX_INTERFACES - cfg->n_interfaces, warn, ctx, err);
	if (n < 0)
		return -1;
	/* A name may hold one address of each family (see interface.h). */
	for (unsigned i = cfg->n_interfaces; i < cfg->n_interfaces + (unsigned)n; i++) {
		const struct config_interface *ni = &cfg->interfaces[i];

		for (unsigned j = 0; j < i; j++) {
			const struct config_interface *oi = &cfg->interfaces[j];

			if (strcmp(oi->name, ni->name) == 0 && oi->family == ni->family) {
				*err = g_strdup_printf("interface '%s' is given two %s addresses "
						       "(%s and %s)",
						       ni->name, sockaddr_family_name(ni->family),
						       oi->local_str, ni->local_str);
				return -1;
			}
		}
	}
	cfg->n_interfaces += (unsigned)n;
	return 0;
}

/* The three listener lists share one parser; offset picks the array. */
static int parse_listen(const struct option_def *def, const char *value, bool first,
			struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	struct config_listen *arr = (struct config_listen *)((char *)cfg + def->offset);
	unsigned *n;

	if (def->offset == CFG(listen_ng))
		n = &cfg->n_listen_ng;
	else if (def->offset == CFG(listen_tcp_ng))
		n = &cfg->n_listen_tcp_ng;
	else
		n = &cfg->n_listen_http;
	if (first)
		*n = 0;
	if (*n >= CONFIG_MAX_LISTENERS) {
		*err = g_strdup_printf("too many addresses (at most %d)", CONFIG_MAX_LISTENERS);
		return -1;
	}
	if (interface_parse_listen(value, &arr[*n], err) < 0)
		return -1;
	(*n)++;
	return 0;
}

static int parse_endpoint_learning(const struct option_def *def, const char *value, bool first,
				   struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
				   char **err)
{
	static const struct {
		const char *name;
		enum endpoint_learning el;
	} modes[] = {
		{ "delayed", EL_DELAYED },
		{ "immediate", EL_IMMEDIATE },
		{ "off", EL_OFF },
		{ "heuristic", EL_HEURISTIC },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
		if (strcmp(value, modes[i].name) == 0) {
			cfg->endpoint_learning = modes[i].el;
			return 0;
		}
	}
	*err = g_strdup_printf("'%s' is not one of delayed, immediate, off, heuristic", value);
	return -1;
}

#ifdef RTPRELAY_DEBUG
#define MEMORY_ACCOUNTING_DEFAULT "sites"
#else
#define MEMORY_ACCOUNTING_DEFAULT "none"
#endif

static int parse_memory_accounting(const struct option_def *def, const char *value, bool first,
				   struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
				   char **err)
{
	if (strcmp(value, "sites") == 0 || strcmp(value, "none") == 0) {
		cfg->memory_accounting_sites = value[0] == 's';
		return 0;
	}
	*err = g_strdup_printf("'%s' is not one of none, sites", value);
	return -1;
}

static int parse_media_io(const struct option_def *def, const char *value, bool first,
			  struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	if (strcmp(value, "uring") == 0 || strcmp(value, "epoll") == 0) {
		cfg->media_io = value[0] == 'u' ? MEDIA_IO_URING : MEDIA_IO_EPOLL;
		return 0;
	}
	*err = g_strdup_printf("'%s' is not one of uring, epoll", value);
	return -1;
}

static int parse_dtls_cert_cipher(const struct option_def *def, const char *value, bool first,
				  struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
				  char **err)
{
	if (g_ascii_strcasecmp(value, "prime256v1") == 0 || g_ascii_strcasecmp(value, "RSA") == 0) {
		cfg->dtls_cert_rsa = g_ascii_toupper(value[0]) == 'R';
		return 0;
	}
	*err = g_strdup_printf("'%s' is not one of prime256v1, RSA", value);
	return -1;
}

static int parse_dtls_signature(const struct option_def *def, const char *value, bool first,
				struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
				char **err)
{
	if (g_ascii_strcasecmp(value, "SHA-256") == 0 || g_ascii_strcasecmp(value, "SHA-1") == 0) {
		cfg->dtls_signature_sha1 = g_ascii_strcasecmp(value, "SHA-1") == 0;
		return 0;
	}
	*err = g_strdup_printf("'%s' is not one of SHA-256, SHA-1", value);
	return -1;
}

/* rtpengine's scheduling policy names; "default"/"none": leave it. */
static int parse_policy(const char *value, int *out, char **err)
{
	static const struct {
		const char *name;
		int policy;
	} names[] = { { "default", -1 },     { "none", -1 },           { "fifo", SCHED_FIFO },
		      { "rr", SCHED_RR },    { "other", SCHED_OTHER }, { "batch", SCHED_BATCH },
		      { "idle", SCHED_IDLE } };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(value, names[i].name) == 0) {
			*out = names[i].policy;
			return 0;
		}
	*err = g_strdup_printf("'%s' is not one of default, none, fifo, rr, other, batch, idle",
			       value);
	return -1;
}

static int parse_scheduling(const struct option_def *def, const char *value, bool first,
			    struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
			    char **err)
{
	return parse_policy(value,
			    strcmp(def->name, "scheduling") == 0 ? &cfg->sched_policy
								 : &cfg->idle_sched_policy,
			    err);
}

static int parse_media_buffers(const struct option_def *def, const char *value, bool first,
			       struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
			       char **err)
{
	char *end;
	unsigned long v = strtoul(value, &end, 10);

	if (*value < '0' || *value > '9' || *end || v < 8 || v > 32768 || (v & (v - 1))) {
		*err = g_strdup_printf("'%s' is not a power of two from 8 to 32768", value);
		return -1;
	}
	cfg->media_buffers = (unsigned)v;
	return 0;
}

static int parse_facility(const struct option_def *def, const char *value, bool first,
			  struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	static const struct {
		const char *name;
		int facility;
	} facilities[] = {
		{ "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
		{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },           { "kern", LOG_KERN },
		{ "lpr", LOG_LPR },       { "mail", LOG_MAIL },         { "news", LOG_NEWS },
		{ "syslog", LOG_SYSLOG }, { "user", LOG_USER },         { "uucp", LOG_UUCP },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },     { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },     { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(facilities); i++) {
		if (g_ascii_strcasecmp(value, facilities[i].name) == 0) {
			cfg->log_facility = facilities[i].facility;
			return 0;
		}
	}
	*err = g_strdup_printf(
		"'%s' is not a syslog facility (daemon, local0 .. local7, user, ...)", value);
	return -1;
}

static int parse_number(const char *value, long long min, long long max, long long *out, char **err)
{
	const char *s = value;
	char *end;
	long long v;

	while (g_ascii_isspace(*s))
		s++;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (g_ascii_isspace(*end))
		end++;
	if (end == s || *end || errno == ERANGE) {
		*err = g_strdup_printf("'%s' is not a number", value);
		return -1;
	}
	if (v < min || v > max) {
		*err = g_strdup_printf("%lld is out of range %lld..%lld", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* rtpengine: any negative table means "no kernel forwarding". */
static int parse_table(const struct option_def *def, const char *value, bool first,
		       struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	long long v;

	if (parse_number(value, INT_MIN, def->max, &v, err) < 0)
		return -1;
	cfg->table = v < 0 ? -1 : (int)v;
	return 0;
}

/* rtpengine's ip, ip6, ip,ip6 (either order); inet as another name for both. */
static int parse_nftables_family(const struct option_def *def, const char *value, bool first,
				 struct rtprelay_config *cfg, options_warn_fn warn, void *ctx,
				 char **err)
{
	if (strcmp(value, "ip") == 0)
		cfg->nftables_family = CONFIG_NFT_IP;
	else if (strcmp(value, "ip6") == 0)
		cfg->nftables_family = CONFIG_NFT_IP6;
	else if (strcmp(value, "ip,ip6") == 0 || strcmp(value, "ip6,ip") == 0 ||
		 strcmp(value, "inet") == 0)
		cfg->nftables_family = CONFIG_NFT_BOTH;
	else {
		*err = g_strdup_printf("'%s' is not one of ip, ip6, ip,ip6", value);
		return -1;
	}
	return 0;
}

static int parse_version(const struct option_def *def, const char *value, bool first,
			 struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	printf("Version: %s\n", RTPRELAY_VERSION);
	fflush(stdout);
	exit(0);
}

static int parse_bool(const char *value, bool *out, char **err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	if (!value) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (g_ascii_strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	*err = g_strdup_printf("'%s' is not a boolean (true or false)", value);
	return -1;
}

int options_apply(const struct option_def *def, const char *value, bool first,
		  struct rtprelay_config *cfg, options_warn_fn warn, void *ctx, char **err)
{
	void *field = (char *)cfg + def->offset;
	long long v;

	if (!value && def->type != OPT_BOOL && def->type != OPT_ACTION) {
		*err = g_strdup("missing value");
		return -1;
	}
	switch (def->type) {
	case OPT_BOOL:
		return parse_bool(value, field, err);
	case OPT_INT:
		if (parse_number(value, def->min, def->max, &v, err) < 0)
			return -1;
		*(int *)field = (int)v;
		return 0;
	case OPT_UINT:
		if (parse_number(value, def->min, def->max, &v, err) < 0)
			return -1;
		*(unsigned *)field = (unsigned)v;
		return 0;
	case OPT_STRING:
		if (strlen(value) >= def->size) {
			*err = g_strdup_printf("'%s' is longer than %zu characters", value,
					       def->size - 1);
			return -1;
		}
		g_strlcpy(field, value, def->size);
		return 0;
	case OPT_CUSTOM:
	case OPT_ACTION:
		return def->parse(def, value, first, cfg, warn, ctx, err);
	}
	*err = g_strdup("bad option type");
	return -1;
}

/* Laid out by hand, an option per entry (clang-format would give every field a line). */
/* clang-format off */
#define LOG_LEVEL_OPT(n, d)                                                    \
	{ .name = "log-level-" #n, .type = OPT_INT,                            \
	  .offset = CFG(log_levels) + LOG_SUBSYS_##n * sizeof(int), .min = 0,  \
	  .max = 7, .help = "Log level for: " d,                               \
	  .arg = "INT" },

const struct option_def options_table[] = {
	{ .name = "version", .short_name = 'v', .type = OPT_ACTION, .cmdline_only = true,
	  .parse = parse_version, .help = "Print the version and exit" },
	{ .name = "config-file", .type = OPT_STRING, .cmdline_only = true,
	  .offset = CFG(config_file), .size = CFG_SIZE(config_file),
	  .def = OPTIONS_DEFAULT_CONFIG_FILE,
	  .help = "Load config from this file ('none': no file)", .arg = "FILE" },
	{ .name = "config-section", .type = OPT_STRING, .cmdline_only = true,
	  .offset = CFG(config_section), .size = CFG_SIZE(config_section),
	  .help = "Config file section to use (default: rtprelay, else rtpengine)",
	  .arg = "STRING" },
	{ .name = "check-config", .type = OPT_BOOL, .cmdline_only = true,
	  .offset = CFG(check_config), .help = "Validate the configuration and exit (0: valid)" },

	{ .name = "interface", .short_name = 'i', .type = OPT_CUSTOM, .list = true,
	  .parse = parse_interface,
	  .help = "Local interface for RTP (repeatable; ADDR: IP, 'any', device or host name)",
	  .arg = "[NAME/]ADDR[!IP]" },
	{ .name = "listen-ng", .short_name = 'n', .type = OPT_CUSTOM, .list = true,
	  .offset = CFG(listen_ng), .parse = parse_listen,
	  .help = "UDP port to listen on, NG protocol (repeatable)",
	  .arg = "[IP46|HOSTNAME:]PORT" },
	{ .name = "listen-tcp-ng", .short_name = 'N', .type = OPT_CUSTOM, .list = true,
	  .offset = CFG(listen_tcp_ng), .parse = parse_listen,
	  .help = "TCP port to listen on, NG protocol (repeatable)",
	  .arg = "[IP46|HOSTNAME:]PORT" },
	{ .name = "listen-http", .type = OPT_CUSTOM, .list = true, .offset = CFG(listen_http),
	  .parse = parse_listen, .help = "Interface for HTTP (POST /ng) (repeatable)",
	  .arg = "[IP46|HOSTNAME:]PORT" },
	{ .name = "http-max-connections", .type = OPT_UINT, .offset = CFG(http_max_connections),
	  .min = 1, .max = 65536, .def = "128",
	  .help = "HTTP: open connections per listener; more are answered 503 and closed",
	  .arg = "INT" },
	{ .name = "http-max-header-size", .type = OPT_UINT, .offset = CFG(http_max_header_size),
	  .min = 256, .max = 1048576, .def = "8192",
	  .help = "HTTP: bytes of request line and headers (431 beyond)", .arg = "BYTES" },
	{ .name = "http-max-uri-size", .type = OPT_UINT, .offset = CFG(http_max_uri_size),
	  .min = 16, .max = 1048576, .def = "2048",
	  .help = "HTTP: bytes of the request target (414 beyond)", .arg = "BYTES" },
	{ .name = "http-max-body-size", .type = OPT_UINT, .offset = CFG(http_max_body_size),
	  .min = 1024, .max = 16777216, .def = "262144",
	  .help = "HTTP: bytes of a request body (413 beyond)", .arg = "BYTES" },
	{ .name = "http-timeout", .type = OPT_UINT, .offset = CFG(http_timeout), .min = 1,
	  .max = CONFIG_NG_TIMEOUT_MAX, .def = "10",
	  .help = "HTTP: seconds for a whole request, not reset by each byte (408 after; at most 600)",
	  .arg = "SECS" },

	{ .name = "port-min", .short_name = 'm', .type = OPT_UINT, .offset = CFG(port_min),
	  .min = 1, .max = 65535, .def = "30000", .help = "Lowest port to use for RTP",
	  .arg = "INT" },
	{ .name = "port-max", .short_name = 'M', .type = OPT_UINT, .offset = CFG(port_max),
	  .min = 1, .max = 65535, .def = "40000", .help = "Highest port to use for RTP",
	  .arg = "INT" },
	{ .name = "timeout", .short_name = 'o', .type = OPT_UINT, .offset = CFG(timeout),
	  .min = 0, .max = CONFIG_TIMEOUT_MAX, .def = "60",
	  .help = "RTP timeout (0: none; at most 86400)", .arg = "SECS" },
	{ .name = "silent-timeout", .short_name = 's', .type = OPT_UINT,
	  .offset = CFG(silent_timeout), .min = 0, .max = CONFIG_TIMEOUT_MAX, .def = "3600",
	  .help = "RTP timeout for muted (0: none; at most 86400)", .arg = "SECS" },
	{ .name = "final-timeout", .short_name = 'a', .type = OPT_UINT,
	  .offset = CFG(final_timeout), .min = 0, .max = CONFIG_FINAL_TIMEOUT_MAX, .def = "0",
	  .help = "Call timeout (0: none; at most 2592000)", .arg = "SECS" },
	{ .name = "offer-timeout", .type = OPT_UINT, .offset = CFG(offer_timeout), .min = 0,
	  .max = CONFIG_TIMEOUT_MAX, .def = "3600",
	  .help = "Timeout for incomplete one-sided calls (0: none; at most 86400)",
	  .arg = "SECS" },
	{ .name = "delete-delay", .short_name = 'd', .type = OPT_UINT,
	  .offset = CFG(delete_delay), .min = 0, .max = CONFIG_DELETE_DELAY_MAX, .def = "30",
	  .help = "Delay for deleting a session from memory (at most 3600)", .arg = "INT" },
	{ .name = "max-sessions", .type = OPT_INT, .offset = CFG(max_sessions), .min = -1,
	  .max = INT_MAX, .def = "-1", .help = "Limit of maximum number of sessions (-1: none)",
	  .arg = "INT" },
	{ .name = "max-call-tags", .type = OPT_UINT, .offset = CFG(max_call_tags), .min = 2,
	  .max = 100000, .def = "64",
	  .help = "Tags and branches (parties) of one call at most, deleted ones still lingering included",
	  .arg = "INT" },
	{ .name = "ng-tcp-max-connections", .type = OPT_UINT,
	  .offset = CFG(ng_tcp_max_connections), .min = 1, .max = 1000000, .def = "1024",
	  .help = "TCP ng connections at most (per listener); the one idle longest makes room",
	  .arg = "INT" },
	{ .name = "ng-tcp-timeout", .type = OPT_UINT, .offset = CFG(ng_tcp_timeout), .min = 1,
	  .max = CONFIG_NG_TIMEOUT_MAX, .def = "10",
	  .help = "TCP ng: seconds for a message to arrive whole, and for replies to be taken (at most 600)",
	  .arg = "SECS" },
	{ .name = "ng-tcp-idle-timeout", .type = OPT_UINT, .offset = CFG(ng_tcp_idle_timeout),
	  .min = 0, .max = CONFIG_NG_IDLE_TIMEOUT_MAX, .def = "3600",
	  .help = "TCP ng: seconds a connection may stay without a message (0: forever; at most 86400)",
	  .arg = "SECS" },
	/* issue 10's limits: the input of all TCP ng connections, calls per ng client */
	{ .name = "ng-tcp-max-buffered", .type = OPT_UINT, .offset = CFG(ng_tcp_max_buffered_kib),
	  .min = 1024, .max = 16777216, .def = "65536",
	  .help = "TCP ng: KiB of input all connections together may hold (1024..16777216); past it those whose messages progressed least are closed",
	  .arg = "KIB" },
	{ .name = "max-calls-per-client", .type = OPT_UINT, .offset = CFG(max_calls_per_client),
	  .min = 0, .max = 100000000, .def = "0",
	  .help = "Calls one ng client (source IP of the offer that created them) may have at once (0: no limit)",
	  .arg = "INT" },
	{ .name = "ng-cache-max-entries", .type = OPT_UINT, .offset = CFG(ng_cache_max_entries),
	  .min = 1, .max = 100000000, .def = "200000",
	  .help = "ng requests remembered for retransmissions (30 s); past it new ones are refused",
	  .arg = "INT" },
	{ .name = "ng-cache-max-bytes", .type = OPT_UINT, .offset = CFG(ng_cache_max_kib),
	  .min = 1, .max = 16777216, .def = "65536",
	  .help = "KiB of ng replies kept for retransmissions (oldest dropped first)", .arg = "KIB" },
	{ .name = "num-threads", .type = OPT_UINT, .offset = CFG(num_threads), .min = 1,
	  .max = 256, .help = "Number of worker threads to create (default: number of CPUs)",
	  .arg = "INT" },
	{ .name = "table", .short_name = 't', .type = OPT_CUSTOM, .offset = CFG(table),
	  .max = 255, .parse = parse_table, .def = "0",
	  .help = "Kernel table to use (negative: no kernel forwarding)", .arg = "INT" },
	{ .name = "no-fallback", .short_name = 'F', .type = OPT_BOOL, .offset = CFG(no_fallback),
	  .def = "false", .help = "Only start when kernel module is available" },
	/* kernel forwarding: the nftables rules (daemon/kernel/nft.c) */
	{ .name = "nftables-chain", .type = OPT_STRING, .offset = CFG(nftables_chain),
	  .size = CFG_SIZE(nftables_chain), .def = "rtprelay",
	  .help = "Chain for the rule that hands UDP to the kernel module ('': rules not managed)",
	  .arg = "CHAIN" },
	{ .name = "nftables-base-chain", .type = OPT_STRING, .offset = CFG(nftables_base_chain),
	  .size = CFG_SIZE(nftables_base_chain), .def = "INPUT",
	  .help = "Base chain (input hook) that jumps to nftables-chain ('': none, the chain is "
		  "the base chain; 'none': no jump rule)", .arg = "CHAIN" },
	{ .name = "nftables-append", .type = OPT_BOOL, .offset = CFG(nftables_append),
	  .def = "false", .help = "Append the jump rule to the base chain instead of prepending it" },
	{ .name = "nftables-family", .type = OPT_CUSTOM, .parse = parse_nftables_family,
	  .def = "ip,ip6", .help = "Address families to forward in the kernel (both: an inet table)",
	  .arg = "ip|ip6|ip,ip6" },
	{ .name = "nftables-priority", .type = OPT_INT, .offset = CFG(nftables_priority),
	  .min = INT_MIN, .max = INT_MAX, .def = "0",
	  .help = "Hook priority of a base chain rtprelay creates (0: filter)", .arg = "INT" },
	{ .name = "nftables-start", .type = OPT_BOOL, .cmdline_only = true,
	  .offset = CFG(nftables_start), .help = "Create the nftables rules and exit" },
	{ .name = "nftables-stop", .type = OPT_BOOL, .cmdline_only = true,
	  .offset = CFG(nftables_stop), .help = "Delete the nftables rules and exit" },
	{ .name = "nftables-status", .type = OPT_BOOL, .cmdline_only = true,
	  .offset = CFG(nftables_status),
	  .help = "Check that the nftables rules exist, print the result, exit 0 if so, else 1" },
	{ .name = "tos", .short_name = 'T', .type = OPT_INT, .offset = CFG(tos), .min = 0,
	  .max = 255, .def = "184", .help = "Default TOS value to set on streams", .arg = "INT" },
	{ .name = "endpoint-learning", .type = OPT_CUSTOM, .parse = parse_endpoint_learning,
	  .def = "delayed", .help = "RTP endpoint learning algorithm",
	  .arg = "delayed|immediate|off|heuristic" },
	{ .name = "memory-accounting", .type = OPT_CUSTOM, .parse = parse_memory_accounting,
	  .def = MEMORY_ACCOUNTING_DEFAULT,
	  .help = "Account shared memory per allocation site (file:line) too", .arg = "none|sites" },
	{ .name = "shared-memory-max", .type = OPT_UINT, .offset = CFG(shared_memory_max),
	  .min = 0, .max = 1048576, .def = "1024",
	  .help = "Shared memory for per-stream state at most, MiB (0: no limit)", .arg = "MIB" },
	{ .name = "shared-memory-shard-size", .type = OPT_UINT,
	  .offset = CFG(shared_memory_shard_kib), .min = 16, .max = 1048576, .def = "1024",
	  .help = "Size of one shard of that memory (each pinned as one area), KiB, a power of two",
	  .arg = "KIB" },
	{ .name = "scheduling", .type = OPT_CUSTOM, .parse = parse_scheduling, .def = "default",
	  .help = "Scheduling policy of the media threads",
	  .arg = "default|none|fifo|rr|other|batch|idle" },
	{ .name = "priority", .type = OPT_INT, .offset = CFG(sched_priority), .min = -20,
	  .max = 99, .help = "Priority of the media threads: nice -20..19, or 1..99 with fifo/rr",
	  .arg = "INT" },
	{ .name = "idle-scheduling", .type = OPT_CUSTOM, .parse = parse_scheduling,
	  .def = "default", .help = "Scheduling policy of the background threads",
	  .arg = "default|none|fifo|rr|other|batch|idle" },
	{ .name = "idle-priority", .type = OPT_INT, .offset = CFG(idle_sched_priority), .min = -20,
	  .max = 99,
	  .help = "Priority of the background threads: nice -20..19, or 1..99 with fifo/rr",
	  .arg = "INT" },
	{ .name = "media-io", .type = OPT_CUSTOM, .parse = parse_media_io, .def = "uring",
	  .help = "Media packet I/O: io_uring (falls back to epoll where unavailable) or epoll",
	  .arg = "uring|epoll" },
	{ .name = "media-coalesce-us", .type = OPT_UINT, .offset = CFG(media_coalesce_us),
	  .min = 0, .max = 10000, .def = "100",
	  .help = "io_uring: while busy, wait up to this long to serve packets in batches (at most 10000)",
	  .arg = "USECS" },
	{ .name = "media-buffers", .type = OPT_CUSTOM, .parse = parse_media_buffers, .def = "4096",
	  .help = "io_uring: receive buffers per worker thread (2 KiB each; a power of two)",
	  .arg = "INT" },
	{ .name = "media-max-pps", .type = OPT_UINT, .offset = CFG(media_max_pps), .min = 0,
	  .max = 1000000, .def = "10000",
	  .help = "Packets per second one stream forwards at most, bursts of a tenth of it (0: "
		  "no limit)",
	  .arg = "INT" },
	{ .name = "media-rcvbuf", .type = OPT_UINT, .offset = CFG(media_rcvbuf_kib), .min = 0,
	  .max = 65536, .def = "2048",
	  .help = "Receive buffer of each media socket, KiB (0: the system's default)",
	  .arg = "KIB" },

	{ .name = "dtls-rsa-key-size", .type = OPT_UINT, .offset = CFG(dtls_rsa_key_size),
	  .min = 1024, .max = 16384, .def = "2048",
	  .help = "Size of RSA key for DTLS (with --dtls-cert-cipher=RSA)", .arg = "INT" },
	{ .name = "dtls-cert-cipher", .type = OPT_CUSTOM, .parse = parse_dtls_cert_cipher,
	  .def = "prime256v1", .help = "Cipher to use for the DTLS certificate",
	  .arg = "prime256v1|RSA" },
	{ .name = "dtls-signature", .type = OPT_CUSTOM, .parse = parse_dtls_signature,
	  .def = "SHA-256", .help = "Signature algorithm for DTLS", .arg = "SHA-256|SHA-1" },
	{ .name = "dtls-ciphers", .type = OPT_STRING, .offset = CFG(dtls_ciphers),
	  .size = CFG_SIZE(dtls_ciphers),
	  .def = "DEFAULT:!NULL:!aNULL:!SHA256:!SHA384:!aECDH:!AESGCM+AES256:!aPSK",
	  .help = "List of ciphers for DTLS", .arg = "STRING" },
	{ .name = "dtls-mtu", .type = OPT_UINT, .offset = CFG(dtls_mtu), .min = 576, .max = 65535,
	  .def = "1200", .help = "DTLS MTU", .arg = "INT" },
	{ .name = "dtls-passive", .type = OPT_BOOL, .offset = CFG(dtls_passive), .def = "false",
	  .help = "Always prefer DTLS passive role" },

	{ .name = "log-level", .short_name = 'L', .type = OPT_INT, .offset = CFG(log_level),
	  .min = 0, .max = 7, .def = "6", .help = "Default log level", .arg = "INT" },
	LOG_SUBSYSTEMS(LOG_LEVEL_OPT)
	{ .name = "log-stderr", .short_name = 'E', .type = OPT_BOOL, .offset = CFG(log_stderr),
	  .def = "false", .help = "Log on stderr instead of syslog" },
	{ .name = "log-facility", .type = OPT_CUSTOM, .parse = parse_facility, .def = "daemon",
	  .help = "Syslog facility to use for logging", .arg = "daemon|local0|...|local7" },
	{ .name = "foreground", .short_name = 'f', .type = OPT_BOOL, .offset = CFG(foreground),
	  .def = "false", .help = "Don't fork to background" },
	{ .name = "pidfile", .short_name = 'p', .type = OPT_STRING, .offset = CFG(pidfile),
	  .size = CFG_SIZE(pidfile), .help = "Write PID to file", .arg = "FILE" },
};
/* clang-format on */

const size_t options_table_len = G_N_ELEMENTS(options_table);

const struct option_def *options_find(const char *name)
{
	for (size_t i = 0; i < options_table_len; i++)
		if (strcmp(options_table[i].name, name) == 0)
			return &options_table[i];
	return NULL;
}

const struct option_def *options_find_short(char c)
{
	for (size_t i = 0; c && i < options_table_len; i++)
		if (options_table[i].short_name == c)
			return &options_table[i];
	return NULL;
}

static unsigned cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* rtpengine's fallback when the count is unknown. */
	if (n < 1)
		return 4;
	return n > 256 ? 256 : (unsigned)n;
}

void options_defaults(struct rtprelay_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < options_table_len; i++) {
		const struct option_def *def = &options_table[i];
		g_autofree char *err = NULL;

		/* The defaults are ours: a failure here is a bug in the table. */
		if (def->def && options_apply(def, def->def, true, cfg, NULL, NULL, &err) < 0)
			g_error("default of option '%s': %s", def->name, err);
	}
	cfg->num_threads = cpu_count();
	cfg->sched_priority = cfg->idle_sched_priority = CONFIG_NO_PRIORITY; /* leave it */
	for (size_t i = 0; i < G_N_ELEMENTS(cfg->log_levels); i++)
		cfg->log_levels[i] = -1;
	/* As rtpengine: internals stays quiet unless asked for explicitly. */
	cfg->log_levels[LOG_SUBSYS_internals] = LOG_EMERG;
}
