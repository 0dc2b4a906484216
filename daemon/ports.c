/*
 * Port pools. Each interface has a bitmap of pairs in use and a rotating
 * cursor, so a freed pair is reused as late as possible (late packets for
 * an old call do not land in a new one).
 */
#define LOG_SUBSYS core
#include "ports.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

struct pool {
	const struct config_interface *intf;
	unsigned char *used; /* one byte per pair: simple, and 5000 pairs = 5 KB */
	unsigned cursor;
	unsigned in_use;
};

struct ports {
	unsigned first;   /* first even port */
	unsigned n_pairs;
	unsigned n_pools;
	struct pool pools[CONFIG_MAX_INTERFACES];
};

struct ports *ports_new(const struct rtprelay_config *cfg)
{
	unsigned first = (cfg->port_min + 1) & ~1u;

	if (first + 1 > cfg->port_max || cfg->port_max > 65535)
		return NULL;
	struct ports *p = g_new0(struct ports, 1);

	p->first = first;
	p->n_pairs = (cfg->port_max - first + 1) / 2;
	p->n_pools = cfg->n_interfaces;
	for (unsigned i = 0; i < cfg->n_interfaces; i++) {
		p->pools[i].intf = &cfg->interfaces[i];
		p->pools[i].used = g_malloc0(p->n_pairs);
	}
	return p;
}

void ports_free(struct ports *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n_pools; i++)
		g_free(p->pools[i].used);
	g_free(p);
}

static struct pool *pool_of(struct ports *p, const struct config_interface *intf)
{
	for (unsigned i = 0; i < p->n_pools; i++)
		if (p->pools[i].intf == intf)
			return &p->pools[i];
	return NULL;
}

static int bind_one(const struct config_interface *intf, unsigned port)
{
	struct sockaddr_storage ss = intf->local;
	socklen_t len;
	int fd = socket(intf->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (intf->family == AF_INET6) {
		int on = 1;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int ports_get(struct ports *p, const struct config_interface *intf, struct port_pair *out)
{
	struct pool *pool = pool_of(p, intf);

	if (!pool)
		return -EINVAL;
	for (unsigned tries = 0; tries < p->n_pairs; tries++) {
		unsigned idx = pool->cursor;

		pool->cursor = (pool->cursor + 1) % p->n_pairs;
		if (pool->used[idx])
			continue;
		unsigned port = p->first + 2 * idx;
		int rtp = bind_one(intf, port);

		if (rtp < 0)
			continue; /* taken by someone else: try the next pair */
		int rtcp = bind_one(intf, port + 1);

		if (rtcp < 0) {
			close(rtp);
			continue;
		}
		pool->used[idx] = 1;
		pool->in_use++;
		*out = (struct port_pair){ intf, (uint16_t)port, rtp, rtcp };
		return 0;
	}
	log_ratelimited(LOG_WARNING, "no free port pair on interface %s (%s) in %u..%u",
			intf->name, intf->local_str, p->first, p->first + 2 * p->n_pairs - 1);
	return -EADDRNOTAVAIL;
}

void ports_put(struct ports *p, struct port_pair *pair)
{
	struct pool *pool;

	if (!pair || !pair->intf)
		return;
	pool = pool_of(p, pair->intf);
	if (pair->rtp_fd >= 0)
		close(pair->rtp_fd);
	if (pair->rtcp_fd >= 0)
		close(pair->rtcp_fd);
	if (pool) {
		unsigned idx = (pair->rtp_port - p->first) / 2;

		g_assert(idx < p->n_pairs && pool->used[idx]);
		pool->used[idx] = 0;
		pool->in_use--;
	}
	*pair = (struct port_pair){ .rtp_fd = -1, .rtcp_fd = -1 };
}

unsigned ports_in_use(const struct ports *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->n_pools; i++)
		n += p->pools[i].in_use;
	return n;
}

unsigned ports_capacity(const struct ports *p)
{
	return p->n_pairs * p->n_pools;
}
