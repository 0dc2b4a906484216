"""The media section of RESULTS.md, rendered from the raw file
run_media_bench.sh wrote (results/media.tsv). Every figure and every
sentence citing one comes from that file."""

import math

import raw_tsv
import verdict

# the targets of issue 3: CPU per packet against the bare loop and rtpengine
VS_FWD = 1.2
VS_RTPENGINE = 0.6
# the SRTP conversion rows (issue 13): config infix, as the verdicts name it
# and the WebRTC bridging rows (issue 14): the SRTP side RTP/SAVPF with
# rtcp-mux, the plain side RTP/AVP
SRTP_CONVERSIONS = (("srtp2rtp", "SRTP->RTP"), ("rtp2srtp", "RTP->SRTP"),
                    ("savpf2avp", "SAVPF->AVP"), ("avp2savpf", "AVP->SAVPF"))
LATE_PCT = 5.0  # generator late by > 1 ms for more packets than this: flagged
OTHER_CPUS = 0.25  # CPUs busy with neither relay nor generator: flagged
# A relay at >= this share of its threads' CPUs, or with a p50 latency above
# SATURATED_P50_US, was saturated (flagged): it may relay fewer packets in
# the window than it is offered; its us/pkt (per packet relayed in the
# window) is what a packet costs it at that load.
SATURATED_CPU = 0.90
SATURATED_P50_US = 100000


