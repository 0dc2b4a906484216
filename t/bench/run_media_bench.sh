#!/bin/bash
# Media benchmark driver: for N = 500, 1000, 2000 calls, streams RTP both
# ways at 50 packets/s per direction (172-byte packets) through
#   fwd-t1, fwd-t2   min_forwarder (static mapping, bare recvmmsg/sendmmsg
#                    loop, 1 and 2 threads): the ceiling of user-space
#                    forwarding on this machine
#   rtprelay-t1/t2   daemon/rtprelay --num-threads=1 / 2 (io_uring backend)
#   rtprelay-epoll-t1  daemon/rtprelay --num-threads=1 --media-io=epoll (the
#                    fallback backend, for comparison)
#   rtpengine-t1/t2  Debian's rtpengine --table=-1 --num-threads=1 / 2
#                    (when installed)
# one after the other (never two at once: they would share the 2 CPUs), and
# prints one table: offered and delivered packets/s, loss, latency p50/p99,
# the relay's CPU (% of one CPU, and microseconds per delivered packet), the
# load generator's own CPU, how busy the whole machine was, and the CPU per
# packet as ratios against fwd-t1 and against rtpengine with as many threads;
# then the issue's targets, judged from the same run.
#
# Addresses keep this bench out of everybody else's way on loopback: the
# generator's endpoints are 127.0.0.2:10000.., min_forwarder listens on
# 127.0.0.3, rtprelay on 127.0.0.4 and rtpengine on 127.0.0.5 (ng and media,
# media ports 30000-39999 and 40000-49999).
#
# Each relay is started in the foreground without config file and stopped
# by its PID (TERM, then KILL after 5 s). Bounded: every media_load run is
# capped (--max-seconds, and timeout(1) above that), so the whole bench
# takes about (3 + duration) s per run and 18 runs: ~5 minutes by default.
#
# Environment: MEDIA_LOAD, MIN_FORWARDER, RTPRELAY, RTPENGINE (binaries),
# MEDIA_CALLS ("500 1000 2000"), MEDIA_DURATION (measured seconds, 10),
# MEDIA_WARMUP (2), MEDIA_ONLY (space-separated config names to run, e.g.
# "fwd-t1 rtpengine-t1"), MEDIA_RTPRELAY_ARGS (more rtprelay arguments, e.g.
# --media-coalesce-us=0). Arguments go to media_load (e.g. --no-raw).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
MEDIA_LOAD=${MEDIA_LOAD:-$here/media_load}
MIN_FORWARDER=${MIN_FORWARDER:-$here/min_forwarder}
RTPRELAY=${RTPRELAY:-$top/daemon/rtprelay}
RTPENGINE=${RTPENGINE:-/usr/bin/rtpengine}
MEDIA_CALLS=${MEDIA_CALLS:-500 1000 2000}
MEDIA_DURATION=${MEDIA_DURATION:-10}
MEDIA_WARMUP=${MEDIA_WARMUP:-2}
MEDIA_ONLY=${MEDIA_ONLY:-}
MEDIA_RTPRELAY_ARGS=${MEDIA_RTPRELAY_ARGS:-}
CONFIGS="fwd-t1 fwd-t2 rtprelay-t1 rtprelay-t2 rtprelay-epoll-t1 rtpengine-t1 rtpengine-t2"

GEN_ADDR=127.0.0.2
GEN_BASE=10000
FWD_ADDR=127.0.0.3
FWD_OFFSET=10000
NG_PORT=22230

for b in "$MEDIA_LOAD" "$MIN_FORWARDER"; do
	if [ ! -x "$b" ]; then
		echo "run_media_bench: $b not built (make -C t/bench build)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d /tmp/media_bench.XXXXXX)
daemon_pid=
cleanup() {
	if [ -n "$daemon_pid" ]; then
		stop_daemon "$daemon_pid"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stop one process we started: TERM, up to 5 s, then KILL.
stop_daemon() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || { daemon_pid=; return 0; }
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "run_media_bench: pid $pid ignored SIGTERM for 5 s, killing" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	daemon_pid=
}

