#!/bin/bash
# Runs INSIDE the qemu guest (t/bench/kernel/run.sh boots it): the same
# media load through min_forwarder (user space, 1 thread) and through
# nft_rtprelay kernel targets (ktargets), one after the other, for each N
# in KBENCH_CALLS. Writes one TSV per run into $KBENCH_OUT (a host directory
# made writable in the guest) plus setup.tsv (what the report needs to say).
#
# CPU split. The generator lives in its own network namespace ("gen") and
# reaches the relay over a veth pair: gen0 (namespace gen) <-> rel0 (here).
# A packet a CPU sends into a veth pair is received through the peer's
# backlog, and RPS on each peer's receive queue decides which CPU's backlog:
# rel0 -> CPU 1, gen0 -> the generator's CPUs (all but CPU 1). The
# generator is pinned to those CPUs and min_forwarder to CPU 1. So CPU 1
# does exactly the relaying: the receive path into the relay (up to the
# kernel target, or up to min_forwarder's socket and its system calls), the
# forwarding and the send path up to handing the packet to the generator's
# side; the other CPUs do the generator's sending and all of its receiving
# (which costs more than the relaying: it gets the rest of the guest). Both
# configurations see the same split.
# (On loopback that split is not possible: RPS would put the generator's
# receive path on the relay's CPU, and RFS steers only connected sockets.)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
bin=$top/build/kernel-bench
calls=${KBENCH_CALLS:-50 200}
dur=${KBENCH_DURATION:-8}
reps=${KBENCH_REPEAT:-3}
rows=" ${KBENCH_ROWS:-user kernel kernel-timed kernel-pre rtprelay-user rtprelay-kernel rtpengine} "
want() { [[ $rows == *" $1 "* ]]; }
outdir=${KBENCH_OUT:?}
GEN=10.99.0.2 FWD=10.99.0.1 BASE=10000 OFFSET=10000

ncpu=$(nproc)
gen_cpus=0$(seq -s, 2 $((ncpu - 1)) | sed 's/^./,&/')  # every CPU but 1
gen_mask=$(printf '%x' $(( (1 << ncpu) - 1 - 2 )))
modprobe nf_tables
insmod "$KMQ_KO_DIR/nft_rtprelay.ko" || exit 1
echo "add 0" > /proc/rtprelay/control
# the rule only while the kernel rows run: the user rows pay no lookup;
# on the input hook (as the daemon will add it), or on prerouting (before
# the input route lookup) for the kernel-pre rows
rule_add() {
	nft add table inet rtprelay
	nft add chain inet rtprelay "$1" "{ type filter hook $1 priority 0; }"
	"$bin/nftrule" inet rtprelay "$1" 0
}

ip netns add gen
ip link add rel0 type veth peer name gen0
ip link set gen0 netns gen
ip addr add $FWD/24 dev rel0
ip link set rel0 up
ip -n gen addr add $GEN/24 dev gen0
ip -n gen link set lo up
ip -n gen link set gen0 up
echo 2 > /sys/class/net/rel0/queues/rx-0/rps_cpus
ip netns exec gen sh -c "echo $gen_mask > /sys/class/net/gen0/queues/rx-0/rps_cpus"
# no ARP traffic inside the measured windows
ip neigh replace $GEN lladdr "$(ip -n gen -o link show gen0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)" dev rel0 nud permanent
ip -n gen neigh replace $FWD lladdr "$(cat /sys/class/net/rel0/address)" dev gen0 nud permanent
sysctl -qw net.core.netdev_max_backlog=10000
printf 'guest_cpus\t%s\nkernel\t%s\nduration_s\t%s\ngen_cpus\t%s\nrepeat\t%s\n' "$ncpu" \
	"$(uname -r)" "$dur" "$gen_cpus" "$reps" > "$outdir/setup.tsv"

stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# CPU time: idle is the one figure the kernel measures exactly (nohz keeps
# every CPU's idle time from clock reads at idle entry and exit, and stops
# it while an interrupt or softirq runs); the user/system/irq/softirq
# fields are samples taken at the tick, which under TCG land in short busy
# bursts far more often than their length says (and with nohz_full
# softirq work done from idle is counted nowhere). So a CPU's busy time is
# wall time minus idle time: "cpuN idle+iowait" in USER_HZ and the uptime.
cpu_idle() { awk '$1 ~ /^cpu[0-9]/ { print $1, $5 + $6 }' /proc/stat; awk '{ print "wall", $1 * 100 }' /proc/uptime; }
# busy fraction of each CPU over the next $1 seconds: "cpuN_busy <TAB> x"
busy_over() {
	local a
	a=$(cpu_idle)
	sleep "$1"
	{ echo "$a"; cpu_idle; } | awk '{ if ($1 in v) d[$1] = $2 - v[$1]; else { v[$1] = $2; k[++n] = $1 } }
		END { for (i = 1; i <= n; i++) if (k[i] != "wall") printf "%s_busy\t%.4f\n", k[i], 1 - d[k[i]] / d["wall"] }'
}

# a short run that is not measured: the first start of the programs reads
# them over 9p and the first packets build the caches (it showed as a
# starved first row)
taskset -c 1 "$top/t/bench/min_forwarder" --listen $FWD --dest $GEN --base $BASE --count 20 \
	--offset $OFFSET --threads 1 --max-seconds 30 > /dev/null 2>&1 &
pid=$!
sleep 0.5
ip netns exec gen taskset -c $gen_cpus "$top/t/bench/media_load" --static-offset $OFFSET --fwd $FWD \
	--calls 10 --local $GEN --port-base $BASE --warmup 1 --duration 2 --max-seconds 20 > /dev/null 2>&1
stop $pid

# what the CPUs do with no load at all (timer ticks, the guest's own
# housekeeping), taken out of the figures by the report
busy_over 5 > "$outdir/idle.tsv"
sed 's/^/kbench: idle /' "$outdir/idle.tsv"

# "Timed packets", "Time own ns", "Time send ns" of the module's status
timing() { awk -F': ' '/^(Timed packets|Time own ns|Time send ns):/ { printf "%s ", $2 }' /proc/rtprelay/0/status; }
# static_run CFG N REP: one run of min_forwarder (user) or of bare kernel
# targets (kernel; kernel-timed: with the module's timing parameter on,
# three clock reads per packet, for the split of its time; kernel-pre: the
# rule on the prerouting hook) into CFG.N.REP.tsv.
static_run() {
	local cfg=$1 n=$2 rep=$3 tm0 sampler
	if [ $cfg = user ]; then
		taskset -c 1 "$top/t/bench/min_forwarder" --listen $FWD --dest $GEN --base $BASE \
			--count $((2 * n)) --offset $OFFSET --threads 1 \
			--max-seconds $((dur + 60)) > /tmp/relay.log 2>&1 &
		pid=$!
		sleep 0.5
	else
		[ $cfg = kernel-timed ] && echo 1 > /sys/module/nft_rtprelay/parameters/timing
		tm0=$(timing)
		if [ $cfg = kernel-pre ]; then rule_add prerouting || return 1; else rule_add input || return 1; fi
		"$bin/ktargets" 0 $FWD $GEN $BASE $((2 * n)) $OFFSET > /tmp/relay.log 2>&1 &
		pid=$!
		for _ in $(seq 100); do grep -q ready /tmp/relay.log && break; sleep 0.1; done
	fi
	printf 'kbench: %-6s %4d calls, run %d ... ' $cfg "$n" "$rep"
	# sampled over [warm-up + 0.5 s, warm-up + duration - 0.5 s];
	# KBENCH_PROFILE=1: a perf profile of CPU 1 instead (then the CPU
	# figures include perf's own cost: not for the report's ratios)
	if [ -n "${KBENCH_PROFILE:-}" ]; then
		(sleep 2.5; perf record -q -e cpu-clock -C 1 -g -o /tmp/perf.data -- sleep $((dur - 1)) 2>/dev/null
			perf report -q --stdio --no-children --sort sym -i /tmp/perf.data 2>/dev/null |
			grep -v '^$' | head -150 > "$outdir/profile.$cfg.$n.$rep.txt") > /tmp/cpu.tsv &
	else
		(sleep 2.5; busy_over $((dur - 1))) > /tmp/cpu.tsv &
	fi
	sampler=$!
	timeout -k 5 $((dur + 60)) ip netns exec gen taskset -c $gen_cpus "$top/t/bench/media_load" \
		--static-offset $OFFSET --fwd $FWD --calls "$n" --local $GEN --port-base $BASE \
		--pid "$pid" --warmup 2 --duration "$dur" --max-seconds $((dur + 50)) \
		> "$outdir/$cfg.$n.$rep.tsv" 2> /tmp/load.err
	wait $sampler
	cat /tmp/cpu.tsv >> "$outdir/$cfg.$n.$rep.tsv"
	if [ $cfg = kernel-timed ]; then
		echo 0 > /sys/module/nft_rtprelay/parameters/timing
		echo "$tm0 $(timing)" | awk '{ printf "timed_packets\t%d\ntime_own_ns\t%d\ntime_send_ns\t%d\n", $4 - $1, $5 - $2, $6 - $3 }' \
			>> "$outdir/$cfg.$n.$rep.tsv"
	fi
	stop $pid
	[ $cfg != user ] && nft delete table inet rtprelay
	sed -n 's/^status\t//p' "$outdir/$cfg.$n.$rep.tsv" | tail -1
	sed 's/^/    /' /tmp/relay.log | tail -2
}

