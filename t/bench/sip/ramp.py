"""SIP load ramp (issue 5 benchmark); run by t/bench/sip/run.sh inside fresh
network, mount and PID namespaces, as root.

The t/e2e setup (t/e2e/e2e.py, kamailio.cfg, uac.xml, uas.xml), reused, at
increasing call rates: for each relay (rtprelay, then Debian's rtpengine when
installed; same options: ng udp 127.0.0.1:2223, interface 127.0.0.1, media
ports PORT_MIN-PORT_MAX, delete-delay 3 s, --table=-1, default threads) a
fresh Kamailio and SIPp UAS, then one SIPp UAC per step: RATE calls/s for
STEP_S seconds, each call held HOLD_MS ms with g711a.pcap (236 RTP packets,
7.05 s) played both ways, so about RATE x HOLD_MS/1000 calls with media at
once.

A step passes when
  - the SIPp UAC exits 0 and its statistics show 0 failed calls,
  - Kamailio logged no failed rtpengine offer/answer/delete and one
    successful delete per call,
  - the wire shows no media loss: nftables counters in the namespace count
    the RTP packets into the relay's port range from the SIPp media ports
    (in) and out of that range to them (out); out == in, and
    in == calls x 2 x 236 (every packet SIPp should have sent was sent).
Both relays are judged by the same counters. The ramp of a relay stops at the
first failing step or when its time budget (RELAY_BUDGET_S) is spent.

Per step it reports the highest number of calls up at once (SIPp's
CurrentCall, sampled every second), the most sessions the relay listed
("list", every 0.5 s, includes calls inside delete-delay), and the relay's
CPU time. Environment: SIP_BENCH_RATES ("10 20 40 50 60 70 80 90"),
SIP_BENCH_STEP_S (15), SIP_BENCH_HOLD_MS (8000), SIP_BENCH_RELAY_BUDGET_S
(270), SIP_BENCH_RELAYS ("rtprelay rtpengine"), RTPRELAY_BIN, RTPENGINE_BIN.
Logs: build/bench-sip/ (RTPRELAY_E2E_OUT).
"""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
os.environ.setdefault("RTPRELAY_E2E_OUT", os.path.join(TOP, "build", "bench-sip"))
sys.path.insert(0, os.path.join(TOP, "t", "e2e"))
import e2e  # noqa: E402
import ng  # noqa: E402  (t/integ, on the path through e2e)

RATES = [int(x) for x in os.environ.get("SIP_BENCH_RATES", "10 20 40 50 60 70 80 90").split()]
STEP_S = int(os.environ.get("SIP_BENCH_STEP_S", "15"))
HOLD_MS = int(os.environ.get("SIP_BENCH_HOLD_MS", "8000"))
RELAY_BUDGET_S = int(os.environ.get("SIP_BENCH_RELAY_BUDGET_S", "270"))
RELAYS = os.environ.get("SIP_BENCH_RELAYS", "rtprelay rtpengine").split()
RTPENGINE_BIN = os.environ.get("RTPENGINE_BIN", "/usr/bin/rtpengine")
PORT_MIN, PORT_MAX = 20000, 29999      # below the ephemeral range
UAC_MP, UAS_MP = 6000, 7000
DELETE_DELAY = 3
NFT_TABLE = "sipbench"
OUT = e2e.OUT
log = e2e.log


def pcap_packets(path):
    """Number of packets in a (little-endian, microsecond) pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    off, n = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        off += 16 + incl
        n += 1
    return n


# ------------------------------------------------------- wire counters


def nft_setup():
    rules = """
