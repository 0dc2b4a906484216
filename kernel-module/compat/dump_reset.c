/* nft_expr_ops.dump takes a bool reset (6.5; backported to Debian's 6.1). */
#include <net/netfilter/nf_tables.h>
static int dump(struct sk_buff *skb, const struct nft_expr *expr, bool reset)
{
	return 0;
}
const struct nft_expr_ops rtprelay_compat_ops = { .dump = dump };
