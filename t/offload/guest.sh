#!/bin/bash
# Runs INSIDE the qemu guest (t/offload/run.sh boots it). Scenarios, in
# order: module absent (user space with one log line; --no-fallback
# refuses); module loaded: the one-shot --nftables-* modes; the daemon with
# --table=0 (rules, pinned shard, ng offer/answer/delete, barrier, clean
# shutdown, long calls' counters moved out of sparse shards); injected pin
# failures; media through kernel targets (offload_media.py). Prints
# "N passed, N failed".
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rp=$top/daemon/rtprelay
ngc=$top/utils/rtprelay-ng-client
ko=$KMQ_KO_DIR/nft_rtprelay.ko
status=/proc/rtprelay/0/status
work=/tmp/offload
mkdir -p "$work"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: '$2' (want '$3')"; fi; }
ge() { if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1: $2 (>= $3)"; else bad "$1: '$2' (want >= $3)"; fi; }
t0=$(date +%s.%N)
el() { awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}"; }

# Options every run shares: loopback, a small port range, frees at once.
common=(--config-file=none --interface=127.0.0.1 --listen-ng=127.0.0.1:2223
	--port-min=30000 --port-max=39999 --delete-delay=0 --num-threads=1
	--foreground --log-stderr --log-level=7)
dpid=
start_daemon() { # LOG [OPTION...]: 0 once it logged "ready"
	local log=$1 i
	shift
	"$rp" "${common[@]}" "$@" > "$log" 2>&1 &
	dpid=$!
	for i in $(seq 1 300); do
		grep -q ' ready: ' "$log" && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_daemon() { # exit status of the daemon after SIGTERM
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid"
}
ng() { timeout 60 python3 "$ngc" -s udp:127.0.0.1:2223 -t 10 "$@"; }
sget() { ng statistics --get "statistics.$1"; }
field() { sed -n "s/^$1: //p" "$status"; }
nft_once() { "$rp" "${common[@]}" "$@"; } # a one-shot --nftables-* run

cat > "$work/offer.sdp" <<'EOF'
v=0
o=- 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 40000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
EOF
sed 's/40000/40002/; s/o=- 1 1/o=- 2 2/' "$work/offer.sdp" > "$work/answer.sdp"
offer() { ng offer --call-id "$1" --from-tag a --sdp-file "$work/offer.sdp" --get result; }
answer() { ng answer --call-id "$1" --from-tag a --to-tag b --sdp-file "$work/answer.sdp" --get result; }
delete() { ng delete --call-id "$1" --from-tag a --get result; }

modprobe nf_tables
# A socket per stream: thousands for the shard-release scenario.
ulimit -n 65536

echo "[$(el)s] module absent"
check "nft_rtprelay not loaded" test ! -e /proc/rtprelay
check "daemon starts without the module" start_daemon "$work/absent.log" --table=0
is "one 'kernel forwarding unavailable' line" \
	"$(grep -c 'kernel forwarding unavailable, media is relayed in user space only: module nft_rtprelay not loaded' "$work/absent.log")" 1
is "offer in user space" "$(offer absent1)" ok
is "statistics kernel.state" "$(sget kernel.state)" "user space"
is "statistics kernel.pins" "$(sget kernel.pins)" 0
check "statistics kernel.reason names the module" sh -c "python3 '$ngc' -s udp:127.0.0.1:2223 statistics --get statistics.kernel.reason | grep -q 'module nft_rtprelay not loaded'"
is "no nftables table made" "$(nft list tables | grep -c rtprelay)" 0
check "daemon stops" stop_daemon
nft_once --nftables-start > "$work/start-absent.log" 2>&1
rc=$?
is "--nftables-start without the module fails" "$rc" 1
check "... saying so" grep -q 'adding the rule (is nft_rtprelay loaded?)' "$work/start-absent.log"
is "... and leaves no table (one atomic batch)" "$(nft list tables | grep -c rtprelay)" 0
timeout 60 "$rp" "${common[@]}" --table=0 --no-fallback > "$work/nofallback.log" 2>&1
rc=$?
check "--no-fallback refuses to start (exit $rc)" test "$rc" != 0 -a "$rc" != 124
is "--no-fallback says why" \
	"$(grep -c 'kernel forwarding unavailable (module nft_rtprelay not loaded.*no-fallback is set: not starting' "$work/nofallback.log")" 1
check "--no-fallback with --table=-1 starts" start_daemon "$work/off.log" --table=-1 --no-fallback
is "table -1: no warning" "$(grep -c 'WARNING' "$work/off.log")" 0
check "daemon stops" stop_daemon

echo "[$(el)s] load the module"
check "insmod nft_rtprelay" insmod "$ko"

echo "[$(el)s] one-shot nftables modes"
check "--nftables-start" nft_once --nftables-start
nft list ruleset > "$work/rules1"
check "nft: table inet rtprelay" grep -q '^table inet rtprelay' "$work/rules1"
check "nft: base chain INPUT on the input hook" grep -q 'type filter hook input priority filter; policy accept;' "$work/rules1"
is "nft: one jump to the chain" "$(grep -c 'jump rtprelay' "$work/rules1")" 1
check "nft: chain rtprelay" grep -q 'chain rtprelay {' "$work/rules1"
nft_once --nftables-status > "$work/status1" 2>&1
is "--nftables-status exit status" $? 0
check "--nftables-status sees 'rtprelay table 0'" grep -q "rule 'rtprelay table 0' in rtprelay: present" "$work/status1"
check "--nftables-start again" nft_once --nftables-start
is "still one jump" "$(nft list ruleset | grep -c 'jump rtprelay')" 1
nft_once --table=5 --nftables-status > "$work/status5" 2>&1
is "--nftables-status for table 5: incomplete" $? 1
check "--nftables-stop" nft_once --nftables-stop
is "table gone" "$(nft list tables | grep -c rtprelay)" 0
nft_once --nftables-status > /dev/null 2>&1
is "--nftables-status after stop" $? 1
check "--nftables-family=ip --nftables-start" nft_once --nftables-family=ip --nftables-start
is "nft: table ip rtprelay" "$(nft list tables | grep -c '^table ip rtprelay')" 1
check "--nftables-family=ip --nftables-stop" nft_once --nftables-family=ip --nftables-stop
is "ip table gone" "$(nft list tables | grep -c rtprelay)" 0
check "--nftables-base-chain= (chain is the base chain)" nft_once --nftables-base-chain= --nftables-start
check "nft: chain rtprelay is a base chain" sh -c "nft list chain inet rtprelay rtprelay | grep -q 'hook input'"
is "nft: no INPUT chain" "$(nft list ruleset | grep -c 'chain INPUT')" 0
check "--nftables-base-chain= --nftables-stop" nft_once --nftables-base-chain= --nftables-stop
is "table gone" "$(nft list tables | grep -c rtprelay)" 0
# An operator's rule in the base chain: prepend puts the jump before it,
# append after; stop leaves the operator's chain and table.
nft add table inet rtprelay
nft add chain inet rtprelay INPUT '{ type filter hook input priority 0; }'
nft add rule inet rtprelay INPUT counter
check "--nftables-start with an operator's rule" nft_once --nftables-start
is "prepended: the jump comes first" "$(nft list chain inet rtprelay INPUT | grep -oE 'jump|counter' | head -1)" jump
check "--nftables-append --nftables-start" nft_once --nftables-append --nftables-start
is "appended: the counter comes first" "$(nft list chain inet rtprelay INPUT | grep -oE 'jump|counter' | head -1)" counter
is "appended: one jump" "$(nft list chain inet rtprelay INPUT | grep -c jump)" 1
check "--nftables-stop" nft_once --nftables-stop
is "operator's base chain kept" "$(nft list chain inet rtprelay INPUT | grep -c counter)" 1
is "jump gone" "$(nft list ruleset | grep -c 'jump rtprelay')" 0
is "our chain gone" "$(nft list ruleset | grep -c 'chain rtprelay')" 0
nft delete table inet rtprelay

echo "[$(el)s] daemon with --table=0"
check "daemon starts" start_daemon "$work/kernel.log" --table=0 --endpoint-learning=immediate
check "log: kernel forwarding on" grep -q 'kernel forwarding on: table 0, nftables chain rtprelay in table rtprelay' "$work/kernel.log"
is "status: Descriptors" "$(field Descriptors)" 1
is "nft: jump to rtprelay" "$(nft list ruleset | grep -c 'jump rtprelay')" 1
nft_once --nftables-status > "$work/status2" 2>&1
is "--nftables-status while running" $? 0
# The rule hands UDP to the expression: a packet to a port without a
# target is counted as passed to user space.
nt0=$(sed -n 's/.*no_target \([0-9]*\).*/\1/p' "$status")
echo probe > /dev/udp/127.0.0.1/9 2>/dev/null
nt1=$(sed -n 's/.*no_target \([0-9]*\).*/\1/p' "$status")
ge "UDP reaches the expression (no_target $nt0 -> $nt1)" "$nt1" $((nt0 + 1))
is "offer" "$(offer k1)" ok
is "answer" "$(answer k1)" ok
is "status: Memory pins" "$(field 'Memory pins')" 1
is "status: Memory" "$(field Memory)" 1048576
is "statistics kernel.state" "$(sget kernel.state)" kernel
is "statistics kernel.pins" "$(sget kernel.pins)" 1
is "statistics memory.shards_pinned" "$(sget memory.shards_pinned)" 1
is "delete" "$(delete k1)" ok
sleep 3 # a reclaim period or two: the quarantine needs a barrier
ge "statistics kernel.barriers" "$(sget kernel.barriers)" 1
is "statistics memory.quarantined_objects" "$(sget memory.quarantined_objects)" 0
ge "status: Barriers" "$(field Barriers)" 1
is "statistics kernel.barrier_failures" "$(sget kernel.barrier_failures)" 0
# Pins follow live memory: 2400 calls take more than one shard, each
# pinned; once they are deleted the emptied shards beyond the one spare are
# unpinned and given back while the daemon runs.
echo "[$(el)s] 2400 offers"
# In six rounds, each followed by a long call that outlives the rest: the
# long calls' state ends up spread over the shards.
# The first long call has media in the kernel (offload_media.py longmedia,
# in the background until longmedia.go).
rm -f "$work/longmedia.ready" "$work/longmedia.go"
timeout 1200 python3 "$here/offload_media.py" 127.0.0.1:2223 longmedia "$work" \
	> "$work/media-longmedia.out" 2>&1 &
lmpid=$!
for i in $(seq 1 600); do
	[ -e "$work/longmedia.ready" ] || ! kill -0 "$lmpid" 2>/dev/null && break
	sleep 0.1
done
check "long call 0 in the kernel" test -e "$work/longmedia.ready"
n=0
for r in 0 1 2 3 4 5; do
	n=$((n + $(timeout 120 python3 "$here/ngload.py" 127.0.0.1:2223 offer 400 "load$r-")))
	[ "$r" = 0 ] || is "long call $r offered" "$(offer "long$r")" ok
done
is "2400 offers answered ok" "$n" 2400
shards=$(sget memory.shards)
ge "shards after 2400 offers" "$shards" 2
is "status: Memory pins = shards" "$(field 'Memory pins')" "$shards"
is "statistics kernel.pins = shards (+0 failures)" "$(sget kernel.pins)/$(sget kernel.pin_failures)" "$shards/0"
echo "[$(el)s] 2400 deletes"
n=0
for r in 0 1 2 3 4 5; do
	n=$((n + $(timeout 120 python3 "$here/ngload.py" 127.0.0.1:2223 delete 400 "load$r-")))
done
is "2400 deletes answered ok" "$n" 2400
# Pins follow live memory: the long calls' counters leave the sparse
# shards (moved, their targets would follow) so those can empty.
sleep 5 # moves (1 s), the quarantine's barrier, a reclaim period
is "the long calls' 24 counters live" "$(sget memory.live_objects)" 24
ge "statistics kernel.moves" "$(sget kernel.moves)" 1
is "shards holding live objects after the moves" "$(ng statistics --get 'statistics.memory.per shard' |
	python3 -c 'import json, sys; print(sum(1 for s in json.load(sys.stdin) if s["live_objects"]))')" 1
touch "$work/longmedia.go"
wait "$lmpid"
grep -aE '^(ok|FAIL)' "$work/media-longmedia.out"
line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$work/media-longmedia.out" | tail -1)
if [ -n "$line" ]; then
	set -- $line
	pass=$((pass + $1)) fail=$((fail + $3))
else
	bad "offload_media.py longmedia: no summary line"
	tail -n 20 "$work/media-longmedia.out"
fi
for r in 1 2 3 4 5; do
	is "long call $r still answers" "$(ng query --call-id "long$r" --get result)" ok
	delete "long$r" > /dev/null
done
sleep 4 # quarantine barrier, then a whole reclaim period empty
is "status after the deletes: Memory pins (the spare)" "$(field 'Memory pins')" 1
is "status after the deletes: Unpins" "$(field Unpins)" $((shards - 1))
is "statistics kernel.unpins" "$(sget kernel.unpins)" $((shards - 1))
is "statistics kernel.unpins_busy" "$(sget kernel.unpins_busy)" 0
is "statistics memory.shards_pinned" "$(sget memory.shards_pinned)" 1
check "daemon stops cleanly" stop_daemon
check "log: unpinned at shutdown" grep -q "kernel table 0: shared memory unpinned; $shards pins, $shards unpins" "$work/kernel.log"
is "status after stop: Memory pins" "$(field 'Memory pins')" 0
is "status after stop: Descriptors" "$(field Descriptors)" 0
is "status after stop: Unpins = Pins" "$(field Unpins)" "$(field Pins)"
is "nft table gone after stop" "$(nft list tables | grep -c rtprelay)" 0
nft_once --nftables-status > /dev/null 2>&1
is "--nftables-status after stop" $? 1

echo "[$(el)s] rules not managed (nftables-chain empty)"
check "daemon starts" start_daemon "$work/unmanaged.log" --table=0 --nftables-chain=
check "log: kernel forwarding on, rules not managed" grep -q 'kernel forwarding on: table 0 (nftables rules not managed)' "$work/unmanaged.log"
is "no nftables table made" "$(nft list tables | grep -c rtprelay)" 0
check "daemon stops" stop_daemon

echo "[$(el)s] injected pin failures"
echo 1000 > /sys/module/nft_rtprelay/parameters/fail_pins
check "daemon starts" start_daemon "$work/failpin.log" --table=0
is "offer with every pin failing" "$(offer f1)" ok
is "answer" "$(answer f1)" ok
is "second offer" "$(offer f2)" ok
is "status: Memory pins" "$(field 'Memory pins')" 0
ge "status: Pin failures" "$(field 'Pin failures')" 1
ge "statistics kernel.pin_failures" "$(sget kernel.pin_failures)" 1
is "statistics kernel.pins" "$(sget kernel.pins)" 0
ge "statistics memory.unpinned_allocs" "$(sget memory.unpinned_allocs)" 4
kernel_of() { # CALL-ID TAG: the kernel state of the party's RTP stream in query
	ng query --call-id "$1" --get "tags.$2.medias" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["streams"][0]["kernel"])'
}
is "query: unpinned counters stay in user space" "$(kernel_of f1 a)" "memory not pinned"
is "pin failure logged once" "$(grep -c 'pin failed: Cannot allocate memory; the shard stays user-space memory' "$work/failpin.log")" 1
echo 0 > /sys/module/nft_rtprelay/parameters/fail_pins
is "offer once pins work again" "$(offer f3)" ok
is "status: Memory pins once pins work" "$(field 'Memory pins')" 1
for c in f1 f2 f3; do delete "$c" > /dev/null; done
check "daemon stops" stop_daemon
is "status after stop: Memory pins" "$(field 'Memory pins')" 0

