/*
 * ng_transport: start and stop every configured ng listener (UDP, TCP,
 * HTTP), and the socket set-up they share. See ng_transport.h.
 */
#define LOG_SUBSYS control

#include "ng_transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "ng_listen.h"
#include "rtprelay.h"

#define LISTEN_BACKLOG 128

struct ng_transports {
	GPtrArray *udp;  /* struct ng_udp * */
	GPtrArray *tcp;  /* struct ng_tcp * */
	GPtrArray *http; /* struct ng_http * */
};

const char *ng_addr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (!sa || len < sizeof(sa_family_t)) {
		snprintf(buf, size, "-");
	} else if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else {
		snprintf(buf, size, "(family %d)", sa->sa_family);
	}
	return buf;
}

int ng_listen_socket(const struct config_listen *l, int type, const char *what)
{
	int family = l->addr.ss_family;
	int one = 1, zero = 0;
	int fd;

	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("%s listener %s: cannot create socket", what, l->text);
		return -1;
	}
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		log_err("%s listener %s: SO_REUSEADDR", what, l->text);
		goto err_close;
	}
	if (family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&l->addr;
		/* "PORT" alone means every address, of both families */
		int v6only = IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr) ? zero : one;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0) {
			log_err("%s listener %s: IPV6_V6ONLY", what, l->text);
			goto err_close;
		}
	}
	socklen_t len = l->addr_len ? l->addr_len
				    : (family == AF_INET6 ? sizeof(struct sockaddr_in6)
							  : sizeof(struct sockaddr_in));
	if (bind(fd, (const struct sockaddr *)&l->addr, len) < 0) {
		log_err("%s listener: cannot bind to %s", what, l->text);
		goto err_close;
	}
	if (type == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) < 0) {
		log_err("%s listener %s: listen", what, l->text);
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return -1;
}

/* Bind every configured listener; on failure nothing stays open. Main thread. */
int ng_transport_start(struct rtprelay *rp)
{
	const struct rtprelay_config *cfg = rp->cfg;
	struct ng_transports *t = g_new0(struct ng_transports, 1);

	t->udp = g_ptr_array_new_with_free_func((GDestroyNotify)ng_udp_free);
	t->tcp = g_ptr_array_new_with_free_func((GDestroyNotify)ng_tcp_free);
	t->http = g_ptr_array_new_with_free_func((GDestroyNotify)ng_http_free);
	rp->ng = t;

	for (unsigned i = 0; i < cfg->n_listen_ng; i++) {
		struct ng_udp *u = ng_udp_new(rp, &cfg->listen_ng[i]);
		if (!u)
			goto err_stop;
		g_ptr_array_add(t->udp, u);
		log_info("ng listening on UDP %s", cfg->listen_ng[i].text);
	}
	for (unsigned i = 0; i < cfg->n_listen_tcp_ng; i++) {
		struct ng_tcp *c = ng_tcp_new(rp, &cfg->listen_tcp_ng[i]);
		if (!c)
			goto err_stop;
		g_ptr_array_add(t->tcp, c);
		log_info("ng listening on TCP %s", cfg->listen_tcp_ng[i].text);
	}
	for (unsigned i = 0; i < cfg->n_listen_http; i++) {
		struct ng_http *h = ng_http_new(rp, &cfg->listen_http[i]);
		if (!h)
			goto err_stop;
		g_ptr_array_add(t->http, h);
		log_info("ng listening on HTTP %s", cfg->listen_http[i].text);
	}
	return 0;

err_stop:
	ng_transport_stop(rp);
	return -1;
}

/* Close every listener and connection, in the reverse order of start;
 * frees rp->ng (NULL is fine). Main thread. */
void ng_transport_stop(struct rtprelay *rp)
{
	struct ng_transports *t = rp->ng;

	if (!t)
		return;
	g_ptr_array_free(t->http, TRUE);
	g_ptr_array_free(t->tcp, TRUE);
	g_ptr_array_free(t->udp, TRUE);
	g_free(t);
	rp->ng = NULL;
}
