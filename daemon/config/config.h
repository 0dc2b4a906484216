/*
 * config: the daemon's configuration as an immutable snapshot. options.c
 * fills a new one from the command line and the config file (one table
 * drives both, options_table.c); from then on nobody writes to it. A
 * SIGHUP reload builds the next snapshot (reload.h) and swaps the one
 * pointer the control thread reads (struct rtprelay's cfg); the old
 * snapshot is freed when its last holder puts it.
 *
 * Who holds one: the daemon context (the current one, read by the control
 * thread only) and the port pools (the start-up one: every call's
 * interface points into it). The packet path never reads a snapshot:
 * what a stream needs (learning mode, strict source, TOS) is copied into
 * it when the control thread sets it up.
 */
#ifndef RTPRELAY_CONFIG_H
#define RTPRELAY_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * One --interface=[NAME/]IP[!ADVERTISED] entry (interface.h). A NAME has at
 * most one address per family: options reject a second one.
 */
struct config_interface {
	char name[64];                          /* "default" when not given */
	struct sockaddr_storage local;          /* port 0 */
	struct sockaddr_storage advertised;     /* = local unless !ADVERTISED given */
	int family;                             /* AF_INET or AF_INET6 */
	char local_str[64], advertised_str[64]; /* printable addresses */
};

#define CONFIG_MAX_INTERFACES 32
/* The longest delete-delay, global or per request (a request asking for more
 * gets this): a deleted call holds its ports and memory that long. */
#define CONFIG_DELETE_DELAY_MAX 3600
/* The longest values of the other durations (docs/OPERATIONS.md lists
 * them); a larger value in the config is refused at start-up and reload. */
#define CONFIG_TIMEOUT_MAX 86400         /* timeout, silent-timeout, offer-timeout */
#define CONFIG_FINAL_TIMEOUT_MAX 2592000 /* final-timeout: 30 days */
#define CONFIG_NG_TIMEOUT_MAX 600        /* ng-tcp-timeout, http-timeout */
#define CONFIG_NG_IDLE_TIMEOUT_MAX 86400 /* ng-tcp-idle-timeout */
#define CONFIG_MAX_LISTENERS 8

/*
 * A listen address "[IP46|HOSTNAME:]PORT" (interface.h); without IP: the
 * IPv4 any-address 0.0.0.0. addr carries the port; text is "IP:PORT" or
 * "[IPv6]:PORT".
 */
struct config_listen {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char text[80];
};

enum endpoint_learning {
	EL_DELAYED,
	EL_IMMEDIATE,
	EL_OFF,
	EL_HEURISTIC,
};

/* --nftables-family: which netfilter family holds the table (both: one
 * inet table). */
enum config_nft_family {
	CONFIG_NFT_BOTH,
	CONFIG_NFT_IP,
	CONFIG_NFT_IP6,
};

/* sched_priority, idle_sched_priority: not given (leave the thread's) */
#define CONFIG_NO_PRIORITY (-1000)

struct rtprelay_config {
	struct config_interface interfaces[CONFIG_MAX_INTERFACES];
	unsigned n_interfaces;

	struct config_listen listen_ng[CONFIG_MAX_LISTENERS];
	unsigned n_listen_ng;
	struct config_listen listen_tcp_ng[CONFIG_MAX_LISTENERS];
	unsigned n_listen_tcp_ng;
	struct config_listen listen_http[CONFIG_MAX_LISTENERS];
	unsigned n_listen_http;

