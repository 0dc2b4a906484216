// SPDX-License-Identifier: GPL-2.0
/*
 * The nftables expression "rtprelay" (attribute NFTA_RTPRELAY_TABLE, a
 * be32 table number), for ip, ip6 and inet chains on the input or
 * prerouting hook. Per UDP packet: look the destination up in the table;
 * on a miss, or for anything the kernel does not forward (RTCP, STUN,
 * DTLS, not RTP), the rule ends and the packet goes on to user space
 * untouched; with strict source a packet from elsewhere is dropped; RTP is
 * counted into the target's pinned stats and the packet itself is sent on
 * with new headers (forward.c).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/sched/clock.h>
#include <linux/udp.h>
#include <net/netfilter/nf_tables.h>

#include "compat.h"
#include "forward.h"
#include "rtprelay.h"

enum {
	NFTA_RTPRELAY_UNSPEC,
	NFTA_RTPRELAY_TABLE, /* NLA_U32, big endian like nft's own */
	NFTA_RTPRELAY_MAX_PLUS_ONE
};
#define NFTA_RTPRELAY_MAX (NFTA_RTPRELAY_MAX_PLUS_ONE - 1)

struct rtprelay_expr {
	u32 table;
};

static const enum rtprelay_pass class_pass[RTPRELAY_CLASS_COUNT] = {
	[RTPRELAY_CLASS_RTCP] = RTPRELAY_PASS_RTCP,
	[RTPRELAY_CLASS_STUN] = RTPRELAY_PASS_STUN,
	[RTPRELAY_CLASS_DTLS] = RTPRELAY_PASS_DTLS,
	[RTPRELAY_CLASS_NOT_RTP] = RTPRELAY_PASS_NOT_RTP,
	[RTPRELAY_CLASS_INVALID] = RTPRELAY_PASS_INVALID,
};

/* The packet's source and destination as keys, and the TTL / hop limit it
 * arrived with; false if not IPv4/IPv6. */
static bool packet_addrs(const struct sk_buff *skb, const struct udphdr *uh,
			 struct rtprelay_key *src, struct rtprelay_key *dst, u8 *ttl)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		src->family = dst->family = RTPRELAY_AF_INET;
		memcpy(src->addr, &iph->saddr, 4);
		memcpy(dst->addr, &iph->daddr, 4);
		*ttl = iph->ttl;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		src->family = dst->family = RTPRELAY_AF_INET6;
		memcpy(src->addr, &ip6h->saddr, 16);
		memcpy(dst->addr, &ip6h->daddr, 16);
		*ttl = ip6h->hop_limit;
	} else {
		return false;
	}
	src->port = uh->source;
	dst->port = uh->dest;
	return true;
}

static bool source_ok(const struct rtprelay_target *s, const struct rtprelay_key *src)
{
	if (!(s->flags & (RTPRELAY_TARGET_STRICT_SOURCE | RTPRELAY_TARGET_OTHER_SOURCE_TO_USER)))
		return true;
	return src->family == s->expected_src.family && src->port == s->expected_src.port &&
	       !memcmp(src->addr, s->expected_src.addr, sizeof(src->addr));
}

static void count_error(struct rtprelay_table *t, struct rtprelay_ktarget *kt)
{
	rtprelay_stats_add(&kt->stats->errors, 1);
	this_cpu_inc(t->stats->send_errors);
}

/*
 * Send the RTP packet on. The arrived skb itself becomes the packet sent
 * (forward.c), unless the nftables tracer will still read it after our
 * verdict: then a copy goes out and the original is left to the core to
 * free (NF_DROP). Sets the verdict.
 */
static void forward(const struct nft_pktinfo *pkt, struct nft_regs *regs, struct rtprelay_table *t,
		    struct rtprelay_ktarget *kt, unsigned int off, unsigned int len, u8 ttl, u64 t0)
{
	struct sk_buff *skb = pkt->skb;
	struct rtprelay_fwd f = { .in_ttl = ttl, .timed = t0 != 0 };
	int err;

	if (likely(!skb->nf_trace) && rtprelay_fwd_reuse(skb, off, len)) {
		f.skb = skb;
		regs->verdict.code = NF_STOLEN;
	} else {
		f.skb = rtprelay_fwd_copy(skb, off, len);
		if (!f.skb) {
			count_error(t, kt);
			return; /* to user space, which may still manage */
		}
		if (unlikely(skb->nf_trace)) {
			regs->verdict.code = NF_DROP;
		} else {
			consume_skb(skb);
			regs->verdict.code = NF_STOLEN;
		}
	}
	err = rtprelay_fwd_send(nft_net(pkt), kt, &f);
	if (likely(!err)) {
		this_cpu_inc(t->stats->fwd_packets);
		this_cpu_add(t->stats->fwd_bytes, len);
		if (unlikely(t0)) {
			this_cpu_inc(t->stats->timed_packets);
			this_cpu_add(t->stats->time_own_ns, f.t_xmit - t0);
			this_cpu_add(t->stats->time_send_ns, local_clock() - f.t_xmit);
		}
	} else if (err == -ELOOP) {
		count_error(t, kt);
		this_cpu_inc(t->stats->dropped_loop);
		net_dbg_ratelimited("table %u: TTL spent on the way to local port %u: loop?\n",
				    t->id, ntohs(kt->spec.dst_out.port));
	} else {
		count_error(t, kt);
		net_dbg_ratelimited("table %u: send to port %u failed: %d\n", t->id,
				    ntohs(kt->spec.dst_out.port), err);
	}
}

