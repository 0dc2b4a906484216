#!/bin/bash
# Install test of the Debian packages, in a throw-away root.
#
#   t/pkg/run.sh              build the packages (make deb), then test them
#   t/pkg/run.sh DIR          test the .debs already in DIR
#
# The throw-away root is this machine's own Debian 12 system seen through an
# overlay (lower: /, read-only; upper: a tmpfs), inside private mount, PID
# and network namespaces: dpkg, adduser and the maintainer scripts are the
# real ones and run in a chroot, nothing reaches the host, and everything
# disappears when the test ends (the namespaces die with it). Offline, a
# few seconds plus lintian and two builds of the module. Needs root,
# overlayfs, unshare (util-linux), dkms, lintian, linux-headers-amd64.
#
# Checks: lintian --pedantic reports only the tags debian/lintian-accepted
# lists, and all of them; files and conffiles of the three packages; the
# packaged module source built by DKMS against the installed Debian
# headers, by the postinst and by `dkms build -k` (vermagic, modules.alias,
# the compile tests' findings in DKMS's make.log), and removed from DKMS
# by the prerm; the system user and group, the unit enabled by the
# postinst, `systemd-analyze verify` of the installed unit; the installed
# rtprelay started as rtprelay.service would (as user rtprelay, packaged
# config, READY=1) answers ping, offer and rtprelay-ctl; a changed conffile
# survives a reinstall; remove keeps the conffiles and the user; purge
# leaves nothing: every file the test wrote into the root is compared with
# the host's, and only dpkg's own records may differ. Then a qemu guest of
# Debian's kernel (t/kernel's, one boot, ~2 min) runs t/pkg/guest.sh with
# the installed files and the module DKMS built: the module loaded at boot
# and by the unit's ExecStartPre, the daemon run as the unit runs it with
# kernel forwarding on (and off without the module); then, in the same
# boot, systemd as PID 1 on that root (t/pkg/guest_systemd.sh, ~25 s more)
# starts, reloads and stops the installed rtprelay.service: active after
# READY=1, user rtprelay with the unit's capabilities, the module loaded by
# ExecStartPre, kernel forwarding on, a call kernelized, nothing left
# after the stop. Each guest stage prints its own summary line; a missing
# one fails. Exit status 0 when all pass.
set -u -o pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
TIMEOUT=${RTPRELAY_PKG_TIMEOUT:-300}

