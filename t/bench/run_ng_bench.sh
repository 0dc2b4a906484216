#!/bin/bash
# Control-plane benchmark driver: runs ng_bench against rtprelay and, when
# installed, Debian's rtpengine, one after the other in the same run (never
# both at once: they would share the media port range and the 2 CPUs), and
# writes what they measured, with the run's metadata (t/bench/meta.sh), to
# t/bench/results/ng.tsv; t/bench/results.py then rewrites RESULTS.md from
# the raw files there and prints this run's section (table and verdicts).
#
# The throughput phases are closed loops (the next cycle starts when one
# completes): their offered load is the concurrency and the cycles asked,
# and cycles/s is what the daemon sustains at it; results.py compares the
# two daemons only at equal concurrency and completed cycles (2%).
#
# Each daemon is started on loopback with its own ng port, in the
# foreground, without config file, and stopped by its PID. Bounded: each
# daemon's bench is killed after BENCH_TIMEOUT seconds, ng_bench itself caps
# its run at --max-seconds.
#
# Environment: NG_BENCH (the ng_bench binary), RTPRELAY (daemon/rtprelay),
# RTPENGINE (/usr/bin/rtpengine), BENCH_TIMEOUT (default 300), BENCH_ONLY
# (rtprelay or rtpengine: run just that one), RESULTS_DIR (where ng.tsv
# goes, default t/bench/results), RESULTS_MD (the file results.py writes,
# default t/bench/RESULTS.md), PYTHON (python3). Arguments go to ng_bench
# (e.g. --seq 2000 --inflight 5000).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
NG_BENCH=${NG_BENCH:-$here/ng_bench}
RTPRELAY=${RTPRELAY:-$top/daemon/rtprelay}
RTPENGINE=${RTPENGINE:-/usr/bin/rtpengine}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_ONLY=${BENCH_ONLY:-}
RESULTS_DIR=${RESULTS_DIR:-$here/results}
RESULTS_MD=${RESULTS_MD:-$here/RESULTS.md}
PYTHON=${PYTHON:-python3}
PORT_MIN=20000
PORT_MAX=65000
MEM_A=1000
MEM_WANT=10000

if [ ! -x "$NG_BENCH" ]; then
	echo "run_ng_bench: $NG_BENCH not built (make -C t/bench build)" >&2
	exit 1
fi

BENCH_NAME=run_ng_bench
# shellcheck source=daemon_run.sh
. "$here/daemon_run.sh"

# A free UDP port on 127.0.0.1 below the media range, different per run.
free_ng_port() {
	local p=$((12000 + ($$ * 7 + $1 * 13) % 6000)) i
	for i in $(seq 200); do
		if ! ss -Huln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
		p=$((p + 1))
	done
	echo "$p"
}

# Every idle call holds 4 UDP sockets (RTP + RTCP on each side), each an
# open file in the daemon; the port range holds 45,001 ports, so file
# descriptors are what limits the count. Raise the soft limit to the hard one
# and measure at the largest multiple of 1,000 calls that fits (keeping 1,000
# descriptors for the daemon itself), at most 10,000.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
nofile=$(ulimit -n)
if [ "$nofile" = unlimited ] || [ "$nofile" -ge $((MEM_WANT * 4 + 1000)) ]; then
	mem_b=$MEM_WANT
else
	mem_b=$(( (nofile - 1000) / 4 / 1000 * 1000 ))
	[ "$mem_b" -lt "$MEM_A" ] && mem_b=$MEM_A
fi

