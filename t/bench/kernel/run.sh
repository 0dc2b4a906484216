#!/bin/bash
# t/bench/kernel/run.sh: nft_rtprelay against a user-space forwarder, in the
# qemu guest of the kernel tests (TCG: only ratios mean anything). The same
# load (t/bench/media_load: N calls, 2 streams each, 50 packets/s per
# stream, 172-byte RTP) goes through min_forwarder (1 thread, bare
# recvmmsg/sendmmsg) and through kernel targets with the same mapping, one
# after the other in one boot. Prints delivered packets/s, loss, and CPU per
# delivered packet from the guest's /proc/stat (whole machine, the load
# generator included, so the ratio understates the difference) and with
# the generator's own CPU taken out. Environment: KBENCH_CALLS ("50 200"),
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
rm -f "$out"/results/*.tsv
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
printf '\n%-7s %6s %9s %9s %7s %10s %10s %8s\n' config calls offered delivered loss% \
	'us/pkt' 'us/pkt-gen' status
for f in "$out"/results/*.tsv; do
	b=$(basename "$f" .tsv); cfg=${b%.*}; n=${b#*.}
	dpps=$(v "$f" delivered_pps); busy=$(v "$f" machine_busy_cpus); gen=$(v "$f" gen_cpu_pct)
	awk -v c="$cfg" -v n="$n" -v o="$(v "$f" offered_pps)" -v d="$dpps" -v l="$(v "$f" loss_pct)" \
		-v b="$busy" -v g="$gen" -v s="$(v "$f" status)" 'BEGIN {
		us = d > 0 ? b * 1e6 / d : 0; ug = d > 0 ? (b - g / 100) * 1e6 / d : 0
		printf "%-7s %6s %9.0f %9.0f %7.2f %10.2f %10.2f %8s\n", c, n, o, d, l, us, ug, s }'
done | sort -k2,2n -k1,1r | tee "$out/table.txt"
echo
awk '{ k = $2; if ($1 == "user") { u[k] = $6; ug[k] = $7 } else { kk[k] = $6; kg[k] = $7 } }
	END { for (n in u) if (kk[n] > 0 && kg[n] > 0)
		printf "N=%-5s user/kernel CPU per packet: %.2fx whole machine, %.2fx without the generator (target >= 3)\n",
			n, u[n] / kk[n], ug[n] / kg[n] }' "$out/table.txt" | sort -t= -k2n
