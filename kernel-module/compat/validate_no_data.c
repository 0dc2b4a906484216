/* nft_expr_ops.validate lost its nft_data argument (6.10; backported). */
#include <net/netfilter/nf_tables.h>
static int validate(const struct nft_ctx *ctx, const struct nft_expr *expr)
{
	return 0;
}
const struct nft_expr_ops rtprelay_compat_ops = { .validate = validate };
