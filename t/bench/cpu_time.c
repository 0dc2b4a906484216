/* CPU time of a process, of this one, and of the whole machine (see cpu_time.h). */
#include "cpu_time.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* utime and stime of a process (all threads), in clock ticks; -1 if unknown */
static int proc_ticks(long pid, unsigned long *ut, unsigned long *st)
{
	char path[64], buf[1024];
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", ut, st) != 2)
		return -1;
	return 0;
}

/* utime + stime of a process (all threads) in microseconds; -1 if unknown */
double proc_cpu_us(long pid)
{
	unsigned long ut, st;

	if (proc_ticks(pid, &ut, &st) < 0)
		return -1;
	return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

/* The voluntary context switches of every thread of pid (a thread that
 * exited takes its count with it: the relays' threads live as long as
 * they do). */
static double proc_wakeups(long pid)
{
	char path[64], line[128];
	struct dirent *e;
	double sum = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char status[300];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(status, sizeof(status), "/proc/%ld/task/%s/status", pid, e->d_name);
		f = fopen(status, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
				sum += strtod(line + 24, NULL);
		}
		fclose(f);
	}
	closedir(d);
	return sum;
}

int proc_cpu_split(long pid, struct proc_cpu *c)
{
	unsigned long ut, st;
	double hz = (double)sysconf(_SC_CLK_TCK);

	if (proc_ticks(pid, &ut, &st) < 0)
		return -1;
	c->user_us = (double)ut * 1e6 / hz;
	c->sys_us = (double)st * 1e6 / hz;
	c->wakeups = proc_wakeups(pid);
	return c->wakeups < 0 ? -1 : 0;
}

double self_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Machine-wide busy and total time (all CPUs, in ticks) from /proc/stat. */
void machine_ticks(double *busy, double *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*busy = *total = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (i = 0; i < 8; i++)
			*total += (double)v[i];
		*busy = *total - (double)v[3] - (double)v[4]; /* minus idle, iowait */
	}
	fclose(f);
}
