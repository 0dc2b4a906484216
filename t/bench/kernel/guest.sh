#!/bin/bash
# Runs INSIDE the qemu guest (t/bench/kernel/run.sh boots it): the same
# media load through min_forwarder (user space, 1 thread) and through
# nft_rtprelay kernel targets (ktargets), one after the other, for each N
# in KBENCH_CALLS. Writes one TSV per run into $KBENCH_OUT (a host directory
# made writable in the guest) and prints media_load's status.
#
# CPU split: the generator runs on CPU 0, min_forwarder on CPU 1, and RPS
# on lo steers all loopback receive processing (where the kernel targets
# forward) to CPU 1. So CPU 1 carries the relaying (for both: the stack's
# receive path twice, plus the forwarder's system calls or the kernel
# target), CPU 0 the generator's own sending and receiving. Both CPUs'
# busy time is sampled from /proc/stat over the measured window (cpu0_busy,
# cpu1_busy, fractions of one CPU, appended to the TSV).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
bin=$top/build/kernel-bench
calls=${KBENCH_CALLS:-50 200}
dur=${KBENCH_DURATION:-8}
outdir=${KBENCH_OUT:?}
GEN=127.0.0.2 FWD=127.0.0.3 BASE=10000 OFFSET=10000

modprobe nf_tables
insmod "$KMQ_KO_DIR/nft_rtprelay.ko" || exit 1
echo "add 0" > /proc/rtprelay/control
nft add table inet rtprelay
nft add chain inet rtprelay input '{ type filter hook input priority 0; }'
"$bin/nftrule" inet rtprelay input 0 || exit 1

stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
echo 2 > /sys/class/net/lo/queues/rx-0/rps_cpus
# everything received queues on CPU 1's backlog now: make room for bursts
sysctl -qw net.core.netdev_max_backlog=10000
# busy and total jiffies of cpuN
cpu_jiffies() { awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# sample cpu0 and cpu1 over [warmup + 0.5, warmup + dur - 0.5] s from now
sample_window() {
	sleep 2.5
	local a0 a1 b0 b1
	a0=$(cpu_jiffies 0); a1=$(cpu_jiffies 1)
	sleep $((dur - 1))
	b0=$(cpu_jiffies 0); b1=$(cpu_jiffies 1)
	awk -v a="$a0" -v b="$b0" 'BEGIN { split(a, x); split(b, y); printf "cpu0_busy\t%.3f\n", (y[1] - x[1]) / (y[2] - x[2]) }'
	awk -v a="$a1" -v b="$b1" 'BEGIN { split(a, x); split(b, y); printf "cpu1_busy\t%.3f\n", (y[1] - x[1]) / (y[2] - x[2]) }'
}

# what the CPUs do with no load at all (timer ticks, the guest's own
# housekeeping), to be taken out of the figures
a0=$(cpu_jiffies 0); a1=$(cpu_jiffies 1); sleep 5; b0=$(cpu_jiffies 0); b1=$(cpu_jiffies 1)
awk -v a="$a0" -v b="$b0" -v c="$a1" -v d="$b1" 'BEGIN { split(a, x); split(b, y); split(c, u); split(d, v)
	printf "cpu0_busy\t%.3f\ncpu1_busy\t%.3f\n", (y[1] - x[1]) / (y[2] - x[2]), (v[1] - u[1]) / (v[2] - u[2]) }' \
	> "$outdir/idle.tsv"
sed 's/^/kbench: idle /' "$outdir/idle.tsv"

for n in $calls; do
	for cfg in user kernel; do
		if [ $cfg = user ]; then
			taskset -c 1 "$top/t/bench/min_forwarder" --listen $FWD --dest $GEN --base $BASE \
				--count $((2 * n)) --offset $OFFSET --threads 1 \
				--max-seconds $((dur + 60)) > /tmp/relay.log 2>&1 &
			pid=$!
			sleep 0.5
		else
			"$bin/ktargets" 0 $FWD $GEN $BASE $((2 * n)) $OFFSET > /tmp/relay.log 2>&1 &
			pid=$!
			for _ in $(seq 100); do grep -q ready /tmp/relay.log && break; sleep 0.1; done
		fi
		printf 'kbench: %-6s %4d calls ... ' $cfg "$n"
		sample_window > /tmp/cpu.tsv &
		sampler=$!
		timeout -k 5 $((dur + 60)) taskset -c 0 "$top/t/bench/media_load" --static-offset $OFFSET --fwd $FWD \
			--calls "$n" --local $GEN --port-base $BASE --pid "$pid" \
			--warmup 2 --duration "$dur" --max-seconds $((dur + 50)) \
			> "$outdir/$cfg.$n.tsv" 2> /tmp/load.err
		wait $sampler
		cat /tmp/cpu.tsv >> "$outdir/$cfg.$n.tsv"
		stop $pid
		sed -n 's/^status\t//p' "$outdir/$cfg.$n.tsv" | tail -1
		sed 's/^/    /' /tmp/relay.log | tail -2
	done
done
grep -E '^(Packets forwarded|Send errors|Passed)' /proc/rtprelay/0/status | sed 's/^/kbench: /'
nft delete table inet rtprelay
rmmod nft_rtprelay
