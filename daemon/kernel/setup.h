/*
 * kernel/setup: kernel forwarding at start-up and shutdown, and the
 * one-shot --nftables-start/-stop/-status modes. Start: the table
 * (kernel/table.h: /proc/rtprelay/N, handshake first), then the nftables
 * rules (kernel/nft.h), all before the bufferpool exists, since the pool's
 * backing is fixed at creation. Anything failing means user space only, said in
 * one log line, or no start at all with --no-fallback. Stop undoes it
 * backwards after the pool is gone. Main thread only.
 */
#ifndef RTPRELAY_KERNEL_SETUP_H
#define RTPRELAY_KERNEL_SETUP_H

#include <stdbool.h>

#include "kernel/nft.h"

struct rtprelay_config;
struct ktable;

struct kernel {
	struct ktable *table; /* NULL: user space only */
	struct knft nft;
	bool nft_done;    /* rules created by us: delete them at stop */
	char reason[256]; /* why user space only ("" when in the kernel) */
};

/*
 * Set up kernel forwarding for cfg->table (negative: none). Returns 0 with
 * k->table set (kernel) or NULL (user space only, logged once with the
 * reason), or -1 when --no-fallback forbids running without it (logged).
 */
int kernel_start(struct kernel *k, const struct rtprelay_config *cfg);
/* Close the table, delete the rules we created. After the pool is gone. */
void kernel_stop(struct kernel *k);

/* --nftables-start / -stop / -status: do it, print the outcome, and return
 * the process exit status. */
int kernel_nftables_oneshot(const struct rtprelay_config *cfg);

#endif
