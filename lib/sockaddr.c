/* Socket address helpers (see sockaddr.h). */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

bool sockaddr_is_set(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET || a->ss_family == AF_INET6;
}

bool sockaddr_eq_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

bool sockaddr_is_any(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (a->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
	return true;
}

uint16_t sockaddr_port(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	if (a->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return 0;
}

bool sockaddr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return sockaddr_eq_host(a, b) && sockaddr_port(a) == sockaddr_port(b);
}

socklen_t sockaddr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

char *sockaddr_print_host(const struct sockaddr_storage *a, char *buf, size_t size)
{
	const void *addr = a->ss_family == AF_INET6
				   ? (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr
				   : (const void *)&((const struct sockaddr_in *)a)->sin_addr;

	if (!sockaddr_is_set(a) || !inet_ntop(a->ss_family, addr, buf, (socklen_t)size))
		snprintf(buf, size, "(none)");
	return buf;
}

char *sockaddr_print(const struct sockaddr_storage *a, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	sockaddr_print_host(a, host, sizeof(host));
	snprintf(buf, size, a->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, sockaddr_port(a));
	return buf;
}

int sockaddr_from_str(str addr, int family, unsigned port, struct sockaddr_storage *out)
{
	char buf[INET6_ADDRSTRLEN];
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (!addr.len || addr.len >= sizeof(buf) || port > 65535)
		return -EINVAL;
	memcpy(buf, addr.s, addr.len);
	buf[addr.len] = '\0';
	if (family != AF_INET6 && inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (family != AF_INET && inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

bool sockaddr_str_is_any(str addr)
{
	struct sockaddr_storage ss;

	return sockaddr_from_str(addr, 0, 0, &ss) == 0 && sockaddr_is_any(&ss);
}

const char *sockaddr_family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

const char *sockaddr_family_token(int family)
{
	return family == AF_INET6 ? "IP6" : "IP4";
}

int sockaddr_family_of_token(str token)
{
	if (str_eq_c(token, "IP4"))
		return AF_INET;
	if (str_eq_c(token, "IP6"))
		return AF_INET6;
	return 0;
}