table inet %(t)s {
  counter rtp_in { }
  counter rtp_out { }
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport %(lo)d-%(hi)d udp sport { %(a)d, %(b)d } counter name rtp_in
  }
  chain output {
    type filter hook output priority 0; policy accept;
    udp sport %(lo)d-%(hi)d udp dport { %(a)d, %(b)d } counter name rtp_out
  }
}
""" % {"t": NFT_TABLE, "lo": PORT_MIN, "hi": PORT_MAX, "a": UAC_MP, "b": UAS_MP}
    subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)


def nft_counters():
    """(packets in, packets out) so far."""
    r = subprocess.run(["nft", "-j", "list", "counters", "table", "inet", NFT_TABLE],
                       capture_output=True, text=True, check=True)
    got = {}
    for item in json.loads(r.stdout)["nftables"]:
        c = item.get("counter")
        if c:
            got[c["name"]] = c["packets"]
    return got["rtp_in"], got["rtp_out"]


def udp_snmp():
    """Namespace-wide UDP counters (RcvbufErrors, InErrors...)."""
    with open("/proc/net/snmp") as f:
        lines = [ln.split() for ln in f if ln.startswith("Udp:")]
    return dict(zip(lines[0][1:], map(int, lines[1][1:])))


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def machine_busy():
    """(busy, total) jiffies of all CPUs so far (/proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def relay_socket_drops(seen):
    """Record in seen {inode: drops} the receive-queue drops of every UDP
    socket bound in the relay's port range (/proc/net/udp, last column)."""
    with open("/proc/net/udp") as f:
        next(f)
        for ln in f:
            w = ln.split()
            port = int(w[1].rsplit(":", 1)[1], 16)
            if PORT_MIN <= port <= PORT_MAX:
                seen[w[9]] = int(w[-1])


class SessionPoller(threading.Thread):
    """Most calls the relay listed at once ("list" every 0.5 s), and the
    relay's sockets' receive-queue drops."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.max = 0
        self.errors = 0
        self.drops = {}
        self.timeline = []      # (s since start, listed calls, drops so far, relay CPU s)
        self.stop_ev = threading.Event()

    def run(self):
        c = ng.NG(e2e.NG_ADDR, timeout=2, retries=1)
        t0 = time.monotonic()
        while not self.stop_ev.is_set():
            try:
                n = len(c.request({"command": "list", "limit": 100000}).get("calls", []))
                self.max = max(self.max, n)
                relay_socket_drops(self.drops)
                self.timeline.append((round(time.monotonic() - t0, 2), n,
                                      sum(self.drops.values()), cpu_seconds(self.pid)))
            except Exception:  # noqa: BLE001 - counted; a slow relay is reported, not fatal
                self.errors += 1
                c.close()
                c = ng.NG(e2e.NG_ADDR, timeout=2, retries=1)
            self.stop_ev.wait(0.5)
        c.close()


def listed_calls():
    try:
        return len(e2e.ng_request({"command": "list", "limit": 100000}, timeout=2)
                   .get("calls", []))
    except Exception:  # noqa: BLE001
        return -1


def sipp_abort_reasons(name):
    """{reason: count} of the calls SIPp aborted (its -trace_err log), e.g.
    "while expecting '200' (index 9), received 'SIP/2.0 408 Request Timeout"."""
    out = {}
    for fn in [name + "_errors.log"]:
        if not os.path.exists(os.path.join(OUT, fn)):
            continue
        with open(os.path.join(OUT, fn), errors="replace") as f:
            for ln in f:
                if "Aborting call" in ln and "': " in ln:
                    why = ln.split("': ", 1)[1].strip()[:80]
                    out[why] = out.get(why, 0) + 1
    return out


def sipp_stats(name):
    """(max CurrentCall, last FailedCall(C), last SuccessfulCall(C)) of a
    SIPp -trace_stat file; Nones when missing."""
    try:
        with open(os.path.join(OUT, name + ".stat.csv")) as f:
            rows = [ln.rstrip("\n;").split(";") for ln in f if ln.strip()]
    except OSError:
        return None, None, None
    head, rows = rows[0], rows[1:]
    if not rows:
        return None, None, None
    col = {k: i for i, k in enumerate(head)}
    cur = max(int(r[col["CurrentCall"]]) for r in rows)
    return cur, int(rows[-1][col["FailedCall(C)"]]), int(rows[-1][col["SuccessfulCall(C)"]])


# ------------------------------------------------------------ one relay


def relay_argv(relay):
    common = ["--config-file=none", "--interface=127.0.0.1",
              "--listen-ng=127.0.0.1:%d" % e2e.NG_ADDR[1],
              "--port-min=%d" % PORT_MIN, "--port-max=%d" % PORT_MAX,
              "--delete-delay=%d" % DELETE_DELAY, "--table=-1",
              "--foreground", "--log-stderr", "--log-level=5"]
    return [e2e.BIN if relay == "rtprelay" else RTPENGINE_BIN] + common


def start_stack(relay):
    """Relay, Kamailio, SIPp UAS; returns the relay's Popen or None."""
    rp = e2e.start(relay, relay_argv(relay))

    def pong():
        try:
            return e2e.ng_request({"command": "ping"}, timeout=0.3).get("result") == "pong"
        except Exception:  # noqa: BLE001
            return False
    if not e2e.wait_until(pong, 10):
        log("%s: no pong within 10 s; log tail:\n%s" % (relay, e2e.read_log(relay)[-2000:]))
        return None
    run_dir = os.path.join(OUT, "kamailio-run-" + relay)
    os.makedirs(run_dir, exist_ok=True)
    kname = "kamailio-" + relay
    kam = e2e.start(kname, ["kamailio", "-f", os.path.join(TOP, "t", "e2e", "kamailio.cfg"),
                            "-DD", "-E", "-P", os.path.join(run_dir, "kamailio.pid"),
                            "-Y", run_dir])
    if not e2e.wait_until(lambda: subprocess.run(["ss", "-Hlun", "sport = :5060"],
                                                 capture_output=True, text=True)
                          .stdout.strip() != "", 10) or kam.poll() is not None:
        log("%s: kamailio not up; log tail:\n%s" % (relay, e2e.read_log(kname)[-2000:]))
        return None
    e2e.start("uas-" + relay, ["sipp", "-sf", os.path.join(TOP, "t", "e2e", "uas.xml"),
                               "-i", "127.0.0.1", "-p", "5062", "-mi", "127.0.0.1",
                               "-mp", str(UAS_MP), "-nostdin"])
    time.sleep(0.5)
    return rp


def stop_stack():
    for p in reversed(e2e.procs):
        e2e.stop(p)
    e2e.procs.clear()


def run_step(relay, rp, rate, pkts_per_call):
    name = "%s-r%d" % (relay, rate)
    calls = rate * STEP_S
    hold_s = HOLD_MS / 1000.0
    sipp_timeout = int(STEP_S + hold_s + 60)
    in0, out0 = nft_counters()
    snmp0 = udp_snmp()
    cpu0 = cpu_seconds(rp.pid)
    busy0 = machine_busy()
    t0 = time.monotonic()
    poller = SessionPoller(rp.pid)
    poller.start()
    p = e2e.run_uac(name, "normal", calls, rate, HOLD_MS, 5061, UAC_MP, limit=calls,
                    timeout=sipp_timeout, extra=["-fd", "1", "-trace_err", "-error_file",
                                             os.path.join(OUT, name + "_errors.log")])
    try:
        rc = p.wait(sipp_timeout + 10)
    except subprocess.TimeoutExpired:
        e2e.stop(p, signal.SIGKILL)
        rc = "killed"
    e2e.procs.remove(p)
    busy1 = machine_busy()
    # Let delete-delay pass and the relay forget the calls; media is over.
    e2e.wait_until(lambda: listed_calls() == 0, DELETE_DELAY + 10, 0.5)
    poller.stop_ev.set()
    poller.join(5)
    wall = time.monotonic() - t0
    cpu = cpu_seconds(rp.pid) - cpu0
    in1, out1 = nft_counters()
    snmp1 = udp_snmp()
    pin, pout = in1 - in0, out1 - out0
    expected = calls * 2 * pkts_per_call
    cur, failed, succ = sipp_stats(name)
    kc = e2e.kamailio_counts(e2e.read_log("kamailio-" + relay), name + "-")
    kc = {k: v for k, v in kc.items() if not k.startswith("invite ")}
    kfailed = sum(v for k, v in kc.items() if k.endswith("failed"))
    why = []
    if rc != 0:
        why.append("SIPp exit %s" % rc)
    if failed:
        why.append("%d failed calls %r" % (failed, sipp_abort_reasons(name)))
    if succ is not None and succ != calls:
        why.append("%d/%d calls successful" % (succ, calls))
    if kfailed or kc.get("delete ok", 0) != calls:
        why.append("kamailio %r" % kc)
    if pout != pin:
        why.append("media loss %d of %d" % (pin - pout, pin))
    if pin != expected:
        why.append("RTP in %d != %d expected (SIPp sent short)" % (pin, expected))
    if rp.poll() is not None:
        why.append("relay exited %s" % rp.returncode)
    row = {
        "relay": relay, "cps": rate, "calls": calls, "ok": not why, "why": "; ".join(why),
        "concurrent": cur, "sessions": poller.max, "rtp_in": pin, "rtp_out": pout,
        "rtp_expected": expected, "cpu_s": round(cpu, 2), "wall_s": round(wall, 1),
        "cpu_pct": round(100.0 * cpu / wall, 1) if wall > 0 else None,
        # Both CPUs, while SIPp ran (calls and media): 100 = saturated.
        "machine_busy_pct": round(100.0 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1),
        "relay_socket_drops": sum(poller.drops.values()),
        # Namespace-wide; mostly SIPp's own media sockets, which never read
        # the relayed RTP. A drop at a relay socket shows as out < in.
        "udp_rcvbuf_errors": snmp1.get("RcvbufErrors", 0) - snmp0.get("RcvbufErrors", 0),
        "list_errors": poller.errors,
        "timeline": poller.timeline,
    }
    if row["relay_socket_drops"]:
        dropping = [t for (t, _, d), (_, _, d0) in
                    zip([x[:3] for x in poller.timeline[1:]], [x[:3] for x in poller.timeline])
                    if d > d0]
        why.append("relay sockets dropped between %.1f s and %.1f s of the step (%d samples "
                   "of 0.5 s with drops)" % (dropping[0], dropping[-1], len(dropping))
                   if dropping else "relay sockets dropped")
        row["why"] = "; ".join(why)
        row["ok"] = False
    log("%-9s %4d cps %5d calls: %s  concurrent %s, relay sessions %d, RTP in %d out %d "
        "(expected %d), relay CPU %.1f s (%.0f%% of %.0f s), machine busy %.0f%%, "
        "relay socket drops %d%s"
        % (relay, rate, calls, "PASS" if row["ok"] else "FAIL", cur, poller.max, pin, pout,
           expected, cpu, row["cpu_pct"] or 0, wall, row["machine_busy_pct"],
           row["relay_socket_drops"],
           "" if row["ok"] else "\n          why: " + row["why"]))
    return row


def ramp(relay, pkts_per_call):
    rows = []
    budget_end = time.monotonic() + RELAY_BUDGET_S
    rp = start_stack(relay)
    try:
        if rp is None:
            return rows, "did not start"
        step_est = STEP_S + HOLD_MS / 1000.0 + DELETE_DELAY + 5
        for rate in RATES:
            if time.monotonic() + step_est > budget_end:
                return rows, "time budget (%d s) spent before %d cps" % (RELAY_BUDGET_S, rate)
            row = run_step(relay, rp, rate, pkts_per_call)
            rows.append(row)
            if not row["ok"]:
                return rows, "failed at %d cps" % rate
        return rows, "every step passed (top of the ramp)"
    finally:
        stop_stack()


def summary(relay, rows):
    passed = [r for r in rows if r["ok"]]
    best = passed[-1] if passed else None
    return best


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    t0 = time.monotonic()
    pkts = pcap_packets(e2e.PCAP)
    nft_setup()
    log("sip bench: rates %s cps, %d s of calls per step, calls held %d ms, g711a.pcap %d "
        "packets each way per call, media ports %d-%d, %d CPUs"
        % (RATES, STEP_S, HOLD_MS, pkts, PORT_MIN, PORT_MAX, os.cpu_count()))
    results = {}
    for relay in RELAYS:
        if relay == "rtpengine" and not os.access(RTPENGINE_BIN, os.X_OK):
            log("rtpengine: %s not installed, skipped" % RTPENGINE_BIN)
            continue
        rows, end = ramp(relay, pkts)
        results[relay] = {"rows": rows, "end": end}
        log("%s: %s" % (relay, end))
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=1)

    # Side by side: one line per rate, then the summary.
    relays = list(results)
    log("\n| cps | " + " | ".join("%s: result, concurrent calls (relay sessions), RTP in/out, "
                                  "relay CPU %%, machine busy %%" % r for r in relays) + " |")
    log("|---|" + "---|" * len(relays))
    for rate in RATES:
        cells = []
        for r in relays:
            row = next((x for x in results[r]["rows"] if x["cps"] == rate), None)
            if row is None:
                cells.append("-")
                continue
            cells.append("%s, %s (%d), %d/%d, %.0f%%, %.0f%%" % (
                "pass" if row["ok"] else "FAIL", row["concurrent"], row["sessions"],
                row["rtp_in"], row["rtp_out"], row["cpu_pct"] or 0, row["machine_busy_pct"]))
        if any(c != "-" for c in cells):
            log("| %d | %s |" % (rate, " | ".join(cells)))
    log("\n| relay | highest passing calls/s | concurrent calls with media there | "
        "relay CPU there | ramp ended |")
    log("|---|---|---|---|---|")
    for r in relays:
        best = summary(r, results[r]["rows"])
        if best:
            log("| %s | %d | %s | %.0f%% | %s |" % (r, best["cps"], best["concurrent"],
                                                   best["cpu_pct"] or 0, results[r]["end"]))
        else:
            log("| %s | none | - | - | %s |" % (r, results[r]["end"]))
    log("sip bench: %.0f s" % (time.monotonic() - t0))
    return 0 if all(results[r]["rows"] for r in relays) else 1


if __name__ == "__main__":
    rc = 1
    try:
        rc = main()
    finally:
        stop_stack()
    sys.exit(rc)
