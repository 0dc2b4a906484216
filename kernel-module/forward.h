/* forward.c: sending a forwarded packet on. */
#ifndef NFT_RTPRELAY_FORWARD_H
#define NFT_RTPRELAY_FORWARD_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct rtprelay_ktarget;

/*
 * A packet on its way out: skb holds exactly the UDP payload (skb->data is
 * its first byte); in_ttl is the TTL / hop limit it arrived with. With
 * timed set, the send stores local_clock() in t_xmit as it hands the packet
 * to ip_local_out (the module's timing parameter).
 */
struct rtprelay_fwd {
	struct sk_buff *skb;
	u64 t_xmit;
	u8 in_ttl;
	bool timed;
};

/*
 * Reuse the arrived skb for the packet sent on: skb->data is at the IP
 * header, off the UDP payload's offset, len its length (all linear). Strips
 * the old headers and the receive state (route, conntrack, socket, mark,
 * checksum state). false when the skb cannot be made ours (then it is
 * unchanged). Packet path.
 */
bool rtprelay_fwd_reuse(struct sk_buff *skb, unsigned int off, unsigned int len);

/* A new skb holding bytes [off, off + len) of skb (the UDP payload) with
 * headroom for the headers; NULL when out of memory. Any context. */
struct sk_buff *rtprelay_fwd_copy(const struct sk_buff *skb, unsigned int off, unsigned int len);

/*
 * Give f->skb the target's UDP and IP headers, route it (through the
 * target's route cache) and send it. Always consumes the skb. 0 or -errno;
 * -ELOOP when the destination is local to this host and the TTL the packet
 * arrived with is spent (a loop between targets, see forward.c). Under
 * rcu_read_lock with BH disabled (the route cache is per CPU).
 */
int rtprelay_fwd_send(struct net *net, struct rtprelay_ktarget *kt, struct rtprelay_fwd *f);

#endif