echo "[$(el)s] table held by another process"
exec 9> /proc/rtprelay/0/control # a descriptor of "another daemon"
check "daemon starts" start_daemon "$work/busy.log" --table=0
is "one warning: table in use" "$(grep -c 'WARNING.*kernel forwarding unavailable, media is relayed in user space only: kernel table 0: table in use by another process' "$work/busy.log")" 1
is "statistics kernel.state" "$(sget kernel.state)" "user space"
is "offer in user space" "$(offer b1)" ok
is "no nftables table made" "$(nft list tables | grep -c rtprelay)" 0
check "daemon stops" stop_daemon
timeout 60 "$rp" "${common[@]}" --table=0 --no-fallback > "$work/busy-nofallback.log" 2>&1
rc=$?
check "--no-fallback refuses a busy table (exit $rc)" test "$rc" != 0 -a "$rc" != 124
exec 9>&-
is "the other descriptor's table survived" "$(field Descriptors)" 0

# Media through the daemon and the module (t/offload/offload_media.py).
media_run() { # SCENARIO [ARG...]: its ok/FAIL lines and counts join ours
	local out=$work/media-$1.out line
	timeout 300 python3 "$here/offload_media.py" 127.0.0.1:2223 "$@" > "$out" 2>&1
	grep -aE '^(ok|FAIL)' "$out"
	line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	if [ -z "$line" ]; then
		bad "offload_media.py $1: no summary line"
		tail -n 20 "$out"
		return
	fi
	set -- $line
	pass=$((pass + $1)) fail=$((fail + $3))
	[ "$3" = 0 ] || tail -n 30 "$out"
}
echo "[$(el)s] media in the kernel"
check "daemon starts" start_daemon "$work/media.log" --table=0 --endpoint-learning=immediate
is "media I/O: io_uring (the default)" "$(grep -c 'media I/O: io_uring' "$work/media.log")" 1
media_run kernel
media_run moved
echo "[$(el)s] target adds refused"
media_run refused
is "refused add logged once" "$(grep -c 'target add failed: Cannot allocate memory; the stream is relayed in user space' "$work/media.log")" 1
check "daemon stops" stop_daemon
is "status after stop: Targets" "$(field Targets)" 0