if [ "${1:-}" != --inner ]; then
	[ "$(id -u)" = 0 ] || { echo "t/pkg: needs root (dpkg, chroot, namespaces)" >&2; exit 2; }
	if [ -n "${1:-}" ]; then
		debs=$(cd "$1" && pwd)
	else
		make --no-print-directory -C "$TOP" deb >/dev/null || exit 1
		debs=$TOP/build/deb
	fi
	ls "$debs"/rtprelay-daemon_*.deb >/dev/null 2>&1 || { echo "t/pkg: no .debs in $debs" >&2; exit 2; }
	# The guest stage's input: the .debs, and (from the inner part) the
	# module DKMS built.
	guest_in=$TOP/build/pkg
	rm -rf "$guest_in" && mkdir -p "$guest_in" && cp "$debs"/*.deb "$guest_in/" &&
		rm -f "$guest_in"/*dbgsym* || exit 2
	# Inside: PID 1 of a fresh PID namespace; when it exits, every process
	# it started dies, and the mount namespace (overlay, tmpfs) goes too.
	timeout -k 5 "$TIMEOUT" unshare --mount --net --pid --fork --mount-proc \
		--propagation private "$0" --inner "$debs"
	rc=$?
	# Then the packages as rtprelay.service runs them, with the module
	# DKMS built, in a qemu guest of Debian's kernel (t/pkg/guest.sh; the
	# guest of t/kernel, one boot, about a minute).
	echo "== guest: t/pkg/guest.sh"
	if ! ls "$guest_in"/nft_rtprelay.ko* >/dev/null 2>&1; then
		echo "FAIL guest stage: no module from DKMS in $guest_in"
		exit 1
	fi
	read -r gkver gkroot < <("$TOP/t/kernel/setup-kernel.sh") || { echo "FAIL guest stage: no guest kernel"; exit 1; }
	vm=$(modinfo -F vermagic "$guest_in"/nft_rtprelay.ko* | cut -d' ' -f1)
	[ "$vm" = "$gkver" ] || { echo "FAIL guest kernel $gkver, module built for $vm"; exit 1; }
	out=$("$TOP/t/kernel/run-in-vm.sh" -q -n -r "$gkroot" -K "$gkver" -c 2 -m 1024 \
		-t "$TIMEOUT" -s "$TOP/t/pkg/guest.sh" 2>&1)
	vmrc=$?
	echo "$out"
	line=$(echo "$out" | grep -aoE '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	gfail=${line#* passed, }
	gfail=${gfail% failed}
	# and the same boot's systemd stage (t/pkg/guest_systemd.sh): its own
	# summary, or it did not run
	sline=$(echo "$out" | grep -aoE '^systemd: [0-9]+ passed, [0-9]+ failed' | tail -1)
	sfail=${sline#* passed, }
	sfail=${sfail% failed}
	if [ -z "$line" ] || [ -z "$sline" ] || [ "$vmrc" != 0 ]; then
		echo "FAIL guest stage: exit status $vmrc, summaries '$line', '$sline'"
		exit 1
	fi
	[ "$rc" = 0 ] && [ "$gfail" = 0 ] && [ "$sfail" = 0 ]
	exit
fi

debs=$2
failures=0
pass() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
die() { printf 'FAIL %s\n' "$*"; exit 1; }
check() { # check "what" command...: pass if the command succeeds
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# lintian --pedantic: no tag but those debian/lintian-accepted lists, and
# each of those still reported (the list stays accurate).
if command -v lintian >/dev/null; then
	changes=$(ls "$debs"/*.changes 2>/dev/null | head -1)
	tags=$(lintian --pedantic -I ${changes:-"$debs"/*.deb} 2>&1 | grep -v '^running with root')
	accepted=$(grep -v '^#' "$TOP/debian/lintian-accepted" | xargs)
	bad=$(echo "$tags" | awk -v ok=" $accepted " 'NF && index(ok, " " $3 " ") == 0')
	[ -z "$bad" ] && pass "lintian --pedantic: only accepted tags (${accepted:-none})" ||
		fail "lintian --pedantic: $bad"
	for t in $accepted; do
		echo "$tags" | awk -v t="$t" '$3 == t { f = 1 } END { exit !f }' ||
			fail "debian/lintian-accepted: $t is no longer reported (remove it)"
	done
else
	fail "lintian is not installed (scripts/deps.sh check installs it)"
fi

T=$(mktemp -d /tmp/rtprelay-pkg.XXXXXX)
DPID=
# The namespaces end everything anyway; this leaves no empty dir on the host.
cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	umount -R -l "$T" 2>/dev/null
	rmdir "$T"
}
trap cleanup EXIT
mount -t tmpfs -o size=512m tmpfs "$T" || die "tmpfs"
mkdir -p "$T/upper" "$T/work" "$T/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$T/upper,workdir=$T/work" "$T/root" ||
	die "overlay mount (lowerdir=/)"
R=$T/root
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount -t tmpfs tmpfs "$R/run"
mount -t tmpfs tmpfs "$R/tmp"
ip link set lo up || die "lo up"
mkdir -p "$R/tmp/debs" && cp "$debs"/*.deb "$R/tmp/debs/" && rm -f "$R"/tmp/debs/*dbgsym*
in_root() { chroot "$R" "$@"; }
deb() { local f; for f in "$R"/tmp/debs/"$1"_*.deb; do echo "${f#"$R"}"; done; }

# Baseline: what the root looks like before any package of ours.
for p in rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms; do
	in_root dpkg-query -W "$p" >/dev/null 2>&1 && die "$p is installed on the host; remove it first"
done
in_root getent passwd rtprelay >/dev/null && die "user rtprelay exists on the host"

# ---------------------------------------------------------------- install
export DEBIAN_FRONTEND=noninteractive
if in_root dpkg -i "$(deb rtprelay-daemon)" "$(deb rtprelay-utils)" "$(deb rtprelay-kernel-dkms)" \
	>"$T/install.log" 2>&1; then
	pass "dpkg -i of the three packages"
else
	cat "$T/install.log"; die "dpkg -i"
fi
for p in rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms; do
	st=$(in_root dpkg-query -W -f='${Status}' "$p")
	[ "$st" = "install ok installed" ] && pass "$p: $st" || fail "$p status: $st"
done
for f in /usr/bin/rtprelay /usr/bin/rtprelay-ctl /usr/bin/rtprelay-ng-client; do
	check "$f executable" test -x "$R$f"
done
for f in /etc/rtprelay/rtprelay.conf /etc/default/rtprelay /lib/systemd/system/rtprelay.service \
	/usr/share/man/man8/rtprelay.8.gz /usr/share/man/man8/rtprelay-ctl.8.gz \
	/usr/share/man/man1/rtprelay-ng-client.1.gz /etc/modules-load.d/rtprelay.conf \
	/usr/share/doc/rtprelay-kernel-dkms/README.Debian; do
	check "$f installed" test -f "$R$f"
done
check "/usr/share/doc/rtprelay-daemon/OPERATIONS.md(.gz) installed" \
	bash -c "ls '$R'/usr/share/doc/rtprelay-daemon/OPERATIONS.md* >/dev/null 2>&1"
# The packaged module source, built by DKMS as on a user's machine. The
# postinst (dh_dkms's: dkms's common.postinst) registers it with DKMS and
# builds and installs it for the kernels it finds (the running one if
# /lib/modules has it, else every one there: here the host runs its own
# kernel, so Debian's, whose headers are installed). Then the same by hand
# for the kernel of Debian's linux-headers-amd64, as an operator would
# for a kernel installed later: dkms remove, build, install -k. Kbuild
# runs the compile tests (compat/) in each build.
kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	grep -oE 'linux-headers-[0-9][^ ,]*' | head -1 | sed 's/^linux-headers-//')
mver=$(in_root dpkg-query -W -f='${Version}' rtprelay-kernel-dkms | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
dkms_state() { in_root dkms status -m rtprelay -v "$mver" -k "$kver" 2>/dev/null; }
dkms_k() { # dkms_k ACTION: dkms ACTION for $kver, output to kbuild.log
	in_root dkms "$1" -m rtprelay -v "$mver" -k "$kver" >>"$T/kbuild.log" 2>&1
}
sed -n '/^Setting up rtprelay-kernel-dkms/,$p' "$T/install.log" | sed 's/^/     /'
if [ -z "$kver" ] || [ ! -d "/usr/src/linux-headers-$kver" ]; then
	fail "module build: no headers of linux-headers-amd64 ('$kver') (apt-get install linux-headers-amd64)"
elif ! test -f "$R/usr/src/rtprelay-$mver/dkms.conf"; then
	fail "module source: /usr/src/rtprelay-$mver/dkms.conf missing"
elif [ -z "$(in_root dkms status -m rtprelay -v "$mver" 2>/dev/null)" ]; then
	fail "the postinst did not add rtprelay/$mver to DKMS (dkms status is empty)"
else
	pass "the postinst added rtprelay/$mver to DKMS"
	if dkms_state | grep -q ': installed'; then
		pass "the postinst built and installed it for $kver"
		check "dkms remove -k $kver" dkms_k remove
	else
		echo "     (the postinst did not build for $kver: $(dkms_state))"
	fi
	if dkms_k build && dkms_k install; then
		pass "dkms build, install -k $kver of the packaged source: $(dkms_state)"
	else
		cat "$T/kbuild.log"
		fail "dkms build/install -k $kver of the packaged source"
	fi
	ko=$(ls "$R/lib/modules/$kver/updates/dkms/"nft_rtprelay.ko* 2>/dev/null | head -1)
	if [ -n "$ko" ]; then
		pass "installed as ${ko#"$R"}"
		cp "$ko" "$TOP/build/pkg/" # for the guest stage
		vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
		[ "$vm" = "$kver" ] && pass "nft_rtprelay vermagic $vm" || fail "vermagic '$vm' (want $kver)"
		v=$(modinfo -F version "$ko")
		[ "$v" = "$mver" ] && pass "nft_rtprelay version $v (the package's)" || fail "module version '$v' (want $mver)"
		# what lets nf_tables load the module for a rule using "rtprelay"
		check "modules.alias of $kver has nft-expr-rtprelay (depmod ran)" \
			grep -q '^alias nft-expr-rtprelay nft_rtprelay$' "$R/lib/modules/$kver/modules.alias"
	else
		fail "no nft_rtprelay.ko* in /lib/modules/$kver/updates/dkms"
	fi
	# The compile tests ran against Debian's headers in DKMS's build: Kbuild
	# logs what it found ("compat: found: BASELINE ..."), baseline.c always.
	found=$(sed -n 's/^compat: found: //p' "$R"/var/lib/dkms/rtprelay/"$mver"/"$kver"/*/log/make.log 2>/dev/null)
	if echo " $found " | grep -q ' BASELINE '; then
		pass "compile tests ran under DKMS, found: $found"
	else
		fail "no 'compat: found: BASELINE ...' in DKMS's make.log of $kver ('$found')"
	fi
