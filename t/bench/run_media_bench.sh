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
# and, for N = 500 and 1000 (MEDIA_SRTP_CALLS), the SRTP conversion rows:
#   rtprelay-srtp2rtp-t1, rtpengine-srtp2rtp-t1
#                    A sends SRTP (SDES AES_CM_128_HMAC_SHA1_80, its own key),
#                    the relay decrypts and hands B plain RTP, and encrypts
#                    B's RTP for A with its own key (offer RTP/SAVP with
#                    "transport-protocol": "RTP/AVP")
#   rtprelay-rtp2srtp-t1, rtpengine-rtp2srtp-t1
#                    the reverse: A plain, B SRTP (offer with
#                    "transport-protocol": "RTP/SAVP", B answers with the
#                    relay's AES_CM_128_HMAC_SHA1_80 tag and its own key)
#   rtprelay-savpf2avp-t1, rtpengine-savpf2avp-t1,
#   rtprelay-avp2savpf-t1, rtpengine-avp2savpf-t1
#                    WebRTC bridging (issue 14): the same two conversions
#                    with the SRTP side RTP/SAVPF + a=rtcp-mux and the plain
#                    side RTP/AVP (media_load --savpf); keys by SDES, the
#                    per-packet work of DTLS-keyed SRTP
#                    media_load --srtp protects and unprotects with libsrtp2;
#                    what fails authentication counts as lost
# one after the other (never two at once: they would share the 2 CPUs).
# Every figure media_load printed for each run, what each relay batches
# (from its own start-up log), and the run's metadata (t/bench/meta.sh) go
# to t/bench/results/media.tsv; t/bench/results.py then rewrites RESULTS.md
# from the raw files there and prints this run's section: the table
# (offered, delivered and relayed packets/s, loss, latency p50/p99 beside
# each row's batching, CPU per packet relayed in the measured window) and
# the verdicts, each judged only between rows that carried the same offered
# load.
#
# media_load is an open loop (it sends at its rate whatever comes back): a
# row's offered load is what it actually sent per second in the window;
# results.py compares rows only when those agree within 2%.
#
# Addresses keep this bench out of everybody else's way on loopback: the
# generator's endpoints are 127.0.0.2:10000.., min_forwarder listens on
# 127.0.0.3, rtprelay on 127.0.0.4 and rtpengine on 127.0.0.5 (ng and media,
# media ports 30000-39999 and 40000-49999).
#
# Each relay is started in the foreground without config file and stopped
# by its PID (TERM, then KILL after 5 s). Bounded: every media_load run is
# capped (--max-seconds, and timeout(1) above that), so the whole bench
# takes about (4 + warm-up + duration) s per run and 21 runs, plus 16 SRTP
# runs with their shorter window, all MEDIA_REPEAT (3) times: ~17 minutes.
#
# Environment: MEDIA_LOAD, MIN_FORWARDER, RTPRELAY, RTPENGINE (binaries),
# MEDIA_CALLS ("500 1000 2000"), MEDIA_DURATION (measured seconds, 5),
# MEDIA_WARMUP (1), RESULTS_DIR (where media.tsv goes, t/bench/results),
# RESULTS_MD (the file results.py writes, t/bench/RESULTS.md),
# PYTHON (python3), MEDIA_ONLY (space-separated config names to run, e.g.
# "fwd-t1 rtpengine-t1"), MEDIA_RTPRELAY_ARGS (more rtprelay arguments, e.g.
# --media-coalesce-us=0), MEDIA_SRTP (1: also the SRTP rows; 0: not),
# MEDIA_SRTP_CALLS ("500 1000"), MEDIA_SRTP_DURATION (their measured
# seconds, 3), MEDIA_REPEAT (3: runs of every row at a call count, all the
# configurations taking turns run by run; the report shows each row's run
# of median CPU per packet and lists every run's), MEDIA_PIN (1: pin the one-thread rows, see below; 0: let
# the scheduler place everything). Arguments go to media_load (e.g.
# --no-raw).
#
# CPU placement. A one-thread row (-t1) runs the relay, all of its
# threads, on the last CPU and the generator on CPU 0 (taskset), the same
# for every relay: otherwise the scheduler now and then puts the two on one
# CPU or moves them, and the relay's CPU per packet swung by a third from
# run to run of the same row (the SRTP rows most: their per-session state
# goes cold on a move). On loopback the sender's CPU does the receiver's
# softirq work, so each side still pays the other's receive path, as
# unpinned. Two-thread rows (-t2) and machines with one CPU are not pinned.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
MEDIA_LOAD=${MEDIA_LOAD:-$here/media_load}
MIN_FORWARDER=${MIN_FORWARDER:-$here/min_forwarder}
RTPRELAY=${RTPRELAY:-$top/daemon/rtprelay}
RTPENGINE=${RTPENGINE:-/usr/bin/rtpengine}
MEDIA_CALLS=${MEDIA_CALLS:-500 1000 2000}
MEDIA_DURATION=${MEDIA_DURATION:-5}
MEDIA_WARMUP=${MEDIA_WARMUP:-1}
MEDIA_ONLY=${MEDIA_ONLY:-}
MEDIA_RTPRELAY_ARGS=${MEDIA_RTPRELAY_ARGS:-}
RESULTS_DIR=${RESULTS_DIR:-$here/results}
RESULTS_MD=${RESULTS_MD:-$here/RESULTS.md}
PYTHON=${PYTHON:-python3}
MEDIA_SRTP=${MEDIA_SRTP:-1}
MEDIA_SRTP_CALLS=${MEDIA_SRTP_CALLS:-500 1000}
MEDIA_SRTP_DURATION=${MEDIA_SRTP_DURATION:-3}
MEDIA_REPEAT=${MEDIA_REPEAT:-3}
MEDIA_PIN=${MEDIA_PIN:-1}
NCPU=$(nproc)
CONFIGS="fwd-t1 fwd-t2 rtprelay-t1 rtprelay-t2 rtprelay-epoll-t1 rtpengine-t1 rtpengine-t2"
SRTP_CONFIGS="rtprelay-srtp2rtp-t1 rtpengine-srtp2rtp-t1 rtprelay-rtp2srtp-t1 rtpengine-rtp2srtp-t1
rtprelay-savpf2avp-t1 rtpengine-savpf2avp-t1 rtprelay-avp2savpf-t1 rtpengine-avp2savpf-t1"