# A killed daemon cannot clean up: closing its descriptor must stop every
# forward and unpin its memory; the nftables rules it made stay, and the
# next daemon takes them over and starts clean.
echo "[$(el)s] SIGKILL mid-call, then a restart"
check "daemon starts" start_daemon "$work/killed.log" --table=0 --endpoint-learning=immediate
media_run sigkill "$dpid"
state=$(sed -n 's/^[0-9]* ([^)]*) \([A-Z]\).*/\1/p' "/proc/$dpid/stat" 2>/dev/null)
if [ -z "$state" ] || [ "$state" = Z ]; then
	ok "the daemon is dead"
else
	bad "the daemon still runs after sigkill (state $state)"
	kill -KILL "$dpid"
fi
wait "$dpid"
is "the daemon died of SIGKILL" $? 137
is "the killed daemon's nftables table stays" "$(nft list tables | grep -c rtprelay)" 1
# The restart runs the other media I/O back end: the kernelize, handover,
# block and delete path on epoll too.
check "daemon restarts (--media-io=epoll)" start_daemon "$work/restarted.log" --table=0 \
	--endpoint-learning=immediate --media-io=epoll
is "media I/O: epoll" "$(grep -c 'media I/O: epoll' "$work/restarted.log")" 1
check "restart: kernel forwarding on" grep -q 'kernel forwarding on: table 0' "$work/restarted.log"
is "restart: one descriptor" "$(field Descriptors)" 1
is "restart: no targets" "$(field Targets)" 0
is "restart: the table was created afresh (Packets forwarded)" "$(field 'Packets forwarded')" 0
is "restart: one jump to the chain (rules taken over, not doubled)" \
	"$(nft list ruleset | grep -c 'jump rtprelay')" 1
