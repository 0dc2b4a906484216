/* Socket address helpers. */
#include "sockaddr.h"

#include <arpa/inet.h>
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
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
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
