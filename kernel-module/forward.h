/* forward.c: building and sending the forwarded packet. */
#ifndef NFT_RTPRELAY_FORWARD_H
#define NFT_RTPRELAY_FORWARD_H

struct net;
struct sk_buff;
struct rtprelay_ktarget;

/* A new skb holding bytes [off, off + len) of skb (the UDP payload) with
 * headroom for the headers; NULL when out of memory. Any context. */
struct sk_buff *rtprelay_fwd_copy(const struct sk_buff *skb, unsigned int off, unsigned int len);

/* Give skb (from rtprelay_fwd_copy) the target's UDP and IP headers, route
 * and send it. Always consumes skb. 0 or -errno. Under rcu_read_lock. */
int rtprelay_fwd_send(struct net *net, const struct rtprelay_ktarget *kt, struct sk_buff *skb);

#endif
