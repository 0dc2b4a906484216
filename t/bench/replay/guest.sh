#!/bin/bash
# Runs INSIDE the qemu guest (t/bench/replay/run.sh boots it): loads
# nft_rtprelay, starts `rtprelay --table=0` as in production (the pool
# kernel-backed, shards of REPLAY_SHARD_KIB (default 1024, the daemon's), the 1 s reclaim timer, the
# default delete-delay of 30 s and endpoint learning), and runs driver.py
# over the ng socket for REPLAY_LOAD_S + REPLAY_OBSERVE_S. Then stops the
# daemon and records whether every pin and target went with it. Writes into
# $REPLAY_OUT (a host directory made writable in the guest): samples.tsv,
# summary.tsv (driver) and setup.tsv, after.tsv (this script).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${REPLAY_OUT:?}
status=/proc/rtprelay/0/status
field() { sed -n "s/^$1: //p" "$status"; }

modprobe nf_tables
insmod "$KMQ_KO_DIR/nft_rtprelay.ko" || { echo "replay: insmod failed"; exit 1; }
# a socket per port: up to ~40000 ports
ulimit -n 100000
opts=(--config-file=none --interface=127.0.0.1 --listen-ng=127.0.0.1:2223
	--port-min=20000 --port-max=59999 --table=0 --foreground --log-stderr --log-level=5
	--shared-memory-shard-size="${REPLAY_SHARD_KIB:-1024}")
start_daemon() {
	"$top/daemon/rtprelay" "${opts[@]}" > /tmp/daemon.log 2>&1 &
	dpid=$!
	for _ in $(seq 1 300); do
		grep -q ' ready: ' /tmp/daemon.log && break
		kill -0 $dpid 2>/dev/null || break
		sleep 0.1
	done
	grep -q ' ready: ' /tmp/daemon.log || { echo "replay: daemon did not start"; cat /tmp/daemon.log; exit 1; }
}

# The rate probe (REPLAY_PROBE_RATES, calls/s): the same trace generator
# and seed at higher rates for REPLAY_PROBE_S each, a fresh daemon each,
# for the ng latency the daemon gives under TCG at those rates.
rm -f "$out/probe.tsv"
for r in ${REPLAY_PROBE_RATES:-}; do
	start_daemon
	mkdir -p /tmp/probe-$r
	"$REPLAY_TRACE" schedule -r "$r" -L "${REPLAY_PROBE_S:-60}" $REPLAY_TRACE_ARGS > /tmp/probe-$r/schedule.txt
	timeout 600 python3 "$here/driver.py" 127.0.0.1:2223 /tmp/probe-$r/schedule.txt /tmp/probe-$r \
		"${REPLAY_PROBE_S:-60}" 0 --census 1000 > /dev/null 2>&1
	kill -TERM $dpid; wait $dpid
	awk -v r="$r" -F'\t' '{ v[$1] = $2 } END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r, v["calls"],
		v["ng_requests"], v["ng_p50_ms"], v["ng_p99_ms"], v["ng_max_ms"], v["lag_max_ms"], v["ng_errors"] }' \
		/tmp/probe-$r/summary.tsv >> "$out/probe.tsv"
	echo "replay: probe $r calls/s: $(tail -1 "$out/probe.tsv")"
done
start_daemon
{
	printf 'guest_kernel\t%s\nguest_cpus\t%s\nguest_mem\t%s\n' "$(uname -r)" "$(nproc)" \
		"$(awk '/^MemTotal:/ { printf "%.0f MiB", $2 / 1024 }' /proc/meminfo)"
	printf 'daemon_version\t%s\n' "$("$top/daemon/rtprelay" --version | sed -n 's/^Version: //p' | head -1)"
	printf 'daemon_options\t%s\n' "${opts[*]}"
	printf 'kernel_line\t%s\n' "$(grep -o 'kernel forwarding on.*' /tmp/daemon.log | head -1)"
} > "$out/setup.tsv"

echo "replay: daemon up, driver for ${REPLAY_LOAD_S} + ${REPLAY_OBSERVE_S} s"
python3 "$here/driver.py" 127.0.0.1:2223 "$out/schedule.txt" "$out" "$REPLAY_LOAD_S" \
	"$REPLAY_OBSERVE_S" --sample "${REPLAY_SAMPLE_S:-5}" > /tmp/driver.log 2>&1
drc=$?
cat /tmp/driver.log
kill -0 $dpid 2>/dev/null && alive=yes || alive=no
kill -TERM $dpid 2>/dev/null
wait $dpid
drc_daemon=$?
{
	printf 'driver_exit\t%s\n' "$drc"
	printf 'daemon_alive_at_end\t%s\n' "$alive"
	printf 'daemon_exit\t%s\n' "$drc_daemon"
	printf 'after_stop_pins\t%s\n' "$(field 'Memory pins')"
	printf 'after_stop_memory\t%s\n' "$(field Memory)"
	printf 'after_stop_targets\t%s\n' "$(field Targets)"
	printf 'daemon_warnings\t%s\n' "$(grep -cE '\[(WARNING|ERR|CRIT|ALERT)' /tmp/daemon.log)"
	printf 'dmesg_warnings\t%s\n' "$(dmesg | grep -cE 'WARNING|BUG|Oops')"
} > "$out/after.tsv"
grep -E '\[(WARNING|ERR|CRIT|ALERT)' /tmp/daemon.log | head -20 > "$out/daemon-warnings.txt"
cat "$out/after.tsv"
rmmod nft_rtprelay
exit "$drc"