fi
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' rtprelay-daemon | awk '{print $1}' | sort | xargs)
[ "$conffiles" = "/etc/default/rtprelay /etc/rtprelay/rtprelay.conf" ] &&
	pass "conffiles: $conffiles" || fail "conffiles of rtprelay-daemon: '$conffiles'"
# The user: a system account without a login or a home.
pw=$(in_root getent passwd rtprelay)
IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "$home" = /nonexistent ] &&
	[ "$shell" = /usr/sbin/nologin ]; then
	pass "system user: $pw"
else
	fail "system user rtprelay: '$pw'"
fi
grp=$(in_root getent group rtprelay)
[ -n "$grp" ] && [ "$(echo "$grp" | cut -d: -f3)" = "$gid" ] && pass "group: $grp" ||
	fail "group rtprelay: '$grp' (user's gid $gid)"
# The module's /proc files belong to the user the unit runs the daemon as.
want="options nft_rtprelay proc_uid=$uid proc_gid=$gid"
out=$(in_root modprobe --showconfig 2>/dev/null | grep '^options nft_rtprelay')
[ "$out" = "$want" ] && pass "modprobe config (postinst): $out" ||
	fail "modprobe config for nft_rtprelay: '$out' (want '$want')"
# For the guest stage: what the three packages and their postinsts put
# into the root (dpkg itself is too slow in the guest: minutes under TCG).
{ in_root dpkg -L rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms
	printf '%s\n' /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/modprobe.d/rtprelay.conf
} | while read -r f; do [ -f "$R$f" ] && echo "${f#/}"; done >"$T/installed.list"
tar -C "$R" -cf "$TOP/build/pkg/installed.tar" -T "$T/installed.list" ||
	fail "tar of the installed files for the guest stage"
