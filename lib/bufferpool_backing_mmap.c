/*
 * The plain-memory backing: anonymous mmap aligned to its size by mapping
 * twice as much and unmapping the misaligned head and tail. No pinning, so
 * a pool on it is user-space-only and frees are immediate.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "bufferpool.h"

/* size: a power of two. Zeroed (fresh anonymous pages); NULL + errno. */
void *bufferpool_mmap_aligned(void *ctx, size_t size)
{
	size_t len = size * 2, head, tail;
	char *raw, *base;

	if (!size || (size & (size - 1)) || len < size) {
		errno = EINVAL;
		return NULL;
	}
	raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	base = (char *)(((uintptr_t)raw + size - 1) & ~(uintptr_t)(size - 1));
	head = (size_t)(base - raw);
	tail = len - head - size;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(base + size, tail);
	return base;
}

void bufferpool_munmap(void *ctx, void *base, size_t size)
{
	munmap(base, size);
}

const struct bufferpool_backing bufferpool_backing_mmap = {
	.name = "mmap",
	.map = bufferpool_mmap_aligned,
	.unmap = bufferpool_munmap,
};
