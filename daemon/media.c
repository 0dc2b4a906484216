/* Media of one party: ports facing it and its RTP/RTCP streams. */
#include "media.h"

#include <glib.h>

#include "call.h"
#include "rtprelay.h"

struct media *media_new(struct monologue *ml, unsigned index)
{
	struct media *m = g_new0(struct media, 1);

	m->ml = ml;
	m->index = index;
	m->ports = (struct port_pair){ .rtp_fd = -1, .rtcp_fd = -1 };
	m->send = m->recv = true;
	for (int k = 0; k < 2; k++) {
		m->streams[k].media = m;
		m->streams[k].kind = (enum stream_kind)k;
		m->streams[k].fd = -1;
	}
	return m;
}

void media_put_ports(struct media *m)
{
	if (!m->ports.intf)
		return;
	ports_put(m->ml->call->rp->ports, &m->ports);
	for (int k = 0; k < 2; k++) {
		m->streams[k].fd = -1;
		m->streams[k].local_port = 0;
	}
}

void media_free(struct media *m)
{
	if (!m)
		return;
	media_put_ports(m);
	g_free(m->type);
	g_free(m->protocol);
	g_free(m);
}

int media_get_ports(struct media *m, const struct config_interface *intf)
{
	if (m->ports.intf == intf)
		return 0;
	struct port_pair pp;
	int ret = ports_get(m->ml->call->rp->ports, intf, &pp);

	if (ret < 0)
		return ret;
	media_set_ports(m, &pp);
	return 0;
}

void media_set_ports(struct media *m, struct port_pair *pp)
{
	media_put_ports(m);
	m->ports = *pp;
	m->streams[STREAM_RTP].fd = pp->rtp_fd;
	m->streams[STREAM_RTP].local_port = pp->rtp_port;
	m->streams[STREAM_RTCP].fd = pp->rtcp_fd;
	m->streams[STREAM_RTCP].local_port = (uint16_t)(pp->rtp_port + 1);
	*pp = (struct port_pair){ .rtp_fd = -1, .rtcp_fd = -1 };
}
