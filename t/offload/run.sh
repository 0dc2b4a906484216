#!/bin/bash
# t/offload/run.sh: the daemon's kernel side (daemon/kernel/) against the
# real nft_rtprelay in a qemu guest: start-up with --table=0 (table, nftables
# rules, pinned shards), an ng offer/answer/delete, shutdown (rules, table
# and pins gone), the module absent (user space, one log line) and
# --no-fallback (refuses), the one-shot --nftables-* modes, and injected pin
# failures (offers still succeed), media through kernel targets
# (offload_media.py: kernelized streams, re-answer, block, delete, SRTP,
# refused adds, the module removed under the daemon); before that, a host test of the bounded
# barrier (test_barrier.c). Boots the same guest as t/kernel with its
# scripts (setup-kernel.sh, run-in-vm.sh), once; runs guest.sh there.
# Prints "N passed, N failed" last; exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/offload
start=$(date +%s)
cd "$top"

read -r kver kroot < <("$top/t/kernel/setup-kernel.sh") || { echo "t/offload: no guest kernel" >&2; exit 1; }
kdir=/usr/src/linux-headers-$kver
echo "t/offload: kernel $kver"
make --no-print-directory -C kernel-module KDIR="$kdir" RTPRELAY_WERROR=y >/dev/null || {
	echo "t/offload: module build failed" >&2
	exit 1
}
# The daemon and the ng client the guest runs (the host's files, shared in).
make --no-print-directory BUILD=. -C lib >/dev/null && make --no-print-directory BUILD=. -C daemon >/dev/null || {
	echo "t/offload: daemon build failed" >&2
	exit 1
}
mkdir -p "$out"

# Host: the bounded barrier over a pipe, under ThreadSanitizer.
pass=0 fail=0
cc -O1 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$top/include" -I"$top/daemon" -I"$top/lib" \
	-fsanitize=thread -o "$out/test_barrier" t/offload/test_barrier.c daemon/kernel/barrier.c \
	daemon/kernel/table.c -pthread || { echo "t/offload: test_barrier build failed" >&2; exit 1; }
echo "== host: test_barrier"
"$out/test_barrier" > "$out/test_barrier.log" 2>&1
grep -av '^ok' "$out/test_barrier.log"
line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$out/test_barrier.log" | tail -1)
if [ -n "$line" ]; then
	set -- $line
	pass=$1 fail=$3
else
	fail=1
	echo "FAIL - test_barrier: no summary line"
fi

# Host: the options, through the daemon's own parser.
opt() { # DESCRIPTION WANT_STATUS GREP_FOR [ARGS...]
	local d=$1 want=$2 pat=$3 o rc
	shift 3
	o=$(daemon/rtprelay --config-file=none --interface=127.0.0.1 --listen-ng=127.0.0.1:2223 "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$pat" <<< "$o"; then
		pass=$((pass + 1)); echo "ok   - $d"
	else
		fail=$((fail + 1)); echo "FAIL - $d: exit $rc, output: $o"
	fi
}
echo "== host: options"
opt "nftables options accepted" 0 "configuration OK" --check-config --nftables-chain=rp2 \
	--nftables-base-chain=none --nftables-append --nftables-family=ip6 --nftables-priority=-10
opt "nftables-family ip6,ip accepted" 0 "configuration OK" --check-config --nftables-family=ip6,ip
opt "nftables-family junk refused" 1 "'junk' is not one of ip, ip6, ip,ip6" --check-config --nftables-family=junk
opt "nftables-chain too long refused" 1 "longer than 63" --check-config \
	--nftables-chain=$(printf 'c%.0s' $(seq 1 70))
printf '[rtprelay]\nnftables-start = true\n' > "$out/start.conf"
opt "nftables-start refused in the config file" 1 "can only be given on the command line" \
	--config-file="$out/start.conf" --check-config
printf '[rtprelay]\nnftables-chain = fromfile\nnftables-family = ip\n' > "$out/chain.conf"
opt "nftables keys read from the config file" 0 "configuration OK" --config-file="$out/chain.conf" --check-config
opt "--table=-1 --nftables-start: nothing to do" 0 "kernel forwarding off" --table=-1 --nftables-start
opt "--help lists the nftables options" 0 "--nftables-status" --help

# -n: guest.sh loads the module itself (its first scenario needs it absent).
"$top/t/kernel/run-in-vm.sh" -q -n -r "$kroot" -K "$kver" -k kernel-module -c 2 -m 1024 \
	-t "${RTPRELAY_OFFLOAD_TIMEOUT:-600}" -s "$here/guest.sh" > "$out/guest.log" 2>&1
vmrc=$?
echo "== guest: guest.sh"
cat "$out/guest.log"
line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$out/guest.log" | tail -1)
if [ -z "$line" ]; then
	fail=$((fail + 1))
	echo "FAIL - guest.sh gave no summary line"
else
	set -- $line
	pass=$((pass + $1)) fail=$((fail + $3))
fi
if [ "$vmrc" != 0 ] && [ "$fail" = 0 ]; then
	fail=1
	echo "FAIL - guest exit status $vmrc"
fi
echo "t/offload: $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
