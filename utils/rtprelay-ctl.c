/*
 * rtprelay-ctl: operator's view of a running daemon, over its ng socket.
 *
 *   rtprelay-ctl [-n ADDR:PORT] list
 *   rtprelay-ctl [-n ADDR:PORT] show CALL-ID
 *   rtprelay-ctl [-n ADDR:PORT] statistics
 *   rtprelay-ctl [-n ADDR:PORT] memory
 *   rtprelay-ctl [-n ADDR:PORT] terminate CALL-ID
 *
 * Output is human-readable text; exit status 0 on success, 1 when the
 * daemon answers with an error, 2 on usage or transport errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "bencode.h"

#define CTL_TIMEOUT_MS 3000

struct ctl {
	int fd;
	struct arena *arena;
	unsigned seq;
};

static int ctl_connect(struct ctl *c, const char *target)
{
	g_autofree char *host = NULL;
	const char *port;
	const char *colon = strrchr(target, ':');

	if (!colon) {
		host = g_strdup("127.0.0.1");
		port = target;
	} else {
		host = g_strndup(target, (gsize)(colon - target));
		port = colon + 1;
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
	}
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;
	int err = getaddrinfo(host, port, &hints, &res);

	if (err) {
		fprintf(stderr, "rtprelay-ctl: %s: %s\n", target, gai_strerror(err));
		return -1;
	}
	c->fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) < 0) {
		fprintf(stderr, "rtprelay-ctl: %s: %s\n", target, strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

/* Send req, wait for the reply with our cookie; NULL on transport errors. */
static bencode_item *ctl_request(struct ctl *c, bencode_item *req)
{
	g_autoptr(GString) msg = g_string_new(NULL);
	char cookie[32];
	static char buf[65536];

	snprintf(cookie, sizeof(cookie), "ctl%ld.%u", (long)getpid(), ++c->seq);
	g_string_append_printf(msg, "%s ", cookie);
	bencode_encode(req, msg);
	for (int attempt = 0; attempt < 3; attempt++) {
		if (send(c->fd, msg->str, msg->len, 0) < 0) {
			fprintf(stderr, "rtprelay-ctl: send: %s\n", strerror(errno));
			return NULL;
		}
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		while (poll(&pfd, 1, CTL_TIMEOUT_MS) == 1) {
			ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

			if (n < 0) {
				fprintf(stderr, "rtprelay-ctl: %s\n", strerror(errno));
				return NULL;
			}
			size_t cl = strlen(cookie);

			if ((size_t)n <= cl || memcmp(buf, cookie, cl) || buf[cl] != ' ')
				continue; /* a late reply to an earlier attempt */
			bencode_item *reply;
			size_t used;
			struct bencode_error berr;
			/* Decoding is zero-copy: the reply must outlive the next one. */
			str body = arena_strdup(c->arena,
						str_make(buf + cl + 1, (size_t)n - cl - 1));

			if (bencode_decode(c->arena, body.s, body.len, NULL, &reply, &used,
					   &berr) ||
			    reply->type != BENCODE_DICT) {
				fprintf(stderr, "rtprelay-ctl: malformed reply\n");
				return NULL;
			}
			return reply;
		}
	}
	fprintf(stderr, "rtprelay-ctl: no answer from the daemon\n");
	return NULL;
}

static bool reply_ok(bencode_item *reply)
{
	str result, reason;

	if (bencode_dict_get_str(reply, "result", &result) &&
	    (str_eq_c(result, "ok") || str_eq_c(result, "pong")))
		return true;
	if (!bencode_dict_get_str(reply, "error-reason", &reason))
		reason = STR_C("(no reason given)");
	fprintf(stderr, "rtprelay-ctl: error: %.*s\n", STR_FMT(reason));
	return false;
}

static int64_t get_int(const bencode_item *d, const char *key)
{
	int64_t v = 0;

	bencode_dict_get_int(d, key, &v);
	return v;
}

static const char *get_cstr(struct arena *a, const bencode_item *d, const char *key)
{
	str s;

	if (!bencode_dict_get_str(d, key, &s))
		return "";
	return arena_strdup(a, s).s;
}

