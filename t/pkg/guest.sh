#!/bin/bash
# Runs INSIDE the qemu guest (t/pkg/run.sh boots it, Debian's kernel, the
# host's / as a throw-away overlay): the installed packages start kernel
# forwarding the way rtprelay.service does. Takes from build/pkg/ the files
# the packages installed in t/pkg's root (installed.tar) and the
# nft_rtprelay.ko DKMS built there for this kernel.
# Scenarios: boot (systemd-modules-load with the packaged
# modules-load.d/modprobe.d files: /proc/rtprelay belongs to user
# rtprelay); the unit's commands in order (ExecStartPre as root, ExecStart
# as user rtprelay with only the unit's ambient capabilities, ExecStopPost):
# kernel forwarding on, a stream in the kernel, rules gone at the end; the
# first start after installing the module (not loaded yet: ExecStartPre
# loads it); the module loaded without the postinst's options (the daemon
# cannot open /proc/rtprelay: why they exist); no module at all (user
# space, one log line). Prints "N passed, N failed", then hands the guest
# to systemd (t/kernel/guest-init.sh execs it as PID 1 on this root) to run
# t/pkg/guest_systemd.sh: rtprelay.service under systemctl.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
in=$top/build/pkg
unit=/lib/systemd/system/rtprelay.service
ngc=/usr/bin/rtprelay-ng-client
kver=$(uname -r)
work=/tmp/pkg-guest
mkdir -p "$work"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
is() { if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: '$2' (want '$3')"; fi; }
t0=$(date +%s)
el() { echo "$(($(date +%s) - t0)) s"; }
summary() { echo "guest.sh: $(el)"; echo "$pass passed, $fail failed"; exit 0; }

modprobe nf_tables
# The files the three packages and their postinsts installed in t/pkg's
# root (run.sh's tar: dpkg in the guest takes minutes under TCG).
check "the installed packages' files unpacked" tar -C / -xpf "$in/installed.tar"
echo "== [$(el)] the module where dkms install puts it; depmod (a minute under TCG)"
mkdir -p "/lib/modules/$kver/updates/dkms"
cp "$in"/nft_rtprelay.ko* "/lib/modules/$kver/updates/dkms/" && depmod "$kver"
check "modinfo nft_rtprelay finds the DKMS-built module" \
	sh -c "modinfo -n nft_rtprelay | grep -q /updates/dkms/"
uid=$(id -u rtprelay)

# The unit's command lines, $OPTIONS from /etc/default/rtprelay replaced by
# its words as systemd does. All of them have the prefixes '-' (a failure
# does not stop the start) and '+' (as root): run_root runs them as root
# and says whether all succeeded.
OPTIONS=""
# shellcheck disable=SC1091
. /etc/default/rtprelay
unit_lines() { sed -n "s/^$1=//p" "$unit"; }
words() { # words LINE: the words of a unit command line, $OPTIONS expanded
	local w out=()
	for w in $1; do
		# shellcheck disable=SC2206
		if [ "$w" = '$OPTIONS' ]; then out+=($OPTIONS); else out+=("$w"); fi
	done
	printf '%s\n' "${out[@]}"
}
run_root() { # run_root KEY: every KEY= line, as root; 0 if all exit 0
	local line cmd rc all=0
	while IFS= read -r line; do
		cmd=${line#-}
		cmd=${cmd#+}
		mapfile -t argv < <(words "$cmd")
		"${argv[@]}" >>"$work/$1.log" 2>&1
		rc=$?
		[ "$rc" = 0 ] || all=$rc
	done < <(unit_lines "$1")
	return $all
}
# ExecStart as the unit runs it: User=, Group=, AmbientCapabilities= (and
# the same bounding set), LimitMEMLOCK=, NoNewPrivileges=; log to stderr.
caps=$(unit_lines AmbientCapabilities | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g; s/^/+/')
dpid=
start_daemon() { # start_daemon LOG: 0 once it logged "ready"
	local _
	mapfile -t argv < <(words "$(unit_lines ExecStart)")
	(
		ulimit -l unlimited
		exec setpriv --reuid=rtprelay --regid=rtprelay --init-groups --no-new-privs \
			--inh-caps="$caps" --ambient-caps="$caps" --bounding-set=-all,"$caps" \
			"${argv[@]}" --log-stderr
	) >"$1" 2>&1 &
	dpid=$!
	for _ in $(seq 1 300); do
		grep -q ' ready: ' "$1" && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_daemon() { kill -TERM "$dpid" 2>/dev/null; wait "$dpid"; }
ng() { timeout 60 python3 "$ngc" -s udp:127.0.0.1:2223 -t 10 "$@"; }
rules() { nft list tables 2>/dev/null | grep -c 'inet rtprelay'; }

echo "== [$(el)] boot: systemd-modules-load with the packaged files"
/lib/systemd/systemd-modules-load >"$work/modules-load.log" 2>&1
check "systemd-modules-load loads nft_rtprelay (/etc/modules-load.d/rtprelay.conf)" test -e /proc/rtprelay/control
is "/proc/rtprelay/control owner (/etc/modprobe.d/rtprelay.conf)" "$(stat -c %u /proc/rtprelay/control 2>/dev/null)" "$uid"
is "loaded module's version (/sys/module/nft_rtprelay/version)" "$(cat /sys/module/nft_rtprelay/version 2>/dev/null)" \
	"$(dpkg-deb -f "$(ls "$in"/rtprelay-kernel-dkms_*.deb)" Version | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')"

echo "== [$(el)] the unit: ExecStartPre, ExecStart, ExecStopPost"
check "ExecStartPre: all lines exit 0 (modprobe, --nftables-start)" run_root ExecStartPre
is "nftables table inet rtprelay made" "$(rules)" 1
if start_daemon "$work/on.log"; then ok "daemon started as rtprelay (READY)"; else cat "$work/on.log"; bad "daemon start"; fi
is "one 'kernel forwarding on' line" "$(grep -c 'kernel forwarding on: table 0' "$work/on.log")" 1
is "no warning" "$(grep -c WARNING "$work/on.log")" 0
is "statistics kernel.state" "$(ng statistics --get statistics.kernel.state)" kernel
is "query: the stream is in the kernel" "$(python3 "$here/guest_call.py" pkg-k1 2>&1 | tail -1)" kernelized
check "/proc/rtprelay/0/status readable" grep -q . /proc/rtprelay/0/status
check "rtprelay --nftables-status: rules OK" sh -c "$(words "$(unit_lines ExecStart)" | xargs) --nftables-status >/dev/null"
check "daemon stops (exit 0)" stop_daemon
run_root ExecStopPost
is "ExecStopPost: table inet rtprelay gone" "$(rules)" 0

echo "== [$(el)] first start after installing the module (not loaded yet)"
check "rmmod nft_rtprelay" rmmod nft_rtprelay
run_root ExecStartPre
check "ExecStartPre loaded the module" test -e /proc/rtprelay/control
is "... with the owner from modprobe.d" "$(stat -c %u /proc/rtprelay/control 2>/dev/null)" "$uid"
if start_daemon "$work/first.log"; then ok "daemon started"; else cat "$work/first.log"; bad "daemon start"; fi
is "kernel forwarding on" "$(grep -c 'kernel forwarding on: table 0' "$work/first.log")" 1
stop_daemon
run_root ExecStopPost

echo "== [$(el)] the module loaded without the postinst's options"
rmmod nft_rtprelay
insmod "$(modinfo -n nft_rtprelay)"
is "/proc/rtprelay/control owner" "$(stat -c %u /proc/rtprelay/control)" 0
run_root ExecStartPre
if start_daemon "$work/root-owned.log"; then ok "daemon started"; else cat "$work/root-owned.log"; bad "daemon start"; fi
check "... in user space: /proc/rtprelay/control: Permission denied" \
	grep -q 'kernel forwarding unavailable.*/proc/rtprelay/control: Permission denied' "$work/root-owned.log"
stop_daemon
run_root ExecStopPost
rmmod nft_rtprelay

echo "== [$(el)] no module"
# (no depmod: a minute under TCG; modprobe finds no file either way)
rm -f /lib/modules/"$kver"/updates/dkms/nft_rtprelay.ko*
if run_root ExecStartPre; then bad "ExecStartPre succeeded without the module"; else
	ok "ExecStartPre: modprobe and --nftables-start fail (ignored: '-')"; fi
check "ExecStartPre: no module loaded" test ! -e /proc/rtprelay
is "... no nftables table" "$(rules)" 0
if start_daemon "$work/absent.log"; then ok "daemon started without the module"; else cat "$work/absent.log"; bad "daemon start"; fi
is "one line: user space only, module not loaded" \
	"$(grep -c 'kernel forwarding unavailable, media is relayed in user space only: module nft_rtprelay not loaded' "$work/absent.log")" 1
is "statistics kernel.state" "$(ng statistics --get statistics.kernel.state)" "user space"
stop_daemon
run_root ExecStopPost

echo "== [$(el)] hand-over to systemd (t/pkg/guest_systemd.sh runs under it)"
# The module back where DKMS put it (modules.dep still names it), the
# check target and service, and masks: systemd-modules-load (the unit's
# ExecStartPre is to load the module), the timers (apt, man-db), what
# needs hardware or a first boot, and systemd-tmpfiles-setup (a minute
# under TCG walking the 9p root; /tmp, /var/tmp and /run are there).
# t/kernel/guest-init.sh then execs systemd as PID 1 on this root.
cp "$in"/nft_rtprelay.ko* "/lib/modules/$kver/updates/dkms/"
sd=/etc/systemd/system
for u in rtprelay-pkg-check.target rtprelay-pkg-check.service; do
	sed "s|@HERE@|$here|g" "$here/systemd/$u" >"$sd/$u"
done
for u in systemd-modules-load.service timers.target systemd-timesyncd.service \
	systemd-pstore.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
	systemd-firstboot.service systemd-repart.service systemd-pcrphase.service \
	systemd-pcrphase-sysinit.service systemd-machine-id-commit.service \
	systemd-update-utmp.service systemd-random-seed.service \
	systemd-tmpfiles-setup.service; do
	ln -sf /dev/null "$sd/$u"
done
check "systemd check units installed" test -s "$sd/rtprelay-pkg-check.service"
printf '%s\n' /lib/systemd/systemd --unit=rtprelay-pkg-check.target >/run/kmq-init
cat /proc/uptime >/run/rtprelay-pkg-handoff
summary
