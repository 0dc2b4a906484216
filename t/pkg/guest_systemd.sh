#!/bin/bash
# Runs INSIDE the qemu guest under systemd as PID 1: t/pkg/guest.sh
# installed the packages' files, then handed the guest to systemd (booted
# to rtprelay-pkg-check.target, t/pkg/systemd/), whose
# rtprelay-pkg-check.service runs this. rtprelay.service as installed,
# started and stopped by systemctl: active once READY=1; the main process
# as user rtprelay with the unit's capabilities only; nft_rtprelay loaded
# by the unit's ExecStartPre (systemd-modules-load is masked) with
# /proc/rtprelay owned by rtprelay; kernel forwarding on (journal); ng
# ping and a call with its stream in the kernel (guest_call.py); reload;
# stop leaves no nftables table and no kernel target; no warning or
# failure in the unit's journal. Appends its lines to the job's output
# (run-in-vm.sh prints it) and ends with "systemd: N passed, N failed",
# which t/pkg/run.sh requires.
exec >>/kmq-job/output 2>&1
here=$(cd "$(dirname "$0")" && pwd)
unit=rtprelay.service
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: '$2' (want '$3')"; fi; }
read -r up0 _ </proc/uptime
el() { local up; read -r up _ </proc/uptime; echo "$up s since boot"; }
prop() { systemctl show -P "$1" "$unit"; }
field() { awk -v k="$1:" '$1 == k { $1 = ""; print substr($0, 2) }' "$2" 2>/dev/null; }
journal() { journalctl -b -u "$unit" -o cat --no-pager "$@"; }
ng() { timeout 60 python3 /usr/bin/rtprelay-ng-client -t 10 "$@"; }
exits() { # exits KEY: how many KEY= commands systemd ran, how many exited 0
	local v
	v=$(prop "$1")
	echo "$(echo "$v" | grep -c 'pid=[1-9]') $(echo "$v" | grep -c 'code=exited ; status=0 }')"
}
rules() { nft list tables 2>/dev/null | grep -c 'inet rtprelay'; }
uid=$(id -u rtprelay)
gid=$(id -g rtprelay)
# CAP_NET_ADMIN (12) and CAP_SYS_NICE (23): the unit's
# AmbientCapabilities= and CapabilityBoundingSet=
caps=0000000000801000

echo "== [$(el)] systemd stage"
is "PID 1" "$(cat /proc/1/comm)" systemd
is "$unit before the start" "$(systemctl is-active "$unit")" inactive
check "nft_rtprelay not loaded yet (systemd-modules-load masked)" test ! -e /sys/module/nft_rtprelay

echo "== [$(el)] systemctl start $unit"
check "systemctl start $unit" timeout 60 systemctl start "$unit"
is "Type" "$(prop Type)" notify
is "ActiveState" "$(prop ActiveState)" active
is "SubState" "$(prop SubState)" running
pid=$(prop MainPID)
st=/proc/$pid/status
is "main process" "$(readlink "/proc/$pid/exe")" /usr/bin/rtprelay
is "main process Uid (real, effective, saved, fs)" "$(field Uid "$st")" "$uid $uid $uid $uid"
is "main process Gid" "$(field Gid "$st")" "$gid $gid $gid $gid"
is "the unit's AmbientCapabilities" "$(prop AmbientCapabilities)" "cap_net_admin cap_sys_nice"
for c in CapEff CapPrm CapAmb CapBnd; do
	is "main process $c (net_admin, sys_nice)" "$(field "$c" "$st")" "$caps"