static void rtprelay_expr_eval(const struct nft_expr *expr, struct nft_regs *regs,
			       const struct nft_pktinfo *pkt)
{
	const struct rtprelay_expr *priv = nft_expr_priv(expr);
	struct sk_buff *skb = pkt->skb;
	struct rtprelay_key src, dst;
	struct rtprelay_rtp_info info;
	struct rtprelay_ktarget *kt;
	struct rtprelay_table *t;
	enum rtprelay_class class;
	unsigned int thoff, ulen, plen;
	struct udphdr *uh, uh_buf;
	u64 t0 = 0;
	u8 ttl;

	if (unlikely(READ_ONCE(rtprelay_timing)))
		t0 = local_clock() | 1; /* 0: not timed */
	regs->verdict.code = NFT_BREAK; /* unless forwarded or dropped */
	/* the rule holds no "meta l4proto udp" (daemon/kernel/nft.c): the
	 * first test, so that other traffic costs next to nothing */
	if (!(pkt->flags & NFT_PKTINFO_L4PROTO) || pkt->tprot != IPPROTO_UDP || pkt->fragoff)
		return;
	t = rtprelay_table_get_rcu(priv->table);
	if (!t)
		return;
	thoff = nft_thoff(pkt);
	uh = skb_header_pointer(skb, thoff, sizeof(uh_buf), &uh_buf);
	if (!uh || !packet_addrs(skb, uh, &src, &dst, &ttl))
		return;
	kt = rtprelay_target_find_rcu(t, &dst);
	if (!kt) {
		rtprelay_count_pass(t, RTPRELAY_PASS_NO_TARGET);
		return;
	}
	if (!source_ok(&kt->spec, &src)) {
		if (kt->spec.flags & RTPRELAY_TARGET_OTHER_SOURCE_TO_USER) {
			rtprelay_count_pass(t, RTPRELAY_PASS_OTHER_SOURCE);
			return;
		}
		rtprelay_stats_add(&kt->stats->dropped_source, 1);
		this_cpu_inc(t->stats->dropped_source);
		regs->verdict.code = NF_DROP;
		return;
	}
	if (kt->spec.flags & RTPRELAY_TARGET_RTCP) {
		rtprelay_count_pass(t, RTPRELAY_PASS_RTCP_PORT);
		return;
	}
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || thoff + ulen > skb->len) {
		rtprelay_count_pass(t, RTPRELAY_PASS_INVALID);
		return;
	}
	plen = ulen - sizeof(*uh);
	/* The whole datagram linear (it nearly always is): classified where
	 * it lies, and sent on from there. May move skb->head. */
	if (!pskb_may_pull(skb, thoff + ulen)) {
		count_error(t, kt);
		return;
	}
	class = rtprelay_classify(skb->data + thoff + sizeof(*uh), plen,
				  kt->spec.flags & RTPRELAY_TARGET_RTCP_MUX, &info);
	if (class != RTPRELAY_CLASS_RTP) {
		rtprelay_count_pass(t, class_pass[class]);
		return;
	}
	rtprelay_stats_rtp(kt->stats, &info, plen);
	forward(pkt, regs, t, kt, thoff + sizeof(*uh), plen, ttl, t0);
}

static const struct nla_policy rtprelay_expr_policy[NFTA_RTPRELAY_MAX + 1] = {
	[NFTA_RTPRELAY_TABLE] = { .type = NLA_U32 },
};

static int rtprelay_expr_init_one(const struct nft_ctx *ctx, const struct nft_expr *expr,
				  const struct nlattr *const tb[])
{
	struct rtprelay_expr *priv = nft_expr_priv(expr);
	u32 id;

	if (ctx->family != NFPROTO_IPV4 && ctx->family != NFPROTO_IPV6 &&
	    ctx->family != NFPROTO_INET)
		return -EOPNOTSUPP;
	if (!tb[NFTA_RTPRELAY_TABLE])
		return -EINVAL;
	id = ntohl(nla_get_be32(tb[NFTA_RTPRELAY_TABLE]));
	if (id >= RTPRELAY_MAX_TABLES)
		return -ERANGE;
	priv->table = id;
	return 0;
}

static int rtprelay_expr_dump(RTPRELAY_DUMP_ARGS)
{
	const struct rtprelay_expr *priv = nft_expr_priv(expr);

	if (nla_put_be32(skb, NFTA_RTPRELAY_TABLE, htonl(priv->table)))
		return -1;
	return 0;
}

static int rtprelay_expr_validate(RTPRELAY_VALIDATE_ARGS)
{
	return nft_chain_validate_hooks(ctx->chain,
					(1 << NF_INET_LOCAL_IN) | (1 << NF_INET_PRE_ROUTING));
}

static struct nft_expr_type rtprelay_expr_type;
static const struct nft_expr_ops rtprelay_expr_ops = {
	.type = &rtprelay_expr_type,
	.size = NFT_EXPR_SIZE(sizeof(struct rtprelay_expr)),
	.eval = rtprelay_expr_eval,
	.init = rtprelay_expr_init_one,
	.dump = rtprelay_expr_dump,
	.validate = rtprelay_expr_validate,
};

static struct nft_expr_type rtprelay_expr_type __read_mostly = {
	.name = "rtprelay",
	.ops = &rtprelay_expr_ops,
	.policy = rtprelay_expr_policy,
	.maxattr = NFTA_RTPRELAY_MAX,
	.family = NFPROTO_UNSPEC, /* init() accepts ip, ip6 and inet */
	.owner = THIS_MODULE,
};

int rtprelay_expr_init(void)
{
	return nft_register_expr(&rtprelay_expr_type);
}

void rtprelay_expr_exit(void)
{
	nft_unregister_expr(&rtprelay_expr_type);
}