static void print_endpoint(struct arena *a, const bencode_item *st, const char *key)
{
	bencode_item *e = bencode_dict_get(st, key);

	if (!e || e->type != BENCODE_DICT) {
		printf("-");
		return;
	}
	const char *fam = get_cstr(a, e, "family");

	printf(strcmp(fam, "IPv6") ? "%s:%lld" : "[%s]:%lld", get_cstr(a, e, "address"),
	       (long long)get_int(e, "port"));
}

static void print_call(struct arena *a, const char *callid, const bencode_item *r)
{
	time_t created = (time_t)get_int(r, "created");
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&created));
	printf("call %s\n  created %s (%lld s ago), last signal %lld s ago\n", callid, when,
	       (long long)(time(NULL) - created),
	       (long long)(time(NULL) - get_int(r, "last signal")));
	if (bencode_dict_get(r, "deleting in ms"))
		printf("  deleting in %lld ms\n", (long long)get_int(r, "deleting in ms"));
	bencode_item *tags = bencode_dict_get(r, "tags");

	if (!tags || tags->type != BENCODE_DICT)
		return;
	bencode_dict_foreach(tags, k, ml) {
		if (ml->type != BENCODE_DICT)
			continue;
		printf("  tag '%.*s'", STR_FMT(k->str));
		if (bencode_dict_get(ml, "via-branch"))
			printf(" via-branch '%s'", get_cstr(a, ml, "via-branch"));
		if (bencode_dict_get(ml, "label"))
			printf(" label '%s'", get_cstr(a, ml, "label"));
		if (bencode_dict_get(ml, "in dialogue with"))
			printf(" <-> '%s'", get_cstr(a, ml, "in dialogue with"));
		if (bencode_dict_get(ml, "deleting in ms"))
			printf(" (deleting in %lld ms)", (long long)get_int(ml, "deleting in ms"));
		printf("\n");
		bencode_item *medias = bencode_dict_get(ml, "medias");

		if (!medias || medias->type != BENCODE_LIST)
			continue;
		bencode_list_foreach(medias, m) {
			printf("    media %lld %s %s\n", (long long)get_int(m, "index"),
			       get_cstr(a, m, "type"), get_cstr(a, m, "protocol"));
			bencode_item *streams = bencode_dict_get(m, "streams");

			if (!streams || streams->type != BENCODE_LIST)
				continue;
			bencode_list_foreach(streams, st) {
				bencode_item *fl = bencode_dict_get(st, "flags");
				const char *kind = fl && fl->child
							   ? arena_strdup(a, fl->child->str).s
							   : "?";

				printf("      %-4s local %s:%lld  peer ", kind,
				       get_cstr(a, st, "local address"),
				       (long long)get_int(st, "local port"));
				print_endpoint(a, st, "endpoint");
				bencode_item *stats = bencode_dict_get(st, "stats");

				if (stats)
					printf("  %lld packets, %lld bytes, %lld errors",
					       (long long)get_int(stats, "packets"),
					       (long long)get_int(stats, "bytes"),
					       (long long)get_int(stats, "errors"));
				printf("\n");
			}
		}
	}
}

static int cmd_list(struct ctl *c)
{
	bencode_item *req = bencode_new_dict(c->arena);

	bencode_dict_add_cstr(c->arena, req, "command", "list");
	bencode_dict_add_int(c->arena, req, "limit", 1000000);
	bencode_item *r = ctl_request(c, req);

	if (!r)
		return 2;
	if (!reply_ok(r))
		return 1;
	bencode_item *calls = bencode_dict_get(r, "calls");
	unsigned n = 0;

	printf("%-40s %8s %6s %s\n", "CALL-ID", "AGE(s)", "TAGS", "STATE");
	if (calls && calls->type == BENCODE_LIST)
		bencode_list_foreach(calls, id) {
			bencode_item *q = bencode_new_dict(c->arena);

			bencode_dict_add_cstr(c->arena, q, "command", "query");
			bencode_dict_add_str(c->arena, q, "call-id", id->str);
			bencode_item *qr = ctl_request(c, q);

			n++;
			if (!qr || !reply_ok(qr)) {
				printf("%-40.*s %8s %6s %s\n", STR_FMT(id->str), "-", "-", "gone");
				continue;
			}
			bencode_item *tags = bencode_dict_get(qr, "tags");

			printf("%-40.*s %8lld %6zu %s\n", STR_FMT(id->str),
			       (long long)(time(NULL) - get_int(qr, "created")),
			       tags ? tags->count : 0,
			       bencode_dict_get(qr, "deleting in ms") ? "deleting" : "active");
		}
	printf("%u call(s)\n", n);
	return 0;
}