# The configurations run at N calls: the plain ones, then the SRTP ones
# when they are on and N is one of their call counts.
# Every configuration runs MEDIA_REPEAT times, all of them taking turns
# (a slow spell of the host then hits one run of several rows, not every
# run of one): CFG@REP names run REP of CFG.
configs_for() {
	local n=$1 rep c
	for rep in $(seq "$MEDIA_REPEAT"); do
		for c in $CONFIGS; do echo "$c@$rep"; done
		if [ "$MEDIA_SRTP" = 1 ]; then
			case " $MEDIA_SRTP_CALLS " in
			*" $n "*) for c in $SRTP_CONFIGS; do echo "$c@$rep"; done ;;
			esac
		fi
	done
}

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

BENCH_NAME=run_media_bench
# shellcheck source=daemon_run.sh
. "$here/daemon_run.sh"

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

# What CONFIG's relay batches, as its start-up log says (rtpengine says
# nothing: strace -c on it shows one recvmsg and one sendto per packet).
batching() {
	local io
	case $1 in
	fwd-*)
		io=$(sed -n 's/.*media I\/O: //p' "$tmp/$1.log" | head -1)
		echo "${io:-unknown (no start-up line)}"
		;;
	rtprelay-*)
		io=$(sed -n 's/.*media I\/O: //p' "$tmp/$1.log" | head -1)
		case $io in
		io_uring*) echo "io_uring, coalesce $(echo "$io" | sed -n 's/.*coalescing \([0-9]*\) us.*/\1/p') us" ;;
		epoll*) echo "epoll, recvmmsg/sendmmsg up to $(sed -n 's/^#define IO_BATCH \([0-9]*\).*/\1/p' "$top/daemon/media/io_epoll.c")" ;;
		*) echo "unknown (no start-up line)" ;;
		esac
		;;
	rtpengine-*) echo "epoll, recvmsg + sendto per packet" ;;
	esac
}

