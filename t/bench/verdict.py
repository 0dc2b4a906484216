"""Verdicts for the benchmark reports: when two rows may be compared, and
what the comparison says.

A benchmark row is a figure measured under some offered load. Two rows are
compared (a ratio, a target met or missed) only when their offered loads
agree within a relative tolerance; otherwise the verdict is "not
comparable" and no ratio is given. Every comparison is done on numbers
parsed here, never on the text the tools printed (awk implementations
differ on whether "9" < "10").
"""

import math

# Offered loads within 2% of each other count as the same load.
TOLERANCE = 0.02


def num(text):
    """The number in text (a figure as a tool printed it), or None for
    "-", "", "n/a", nan, inf or anything that is not a plain number."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        v = float(text)
    else:
        try:
            v = float(str(text).strip())
        except ValueError:
            return None
    if math.isnan(v) or math.isinf(v):
        return None
    return v


def load_gap(load_a, load_b):
    """Relative difference of two offered loads (to the larger one), or
    None when either is not a number or both are not positive."""
    a, b = num(load_a), num(load_b)
    if a is None or b is None or a < 0 or b < 0:
        return None
    top = max(a, b)
    if top == 0:
        return None
    return abs(a - b) / top


def same_load(load_a, load_b, tol=TOLERANCE):
    """Whether two offered loads agree within tol (relative)."""
    gap = load_gap(load_a, load_b)
    return gap is not None and gap <= tol


def ratio(a, b):
    """a / b as a float, or None when either is missing or b is 0."""
    x, y = num(a), num(b)
    if x is None or y is None or y == 0:
        return None
    return x / y


OPS = {
    ">=": lambda r, t: r >= t,
    ">": lambda r, t: r > t,
    "<=": lambda r, t: r <= t,
    "<": lambda r, t: r < t,
}


def judge(target, a, b, load_a, load_b, op, limit, tol=TOLERANCE, load_desc="offered load"):
    """Judge the target "a / b op limit" (e.g. cycles/s ratio >= 2).

    target: what is judged, as printed (e.g. "rtprelay >= 2x rtpengine
    cycles/s, sequential"). a, b: the two figures; load_a, load_b: the
    offered load each was measured under. Returns (status, line): status is
    "met", "MISSED", "not comparable" or "no figures"; line is the verdict
    sentence, naming the figures it used.
    """
    fa, fb = num(a), num(b)
    if fa is None or fb is None:
        return "no figures", "no figures: %s (figures %s vs %s)" % (target, a, b)
    gap = load_gap(load_a, load_b)
    if gap is None or gap > tol:
        why = "unknown" if gap is None else "%.1f%% apart" % (100 * gap)
        return "not comparable", "not comparable: %s: %s %s vs %s (%s, tolerance %.0f%%)" % (
            target, load_desc, load_a, load_b, why, 100 * tol)
    r = ratio(fa, fb)
    if r is None:
        return "no figures", "no figures: %s (%s / %s has no ratio)" % (target, a, b)
    ok = OPS[op](r, limit)
    status = "met" if ok else "MISSED"
    return status, "target %s: %s: %s / %s = %.2f (%s %g; %s %s vs %s)" % (
        status, target, a, b, r, op, limit, load_desc, load_a, load_b)
