#!/bin/bash
# Runs INSIDE the qemu guest (t/kernel/run.sh boots it): loads nft_rtprelay
# from $KMQ_KO_DIR, sets up table 0 and an inet input rule, runs the C tests
# (ktest), then unloads with a session still holding pins, reloads with
# ownership parameters, and checks dmesg. Prints "N passed, N failed".
here=$(cd "$(dirname "$0")" && pwd)
bin=${RTPRELAY_KTEST_BIN:-$here/../../build/kernel}
ko=$KMQ_KO_DIR/nft_rtprelay.ko
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: '$2' (want '$3')"; fi; }
t0=$(date +%s.%N)
el() { awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}"; }
# pages pinned with pin_user_pages, system-wide (stat_refresh folds the
# per-CPU counter deltas into the totals first)
pins() { echo 1 > /proc/sys/vm/stat_refresh; awk '/^nr_foll_pin_acquired/{a=$2} /^nr_foll_pin_released/{r=$2} END{print a-r}' /proc/vmstat; }
ctl() { echo "$1" > /proc/rtprelay/control 2>/dev/null; }

echo "[$(el)s] load"
pins0=$(pins)
modprobe nf_tables
check "insmod nft_rtprelay" insmod "$ko"
check "/proc/rtprelay/control is there" test -f /proc/rtprelay/control
is "/proc/rtprelay/control owner and mode" "$(stat -c '%u:%g %a' /proc/rtprelay/control)" "0:0 600"
check "add 0" ctl "add 0"
check "add 0 again refused" sh -c '! echo "add 0" 2>/dev/null > /proc/rtprelay/control'
check "add 256 refused" sh -c '! echo "add 256" 2>/dev/null > /proc/rtprelay/control'
check "junk refused" sh -c '! echo "junk" 2>/dev/null > /proc/rtprelay/control'
check "table files" test -f /proc/rtprelay/0/control -a -f /proc/rtprelay/0/status -a -f /proc/rtprelay/0/list
check "add 7" ctl "add 7"
check "del 7" ctl "del 7"
check "/proc/rtprelay/7 gone" test ! -e /proc/rtprelay/7

echo "[$(el)s] nft rule"
nft add table inet rtprelay
nft add chain inet rtprelay input '{ type filter hook input priority 0; }'
nft add chain inet rtprelay output '{ type filter hook output priority 0; }'
check "rule 'rtprelay table 0' on inet input" "$bin/nftrule" inet rtprelay input 0
# a second table behind the first, for ktest's loop across tables
check "add 1" ctl "add 1"
check "rule 'rtprelay table 1' on inet input" "$bin/nftrule" inet rtprelay input 1
check "rule on the output hook refused" sh -c "! '$bin/nftrule' inet rtprelay output 0 2>/dev/null"
check "rule for table 300 refused" sh -c "! '$bin/nftrule' inet rtprelay input 300 2>/dev/null"
nft add table ip rp4
nft add chain ip rp4 pre '{ type filter hook prerouting priority 0; }'
check "rule on ip prerouting accepted" "$bin/nftrule" ip rp4 pre 5
nft delete table ip rp4
nft add table arp rpa
nft add chain arp rpa in '{ type filter hook input priority 0; }'
nft delete table arp rpa

echo "[$(el)s] ktest"
timeout 300 "$bin/ktest" 0 | tee /tmp/ktest.out
line=$(grep -aE '^ktest: [0-9]+ passed, [0-9]+ failed' /tmp/ktest.out | tail -1)
if [ -n "$line" ]; then
	set -- $line
	pass=$((pass + $2)); fail=$((fail + $4))
else
	bad "ktest did not finish (no summary line)"
fi
is "status after ktest: targets" "$(awk '/^Targets:/{print $2}' /proc/rtprelay/0/status)" 0
is "status after ktest: memory pins" "$(awk '/^Memory pins:/{print $3}' /proc/rtprelay/0/status)" 0
is "pinned pages after ktest (vmstat)" "$(pins)" "$pins0"
cat /proc/rtprelay/0/status | sed 's/^/   status: /'

