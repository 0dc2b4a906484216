/*
 * config: the daemon's explicit configuration, filled once at start-up by
 * options.c from the command line and the config file (one table drives
 * both), then passed to the modules that need it. Only SIGHUP reload
 * (options_reload) changes the reloadable fields, on the main thread.
 */
#ifndef RTPRELAY_CONFIG_H
#define RTPRELAY_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* One --interface=[NAME/]IP[!ADVERTISED] entry. */
struct config_interface {
	char name[64];                  /* "default" when not given */
	struct sockaddr_storage local;  /* port 0 */
	struct sockaddr_storage advertised; /* = local unless !ADVERTISED given */
	int family;                     /* AF_INET or AF_INET6 */
	char local_str[64], advertised_str[64]; /* printable addresses */
};

#define CONFIG_MAX_INTERFACES 32
#define CONFIG_MAX_LISTENERS 8

/* A listen address "[IP46|HOSTNAME:]PORT"; without IP: all addresses. */
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

struct rtprelay_config {
	struct config_interface interfaces[CONFIG_MAX_INTERFACES];
	unsigned n_interfaces;

	struct config_listen listen_ng[CONFIG_MAX_LISTENERS];
	unsigned n_listen_ng;
	struct config_listen listen_tcp_ng[CONFIG_MAX_LISTENERS];
	unsigned n_listen_tcp_ng;
	struct config_listen listen_http[CONFIG_MAX_LISTENERS];
	unsigned n_listen_http;

	unsigned port_min, port_max;   /* default 30000..40000 as rtpengine */
	unsigned timeout;              /* -o, default 60 */
	unsigned silent_timeout;       /* -s, default 3600 */
	unsigned final_timeout;        /* -a, default 0 = none */
	unsigned offer_timeout;        /* default 3600 */
	unsigned delete_delay;         /* -d, default 30 */
	int max_sessions;              /* default -1 = unlimited */
	unsigned num_threads;          /* default: number of CPUs */
	int table;                     /* -t, default 0; -1 = no kernel */
	bool no_fallback;              /* -F */
	int tos;                       /* -T, default 184 (EF) as rtpengine */
	enum endpoint_learning endpoint_learning;

	int log_level;                 /* -L, default 6 (LOG_INFO) */
	int log_levels[16];            /* per subsystem, -1 = log_level */
	bool log_stderr;               /* -E */
	int log_facility;              /* syslog facility, default LOG_DAEMON */
	bool foreground;               /* -f */
	char pidfile[256];             /* -p, "" = none */
	char config_file[256];
	char config_section[64];       /* "rtprelay", or "rtpengine" */
	bool check_config;             /* --check-config: validate and exit */
};

#endif
