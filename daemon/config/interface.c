/* Parsing of --interface and --listen-* values; see interface.h. */
#include "config/interface.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockaddr.h"

/* A literal IPv4 or IPv6 address (port 0) into ss; false if it is neither. */
static bool parse_literal(const char *s, struct sockaddr_storage *ss, int *family)
{
	if (sockaddr_from_str(str_from(s), 0, 0, ss) < 0)
		return false;
	*family = ss->ss_family;
	return true;
}

static void print_addr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6
				? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
				: (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		g_strlcpy(buf, "?", len);
}

/*
 * Split "[NAME/]ADDR[!ADV]" (a copy in buf) into its parts; name is
 * "default" when absent, adv NULL when absent.
 */
static int split_interface(char *buf, const char **name, char **addr, char **adv, char **err)
{
	char *slash = strchr(buf, '/');

	*name = "default";
	*addr = buf;
	if (slash) {
		*slash = '\0';
		*name = buf;
		*addr = slash + 1;
		if (!**name) {
			*err = g_strdup("empty interface name before '/'");
			return -1;
		}
		if (strlen(*name) >= sizeof(((struct config_interface *)0)->name)) {
			*err = g_strdup_printf("interface name '%s' is too long", *name);
			return -1;
		}
	}
	*adv = strchr(*addr, '!');
	if (*adv)
		*(*adv)++ = '\0';
	if (!**addr) {
		*err = g_strdup("missing address");
		return -1;
	}
	if (*adv && !**adv) {
		*err = g_strdup("missing advertised address after '!'");
		return -1;
	}
	return 0;
}

/* Fill out from name, a local address and an optional advertised literal. */
static int fill(struct config_interface *out, const char *name,
		const struct sockaddr_storage *local, int family, const char *adv, char **err)
{
	memset(out, 0, sizeof(*out));
	g_strlcpy(out->name, name, sizeof(out->name));
	out->local = *local;
	out->family = family;
	out->advertised = *local;
	if (adv) {
		int adv_family;

		if (!parse_literal(adv, &out->advertised, &adv_family)) {
			*err = g_strdup_printf(
				"advertised address '%s' is not an IPv4 or IPv6 address", adv);
			return -1;
		}
		if (adv_family != family) {
			*err = g_strdup_printf(
				"advertised address '%s' is %s but the local address is %s", adv,
				sockaddr_family_name(adv_family), sockaddr_family_name(family));
			return -1;
		}
	}
	print_addr(&out->local, out->local_str, sizeof(out->local_str));
	print_addr(&out->advertised, out->advertised_str, sizeof(out->advertised_str));
	return 0;
}

int interface_parse(const char *text, struct config_interface *out, char **err)
{
	g_autofree char *buf = g_strstrip(g_strdup(text));
	const char *name;
	char *addr, *adv;
	struct sockaddr_storage ss;
	int family;

	if (split_interface(buf, &name, &addr, &adv, err) < 0)
		return -1;
	if (!parse_literal(addr, &ss, &family)) {
		*err = g_strdup_printf("'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	return fill(out, name, &ss, family, adv, err);
}

/* fe80::/10 needs a scope id to bind and means nothing to the far end. */
static bool is_link_local6(const struct sockaddr_storage *ss)
{
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(a);
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* What an expansion collects: at most one address per family. */
struct expansion {
	struct sockaddr_storage addr[2]; /* [0] IPv4, [1] IPv6 */
	bool have[2];
	const char *text;
	void (*skipped)(void *ctx, const char *msg);
	void *ctx;
};

static void collect(struct expansion *x, const struct sockaddr *sa)
{
	struct sockaddr_storage ss = { 0 };
	int i = sa->sa_family == AF_INET6;

	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return;
	memcpy(&ss, sa,
	       sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in));
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else {
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
		((struct sockaddr_in6 *)&ss)->sin6_scope_id = 0;
		((struct sockaddr_in6 *)&ss)->sin6_flowinfo = 0;
	}
	if (is_link_local6(&ss))
		return;
	if (x->have[i]) {
		char a[INET6_ADDRSTRLEN], kept[INET6_ADDRSTRLEN];

		print_addr(&ss, a, sizeof(a));
		print_addr(&x->addr[i], kept, sizeof(kept));
		if (strcmp(a, kept) != 0 && x->skipped) {
			g_autofree char *msg = g_strdup_printf(
				"interface '%s': ignoring additional %s address %s (using %s; "
				"one address per family and interface name)",
				x->text, sockaddr_family_name(sa->sa_family), a, kept);
			x->skipped(x->ctx, msg);
		}
		return;
	}
	x->addr[i] = ss;
	x->have[i] = true;
}

/* `any` (device NULL) or one system interface: its addresses via getifaddrs. */
static int expand_device(struct expansion *x, const char *device, char **err)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) < 0) {
		*err = g_strdup_printf("cannot list network interfaces: %s", g_strerror(errno));
		return -1;
	}
	for (p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_addr)
			continue;
		if (device && strcmp(p->ifa_name, device) != 0)
			continue;
		if (!device) {
			struct sockaddr_storage ss = { 0 };

			if (p->ifa_addr->sa_family != AF_INET && p->ifa_addr->sa_family != AF_INET6)
				continue;
			memcpy(&ss, p->ifa_addr,
			       p->ifa_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								  : sizeof(struct sockaddr_in));
			if (is_loopback(&ss) || (p->ifa_flags & IFF_LOOPBACK))
				continue;
		}
		collect(x, p->ifa_addr);
	}
	freeifaddrs(ifa);
	return 0;
}

