#!/bin/sh
# SIP load benchmark (issue 5): the Kamailio + SIPp end-to-end setup of
# t/e2e at increasing call rates, for rtprelay and (when installed) Debian's
# rtpengine, in fresh network, mount and PID namespaces (root: SIPp's
# play_pcap_audio needs a raw socket; nftables counts media on the wire).
# See t/bench/sip/ramp.py. About 8-10 minutes; logs and results.json in
# build/bench-sip/.
#   RTPRELAY_BIN=...  the daemon under test (default daemon/rtprelay)
#   RTPENGINE_BIN=... (default /usr/bin/rtpengine)
#   SIP_BENCH_RATES="10 20 40 50 60 70 80 90"  SIP_BENCH_STEP_S=15
#   SIP_BENCH_HOLD_MS=8000  SIP_BENCH_RELAY_BUDGET_S=270
#   SIP_BENCH_RELAYS="rtprelay rtpengine"  SIP_BENCH_TIMEOUT=900 (whole run)
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "t/bench/sip: needs root (network namespace, SIPp raw sockets, nft)" >&2
	exit 2
fi
for exe in kamailio sipp unshare nft; do
	command -v "$exe" >/dev/null || { echo "t/bench/sip: $exe not installed" >&2; exit 2; }
done
[ -x "${RTPRELAY_BIN:-$TOP/daemon/rtprelay}" ] || { echo "t/bench/sip: build rtprelay first (make)" >&2; exit 2; }
exec timeout -k 5 "${SIP_BENCH_TIMEOUT:-900}" unshare --net --mount --pid --fork --mount-proc \
	sh -c 'ip link set lo up && exec python3 "$0"' "$TOP/t/bench/sip/ramp.py"
