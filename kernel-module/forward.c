// SPDX-License-Identifier: GPL-2.0
/*
 * Sending a packet on: the payload is copied into a fresh skb with room for
 * either IP version, given the target's UDP header and an IPv4 or IPv6
 * header (so 4->6 and 6->4 are the same path), routed with the kernel's
 * route lookup from the target's local source address, and sent with
 * ip_local_out / ip6_local_out (LOCAL_OUT and POSTROUTING hooks run as for
 * any locally sent packet).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "forward.h"
#include "rtprelay.h"

#define HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr))

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

static int send4(struct net *net, const struct rtprelay_target *s, struct sk_buff *skb)
{
	struct flowi4 fl4 = {};
	struct iphdr *iph;
	struct rtable *rt;

	memcpy(&fl4.saddr, s->src_out.addr, 4);
	memcpy(&fl4.daddr, s->dst_out.addr, 4);
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_tos = s->tos & IPTOS_RT_MASK;
	fl4.fl4_sport = s->src_out.port;
	fl4.fl4_dport = s->dst_out.port;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb_dst_set(skb, &rt->dst);
	udp_set_csum(false, skb, fl4.saddr, fl4.daddr, skb->len);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = s->tos;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	return xmit_errno(ip_local_out(net, NULL, skb));
}

static int send6(struct net *net, const struct rtprelay_target *s, struct sk_buff *skb)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	int err;

	memcpy(&fl6.saddr, s->src_out.addr, 16);
	memcpy(&fl6.daddr, s->dst_out.addr, 16);
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.fl6_sport = s->src_out.port;
	fl6.fl6_dport = s->dst_out.port;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		err = dst->error;
		dst_release(dst);
		kfree_skb(skb);
		return err;
	}
	skb_dst_set(skb, dst);
	udp6_set_csum(false, skb, &fl6.saddr, &fl6.daddr, skb->len);

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, s->tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	skb->protocol = htons(ETH_P_IPV6);
	return xmit_errno(ip6_local_out(net, NULL, skb));
}

int rtprelay_fwd_send(struct net *net, const struct rtprelay_ktarget *kt, struct sk_buff *skb)
{
	const struct rtprelay_target *s = &kt->spec;
	struct udphdr *uh;

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = s->src_out.port;
	uh->dest = s->dst_out.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	if (s->dst_out.family == RTPRELAY_AF_INET)
		return send4(net, s, skb);
	return send6(net, s, skb);
}
