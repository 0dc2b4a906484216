/*
 * Port pools. Each interface has a state byte per pair and a rotating
 * cursor, so a freed pair is reused as late as possible (late packets for
 * an old call do not land in a new one).
 *
 * Creating and closing sockets is most of what a call costs the kernel, so
 * released pairs stay bound in a FIFO of spares (bounded) and are handed
 * out again oldest first, once enough others were released after them
 * that reuse is still late; their worker drops whatever reaches them
 * meanwhile.
 */
#define LOG_SUBSYS core
#include "call/ports.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"
#include "media/io.h"

#define SPARES_MAX 512 /* bound pairs kept per interface: 1024 fds */
#define SPARES_AGE 64  /* a spare is reused after this many later releases */

enum pair_state {
	PAIR_FREE, /* no sockets */
	PAIR_IN_USE,
	PAIR_SPARE, /* bound, waiting in the spare FIFO */
};

struct spare {
	unsigned idx;
	struct media_socket *rtp, *rtcp;
};

struct pool {
	const struct config_interface *intf;
	unsigned char *state; /* enum pair_state per pair: 5000 pairs = 5 KB */
	unsigned cursor;
	unsigned in_use;
	struct spare spares[SPARES_MAX]; /* ring: head .. head + n_spares */
	unsigned spare_head, n_spares;
};

struct ports {
	const struct rtprelay_config *cfg; /* start-up snapshot: pools[].intf point into it */
	unsigned first;                    /* first even port */
	unsigned n_pairs;
	unsigned n_pools;
	int tos;
	int rcvbuf; /* bytes, 0: the system's default */
	struct workers *workers;
	struct pool pools[CONFIG_MAX_INTERFACES];
};

struct ports *ports_new(const struct rtprelay_config *cfg, struct workers *workers)
{
	unsigned first = (cfg->port_min + 1) & ~1u;

	if (first + 1 > cfg->port_max || cfg->port_max > 65535)
		return NULL;
	struct ports *p = g_new0(struct ports, 1);

	p->cfg = config_get(cfg);
	p->first = first;
	p->n_pairs = (cfg->port_max - first + 1) / 2;
	p->n_pools = cfg->n_interfaces;
	p->tos = cfg->tos;
	p->rcvbuf = (int)(cfg->media_rcvbuf_kib * 1024);
	p->workers = workers;
	for (unsigned i = 0; i < cfg->n_interfaces; i++) {
		p->pools[i].intf = &cfg->interfaces[i];
		p->pools[i].state = g_malloc0(p->n_pairs);
	}
	return p;
}

void ports_free(struct ports *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n_pools; i++) {
		struct pool *pool = &p->pools[i];

		for (unsigned j = 0; j < pool->n_spares; j++) {
			struct spare *sp = &pool->spares[(pool->spare_head + j) % SPARES_MAX];

			media_socket_free(sp->rtp);
			media_socket_free(sp->rtcp);
		}
		g_free(pool->state);
	}
	config_put(p->cfg);
	g_free(p);
}

const struct config_interface *ports_interfaces(const struct ports *p, unsigned *n)
{
	*n = p->cfg->n_interfaces;
	return p->cfg->interfaces;
}

const struct config_interface *ports_sibling(const struct ports *p,
					     const struct config_interface *intf)
{
	for (unsigned i = 0; i < p->n_pools; i++) {
		const struct config_interface *ci = p->pools[i].intf;

		if (ci->family != intf->family && !strcmp(ci->name, intf->name))
			return ci;
	}
	return NULL;
}

static struct pool *pool_of(struct ports *p, const struct config_interface *intf)
{
	for (unsigned i = 0; i < p->n_pools; i++)
		if (p->pools[i].intf == intf)
			return &p->pools[i];
	return NULL;
}

static void set_tos(int fd, int family, int tos)
{
	if (tos <= 0)
		return;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	else
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
}

/*
 * Room for a burst: a stranger flooding a port at line rate fills the
 * system's default buffer (~200 KiB, a third of a millisecond at 600,000
 * packets/s) during any scheduling delay of the worker, and genuine packets
 * arriving then are lost with the flood's. SO_RCVBUFFORCE goes past
 * net.core.rmem_max where the daemon has CAP_NET_ADMIN; otherwise the
 * system caps it (said once). The kernel's udp_mem bounds the sum.
 */
