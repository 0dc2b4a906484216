#!/bin/bash
# t/bench/kernel/rtpengine-prep.sh OUTDIR KDIR: the reference row's parts,
# never installed on this host: Debian's rtpengine-kernel-dkms source
# (apt-get download, unpacked) built with Kbuild against KDIR into
# OUTDIR/xt_RTPENGINE.ko, and rtpengine-iptables' iptables extension
# unpacked into OUTDIR/xtables (the guest points XTABLES_LIBDIR at it). The
# daemon is the installed /usr/bin/rtpengine. On success prints the
# rtpengine version; on failure prints why on stdout and exits non-zero
# (run.sh puts that into the report).
set -uo pipefail
out=$1 kdir=$2
[ -x /usr/bin/rtpengine ] || { echo "rtpengine-daemon is not installed (/usr/bin/rtpengine)"; exit 1; }
mkdir -p "$out"
if [ ! -s "$out/xt_RTPENGINE.ko" ] || [ ! -s "$out/xtables/libxt_RTPENGINE.so" ]; then
	dl=$(mktemp -d)
	chown _apt "$dl" 2>/dev/null || true # else apt warns "unsandboxed"
	(cd "$dl" && apt-get download -qq rtpengine-kernel-dkms rtpengine-iptables >/dev/null 2>&1) ||
		{ echo "apt-get download rtpengine-kernel-dkms rtpengine-iptables failed"; rm -rf "$dl"; exit 1; }
	dpkg-deb -x "$dl"/rtpengine-kernel-dkms_*.deb "$dl/k" && dpkg-deb -x "$dl"/rtpengine-iptables_*.deb "$dl/i" ||
		{ echo "cannot unpack the rtpengine packages"; rm -rf "$dl"; exit 1; }
	src=$(ls -d "$dl"/k/usr/src/rtpengine-* | head -1)
	ver=${src##*/rtpengine-}
	if ! make -C "$kdir" M="$src" RTPENGINE_VERSION="\"$ver\"" modules > "$out/build.log" 2>&1; then
		echo "xt_RTPENGINE $ver does not build against $kdir: $(grep -m1 -i error "$out/build.log")"
		rm -rf "$dl"; exit 1
	fi
	cp "$src/xt_RTPENGINE.ko" "$out/"
	mkdir -p "$out/xtables"
	cp "$dl"/i/usr/lib/*/xtables/libxt_RTPENGINE.so "$out/xtables/"
	echo "$ver" > "$out/version"
	rm -rf "$dl"
fi
cat "$out/version"
