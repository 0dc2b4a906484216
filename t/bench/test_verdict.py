#!/usr/bin/env python3
"""Checks of the benchmark verdict logic (t/bench/verdict.py), run by
`make -C t unit`: no benchmark runs, well under a second."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verdict  # noqa: E402

failures = 0


def check(what, got, want):
    global failures
    if got != want:
        failures += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


# Loads 1000 vs 1100 are 9% apart: no ratio verdict at all.
st, line = verdict.judge("x >= 2y", "3000", "1000", "1000", "1100", ">=", 2)
check("1000 vs 1100 status", st, "not comparable")
check("1000 vs 1100 line", line.startswith("not comparable"), True)
check("1000 vs 1100 has no ratio", "= 3.00" in line, False)

# 1000 vs 1010 is within 2%: judged, both ways.
st, _ = verdict.judge("x >= 2y", "3000", "1000", "1000", "1010", ">=", 2)
check("1000 vs 1010 met", st, "met")
st, _ = verdict.judge("x >= 2y", "1500", "1000", "1010", "1000", ">=", 2)
check("1010 vs 1000 missed", st, "MISSED")

# The edge of the tolerance: 2% apart is comparable, 2.1% is not.
check("2% apart", verdict.same_load("1000", "980"), True)
check("2.1% apart", verdict.same_load("1000", "979"), False)

# Numbers, not strings: "9" < "10", and a ratio of 9/10 is below 1.
check("9 < 10", verdict.num("9") < verdict.num("10"), True)
st, _ = verdict.judge("a < b", "9", "10", "1", "1", "<", 1)
check("9/10 < 1", st, "met")
st, _ = verdict.judge("a >= 2b", "10", "9", "1", "1", ">=", 2)
check("10/9 >= 2", st, "MISSED")
st, _ = verdict.judge("a <= 1.2b", "10.5", "9", "50000", "50000", "<=", 1.2)
check("10.5/9 <= 1.2", st, "met")

# Missing figures and loads never produce a verdict.
st, _ = verdict.judge("t", "-", "10", "1", "1", ">=", 1)
check("missing figure", st, "no figures")
st, _ = verdict.judge("t", "10", "0", "1", "1", ">=", 1)
check("zero divisor", st, "no figures")
st, _ = verdict.judge("t", "10", "5", "-", "1", ">=", 1)
check("missing load", st, "not comparable")
check("nan is no number", verdict.num("nan"), None)
check("ratio of text", verdict.ratio("abc", "1"), None)

if failures:
    print("test_verdict: %d failure(s)" % failures)
    sys.exit(1)
print("test_verdict: ok")
