/*
 * clock: the two clocks of rtprelay, in microseconds. Wall-clock time is
 * for display (a call's "created"); every deadline, timeout and
 * last-packet time uses the monotonic clock, which is also what the kernel
 * module stamps into the shared per-stream counters (ktime_get_ns() is
 * CLOCK_MONOTONIC), so both sides compare. Any thread.
 */
#ifndef RTPRELAY_CLOCK_H
#define RTPRELAY_CLOCK_H

#include <stdint.h>

/* CLOCK_REALTIME, µs since the epoch. */
int64_t clock_wall_us(void);
/* CLOCK_MONOTONIC, µs. */
int64_t clock_mono_us(void);

#endif
