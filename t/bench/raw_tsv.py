"""The raw result files the benchmark scripts write under t/bench/results/
(ng.tsv, media.tsv): tab-separated lines, "meta<TAB>key<TAB>value" for the
run's metadata (t/bench/meta.sh and the script's own settings), anything
else the measurements as the benchmark programs printed them."""


def read(path):
    """(meta, lines) of one raw file: meta a dict, lines the other lines
    split on tabs. None when the file does not exist."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    meta, lines = {}, []
    for line in text.splitlines():
        if not line:
            continue
        fields = line.split("\t")
        if fields[0] == "meta" and len(fields) >= 3:
            meta[fields[1]] = "\t".join(fields[2:])
        else:
            lines.append(fields)
    return meta, lines


def run_header(meta):
    """The markdown lines that say when and where a run was made."""
    g = meta.get
    return [
        "- Run: %s on `%s` (%s CPUs, %s, %s, %s RAM)" % (
            g("date", "?"), g("host", "?"), g("cpus", "?"), g("cpu_model", "?"),
            g("kernel", "?"), g("mem_total", "?")),
        "- Versions: rtprelay `%s` (`%s --version`; source tree `%s`, git describe), "
        "rtpengine `%s` (dpkg-query rtpengine-daemon); benchmark processes at nice %s" % (
            g("rtprelay") or "?", g("rtprelay_binary", "?"), g("tree", "?"),
            g("rtpengine", "?"), g("nice", "?")),
        "- Load average (1/5/15 min) before the run: %s%s" % (
            g("loadavg", "?"), load_comment(g("loadavg"), g("cpus"))),
    ]


def load_comment(loadavg, cpus):
    """A note on how busy the machine was, from the 1-min load average
    (which also counts a benchmark that ran just before this one)."""
    try:
        one = float(loadavg.split()[0])
        n = float(cpus)
    except (AttributeError, ValueError, IndexError, TypeError):
        return ""
    if one < 0.5:
        return " (a quiet machine)"
    if one < n / 2:
        return " (some work was running, perhaps a benchmark just before this one)"
    return (" (the machine was busy, with other work or a benchmark just before this "
            "one: figures may be skewed; re-run on a quiet machine before judging)")


def md_table(head, rows, align=None):
    """A markdown table; align: a string of 'l'/'r' per column."""
    align = align or "l" + "r" * (len(head) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return out
