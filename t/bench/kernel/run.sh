#!/bin/bash
# t/bench/kernel/run.sh: nft_rtprelay against a user-space forwarder, in the
# qemu guest of the kernel tests (TCG: only ratios mean anything). The same
# load (t/bench/media_load: N calls, 2 streams each, 50 packets/s per
# stream, 172-byte RTP) goes through min_forwarder (1 thread, bare
# recvmmsg/sendmmsg) and through kernel targets with the same mapping, one
# after the other in one boot. The generator is pinned to CPU 0, the relaying
# (min_forwarder, and through RPS on lo all receive processing, where the
# kernel targets forward) to CPU 1 (see guest.sh). Prints delivered
# packets/s, loss, and CPU per delivered packet from the guest's /proc/stat:
# CPU 1 (relaying), CPU 0 (generator) and the whole guest. Environment: KBENCH_CALLS ("50 200"),
# KBENCH_DURATION (8 s measured per run).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kt=$top/t/kernel
out=$top/build/kernel-bench
cd "$top"

read -r kver kroot < <("$kt/setup-kernel.sh") || exit 1
make --no-print-directory -C kernel-module KDIR=/usr/src/linux-headers-$kver >/dev/null || exit 1
make --no-print-directory -C t/bench build >/dev/null || exit 1
mkdir -p "$out/results"
rm -f "$out"/results/*.tsv "$out"/results/idle
cflags="-O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$top/include -I$kt"
cc $cflags -o "$out/ktargets" "$here/ktargets.c" "$kt/kclient.c" || exit 1
cc $cflags -o "$out/nftrule" "$kt/nftrule.c" -lmnl -lnftnl || exit 1

# run-in-vm.sh passes no environment into the guest: hand it over in a file
cat > "$out/env.sh" <<EOT
export KBENCH_CALLS="${KBENCH_CALLS:-50 200}" KBENCH_DURATION=${KBENCH_DURATION:-8}
export KBENCH_OUT="$out/results"
EOT
cat > "$out/guest-run.sh" <<EOT
. "$out/env.sh"
exec bash "$here/guest.sh"
EOT
"$kt/run-in-vm.sh" -q -n -r "$kroot" -K "$kver" -k kernel-module -c 2 -m 1024 -t 900 \
	-w "$out/results" -s "$out/guest-run.sh" || { echo "kbench: guest failed" >&2; exit 1; }

v() { sed -n "s/^$2\t//p" "$1" | tail -1; }
mv "$out/results/idle.tsv" "$out/results/idle"
i0=$(v "$out/results/idle" cpu0_busy) i1=$(v "$out/results/idle" cpu1_busy)
echo "idle guest: CPU 0 $i0, CPU 1 $i1 busy (taken out below)"
printf '\n%-7s %6s %9s %9s %7s %9s %9s %9s %8s\n' config calls offered delivered loss% \
	'relay/pkt' 'gen/pkt' 'all/pkt' status
for f in "$out"/results/*.tsv; do
	b=$(basename "$f" .tsv); cfg=${b%.*}; n=${b#*.}
	awk -v c="$cfg" -v n="$n" -v o="$(v "$f" offered_pps)" -v d="$(v "$f" delivered_pps)" \
		-v l="$(v "$f" loss_pct)" -v c0="$(v "$f" cpu0_busy)" -v c1="$(v "$f" cpu1_busy)" \
		-v b="$(v "$f" machine_busy_cpus)" -v s="$(v "$f" status)" -v i0="$i0" -v i1="$i1" 'BEGIN {
		r = d > 0 ? (c1 - i1) * 1e6 / d : 0; g = d > 0 ? (c0 - i0) * 1e6 / d : 0
		a = d > 0 ? (b - i0 - i1) * 1e6 / d : 0
		printf "%-7s %6s %9.0f %9.0f %7.2f %9.2f %9.2f %9.2f %8s\n", c, n, o, d, l, r, g, a, s }'
done | sort -k2,2n -k1,1r | tee "$out/table.txt"
echo "(CPU microseconds per delivered packet: relay = CPU 1, the relaying with the stack's"
echo " receive path; gen = CPU 0, the load generator; all = whole guest, from media_load)"
awk '{ k = $2; if ($1 == "user") { u[k] = $6; ua[k] = $8 } else { kk[k] = $6; ka[k] = $8 } }
	END { for (n in u) if (kk[n] > 0 && ka[n] > 0)
		printf "N=%-5s user/kernel CPU per packet: relay CPU %.2fx, whole guest %.2fx (target >= 3)\n",
			n, u[n] / kk[n], ua[n] / ka[n] }' "$out/table.txt" | sort -t= -k2n