static int cmd_show(struct ctl *c, const char *callid)
{
	bencode_item *req = bencode_new_dict(c->arena);

	bencode_dict_add_cstr(c->arena, req, "command", "query");
	bencode_dict_add_cstr(c->arena, req, "call-id", callid);
	bencode_item *r = ctl_request(c, req);

	if (!r)
		return 2;
	if (!reply_ok(r))
		return 1;
	print_call(c->arena, callid, r);
	return 0;
}

static void print_dict_ints(struct arena *a, const char *title, const bencode_item *d)
{
	if (!d || d->type != BENCODE_DICT)
		return;
	printf("%s:\n", title);
	bencode_dict_foreach(d, k, v) {
		if (v->type == BENCODE_INT)
			printf("  %-32.*s %lld\n", STR_FMT(k->str), (long long)v->num);
		else if (v->type == BENCODE_STRING)
			printf("  %-32.*s %.*s\n", STR_FMT(k->str), STR_FMT(v->str));
	}
}

/* The daemon's "statistics" dictionary; NULL with *rc set (2: no answer,
 * 1: an error or no statistics in the reply). */
static bencode_item *get_statistics(struct ctl *c, int *rc)
{
	bencode_item *req = bencode_new_dict(c->arena);

	bencode_dict_add_cstr(c->arena, req, "command", "statistics");
	bencode_item *r = ctl_request(c, req);

	*rc = 2;
	if (!r)
		return NULL;
	*rc = 1;
	if (!reply_ok(r))
		return NULL;
	bencode_item *st = bencode_dict_get(r, "statistics");

	if (!st || st->type != BENCODE_DICT) {
		fprintf(stderr, "rtprelay-ctl: reply has no statistics\n");
		return NULL;
	}
	return st;
}

static int cmd_statistics(struct ctl *c)
{
	int rc;
	bencode_item *st = get_statistics(c, &rc);

	if (!st)
		return rc;
	print_dict_ints(c->arena, "Current", bencode_dict_get(st, "currentstatistics"));
	print_dict_ints(c->arena, "Totals", bencode_dict_get(st, "totalstatistics"));
	bencode_item *ctl = bencode_dict_get(st, "controlstatistics");
	bencode_item *cmds = ctl ? bencode_dict_get(ctl, "commands") : NULL;

	if (cmds && cmds->type == BENCODE_DICT) {
		printf("Control commands:\n  %-14s %10s %8s %12s\n", "COMMAND", "COUNT", "ERRORS",
		       "SECONDS");
		bencode_dict_foreach(cmds, k, v) {
			printf("  %-14.*s %10lld %8lld %12s\n", STR_FMT(k->str),
			       (long long)get_int(v, "count"), (long long)get_int(v, "errors"),
			       get_cstr(c->arena, v, "duration"));
		}
	}
	print_dict_ints(c->arena, "Ports", bencode_dict_get(st, "ports"));
	bencode_item *io = bencode_dict_get(st, "media io");

	if (io && io->type == BENCODE_DICT)
		printf("Media I/O: %s, %lld thread(s), %lld buffer shortage(s)\n",
		       get_cstr(c->arena, io, "backend"), (long long)get_int(io, "threads"),
		       (long long)get_int(io, "buffer shortages"));
	return 0;
}