done
is "main process NoNewPrivs" "$(field NoNewPrivs "$st")" 1
is "main process RLIMIT_MEMLOCK" "$(awk '/^Max locked memory/ { print $4 }' "/proc/$pid/limits")" unlimited
# Both ExecStartPre lines have '-' (a failure would not stop the start):
# systemd records how each exited.
is "ExecStartPre: commands run, exited 0 (modprobe, --nftables-start)" "$(exits ExecStartPre)" "2 2"
check "ExecStartPre loaded nft_rtprelay" test -e /sys/module/nft_rtprelay
is "/proc/rtprelay/control owner (modprobe.d options)" "$(stat -c %U:%G /proc/rtprelay/control 2>/dev/null)" rtprelay:rtprelay
is "/proc/rtprelay/0 owner" "$(stat -c %U:%G /proc/rtprelay/0 2>/dev/null)" rtprelay:rtprelay
is "nftables table inet rtprelay" "$(rules)" 1
is "journal: one 'kernel forwarding on: table 0' line" "$(journal | grep -c 'kernel forwarding on: table 0')" 1

echo "== [$(el)] ng over the packaged control port"
out=$(ng ping 2>&1)
if echo "$out" | grep -q '"pong"'; then ok "ping -> pong"; else bad "ping: $out"; fi
is "statistics kernel.state" "$(ng statistics --get statistics.kernel.state 2>&1)" kernel
is "a call: its stream in the kernel" "$(python3 "$here/guest_call.py" pkg-sd1 2>&1 | tail -1)" kernelized
targets=$(field Targets /proc/rtprelay/0/status)
if [ "${targets:-0}" -gt 0 ]; then ok "/proc/rtprelay/0/status: $targets targets"; else
	bad "/proc/rtprelay/0/status: targets '$targets'"; fi

echo "== [$(el)] systemctl reload $unit"
check "systemctl reload $unit" timeout 30 systemctl reload "$unit"
for _ in $(seq 100); do journal | grep -q 'SIGHUP: configuration reloaded' && break; sleep 0.1; done
is "journal: one 'configuration reloaded' line" "$(journal | grep -c 'SIGHUP: configuration reloaded')" 1
is "same main process" "$(prop MainPID)" "$pid"
is "ActiveState" "$(prop ActiveState)" active
out=$(ng ping 2>&1)
if echo "$out" | grep -q '"pong"'; then ok "ping -> pong"; else bad "ping: $out"; fi

echo "== [$(el)] systemctl stop $unit"
check "systemctl stop $unit" timeout 60 systemctl stop "$unit"
is "ActiveState" "$(prop ActiveState)" inactive
# the unit still loaded with what systemd recorded of this run (the check
# service refers to it)
is "ExecMainPID (the stopped main process)" "$(prop ExecMainPID)" "$pid"
is "Result" "$(prop Result)" success
is "main process exit status" "$(prop ExecMainStatus)" 0
is "NRestarts" "$(prop NRestarts)" 0
check "main process gone" test ! -e "/proc/$pid"
is "ExecStopPost: commands run, exited 0 (--nftables-stop)" "$(exits ExecStopPost)" "1 1"
is "nftables table inet rtprelay" "$(rules)" 0
targets=$(field Targets /proc/rtprelay/0/status)
is "kernel targets of table 0 (none, or the table is gone)" "${targets:-0}" 0
out=$(journal -p warning)
if [ -z "$out" ]; then ok "journal: nothing of priority warning or worse"; else bad "journal: $out"; fi

if [ "$fail" != 0 ]; then
	systemctl status --no-pager "$unit"
	systemctl show --no-pager -p ExecStartPre -p ExecStopPost "$unit"
	journal | tail -40
	systemctl --failed --no-pager
fi
read -r up _ </proc/uptime
# guest.sh wrote the uptime of the hand-over to /run/rtprelay-pkg-handoff
read -r h _ </run/rtprelay-pkg-handoff 2>/dev/null
echo "guest_systemd.sh: $(awk "BEGIN { print $up - $up0 }") s, systemd boot to it: $(awk "BEGIN { print $up0 - ${h:-0} }") s"
echo "systemd: $pass passed, $fail failed"
[ "$fail" = 0 ] || echo 1 >/kmq-job/rc
