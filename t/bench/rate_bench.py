"""What run_ice_bench.py and run_dtls_bench.py share: for rtprelay and
(when installed) rtpengine 10.5, one after the other, the relay started in
the foreground without config file on its own loopback address (127.0.0.4
/ 127.0.0.5, as run_media_bench.sh) with --num-threads=2; media_load
relaying plain calls through it for the whole run; each offered rate a
step whose driver runs while an ng ping every 10 ms measures the control
socket; the raw file under t/bench/results/ that results.py renders.

Environment: MEDIA_LOAD, RTPRELAY, RTPENGINE (binaries), RESULTS_DIR,
RESULTS_MD. Bounded: every child has a timeout, the relays are stopped by
PID (TERM, KILL after 5 s).
"""

import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "t", "integ"))
import ng  # noqa: E402

ENV = os.environ.get
MEDIA_LOAD = ENV("MEDIA_LOAD", os.path.join(HERE, "media_load"))
RTPRELAY = ENV("RTPRELAY", os.path.join(TOP, "daemon", "rtprelay"))
RTPENGINE = ENV("RTPENGINE", "/usr/bin/rtpengine")
RESULTS_DIR = ENV("RESULTS_DIR", os.path.join(HERE, "results"))
RESULTS_MD = ENV("RESULTS_MD", os.path.join(HERE, "RESULTS.md"))
NG_PORT = 22231
GEN = "127.0.0.2"
RELAYS = (("rtprelay", RTPRELAY, "127.0.0.4"), ("rtpengine", RTPENGINE, "127.0.0.5"))


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


def built(prog, binaries):
    """True if every one of binaries is there; else prog says which is not."""
    for b in binaries:
        if not os.access(b, os.X_OK):
            print("%s: %s not built (make -C t/bench build)" % (prog, b), file=sys.stderr)
            return False
    return True


def meta():
    """t/bench/meta.sh's metadata lines for this run."""
    return subprocess.run([os.path.join(HERE, "meta.sh"), RTPRELAY], capture_output=True,
                          text=True).stdout


def each_relay(tmp, rows, measure):
    """rtprelay, then rtpengine: a "not installed" status row, or the relay
    started (its log in tmp), measure(name, addr, p, c, load) (p its
    process, c an ng client, load the 1-min load average before it
    started), and the relay stopped."""
    for name, binary, addr in RELAYS:
        if not os.access(binary, os.X_OK):
            rows.append(("status", name, "not installed"))
            continue
        load = open("/proc/loadavg").read().split()[0]
        p, c = start(name, binary, addr, tmp)
        try:
            measure(name, addr, p, c, load)
        finally:
            stop(p)


def media_load(p, addr, calls, total):
    """media_load relaying `calls` plain calls at 50 packets/s per direction
    through the relay (process p) for about `total` seconds, returned once
    its calls are set up and the warm-up is under way."""
    ml = subprocess.Popen([MEDIA_LOAD, "--ng", "%s:%d" % (addr, NG_PORT), "--calls",
                           str(calls), "--local", GEN, "--port-base", "10000",
                           "--pid", str(p.pid), "--warmup", "2", "--duration",
                           "%.0f" % total, "--max-seconds", "%.0f" % (total + 60),
                           "--delete"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(3.5)  # its calls set up, the warm-up under way
    return ml


def media_rows(ml, total, name, rows):
    """media_load's figures once it ends (killed total + 90 s on) as media rows."""
    try:
        out, _ = ml.communicate(timeout=total + 90)
    except subprocess.TimeoutExpired:
        ml.kill()
        out, _ = ml.communicate()
    for k, v in kv(out).items():
        rows.append(("media", name, k, v))


def step(addr, cmd, timeout_s):
    """One step: the driver cmd (killed after timeout_s) while an ng ping
    every 10 ms measures the relay's control socket. Returns (the finished
    driver, the pings' round trips in us)."""
    stop_ev, rtts = threading.Event(), []
    th = threading.Thread(target=pinger, args=(ng.NG((addr, NG_PORT), timeout=1.0),
                                               stop_ev, rtts))
    th.start()
    r = subprocess.run(["timeout", "-k", "5", "%.0f" % timeout_s] + cmd,
                       capture_output=True, text=True)
    stop_ev.set()
    th.join()
    return r, rtts


def cell_rows(rows, name, rate, res, rtts, load):
    """A step's figures res, with the ng ping p99, the ping count and the
    load average added, as cell rows."""
    res["ng_ping_p99_us"] = "%.0f" % pct(rtts, 99)
    res["ng_pings"] = str(len(rtts))
    res["load"] = load
    for k, v in res.items():
        rows.append(("cell", name, str(rate), k, v))


def write(prog, section, head, rows):
    """results/<section>.tsv: head (metadata lines), then the rows; then
    RESULTS.md re-rendered with the section printed. Returns results.py's
    exit status."""
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, section + ".tsv")
    with open(path + ".new", "w") as f:
        f.write(head)
        for r in rows:
            f.write("\t".join(r) + "\n")
    os.replace(path + ".new", path)
    print("%s: wrote %s" % (prog, path))
    return subprocess.run([sys.executable, os.path.join(HERE, "results.py"), "--results",
                           RESULTS_DIR, "--out", RESULTS_MD, "--print", section]).returncode
