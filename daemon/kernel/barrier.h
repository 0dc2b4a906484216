/*
 * kernel/barrier: the module's BARRIER with a bound on how long a caller
 * waits. The command blocks for an RCU grace period (milliseconds, more on
 * a loaded machine); the control thread must not, since an ng command may
 * be waiting behind it. So a helper thread issues the barriers and callers
 * wait for one that *started after their call* (only that one covers what
 * they freed before calling), up to a time limit; past it they get
 * -ETIMEDOUT and the bufferpool keeps its quarantine for the next try,
 * while the helper's barrier finishes on its own.
 */
#ifndef RTPRELAY_KERNEL_BARRIER_H
#define RTPRELAY_KERNEL_BARRIER_H

struct kbarrier;
struct ktable;

/* Longest a caller waits, in milliseconds. */
#define KBARRIER_TIMEOUT_MS 100

/* Start the helper thread for kt (which must outlive it). NULL + errno. */
struct kbarrier *kbarrier_new(struct ktable *kt);
/* Stop and join the helper (waits for a barrier in progress). NULL: no-op. */
void kbarrier_free(struct kbarrier *b);

/*
 * 0 once a barrier that started after this call returned; -ETIMEDOUT after
 * timeout_ms without one; the module's -errno if that barrier failed. Any
 * thread; concurrent callers share barriers.
 */
int kbarrier_wait(struct kbarrier *b, unsigned timeout_ms);

#endif