# rtprelay itself on CPU 1, its calls set up over ng by the generator as in
# the rtpengine row below: user space only (--table=-1: its io_uring worker)
# and with its kernel path (--table=0: its own nft rule, and a target per
# stream once both sides have sent). Issue 12's target compares these two.
# what our module's table 0 forwarded so far (0 when there is no table 0)
kforwarded() {
	local n
	n=$(awk -F': *' '/^Packets forwarded:/ { print $2 }' /proc/rtprelay/0/status 2>/dev/null)
	echo "${n:-0}"
}
note() { echo "- $*" >> "$outdir/notes.md"; echo "kbench: $*"; }

# ng_row CFG N REP LOG DAEMON ARGS...: one run of a daemon on CPU 1 whose
# calls media_load sets up over ng (port 2223), into CFG.N.REP.tsv; the
# daemon is left running with its PID in $pid for the caller's checks.
ng_row() {
	local cfg=$1 n=$2 rep=$3 log=$4 out
	shift 4
	out=$outdir/$cfg.$n.$rep.tsv
	taskset -c 1 "$@" --foreground --config-file=none --interface=$FWD \
		--listen-ng=$FWD:2223 --port-min=30000 --port-max=39999 \
		--endpoint-learning=immediate --num-threads=1 --delete-delay=0 \
		--log-level=4 --log-stderr > "$log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do ss -lun | grep -q "$FWD:2223" && break; sleep 0.1; done
	# the daemon's own table (--table=0 replaces one left by earlier rows)
	k_start=$(kforwarded)
	printf 'kbench: %-15s %4d calls, run %d ... ' "$cfg" "$n" "$rep"
	(sleep 2.5; busy_over $((dur - 1))) > /tmp/cpu.tsv &
	sampler=$!
	timeout -k 5 $((dur + 60)) ip netns exec gen taskset -c $gen_cpus "$top/t/bench/media_load" \
		--ng $FWD:2223 --calls "$n" --local $GEN --port-base $BASE \
		--pid "$pid" --warmup 2 --duration "$dur" --max-seconds $((dur + 50)) \
		> "$out" 2> /tmp/load.err
	wait $sampler
	cat /tmp/cpu.tsv >> "$out"
	sed -n 's/^status\t//p' "$out" | tail -1
}

