#!/bin/sh
# Kamailio + SIPp end-to-end test of rtprelay (see e2e.py). One command,
# non-zero exit on failure; about 40 s for the plain leg, 12 s for the
# WebRTC leg. Runs as root (SIPp's play_pcap_audio needs a raw socket)
# inside new network, mount and PID namespaces: only a loopback
# interface, no port clashes with the host, and every process it started
# dies with it. Logs: build/e2e/.
#   RTPRELAY_BIN=...  the daemon under test (default daemon/rtprelay)
#   RTPRELAY_TARGET=rtpengine  Debian's /usr/bin/rtpengine as the relay
#                     (same options; only the WebRTC leg by default)
#   RTPRELAY_E2E_LEGS=plain,webrtc  which legs (default both; see e2e.py
#                     and webrtc.py)
#   RTPRELAY_E2E_TABLE=0  kernel forwarding (needs nft_rtprelay: t/offload's guest)
#   RTPRELAY_E2E_CALLS=20,10,30,5  normal calls, their rate, forked INVITEs, theirs
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "t/e2e: needs root (network namespace, SIPp raw sockets)" >&2
	exit 2
fi
for exe in kamailio sipp unshare; do
	command -v "$exe" >/dev/null || { echo "t/e2e: $exe not installed" >&2; exit 2; }
done
if [ "${RTPRELAY_TARGET:-rtprelay}" = rtpengine ]; then
	[ -x "${RTPRELAY_BIN:-/usr/bin/rtpengine}" ] || { echo "t/e2e: rtpengine not installed (rtpengine-daemon)" >&2; exit 2; }
else
	[ -x "${RTPRELAY_BIN:-$TOP/daemon/rtprelay}" ] || { echo "t/e2e: build rtprelay first (make)" >&2; exit 2; }
fi
exec timeout -k 5 "${RTPRELAY_E2E_TIMEOUT:-300}" unshare --net --mount --pid --fork --mount-proc \
	sh -c 'ip link set lo up && exec python3 "$0"' "$TOP/t/e2e/e2e.py"
