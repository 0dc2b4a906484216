"""The ng control-plane section of RESULTS.md, rendered from the raw file
run_ng_bench.sh wrote (results/ng.tsv). Every figure and every sentence
citing one comes from that file."""

import raw_tsv
import verdict

DAEMONS = ("rtprelay", "rtpengine")
# the targets: rtprelay >= 2x rtpengine's cycles/s, and a lower cycle p99
CYCLES_TARGET = 2.0
OTHER_ROW = ": other work on the machine (CPUs)"
OTHER_CPUS = 0.25  # other work this busy during a phase: named in its verdicts


def parse(lines):
    """Per daemon: rows (label -> (value, better)) in order, loads
    (group -> (kind, in_flight, asked, done)), status, notes, loadavg."""
    d = {n: {"rows": {}, "order": [], "loads": {}, "status": None, "notes": [],
             "loadavg": None} for n in DAEMONS}
    for f in lines:
        if f[0] not in d or len(f) < 3:
            continue
        x = d[f[0]]
        kind = f[1]
        if kind == "row" and len(f) >= 5:
            if f[2] not in x["rows"]:
                x["order"].append(f[2])
            x["rows"][f[2]] = (f[3], f[4])
        elif kind == "load" and len(f) >= 7:
            x["loads"][f[2]] = (f[3], f[4], f[5], f[6])
        elif kind == "status":
            x["status"] = f[2]
        elif kind == "note":
            x["notes"].append(f[2])
        elif kind == "loadavg":
            x["loadavg"] = f[2]
    return d


def group_of(label, loads):
    """The load group a row belongs to ("sequential", "16 in flight",
    "idle calls"...), or None; the longest matching prefix wins."""
    best = None
    for g in loads:
        if label.startswith(g + ": ") and (best is None or len(g) > len(best)):
            best = g
    return best


def comparable(ga, gb):
    """Whether two loads (kind, in_flight, asked, done) are the same offered
    load: same kind and concurrency, same work asked, and completed counts
    within the tolerance."""
    if ga is None or gb is None:
        return False
    return (ga[0] == gb[0] and verdict.num(ga[1]) == verdict.num(gb[1])
            and verdict.num(ga[2]) == verdict.num(gb[2])
            and verdict.same_load(ga[3], gb[3]))


def load_text(kind, in_flight, asked):
    if kind == "closed-loop":
        return "closed loop, %s in flight, %s cycles asked" % (in_flight, asked)
    if kind == "idle-calls":
        return "%s idle calls asked (%s set-ups in flight)" % (asked, in_flight)
    return kind


def render(meta, lines):
    d = parse(lines)
    a, b = d["rtprelay"], d["rtpengine"]
    out = ["# ng control plane (t/bench/run_ng_bench.sh)", ""]
    out += raw_tsv.run_header(meta)
    for n in DAEMONS:
        out.append("- %s: status %s, load average before its own run %s" % (
            n, d[n]["status"] or "no result", d[n]["loadavg"] or "?"))
    out += ["- Daemons: %s" % meta.get("ng_daemon_args", "?"),
            "- Cycle: %s" % meta.get("ng_cycle", "?")]
    if meta.get("ng_bench_args"):
        out.append("- ng_bench arguments: `%s`" % meta["ng_bench_args"])
    if meta.get("ng_mem_note"):
        out.append("- Memory: %s" % meta["ng_mem_note"])
    out.append("")

    # offered loads first: what each group of rows was measured under
    groups = list(a["loads"]) + [g for g in b["loads"] if g not in a["loads"]]
    same = {g: comparable(a["loads"].get(g), b["loads"].get(g)) for g in groups}
    out += ["## Offered load", "",
            "Closed-loop rows: the bench keeps a fixed number of cycles in flight and "
            "starts the next as soon as one completes, so cycles/s is what each daemon "
            "sustains at that concurrency, not a rate offered to it. The offered load of "
            "such a group is its concurrency and the cycles asked; two daemons' rows are "
            "compared only when both ran at the same concurrency and completed the same "
            "number of cycles within %.0f%%. Idle-call rows compare when both daemons "
            "created the same number of calls within %.0f%%." % (
                100 * verdict.TOLERANCE, 100 * verdict.TOLERANCE), ""]
    rows = []
    for g in groups:
        la, lb = a["loads"].get(g), b["loads"].get(g)
        ref = la or lb
        rows.append([g, load_text(ref[0], ref[1], ref[2]),
                     la[3] if la else "-", lb[3] if lb else "-",
                     "yes" if same[g] else "**not comparable**"])
    out += raw_tsv.md_table(["rows", "offered load", "done: rtprelay", "done: rtpengine",
                             "comparable"], rows, "llrrl")
    out.append("")

    # the figures
    order = a["order"] + [k for k in b["order"] if k not in a["rows"]]
    rows = []
    for k in order:
        va = a["rows"].get(k, ("-", ""))[0]
        vb = b["rows"].get(k, ("-", ""))[0]
        better = (a["rows"].get(k) or b["rows"].get(k))[1]
        g = group_of(k, a["loads"]) or group_of(k, b["loads"])
        r = verdict.ratio(va, vb)
        if r is None or k.endswith(OTHER_ROW):
            rs = "-"
        elif g is not None and not same[g]:
            rs = "n/c"
        else:
            rs = "%.2f" % r
        rows.append([k, va, vb, rs, "" if better == "info" else better + " is better"])
    out += ["## Figures", "",
            "ratio = rtprelay / rtpengine; n/c = not comparable (different offered load, "
            "see above). \"other work on the machine\" = CPUs busy machine-wide "
            "(/proc/stat) during the phase minus the daemon's and the client's, including "
            "kernel work charged to neither; verdicts name phases where it reached %.2f."
            % OTHER_CPUS, ""]
    out += raw_tsv.md_table(["metric", "rtprelay", "rtpengine", "ratio", ""], rows, "lrrrl")
    out.append("")
    for n in DAEMONS:
        for note in d[n]["notes"]:
            out.append("- %s: %s" % (n, note))
    if any(d[n]["notes"] for n in DAEMONS):
        out.append("")

    out += ["## Verdicts", "", "```"] + verdicts(a, b, groups) + shared_cpu(meta, a, b, groups)
    out += ["```", ""]
    return "\n".join(out)