check "postinst enabled the unit (multi-user.target.wants)" \
	test -L "$R/etc/systemd/system/multi-user.target.wants/rtprelay.service"
if [ -x "$R/usr/bin/systemd-analyze" ]; then
	out=$(in_root systemd-analyze verify --man=no rtprelay.service 2>&1)
	[ -z "$out" ] && pass "systemd-analyze verify of the installed unit" ||
		fail "systemd-analyze verify: $out"
fi
out=$(in_root rtprelay --check-config 2>&1)
[ "$out" = "rtprelay: configuration OK" ] && pass "rtprelay --check-config (packaged config)" ||
	fail "rtprelay --check-config: $out"

# ---------------------------------------------------------------- run
# As rtprelay.service runs it: its ExecStart, as its User, with $OPTIONS
# from /etc/default/rtprelay and a NOTIFY_SOCKET. The network namespace is
# ours, so the packaged 127.0.0.1:2223 cannot clash.
start_daemon() { # start_daemon LOGFILE: sets DPID, waits for READY=1 (10 s)
	local exec_start
	exec_start=$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/rtprelay.service")
	rm -f "$R/run/notify" "$T/notify.out"
	python3 - "$R/run/notify" "$T/notify.out" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
try:
    while True:
        m = s.recv(4096).decode()
        open(sys.argv[2], "a").write(m + "\n")
        if "READY=1" in m.split("\n"):
            break
except socket.timeout:
    pass
EOF
	NPID=$!
	for _ in $(seq 50); do [ -S "$R/run/notify" ] && break; sleep 0.1; done
	chmod 0777 "$R/run/notify"
	# $OPTIONS alone is replaced by its words, as systemd does. The log
	# goes to stderr (no syslog in the root).
	local OPTIONS="" words=() w
	# shellcheck disable=SC1091
	. "$R/etc/default/rtprelay"
	for w in $exec_start; do
		# shellcheck disable=SC2206
		if [ "$w" = '$OPTIONS' ]; then words+=($OPTIONS); else words+=("$w"); fi
	done
	chroot "$R" setpriv --reuid=rtprelay --regid=rtprelay --init-groups \
		env -i NOTIFY_SOCKET=/run/notify "${words[@]}" --log-stderr >"$1" 2>&1 &
	DPID=$!
	wait "$NPID"
	grep -qx 'READY=1' "$T/notify.out" 2>/dev/null
}
if start_daemon "$T/daemon.log"; then
	pass "installed rtprelay started as user rtprelay, READY=1"
