#!/bin/bash
# Runs INSIDE the qemu guest (t/bench/kernel/run.sh boots it): the same
# media load through min_forwarder (user space, 1 thread) and through
# nft_rtprelay kernel targets (ktargets), one after the other, for each N
# in KBENCH_CALLS. Writes one TSV per run into $KBENCH_OUT (a host directory
# made writable in the guest) and prints media_load's status.
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

for n in $calls; do
	for cfg in user kernel; do
		if [ $cfg = user ]; then
			"$top/t/bench/min_forwarder" --listen $FWD --dest $GEN --base $BASE \
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
		timeout -k 5 $((dur + 60)) "$top/t/bench/media_load" --static-offset $OFFSET --fwd $FWD \
			--calls "$n" --local $GEN --port-base $BASE --pid "$pid" \
			--warmup 2 --duration "$dur" --max-seconds $((dur + 50)) \
			> "$outdir/$cfg.$n.tsv" 2> /tmp/load.err
		stop $pid
		sed -n 's/^status\t//p' "$outdir/$cfg.$n.tsv" | tail -1
		sed 's/^/    /' /tmp/relay.log | tail -2
	done
done
grep -E '^(Packets forwarded|Send errors|Passed)' /proc/rtprelay/0/status | sed 's/^/kbench: /'
nft delete table inet rtprelay
rmmod nft_rtprelay