def shared_cpu(meta, a, b, groups):
    """What a machine this small cannot show: the daemon's throughput with
    a client that does not compete for its CPUs."""
    cpus = verdict.num(meta.get("cpus")) or 0
    if cpus >= 4:
        return []
    out = []
    for g in groups:
        la = a["loads"].get(g)
        if not la or la[0] != "closed-loop":
            continue
        figs = []
        for name, x in (("rtprelay", a), ("rtpengine", b)):
            d = verdict.num(x["rows"].get(g + ": daemon CPU per cycle (us)", ("-",))[0])
            c = verdict.num(x["rows"].get(g + ": bench client CPU per cycle (us)", ("-",))[0])
            if d and c is not None:
                figs.append("%s %.1f us daemon + %.1f us client per cycle, alone on a CPU "
                            "about %.0f cycles/s" % (name, d, c, 1e6 / d))
        if figs:
            out.append("not measurable here: %s: the daemon's cycles/s without a client "
                       "competing for its CPUs (this machine has %d CPUs; client, daemon and "
                       "the kernel share them, so cycles/s measures the pair). Model from "
                       "this run's CPU per cycle: %s." % (g, cpus, "; ".join(figs)))
    return out


def verdicts(a, b, groups):
    """The target, per closed-loop group: rtprelay >= 2x rtpengine's
    cycles/s at the same concurrency, and a lower cycle p99."""
    out = []
    # a run with errors (requests that got no reply in time) is judged on
    # the cycles it completed, its errors named; any other status is not
    for st in (a["status"], b["status"]):
        if st not in ("ok", "errors"):
            out.append("no verdict: a daemon's run did not finish "
                       "(rtprelay %s, rtpengine %s)" % (a["status"], b["status"]))
            return out
    for g in groups:
        la, lb = a["loads"].get(g), b["loads"].get(g)
        if not la or not lb or la[0] != "closed-loop":
            continue
        if verdict.num(la[1]) != verdict.num(lb[1]) or verdict.num(la[2]) != verdict.num(lb[2]):
            out.append("not comparable: %s: concurrency or cycles asked differ (%s vs %s)"
                       % (g, load_text(*la[:3]), load_text(*lb[:3])))
            continue
        desc = "cycles completed (%s)" % load_text(*la[:3])
        why = []
        for name, x in (("rtprelay", a), ("rtpengine", b)):
            other = verdict.num(x["rows"].get(g + OTHER_ROW, ("-",))[0])
            if other is not None and other >= OTHER_CPUS:
                why.append("other work used %.2f CPUs during %s's phase" % (other, name))
            errors = verdict.num(x["rows"].get(g + ": errors", ("-",))[0])
            if errors:
                why.append("%s had %.0f errors in this phase" % (name, errors))
        caveat = "; caveat: " + ", ".join(why) if why else ""
        key = g + ": cycles/s"
        _, line = verdict.judge("rtprelay >= %gx rtpengine cycles/s, %s" % (CYCLES_TARGET, g),
                                a["rows"].get(key, ("-",))[0], b["rows"].get(key, ("-",))[0],
                                la[3], lb[3], ">=", CYCLES_TARGET, load_desc=desc)
        out.append(line + caveat)
        key = g + ": cycle p99 (us)"
        _, line = verdict.judge("rtprelay cycle p99 < rtpengine's, %s" % g,
                                a["rows"].get(key, ("-",))[0], b["rows"].get(key, ("-",))[0],
                                la[3], lb[3], "<", 1, load_desc=desc)
        out.append(line + caveat)
    return out