	unsigned port_min, port_max;     /* default 30000..40000 as rtpengine */
	unsigned timeout;                /* -o, default 60 */
	unsigned silent_timeout;         /* -s, default 3600 */
	unsigned final_timeout;          /* -a, default 0 = none */
	unsigned offer_timeout;          /* default 3600 */
	unsigned delete_delay;           /* -d, default 30 */
	int max_sessions;                /* default -1 = unlimited */
	unsigned max_call_tags;          /* monologues of one call at most */
	unsigned ng_cache_max_entries;   /* ng/cache.h: requests remembered */
	unsigned ng_tcp_max_connections; /* per TCP ng listener */
	unsigned ng_tcp_timeout;         /* s: a message whole, replies taken */
	unsigned ng_tcp_idle_timeout;    /* s: without a message; 0 = forever */
	unsigned ng_cache_max_kib;       /* --ng-cache-max-bytes, in KiB: replies kept */
	unsigned num_threads;            /* default: number of CPUs */
	int table;                       /* -t, default 0; -1 = no kernel */
	bool no_fallback;                /* -F */
	/* Kernel forwarding: the nftables rules (kernel/nft.h), as rtpengine's
	 * options of the same names. Read at start-up and shutdown only. */
	char nftables_chain[64];      /* default "rtprelay"; "" = rules not managed */
	char nftables_base_chain[64]; /* default "INPUT"; "" = the chain is the base
				       * chain; "none" = no jump rule */
	bool nftables_append;         /* jump rule last in the base chain, not first */
	int nftables_family;          /* enum config_nft_family */
	int nftables_priority;        /* hook priority of a base chain we create */
	/* --scheduling/--priority (media threads), --idle-scheduling/
	 * --idle-priority (background threads): a SCHED_* policy or -1 (leave
	 * it), a priority (nice, or 1..99 for fifo/rr) or CONFIG_NO_PRIORITY */
	int sched_policy, sched_priority;
	int idle_sched_policy, idle_sched_priority;
	bool nftables_start;  /* one-shot: create the rules, exit */
	bool nftables_stop;   /* one-shot: delete the rules, exit */
	bool nftables_status; /* one-shot: check the rules, exit 0/1 */
	int tos;              /* -T, default 184 (EF) as rtpengine */
	enum endpoint_learning endpoint_learning;
	bool memory_accounting_sites;     /* --memory-accounting=sites (debug builds: default) */
	unsigned shared_memory_max;       /* MiB of bufferpool shards at most; 0 = no limit */
	unsigned shared_memory_shard_kib; /* KiB per bufferpool shard (a power of two) */
	int media_io; /* enum media_io_kind (media/worker.h): --media-io, default uring */
	unsigned media_coalesce_us; /* --media-coalesce-us, default 100 */
	unsigned media_max_pps;     /* --media-max-pps, default 10000 (0: no limit) */
	unsigned media_rcvbuf_kib;  /* --media-rcvbuf, default 2048 (0: system default) */
	unsigned media_buffers;     /* --media-buffers: per io_uring worker, default 4096 */

	/* DTLS-SRTP (crypto/dtls_cert.c): the certificate made at start-up and
	 * the handshake's settings, rtpengine 10.5's options and defaults */
	unsigned dtls_rsa_key_size; /* --dtls-rsa-key-size, 2048 (RSA certificates) */
	bool dtls_cert_rsa;         /* --dtls-cert-cipher=RSA; default prime256v1 */
	bool dtls_signature_sha1;   /* --dtls-signature=SHA-1; default SHA-256 */
	char dtls_ciphers[256];     /* --dtls-ciphers: an OpenSSL cipher list */
	unsigned dtls_mtu;          /* --dtls-mtu, 1200 */
	bool dtls_passive;          /* --dtls-passive: answer as passive unless told */

	/* issue 10's limits over all TCP ng connections and per ng client */
	unsigned ng_tcp_max_buffered_kib; /* --ng-tcp-max-buffered: input held, KiB */
	unsigned max_calls_per_client;    /* calls created by one ng client address; 0 = any */

	/* HTTP listener limits (ng/http.c), per listening address */
	unsigned http_max_connections; /* --http-max-connections, default 128 */
	unsigned http_max_header_size; /* --http-max-header-size: request line + headers, 8192 */
	unsigned http_max_uri_size;    /* --http-max-uri-size: the request target, 2048 */
	unsigned http_max_body_size;   /* --http-max-body-size, default 262144 */
	unsigned http_timeout;         /* --http-timeout: seconds for a whole request, 10 */

	int log_level;           /* -L, default 6 (LOG_INFO) */
	int log_levels[16];      /* per subsystem (enum log_subsys), -1 =
					* log_level; internals defaults to 0 (quiet),
					* as rtpengine */
	bool log_stderr;         /* -E */
	int log_facility;        /* syslog facility (LOG_LOCAL0...), default LOG_DAEMON */
	bool foreground;         /* -f */
	char pidfile[256];       /* -p, "" = none */
	char config_file[256];   /* default /etc/rtprelay/rtprelay.conf; "none" */
	char config_section[64]; /* the section read: "rtprelay", or
					* "rtpengine"; "" when no file was read */
	bool check_config;       /* --check-config: validate and exit */
};

/* Set the logger's levels (global and per subsystem) from cfg. Any thread. */
void config_apply_log_levels(const struct rtprelay_config *cfg);

/* A zeroed snapshot held once by the caller (fill it, then share it). */
struct rtprelay_config *config_new(void);
/* Another hold on cfg; returns cfg. Any thread. */
const struct rtprelay_config *config_get(const struct rtprelay_config *cfg);
/* Drop a hold; the last one frees. NULL is a no-op. Any thread. */
void config_put(const struct rtprelay_config *cfg);

#endif
