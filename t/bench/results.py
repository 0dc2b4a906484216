#!/usr/bin/env python3
"""Writes t/bench/RESULTS.md from the raw files the benchmark scripts left
in t/bench/results/ (ng.tsv from run_ng_bench.sh, media.tsv from
run_media_bench.sh, ice.tsv from run_ice_bench.py, dtls.tsv from
run_dtls_bench.py). Nothing in RESULTS.md is typed by hand: every figure,
and every sentence that cites one, is rendered here from those files; the
fixed prose is the template below.

usage: results.py [--results DIR] [--out FILE] [--print ng|media|ice|dtls]
  --print S  also print section S to stdout (the scripts do, after a run)
"""

import argparse
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import raw_tsv  # noqa: E402
import report_media  # noqa: E402
import report_dtls  # noqa: E402
import report_ice  # noqa: E402
import report_ng  # noqa: E402

SECTIONS = (("ng", "ng.tsv", report_ng.render), ("media", "media.tsv", report_media.render),
            ("ice", "ice.tsv", report_ice.render), ("dtls", "dtls.tsv", report_dtls.render))

INTRO = """\
# Benchmark results

This file is written by `t/bench/results.py` from the raw files in
`t/bench/results/`, which the benchmark scripts write in the run they
describe; do not edit it by hand. `make -C t bench` (or `make bench` at the
top, which adds the kernel bench) runs the ng, media, ICE and DTLS
benchmarks and rewrites it; `make -C t/bench ng` (media, ice, dtls) runs one
and rewrites its section; `make -C t/bench results` only re-renders. Each section names its
own run: date, machine, versions, and the load average before it started
(the machine is shared: a high load skews every figure).

A verdict compares two rows only when they were measured under the same
offered load (within the stated tolerance); otherwise it says "not
comparable" and gives no ratio.
"""

MISSING = "# %s\n\nNo raw file `t/bench/results/%s`: this benchmark has not run yet.\n"


def render_all(results_dir):
    """(whole file text, {section name: section text})."""
    texts, runs = {}, []
    for name, fname, render in SECTIONS:
        raw = raw_tsv.read(os.path.join(results_dir, fname))
        if raw is None:
            texts[name] = MISSING % (name, fname)
            continue
        meta, lines = raw
        texts[name] = render(meta, lines)
        runs.append((name, meta.get("date", "?"), meta.get("rtprelay", "?"),
                     meta.get("rtpengine", "?")))
    out = [INTRO]
    if runs:
        out.append("Sections in this file:\n")
        for name, date, rp, re in runs:
            out.append("- %s: run %s, rtprelay `%s`, rtpengine `%s`" % (name, date, rp, re))
        if len({r[2] for r in runs}) > 1:
            out.append("\n**The sections come from different rtprelay builds**: compare "
                       "figures across sections with care.")
        out.append("")
    for name, _, _ in SECTIONS:
        out.append(texts[name])
    return "\n".join(out).rstrip("\n") + "\n", texts


def main():
    ap = argparse.ArgumentParser(description="render t/bench/RESULTS.md")
    ap.add_argument("--results", default=os.path.join(here, "results"))
    ap.add_argument("--out", default=os.path.join(here, "RESULTS.md"))
    ap.add_argument("--print", dest="show", choices=[s[0] for s in SECTIONS])
    args = ap.parse_args()
    text, sections = render_all(args.results)
    tmp = args.out + ".new"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)
    if args.show:
        print(sections[args.show])
    print("results.py: wrote %s" % args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
