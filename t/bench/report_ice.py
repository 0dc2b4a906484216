"""The ICE section of RESULTS.md, rendered from the raw file
run_ice_bench.py wrote (results/ice.tsv). Every figure and every sentence
citing one comes from that file."""

import raw_tsv

RELAYS = ("rtprelay", "rtpengine")
NG_P99_US = 10000  # the control socket's bound while checks run (issue 14)


def sustained(cells):
    """(rate, cell) of the highest offered rate at which every check sent
    was answered and the ng ping p99 stayed within NG_P99_US; None if
    none."""
    ok = []
    for rate, c in cells.items():
        sent, ans = raw_tsv_float(c.get("sent")), raw_tsv_float(c.get("answered"))
        p99 = raw_tsv_float(c.get("ng_ping_p99_us"))
        if sent > 0 and ans == sent and 0 <= p99 <= NG_P99_US:
            ok.append((rate, c))
    return max(ok, key=lambda x: x[0]) if ok else None


def parse(lines):
    """(cells {relay: {rate: {key: value}}}, media {relay: {key: value}},
    status {relay: text})."""
    cells = {r: {} for r in RELAYS}
    media = {r: {} for r in RELAYS}
    status = {}
    for f in lines:
        if f[0] == "cell" and len(f) >= 5 and f[1] in cells:
            cells[f[1]].setdefault(int(f[2]), {})[f[3]] = f[4]
        elif f[0] == "media" and len(f) >= 4 and f[1] in media:
            media[f[1]][f[2]] = f[3]
        elif f[0] == "status" and len(f) >= 3:
            status[f[1]] = f[2]
    return cells, media, status


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
    rows = []
    for r in RELAYS:
        if r in status:
            rows.append([r, status[r], "", "", "", "", ""])
            continue
        for rate in sorted(cells[r]):
            c = cells[r][rate]
            rows.append([r, c.get("offered_rate", "?"), c.get("answered_rate", "?"),
                         c.get("answered_pct", "?"), c.get("check_p50_us", "?"),
                         c.get("check_p99_us", "?"), c.get("ng_ping_p99_us", "?")])
    out += raw_tsv.md_table(["relay", "checks/s offered", "answered/s", "answered %",
                             "check p50 us", "check p99 us", "ng ping p99 us"], rows,
                            "lrrrrrr")
    out.append("")
    mrows = []
    for r in RELAYS:
        m = media[r]
        if m:
            mrows.append([r, m.get("calls", "?"), m.get("offered_pps", "?"),
                          m.get("delivered_pps", "?"), m.get("loss_pct", "?"),
                          m.get("lat_p99_us", "?"), m.get("daemon_cpu_pct", "?")])
    if mrows:
        out.append("The media load over the same run (all rates together):")
        out.append("")
        out += raw_tsv.md_table(["relay", "calls", "offered pps", "delivered pps", "loss %",
                                 "latency p99 us", "relay CPU %"], mrows, "lrrrrrr")
        out.append("")
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


def raw_tsv_float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return -1.0
