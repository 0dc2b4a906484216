/* pde_data() (5.17) rather than PDE_DATA(). */
#include <linux/proc_fs.h>
void *rtprelay_compat_pde(const struct inode *inode);
void *rtprelay_compat_pde(const struct inode *inode)
{
	return pde_data(inode);
}