echo "[$(el)s] timing parameter (the kernel benchmark's split of the forwarding time)"
st() { awk -F': ' -v k="$1" '$1 == k { print $2 }' /proc/rtprelay/0/status; }
tp0=$(st "Timed packets") own0=$(st "Time own ns") send0=$(st "Time send ns")
timeout 120 "$bin/ktest" 0 forward > /tmp/ktest-untimed.out 2>&1
is "timing off: no packet timed" "$(st "Timed packets")" "$tp0"
echo 1 > /sys/module/nft_rtprelay/parameters/timing
timeout 120 "$bin/ktest" 0 forward > /tmp/ktest-timed.out 2>&1
echo 0 > /sys/module/nft_rtprelay/parameters/timing
is "ktest forward with timing on" "$(grep -aoE '[0-9]+ failed' /tmp/ktest-timed.out | tail -1)" "0 failed"
is "timing on: every forwarded packet timed" "$(( $(st "Timed packets") - tp0 ))" 240
check "timing on: own and send time counted" test "$(st "Time own ns")" -gt "$own0" -a "$(st "Time send ns")" -gt "$send0"

echo "[$(el)s] forwarding with nftables tracing on (the tracer reads the packet after the verdict)"
nft add chain inet rtprelay trace '{ type filter hook prerouting priority -10; }'
nft add rule inet rtprelay trace udp dport 21000-21059 meta nftrace set 1
nft monitor trace > /tmp/trace.log 2>&1 &
tracer=$!
sleep 1
timeout 120 "$bin/ktest" 0 forward > /tmp/ktest-trace.out 2>&1
grep -av '^ok' /tmp/ktest-trace.out
is "ktest forward with tracing" "$(grep -aoE '[0-9]+ failed' /tmp/ktest-trace.out | tail -1)" "0 failed"
kill $tracer; wait $tracer 2>/dev/null
check "trace events seen ($(grep -c rtprelay /tmp/trace.log))" grep -q 'inet rtprelay input' /tmp/trace.log
nft delete chain inet rtprelay trace

# ktest_run DESCRIPTION ARGS...: run ktest, add its counts to ours
ktest_run() {
	local d=$1 line; shift
	timeout 120 "$bin/ktest" "$@" > /tmp/ktest-part.out 2>&1
	grep -av '^ok' /tmp/ktest-part.out
	line=$(grep -aE '^ktest: [0-9]+ passed, [0-9]+ failed' /tmp/ktest-part.out | tail -1)
	if [ -z "$line" ]; then bad "$d: ktest did not finish"; return; fi
	set -- $line
	pass=$((pass + $2)); fail=$((fail + $4))
	echo "     $d: $2 passed, $4 failed"
}

echo "[$(el)s] across namespaces over veth: near -> (this namespace) -> far"
ip netns add near; ip netns add far
ip link add v0 type veth peer name v1; ip link set v1 netns near
ip link add w0 type veth peer name w1; ip link set w1 netns far
ip addr add 192.0.2.1/24 dev v0; ip addr add fd00:1::1/64 dev v0 nodad; ip link set v0 up
ip addr add 198.51.100.1/24 dev w0; ip addr add fd00:2::1/64 dev w0 nodad; ip link set w0 up
ip -n near addr add 192.0.2.2/24 dev v1; ip -n near addr add fd00:1::2/64 dev v1 nodad
ip -n far addr add 198.51.100.2/24 dev w1; ip -n far addr add fd00:2::2/64 dev w1 nodad
for ns in near far; do ip -n $ns link set lo up; done
ip -n near link set v1 up; ip -n far link set w1 up
ktest_run "veth, inet input rule" 0 netns reroute
nft delete table inet rtprelay
nft add table ip rp4; nft add chain ip rp4 pre '{ type filter hook prerouting priority 0; }'
nft add table ip6 rp6; nft add chain ip6 rp6 pre '{ type filter hook prerouting priority 0; }'
check "rule on ip prerouting" "$bin/nftrule" ip rp4 pre 0
check "rule on ip6 prerouting" "$bin/nftrule" ip6 rp6 pre 0
ktest_run "veth, ip and ip6 prerouting rules" 0 netns
nft delete table ip rp4; nft delete table ip6 rp6
nft add table inet rtprelay
nft add chain inet rtprelay input '{ type filter hook input priority 0; }'
"$bin/nftrule" inet rtprelay input 0