static void print_list_table(struct arena *a, const char *title, const bencode_item *list,
			     const char *const *cols)
{
	if (!list || list->type != BENCODE_LIST)
		return;
	printf("%s:\n ", title);
	for (const char *const *col = cols; *col; col++)
		printf(" %14s", *col);
	printf("\n");
	bencode_list_foreach(list, row) {
		printf(" ");
		for (const char *const *col = cols; *col; col++) {
			bencode_item *v = bencode_dict_get(row, *col);

			if (v && v->type == BENCODE_INT)
				printf(" %14lld", (long long)v->num);
			else if (v && v->type == BENCODE_STRING)
				printf(" %14.*s", STR_FMT(v->str));
			else
				printf(" %14s", "-");
		}
		printf("\n");
	}
}

static int cmd_memory(struct ctl *c)
{
	static const char *const shard_cols[] = { "index",      "size",   "used", "live_objects",
						  "free_pages", "pinned", NULL };
	static const char *const class_cols[] = { "size", "objects", "bytes", "pages", NULL };
	static const char *const site_cols[] = { "site", "objects", "bytes", "allocs", NULL };
	int rc;
	bencode_item *st = get_statistics(c, &rc);

	if (!st)
		return rc;
	bencode_item *mem = bencode_dict_get(st, "memory");

	if (!mem || mem->type != BENCODE_DICT) {
		fprintf(stderr, "rtprelay-ctl: reply has no memory statistics\n");
		return 1;
	}
	print_dict_ints(c->arena, "Shared memory", mem);
	print_list_table(c->arena, "Shards", bencode_dict_get(mem, "per shard"), shard_cols);
	print_list_table(c->arena, "Size classes", bencode_dict_get(mem, "per size class"),
			 class_cols);
	if (bencode_dict_get(mem, "per site"))
		print_list_table(c->arena, "Allocation sites (by bytes)",
				 bencode_dict_get(mem, "per site"), site_cols);
	else
		printf("Allocation sites: not recorded (--memory-accounting=sites)\n");
	return 0;
}

static int cmd_terminate(struct ctl *c, const char *callid)
{
	bencode_item *req = bencode_new_dict(c->arena);

	bencode_dict_add_cstr(c->arena, req, "command", "delete");
	bencode_dict_add_cstr(c->arena, req, "call-id", callid);
	bencode_dict_add_int(c->arena, req, "delete delay", 0);
	bencode_item *flags = bencode_dict_add_list(c->arena, req, "flags");

	bencode_list_add_cstr(c->arena, flags, "fatal");
	bencode_item *r = ctl_request(c, req);

	if (!r)
		return 2;
	if (!reply_ok(r))
		return 1;
	printf("call %s terminated\n", callid);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: rtprelay-ctl [-n ADDR:PORT] list | show CALL-ID | statistics | "
			"memory | terminate CALL-ID\n"
			"  -n  the daemon's ng address (default 127.0.0.1:2223)\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *target = "127.0.0.1:2223";
	struct ctl c = { .fd = -1 };
	int i = 1, ret;

	if (i + 1 < argc && (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--ng"))) {
		target = argv[i + 1];
		i += 2;
	} else if (i < argc && !strncmp(argv[i], "--ng=", 5)) {
		target = argv[i] + 5;
		i++;
	}
	if (i >= argc)
		return usage();
	const char *cmd = argv[i++];
	const char *arg = i < argc ? argv[i++] : NULL;

	if (i < argc)
		return usage();
	if (ctl_connect(&c, target) < 0)
		return 2;
	c.arena = arena_new(65536);
	if (!strcmp(cmd, "list") && !arg)
		ret = cmd_list(&c);
	else if (!strcmp(cmd, "show") && arg)
		ret = cmd_show(&c, arg);
	else if ((!strcmp(cmd, "statistics") || !strcmp(cmd, "stats")) && !arg)
		ret = cmd_statistics(&c);
	else if (!strcmp(cmd, "memory") && !arg)
		ret = cmd_memory(&c);
	else if (!strcmp(cmd, "terminate") && arg)
		ret = cmd_terminate(&c, arg);
	else
		ret = usage();
	arena_free(c.arena);
	close(c.fd);
	return ret;
}