else
	cat "$T/daemon.log"; fail "no READY=1 within 15 s"
fi
user=$(in_root ps -o user= -p "$DPID" 2>/dev/null | xargs)
[ "$user" = rtprelay ] && pass "daemon runs as rtprelay" || fail "daemon runs as '$user'"
out=$(in_root rtprelay-ng-client ping 2>&1)
echo "$out" | grep -q '"pong"' && pass "rtprelay-ng-client ping -> pong" || fail "ping: $out"
printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n' \
	>"$R/tmp/offer.sdp"
out=$(in_root rtprelay-ng-client offer --call-id pkg-1 --from-tag a --sdp-file /tmp/offer.sdp --sdp-only 2>&1)
echo "$out" | grep -Eq '^m=audio (3[0-9]{4}|40000) RTP/AVP 0' &&
	pass "offer: media port from the packaged range" || fail "offer: $out"
out=$(in_root rtprelay-ctl statistics 2>&1)
echo "$out" | grep -Eq 'sessionsown\s+1\b' && pass "rtprelay-ctl statistics: 1 session" ||
	fail "rtprelay-ctl statistics: $out"
out=$(in_root rtprelay-ctl list 2>&1)
echo "$out" | grep -q pkg-1 && pass "rtprelay-ctl list shows the call" || fail "rtprelay-ctl list: $out"
kill -TERM "$DPID" 2>/dev/null
for _ in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$DPID" 2>/dev/null; then
	fail "daemon still running 10 s after SIGTERM"; kill -KILL "$DPID"
else
	wait "$DPID"; rc=$?
	[ "$rc" = 0 ] && pass "daemon stopped by SIGTERM, exit 0" || { cat "$T/daemon.log"; fail "exit status $rc"; }
fi

# ---------------------------------------------------------------- conffile
echo "# local change" >>"$R/etc/rtprelay/rtprelay.conf"
if in_root dpkg -i --force-confold "$(deb rtprelay-daemon)" >"$T/reinstall.log" 2>&1; then
	pass "reinstall"
