"""The ICE section of RESULTS.md, rendered from the raw file
run_ice_bench.py wrote (results/ice.tsv). Every figure and every sentence
citing one comes from that file."""

import raw_tsv
from rate_report import RELAYS, media_table, num, parse, steps_table

NG_P99_US = 10000  # the control socket's bound while checks run (issue 14)


def sustained(cells):
    """(rate, cell) of the highest offered rate at which every check sent
    was answered and the ng ping p99 stayed within NG_P99_US; None if
    none."""
    ok = []
    for rate, c in cells.items():
        sent, ans = num(c.get("sent"), -1.0), num(c.get("answered"), -1.0)
        p99 = num(c.get("ng_ping_p99_us"), -1.0)
        if sent > 0 and ans == sent and 0 <= p99 <= NG_P99_US:
            ok.append((rate, c))
    return max(ok, key=lambda x: x[0]) if ok else None


def render(meta, lines):
    cells, media, status = parse(lines)
    out = ["# ice", "", "ICE connectivity checks (STUN binding requests with MESSAGE-INTEGRITY "
           "and FINGERPRINT, as a browser sends them) answered per second by each relay while "
           "it relays %s plain calls of media_load (50 packets/s per direction), spread over "
           "%s ICE calls, each rate for %s s, open loop (t/bench/run_ice_bench.py, "
           "ice_checks.c). `ng ping p99` is the control socket's round trip during the step."
           % (meta.get("ice_media_calls", "?"), meta.get("ice_calls", "?"),
              meta.get("ice_step_s", "?")), ""]
    out += raw_tsv.run_header(meta)
    out.append("")
    out += steps_table(cells, status, ["relay", "checks/s offered", "answered/s", "answered %",
                                       "check p50 us", "check p99 us", "ng ping p99 us"],
                       "lrrrrrr", lambda rate, c: [
                           c.get("offered_rate", "?"), c.get("answered_rate", "?"),
                           c.get("answered_pct", "?"), c.get("check_p50_us", "?"),
                           c.get("check_p99_us", "?"), c.get("ng_ping_p99_us", "?")])
    out.append("")
    out += media_table(media, "The media load over the same run (all rates together):")
    for r in RELAYS:
        if not cells[r]:
            continue
        s = sustained(cells[r])
        if s is None:
            out.append("- %s: no offered rate had every check answered with ng ping p99 <= "
                       "%d us." % (r, NG_P99_US))
            continue
        rate, c = s
        out.append("- %s sustained %s offered checks/s (%s answered/s, all %s answered, check "
                   "p99 %s us, ng ping p99 %s us <= %d us)%s." % (
                       r, c.get("offered_rate", "?"), c.get("answered_rate", "?"),
                       c.get("sent", "?"), c.get("check_p99_us", "?"),
                       c.get("ng_ping_p99_us", "?"), NG_P99_US,
                       "" if rate < max(cells[r]) else "; that is the highest rate offered: "
                       "its limit lies above what this run tried"))
    out.append("")
    return "\n".join(out)

