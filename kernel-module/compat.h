/*
 * compat.h: every kernel-version difference nft_rtprelay cares about, in one
 * place. The RTPRELAY_HAVE_* defines come from compile tests that Kbuild
 * runs against the kernel being built for (the files in compat/, see Kbuild), never
 * from version numbers: distributions backport API changes.
 */
#ifndef NFT_RTPRELAY_COMPAT_H
#define NFT_RTPRELAY_COMPAT_H

#include <linux/proc_fs.h>
#include "compat_detected.h"

/* Argument lists of the nft expression callbacks that changed. */
#ifdef RTPRELAY_HAVE_DUMP_RESET
#define RTPRELAY_DUMP_ARGS struct sk_buff *skb, const struct nft_expr *expr, bool reset
#else
#define RTPRELAY_DUMP_ARGS struct sk_buff *skb, const struct nft_expr *expr
#endif

#ifdef RTPRELAY_HAVE_VALIDATE_NO_DATA
#define RTPRELAY_VALIDATE_ARGS const struct nft_ctx *ctx, const struct nft_expr *expr
#else
#define RTPRELAY_VALIDATE_ARGS \
	const struct nft_ctx *ctx, const struct nft_expr *expr, const struct nft_data **data
#endif

#ifndef RTPRELAY_HAVE_PDE_DATA
#define pde_data(inode) PDE_DATA(inode)
#endif

#endif
