/*
 * media: one m= line of one party (monologue), with the port pair facing
 * that party and its two streams (RTP, RTCP).
 *
 * Locking (see call.h): a stream's forwarding state (fd, endpoint,
 * learning, the media's flags) is read by the media workers under the
 * call's lock and changed by the control thread under the same lock.
 * Counters (stats) are single-writer atomics read without the lock.
 * Ports are allocated when the media first needs them and released only
 * when the media is freed (or moves to another interface); releasing
 * waits for the socket's worker callback to finish, so it must never
 * happen with the call lock held.
 */
#ifndef RTPRELAY_MEDIA_H
#define RTPRELAY_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "call/learning.h"
#include "call/ports.h"
#include "kernel/offload-t.h"
#include "rtprelay_stats.h"

struct monologue;
struct config_interface;
struct media_socket;
struct media_ice;

enum stream_kind {
	STREAM_RTP,
	STREAM_RTCP,
};

struct stream {
	struct media *media;
	enum stream_kind kind;
	struct media_socket *sock; /* NULL when the media has no ports */
	uint16_t local_port;
	/* on the other family's address of the interface (media.alt): only
	 * while rtprelay is an ICE agent toward the party; NULL otherwise */
	struct media_socket *alt_sock;
	uint16_t alt_port;
	struct sockaddr_storage advertised; /* where the party said it receives */
	struct sockaddr_storage endpoint;   /* where we send to the party */
	struct learning learn;
	struct rtprelay_stream_stats *stats; /* what arrives at this socket */
	/* media-max-pps: packets forwarded, a token bucket (call lock held) */
	int64_t rate_at_us;    /* when rate_tokens was last refilled */
	uint32_t rate_tokens;  /* in 1/1000 packet */
	uint64_t dropped_rate; /* over media-max-pps; read atomically */

	/* in the kernel or why not (kernel/offload.h) */
	struct stream_offload koff;
};

struct media {
	struct monologue *ml;
	unsigned index;         /* 1-based position of the m= line */
	char *type;             /* "audio", ... */
	char *protocol;         /* "RTP/AVP", ... as the party sent it */
	struct port_pair ports; /* .intf NULL when none are held */
	/* ICE host candidates on the interface's address of the other family
	 * (ice/ice_ports.h): .intf NULL when none are held */
	struct port_pair alt;
	struct stream streams[2];
	bool rejected;   /* the party's m= port was 0 */
	bool send, recv; /* the party's direction (what it does) */
	bool hold;       /* direction or c=0.0.0.0 says on hold */
	bool rtcp_mux;   /* the party uses rtcp-mux (RTCP on the RTP port) */
	bool rtcp_demux; /* its offer's mux was not passed on ("demux") */
	bool sdp_mid;    /* the party's last SDP gave this media an a=mid */
	char *mid;       /* its value (answered back when the answerer has none) */
	/* codec strip/mask in the offer to this party: the payload types it
	 * was offered; its answer may list no others */
	bool pts_restricted;
	uint8_t offered_pts[16]; /* bit per payload type 0..127 */
	/* rtcp-mux accept / reject given with its offer: applied at the answer */
	bool rtcp_mux_accept, rtcp_mux_reject;
	bool have_sdp; /* the party described this media */

	bool asymmetric, symmetric, strict_source;
	/* --endpoint-learning of the configuration the media was set up
	 * with: the packet path reads this copy, never the configuration. */
	enum endpoint_learning learning;
	unsigned max_pps; /* --media-max-pps of that configuration (0: none) */
	/* SRTP rtprelay terminates toward this party (SDES); NULL: none. */
	struct media_sdes *sdes;
	/* rtprelay's ICE agent toward this party (ice/agent.h); NULL: none */
	struct media_ice *ice;
	/* DTLS-SRTP rtprelay terminates toward this party; NULL: never used. */
	struct media_dtls *dtls;
};

/* Ports taken off a media, to be released without the lock. */
struct media_retired {
	struct port_pair pp, alt;
};

/*
 * What a media needs from the shared-memory pool (its streams' counters),
 * taken before anything is changed, because the pool may be out of memory:
 * media_state_alloc gives 0, or -ENOMEM with nothing held. Control thread.
 */
struct media_state {
	struct rtprelay_stream_stats *stats[2];
};
struct bufferpool;
int media_state_alloc(struct bufferpool *pool, struct media_state *st);
/* Give back what media_new did not take (NULL entries are skipped). */
void media_state_free(struct bufferpool *pool, struct media_state *st);

/* A media of ml at 1-based index; takes over *st (which must be allocated). */
struct media *media_new(struct monologue *ml, unsigned index, struct media_state *st);
/* Releases the ports and frees. Call lock NOT held. */
void media_free(struct media *m);
/*
 * Call lock held: take over pp; whatever the media held before goes to
 * *old. Once the lock is dropped, the caller makes the new sockets deliver
 * to the media (media_claim_sockets) and releases the old ones
 * (media_retired_release).
 */
void media_set_ports_locked(struct media *m, struct port_pair *pp, struct media_retired *old);
void media_claim_sockets(struct media *m);
/*
 * Call lock held: the other family's pair (ICE candidates there) becomes
 * pp, which the caller took from the pools; the sockets deliver to the
 * same streams once media_claim_sockets ran. The media must hold none.
 */
void media_set_alt_locked(struct media *m, struct port_pair *pp);
/* Call lock held: the other family's pair (if any) goes to old->alt,
 * which must be empty; released by media_retired_release. */
void media_take_alt_locked(struct media *m, struct media_retired *old);
void media_retired_release(struct monologue *ml, struct media_retired *old);
/* Release the ports now. Call lock NOT held. */
void media_put_ports(struct media *m);

/*
 * The socket of s that sends to an address of family: the other family's
 * one when the media holds it and family is its family, else the main one
 * (NULL without ports). Call lock held.
 */
struct media_socket *stream_sock_for(const struct stream *s, int family);

/* Latest packet (monotonic µs) on any stream of m; 0 = never. Any thread. */
int64_t media_last_packet(const struct media *m);

#endif