# One rule hands a packet to the expression once: a doubled rule counts it twice.
nt0=$(sed -n 's/.*no_target \([0-9]*\).*/\1/p' "$status")
echo probe > /dev/udp/127.0.0.1/9 2>/dev/null
nt1=$(sed -n 's/.*no_target \([0-9]*\).*/\1/p' "$status")
is "restart: a UDP packet meets the expression once (no_target $nt0 -> $nt1)" $((nt1 - nt0)) 1
media_run kernel
media_run moved
check "daemon stops" stop_daemon
is "status after stop: Targets" "$(field Targets)" 0
is "status after stop: Descriptors" "$(field Descriptors)" 0
is "nft table gone after stop" "$(nft list tables | grep -c rtprelay)" 0

echo "[$(el)s] media timeout on kernel media; the module goes under the daemon"
check "daemon starts" start_daemon "$work/gone.log" --table=0 --endpoint-learning=immediate --timeout=3 --media-max-pps=200
media_run timeout
media_run rate
media_run gone
is "table failure logged once" "$(grep -c 'kernel table 0: table failed: .*; every stream goes back to user space' "$work/gone.log")" 1
check "daemon stops" stop_daemon

echo "[$(el)s] unload"
if [ -e /proc/rtprelay ]; then
	check "rmmod nft_rtprelay" rmmod nft_rtprelay
