#!/usr/bin/env python3
"""ICE checks per second a relay answers while it relays media.

For rtprelay and (when installed) rtpengine 10.5, one after the other, each
started in the foreground without config file on its own loopback address
(127.0.0.4 / 127.0.0.5, as run_media_bench.sh) with --num-threads=2:
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
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "t", "integ"))
import ng  # noqa: E402
import stun  # noqa: E402

ENV = os.environ.get
ICE_CHECKS = ENV("ICE_CHECKS", os.path.join(HERE, "ice_checks"))
MEDIA_LOAD = ENV("MEDIA_LOAD", os.path.join(HERE, "media_load"))
RTPRELAY = ENV("RTPRELAY", os.path.join(TOP, "daemon", "rtprelay"))
RTPENGINE = ENV("RTPENGINE", "/usr/bin/rtpengine")
RATES = [int(r) for r in ENV("ICE_RATES", "2000 5000 10000 20000 40000").split()]
CALLS = int(ENV("ICE_CALLS", "20"))
MEDIA_CALLS = int(ENV("ICE_MEDIA_CALLS", "500"))
STEP_S = float(ENV("ICE_STEP_S", "3"))
RESULTS_DIR = ENV("RESULTS_DIR", os.path.join(HERE, "results"))
RESULTS_MD = ENV("RESULTS_MD", os.path.join(HERE, "RESULTS.md"))
NG_PORT = 22231
GEN = "127.0.0.2"


def start(name, binary, addr, tmp):
    extra = (["--port-min=30000", "--port-max=39999"] if name == "rtprelay"
             else ["--table=-1", "--port-min=40000", "--port-max=49999"])
    log = open(os.path.join(tmp, name + ".log"), "w")
    p = subprocess.Popen([binary, "--foreground", "--log-level=3", "--log-stderr",
                          "--config-file=none", "--interface=" + addr,
                          "--listen-ng=%s:%d" % (addr, NG_PORT), "--num-threads=2"] + extra,
                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    c = ng.NG((addr, NG_PORT), timeout=0.5)
    for _ in range(50):
        try:
            c.ping()
            return p, c
        except (ng.NGTimeout, OSError):
            if p.poll() is not None:
                break
            time.sleep(0.1)
    stop(p)
    raise RuntimeError("%s did not answer ng on %s:%d" % (name, addr, NG_PORT))


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


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


def pinger(c, stop_ev, out):
    while not stop_ev.is_set():
        t = time.monotonic()
        try:
            c.ping()
            out.append((time.monotonic() - t) * 1e6)
        except (ng.NGTimeout, OSError):
            out.append(float("inf"))
        time.sleep(0.01)


def pct(v, p):
    if not v:
        return -1
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(len(v) * p / 100.0 + 0.999999) - 1))]


def kv(text):
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition("\t")
        if k:
            out[k] = v
    return out


def run_relay(name, binary, addr, tmp, rows):
    if not os.access(binary, os.X_OK):
        rows.append(("status", name, "not installed"))
        return
    load = open("/proc/loadavg").read().split()[0]
    p, c = start(name, binary, addr, tmp)
    try:
        targets = os.path.join(tmp, name + ".targets")
        ice_targets(c, addr, targets)
        total = len(RATES) * (STEP_S + 1.5) + 3
        ml = subprocess.Popen([MEDIA_LOAD, "--ng", "%s:%d" % (addr, NG_PORT), "--calls",
                               str(MEDIA_CALLS), "--local", GEN, "--port-base", "10000",
                               "--pid", str(p.pid), "--warmup", "2", "--duration",
                               "%.0f" % total, "--max-seconds", "%.0f" % (total + 60),
                               "--delete"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(3.5)  # its calls set up, the warm-up under way
        for rate in RATES:
            stop_ev, rtts = threading.Event(), []
            th = threading.Thread(target=pinger, args=(ng.NG((addr, NG_PORT), timeout=1.0),
                                                       stop_ev, rtts))
            th.start()
            r = subprocess.run(["timeout", "-k", "5", "%.0f" % (STEP_S + 30), ICE_CHECKS,
                                "--addr", addr, "--targets", targets, "--rate", str(rate),
                                "--duration", str(STEP_S)],
                               capture_output=True, text=True)
            stop_ev.set()
            th.join()
            res = kv(r.stdout)
            res["ng_ping_p99_us"] = "%.0f" % pct(rtts, 99)
            res["ng_pings"] = str(len(rtts))
            res["load"] = load
            for k, v in res.items():
                rows.append(("cell", name, str(rate), k, v))
            print("run_ice_bench: %-9s %6d checks/s offered: %s answered/s (%s%%), p99 %s us, "
                  "ng ping p99 %s us" % (name, rate, res.get("answered_rate"),
                                         res.get("answered_pct"), res.get("check_p99_us"),
                                         res["ng_ping_p99_us"]))
            time.sleep(0.5)
        try:
            out, _ = ml.communicate(timeout=total + 90)
        except subprocess.TimeoutExpired:
            ml.kill()
            out, _ = ml.communicate()
        for k, v in kv(out).items():
            rows.append(("media", name, k, v))
    finally:
        stop(p)


def main():
    for b in (ICE_CHECKS, MEDIA_LOAD):
        if not os.access(b, os.X_OK):
            print("run_ice_bench: %s not built (make -C t/bench build)" % b, file=sys.stderr)
            return 1
    tmp = tempfile.mkdtemp(prefix="ice_bench.")
    meta = subprocess.run([os.path.join(HERE, "meta.sh"), RTPRELAY], capture_output=True,
                          text=True).stdout
    rows = []
    try:
        run_relay("rtprelay", RTPRELAY, "127.0.0.4", tmp, rows)
        run_relay("rtpengine", RTPENGINE, "127.0.0.5", tmp, rows)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    os.makedirs(RESULTS_DIR, exist_ok=True)
    with open(os.path.join(RESULTS_DIR, "ice.tsv.new"), "w") as f:
        f.write(meta)
        f.write("meta\tice_calls\t%d\nmeta\tice_media_calls\t%d\nmeta\tice_step_s\t%g\n"
                % (CALLS, MEDIA_CALLS, STEP_S))
        for r in rows:
            f.write("\t".join(r) + "\n")
    os.replace(os.path.join(RESULTS_DIR, "ice.tsv.new"), os.path.join(RESULTS_DIR, "ice.tsv"))
    print("run_ice_bench: wrote %s" % os.path.join(RESULTS_DIR, "ice.tsv"))
    return subprocess.run([sys.executable, os.path.join(HERE, "results.py"), "--results",
                           RESULTS_DIR, "--out", RESULTS_MD, "--print", "ice"]).returncode


if __name__ == "__main__":
    sys.exit(main())