# rtprelay_run CFG N REP: rtprelay-user (--table=-1) or rtprelay-kernel
# (--table=0 --no-fallback), one run.
rtprelay_run() {
	local cfg=$1 n=$2 rep=$3 t=-1 extra= k1
	[ "$cfg" = rtprelay-kernel ] && t=0 extra=--no-fallback
	ng_row "$cfg" "$n" "$rep" /tmp/rtprelay.log "$top/daemon/rtprelay" --table=$t $extra
	k1=$(kforwarded) # while the daemon still holds its table
	stop $pid
	note "$cfg N=$n run $rep: the module forwarded $((k1 - k_start)) packets during the run"
	grep -iE 'error|warn|kernel' /tmp/rtprelay.log | head -3 | sed 's/^/    /'
}

# Every row of ours runs $reps times, all of them taking turns (user,
# kernel, ..., rtprelay-kernel, user, kernel, ...), each run into its own
# file CFG.N.REP.tsv: the report takes the median of each figure over the
# runs and shows their spread (one run's figure swung by a third here), and
# a slow spell of the host hits one run of several rows, not every run of
# one. (The rtpengine rows below need its module and come after.)
for n in $calls; do
	for rep in $(seq "$reps"); do
		for cfg in user kernel kernel-timed kernel-pre rtprelay-user rtprelay-kernel; do
			want $cfg || continue
			case $cfg in
			rtprelay-*) rtprelay_run $cfg "$n" "$rep" ;;
			*) static_run $cfg "$n" "$rep" || exit 1 ;;
			esac
		done
	done
done
grep -E '^(Packets forwarded|Send errors|Passed)' /proc/rtprelay/0/status | sed 's/^/kbench: /'
rmmod nft_rtprelay

# The reference row: Debian's rtpengine with its kernel module (built on the
# host by rtpengine-prep.sh), driven by the rtpengine daemon over ng from
# the generator (media_load --ng), on CPU 1 like the others. Our module is
# gone, so its packets meet only its own iptables rule.
rtpe_rows() {
	local ko=$KBENCH_RTPE_DIR/xt_RTPENGINE.ko d n rep targets
	for d in $(modinfo -F depends "$ko" | tr ',' ' '); do modprobe -q "$d"; done
	if ! insmod "$ko" 2> /tmp/rtpe-insmod.err; then
		note "rtpengine row not run: insmod xt_RTPENGINE.ko failed: $(head -1 /tmp/rtpe-insmod.err)"
		return
	fi
	export XTABLES_LIBDIR=$KBENCH_RTPE_DIR/xtables:/usr/lib/x86_64-linux-gnu/xtables
	if ! iptables -I INPUT -p udp -j RTPENGINE --id 0 2> /tmp/rtpe-ipt.err; then
		note "rtpengine row not run: iptables -j RTPENGINE failed: $(head -1 /tmp/rtpe-ipt.err)"
		rmmod xt_RTPENGINE
		return
	fi
	for n in $calls; do
		for rep in $(seq "$reps"); do
			ng_row rtpengine "$n" "$rep" /tmp/rtpe.log rtpengine --table=0 --no-fallback
			targets=$(awk '/^Targets:/ { print $2 }' /proc/rtpengine/0/status 2>/dev/null)
			stop $pid
			note "rtpengine N=$n run $rep: ${targets:-?} kernel targets in its table 0 at the end of the run ($((2 * n)) RTP streams offered)"
			grep -iE 'error|warn|kernel' /tmp/rtpe.log | head -3 | sed 's/^/    /'
		done
	done
	iptables -D INPUT -p udp -j RTPENGINE --id 0
	echo "del 0" > /proc/rtpengine/control 2>/dev/null
	rmmod xt_RTPENGINE 2>/dev/null || echo "kbench: xt_RTPENGINE stays loaded (in use)"
}
if [ -n "${KBENCH_RTPE_DIR:-}" ] && want rtpengine; then
	rtpe_rows
fi
exit 0
