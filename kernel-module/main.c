// SPDX-License-Identifier: GPL-2.0
/*
 * nft_rtprelay: module start, stop and parameters. Start order: /proc,
 * tables, nft expression; stop is the same backwards.
 */
#include <linux/module.h>
#include <linux/spinlock.h>
#include <net/netfilter/nf_tables.h>

#include "rtprelay.h"

unsigned int rtprelay_proc_uid;
module_param_named(proc_uid, rtprelay_proc_uid, uint, 0444);
MODULE_PARM_DESC(proc_uid, "owner of the /proc/rtprelay control and table files");

unsigned int rtprelay_proc_gid;
module_param_named(proc_gid, rtprelay_proc_gid, uint, 0444);
MODULE_PARM_DESC(proc_gid, "group of the /proc/rtprelay control and table files");

unsigned int rtprelay_proc_mode = 0600;
module_param_named(proc_mode, rtprelay_proc_mode, uint, 0444);
MODULE_PARM_DESC(proc_mode, "mode of the control files (status and list also get read bits)");

/* Fault injection, for tests: writable at run time. */
static int fail_pins;
module_param(fail_pins, int, 0600);
MODULE_PARM_DESC(fail_pins, "make the next N pin commands fail with ENOMEM (testing)");

static int fail_target_adds;
module_param(fail_target_adds, int, 0600);
MODULE_PARM_DESC(fail_target_adds, "make the next N target adds fail with ENOMEM (testing)");

/* Measurement, for the benchmark: writable at run time. */
bool rtprelay_timing;
module_param_named(timing, rtprelay_timing, bool, 0600);
MODULE_PARM_DESC(
	timing,
	"time the forwarding of each packet (status: Time own ns, Time send ns); costs three clock reads per packet");

static DEFINE_SPINLOCK(inject_lock);

static bool inject(int *left)
{
	bool fail = false;

	spin_lock(&inject_lock);
	if (*left > 0) {
		(*left)--;
		fail = true;
	}
	spin_unlock(&inject_lock);
	return fail;
}

bool rtprelay_inject_pin_failure(void)
{
	return inject(&fail_pins);
}

bool rtprelay_inject_add_failure(void)
{
	return inject(&fail_target_adds);
}

static int __init rtprelay_init(void)
{
	int err;

	if (rtprelay_proc_mode & ~0777) {
		pr_err("proc_mode %#o: not a file mode\n", rtprelay_proc_mode);
		return -EINVAL;
	}
	err = rtprelay_proc_init();
	if (err)
		return err;
	err = rtprelay_tables_init();
	if (err)
		goto err_proc;
	err = rtprelay_expr_init();
	if (err)
		goto err_tables;
	pr_info("loaded (ABI %u)\n", RTPRELAY_ABI_VERSION);
	return 0;

err_tables:
	rtprelay_tables_exit();
err_proc:
	rtprelay_proc_exit();
	return err;
}

static void __exit rtprelay_exit(void)
{
	rtprelay_expr_exit();
	/* No rule can reach a table now; delete them with their /proc dirs
	 * (and refuse new ones until the module is gone). */
	rtprelay_tables_exit();
	rtprelay_proc_exit();
	pr_info("unloaded\n");
}

module_init(rtprelay_init);
module_exit(rtprelay_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtprelay: in-kernel RTP forwarding as an nftables expression");
MODULE_ALIAS_NFT_EXPR("rtprelay");
/* The package's version when DKMS builds it (dkms.conf passes it to Kbuild):
 * modinfo and /sys/module/nft_rtprelay/version tell which one is loaded. */
#ifdef RTPRELAY_VERSION
MODULE_VERSION(RTPRELAY_VERSION);
#endif
