"""Assertions that always print both values, and skips.

    from check import eq, true, contains, skip, only
    eq(r["result"], "ok", "offer result")
    contains(sdp, "a=rtcp-mux\\r\\n")
    only("rtprelay")            # skip under RTPRELAY_TARGET=rtpengine

Failures raise AssertionError with "what: got X, expected Y" (a unified
diff for multi-line strings); run.py prints it with the daemon's log.
"""

import difflib
import os


class Skip(Exception):
    """Raised to skip the current test (run.py prints 'skip')."""


def skip(reason):
    raise Skip(reason)


def only(target):
    """Skip unless the daemon under test is `target` (rtprelay|rtpengine)."""
    cur = os.environ.get("RTPRELAY_TARGET", "rtprelay")
    if cur != target:
        raise Skip("%s only (RTPRELAY_TARGET=%s)" % (target, cur))


def show_text(s):
    """Lines with visible line ends, for diffs of SDP."""
    if isinstance(s, bytes):
        s = s.decode("utf-8", "replace")
    return [ln.replace("\r", "\\r") for ln in s.split("\n")]


def _fmt(a, b, what):
    head = (what + ": ") if what else ""
    if isinstance(a, (str, bytes)) and isinstance(b, (str, bytes)) and (
            "\n" in str(a) or "\n" in str(b)):
        diff = "\n".join(difflib.unified_diff(show_text(b), show_text(a), "expected", "got", lineterm=""))
        return "%svalues differ\n--- got:\n%s\n--- expected:\n%s\n--- diff (expected -> got):\n%s" % (
            head, "\n".join(show_text(a)), "\n".join(show_text(b)), diff)
    return "%sgot %r, expected %r" % (head, a, b)


def eq(got, expected, what=""):
    if got != expected:
        raise AssertionError(_fmt(got, expected, what))


def ne(got, unexpected, what=""):
    if got == unexpected:
        raise AssertionError("%sgot %r, expected anything else" % ((what + ": ") if what else "", got))


def true(cond, what="", *values):
    """Assert cond; `values` are printed with the message on failure."""
    if not cond:
        raise AssertionError("%s is false%s" % (what or "condition",
                                                "".join("\n  %r" % (v,) for v in values)))


def contains(haystack, needle, what=""):
    if needle not in haystack:
        raise AssertionError("%s%r not found in:\n%s" % ((what + ": ") if what else "", needle,
                                                       "\n".join(show_text(haystack))
                                                       if isinstance(haystack, (str, bytes)) else repr(haystack)))


def not_contains(haystack, needle, what=""):
    if needle in haystack:
        raise AssertionError("%s%r unexpectedly found in:\n%s" % ((what + ": ") if what else "", needle,
                                                                "\n".join(show_text(haystack))
                                                                if isinstance(haystack, (str, bytes)) else repr(haystack)))


def raises(exc, fn, *args, **kw):
    """Call fn; assert it raises exc; return the exception."""
    try:
        r = fn(*args, **kw)
    except exc as e:
        return e
    raise AssertionError("%s did not raise %s; returned %r" % (getattr(fn, "__name__", fn), exc.__name__, r))


def ok(reply, what="reply"):
    """Assert an ng reply has result ok (prints the whole reply if not)."""
    if not isinstance(reply, dict) or reply.get("result") != "ok":
        raise AssertionError("%s: expected result ok, got %r" % (what, reply))
    return reply


def error(reply, reason=None, what="reply"):
    """Assert an ng reply is result=error (and error-reason == reason if given)."""
    if not isinstance(reply, dict) or reply.get("result") != "error":
        raise AssertionError("%s: expected result error, got %r" % (what, reply))
    if reason is not None and reply.get("error-reason") != reason:
        raise AssertionError("%s: error-reason %r, expected %r" % (what, reply.get("error-reason"), reason))
    return reply
