// SPDX-License-Identifier: GPL-2.0
/*
 * Sending a packet on. The skb that arrived is reused: its IP and UDP
 * headers are pulled off, the state it collected on the way in (input
 * route, conntrack entry, early-demux socket, mark, timestamp, VLAN tag,
 * checksum state) is dropped, and the target's UDP and IP headers are
 * pushed in front of the untouched payload, so 4->6 and 6->4 are the same
 * path as 4->4. The packet leaves with the target's own flow hash, as a
 * socket's packets carry the socket's, so the stack never dissects it to
 * pick a transmit queue or, on a veth or loopback peer with RPS, a
 * receive CPU. (A packet the kernel tracer still reads after the verdict
 * is copied instead, see expr.c.) The route comes from a per-target, per-CPU
 * cache (the kernel's dst_cache) that revalidates the entry on every use:
 * an IPv4 route carries the FIB generation it was made in, an IPv6 route
 * its fib6 cookie, so a route change or a device going away makes the next
 * packet look the route up again. The UDP checksum is left to the device
 * (CHECKSUM_PARTIAL with the pseudo-header sum, as the UDP socket code
 * does), or computed by the stack for devices that cannot.
 *
 * Loops: a target whose destination is another target's local address is
 * refused when added (target.c), but targets of different tables, or of
 * different hosts' relays on one machine, can still send a packet round in
 * the kernel without user space ever seeing it. So a packet sent to an
 * address of this host leaves with the TTL it arrived with less one (not a
 * fresh one), and one that arrived with TTL 1 is dropped: a loop ends
 * after at most 255 hops. Packets to other hosts get a fresh TTL, as from
 * a socket.
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/sched/clock.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "forward.h"
#include "rtprelay.h"

#define HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr))

bool rtprelay_fwd_reuse(struct sk_buff *skb, unsigned int off, unsigned int len)
{
	if (skb_shared(skb) || skb_is_gso(skb) || skb_headlen(skb) < off + len)
		return false;
	if (skb->len > off + len && pskb_trim(skb, off + len))
		return false; /* bytes after the UDP datagram (unchanged on failure) */
	__skb_pull(skb, off);
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	memset(skb->cb, 0, sizeof(skb->cb));
	__vlan_hwaccel_clear_tag(skb);
	skb->ip_summed = CHECKSUM_NONE;
	skb->encapsulation = 0;
	return true;
}

struct sk_buff *rtprelay_fwd_copy(const struct sk_buff *skb, unsigned int off, unsigned int len)
{
	struct sk_buff *nskb;

	nskb = alloc_skb(HEADROOM + len, GFP_ATOMIC);
	if (!nskb)
		return NULL;
	skb_reserve(nskb, HEADROOM);
	if (skb_copy_bits(skb, off, skb_put(nskb, len), len)) {
		kfree_skb(nskb);
		return NULL;
	}
	return nskb;
}

static int xmit_errno(int ret)
{
	return ret > 0 ? net_xmit_errno(ret) : ret;
}

/* The TTL for a packet to a local address: see the top of the file. */
static int local_ttl(u8 in_ttl, int *ttl)
{
	if (in_ttl <= 1)
		return -ELOOP;
	*ttl = min(*ttl, in_ttl - 1);
	return 0;
}

/* Room for the link layer header of dst's device and our headers. */
static int make_room(struct sk_buff *skb, const struct dst_entry *dst, unsigned int iphlen)
{
	return skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + iphlen + sizeof(struct udphdr));
}

/* The UDP header, and the target's flow hash in place of the arrived one. */
static struct udphdr *push_udp(struct sk_buff *skb, const struct rtprelay_ktarget *kt)
{
	const struct rtprelay_target *s = &kt->spec;
	struct udphdr *uh;

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = s->src_out.port;
	uh->dest = s->dst_out.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	skb_set_hash(skb, kt->txhash, PKT_HASH_TYPE_L4);
	return uh;
}

/* The target's IPv4 route: from its cache when still valid and made in
 * net (a table's rules may sit in several namespaces), else looked up and
 * cached. Holds a reference; ERR_PTR on failure. */
