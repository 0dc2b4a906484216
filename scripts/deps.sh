#!/bin/sh
# Install the Debian packages a build (deps.sh build) or the test suite
# (deps.sh check) needs, skipping apt entirely when all are present so that
# an offline machine with everything installed works too. For check, kernel
# and bench it also unpacks Debian's kernel image for the qemu guest of the
# kernel module tests (t/kernel/setup-kernel.sh: apt-get download, never
# installed).
set -e
build="gcc make pkg-config libglib2.0-dev libevent-dev libjson-c-dev libssl-dev liburing-dev libmnl-dev libnftnl-dev libsrtp2-dev"
# t/e2e's WebRTC leg: a SIP-over-WebSocket client with ICE and DTLS-SRTP, and
# Kamailio's WebSocket listener
e2e_webrtc="baresip-core kamailio-websocket-modules"
deb="debhelper dh-dkms help2man dpkg-dev fakeroot git"
# the kernel module: build (headers), rules (libmnl, nft), qemu guest
kernel="linux-headers-amd64 libmnl-dev libnftnl-dev nftables qemu-system-x86 busybox-static cpio kmod xz-utils file perl iproute2"
# dkms: t/pkg installs rtprelay-kernel-dkms, which depends on it
check="$build $deb $kernel dkms clang-format python3 python3-openssl openssl iproute2 procps systemd kamailio sip-tester lintian adduser util-linux rtpengine-daemon python3-aioice python3-aiortc"
case "${1:-build}" in
build) want=$build ;;
deb) want="$build $deb" ;;
check) want="$check $e2e_webrtc" ;;
kernel) want="$build $kernel" ;;
bench) want="$check rtpengine-daemon" ;;
*) echo "usage: $0 build|deb|check|kernel|bench" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# rtpengine-daemon's postinst may try to start the service; we only want
	# the binary for side-by-side runs.
	apt-get install -y -q --no-install-recommends $missing
fi
case "${1:-build}" in
check|kernel|bench) "$(dirname "$0")/../t/kernel/setup-kernel.sh" >/dev/null ;;
esac