def parse(lines):
    """(call counts in order, configs in order, {(n, cfg): {key: value}}).
    A configuration run several times (CFG@1, CFG@2, ...: MEDIA_REPEAT)
    is the run of median CPU per packet among those that ended ok, with
    "runs" (how many), "runs_us_per_pkt" and "runs_loss_pct" (every run's,
    in run order)."""
    ns, cfgs, runs = [], [], {}
    for f in lines:
        if f[0] != "cell" or len(f) < 5:
            continue
        n, run, key, value = f[1], f[2], f[3], "\t".join(f[4:])
        cfg = run.split("@")[0]
        if n not in ns:
            ns.append(n)
        if cfg not in cfgs:
            cfgs.append(cfg)
        runs.setdefault((n, cfg), {}).setdefault(run, {})[key] = value
    cells = {}
    for k, by_run in runs.items():
        rs = list(by_run.values())
        if len(rs) == 1:
            cells[k] = rs[0]
            continue
        us = [verdict.num(r.get("daemon_us_per_pkt")) for r in rs]
        ok = sorted((u, i) for i, (r, u) in enumerate(zip(rs, us))
                    if r.get("status") == "ok" and u is not None)
        pick = dict(rs[ok[(len(ok) - 1) // 2][1]] if ok else rs[0])
        pick["runs"] = str(len(rs))
        pick["runs_us_per_pkt"] = ", ".join("-" if u is None else "%.3f" % u for u in us)
        pick["runs_loss_pct"] = ", ".join(r.get("loss_pct", "-") for r in rs)
        cells[k] = pick
    return ns, cfgs, cells


def threads(cfg):
    return cfg.rsplit("-t", 1)[-1]


def conversion(cfg):
    """The SRTP conversion infix of cfg ("srtp2rtp", "rtp2srtp"), or None
    for a plain row."""
    parts = cfg.split("-")
    return parts[1] if len(parts) == 3 and parts[1] in dict(SRTP_CONVERSIONS) else None


def plain_of(cfg):
    """The plain row of the same relay and threads as an SRTP row (None for
    a plain row): rtprelay-srtp2rtp-t1 -> rtprelay-t1."""
    if conversion(cfg) is None:
        return None
    return "%s-t%s" % (cfg.split("-")[0], threads(cfg))


def rtpengine_of(cfg):
    """The rtpengine row doing the same work as an rtprelay row (same
    conversion, same threads)."""
    conv = conversion(cfg)
    return "rtpengine-%st%s" % (conv + "-" if conv else "", threads(cfg))


class Block:
    """The rows of one call count."""

    def __init__(self, n, cfgs, cells):
        self.n = n
        self.rows = {c: cells[(n, c)] for c in cfgs if (n, c) in cells}

    def get(self, cfg, key, default="-"):
        return self.rows.get(cfg, {}).get(key, default)

    def other_cpus(self, cfg):
        """CPUs busy during cfg's window with neither the relay nor the
        generator (other work on the machine), or None."""
        busy = verdict.num(self.get(cfg, "machine_busy_cpus"))
        relay = verdict.num(self.get(cfg, "daemon_cpu_pct"))
        gen = verdict.num(self.get(cfg, "gen_cpu_pct"))
        if busy is None or relay is None or gen is None:
            return None
        return max(0.0, busy - relay / 100 - gen / 100)

    def show(self, cfg, key):
        """A figure for the table: "-" for none (media_load prints -1)."""
        v = self.get(cfg, key)
        x = verdict.num(v)
        return "-" if x is not None and x < 0 else v

    def ok(self, cfg):
        return self.get(cfg, "status") == "ok"

    def same_load(self, c1, c2):
        return verdict.same_load(self.get(c1, "offered_pps"), self.get(c2, "offered_pps"))

    def cpu_ratio(self, cfg, ref):
        """us/pkt of cfg over ref's, as text: "n/c" under different loads."""
        if cfg == ref or ref not in self.rows:
            return "-"
        r = verdict.ratio(self.get(cfg, "daemon_us_per_pkt"), self.get(ref, "daemon_us_per_pkt"))
        if r is None:
            return "-"
        return "%.2f" % r if self.same_load(cfg, ref) else "n/c"


def status_note(b, cfg):
    st = b.get(cfg, "status", "no result")
    note = st
    asked, offered = verdict.num(b.get(cfg, "target_pps")), verdict.num(b.get(cfg, "offered_pps"))
    if asked and offered is not None and offered < asked * (1 - verdict.TOLERANCE):
        note += ", generator offered %.0f%% of the asked rate" % (100 * offered / asked)
    if st == "ok" and (verdict.num(b.get(cfg, "loss_pct")) or 0) >= 99.9:
        note = "ok, but ~100% loss"
    failed = verdict.num(b.get(cfg, "srtp_auth_failed"))
    if failed:
        note += ", %s packets failed SRTP authentication (counted lost)" % b.get(
            cfg, "srtp_auth_failed")
    if verdict.num(b.get(cfg, "srtp_tx_errors")):
        note += ", generator could not protect %s packets" % b.get(cfg, "srtp_tx_errors")
    logged = verdict.num(b.get(cfg, "relay_log_lines"))
    if logged is not None and logged > 10:
        note += ", relay logged %s lines (errors/warnings)" % b.get(cfg, "relay_log_lines")
    late = verdict.num(b.get(cfg, "sender_late_1ms_pct"))
    if late is not None and late > LATE_PCT:
        note += " (generator late > 1 ms for %s%% of packets)" % b.get(cfg, "sender_late_1ms_pct")
    return note


def table(ns, cfgs, cells):
    head = ["calls", "relay", "batching", "asked/s", "offered/s", "deliv/s", "relayed/s", "loss %",
            "p50 us", "p99 us", "CPU %", "us/pkt", "x fwd-t1", "x rtpengine", "x plain",
            "gen CPU %",
            "busy CPUs", "other CPUs", "load1", "status"]
    rows = []
    for n in ns:
        b = Block(n, cfgs, cells)
        for c in cfgs:
            if c not in b.rows:
                continue
            g = b.show
            rows.append([n, c, g(c, "batching"), g(c, "target_pps"), g(c, "offered_pps"),
                         g(c, "delivered_pps"), g(c, "relayed_pps"), g(c, "loss_pct"),
                         g(c, "lat_p50_us"),
                         g(c, "lat_p99_us"), g(c, "daemon_cpu_pct"), g(c, "daemon_us_per_pkt"),
                         b.cpu_ratio(c, "fwd-t1"),
                         "-" if c.startswith("rtpengine") else b.cpu_ratio(c, rtpengine_of(c)),
                         b.cpu_ratio(c, plain_of(c)) if plain_of(c) else "-",
                         g(c, "gen_cpu_pct"), g(c, "machine_busy_cpus"),
                         "-" if b.other_cpus(c) is None else "%.2f" % b.other_cpus(c),
                         g(c, "load"),
                         status_note(b, c)])
    return raw_tsv.md_table(head, rows, "lll" + "r" * 16 + "l")


def load_desc(b, c1, c2):
    return "offered pkt/s (%s, %s)" % (c1, c2)


def saturation(b, cfg):
    """Why cfg's relay was saturated during its window, or None: its CPU %
    at >= SATURATED_CPU of its threads, or its p50 latency over
    SATURATED_P50_US (packets queued behind a busy relay)."""
    why = []
    cpu = verdict.num(b.get(cfg, "daemon_cpu_pct"))
    t = verdict.num(threads(cfg))
    if cpu is not None and t and cpu >= SATURATED_CPU * 100 * t:
        why.append("CPU %s%% of %d thread%s" % (b.get(cfg, "daemon_cpu_pct"), t,
                                               "" if t == 1 else "s"))
    p50 = verdict.num(b.get(cfg, "lat_p50_us"))
    if p50 is not None and p50 > SATURATED_P50_US:
        why.append("p50 latency %s us > %d ms" % (b.get(cfg, "lat_p50_us"),
                                                 SATURATED_P50_US // 1000))
    return ", ".join(why) if why else None


def caveat(b, rows):
    """What else was different between rows of the same offered load: other
    work on the machine during the window, a generator that was late
    (bursts instead of a paced stream), or a relay that was saturated (one
    that relayed fewer packets in the window than were offered in it has a
    us/pkt, per packet relayed, above its CPU over the offered rate: both
    are given)."""
    why = []
    for c in rows:
        sat = saturation(b, c)
        if sat:
            why.append("%s was saturated (%s): it relayed %s of the %s pkt/s offered in the "
                       "window, so its us/pkt is %s per packet relayed (%s per packet offered)"
                       % (c, sat, b.get(c, "relayed_pps"), b.get(c, "offered_pps"),
                          b.get(c, "daemon_us_per_pkt"), b.get(c, "daemon_us_per_offered_pkt")))
        other = b.other_cpus(c)
        late = verdict.num(b.get(c, "sender_late_1ms_pct"))
        if other is not None and other >= OTHER_CPUS:
            why.append("other work used %.2f CPUs during %s" % (other, c))
        if late is not None and late > LATE_PCT:
            why.append("%s's generator was late > 1 ms for %s%% of packets" % (
                c, b.get(c, "sender_late_1ms_pct")))
    runs = ["%s median of %s runs (us/pkt %s)" % (c, b.get(c, "runs"), b.get(c, "runs_us_per_pkt"))
            for c in rows if verdict.num(b.get(c, "runs"))]
    return ("; caveat: " + ", ".join(why) if why else "") + (
        "; " + ", ".join(runs) if runs else "")


def cpu_verdicts(b):
    out = []
    n = b.n
    for t in ("1", "2"):
        r, e = "rtprelay-t" + t, "rtpengine-t" + t
        if not b.ok(r):
            out.append("no figures: N=%s %s (%s): targets not judged" % (n, r, b.get(r, "status")))
            continue
        for ref, limit in (("fwd-t1", VS_FWD), (e, VS_RTPENGINE)):
            _, line = verdict.judge(
                "N=%s %s CPU/pkt <= %gx %s's" % (n, r, limit, ref),
                b.get(r, "daemon_us_per_pkt"), b.get(ref, "daemon_us_per_pkt"),
                b.get(r, "offered_pps"), b.get(ref, "offered_pps"), "<=", limit,
                load_desc=load_desc(b, r, ref))
            out.append(line + caveat(b, (r, ref)))
        out.append(loss_verdict(b, r, e))
    return out


def loss_verdict(b, r, e):
    """rtprelay loses nothing where rtpengine, under the same load, lost
    nothing."""
    what = "N=%s %s loses no packet where %s lost none" % (b.n, r, e)
    if not b.ok(e):
        return "no figures: %s (%s: %s)" % (what, e, b.get(e, "status"))
    if not b.same_load(r, e):
        return "not comparable: %s: offered pkt/s %s vs %s (tolerance %.0f%%)" % (
            what, b.get(r, "offered_pps"), b.get(e, "offered_pps"), 100 * verdict.TOLERANCE)
    # run by run when the rows ran several times (run k of each in one turn)
    key = "runs_loss_pct" if b.get(r, "runs_loss_pct", None) and b.get(e, "runs_loss_pct", None) \
        else "loss_pct"
    lrs = [verdict.num(x) for x in b.get(r, key).split(", ")]
    les = [verdict.num(x) for x in b.get(e, key).split(", ")]
    if None in lrs or None in les or len(lrs) != len(les):
        return "no figures: %s" % what
    shown = "loss%s %s%% vs %s%%" % (" per run" if key != "loss_pct" else "", b.get(r, key),
                                    b.get(e, key))
    relevant = [lr for lr, le in zip(lrs, les) if le == 0]
    if not relevant:
        return "no target: %s: %s lost packets itself (%s)" % (what, e, shown)
    return "target %s: %s: %s" % ("met" if all(lr == 0 for lr in relevant) else "MISSED",
                                  what, shown)


def srtp_verdicts(b):
    """The SRTP conversion rows: rtprelay's CPU per packet against
    rtpengine's doing the same conversion (target <= VS_RTPENGINE), loss
    where rtpengine lost none, and each relay's conversion against its own
    plain relaying (no target: what the crypto costs)."""
    out = []
    for conv, name in SRTP_CONVERSIONS:
        r, e = "rtprelay-%s-t1" % conv, "rtpengine-%s-t1" % conv
        if r not in b.rows and e not in b.rows:
            continue
        if not b.ok(r):
            out.append("no figures: N=%s %s (%s, %s): targets not judged" % (
                b.n, r, name, b.get(r, "status", "no result")))
            continue
        _, line = verdict.judge(
            "N=%s %s CPU/pkt <= %gx %s's (%s, %s)" % (b.n, r, VS_RTPENGINE, e, name,
                                                     b.get(r, "srtp_suite")),
            b.get(r, "daemon_us_per_pkt"), b.get(e, "daemon_us_per_pkt"),
            b.get(r, "offered_pps"), b.get(e, "offered_pps"), "<=", VS_RTPENGINE,
            load_desc=load_desc(b, r, e))
        out.append(line + caveat(b, (r, e)))
        out.append(loss_verdict(b, r, e))
        for row in (r, e):
            out.append(plain_cost_line(b, row, name))
        out += srtp_model_lines(b, conv, name)
    return out


def srtp_model_lines(b, conv, name):
    """When the generator could not offer the asked rate in a conversion
    row, this machine could not show that conversion at that load: say so,
    with the model the run's figures give. The generator does one libsrtp2
    operation per relayed packet (protect before sending or unprotect after
    receiving), as the relay does; its extra CPU per relayed packet over
    the plain row of the same relay estimates that work. Its CPU per packet
    is taken over every packet it sent or received in the window
    (gen_us_per_wire_pkt): a lagging sender is still sending warm-up
    packets then."""
    rows = ["%s-%s-t1" % (relay, conv) for relay in ("rtprelay", "rtpengine")]
    short = []
    for c in rows:
        asked, offered = verdict.num(b.get(c, "target_pps")), verdict.num(b.get(c, "offered_pps"))
        if b.ok(c) and asked and offered is not None and offered < asked * (1 - verdict.TOLERANCE):
            short.append("%s pkt/s (%s)" % (b.get(c, "offered_pps"), c))
    if not short:
        return []
    asked = verdict.num(b.get(rows[0], "target_pps")) or 0
    costs = []
    for c in rows:
        g = verdict.num(b.get(c, "gen_us_per_wire_pkt"))
        gp = verdict.num(b.get(plain_of(c), "gen_us_per_wire_pkt"))
        if not (b.ok(c) and b.ok(plain_of(c))) or g is None or gp is None:
            continue
        costs.append("beside %s the generator spent %.2f us per relayed packet more than "
                     "beside %s, and would alone need %.2f CPUs at the asked rate"
                     % (c, 2 * (g - gp), plain_of(c), asked * 2 * g / 1e6))
    plain = ", ".join("%s %s us/pkt" % (p, b.get(p, "daemon_us_per_pkt"))
                      for p in ("rtprelay-t1", "rtpengine-t1") if b.ok(p))
    return ["not measurable here: N=%s %s at the asked %s pkt/s: the generator offered only "
            "%s; it shares this machine's CPUs with the relay and other work and does as much "
            "libsrtp2 work as the relay (one protect or unprotect per relayed packet): %s. "
            "Expected model: a relay's conversion costs its plain us/pkt (%s) plus that one "
            "SRTP operation per packet; rtprelay meets the 0.6x target when its plain cost "
            "plus its SRTP work stays under 0.6x rtpengine's for the same conversion at the "
            "same offered load, which needs a machine where the generator has CPUs of its own." % (
                b.n, name, b.get(rows[0], "target_pps"), " and ".join(short),
                "; ".join(costs) or "no generator figures", plain or "no plain figures")]


def plain_cost_line(b, row, name):
    """What the conversion costs one relay over its plain relaying of the
    same run, as a ratio of CPU per packet; no target."""
    plain = plain_of(row)
    what = "N=%s %s vs plain relaying (%s)" % (b.n, name, row)
    if not (b.ok(row) and b.ok(plain)):
        return "no figures: %s (%s: %s, %s: %s)" % (what, row, b.get(row, "status", "no result"),
                                                    plain, b.get(plain, "status", "no result"))
    r = verdict.ratio(b.get(row, "daemon_us_per_pkt"), b.get(plain, "daemon_us_per_pkt"))
    if r is None:
        return "no figures: %s" % what
    if not b.same_load(row, plain):
        return "not comparable: %s: offered pkt/s (%s, %s) %s vs %s (tolerance %.0f%%)" % (
            what, row, plain, b.get(row, "offered_pps"), b.get(plain, "offered_pps"),
            100 * verdict.TOLERANCE)
    return "%s: %s / %s us/pkt = %.2f (offered pkt/s (%s, %s) %s vs %s)%s%s" % (
        what, b.get(row, "daemon_us_per_pkt"), b.get(plain, "daemon_us_per_pkt"), r, row, plain,
        b.get(row, "offered_pps"), b.get(plain, "offered_pps"), cost_split(b, row, plain),
        caveat(b, (row, plain)))


def cost_split(b, row, plain):
    """Where the difference between a conversion row and its plain row lies:
    the relay's own code (user time: the SRTP work is there) or the
    kernel's (system time, which moves with how many packets each wake-up
    serves), when media_load measured them ("" otherwise). A relay that
    never slept in the window (busy, or polling) has no packets per
    wake-up."""
    us = [[verdict.num(b.get(c, k)) for k in ("daemon_user_us_per_pkt", "daemon_sys_us_per_pkt")]
          for c in (row, plain)]
    if any(x is None for x in us[0] + us[1]):
        return ""
    line = "; user %.2f vs %.2f us/pkt, system %.2f vs %.2f us/pkt" % (
        us[0][0], us[1][0], us[0][1], us[1][1])
    wake = [verdict.num(b.get(c, "daemon_pkts_per_wakeup")) for c in (row, plain)]
    if all(w is not None and w > 0 for w in wake):
        line += ", %.1f vs %.1f packets per wake-up" % (wake[0], wake[1])
    return line


def latency_lines(b):
    """The io_uring row's p50 beside the bare loop's and the epoll row's,
    when they carried the same load."""
    rows = [c for c in ("fwd-t1", "rtprelay-epoll-t1", "rtprelay-t1") if b.ok(c)]
    if "rtprelay-t1" not in rows or "fwd-t1" not in rows:
        return []
    desc = ", ".join("%s %s us (%s)" % (c, b.get(c, "lat_p50_us"), b.get(c, "batching"))
                     for c in rows)
    if not all(b.same_load(c, "fwd-t1") for c in rows):
        return ["N=%s p50 latency: %s: not comparable (offered pkt/s %s)" % (
            b.n, desc, " vs ".join(b.get(c, "offered_pps") for c in rows))]
    extra = (verdict.num(b.get("rtprelay-t1", "lat_p50_us")) or 0) - \
        (verdict.num(b.get("fwd-t1", "lat_p50_us")) or 0)
    line = ("N=%s p50 latency at the same load: %s; rtprelay-t1's p50 minus the bare "
            "loop's: %+.0f us" % (b.n, desc, extra))
    late = [c for c in rows if (verdict.num(b.get(c, "sender_late_1ms_pct")) or 0) > LATE_PCT]
    if late:
        line += ("; but the generator was late > 1 ms for more than %g%% of packets in %s: "
                 "these latencies show CPU starvation, not batching" % (LATE_PCT, ", ".join(late)))
    return [line]


def scaling_lines(meta, blocks):
    """2 threads against 1: measurable only with a CPU per worker plus the
    generator's; otherwise say so, with the model the figures suggest."""
    cpus = verdict.num(meta.get("cpus")) or 0
    gen = max([verdict.num(b.get(c, "gen_cpu_pct")) or 0 for b in blocks for c in b.rows] + [0])
    need = 2 + max(1, math.ceil(gen / 100))
    if cpus >= need:
        out = []
        for b in blocks:
            r1, r2 = "rtprelay-t1", "rtprelay-t2"
            if not (b.ok(r1) and b.ok(r2)):
                continue
            if not b.same_load(r1, r2):
                out.append("not comparable: N=%s 2 threads vs 1: offered pkt/s %s vs %s" % (
                    b.n, b.get(r2, "offered_pps"), b.get(r1, "offered_pps")))
            elif (verdict.num(b.get(r1, "loss_pct")) or 0) == 0:
                out.append("n/a: N=%s 2 threads vs 1: one thread lost nothing (not saturated)"
                           % b.n)
            else:
                d1 = verdict.num(b.get(r1, "delivered_pps"))
                d2 = verdict.num(b.get(r2, "delivered_pps"))
                out.append("target %s: N=%s 2 threads deliver more than 1: %s vs %s pkt/s" % (
                    "met" if d2 > d1 else "MISSED", b.n, b.get(r2, "delivered_pps"),
                    b.get(r1, "delivered_pps")))
        return out
    caps = []
    for b in blocks:
        us = verdict.num(b.get("rtprelay-t1", "daemon_us_per_pkt"))
        if b.ok("rtprelay-t1") and us:
            caps.append("%.0f pkt/s at N=%s" % (1e6 / us, b.n))
    model = ("one worker's ceiling is about 1e6 / (its us/pkt) packets/s of its own CPU "
             "(from this run's rtprelay-t1 rows: %s), and T workers on T free CPUs should "
             "reach about T times that until the kernel's shared per-packet work (softirq) "
             "limits it" % (", ".join(caps) if caps else "no rtprelay-t1 figures"))
    return ["not measurable here: 2 threads vs 1 (scaling past one worker): this machine "
            "has %d CPUs and the generator itself used up to %.0f%% of one CPU, so two relay "
            "workers never have a CPU each; the -t2 rows show two threads sharing the CPUs, "
            "not scaling. It needs at least %d CPUs. Expected model: %s."
            % (cpus, gen, need, model)]


def render(meta, lines):
    ns, cfgs, cells = parse(lines)
    blocks = [Block(n, cfgs, cells) for n in ns]
    any_row = next(iter(cells.values()), {})
    out = ["# Media (t/bench/run_media_bench.sh)", ""]
    out += raw_tsv.run_header(meta)
    out.append("- Load: per call 2 streams x %s packets/s x %s bytes of RTP; %s s warm-up, "
               "%s s measured; media_load arguments: %s" % (
                   any_row.get("pps_per_stream", "?"), any_row.get("pkt_bytes", "?"),
                   meta.get("media_warmup_s", "?"), meta.get("media_duration_s", "?"),
                   meta.get("media_load_args") or "(none)"))
    if "media_repeat" in meta:
        out.append("- Runs: every row %s times at its call count, all configurations taking "
                   "turns run by run; a row shows its run of median CPU per packet, the "
                   "verdicts list every run's us/pkt, and loss is judged run by run (run k "
                   "of one relay against run k of the other)" % meta["media_repeat"])
    if meta.get("media_pin") == "1":
        out.append("- CPU placement: every one-thread row (-t1) runs its relay, all threads, on "
                   "the last CPU and the generator on CPU 0 (taskset), the same for every "
                   "relay; -t2 rows are not pinned (unpinned, the scheduler sometimes put relay "
                   "and generator on one CPU, and one row's CPU per packet varied by a third "
                   "between runs)")
    elif "media_pin" in meta:
        out.append("- CPU placement: not pinned (MEDIA_PIN=%s)" % meta["media_pin"])
    if meta.get("media_srtp") == "1":
        out.append("- SRTP rows (-srtp2rtp-, -rtp2srtp-): at %s calls, %s s measured; the "
                   "generator's SRTP endpoint protects with its own SDES key and unprotects "
                   "with the relay's (libsrtp2), packets failing authentication count as "
                   "lost" % (meta.get("media_srtp_calls", "?"),
                             meta.get("media_srtp_duration_s", "?")))
        if any(conversion(c) in ("savpf2avp", "avp2savpf") for c in cfgs):
            out.append("- WebRTC bridging rows (-savpf2avp-, -avp2savpf-): the same, with the "
                       "SRTP side offered or answered as RTP/SAVPF with a=rtcp-mux (ng "
                       "\"rtcp-mux\": demux toward the plain side, offer toward the SAVPF "
                       "side) and the plain side RTP/AVP without mux; the keys come by SDES "
                       "in the generator, whose per-packet work (one AES_CM_128_HMAC_SHA1_80 "
                       "protect or unprotect) is the same as with keys from a DTLS-SRTP "
                       "handshake")
    elif "media_srtp" in meta:
        out.append("- SRTP rows: not run (MEDIA_SRTP=%s)" % meta["media_srtp"])
    others = sorted(x for x in (b.other_cpus(c) for b in blocks for c in b.rows)
                    if x is not None)
    if others:
        out.append("- Other work during the measured windows (busy CPUs minus relay and "
                   "generator): median %.2f, max %.2f CPUs of %s%s" % (
                       others[len(others) // 2], others[-1], meta.get("cpus", "?"),
                       "" if others[-1] < OTHER_CPUS else
                       ": the machine was shared, figures are skewed"))
    out += ["", OFFERED % (100 * verdict.TOLERANCE), "", "## Table", ""]
    out += table(ns, cfgs, cells)
    out += ["", COLUMNS.replace("OTHER_CPUS", "%.2f" % OTHER_CPUS), "", "## Verdicts", "", "```"]
    for b in blocks:
        out += cpu_verdicts(b)
        out += srtp_verdicts(b)
        out += latency_lines(b)
    out += scaling_lines(meta, blocks)
    out += ["```", ""]
    return "\n".join(out)


OFFERED = """\
Offered load: media_load is an open loop, it sends at a fixed rate whatever
comes back. A row's offered load is the rate it actually sent in the
measured window (offered/s); it falls short of the asked rate (asked/s) when
the generator runs out of CPU, which differs from row to row. Ratios and
verdicts compare two rows only when their offered/s agree within %.0f%%;
otherwise they read "n/c" or "not comparable"."""

COLUMNS = """\
Columns: batching = how the relay moves packets, as its start-up log says
(rtpengine: one recvmsg and one sendto per packet); p50/p99 = one-way
latency through the relay (send to receive, CLOCK_MONOTONIC); CPU % = the
relay's user+system time in % of one CPU; relayed/s = the packets of ours
that reached the generator during the measured window (whenever they were
sent), per second: what the relay did with its CPU of the window, equal to
offered/s for a relay that keeps up and less for one whose backlog grows;
us/pkt = the relay's CPU microseconds of the window per packet it relayed
in the window (for a relay that fell behind, its CPU over the offered
rate would credit it with packets it had not yet relayed; a saturated
row's caveat gives that figure too); x fwd-t1, x rtpengine = us/pkt over
fwd-t1's and over rtpengine's with as many threads (and, for an SRTP row,
the same conversion), at the same offered load (n/c otherwise); x plain =
an SRTP row's us/pkt over its relay's plain row with as many threads, at
the same offered load; gen CPU % = the generator's own CPU; busy CPUs = CPUs busy
machine-wide (/proc/stat); other CPUs = busy CPUs minus the relay's and the
generator's: other work on the machine during the window, plus kernel work
charged to neither process (small on a quiet machine); a verdict names rows
where it reached OTHER_CPUS; load1 = 1-min load average before the row's run
(it includes the previous rows of this benchmark).
fwd-t1/t2 is min_forwarder, a bare epoll + recvmmsg/sendmmsg loop over a
static mapping: the floor of user-space forwarding cost and latency here."""
