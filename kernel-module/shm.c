// SPDX-License-Identifier: GPL-2.0
/*
 * Pinned memory: ranges of the daemon's memory (bufferpool shards) that
 * targets' stats point into. Pinned with FOLL_LONGTERM (the pages stay put
 * while the kernel writes them), mapped once with vmap, and kept in a maple
 * tree keyed by user address range: no limit on how many, and an address
 * finds its area in O(log n). An area is unmapped only after a grace
 * period, so a packet still running with a just-deleted target never
 * writes into unmapped or reused memory.
 *
 * Pinned pages are charged to the pinning process like RDMA and io_uring
 * charge theirs: to its mm's pinned_vm (VmPin in /proc/PID/status),
 * limited by RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK. The charge is
 * returned to the same mm when the area is unpinned, by whoever unpins
 * (the last close may run after the process's mm is gone from it).
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "rtprelay.h"

/* One area at most 1 GiB: the bufferpool's largest shard. */
#define RTPRELAY_MAX_AREA (1ull << 30)

void rtprelay_shm_init(struct rtprelay_table *t)
{
	mt_init(&t->areas);
}

/* Charge npages to current's mm: 0 or -ENOMEM over RLIMIT_MEMLOCK. */
static int charge(struct rtprelay_area *a)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct mm_struct *mm = current->mm;
	s64 pinned;

	if (!mm)
		return -EFAULT;
	pinned = atomic64_add_return(a->npages, &mm->pinned_vm);
	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(a->npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	mmgrab(mm);
	a->mm = mm;
	return 0;
}

static void uncharge(struct rtprelay_area *a)
{
	atomic64_sub(a->npages, &a->mm->pinned_vm);
	mmdrop(a->mm);
}

static void area_free(struct rtprelay_area *a)
{
	uncharge(a);
	vunmap(a->kaddr);
	/* The kernel wrote to the pages: keep the writes. */
	unpin_user_pages_dirty_lock(a->pages, a->npages, true);
	kvfree(a->pages);
	kfree(a);
}

int rtprelay_shm_pin(struct rtprelay_table *t, u64 addr, u64 size)
{
	struct rtprelay_area *a;
	unsigned long index = addr;
	long pinned;
	int err;

	lockdep_assert_held(&t->lock);
	if (!size || size > RTPRELAY_MAX_AREA || !PAGE_ALIGNED(addr) || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (addr != (unsigned long)addr || addr + size < addr || addr + size > TASK_SIZE)
		return -EFAULT;
	if (mt_find(&t->areas, &index, addr + size - 1))
		return -EEXIST; /* overlaps a pinned area */
	if (rtprelay_inject_pin_failure()) {
		t->pin_failures++;
		return -ENOMEM;
	}

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->uaddr = addr;
	a->size = size;
	a->npages = size >> PAGE_SHIFT;
	err = charge(a);
	if (err)
		goto err_free_area;
	err = -ENOMEM;
	a->pages = kvmalloc_array(a->npages, sizeof(*a->pages), GFP_KERNEL);
	if (!a->pages)
		goto err_uncharge;
	pinned = pin_user_pages_fast(addr, a->npages, FOLL_WRITE | FOLL_LONGTERM, a->pages);
	if (pinned < 0) {
		err = pinned;
		goto err_free_pages;
	}
	if (pinned != a->npages) {
		err = -EFAULT;
		goto err_unpin_pages;
	}
	err = -ENOMEM;
	a->kaddr = vmap(a->pages, a->npages, VM_MAP, PAGE_KERNEL);
	if (!a->kaddr)
		goto err_unpin_pages;
	err = mtree_insert_range(&t->areas, addr, addr + size - 1, a, GFP_KERNEL);
	if (err)
		goto err_vunmap;
	t->n_areas++;
	t->pinned_bytes += size;
	t->pins++;
	return 0;

err_vunmap:
	vunmap(a->kaddr);
err_unpin_pages:
	unpin_user_pages(a->pages, pinned);
err_free_pages:
	kvfree(a->pages);
err_uncharge:
	uncharge(a);
err_free_area:
	kfree(a);
	t->pin_failures++;
	return err;
}

int rtprelay_shm_unpin(struct rtprelay_table *t, u64 addr, u64 size)
{
	struct rtprelay_area *a;

	lockdep_assert_held(&t->lock);
	if (addr != (unsigned long)addr)
		return -ENOENT;
	a = mtree_load(&t->areas, addr);
	if (!a || a->uaddr != addr || a->size != size)
		return -ENOENT;
	if (a->users)
		return -EBUSY;
	mtree_erase(&t->areas, addr);
	t->n_areas--;
	t->pinned_bytes -= a->size;
	t->unpins++;
	/* A packet that found a target deleted just now may still write. */
	synchronize_net();
	area_free(a);
	return 0;
}

void rtprelay_shm_unpin_all(struct rtprelay_table *t)
{
	struct rtprelay_area *a;
	unsigned long index = 0;

	lockdep_assert_held(&t->lock);
	if (!t->n_areas)
		return;
	synchronize_net();
	mt_for_each(&t->areas, a, index, ULONG_MAX)
	{
		WARN_ON_ONCE(a->users);
		t->pinned_bytes -= a->size;
		t->unpins++;
		area_free(a);
	}
	mtree_destroy(&t->areas);
	t->n_areas = 0;
	mt_init(&t->areas);
}

struct rtprelay_area *rtprelay_shm_find(struct rtprelay_table *t, u64 uaddr, u64 len)
{
	struct rtprelay_area *a;

	if (!len || uaddr + len < uaddr || uaddr != (unsigned long)uaddr)
		return NULL;
	a = mtree_load(&t->areas, uaddr);
	if (!a || uaddr + len > (u64)a->uaddr + a->size)
		return NULL;
	return a;
}
