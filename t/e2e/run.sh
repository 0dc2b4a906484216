#!/bin/sh
# Kamailio + SIPp end-to-end test of rtprelay (see e2e.py). One command,
# non-zero exit on failure; about 40 s. Runs as root (SIPp's
# play_pcap_audio needs a raw socket) inside new network, mount and PID
# namespaces: only a loopback interface, no port clashes with the host,
# and every process it started dies with it. Logs: build/e2e/.
#   RTPRELAY_BIN=...  the daemon under test (default daemon/rtprelay)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "t/e2e: needs root (network namespace, SIPp raw sockets)" >&2
	exit 2
fi
for exe in kamailio sipp unshare; do
	command -v "$exe" >/dev/null || { echo "t/e2e: $exe not installed" >&2; exit 2; }
done
[ -x "${RTPRELAY_BIN:-$TOP/daemon/rtprelay}" ] || { echo "t/e2e: build rtprelay first (make)" >&2; exit 2; }
exec timeout -k 5 "${RTPRELAY_E2E_TIMEOUT:-300}" unshare --net --mount --pid --fork --mount-proc \
	sh -c 'ip link set lo up && exec python3 "$0"' "$TOP/t/e2e/e2e.py"
