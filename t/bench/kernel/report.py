#!/usr/bin/env python3
"""Write t/bench/kernel/RESULTS.md from one run's TSVs (t/bench/kernel/run.sh).

usage: report.py RESULTS_DIR OUT.md COMMIT CALLS

Everything in the output comes from that run: the header, the table and
the verdicts; the prose below is a template without figures. Rows are
compared only when their offered loads match within TOLERANCE and both
runs ended "ok"; otherwise the verdict says "not comparable".
"""
import glob
import os
import statistics
import sys
import time

TOLERANCE = 0.02  # offered loads of compared rows: within 2 % of each other
TARGET = 3.0  # the target: user/kernel CPU per packet
ORDER = {"user": 0, "kernel": 1, "kernel-timed": 2, "kernel-pre": 3, "rtprelay-user": 4,
         "rtprelay-kernel": 5, "rtpengine": 6}


def read_tsv(path):
    d = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            if k:
                d[k] = v  # the last value of a key wins
    return d


def num(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return None


PROSE_METHOD = """\
## Method

- Load: `t/bench/media_load` (static mapping, no control plane), N calls =
  2N RTP streams, each one packet per ptime, sent from the generator's CPUs
  inside network namespace `gen`, through a veth pair to the relay in the
  root namespace and back.
- `user`: `t/bench/min_forwarder` pinned to CPU 1 (1 thread, epoll +
  recvmmsg/sendmmsg, the same static mapping): the cheapest user-space relay.
- `kernel`: nft_rtprelay targets with the same mapping (`ktargets`), rule
  `rtprelay table 0` on an inet input chain (present only during these
  rows: the other rows pay no lookup). The issue's target is about this
  row. `kernel-pre`: the same with the rule on the prerouting hook, where
  packets meet it before the input route lookup and local delivery.
- `rtprelay-user`, `rtprelay-kernel`: the rtprelay daemon on CPU 1
  (`--num-threads=1`), its calls set up over ng by the generator
  (`media_load --ng`, endpoint learning immediate): `--table=-1` relays in
  user space (io_uring), `--table=0` with its own nft rule and a kernel
  target per stream once both sides have sent. Issue 12's target
  (kernel path >= 3x less CPU per packet than rtprelay's own user-space
  path) is about these two; `rtprelay-kernel/kernel` shows what the
  daemon adds over bare targets (its timers, the few packets before
  learning).
- `rtpengine` (when present): Debian's xt_RTPENGINE module driven by the
  rtpengine daemon, see the notes below the table.
- CPU split: RPS on the relay's veth end (rel0) puts all receive processing
  of packets towards the relay on CPU 1; RPS on the generator's end (gen0)
  puts the receive processing of the relayed packets on the generator's
  CPUs. So CPU 1 (`relay/pkt`) is the relaying alone: the stack's receive
  path into the relay, the forwarding (kernel target, or socket wake-up and
  system calls of the forwarder), and the send path up to the generator's
  veth end. The other CPUs (`gen/pkt`) are the generator, `all/pkt` the
  whole guest. The busy time of the idle guest is measured first and
  subtracted. (Loopback cannot be split like this: RPS would put the
  generator's receive path on the relay's CPU, and RFS steers only
  connected sockets, which the generator's are not.)
- Figures are CPU microseconds per delivered packet over the measured
  window. A CPU's busy time is wall time (`/proc/uptime`) minus its idle
  time (`/proc/stat` idle + iowait): nohz measures idle time exactly, and
  stops it while interrupts and softirqs run, whereas the user, system,
  irq and softirq fields are tick samples, which under TCG fall into the
  short bursts of packet work far more often than their length warrants.
  Under TCG everything is several times slower than on hardware: only
  ratios between rows of one boot mean anything.
- Every row runs several times (KBENCH_REPEAT, 3), our configurations
  taking turns run by run (user, kernel, kernel-timed, kernel-pre,
  rtprelay-user, rtprelay-kernel, user, kernel, ...) so that a slow spell
  of the host hits all of them; the rtpengine runs come after (they need
  its module in place of ours), so its comparisons span more of the
  host's drift. A row's figures are the medians over its runs, and its
  relay range shows how far single runs strayed.
- Rows are compared only when all their runs ended `ok` and their offered
  loads agree within the tolerance printed with the verdicts.
"""


PROSE_TIMING = """\
## Where the kernel row's time goes

`kernel-timed` is the kernel row again with the module's `timing`
parameter on: per forwarded packet, `own` is the module's work from the
expression's start to `ip_local_out` (lookup, checks, classification, the
pinned counters, reusing the skb, the route from the target's cache, the
new headers), `send` is `ip_local_out` with everything below it down to
the veth peer's receive queue (POSTROUTING, neighbour output, the veth
transmit, queueing for the generator's CPU): the stack's transmit path.
Microseconds of guest time, from `local_clock()`. What `relay/pkt` has
beyond their sum is the part of the relay CPU's time that is not inside
the module's call: waking from idle, the interrupt and the softirq, the
receive path up to the input hook, the IPI to the generator's CPU, and
the return to idle.
"""


PROSE_MODEL = """\
A model, not a measurement: if the part outside the module's call
(waking from idle, interrupts, the receive path to the hook, the IPI to
the generator's CPU) costs the user-space row as much as the kernel row
(it costs it at least that: its receive path goes on to a socket), then
the user row's relay time minus that part is its forwarding work (socket
wake-up, system calls, copies), to be set against the module's call.
Under TCG that shared part is large (emulated idle exits, interrupts and
IPIs), so it holds the measured ratio down; how large it is on hardware
is not measurable here.
"""

PROSE_CEILING = """\
The ceiling this guest allows, from the same figures: nearly all of the
kernel row's relay time but `own` is stack work that a user-space
forwarder does as well: waking up, the interrupt, the receive path up to
the input hook (where a socket's path only begins), and `send`, the
transmit path from `ip_local_out` down, which its `sendmmsg` reaches too.
(Only the walk of the nftables chain up to the expression is the kernel
rows' alone, a small part of it.) So a module whose own work cost nothing
would still spend about relay - own per packet here, and a user row's
relay / (relay - own) of `kernel-timed` is about the largest ratio any
forwarder inside the kernel could show in this guest at this load.
"""


def main():
    res, out, commit, calls = sys.argv[1:5]
    setup = read_tsv(os.path.join(res, "setup.tsv"))
    idle = read_tsv(os.path.join(res, "idle.tsv"))
    ncpu = int(num(setup, "guest_cpus") or 2)
    idle_cpu = [num(idle, "cpu%d_busy" % c) or 0.0 for c in range(ncpu)]
    i1 = idle_cpu[1]
    i_gen = sum(idle_cpu) - i1
    runs = {}
    for path in glob.glob(os.path.join(res, "*.*.tsv")):
        parts = os.path.basename(path)[:-4].split(".")
        cfg, n = parts[0], int(parts[1])  # CFG.N.REP.tsv (CFG.N.tsv: one run)
        d = read_tsv(path)
        o, dl = num(d, "offered_pps"), num(d, "delivered_pps")
        cpus = [num(d, "cpu%d_busy" % c) for c in range(ncpu)]
        c1 = cpus[1]
        c_gen = None if None in cpus else sum(cpus) - c1
        r = {"offered": o, "delivered": dl, "loss": num(d, "loss_pct"),
             "status": d.get("status", "missing"), "relay": None, "gen": None, "all": None}
        if dl and c_gen is not None:
            r["relay"] = (c1 - i1) * 1e6 / dl
            r["gen"] = (c_gen - i_gen) * 1e6 / dl
            r["all"] = r["relay"] + r["gen"]
        tp = num(d, "timed_packets")
        if tp:
            r["own"] = num(d, "time_own_ns") / tp / 1e3
            r["send"] = num(d, "time_send_ns") / tp / 1e3
        runs.setdefault((cfg, n), []).append(r)
    # A row: the median of each figure over its runs; "ok" only when every
    # run was, else the first other status and how many runs were ok.
    rows = []
    for (cfg, n), rs in runs.items():
        ok = [r for r in rs if r["status"] == "ok"]
        bad = [r["status"] for r in rs if r["status"] != "ok"]
        row = {"cfg": cfg, "n": n, "runs": len(rs),
               "status": "ok" if not bad else "%s (%d/%d ok)" % (bad[0], len(ok), len(rs))}
        use = ok or rs
        for k in ("offered", "delivered", "loss", "relay", "gen", "all", "own", "send"):
            v = [r[k] for r in use if r.get(k) is not None]
            row[k] = statistics.median(v) if v else None
            if k == "relay":
                row["relay_min"], row["relay_max"] = (min(v), max(v)) if v else (None, None)
        if row["own"] is None:
            del row["own"], row["send"]
        rows.append(row)
    rows.sort(key=lambda r: (r["n"], ORDER.get(r["cfg"], 9), r["cfg"]))

    def f(v, fmt):
        return "-" if v is None else fmt % v

    table = ["%-15s %6s %4s %9s %9s %7s %9s %13s %9s %9s %8s" % (
        "config", "calls", "runs", "offered", "delivered", "loss%", "relay/pkt", "relay range",
        "gen/pkt", "all/pkt", "status")]
    for r in rows:
        rng = "-" if r["relay_min"] is None else "%.1f-%.1f" % (r["relay_min"], r["relay_max"])
        table.append("%-15s %6d %4d %9s %9s %7s %9s %13s %9s %9s %8s" % (
            r["cfg"], r["n"], r["runs"], f(r["offered"], "%.0f"), f(r["delivered"], "%.0f"),
            f(r["loss"], "%.2f"), f(r["relay"], "%.2f"), rng, f(r["gen"], "%.2f"),
            f(r["all"], "%.2f"), r["status"]))

    verdicts = []
    by = {}
    for r in rows:
        by.setdefault(r["n"], {})[r["cfg"]] = r
    for n in sorted(by):
        for a, b in (("user", "kernel"), ("user", "kernel-pre"), ("rtprelay-user", "rtprelay-kernel"),
                     ("rtprelay-kernel", "kernel"), ("rtpengine", "rtprelay-kernel"),
                     ("rtpengine", "kernel")):
            ra, rb = by[n].get(a), by[n].get(b)
            if not ra or not rb:
                continue
            what = "N=%-4d %s/%s CPU per packet:" % (n, a, b)
            if ra["status"] != "ok" or rb["status"] != "ok":
                verdicts.append("%s not comparable (status %s / %s)" % (what, ra["status"],
                                                                      rb["status"]))
                continue
            oa, ob = ra["offered"] or 0.0, rb["offered"] or 0.0
            diff = abs(oa - ob) / max(oa, ob) if max(oa, ob) > 0 else 1.0
            if diff > TOLERANCE:
                verdicts.append("%s not comparable (offered %.0f vs %.0f pps, %.1f%% apart > %.0f%%)"
                                % (what, oa, ob, 100 * diff, 100 * TOLERANCE))
                continue
            if not ra["relay"] or not rb["relay"] or rb["relay"] <= 0 or not rb["all"]:
                verdicts.append("%s not comparable (no CPU figures)" % what)
                continue
            ratio, ratio_all = ra["relay"] / rb["relay"], ra["all"] / rb["all"]
            line = "%s relay CPU %.2fx, whole guest %.2fx (medians of %d and %d runs; offered " \
                "loads %.1f%% apart)" % (what, ratio, ratio_all, ra["runs"], rb["runs"], 100 * diff)
            if (a, b) in (("user", "kernel"), ("rtprelay-user", "rtprelay-kernel")):
                line += ": target >= %.0fx %s" % (TARGET, "met" if ratio >= TARGET else "NOT met")
            verdicts.append(line)

    timing = ["%-13s %6s %9s %9s %9s %9s" % ("config", "calls", "own/pkt", "send/pkt", "sum/pkt",
                                             "relay/pkt")]
    for r in rows:
        if "own" in r:
            timing.append("%-13s %6d %9.2f %9.2f %9.2f %9s" % (
                r["cfg"], r["n"], r["own"], r["send"], r["own"] + r["send"],
                f(r["relay"], "%.2f")))

    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    md = []
    md.append("# Kernel forwarding vs user-space forwarding (t/bench/kernel/run.sh)\n")
    md.append("Generated by `t/bench/kernel/report.py` from the run it describes; do not edit.\n")
    md.append("- run: %s, commit `%s`" % (now, commit))
    md.append("- guest: qemu TCG, %d vCPU, kernel %s" % (ncpu, setup.get("kernel", "?")))
    md.append("- KBENCH_CALLS=\"%s\", %s runs per row, measured window %s s per run, "
              "offered-load tolerance %.0f%%" % (calls, setup.get("repeat", "1"),
                                                setup.get("duration_s", "?"), 100 * TOLERANCE))
    md.append("- relay on CPU 1, generator on CPUs %s" % setup.get("gen_cpus", "?"))
    md.append("- idle guest (subtracted), busy fraction: %s\n" % ", ".join(
        "CPU %d %.4f" % (c, v) for c, v in enumerate(idle_cpu)))
    md.append(PROSE_METHOD)
    md.append("## Results\n")
    md.append("```")
    md.extend(table)
    md.append("```\n")
    md.append("CPU microseconds per delivered packet: relay = CPU 1, gen = the generator's "
              "CPUs (%s), all = both; each figure the median over the row's runs (the "
              "configurations took turns, run by run), relay range = the lowest and highest "
              "run.\n" % setup.get("gen_cpus", "?"))
    # kernel, kernel-timed and kernel-pre do nearly the same work: their
    # spread at one load shows how far one run is from the next here
    for n in sorted(by):
        ks = [by[n][c]["relay"] for c in ("kernel", "kernel-timed", "kernel-pre")
              if c in by[n] and by[n][c]["relay"] and by[n][c]["status"] == "ok"]
        if len(ks) > 1:
            md.append("- N=%d: the three kernel rows (nearly the same work) spent %.2f to %.2f us "
                      "of relay CPU per packet (medians): they differ by up to %.0f%% here."
                      % (n, min(ks), max(ks), 100 * (max(ks) - min(ks)) / min(ks)))
        spread = [(r["relay_max"] - r["relay_min"]) / r["relay_min"] for r in by[n].values()
                  if r["relay_min"] and r["runs"] > 1]
        if spread:
            md.append("- N=%d: single runs of one row differ by up to %.0f%% in relay CPU per "
                      "packet (the median of a row is what the verdicts compare)."
                      % (n, 100 * max(spread)))
    md.append("")
    md.append("```")
    md.extend(verdicts if verdicts else ["no rows to compare"])
    md.append("```\n")
    if len(timing) > 1:
        md.append(PROSE_TIMING)
        md.append("```")
        md.extend(timing)
        md.append("```\n")
        for r in rows:
            if "own" in r and r["relay"]:
                share = (r["own"] + r["send"]) / r["relay"]
                md.append("- N=%d: the module's call (own + send) is %.2f of the %.2f us the relay "
                          "CPU spent per forwarded packet (%.0f%%); the other %.2f us are outside it."
                          % (r["n"], r["own"] + r["send"], r["relay"], 100 * share,
                             r["relay"] - r["own"] - r["send"]))
        md.append("")
        md.append(PROSE_MODEL)
        for r in rows:
            u = by[r["n"]].get("user")
            if "own" not in r or not r["relay"] or not u or not u["relay"]:
                continue
            outside = r["relay"] - r["own"] - r["send"]
            call = r["own"] + r["send"]
            if u["relay"] > outside and call > 0:
                md.append("- N=%d (model): user %.2f - outside %.2f = %.2f us of forwarding work "
                          "per packet in user space, against the module's %.2f: %.1fx; with "
                          "the shared %.2f us in both, the measured ratio (user/kernel-timed) is "
                          "%.2fx."
                          % (r["n"], u["relay"], outside, u["relay"] - outside, call,
                             (u["relay"] - outside) / call, outside, u["relay"] / r["relay"]))
        md.append("")
        md.append(PROSE_CEILING)
        for r in rows:
            if "own" not in r or not r["relay"]:
                continue
            floor = r["relay"] - r["own"]
            for ucfg in ("user", "rtprelay-user"):
                u = by[r["n"]].get(ucfg)
                if not u or not u["relay"] or floor <= 0:
                    continue
                need = u["relay"] / TARGET - floor
                md.append("- N=%d: %s %.2f / (%.2f - %.2f): about %.2fx at most; %s"
                          % (r["n"], ucfg, u["relay"], r["relay"], r["own"], u["relay"] / floor,
                             "%.0fx would need the module's own work at %.2f us or less "
                             "(measured %.2f)" % (TARGET, need, r["own"]) if need > 0 else
                             "%.0fx is out of reach here even if the module's own work "
                             "cost nothing" % TARGET))
        md.append("")
    notes = os.path.join(res, "notes.md")
    if os.path.exists(notes):
        md.append("## Notes from this run\n")
        with open(notes) as fh:
            md.append(fh.read())
    text = "\n".join(md).rstrip("\n") + "\n"
    with open(out, "w") as fh:
        fh.write(text)
    print("\n".join(table))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
