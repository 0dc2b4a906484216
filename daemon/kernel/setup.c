/* Kernel forwarding at start-up and shutdown; see setup.h. */
#define LOG_SUBSYS kernel
#include "kernel/setup.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "kernel/table.h"
#include "log.h"

int kernel_start(struct kernel *k, const struct rtprelay_config *cfg)
{
	g_autofree char *err = NULL;
	const char *step = NULL;
	bool module_absent = false;
	int ret;

	memset(k, 0, sizeof(*k));
	if (cfg->table < 0) {
		g_strlcpy(k->reason, "kernel forwarding off (table < 0)", sizeof(k->reason));
		log_info("kernel forwarding off (table %d): media is relayed in user space",
			 cfg->table);
		return 0;
	}
	/* The table first: it tells a table another daemon uses (whose
	 * rules ours would replace) from a free one. */
	ret = ktable_open((unsigned)cfg->table, &k->table, &step);
	if (ret < 0) {
		module_absent = ret == -ENOENT && strcmp(step, "/proc/rtprelay/control") == 0;
		if (module_absent)
			snprintf(k->reason, sizeof(k->reason),
				 "module nft_rtprelay not loaded (/proc/rtprelay/control: %s)",
				 strerror(-ret));
		else
			snprintf(k->reason, sizeof(k->reason), "kernel table %d: %s: %s",
				 cfg->table, step, strerror(-ret));
		goto fallback;
	}
	knft_init(&k->nft, cfg);
	if (knft_managed(&k->nft)) {
		if (knft_setup(&k->nft, &err) < 0) {
			snprintf(k->reason, sizeof(k->reason), "%s", err);
			goto fallback;
		}
		k->nft_done = true;
	}
	log_notice("kernel forwarding on: table %d%s%s%s", cfg->table,
		   k->nft_done ? ", nftables chain " : "", k->nft_done ? k->nft.chain : "",
		   k->nft_done ? " in table " KNFT_TABLE : " (nftables rules not managed)");
	return 0;

fallback:
	ktable_close(k->table);
	k->table = NULL;
	if (cfg->no_fallback) {
		log_errx("kernel forwarding unavailable (%s) and no-fallback is set: not starting",
			 k->reason);
		return -1;
	}
	/* No module is the usual state of a host without kernel forwarding
	 * (rtprelay-kernel-dkms not installed): a notice. A module that is
	 * there but unusable is a warning. */
	if (module_absent)
		log_notice("kernel forwarding unavailable, media is relayed in user space only: %s",
			   k->reason);
	else
		log_warnx("kernel forwarding unavailable, media is relayed in user space only: %s",
			  k->reason);
	return 0;
}

void kernel_stop(struct kernel *k)
{
	g_autofree char *err = NULL;

	ktable_close(k->table);
	k->table = NULL;
	if (k->nft_done && knft_teardown(&k->nft, &err) < 0)
		log_warnx("removing the nftables rules: %s", err);
	k->nft_done = false;
}

int kernel_nftables_oneshot(const struct rtprelay_config *cfg)
{
	g_autofree char *err = NULL, *report = NULL;
	struct knft n;
	int ret;

	if (cfg->table < 0) {
		printf("rtprelay: table %d: kernel forwarding off, no nftables rules\n",
		       cfg->table);
		return 0;
	}
	knft_init(&n, cfg);
	if (cfg->nftables_status) {
		ret = knft_status(&n, &report, &err);
		if (ret < 0) {
			fprintf(stderr, "rtprelay: %s\n", err);
			return 1;
		}
		fputs(report, stdout);
		printf("rtprelay: nftables rules %s\n", ret ? "OK" : "incomplete");
		return ret ? 0 : 1;
	}
	if (cfg->nftables_stop)
		ret = knft_teardown(&n, &err);
	else
		ret = knft_setup(&n, &err);
	if (ret < 0) {
		fprintf(stderr, "rtprelay: %s\n", err);
		return 1;
	}
	printf("rtprelay: nftables rules %s\n", !knft_managed(&n)
							? "not managed (nftables-chain is empty)"
						: cfg->nftables_stop ? "deleted"
								     : "created");
	return 0;
}
