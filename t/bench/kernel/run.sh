#!/bin/bash
# t/bench/kernel/run.sh: nft_rtprelay against a user-space forwarder, in the
# qemu guest of the kernel tests (TCG: only ratios mean anything). The same
# load (t/bench/media_load: N calls, 2 streams each) goes through
# min_forwarder (1 thread, bare recvmmsg/sendmmsg) and through kernel
# targets with the same mapping, one after the other in one boot; the
# generator sits in a network namespace behind a veth pair so that its CPU
# and the relay's are measured apart (see guest.sh). report.py writes
# t/bench/kernel/RESULTS.md from the run (header, table, verdicts) and
# prints the table. A reference row runs Debian's rtpengine with its kernel
# module (rtpengine-prep.sh builds it here, never installs it) when
# rtpengine-daemon is installed; otherwise the report says why not.
# Environment: KBENCH_CALLS ("50 200"), KBENCH_DURATION (8 s measured per
# run), KBENCH_REPEAT (3 runs of every row, taking turns; the report takes
# medians), KBENCH_RTPENGINE=0 (no reference row), KBENCH_CPUS (guest vCPUs, 3:
# CPU 1 relays, the others generate), KBENCH_RESULTS (where to write the
# report; default t/bench/kernel/RESULTS.md), KBENCH_ROWS (the rows to run,
# default all: user kernel kernel-timed kernel-pre rtprelay-user
# rtprelay-kernel rtpengine), KBENCH_PROFILE=1 (perf
# profiles of CPU 1 into build/kernel-bench/results/profile.*.txt instead of
# CPU figures: no report).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kt=$top/t/kernel
out=$top/build/kernel-bench
calls=${KBENCH_CALLS:-50 200}
cd "$top"

read -r kver kroot < <("$kt/setup-kernel.sh") || exit 1
make --no-print-directory -C kernel-module KDIR=/usr/src/linux-headers-$kver >/dev/null || exit 1
make --no-print-directory -C t/bench build >/dev/null || exit 1
mkdir -p "$out/results"
rm -f "$out"/results/*.tsv "$out"/results/notes.md
cflags="-O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$top/include -I$kt"
cc $cflags -o "$out/ktargets" "$here/ktargets.c" "$kt/kclient.c" || exit 1
cc $cflags -o "$out/nftrule" "$kt/nftrule.c" -lmnl -lnftnl || exit 1

rtpe_dir=
if [ "${KBENCH_RTPENGINE:-1}" = 0 ]; then
	echo "- rtpengine row not run: KBENCH_RTPENGINE=0" >> "$out/results/notes.md"
elif why=$("$here/rtpengine-prep.sh" "$out/rtpengine" "/usr/src/linux-headers-$kver"); then
	rtpe_dir=$out/rtpengine
	echo "- rtpengine row: Debian's rtpengine $why, xt_RTPENGINE built with Kbuild against the guest kernel's headers (not installed on the host), daemon --table=0 --no-fallback --num-threads=1 on CPU 1, calls set up over ng by media_load" >> "$out/results/notes.md"
else
	echo "- rtpengine row not run: $why" >> "$out/results/notes.md"
fi

# run-in-vm.sh passes no environment into the guest: hand it over in a file
cat > "$out/env.sh" <<EOT
export KBENCH_CALLS="$calls" KBENCH_DURATION=${KBENCH_DURATION:-8} KBENCH_REPEAT=${KBENCH_REPEAT:-3}
export KBENCH_OUT="$out/results" KBENCH_RTPE_DIR="$rtpe_dir" KBENCH_PROFILE="${KBENCH_PROFILE:-}"
export KBENCH_ROWS="${KBENCH_ROWS:-}"
EOT
cat > "$out/guest-run.sh" <<EOT
. "$out/env.sh"
exec bash "$here/guest.sh"
EOT
"$kt/run-in-vm.sh" -q -n -r "$kroot" -K "$kver" -k kernel-module -c "${KBENCH_CPUS:-3}" -m 1024 -t 1200 \
	-w "$out/results" -s "$out/guest-run.sh" || { echo "kbench: guest failed" >&2; exit 1; }

if [ -n "${KBENCH_PROFILE:-}" ]; then
	ls "$out"/results/profile.*.txt
	exit 0
fi
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
python3 "$here/report.py" "$out/results" "${KBENCH_RESULTS:-$here/RESULTS.md}" "$commit" "$calls"
