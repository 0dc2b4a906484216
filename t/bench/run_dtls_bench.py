#!/usr/bin/env python3
"""DTLS-SRTP handshakes per second a relay completes while it relays media.

For rtprelay and (when installed) rtpengine 10.5, one after the other, each
started as run_ice_bench.py starts it (rate_bench.py: foreground, no config
file, its own loopback address, --num-threads=2, the same ng port):
  - media_load relays DTLS_MEDIA_CALLS plain calls at 50 packets/s per
    direction through the relay for the whole run;
  - for each rate of DTLS_RATES, RATE x DTLS_STEP_S calls are set up over ng
    whose party A offers UDP/TLS/RTP/SAVPF with a=rtcp-mux, a=setup:active
    and its certificate's a=fingerprint ("transport-protocol" RTP/AVP and
    "rtcp-mux" demux: B is plain RTP/AVP); then dtls_hs starts one
    handshake per call at RATE per second (open loop), from A's announced
    port to the relay's, as the DTLS client, checking the relay's
    certificate against its a=fingerprint and the SRTP profile; the calls
    are deleted after the step;
  - meanwhile an ng ping every 10 ms measures the control socket.
The sustained rate is the highest offered rate at which every handshake
completed and the ng ping p99 stayed within 10 ms (report_dtls.py).
Every figure goes to t/bench/results/dtls.tsv (with t/bench/meta.sh's
metadata); results.py renders RESULTS.md's dtls section from it.

Environment: DTLS_HS, MEDIA_LOAD, RTPRELAY, RTPENGINE (binaries),
DTLS_RATES ("50 100 200 400 800 1600"), DTLS_MEDIA_CALLS (500), DTLS_STEP_S (1),
RESULTS_DIR, RESULTS_MD. Bounded: every child has a timeout, every
handshake dtls_hs's 5 s, the relays are stopped by PID (TERM, KILL after
5 s).
"""

import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "t", "integ"))
sys.path.insert(0, HERE)
import dtls  # noqa: E402
import rate_bench as bench  # noqa: E402

ENV = os.environ.get
DTLS_HS = ENV("DTLS_HS", os.path.join(HERE, "dtls_hs"))
RATES = [int(r) for r in ENV("DTLS_RATES", "50 100 200 400 800 1600").split()]
MEDIA_CALLS = int(ENV("DTLS_MEDIA_CALLS", "500"))
STEP_S = float(ENV("DTLS_STEP_S", "1"))
GEN = bench.GEN
PORT_BASE = 20000  # the DTLS parties' ports (media_load's are 10000..)
HS_TIMEOUT_S = 5


def setup_calls(c, addr, rate, n, fp_line, path):
    """n DTLS calls set up; their targets (A's port, the relay's port, the
    relay's sha-256 fingerprint) written to path. Returns the call-ids."""
    lines, calls = [], []
    for i in range(n):
        port = PORT_BASE + i
        a = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
             "m=audio %d UDP/TLS/RTP/SAVPF 0\r\na=rtcp-mux\r\na=setup:active\r\n"
             "a=fingerprint:%s\r\n" % (GEN, GEN, port, fp_line))
        b = ("v=0\r\no=- 2 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
             "m=audio 9 RTP/AVP 0\r\n" % (GEN, GEN))
        call = "dtlsbench-%d-%d" % (rate, i)
        c.offer(a, call, "A", **{"transport-protocol": "RTP/AVP", "rtcp-mux": ["demux"]})
        calls.append(call)
        body = c.answer(b, call, "A", "B")["sdp"]
        m = re.search(r"^m=audio (\d+) UDP/TLS/RTP/SAVPF", body, re.M)
        fp = re.search(r"^a=fingerprint:sha-256 ([0-9A-Fa-f:]+)", body, re.M)
        if not m or not fp or not re.search(r"^a=setup:passive", body, re.M):
            raise RuntimeError("no passive DTLS in the relay's answer: %r" % body[:400])
        lines.append("%d %s %s" % (port, m.group(1), fp.group(1)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return calls


def run_relay(tmp, cert, rows, name, addr, p, c, load):
    c.timeout = 5.0
    # set-up time is outside the steps: at most ~2 ms of ng per call
    total = sum(r * STEP_S for r in RATES) * 0.008 + len(RATES) * (
        STEP_S + HS_TIMEOUT_S + 2) + 5
    ml = bench.media_load(p, addr, MEDIA_CALLS, total)
    for rate in RATES:
        n = max(1, int(rate * STEP_S))
        targets = os.path.join(tmp, "%s.%d.targets" % (name, rate))
        calls = setup_calls(c, addr, rate, n, cert.fingerprint("sha-256"), targets)
        r, rtts = bench.step(addr, [DTLS_HS, "--local", GEN, "--addr", addr, "--targets",
                                    targets, "--cert", cert.cert, "--key", cert.key, "--rate",
                                    str(rate), "--timeout", str(HS_TIMEOUT_S)],
                             STEP_S + HS_TIMEOUT_S + 30)
        res = bench.kv(r.stdout)
        if r.returncode != 0:
            res["status"] = "dtls_hs exited %d: %s" % (r.returncode, r.stderr.strip()[-200:])
        bench.cell_rows(rows, name, rate, res, rtts, load)
        print("run_dtls_bench: %-9s %4d handshakes/s offered: %s completed/s, %s of %s "
              "completed, p99 %s us, ng ping p99 %s us"
              % (name, rate, res.get("completed_rate"), res.get("completed"),
                 res.get("handshakes"), res.get("hs_p99_us"), res["ng_ping_p99_us"]))
        for call in calls:
            c.delete(call, **{"delete delay": 0})
        time.sleep(0.5)
    bench.media_rows(ml, total, name, rows)


def main():
    if not bench.built("run_dtls_bench", (DTLS_HS, bench.MEDIA_LOAD)):
        return 1
    tmp = tempfile.mkdtemp(prefix="dtls_bench.")
    meta = bench.meta()
    rows = []
    cert = dtls.Cert()
    try:
        bench.each_relay(tmp, rows, lambda *relay: run_relay(tmp, cert, rows, *relay))
    finally:
        subprocess.run(["rm", "-rf", tmp, cert.dir])
    return bench.write("run_dtls_bench", "dtls", meta + (
        "meta\tdtls_media_calls\t%d\nmeta\tdtls_step_s\t%g\nmeta\tdtls_hs_timeout_s\t%d\n"
        % (MEDIA_CALLS, STEP_S, HS_TIMEOUT_S)), rows)


if __name__ == "__main__":
    sys.exit(main())