echo "run_ng_bench: $(sed -n 's/^meta\tdate\t//p' "$tmp/meta.tsv"), load average $(sed -n 's/^meta\tloadavg\t//p' "$tmp/meta.tsv")"
{
	printf 'meta\tng_daemon_args\t%s\n' "--interface=127.0.0.1 --port-min=$PORT_MIN --port-max=$PORT_MAX --log-level=3 (rtpengine also --table=-1)"
	printf 'meta\tng_cycle\t%s\n' "offer + answer + delete (delete delay 0), one UDP socket, G.711+telephone-event SDP"
	printf 'meta\tng_bench_args\t%s\n' "$*"
	printf 'meta\tnofile\t%s\n' "$nofile"
} >> "$tmp/meta.tsv"
nosock=()
if [ "$mem_b" -lt "$MEM_WANT" ]; then
	echo "run_ng_bench: open files limited to $nofile: idle calls with media measured up to $mem_b"
	nosock=(--mem-calls-nosock "$MEM_A,$MEM_WANT")
	printf 'meta\tng_mem_note\t%s\n' "the open-files limit ($nofile) leaves room for $mem_b idle calls with media (4 sockets each); $MEM_WANT idle calls are measured with media rejected (m= port 0: same call state, no sockets)" >> "$tmp/meta.tsv"
fi
echo

# Whether our child pid still runs (a zombie does not: kill -0 would say yes).
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

show_log() {
	if [ -s "$1" ]; then
		tail -n 20 "$1" | sed 's/^/    /'
	else
		echo "    (empty)"
	fi
}

# run_one NAME BINARY EXTRA-ARGS... : start, bench into $tmp/NAME.tsv, stop.
run_one() {
	local name=$1 bin=$2 port pid rc
	shift 2
	if [ -n "$BENCH_ONLY" ] && [ "$BENCH_ONLY" != "$name" ]; then
		echo "status	skipped (BENCH_ONLY=$BENCH_ONLY)" > "$tmp/$name.tsv"
		return
	fi
	if [ ! -x "$bin" ]; then
		echo "run_ng_bench: $name: $bin not found, skipped"
		echo "status	skipped (not installed/built)" > "$tmp/$name.tsv"
		return
	fi
	port=$(free_ng_port ${#name})
	echo "run_ng_bench: $name: $bin on 127.0.0.1:$port"
	"$bin" --foreground --log-level=3 --log-stderr --config-file=none \
		--interface=127.0.0.1 --listen-ng=127.0.0.1:"$port" \
		--port-min=$PORT_MIN --port-max=$PORT_MAX "$@" \
		> "$tmp/$name.log" 2>&1 < /dev/null &
	pid=$!
	daemon_pid=$pid
	# other work on the machine skews every figure: record how busy it was
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	timeout -k 5 "$BENCH_TIMEOUT" "$NG_BENCH" --ng 127.0.0.1:"$port" --pid "$pid" \
		--mem-calls "$MEM_A,$mem_b" "${nosock[@]}" --max-seconds $((BENCH_TIMEOUT - 30)) \
		"${bench_args[@]}" > "$tmp/$name.tsv"
	rc=$?
	echo "loadavg	$load" >> "$tmp/$name.tsv"
	if ! alive "$pid"; then
		echo "run_ng_bench: $name: daemon exited during the run; its log:"
		show_log "$tmp/$name.log"
		grep -q '^status	ok' "$tmp/$name.tsv" || echo "status	daemon exited" >> "$tmp/$name.tsv"
	elif grep -q '^status	no-daemon' "$tmp/$name.tsv"; then
		echo "run_ng_bench: $name: never answered ping on 127.0.0.1:$port; its log:"
		show_log "$tmp/$name.log"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "status	killed after ${BENCH_TIMEOUT}s" >> "$tmp/$name.tsv"
	fi
	stop_daemon "$pid"
}

bench_args=("$@")
run_one rtprelay "$RTPRELAY"
run_one rtpengine "$RTPENGINE" --table=-1
echo

# The raw file: the metadata, then every line each daemon's run printed,
# prefixed with the daemon's name; results.py renders it.
mkdir -p "$RESULTS_DIR"
{
	cat "$tmp/meta.tsv"
	for name in rtprelay rtpengine; do
		sed "s/^/$name\t/" "$tmp/$name.tsv"
	done
} > "$RESULTS_DIR/ng.tsv.new" && mv "$RESULTS_DIR/ng.tsv.new" "$RESULTS_DIR/ng.tsv"
echo "run_ng_bench: wrote $RESULTS_DIR/ng.tsv"
"$PYTHON" "$here/results.py" --results "$RESULTS_DIR" --out "$RESULTS_MD" --print ng
