/* Always compiles: proves the compat tests get this kernel's flags. */
#include <linux/module.h>
#include <net/netfilter/nf_tables.h>
int rtprelay_compat_baseline(void);
int rtprelay_compat_baseline(void)
{
	return 0;
}