# run_one CONFIG CALLS: start the relay, drive it, stop it; figures go to
# $tmp/CONFIG.CALLS.tsv as media_load printed them plus notes.
run_one() {
	local run=$1 cfg=${1%@*} n=$2 pid rc bin addr load
	local threads=${cfg##*-t} out="$tmp/$run.$n.tsv"
	local duration=$MEDIA_DURATION
	local -a target extra srtp=() relay_cpu=() gen_cpu=()
	if [ "$MEDIA_PIN" = 1 ] && [ "$threads" = 1 ] && [ "$NCPU" -ge 2 ]; then
		relay_cpu=(taskset -c $((NCPU - 1))) gen_cpu=(taskset -c 0)
	fi
	case " $MEDIA_ONLY " in
	"  ") ;;
	*" $cfg "*) ;;
	*) return ;;
	esac
	case $cfg in
	fwd-*)
		bin=$MIN_FORWARDER addr=$FWD_ADDR
		target=(--static-offset "$FWD_OFFSET" --fwd "$FWD_ADDR")
		"${relay_cpu[@]}" "$bin" --listen "$FWD_ADDR" --dest "$GEN_ADDR" --base "$GEN_BASE" \
			--count $((2 * n)) --offset "$FWD_OFFSET" --threads "$threads" \
			--max-seconds $((MEDIA_DURATION + 120)) > "$tmp/$cfg.log" 2>&1 < /dev/null &
		pid=$!
		;;
	rtprelay-* | rtpengine-*)
		if [ "${cfg#rtprelay}" != "$cfg" ]; then
			bin=$RTPRELAY addr=127.0.0.4
			extra=(--port-min=30000 --port-max=39999 --log-level-core=6 $MEDIA_RTPRELAY_ARGS)
			[ "${cfg%-t*}" = rtprelay-epoll ] && extra+=(--media-io=epoll)
		else
			bin=$RTPENGINE addr=127.0.0.5 extra=(--table=-1 --port-min=40000 --port-max=49999)
		fi
		if [ ! -x "$bin" ]; then
			echo "status	not installed" > "$out"
			return
		fi
		target=(--ng "$addr:$NG_PORT")
		"${relay_cpu[@]}" "$bin" --foreground --log-level=3 --log-stderr --config-file=none \
			--interface="$addr" --listen-ng="$addr:$NG_PORT" --num-threads="$threads" \
			"${extra[@]}" > "$tmp/$cfg.log" 2>&1 < /dev/null &
		pid=$!
		;;
	esac
	daemon_pid=$pid
	case $cfg in
	*-srtp2rtp-*) srtp=(--srtp srtp2rtp) duration=$MEDIA_SRTP_DURATION ;;
	*-rtp2srtp-*) srtp=(--srtp rtp2srtp) duration=$MEDIA_SRTP_DURATION ;;
	*-savpf2avp-*) srtp=(--srtp srtp2rtp --savpf) duration=$MEDIA_SRTP_DURATION ;;
	*-avp2savpf-*) srtp=(--srtp rtp2srtp --savpf) duration=$MEDIA_SRTP_DURATION ;;
	esac
	if [ "${cfg%-t*}" != fwd ] && ! wait_bound "$addr" "$NG_PORT" "$pid"; then
		echo "status	did not start" > "$out"
		echo "run_media_bench: $cfg: did not bind $addr:$NG_PORT; its log:"
		tail -n 10 "$tmp/$cfg.log" | sed 's/^/    /'
		stop_daemon "$pid"
		return
	fi
	[ "${cfg%-t*}" = fwd ] && sleep 0.3
	load=$(cut -d" " -f1 /proc/loadavg)
	printf 'run_media_bench: %-23s %5d calls ... ' "$run" "$n"
	timeout -k 5 $((duration + 90)) "${gen_cpu[@]}" "$MEDIA_LOAD" "${target[@]}" --calls "$n" \
		--local "$GEN_ADDR" --port-base "$GEN_BASE" --pid "$pid" \
		--warmup "$MEDIA_WARMUP" --duration "$duration" "${srtp[@]}" \
		--max-seconds $((duration + 80)) "${load_args[@]}" \
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
	printf 'batching\t%s\n' "$(batching "$cfg")" >> "$out"
	printf 'relay_args\t%s\n' "${extra[*]}" >> "$out"
	printf 'pinning\t%s\n' "${relay_cpu[*]:+relay on CPU ${relay_cpu[2]}, generator on CPU 0}" >> "$out"
	printf 'relay_log_lines\t%s\n' "$(wc -l < "$tmp/$cfg.log")" >> "$out"
	sed -n 's/^status\t//p' "$out" | tail -1
	if grep -q '^status	setup-failed' "$out"; then
		sed 's/^/    /' "$tmp/$cfg.$n.err" | tail -n 3
	fi
}

load_args=("$@")
echo "run_media_bench: $(sed -n 's/^meta\tdate\t//p' "$tmp/meta.tsv"), load average $(sed -n 's/^meta\tloadavg\t//p' "$tmp/meta.tsv")"
{
	printf 'meta\tmedia_warmup_s\t%s\n' "$MEDIA_WARMUP"
	printf 'meta\tmedia_duration_s\t%s\n' "$MEDIA_DURATION"
	printf 'meta\tmedia_load_args\t%s\n' "$*"
	printf 'meta\tmedia_srtp\t%s\n' "$MEDIA_SRTP"
	printf 'meta\tmedia_srtp_calls\t%s\n' "$MEDIA_SRTP_CALLS"
	printf 'meta\tmedia_srtp_duration_s\t%s\n' "$MEDIA_SRTP_DURATION"
	printf 'meta\tmedia_pin\t%s\n' "$MEDIA_PIN"
	printf 'meta\tmedia_repeat\t%s\n' "$MEDIA_REPEAT"
} >> "$tmp/meta.tsv"
for n in $MEDIA_CALLS; do
	for cfg in $(configs_for "$n"); do
		run_one "$cfg" "$n"
	done
done
echo

# The raw file: the metadata, then every line of every run, prefixed with
# its call count and configuration; results.py renders it.
mkdir -p "$RESULTS_DIR"
{
	cat "$tmp/meta.tsv"
	for n in $MEDIA_CALLS; do
		for cfg in $(configs_for "$n"); do
			f="$tmp/$cfg.$n.tsv"
			if [ -f "$f" ]; then
				sed "s/^/cell\t$n\t$cfg\t/" "$f"
			fi
		done
	done
} > "$RESULTS_DIR/media.tsv.new" && mv "$RESULTS_DIR/media.tsv.new" "$RESULTS_DIR/media.tsv"
echo "run_media_bench: wrote $RESULTS_DIR/media.tsv"
"$PYTHON" "$here/results.py" --results "$RESULTS_DIR" --out "$RESULTS_MD" --print media
exit 0
