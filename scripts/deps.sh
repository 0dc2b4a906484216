#!/bin/sh
# Install the Debian packages a build (deps.sh build) or the test suite
# (deps.sh check) needs, skipping apt entirely when all are present so that
# an offline machine with everything installed works too.
set -e
build="gcc make pkg-config libglib2.0-dev libevent-dev libjson-c-dev libssl-dev liburing-dev"
deb="debhelper help2man dpkg-dev fakeroot git"
check="$build $deb clang-format python3 iproute2 procps systemd kamailio sip-tester lintian adduser util-linux"
case "${1:-build}" in
build) want=$build ;;
deb) want="$build $deb" ;;
check) want=$check ;;
bench) want="$check rtpengine-daemon" ;;
*) echo "usage: $0 build|deb|check|bench" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
