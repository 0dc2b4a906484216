"""The ICE section of RESULTS.md, rendered from the raw file
run_ice_bench.py wrote (results/ice.tsv). Every figure and every sentence
citing one comes from that file."""

import raw_tsv

RELAYS = ("rtprelay", "rtpengine")


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
        best = [(int(rate), c) for rate, c in cells[r].items()
                if raw_tsv_float(c.get("answered_pct")) >= 99.0]
        if best:
            rate, c = max(best, key=lambda x: x[0])
            out.append("- %s answered at least 99%% of the checks up to %s offered checks/s "
                       "(%s answered/s, p99 %s us)." % (r, c.get("offered_rate", "?"),
                                                      c.get("answered_rate", "?"),
                                                      c.get("check_p99_us", "?")))
        elif cells[r]:
            out.append("- %s answered less than 99%% of the checks at every rate." % r)
    out.append("")
    return "\n".join(out)


def raw_tsv_float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return -1.0
