#!/bin/bash
# t/kernel/run.sh: the kernel module's tests. Builds nft_rtprelay against
# Debian's linux-headers-amd64, runs the host unit test of its pure code,
# then boots Debian's kernel of the same version under qemu (TCG) with the
# host's / shared in read-only, and runs guest.sh there (one boot).
# Needs what `scripts/deps.sh check` installs and the guest kernel that
# t/kernel/setup-kernel.sh unpacks (it is called here too; no-op when done).
# Prints "N passed, N failed" last; exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${RTPRELAY_KTEST_BIN:-$top/build/kernel}
start=$(date +%s)
cd "$top"

read -r kver kroot < <("$here/setup-kernel.sh") || { echo "t/kernel: no guest kernel" >&2; exit 1; }
kdir=/usr/src/linux-headers-$kver
echo "t/kernel: kernel $kver (headers $kdir, image under $kroot)"

make --no-print-directory -C kernel-module KDIR="$kdir" RTPRELAY_WERROR=y >/dev/null || {
	echo "t/kernel: module build failed" >&2
	make --no-print-directory -C kernel-module KDIR="$kdir" RTPRELAY_WERROR=y >&2
	exit 1
}
mkdir -p "$out"
cflags="-O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -D_GNU_SOURCE -I$top/include -I$top/kernel-module"
set -e
cc $cflags -o "$out/ktest" t/kernel/ktest.c t/kernel/ktest_abi.c t/kernel/ktest_forward.c \
	t/kernel/ktest_table.c t/kernel/ktest_safety.c t/kernel/knet.c t/kernel/kfuzz.c t/kernel/kclient.c -pthread
cc $cflags -o "$out/nftrule" t/kernel/nftrule.c -lmnl -lnftnl
cc $cflags -fsanitize=address,undefined -o "$out/test_rtp_class" t/kernel/test_rtp_class.c kernel-module/rtp_class.c
cc $cflags -fsanitize=thread -o "$out/test_slots" t/kernel/test_slots.c kernel-module/slots.c -pthread
set +e

pass=0 fail=0
add_summary() { # file with a "... N passed, N failed" last summary line
	local l
	l=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$l" ]; then fail=$((fail + 1)); echo "FAIL - $2: no summary line"; return; fi
	set -- $l
	pass=$((pass + $1)); fail=$((fail + $3))
}

for t in test_rtp_class test_slots; do
	echo "== host: $t"
	"$out/$t" > "$out/$t.log" 2>&1
	grep -av '^ok' "$out/$t.log"
	add_summary "$out/$t.log" $t
done

# slub_debug: poisoned frees and red zones, so a use after free or an
# overrun by the module shows up in dmesg (guest.sh checks it).
echo "== guest: guest.sh"
KMQ_APPEND="slub_debug=FZPU ${KMQ_APPEND:-}" "$here/run-in-vm.sh" -q -n -r "$kroot" -K "$kver" -k kernel-module \
	-c 2 -m 1024 -t "${RTPRELAY_KTEST_TIMEOUT:-600}" -s "$here/guest.sh" > "$out/guest.log" 2>&1
vmrc=$?
cat "$out/guest.log"
add_summary "$out/guest.log" guest.sh
if [ "$vmrc" != 0 ] && [ "$fail" = 0 ]; then
	fail=$((fail + 1)); echo "FAIL - guest exit status $vmrc"
fi
echo "t/kernel: $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