/* A DNS name: letters, digits, '-', '.', '_', and at least one letter. */
static bool looks_like_hostname(const char *s)
{
	bool alpha = false;

	for (; *s; s++) {
		if (isalpha((unsigned char)*s))
			alpha = true;
		else if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	}
	return alpha;
}

static int expand_hostname(struct expansion *x, const char *host, char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res, *r;
	int rc = getaddrinfo(host, NULL, &hints, &res);

	if (rc != 0) {
		*err = g_strdup_printf("'%s' is not an IP address, network interface or "
				       "resolvable host name (%s)",
				       host, gai_strerror(rc));
		return -1;
	}
	for (r = res; r; r = r->ai_next)
		collect(x, r->ai_addr);
	freeaddrinfo(res);
	return 0;
}

int interface_expand(const char *text, struct config_interface *out, unsigned max,
		     void (*skipped)(void *ctx, const char *msg), void *ctx, char **err)
{
	g_autofree char *buf = g_strstrip(g_strdup(text));
	struct expansion x = { .text = text, .skipped = skipped, .ctx = ctx };
	struct sockaddr_storage ss;
	const char *name;
	char *addr, *adv;
	int family, n = 0;

	if (max == 0) {
		*err = g_strdup_printf("too many interfaces (at most %d)", CONFIG_MAX_INTERFACES);
		return -1;
	}
	if (split_interface(buf, &name, &addr, &adv, err) < 0)
		return -1;
	if (parse_literal(addr, &ss, &family))
		return fill(out, name, &ss, family, adv, err) < 0 ? -1 : 1;

	if (strcmp(addr, "any") == 0) {
		if (expand_device(&x, NULL, err) < 0)
			return -1;
	} else if (if_nametoindex(addr) != 0) {
		if (expand_device(&x, addr, err) < 0)
			return -1;
	} else if (looks_like_hostname(addr)) {
		if (expand_hostname(&x, addr, err) < 0)
			return -1;
	} else {
		*err = g_strdup_printf("'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	if (!x.have[0] && !x.have[1]) {
		*err = g_strdup_printf("'%s' has no usable address", addr);
		return -1;
	}
	/* An advertised address names one family: keep only that one. */
	for (int i = 0; i < 2; i++) {
		int fam = i ? AF_INET6 : AF_INET;

		if (!x.have[i])
			continue;
		if (adv) {
			struct sockaddr_storage a;
			int afam;

			if (parse_literal(adv, &a, &afam) && afam != fam)
				continue;
		}
		if ((unsigned)n >= max) {
			*err = g_strdup_printf("too many interfaces (at most %d)",
					       CONFIG_MAX_INTERFACES);
			return -1;
		}
		if (fill(&out[n], name, &x.addr[i], fam, adv, err) < 0)
			return -1;
		n++;
	}
	if (n == 0) {
		/* Only reached with an advertised address of a family ADDR lacks. */
		*err = g_strdup_printf("'%s' has no address of the family of '%s'", addr, adv);
		return -1;
	}
	return n;
}

/* Port 1..65535 from the whole of s. */
static int parse_port(const char *s, unsigned short *port, char **err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || !isdigit((unsigned char)*s)) {
		*err = g_strdup_printf("'%s' is not a port number", s);
		return -1;
	}
	if (v < 1 || v > 65535) {
		*err = g_strdup_printf("port %ld is out of range 1..65535", v);
		return -1;
	}
	*port = (unsigned short)v;
	return 0;
}

static void set_port(struct config_listen *out, unsigned short port)
{
	char a[INET6_ADDRSTRLEN];

	print_addr(&out->addr, a, sizeof(a));
	if (out->addr.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&out->addr)->sin6_port = htons(port);
		out->addr_len = sizeof(struct sockaddr_in6);
		snprintf(out->text, sizeof(out->text), "[%s]:%u", a, port);
	} else {
		((struct sockaddr_in *)&out->addr)->sin_port = htons(port);
		out->addr_len = sizeof(struct sockaddr_in);
		snprintf(out->text, sizeof(out->text), "%s:%u", a, port);
	}
}

/* host of a listen address: an IP literal or a DNS name (first result). */
static int listen_host(const char *host, struct sockaddr_storage *ss, char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	int family, rc;

	if (!*host) {
		*err = g_strdup("empty address before ':'");
		return -1;
	}
	if (parse_literal(host, ss, &family))
		return 0;
	if (!looks_like_hostname(host)) {
		*err = g_strdup_printf("'%s' is not an IPv4 or IPv6 address", host);
		return -1;
	}
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		*err = g_strdup_printf("cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int interface_parse_listen(const char *text, struct config_listen *out, char **err)
{
	g_autofree char *buf = g_strstrip(g_strdup(text));
	char *port_s = buf, *colon;
	unsigned short port;

	memset(out, 0, sizeof(*out));
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		int family;

		if (!close || close[1] != ':') {
			*err = g_strdup_printf("'%s' is not [IPv6]:PORT", buf);
			return -1;
		}
		*close = '\0';
		port_s = close + 2;
		if (!parse_literal(buf + 1, &out->addr, &family) || family != AF_INET6) {
			*err = g_strdup_printf("'%s' is not an IPv6 address", buf + 1);
			return -1;
		}
	} else if ((colon = strrchr(buf, ':'))) {
		*colon = '\0';
		port_s = colon + 1;
		/* Check the port first: a bad one needs no resolver round trip. */
		if (parse_port(port_s, &port, err) < 0)
			return -1;
		if (listen_host(buf, &out->addr, err) < 0)
			return -1;
	} else {
		/* Port only: the IPv4 any-address, as documented in interface.h. */
		out->addr.ss_family = AF_INET;
	}
	if (parse_port(port_s, &port, err) < 0)
		return -1;
	set_port(out, port);
	return 0;
}