else
	cat "$T/reinstall.log"; fail "reinstall"
fi
check "a changed conffile survives a reinstall" grep -qx '# local change' "$R/etc/rtprelay/rtprelay.conf"

# ---------------------------------------------------------------- remove, purge
in_root dpkg -r rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms >"$T/remove.log" 2>&1 ||
	{ cat "$T/remove.log"; fail "dpkg -r"; }
check "remove: binary gone" test ! -e "$R/usr/bin/rtprelay"
# the prerm (dh_dkms's): dkms remove --all
check "remove: the module is gone from DKMS" bash -c "[ -z \"\$(chroot '$R' dkms status rtprelay 2>/dev/null)\" ] && [ ! -e '$R/var/lib/dkms/rtprelay' ]"
check "remove: nft_rtprelay.ko gone from /lib/modules" \
	bash -c "[ -z \"\$(find '$R/lib/modules' -name 'nft_rtprelay.ko*' 2>/dev/null)\" ]"
check "remove: conffile kept" test -f "$R/etc/rtprelay/rtprelay.conf"
check "remove: user kept" bash -c "chroot '$R' getent passwd rtprelay >/dev/null"
in_root dpkg -P rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms >"$T/purge.log" 2>&1 ||
	{ cat "$T/purge.log"; fail "dpkg -P"; }
for p in rtprelay-daemon rtprelay-utils rtprelay-kernel-dkms; do
	in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed &&
		fail "$p still known to dpkg after purge"
done
check "purge: user gone" bash -c "! chroot '$R' getent passwd rtprelay"
check "purge: group gone" bash -c "! chroot '$R' getent group rtprelay"

# Nothing left: every file in the overlay's upper layer is either dpkg's
# own bookkeeping or identical to the host's file (copied up, then restored).
left=$(cd "$T/upper" && find . -xdev \( -type f -o -type l \) | sed 's|^\.||' | sort | while read -r f; do
	case "$f" in
	/var/lib/dpkg/* | /var/log/dpkg.log | /var/log/apt/* | /var/cache/debconf/* | /tmp/* | \
		/etc/passwd- | /etc/group- | /etc/shadow- | /etc/gshadow- | /etc/subuid- | /etc/subgid- | \
		/var/cache/man/* | /etc/.pwd.lock | /var/lib/systemd/deb-systemd-helper-enabled/*.dsh-also | \
		/var/lib/systemd/deb-systemd-helper-masked/*)
		continue ;;
	# The machine's, not the package's: depmod's indexes of the kernel the
	# module was built for (made by dkms install/remove; the host has
	# that kernel's headers but not its image, so none existed) and the
	# key DKMS made to sign modules, kept for every later DKMS module.
	/usr/lib/modules/*/modules.* | /lib/modules/*/modules.* | /var/lib/dkms/mok.key | /var/lib/dkms/mok.pub)
		continue ;;
	esac
	if [ -L "$T/upper$f" ] || [ ! -e "$f" ] || ! cmp -s "$T/upper$f" "$f"; then
		echo "$f"
	fi
done)
# Whiteouts (files of the host deleted in the root) count too.
gone=$(cd "$T/upper" && find . -xdev -type c | sed 's|^\.||' | grep -Ev '^/(tmp|var/lib/dpkg)/')
if [ -z "$left$gone" ]; then
	pass "purge: nothing left (the root matches the host outside dpkg's records)"
else
	fail "purge left files: ${left//$'\n'/ } ${gone:+deleted: ${gone//$'\n'/ }}"
fi
found=$(cd "$T/upper" && find . -xdev -name '*rtprelay*' ! -path './var/lib/dpkg/*' ! -path './tmp/*' | xargs)
[ -z "$found" ] && pass "purge: no path named *rtprelay* left" || fail "left after purge: $found"

echo "t/pkg: $failures failure(s)"
[ "$failures" = 0 ]
