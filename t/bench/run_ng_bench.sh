#!/bin/bash
# Control-plane benchmark driver: runs ng_bench against rtprelay and, when
# installed, Debian's rtpengine, one after the other in the same run (never
# both at once: they would share the media port range and the 2 CPUs), and
# prints one table: metric, rtprelay, rtpengine, ratio (rtprelay/rtpengine).
#
# Each daemon is started on loopback with its own ng port, in the
# foreground, without config file, and stopped by its PID. Bounded: each
# daemon's bench is killed after BENCH_TIMEOUT seconds, ng_bench itself caps
# its run at --max-seconds.
#
# Environment: NG_BENCH (the ng_bench binary), RTPRELAY (daemon/rtprelay),
# RTPENGINE (/usr/bin/rtpengine), BENCH_TIMEOUT (default 300), BENCH_ONLY
# (rtprelay or rtpengine: run just that one). Arguments go to ng_bench
# (e.g. --seq 2000 --inflight 5000).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
NG_BENCH=${NG_BENCH:-$here/ng_bench}
RTPRELAY=${RTPRELAY:-$top/daemon/rtprelay}
RTPENGINE=${RTPENGINE:-/usr/bin/rtpengine}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_ONLY=${BENCH_ONLY:-}
PORT_MIN=20000
PORT_MAX=65000
MEM_A=1000
MEM_WANT=10000

if [ ! -x "$NG_BENCH" ]; then
	echo "run_ng_bench: $NG_BENCH not built (make -C t/bench build)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/ng_bench.XXXXXX)
daemon_pid=
cleanup() {
	if [ -n "$daemon_pid" ]; then
		stop_daemon "$daemon_pid"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stop one daemon we started: TERM, up to 5 s, then KILL.
stop_daemon() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "run_ng_bench: pid $pid ignored SIGTERM for 5 s, killing" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	daemon_pid=
}

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

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "ng control-plane benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n)"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
rp_ver=$(cd "$top" && git describe --always --dirty 2>/dev/null || echo unknown)
re_ver=$("$RTPENGINE" --version 2>&1 | sed -n 's/^Version: //p' | head -1)
echo "versions: rtprelay ${rp_ver}, rtpengine ${re_ver:-not installed}"
echo "daemons: --interface=127.0.0.1 --port-min=$PORT_MIN --port-max=$PORT_MAX --log-level=3 (rtpengine also --table=-1)"
echo "cycle = offer + answer + delete (delete delay 0), one UDP socket, G.711+telephone-event SDP"
nosock=()
if [ "$mem_b" -lt "$MEM_WANT" ]; then
	echo "note: open-files limit is $nofile (hard) and each idle call needs 4 sockets:"
	echo "      memory per idle call measured at $MEM_A and $mem_b calls, and at $MEM_A and"
	echo "      $MEM_WANT calls whose media is rejected (m= port 0: no sockets, same call state)"
	nosock=(--mem-calls-nosock "$MEM_A,$MEM_WANT")
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
	echo "note	load average (1/5/15 min) before its run: $load" >> "$tmp/$name.tsv"
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

# The table: rows in the order ng_bench printed them, rtprelay's first.
awk -F '\t' '
	function num(v) { return v ~ /^-?[0-9.]+$/ }
	FNR == 1 { f++ }
	$1 == "row" {
		if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2; better[$2] = $4 }
		val[f, $2] = $3
	}
	$1 == "status" { status[f] = $2 }
	$1 == "note" { notes[f] = notes[f] "    " $2 "\n" }
	END {
		fmt = "%-46s %10s %10s %7s  %s\n"
		printf fmt, "metric", "rtprelay", "rtpengine", "ratio", "(ratio = rtprelay/rtpengine)"
		printf fmt, "------", "--------", "---------", "-----", ""
		for (i = 1; i <= n; i++) {
			k = order[i]
			a = ((1, k) in val) ? val[1, k] : "-"
			b = ((2, k) in val) ? val[2, k] : "-"
			r = "-"
			if (num(a) && num(b) && b + 0 != 0)
				r = sprintf("%.2f", a / b)
			hint = better[k] == "info" ? "" : better[k] " is better"
			printf fmt, k, a, b, r, hint
			ratio[k] = r
		}
		print ""
		split("rtprelay rtpengine", names, " ")
		for (j = 1; j <= 2; j++) {
			printf "%s: %s\n", names[j], (j in status) ? status[j] : "no result"
			if (j in notes) printf "%s", notes[j]
		}
		# The issue target: at least 2x the cycles/s, with a lower p99.
		if (status[1] == "ok" && status[2] == "ok") {
			met = 1
			for (i = 1; i <= n; i++) {
				k = order[i]
				if (k ~ /cycles\/s$/ && !(ratio[k] >= 2)) { met = 0; why = why " " k " ratio " ratio[k] " < 2;" }
				if (k ~ /cycle p99/ && !(ratio[k] < 1)) { met = 0; why = why " " k " ratio " ratio[k] " >= 1;" }
			}
			print ""
			if (met) print "target (>= 2x cycles/s, lower cycle p99): met"
			else print "target (>= 2x cycles/s, lower cycle p99): MISSED:" why
		}
	}' "$tmp/rtprelay.tsv" "$tmp/rtpengine.tsv"
exit 0