static void set_rcvbuf(int fd, int bytes)
{
	static atomic_bool capped_said;

	if (bytes <= 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (!atomic_exchange(&capped_said, true))
		log_notice("media-rcvbuf: %d KiB needs CAP_NET_ADMIN above net.core.rmem_max; "
			   "media sockets get what the system allows",
			   bytes / 1024);
}

static int bind_one(const struct config_interface *intf, unsigned port, int tos, int rcvbuf)
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
	set_tos(fd, intf->family, tos);
	set_rcvbuf(fd, rcvbuf);
	return fd;
}

/* The oldest spare, if more than min_behind were released after it. */
static bool take_spare(struct ports *p, struct pool *pool, unsigned min_behind,
		       struct port_pair *out)
{
	if (pool->n_spares == 0 || pool->n_spares <= min_behind)
		return false;
	/* What reached a spare meanwhile was read and dropped by its worker:
	 * it had no owner. */
	struct spare sp = pool->spares[pool->spare_head];

	pool->spare_head = (pool->spare_head + 1) % SPARES_MAX;
	pool->n_spares--;
	pool->state[sp.idx] = PAIR_IN_USE;
	pool->in_use++;
	*out = (struct port_pair){ pool->intf, (uint16_t)(p->first + 2 * sp.idx), sp.rtp, sp.rtcp };
	return true;
}

/* The process (or system) has no descriptor or socket memory to give. */
static bool out_of_descriptors(int err)
{
	return err == -EMFILE || err == -ENFILE || err == -ENOBUFS || err == -ENOMEM;
}

int ports_get(struct ports *p, const struct config_interface *intf, struct port_pair *out)
{
	struct pool *pool = pool_of(p, intf);

	if (!pool)
		return -EINVAL;
	if (take_spare(p, pool, SPARES_AGE, out))
		return 0;
	for (unsigned tries = 0; tries < p->n_pairs; tries++) {
		unsigned idx = pool->cursor;

		pool->cursor = (pool->cursor + 1) % p->n_pairs;
		if (pool->state[idx] != PAIR_FREE)
			continue;
		unsigned port = p->first + 2 * idx;
		int rtp = bind_one(intf, port, p->tos, p->rcvbuf);

		if (rtp < 0 && !out_of_descriptors(rtp))
			continue; /* taken by someone else: try the next pair */
		int rtcp = rtp < 0 ? rtp : bind_one(intf, port + 1, p->tos, p->rcvbuf);

		if (rtcp < 0) {
			if (rtp >= 0)
				close(rtp);
			if (!out_of_descriptors(rtcp))
				continue;
			/* No other pair can do better; a spare needs no new
			 * descriptor, however young it is. */
			return take_spare(p, pool, 0, out) ? 0 : rtcp;
		}
		pool->state[idx] = PAIR_IN_USE;
		pool->in_use++;
		*out = (struct port_pair){ intf, (uint16_t)port, media_socket_new(rtp, p->workers),
					   media_socket_new(rtcp, p->workers) };
		return 0;
	}
	/* Nothing unbound is left: a young spare is better than no call. */
	if (take_spare(p, pool, 0, out))
		return 0;
	log_ratelimited(LOG_WARNING, "no free port pair on interface %s (%s) in %u..%u", intf->name,
			intf->local_str, p->first, p->first + 2 * p->n_pairs - 1);
	return -EADDRNOTAVAIL;
}

void ports_put(struct ports *p, struct port_pair *pair)
{
	struct pool *pool;

	if (!pair || !pair->intf)
		return;
	pool = pool_of(p, pair->intf);
	g_assert(pool);
	unsigned idx = (pair->rtp_port - p->first) / 2;

	g_assert(idx < p->n_pairs && pool->state[idx] == PAIR_IN_USE);
	pool->in_use--;
	if (pool->n_spares < SPARES_MAX) {
		pool->spares[(pool->spare_head + pool->n_spares) % SPARES_MAX] = (struct spare){
			idx, pair->rtp, pair->rtcp
		};
		pool->n_spares++;
		pool->state[idx] = PAIR_SPARE;
	} else {
		media_socket_free(pair->rtp);
		media_socket_free(pair->rtcp);
		pool->state[idx] = PAIR_FREE;
	}
	*pair = (struct port_pair){ 0 };
}

unsigned ports_in_use(const struct ports *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->n_pools; i++)
		n += p->pools[i].in_use;
	return n;
}

unsigned ports_spare(const struct ports *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->n_pools; i++)
		n += p->pools[i].n_spares;
	return n;
}

unsigned ports_capacity(const struct ports *p)
{
	return p->n_pairs * p->n_pools;
}