else
	ok "nft_rtprelay already unloaded (by the last scenario)"
fi
# Kamailio + SIPp (t/e2e's plain leg) through the module: as many calls as
# TCG carries cleanly in about a minute (the host run has 20 normal calls
# and 30 forked INVITEs, at 10/s and 5/s).
echo "[$(el)s] Kamailio + SIPp end-to-end with the module (t/e2e)"
check "insmod nft_rtprelay again" insmod "$ko"
RTPRELAY_E2E_TABLE=0 RTPRELAY_E2E_LEGS=plain RTPRELAY_E2E_CALLS=8,2,10,2 \
	RTPRELAY_E2E_OUT="$work/e2e" timeout 300 python3 "$top/t/e2e/e2e.py" > "$work/e2e.out" 2>&1
rc=$?
sed -n 's/^ok   /ok   - e2e: /p; s/^FAIL /FAIL - e2e: /p' "$work/e2e.out"
pass=$((pass + $(grep -c '^ok ' "$work/e2e.out")))
fail=$((fail + $(grep -c '^FAIL ' "$work/e2e.out")))
is "t/e2e exit status" "$rc" 0
grep -a 't/e2e: .* failure' "$work/e2e.out"
check "rmmod nft_rtprelay" rmmod nft_rtprelay
if dmesg | grep -qE 'WARNING|BUG|Oops'; then
	bad "dmesg: $(dmesg | grep -E 'WARNING|BUG|Oops' | head -3)"
else
	ok "dmesg clean"
fi
if [ "$fail" != 0 ]; then
	for f in "$work"/*.log; do
		echo "--- $f (last 15 lines)"
		tail -n 15 "$f"
	done
fi
echo "[$(el)s] done"
echo "offload: $pass passed, $fail failed"