echo "[$(el)s] unload with a session that holds a pin and a target"
"$bin/ktest" hold 0 > /tmp/hold.out 2>&1 &
holder=$!
for _ in $(seq 100); do grep -q holding /tmp/hold.out && break; sleep 0.1; done
check "holder ready" grep -q holding /tmp/hold.out
check "pages pinned while held ($(pins) > $pins0)" test "$(pins)" -gt "$pins0"
check "rmmod refused while a rule uses the expression" sh -c '! rmmod nft_rtprelay 2>/dev/null'
nft delete table inet rtprelay
check "rmmod with the session still open" rmmod nft_rtprelay
check "/proc/rtprelay gone" test ! -e /proc/rtprelay
is "pinned pages after unload (vmstat)" "$(pins)" "$pins0"
kill $holder; wait $holder 2>/dev/null

echo "[$(el)s] parameters"
check "insmod proc_uid=1234 proc_gid=1235 proc_mode=0640" insmod "$ko" proc_uid=1234 proc_gid=1235 proc_mode=0640
is "control owner and mode" "$(stat -c '%u:%g %a' /proc/rtprelay/control)" "1234:1235 640"
ctl "add 3"
is "table control owner and mode" "$(stat -c '%u:%g %a' /proc/rtprelay/3/control)" "1234:1235 640"
is "table status mode" "$(stat -c '%a' /proc/rtprelay/3/status)" "444"
# the daemon's case: an unprivileged user (no capabilities) that owns the files
as_user() { setpriv --reuid="$1" --regid="$2" --clear-groups "${@:3}"; }
as_user 1234 1235 timeout 120 "$bin/ktest" 3 handshake validation unpin list memlock > /tmp/ktest-user.out 2>&1
grep -av '^ok' /tmp/ktest-user.out
is "ktest as uid 1234 (the owner)" "$(grep -aoE '[0-9]+ failed' /tmp/ktest-user.out | tail -1)" "0 failed"
check "uid 1236 cannot open the table's control file" \
	as_user 1236 1236 sh -c '! true 3> /proc/rtprelay/3/control' 2>/dev/null
check "uid 1236 cannot add tables" as_user 1236 1236 sh -c '! echo "add 4" > /proc/rtprelay/control' 2>/dev/null
check "uid 1236 can read the status" as_user 1236 1236 grep -q '^Table: 3' /proc/rtprelay/3/status
check "rmmod with a table left" rmmod nft_rtprelay
check "insmod proc_mode=01777 refused" sh -c "! insmod '$ko' proc_mode=01777 2>/dev/null"
check "module not loaded" sh -c '! grep -q "^nft_rtprelay " /proc/modules'

echo "[$(el)s] dmesg"
dmesg | grep -E 'nft_rtprelay|rtprelay' | tail -20 | sed 's/^/   dmesg: /'
# (run.sh boots with slub_debug: its reports start "BUG <cache> (")
if dmesg | grep -E 'BUG:|BUG [A-Za-z0-9_:-]+ \(|WARNING:|Oops|general protection|refcount_t|list_del corruption|Poison overwritten|Redzone|UBSAN|KASAN'; then
	bad "kernel warnings in dmesg"
else
	ok "no BUG/WARNING/Oops in dmesg"
fi
echo "[$(el)s] done"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
