/*
 * kernel/nft: the nftables rules that hand UDP packets to the nft_rtprelay
 * expression, with rtpengine's options (nftables-chain, -base-chain,
 * -append, -family) and semantics, in a table rtprelay owns:
 *
 *   table inet rtprelay {                  (ip or ip6 with nftables-family)
 *     chain INPUT {                        (nftables-base-chain)
 *       type filter hook input priority 0  (nftables-priority)
 *       jump rtprelay                      (first, or last with nftables-append)
 *     }
 *     chain rtprelay {                     (nftables-chain)
 *       rtprelay table N                   (nft(8) cannot show this rule)
 *     }
 *   }
 *
 * Setup creates what is missing, flushes the chain and adds its one rule,
 * and replaces any jump to the chain by one new jump, in one atomic batch:
 * running it twice (the unit's ExecStartPre, then the daemon) leaves one
 * copy. Teardown deletes the jump and the chain, then the base chain and the
 * table if nothing else is left in them (another instance's chain, an
 * operator's rule). nftables-chain "" disables all of it; nftables-base-chain
 * "" makes the chain itself the base chain; "none" leaves the jump to the
 * operator.
 *
 * Netlink through libmnl; libnftnl builds the table, chains and the jump
 * rule; the rule with the rtprelay expression is raw attributes (libnftnl
 * knows only its built-in expressions). Blocking, main thread only, at
 * start-up and shutdown (and the one-shot modes). Errors: -1 with a
 * message in *err (g_free it).
 */
#ifndef RTPRELAY_KERNEL_NFT_H
#define RTPRELAY_KERNEL_NFT_H

#include <stdbool.h>

struct rtprelay_config;

#define KNFT_TABLE "rtprelay"

/* What the rules are made of: copied from the config at start-up, so that
 * teardown removes what setup created even after a reload. */
struct knft {
	unsigned kernel_table;
	int family; /* NFPROTO_INET, _IPV4 or _IPV6 */
	char chain[64];
	char base_chain[64];
	bool append;
	int priority;
};

/* Fill k from cfg (cfg->table >= 0). */
void knft_init(struct knft *k, const struct rtprelay_config *cfg);
/* Whether the daemon manages rules at all (nftables-chain not empty). */
bool knft_managed(const struct knft *k);

int knft_setup(const struct knft *k, char **err);
int knft_teardown(const struct knft *k, char **err);
/*
 * Check the rules: 1 all there, 0 something missing, -1 on a netlink error
 * (*err). *report gets one line per thing checked (g_free it).
 */
int knft_status(const struct knft *k, char **report, char **err);

#endif