# Wait (up to 5 s) until ADDR:PORT has a UDP socket bound; 0 when it has.
wait_bound() {
	local addr=$1 port=$2 pid=$3 i
	for i in $(seq 50); do
		ss -Huln "src $addr and sport = :$port" 2>/dev/null | grep -q . && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# 2000 calls: 4000 generator sockets, and 8000 in a relay (RTP + RTCP).
ulimit -n "$(ulimit -Hn)" 2>/dev/null

# run_one CONFIG CALLS: start the relay, drive it, stop it; figures go to
# $tmp/CONFIG.CALLS.tsv as media_load printed them plus notes.
run_one() {
	local cfg=$1 n=$2 threads=${1##*-t} out="$tmp/$1.$2.tsv" pid rc bin addr load
	local -a target extra
	case " $MEDIA_ONLY " in
	"  ") ;;
	*" $cfg "*) ;;
	*) return ;;
	esac
	case $cfg in
	fwd-*)
		bin=$MIN_FORWARDER addr=$FWD_ADDR
		target=(--static-offset "$FWD_OFFSET" --fwd "$FWD_ADDR")
		"$bin" --listen "$FWD_ADDR" --dest "$GEN_ADDR" --base "$GEN_BASE" \
			--count $((2 * n)) --offset "$FWD_OFFSET" --threads "$threads" \
			--max-seconds $((MEDIA_DURATION + 120)) > "$tmp/$cfg.log" 2>&1 < /dev/null &
		pid=$!
		;;
	rtprelay-* | rtpengine-*)
		if [ "${cfg#rtprelay}" != "$cfg" ]; then
			bin=$RTPRELAY addr=127.0.0.4 extra=(--port-min=30000 --port-max=39999 $MEDIA_RTPRELAY_ARGS)
			[ "${cfg%-t*}" = rtprelay-epoll ] && extra+=(--media-io=epoll)
		else
			bin=$RTPENGINE addr=127.0.0.5 extra=(--table=-1 --port-min=40000 --port-max=49999)
		fi
		if [ ! -x "$bin" ]; then
			echo "status	not installed" > "$out"
			return
		fi
		target=(--ng "$addr:$NG_PORT")
		"$bin" --foreground --log-level=3 --log-stderr --config-file=none \
			--interface="$addr" --listen-ng="$addr:$NG_PORT" --num-threads="$threads" \
			"${extra[@]}" > "$tmp/$cfg.log" 2>&1 < /dev/null &
		pid=$!
		;;
	esac
	daemon_pid=$pid
	if [ "${cfg%-t*}" != fwd ] && ! wait_bound "$addr" "$NG_PORT" "$pid"; then
		echo "status	did not start" > "$out"
		echo "run_media_bench: $cfg: did not bind $addr:$NG_PORT; its log:"
		tail -n 10 "$tmp/$cfg.log" | sed 's/^/    /'
		stop_daemon "$pid"
		return
	fi
	[ "${cfg%-t*}" = fwd ] && sleep 0.3
	load=$(cut -d" " -f1 /proc/loadavg)
	printf 'run_media_bench: %-12s %5d calls ... ' "$cfg" "$n"
	timeout -k 5 $((MEDIA_DURATION + 90)) "$MEDIA_LOAD" "${target[@]}" --calls "$n" \
		--local "$GEN_ADDR" --port-base "$GEN_BASE" --pid "$pid" \
		--warmup "$MEDIA_WARMUP" --duration "$MEDIA_DURATION" \
		--max-seconds $((MEDIA_DURATION + 80)) "${load_args[@]}" \
		> "$out" 2> "$tmp/$cfg.$n.err"
	rc=$?
	echo "load	$load" >> "$out"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "status	killed" >> "$out"
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "status	relay exited" >> "$out"
		echo "(relay exited; its log:)"
		tail -n 10 "$tmp/$cfg.log" | sed 's/^/    /'
	fi
	stop_daemon "$pid"
	sed -n 's/^status\t//p' "$out" | tail -1
	if grep -q '^status	setup-failed' "$out"; then
		sed 's/^/    /' "$tmp/$cfg.$n.err" | tail -n 3
	fi
}

load_args=("$@")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "media benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n)"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "per call 2 streams x 50 pps x 172 bytes; ${MEDIA_WARMUP}s warm-up, ${MEDIA_DURATION}s measured, then drain until 200 ms quiet (0.5..3 s)"
echo
for n in $MEDIA_CALLS; do
	for cfg in $CONFIGS; do
		run_one "$cfg" "$n"
	done
done
echo

# The table, one block per call count, then the targets.
for n in $MEDIA_CALLS; do
	for cfg in $CONFIGS; do
		f="$tmp/$cfg.$n.tsv"
		[ -f "$f" ] && awk -F '\t' -v cfg="$cfg" -v n="$n" '{ print n "\t" cfg "\t" $1 "\t" $2 }' "$f"
	done
