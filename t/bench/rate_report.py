"""What report_ice.py and report_dtls.py share: the raw file of a run that
stepped each relay through offered rates under a media load (rate_bench.py
wrote it), and the two tables rendered from it. The prose and the verdicts
are each report's own."""

import raw_tsv

RELAYS = ("rtprelay", "rtpengine")


def num(v, missing=None):
    """A raw figure as a float; `missing` when absent or not a number."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return missing


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


def steps_table(cells, status, head, align, row):
    """The markdown lines of the steps' table: per relay its status (padded
    to the table's width), or a row per offered rate, [relay] + row(rate,
    cell)."""
    rows = []
    for r in RELAYS:
        if r in status:
            rows.append([r, status[r]] + [""] * (len(head) - 2))
            continue
        for rate in sorted(cells[r]):
            rows.append([r] + row(rate, cells[r][rate]))
    return raw_tsv.md_table(head, rows, align)


def media_table(media, intro):
    """The markdown lines of the media load's table after the sentence
    intro, and an empty line; none without media figures."""
    mrows = []
    for r in RELAYS:
        m = media[r]
        if m:
            mrows.append([r, m.get("calls", "?"), m.get("offered_pps", "?"),
                          m.get("delivered_pps", "?"), m.get("loss_pct", "?"),
                          m.get("lat_p99_us", "?"), m.get("daemon_cpu_pct", "?")])
    if not mrows:
        return []
    return [intro, ""] + raw_tsv.md_table(["relay", "calls", "offered pps", "delivered pps",
                                            "loss %", "latency p99 us", "relay CPU %"],
                                           mrows, "lrrrrrr") + [""]
