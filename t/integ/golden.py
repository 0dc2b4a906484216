"""Golden SDP files: compare a daemon's rewritten SDP with the reference.

Files live in t/integ/golden/ and are byte-exact (CRLF kept; see
golden/.gitattributes): NAME.sdp is read as-is.

Inputs are plain SDP. Expected outputs (*.out.sdp) are rtpengine 10.5's
output with these masks applied, and nothing else:

  1. `m=<media> <port> ...` : a non-zero port becomes {PORT} (a port of 0,
     rejected media, stays 0 and is compared);
  2. `a=rtcp:<port>...`     : the port becomes {PORT+1} when it equals the
     enclosing m= port + 1, {PORT} when it equals the m= port (rtcp-mux),
     otherwise {RTCP} (the rest of the line, " IN IP4 addr", is compared);
  3. per case, opt-in only: the o= session id and/or version become {ID} /
     {VERSION} (mask_origin=("id",) / ("version",) / ("id", "version")),
     for cases where these legitimately vary.

Addresses are compared (the daemon's interfaces are fixed: 127.0.0.1, ::1),
line endings are compared, attribute order is compared, everything else is
compared. So an added or missing a=rtcp:, a=sendrecv, a=rtpmap for a static
payload type, a changed origin, or a reordered line is a failure.

Where rtprelay deliberately differs (a row in COMPAT.md says why), its
expected output sits next to the reference one as NAME.rtprelay.sdp and is
used when RTPRELAY_TARGET=rtprelay; write it by hand from the reference file.

Regenerating (only from the reference daemon):

    RTPRELAY_TARGET=rtpengine RTPRELAY_GOLDEN_UPDATE=1 python3 t/integ/run.py -k golden

writes every *.out.sdp that a test compares against (masked), then passes.
Review the `git diff t/integ/golden` before committing.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")
sys.path.insert(0, HERE)
import check  # noqa: E402

UPDATE = os.environ.get("RTPRELAY_GOLDEN_UPDATE", "") not in ("", "0")
TARGET = os.environ.get("RTPRELAY_TARGET", "rtprelay")

_m_re = re.compile(r"^(m=\S+ )(\d+)((?:/\d+)? .*)$")
_rtcp_re = re.compile(r"^(a=rtcp:)(\d+)(.*)$")
_o_re = re.compile(r"^(o=\S+ )(\S+) (\S+)( .*)$")


def path(name):
    """golden/NAME.sdp (name without the extension)."""
    return os.path.join(GOLDEN_DIR, name + ".sdp")


def read(name):
    """A golden file as str, byte-exact (CRLF kept)."""
    with open(path(name), "rb") as f:
        return f.read().decode("utf-8")


def mask(sdp, mask_origin=()):
    """Apply the masking rules (module docstring) to an SDP string.

    Lines are split on '\\n' only, so '\\r' stays part of each line and line
    endings are compared too.
    """
    out = []
    mport = None
    for line in sdp.split("\n"):
        cr = line.endswith("\r")
        body = line[:-1] if cr else line
        m = _m_re.match(body)
        if m:
            mport = int(m.group(2))
            if mport != 0:
                body = m.group(1) + "{PORT}" + m.group(3)
        else:
            r = _rtcp_re.match(body)
            if r:
                p = int(r.group(2))
                if mport is not None and mport != 0 and p == mport + 1:
                    tok = "{PORT+1}"
                elif mport is not None and mport != 0 and p == mport:
                    tok = "{PORT}"
                else:
                    tok = "{RTCP}"
                body = r.group(1) + tok + r.group(3)
            elif mask_origin:
                o = _o_re.match(body)
                if o:
                    sid = "{ID}" if "id" in mask_origin else o.group(2)
                    ver = "{VERSION}" if "version" in mask_origin else o.group(3)
                    body = o.group(1) + sid + " " + ver + o.group(4)
        out.append(body + ("\r" if cr else ""))
    return "\n".join(out)


def compare(got_sdp, name, mask_origin=(), what=None):
    """Assert mask(got_sdp) equals golden/NAME.sdp (already masked).

    With RTPRELAY_GOLDEN_UPDATE=1 and RTPRELAY_TARGET=rtpengine, write the
    golden file instead. Prints the unified diff and the unmasked output on
    failure.
    """
    masked = mask(got_sdp, mask_origin)
    if UPDATE:
        if TARGET != "rtpengine":
            raise RuntimeError("RTPRELAY_GOLDEN_UPDATE needs RTPRELAY_TARGET=rtpengine: "
                               "goldens come from the reference daemon")
        os.makedirs(GOLDEN_DIR, exist_ok=True)
        with open(path(name), "wb") as f:
            f.write(masked.encode("utf-8"))
        return
    # A deliberate, documented (COMPAT.md) difference of rtprelay has its
    # own golden next to the reference one: NAME.rtprelay.sdp.
    if TARGET == "rtprelay" and os.path.exists(path(name + ".rtprelay")):
        name = name + ".rtprelay"
    if not os.path.exists(path(name)):
        raise AssertionError("golden file %s missing; output was:\n%s" % (
            path(name), "\n".join(check.show_text(got_sdp))))
    expected = read(name)
    if masked != expected:
        raise AssertionError("%s differs from golden %s (masked)\n%s\n--- unmasked output:\n%s" % (
            what or "SDP", os.path.relpath(path(name), HERE), _diff(masked, expected),
            "\n".join(check.show_text(got_sdp))))


def _diff(got, expected):
    import difflib
    return "\n".join(difflib.unified_diff(check.show_text(expected), check.show_text(got),
                                          "expected", "got", lineterm=""))


def write_text(name, text):
    """For non-SDP goldens (e.g. endpoints from query), same update rule."""
    p = os.path.join(GOLDEN_DIR, name)
    if UPDATE:
        if TARGET != "rtpengine":
            raise RuntimeError("RTPRELAY_GOLDEN_UPDATE needs RTPRELAY_TARGET=rtpengine")
        with open(p, "w") as f:
            f.write(text)
        return
    if not os.path.exists(p):
        raise AssertionError("golden file %s missing; got:\n%s" % (p, text))
    with open(p) as f:
        exp = f.read()
    if text != exp:
        raise AssertionError("%s differs from golden\n%s" % (name, _diff(text, exp)))