done | awk -F '\t' '
	function v(n, c, k) { return ((n, c, k) in val) ? val[n, c, k] : "" }
	function num(x) { return x ~ /^-?[0-9.]+$/ }
	function ratio(a, b) { return (num(a) && num(b) && b + 0 > 0) ? sprintf("%.2f", a / b) : "-" }
	function show(x) { return x == "" ? "-" : x }
	{
		if (!($1 in seen_n)) { seen_n[$1] = 1; ns[++nn] = $1 }
		if (!($2 in seen_c)) { seen_c[$2] = 1; cs[++nc] = $2 }
		val[$1, $2, $3] = $4
	}
	END {
		fmt = "%-6s %-17s %9s %9s %7s %7s %7s %6s %7s %6s %5s %6s %6s  %s\n"
		printf fmt, "calls", "relay", "offer/s", "deliv/s", "loss%", "p50us", "p99us",
			"CPU%", "us/pkt", "genCPU", "busy", "xfwd1", "xrtpe", "status"
		for (i = 1; i <= nn; i++) {
			n = ns[i]
			for (j = 1; j <= nc; j++) {
				c = cs[j]
				st = v(n, c, "status")
				if (st == "") continue
				t = c; sub(/^.*-t/, "", t)
				note = st
				if (c ~ /^rtprelay/ && st == "no-media")
					note = "100% loss: packet path not implemented?"
				else if (st == "ok" && v(n, c, "loss_pct") + 0 >= 99.9)
					note = "ok, but ~100% loss"
				if (v(n, c, "sender_late_1ms_pct") + 0 > 5)
					note = note sprintf(" (generator late >1ms for %s%% of packets)", v(n, c, "sender_late_1ms_pct"))
				up = v(n, c, "daemon_us_per_pkt")
				printf fmt, n, c, show(v(n, c, "offered_pps")), show(v(n, c, "delivered_pps")),
					show(v(n, c, "loss_pct")), show(v(n, c, "lat_p50_us")), show(v(n, c, "lat_p99_us")),
					show(v(n, c, "daemon_cpu_pct")), show(up), show(v(n, c, "gen_cpu_pct")),
					show(v(n, c, "machine_busy_cpus")),
					c ~ /^fwd-t1$/ ? "-" : ratio(up, v(n, "fwd-t1", "daemon_us_per_pkt")),
					c ~ /^rtpengine/ ? "-" : ratio(up, v(n, "rtpengine-t" t, "daemon_us_per_pkt")),
					note
			}
			printf "%6s 1-min load average before each run (other work on the machine skews figures):", ""
			for (j = 1; j <= nc; j++)
				if (v(n, cs[j], "load") != "") printf " %s", v(n, cs[j], "load")
			printf "\n\n"
		}
		print "columns: CPU% = relay CPU (user+sys from /proc/PID/stat) in % of one CPU; us/pkt = relay"
		print "CPU microseconds per delivered packet; genCPU = media_load own CPU %; busy = CPUs busy"
		print "machine-wide (/proc/stat); xfwd1 / xrtpe = us/pkt over fwd-t1 / rtpengine with as many threads."
		print ""
		# The issue targets, judged per call count from this run.
		for (i = 1; i <= nn; i++) {
			n = ns[i]
			for (t = 1; t <= 2; t++) {
				r = "rtprelay-t" t; e = "rtpengine-t" t
				if (v(n, r, "status") != "ok") {
					printf "N=%-5s %s: no figures (%s): targets not judged\n", n, r, show(v(n, r, "status"))
					continue
				}
				a = ratio(v(n, r, "daemon_us_per_pkt"), v(n, "fwd-t1", "daemon_us_per_pkt"))
				printf "N=%-5s %s CPU/pkt vs fwd-t1:    %5s  (target <= 1.2) %s\n", n, r, a,
					a == "-" ? "n/a" : (a + 0 <= 1.2 ? "met" : "MISSED")
				b = ratio(v(n, r, "daemon_us_per_pkt"), v(n, e, "daemon_us_per_pkt"))
				printf "N=%-5s %s CPU/pkt vs %s: %5s  (target <= 0.6) %s\n", n, r, e, b,
					b == "-" ? "n/a" : (b + 0 <= 0.6 ? "met" : "MISSED")
				if (v(n, e, "status") == "ok" && v(n, e, "loss_pct") + 0 == 0)
					printf "N=%-5s %s loss %s%% where %s lost none: %s\n", n, r,
						v(n, r, "loss_pct"), e, v(n, r, "loss_pct") + 0 == 0 ? "met" : "MISSED"
			}
			d1 = v(n, "rtprelay-t1", "delivered_pps"); d2 = v(n, "rtprelay-t2", "delivered_pps")
			if (v(n, "rtprelay-t1", "status") == "ok" && v(n, "rtprelay-t2", "status") == "ok") {
				if (v(n, "rtprelay-t1", "loss_pct") + 0 == 0 && v(n, "rtprelay-t2", "loss_pct") + 0 == 0)
					printf "N=%-5s 2 threads vs 1: both delivered everything offered (%s vs %s pkt/s): not saturated, n/a\n", n, d2, d1
				else
					printf "N=%-5s 2 threads vs 1: %s vs %s pkt/s: %s\n", n, d2, d1,
						(d2 + 0 > d1 + 0) ? "met" : "MISSED"
			}
		}
	}'
exit 0
