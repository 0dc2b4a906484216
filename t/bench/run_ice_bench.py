#!/usr/bin/env python3
"""ICE checks per second a relay answers while it relays media.

For rtprelay and (when installed) rtpengine 10.5, one after the other, each
started in the foreground without config file on its own loopback address
(127.0.0.4 / 127.0.0.5, as run_media_bench.sh) with --num-threads=2
(rate_bench.py):
  - ICE_CALLS calls whose offerer did ICE (credentials, one host candidate
    on a discard port) are set up over ng; the relay's port, ufrag and pwd
    toward the offerer are the check targets;
  - media_load relays ICE_MEDIA_CALLS plain calls at 50 packets/s per
    direction through the same relay for the whole run;
  - ice_checks sends binding requests (USERNAME, PRIORITY, ICE-CONTROLLING,
    MESSAGE-INTEGRITY, FINGERPRINT: what a browser's check carries) round
    robin to the targets at each rate of ICE_RATES for ICE_STEP_S seconds,
    open loop, counting and timing the success responses;
  - meanwhile an ng ping every 10 ms measures the control socket.
Every figure goes to t/bench/results/ice.tsv (with t/bench/meta.sh's
metadata); results.py renders RESULTS.md's ice section from it.

Environment: ICE_CHECKS, MEDIA_LOAD, RTPRELAY, RTPENGINE (binaries),
ICE_RATES ("2000 5000 10000 20000 40000"), ICE_CALLS (20), ICE_MEDIA_CALLS
(500), ICE_STEP_S (3), RESULTS_DIR, RESULTS_MD. Bounded: every child has a
timeout, the relays are stopped by PID (TERM, KILL after 5 s).
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "t", "integ"))
sys.path.insert(0, HERE)
import rate_bench as bench  # noqa: E402
import stun  # noqa: E402

ENV = os.environ.get
ICE_CHECKS = ENV("ICE_CHECKS", os.path.join(HERE, "ice_checks"))
RATES = [int(r) for r in ENV("ICE_RATES", "2000 5000 10000 20000 40000").split()]
CALLS = int(ENV("ICE_CALLS", "20"))
MEDIA_CALLS = int(ENV("ICE_MEDIA_CALLS", "500"))
STEP_S = float(ENV("ICE_STEP_S", "3"))
GEN = bench.GEN


def ice_targets(c, addr, path):
    """CALLS ICE calls set up; their targets written to path."""
    lines = []
    for i in range(CALLS):
        uf, pw = stun.creds()
        a = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
             "m=audio %d RTP/AVP 0\r\na=rtcp-mux\r\n%s"
             % (GEN, GEN, 9, stun.ice_lines(uf, pw, [(1, GEN, 9)])))
        b = ("v=0\r\no=- 2 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
             "m=audio 9 RTP/AVP 0\r\na=rtcp-mux\r\n" % (GEN, GEN))
        call = "icebench-%d" % i
        c.offer(a, call, "A", **{"rtcp-mux": ["demux"]})
        r = c.answer(b, call, "A", "B")
        ruf, rpw, cands = stun.sdp_ice(r["sdp"])
        port = [cd[4] for cd in cands if cd[3] == addr and cd[1] == 1]
        if not ruf or not port:
            raise RuntimeError("no ICE in the relay's answer: %r" % r["sdp"][:300])
        lines.append("%d %s:%s %s" % (port[0], ruf, uf, rpw))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def run_relay(tmp, rows, name, addr, p, c, load):
    targets = os.path.join(tmp, name + ".targets")
    ice_targets(c, addr, targets)
    total = len(RATES) * (STEP_S + 1.5) + 3
    ml = bench.media_load(p, addr, MEDIA_CALLS, total)
    for rate in RATES:
        r, rtts = bench.step(addr, [ICE_CHECKS, "--addr", addr, "--targets", targets,
                                    "--rate", str(rate), "--duration", str(STEP_S)],
                             STEP_S + 30)
        res = bench.kv(r.stdout)
        bench.cell_rows(rows, name, rate, res, rtts, load)
        print("run_ice_bench: %-9s %6d checks/s offered: %s answered/s (%s%%), p99 %s us, "
              "ng ping p99 %s us" % (name, rate, res.get("answered_rate"),
                                     res.get("answered_pct"), res.get("check_p99_us"),
                                     res["ng_ping_p99_us"]))
        time.sleep(0.5)
    bench.media_rows(ml, total, name, rows)


def main():
    if not bench.built("run_ice_bench", (ICE_CHECKS, bench.MEDIA_LOAD)):
        return 1
    tmp = tempfile.mkdtemp(prefix="ice_bench.")
    meta = bench.meta()
    rows = []
    try:
        bench.each_relay(tmp, rows, lambda *relay: run_relay(tmp, rows, *relay))
    finally:
        subprocess.run(["rm", "-rf", tmp])
    return bench.write("run_ice_bench", "ice", meta + (
        "meta\tice_calls\t%d\nmeta\tice_media_calls\t%d\nmeta\tice_step_s\t%g\n"
        % (CALLS, MEDIA_CALLS, STEP_S)), rows)


if __name__ == "__main__":
    sys.exit(main())
