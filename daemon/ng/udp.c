/*
 * udp: the ng protocol over UDP (--listen-ng): one datagram is one
 * message, the reply goes back to the sender with sendto().
 */
#define LOG_SUBSYS control

#include <errno.h>
#include <event2/event.h>
#include <unistd.h>

#include "config/config.h"
#include "log.h"
#include "ng/ng.h"
#include "ng/transport.h"
#include "ng/udp.h"
#include "rtprelay.h"

/* Datagrams handled per callback before the loop gets its turn again. */
#define UDP_BATCH 64
#define UDP_MAX_DATAGRAM 65535
/* A reply buffer that grew past this is not kept between datagrams. */
#define UDP_KEEP_OUT (256 * 1024)

struct ng_udp {
	struct rtprelay *rp;
	int fd;
	struct event *ev;
	GString *out;
	char buf[UDP_MAX_DATAGRAM + 1];
	char text[80];
};

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct ng_udp *u = arg;

	for (int i = 0; i < UDP_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, u->buf, sizeof(u->buf), MSG_TRUNC,
				     (struct sockaddr *)&from, &from_len);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_ratelimited(LOG_WARNING, "ng UDP %s: recvfrom: %s", u->text,
						g_strerror(errno));
			return;
		}
		if ((size_t)n > UDP_MAX_DATAGRAM) {
			char peer[64];
			log_ratelimited(LOG_WARNING,
					"ng UDP %s: oversized datagram from %s dropped", u->text,
					ng_transport_addr_str((struct sockaddr *)&from, from_len,
							      peer, sizeof(peer)));
			continue;
		}

		g_string_truncate(u->out, 0);
		ng_process(u->rp, u->rp->ng_cache, str_make(u->buf, (size_t)n), NG_UDP,
			   (struct sockaddr *)&from, from_len, u->out);
		if (u->out->len &&
		    sendto(fd, u->out->str, u->out->len, 0, (struct sockaddr *)&from, from_len) < 0)
			log_ratelimited(LOG_WARNING, "ng UDP %s: sendto (%zu bytes): %s", u->text,
					u->out->len, g_strerror(errno));
		if (u->out->allocated_len > UDP_KEEP_OUT) {
			g_string_free(u->out, TRUE);
			u->out = g_string_sized_new(4096);
		}
	}
}

/* Bind l and start reading it on rp->base; NULL after logging. Main thread. */
struct ng_udp *ng_udp_new(struct rtprelay *rp, const struct config_listen *l)
{
	struct ng_udp *u = g_new0(struct ng_udp, 1);

	u->rp = rp;
	g_strlcpy(u->text, l->text, sizeof(u->text));
	u->fd = ng_transport_socket(l, SOCK_DGRAM, "ng UDP");
	if (u->fd < 0)
		goto err_free;
	u->ev = event_new(rp->base, u->fd, EV_READ | EV_PERSIST, on_readable, u);
	if (!u->ev || event_add(u->ev, NULL) < 0) {
		log_errx("ng UDP listener %s: cannot add the read event", l->text);
		goto err_close;
	}
	u->out = g_string_sized_new(4096);
	return u;

err_close:
	if (u->ev)
		event_free(u->ev);
	close(u->fd);
err_free:
	g_free(u);
	return NULL;
}

void ng_udp_free(struct ng_udp *u)
{
	if (!u)
		return;
	event_free(u->ev);
	close(u->fd);
	g_string_free(u->out, TRUE);
	g_free(u);
}
