/*
 * transport: start and stop every configured ng listener (UDP, TCP,
 * HTTP), and the socket set-up they share. See transport.h.
 */
#define LOG_SUBSYS control

#include "ng/transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"
#include "ng/http.h"
#include "ng/tcp.h"
#include "ng/tcp_budget.h"
#include "ng/udp.h"
#include "rtprelay.h"
#include "sockaddr.h"

#define LISTEN_BACKLOG 128

struct ng_transports {
	GPtrArray *udp;                  /* struct ng_udp * */
	GPtrArray *tcp;                  /* struct ng_tcp * */
	GPtrArray *http;                 /* struct ng_http * */
	struct ng_tcp_budget tcp_budget; /* the input of every TCP connection */
};

const char *ng_transport_addr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	struct sockaddr_storage ss = { 0 };

	if (!sa || len < sizeof(sa_family_t) || len > sizeof(ss)) {
		snprintf(buf, size, "-");
		return buf;
	}
	memcpy(&ss, sa, len);
	if (!sockaddr_is_set(&ss) || len < sockaddr_len(&ss))
		snprintf(buf, size, "(family %d)", ss.ss_family);
	else
		sockaddr_print(&ss, buf, size);
	return buf;
}

int ng_transport_socket(const struct config_listen *l, int type, const char *what)
{
	int family = l->addr.ss_family;
	int one = 1;
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
	/* one family per socket: "PORT" alone gets an IPv4 and an IPv6
	 * socket (ng_transport_start), which must not collide */
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) {
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

/* The IPv6 any-address twin of an IPv4 any-address listener ("PORT" alone
 * means every address of both families, as in rtpengine). False if l is
 * not 0.0.0.0. */
static bool any6_twin(const struct config_listen *l, struct config_listen *twin)
{
	const struct sockaddr_in *s4 = (const void *)&l->addr;

	if (l->addr.ss_family != AF_INET || s4->sin_addr.s_addr != htonl(INADDR_ANY))
		return false;
	struct sockaddr_in6 *s6 = (void *)&twin->addr;
	memset(twin, 0, sizeof(*twin));
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = in6addr_any;
	s6->sin6_port = s4->sin_port;
	twin->addr_len = sizeof(*s6);
	snprintf(twin->text, sizeof(twin->text), "[::]:%u", ntohs(s4->sin_port));
	return true;
}

typedef void *listener_new(struct rtprelay *rp, const struct config_listen *l);

static void *new_udp(struct rtprelay *rp, const struct config_listen *l)
{
	return ng_udp_new(rp, l);
}

static void *new_tcp(struct rtprelay *rp, const struct config_listen *l)
{
	return ng_tcp_new(rp, l, &rp->ng->tcp_budget);
}

static void *new_http(struct rtprelay *rp, const struct config_listen *l)
{
	return ng_http_new(rp, l);
}

/*
 * Start one listener per entry of ls (plus the IPv6 twin of an IPv4
 * any-address: without IPv6 on the host that twin is skipped with a
 * warning). 0, or -1 when a configured address could not be bound.
 */
static int start_kind(struct rtprelay *rp, GPtrArray *into, const struct config_listen *ls,
		      unsigned n, listener_new *fn, const char *kind)
{
	for (unsigned i = 0; i < n; i++) {
		struct config_listen twin;
		void *obj = fn(rp, &ls[i]);

		if (!obj)
			return -1;
		g_ptr_array_add(into, obj);
		log_info("ng listening on %s %s", kind, ls[i].text);
		if (!any6_twin(&ls[i], &twin))
			continue;
		obj = fn(rp, &twin);
		if (!obj) {
			log_warnx("ng %s %s: no IPv6 twin, listening on IPv4 only", kind,
				  ls[i].text);
			continue;
		}
		g_ptr_array_add(into, obj);
		log_info("ng listening on %s %s", kind, twin.text);
	}
	return 0;
}

/* Bind every configured listener; on failure nothing stays open. Main thread. */
int ng_transport_start(struct rtprelay *rp)
{
	const struct rtprelay_config *cfg = rp->cfg;
	struct ng_transports *t = g_new0(struct ng_transports, 1);

	t->udp = g_ptr_array_new_with_free_func((GDestroyNotify)ng_udp_free);
	t->tcp = g_ptr_array_new_with_free_func((GDestroyNotify)ng_tcp_free);
	t->http = g_ptr_array_new_with_free_func((GDestroyNotify)ng_http_free);
	ng_tcp_budget_init(&t->tcp_budget);
	rp->ng = t;

	if (start_kind(rp, t->udp, cfg->listen_ng, cfg->n_listen_ng, new_udp, "UDP") < 0 ||
	    start_kind(rp, t->tcp, cfg->listen_tcp_ng, cfg->n_listen_tcp_ng, new_tcp, "TCP") < 0 ||
	    start_kind(rp, t->http, cfg->listen_http, cfg->n_listen_http, new_http, "HTTP") < 0)
		goto err_stop;
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

void ng_transport_http_stats(struct rtprelay *rp, struct ng_http_stats *sum)
{
	const struct ng_transports *t = rp->ng;

	for (unsigned i = 0; t && i < t->http->len; i++)
		ng_http_stats_add(t->http->pdata[i], sum);
}

void ng_transport_tcp_buffered(struct rtprelay *rp, uint64_t *held, uint64_t *peak)
{
	const struct ng_transports *t = rp->ng;

	*held = t ? t->tcp_budget.held : 0;
	*peak = t ? t->tcp_budget.peak : 0;
}
