"""The DTLS section of RESULTS.md, rendered from the raw file
run_dtls_bench.py wrote (results/dtls.tsv). Every figure and every
sentence citing one comes from that file."""

import raw_tsv
import verdict
from rate_report import RELAYS, media_table, num, parse, steps_table

NG_P99_US = 10000  # the control socket's bound while handshakes run (issue 14)


def sustained(cells):
    """(rate, cell) of the highest offered rate at which every handshake
    completed, at the offered rate (completed/s within verdict.TOLERANCE of
    it: all completing late within the time-out is not keeping up), and the
    ng ping p99 stayed within NG_P99_US; None if none."""
    ok = []
    for rate, c in cells.items():
        n, done, p99 = num(c.get("handshakes")), num(c.get("completed")), num(
            c.get("ng_ping_p99_us"))
        cps = num(c.get("completed_rate"))
        if (n and done == n and p99 is not None and 0 <= p99 <= NG_P99_US and
                cps is not None and cps >= rate * (1 - verdict.TOLERANCE) and "status" not in c):
            ok.append((rate, c))
    return max(ok, key=lambda x: x[0]) if ok else None


def render(meta, lines):
    cells, media, status = parse(lines)
    out = ["# dtls", "", "DTLS-SRTP handshakes (the party as DTLS client after offering "
           "UDP/TLS/RTP/SAVPF with a=setup:active and its a=fingerprint; the relay's "
           "certificate checked against its a=fingerprint, an SRTP profile negotiated) "
           "completed per second by each relay while it relays %s plain calls of media_load "
           "(50 packets/s per direction); at each offered rate, rate x %s s handshakes are "
           "started open loop, one call each, each given %s s to complete "
           "(t/bench/run_dtls_bench.py, dtls_hs.c). `completed/s` is completed handshakes "
           "over the span from the first start to the last completion; `ng ping p99` is the "
           "control socket's round trip during the step."
           % (meta.get("dtls_media_calls", "?"), meta.get("dtls_step_s", "?"),
              meta.get("dtls_hs_timeout_s", "?")), ""]
    out += raw_tsv.run_header(meta)
    out.append("")
    out += steps_table(cells, status, ["relay", "handshakes/s offered", "started", "completed",
                                       "completed/s", "failed", "handshake p50 us",
                                       "handshake p99 us", "ng ping p99 us"],
                       "lrrrrrrrr", lambda rate, c: [
                           str(rate), c.get("handshakes", "?"), c.get("completed", "?"),
                           c.get("completed_rate", "?"),
                           str(int(num(c.get("failed")) or 0) + int(num(c.get("timed_out")) or 0)
                               + int(num(c.get("setup_errors")) or 0)),
                           c.get("hs_p50_us", "?"), c.get("hs_p99_us", "?"),
                           c.get("ng_ping_p99_us", "?") + (" (%s)" % c["status"]
                                                           if "status" in c else "")])
    out.append("")
    out += media_table(media, "The media load over the same run (all rates together, call "
                       "set-up between the steps included):")
    for r in RELAYS:
        if not cells[r]:
            continue
        s = sustained(cells[r])
        top = max(cells[r])
        if s is None:
            out.append("- %s: no offered rate had every handshake completed at the offered "
                       "rate (within %.0f%%) with ng ping p99 <= %d us." % (
                           r, 100 * verdict.TOLERANCE, NG_P99_US))
            continue
        rate, c = s
        out.append("- %s sustained %d offered handshakes/s (%s completed/s, all %s "
                   "completed, ng ping p99 %s us <= %d us; the sustained rate is the highest "
                   "offered rate with every handshake completed, completed/s within 2%% of "
                   "it, and ng ping p99 <= 10 ms)%s." % (
                       r, rate, c.get("completed_rate", "?"), c.get("handshakes", "?"),
                       c.get("ng_ping_p99_us", "?"), NG_P99_US,
                       "" if rate < top else "; that is the highest rate offered: its limit "
                       "lies above what this run tried"))
    out.append("")
    return "\n".join(out)
