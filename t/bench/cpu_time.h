/* CPU time, for the benchmarks' CPU-per-packet figures. */
#ifndef RTPRELAY_BENCH_CPU_TIME_H
#define RTPRELAY_BENCH_CPU_TIME_H

/* utime + stime of a process (all threads) in microseconds; -1 if unknown. */
double proc_cpu_us(long pid);
/* A process's CPU split (microseconds) and its threads' voluntary context
 * switches (each one a wait that ended in a wake-up). */
struct proc_cpu {
	double user_us, sys_us, wakeups;
};
/* 0, or -1 if unknown (no such process). */
int proc_cpu_split(long pid, struct proc_cpu *c);
/* The same of this process. */
double self_cpu_us(void);
/* Machine-wide busy and total time (all CPUs, in ticks) from /proc/stat. */
void machine_ticks(double *busy, double *total);

#endif
