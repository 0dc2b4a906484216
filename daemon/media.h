/*
 * media: one m= line of one party (monologue), with the port pair facing
 * that party and its two streams (RTP, RTCP). Ports are allocated when the
 * media first needs them and released only when the media is freed.
 * Main thread only (see call.h).
 */
#ifndef RTPRELAY_MEDIA_H
#define RTPRELAY_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ports.h"

struct monologue;
struct config_interface;

enum stream_kind {
	STREAM_RTP,
	STREAM_RTCP,
};

struct stream {
	struct media *media;
	enum stream_kind kind;
	int fd;                          /* -1 when the media has no ports */
	uint16_t local_port;
	struct sockaddr_storage advertised; /* where the party said it receives */
	struct sockaddr_storage endpoint;   /* where we will send (learning: media issue) */
};

struct media {
	struct monologue *ml;
	unsigned index;          /* 1-based position of the m= line */
	char *type;              /* "audio", ... */
	char *protocol;          /* "RTP/AVP", ... as the party sent it */
	struct port_pair ports;  /* .intf NULL when none are held */
	struct stream streams[2];
	bool rejected;           /* the party's m= port was 0 */
	bool send, recv;         /* the party's direction (what it does) */
	bool rtcp_mux;           /* the party uses rtcp-mux */
	bool rtcp_demux;         /* its offer's mux was not passed on ("demux") */
	bool have_sdp;           /* the party described this media */

	/* Stored for the media path. */
	bool asymmetric, symmetric, strict_source;
};

struct media *media_new(struct monologue *ml, unsigned index);
/* Releases the ports (rp's pool) and frees. */
void media_free(struct media *m);
/* Allocate the port pair on intf if not held yet. 0 or -errno. */
int media_get_ports(struct media *m, const struct config_interface *intf);
/* Take over an already bound pair (releasing the one held). */
void media_set_ports(struct media *m, struct port_pair *pp);
void media_put_ports(struct media *m);

#endif