static struct rtable *route4(struct net *net, struct rtprelay_ktarget *kt, __be32 *saddr)
{
	const struct rtprelay_target *s = &kt->spec;
	struct flowi4 fl4 = {};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&kt->dst_cache, saddr);
	if (rt && likely(dev_net(rt->dst.dev) == net))
		return rt;
	if (rt)
		ip_rt_put(rt);
	memcpy(&fl4.saddr, s->src_out.addr, 4);
	memcpy(&fl4.daddr, s->dst_out.addr, 4);
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_tos = s->tos & IPTOS_RT_MASK;
	fl4.fl4_sport = s->src_out.port;
	fl4.fl4_dport = s->dst_out.port;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return rt;
	*saddr = fl4.saddr;
	dst_cache_set_ip4(&kt->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

static int send4(struct net *net, struct rtprelay_ktarget *kt, struct rtprelay_fwd *f)
{
	const struct rtprelay_target *s = &kt->spec;
	struct sk_buff *skb = f->skb;
	struct iphdr *iph;
	struct rtable *rt;
	__be32 saddr, daddr;
	int err, ttl;

	rt = route4(net, kt, &saddr);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		goto err_free_skb;
	}
	ttl = ip4_dst_hoplimit(&rt->dst);
	if (rt->rt_type == RTN_LOCAL) {
		err = local_ttl(f->in_ttl, &ttl);
		if (err)
			goto err_put_route;
	}
	err = make_room(skb, &rt->dst, sizeof(*iph));
	if (err)
		goto err_put_route;
	skb_dst_set(skb, &rt->dst);
	memcpy(&daddr, s->dst_out.addr, 4);
	push_udp(skb, kt);
	udp_set_csum(false, skb, saddr, daddr, skb->len);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = s->tos;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = ttl;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	if (unlikely(f->timed))
		f->t_xmit = local_clock();
	return xmit_errno(ip_local_out(net, NULL, skb));

err_put_route:
	ip_rt_put(rt);
err_free_skb:
	kfree_skb(skb);
	return err;
}

/* The IPv6 counterpart of route4(); the dst or ERR_PTR. */
static struct dst_entry *route6(struct net *net, struct rtprelay_ktarget *kt,
				struct in6_addr *saddr)
{
	const struct rtprelay_target *s = &kt->spec;
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	int err;

	dst = dst_cache_get_ip6(&kt->dst_cache, saddr);
	if (dst && likely(dev_net(dst->dev) == net))
		return dst;
	dst_release(dst);
	memcpy(&fl6.saddr, s->src_out.addr, 16);
	memcpy(&fl6.daddr, s->dst_out.addr, 16);
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.fl6_sport = s->src_out.port;
	fl6.fl6_dport = s->dst_out.port;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		err = dst->error;
		dst_release(dst);
		return ERR_PTR(err);
	}
	*saddr = fl6.saddr;
	dst_cache_set_ip6(&kt->dst_cache, dst, &fl6.saddr);
	return dst;
}

static int send6(struct net *net, struct rtprelay_ktarget *kt, struct rtprelay_fwd *f)
{
	const struct rtprelay_target *s = &kt->spec;
	struct sk_buff *skb = f->skb;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct in6_addr saddr, daddr;
	int err, ttl;

	dst = route6(net, kt, &saddr);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto err_free_skb;
	}
	ttl = ip6_dst_hoplimit(dst);
	if (((struct rt6_info *)dst)->rt6i_flags & RTF_LOCAL) {
		err = local_ttl(f->in_ttl, &ttl);
		if (err)
			goto err_put_dst;
	}
	err = make_room(skb, dst, sizeof(*ip6h));
	if (err)
		goto err_put_dst;
	skb_dst_set(skb, dst);
	memcpy(&daddr, s->dst_out.addr, 16);
	push_udp(skb, kt);
	udp6_set_csum(false, skb, &saddr, &daddr, skb->len);

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, s->tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ttl;
	ip6h->saddr = saddr;
	ip6h->daddr = daddr;
	skb->protocol = htons(ETH_P_IPV6);
	if (unlikely(f->timed))
		f->t_xmit = local_clock();
	return xmit_errno(ip6_local_out(net, NULL, skb));

err_put_dst:
	dst_release(dst);
err_free_skb:
	kfree_skb(skb);
	return err;
}

int rtprelay_fwd_send(struct net *net, struct rtprelay_ktarget *kt, struct rtprelay_fwd *f)
{
	if (kt->spec.dst_out.family == RTPRELAY_AF_INET)
		return send4(net, kt, f);
	return send6(net, kt, f);
}
