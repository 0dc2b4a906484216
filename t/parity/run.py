#!/usr/bin/env python3
"""Differential SDP parity: every case of t/parity/corpus/ against rtprelay
and rtpengine 10.5, replies normalised and compared line by line.

    python3 t/parity/run.py                 # all cases
    python3 t/parity/run.py -k sdes -v      # cases whose name contains "sdes",
                                            # with the diffs of listed ones too
    python3 t/parity/run.py -q              # no line for the cases that are the same
    python3 t/parity/run.py --dump DIR      # also write both normalised
                                            # transcripts per case to DIR

Each daemon is started once (t/integ/daemon.py) on loopback with the same
layout: interfaces 127.0.0.1 and ::1, ng on a free UDP port. Each case runs
on its own call-id; its steps (offer/answer/delete, ng keys as in the case
file) go to both daemons, and every reply becomes a transcript:

    ## step 1 offer
    result: ok
    keys: result sdp
    v=0 ...                       (the SDP, normalised, line ends visible)

Normalisation (masks only what legitimately varies; line order, attribute
names, crypto tags, suites and session parameters are compared):
  - ports: golden.mask (m= ports {PORT}, a=rtcp: {PORT}/{PORT+1}/{RTCP}),
    but {IN-PORT} for an m= port passed on from the request (outside the
    daemon's port range: TCP media are not relayed);
  - a=crypto keys: inline:{KEY} for keys the daemon made, inline:{IN-KEY}
    for keys passed on from the request's SDP (so pass-through vs re-keying
    is compared), lifetime and MKI kept;
  - a=fingerprint, a=ice-ufrag, a=ice-pwd, a=tls-id values; in a=candidate
    the foundation, and the port ({PORT}/{PORT+1} for the m= line's port
    and the next one, {CPORT} otherwise: both daemons open another port on
    the interface's address of the other family, its number their own; an
    rport is {SAME-PORT} when it is the candidate's own port, else masked
    the same way);
    component, transport, priority, address and type compared, so the
    candidates of both addresses and their order are;
  - error replies: the error-reason text (only result and keys compared).
Replies are decoded by t/integ/ng.py's strict bencode decoder: a reply
that repeats a dictionary key shows as "(no reply)" in that transcript.

Verdicts: `same`; `differs (listed: ID)` when t/parity/expected.json has a
rule ID matching the case (every rule must be documented in
t/integ/COMPAT.md, checked here); `DIFFERS` with a unified diff otherwise;
`STALE (listed: ID)` when a listed case no longer differs (remove it from
expected.json). The last line is `N cases: S same, L listed differences,
U unexplained` (stale ones count as unexplained); exit status 1 if U > 0,
2 on a harness error (daemon missing, bad case file).

Environment: RTPRELAY_BIN (rtprelay binary, default daemon/rtprelay),
RTPENGINE_BIN (default /usr/bin/rtpengine), RTPRELAY_LOGDIR (daemon logs).
Standard library only.
"""

import argparse
import difflib
import fnmatch
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
INTEG = os.path.join(TOP, "t", "integ")
CORPUS = os.path.join(HERE, "corpus")
EXPECTED = os.path.join(HERE, "expected.json")
COMPAT = os.path.join(INTEG, "COMPAT.md")

sys.path.insert(0, INTEG)
import daemon  # noqa: E402
import golden  # noqa: E402
import ng  # noqa: E402

INTERFACES = ["127.0.0.1", "::1"]
MEDIA_PORTS = 600
TIME_BUDGET = 100.0  # seconds for all cases; make check wants well under 2 min


class HarnessError(Exception):
    pass


# --------------------------------------------------------------- daemons

class Reference(daemon.Daemon):
    """rtpengine 10.5 started by the integration harness, in rtpengine's
    dialect (--table=-1: no kernel module), whatever RTPRELAY_TARGET says."""

    def command_line(self):
        argv = super().command_line()
        if "--table=-1" not in argv:
            argv.append("--table=-1")
        return argv


def start_daemons():
    rp_bin = os.environ.get("RTPRELAY_BIN") or os.path.join(TOP, "daemon", "rtprelay")
    re_bin = os.environ.get("RTPENGINE_BIN") or "/usr/bin/rtpengine"
    for b, hint in ((rp_bin, "build it with make"),
                    (re_bin, "apt-get install rtpengine-daemon (scripts/deps.sh check)")):
        if not os.access(b, os.X_OK):
            raise HarnessError("%s not found: %s" % (b, hint))
    common = dict(interfaces=INTERFACES, media_ports=MEDIA_PORTS, listen=("udp",), log_level=5)
    rp = daemon.Daemon(binary=rp_bin, name="parity-rtprelay", **common)
    if daemon.IS_RTPENGINE:
        # RTPRELAY_TARGET=rtpengine would give rtpengine's flags to rtprelay
        rp.extra_args = []
    ref = Reference(binary=re_bin, name="parity-rtpengine", **common)
    ref.extra_args = []  # RTPRELAY_ARGS are rtprelay's
    rp.start()
    try:
        ref.start()
    except Exception:
        rp.kill()
        raise
    return rp, ref


# --------------------------------------------------------------- normalising

_inline_re = re.compile(r"inline:([A-Za-z0-9+/=]+)")
_masked_attrs = {
    "fingerprint": lambda v: v.split(" ", 1)[0] + " {FINGERPRINT}",
    "ice-ufrag": lambda v: "{ICE-UFRAG}",
    "ice-pwd": lambda v: "{ICE-PWD}",
    "tls-id": lambda v: "{TLS-ID}",
}


def input_keys(sdp):
    return set(_inline_re.findall(sdp or ""))


_mport_re = re.compile(r"^m=\S+ (\d+)", re.M)


def media_ports(sdp):
    return [int(p) for p in _mport_re.findall(sdp or "")]


def mask_candidate(val, mport):
    """(masked value, address) of an a=candidate value; ports relative to
    the section's m= port (unmasked ports are rtprelay's or rtpengine's)."""
    f = val.split()
    if len(f) < 8:
        return "{CANDIDATE}", None
    def mask(p):
        return ("{PORT}" if p == mport else "{PORT+1}" if mport and p == mport + 1
                else "{CPORT}")

    port = int(f[5]) if f[5].isdigit() else None
    f[0] = "{FOUNDATION}"
    f[5] = mask(port)
    if "rport" in f[8:-1]:
        # a related port: the candidate's own one or masked like it
        i = f.index("rport", 8) + 1
        rport = int(f[i]) if f[i].isdigit() else None
        f[i] = "{SAME-PORT}" if rport == port else mask(rport)
    return " ".join(f), f[4]


def normalise_sdp(sdp, in_keys, in_ports=(), own_range=(0, -1)):
    """The SDP with ports and secrets masked (module docstring); line ends
    stay visible as \\r. An m= port that is the request's own for that
    section and outside the daemon's port range is {IN-PORT}: passed on,
    not relayed (TCP media)."""
    out = []
    ports = media_ports(sdp)
    mi = -1
    fam = sess_fam = None
    for line in golden.mask(sdp).split("\n"):
        if line.startswith("c=IN IP"):
            fam = line[7]
            if mi < 0:
                sess_fam = fam
        if line.startswith("m="):
            fam = sess_fam
            mi += 1
            p = ports[mi] if mi < len(ports) else None
            if (p and mi < len(in_ports) and p == in_ports[mi]
                    and not own_range[0] <= p <= own_range[1]):
                line = line.replace(" {PORT}", " {IN-PORT}", 1)
        cr = line.endswith("\r")
        body = line[:-1] if cr else line
        if body.startswith("a="):
            name, sep, val = body[2:].partition(":")
            if sep and name == "candidate":
                masked, _ = mask_candidate(val.rstrip("\r"), ports[mi] if 0 <= mi < len(ports) else None)
                body = "a=candidate:" + masked
            elif sep and name in _masked_attrs:
                body = "a=%s:%s" % (name, _masked_attrs[name](val))
            elif sep and name == "crypto":
                body = _inline_re.sub(
                    lambda m: "inline:" + ("{IN-KEY}" if m.group(1) in in_keys else "{KEY}"), body)
        out.append(body + ("\\r" if cr else ""))
    if out and out[-1] == "":
        out.pop()
    return out


def transcript_step(i, step, reply, own_range):
    """Lines describing one step's reply."""
    lines = ["## step %d %s" % (i, step["command"])]
    if reply is None:
        return lines + ["(no reply)"]
    lines.append("result: %s" % reply.get("result"))
    lines.append("keys: %s" % " ".join(sorted(reply)))
    if "sdp" in reply and isinstance(reply["sdp"], str):
        isdp = step["args"].get("sdp")
        lines += normalise_sdp(reply["sdp"], input_keys(isdp), media_ports(isdp), own_range)
    return lines


# --------------------------------------------------------------- running

def run_case(d, name, case, seq):
    call_id = "parity-%s-%d" % (name, seq)
    lines, errors = [], []
    for i, step in enumerate(case["steps"], 1):
        msg = {"command": step["command"], "call-id": call_id}
        msg.update(step["args"])
        try:
            r = d.ng.request(msg, timeout=3.0)
        except (ng.NGTimeout, ValueError, OSError) as e:
            r = None
            errors.append("step %d: %s" % (i, e))
        if r is not None and r.get("result") == "error":
            errors.append("step %d: error-reason %r" % (i, r.get("error-reason")))
        lines += transcript_step(i, step, r, (d.port_min, d.port_max))
    try:  # free the ports; not compared
        d.ng.request({"command": "delete", "call-id": call_id, "delete delay": 0,
                      "delete-delay": 0}, timeout=3.0)
    except (ng.NGTimeout, ValueError, OSError):
        pass
    return lines, errors


def load_cases(pattern):
    cases = {}
    for fn in sorted(os.listdir(CORPUS)):
        if not fn.endswith(".json"):
            continue
        name = fn[:-5]
        if pattern and pattern not in name:
            continue
        try:
            with open(os.path.join(CORPUS, fn)) as f:
                c = json.load(f)
            for s in c["steps"]:
                if s["command"] not in ("offer", "answer", "delete", "query") or \
                        not isinstance(s.get("args"), dict):
                    raise ValueError("bad step %r" % (s,))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise HarnessError("corpus file %s: %s" % (fn, e))
        cases[name] = c
    return cases


def load_expected():
    """[(id, [case globs], reason)]; every id must be in COMPAT.md."""
    try:
        with open(EXPECTED) as f:
            rules = json.load(f)["rules"]
        with open(COMPAT) as f:
            compat = f.read()
    except (OSError, ValueError, KeyError) as e:
        raise HarnessError("expected differences: %s" % e)
    out = []
    for r in rules:
        rid = r["id"]
        if "`%s`" % rid not in compat:
            raise HarnessError("expected.json rule %s is not documented in %s (write `%s` in its row)"
                               % (rid, os.path.relpath(COMPAT, TOP), rid))
        out.append((rid, r["cases"], r["reason"]))
    return out


def listed(rules, name):
    for rid, globs, _ in rules:
        if any(fnmatch.fnmatchcase(name, g) for g in globs):
            return rid
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", dest="pattern", help="only cases whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="diffs of listed differences too")
    ap.add_argument("-q", "--quiet", action="store_true", help="no line for cases that are the same")
    ap.add_argument("--dump", help="write NAME.rtprelay.txt / NAME.rtpengine.txt here")
    a = ap.parse_args()

    try:
        cases = load_cases(a.pattern)
        rules = load_expected()
        if not cases:
            raise HarnessError("no cases (corpus %s, -k %r)" % (CORPUS, a.pattern))
        rp, ref = start_daemons()
    except (HarnessError, daemon.DaemonError) as e:
        print("parity: %s" % e, file=sys.stderr)
        return 2
    if a.dump:
        os.makedirs(a.dump, exist_ok=True)
    same = listed_n = unexplained = 0
    used = set()
    t0 = time.monotonic()
    try:
        for seq, (name, case) in enumerate(sorted(cases.items()), 1):
            if time.monotonic() - t0 > TIME_BUDGET:
                print("parity: time budget of %.0fs spent after %d cases" % (TIME_BUDGET, seq - 1))
                unexplained += len(cases) - seq + 1
                break
            got, got_err = run_case(rp, name, case, seq)
            ref_lines, ref_err = run_case(ref, name, case, seq)
            if a.dump:
                for who, lines in (("rtprelay", got), ("rtpengine", ref_lines)):
                    with open(os.path.join(a.dump, "%s.%s.txt" % (name, who)), "w") as f:
                        f.write("\n".join(lines) + "\n")
            rid = listed(rules, name)
            if rid:
                used.add(rid)
            if got == ref_lines:
                if rid:
                    print("%-44s STALE (listed: %s): no difference any more; "
                          "remove it from t/parity/expected.json" % (name, rid))
                    unexplained += 1
                else:
                    if not a.quiet:
                        print("%-44s same" % name)
                    same += 1
                continue
            diff = "\n".join(difflib.unified_diff(ref_lines, got, "rtpengine", "rtprelay", lineterm=""))
            if rid:
                print("%-44s differs (listed: %s)" % (name, rid))
                listed_n += 1
                if not a.verbose:
                    continue
            else:
                print("%-44s DIFFERS" % name)
                unexplained += 1
            print("    %s" % case.get("description", ""))
            for e in got_err:
                print("    rtprelay  %s" % e)
            for e in ref_err:
                print("    rtpengine %s" % e)
            print("    " + diff.replace("\n", "\n    "))
        for who, d in (("rtprelay", rp), ("rtpengine", ref)):
            if not d.alive():
                print("parity: %s died during the run; log %s" % (who, d.log_path))
                unexplained += 1
    finally:
        for d in (rp, ref):
            try:
                d.stop(check=False)
            except Exception:
                d.kill()
    # a sanitizer build of rtprelay (RTPRELAY_BIN) must not have reported
    rep = rp.sanitizer_report()
    if rep:
        print("parity: sanitizer report in %s:\n%s" % (rp.log_path, rep))
        unexplained += 1
    if not a.pattern:
        for rid, _, _ in rules:
            if rid not in used:
                print("parity: rule %s in expected.json matches no case" % rid)
                unexplained += 1
    print("%d cases: %d same, %d listed differences, %d unexplained (%.1fs)"
          % (len(cases), same, listed_n, unexplained, time.monotonic() - t0))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
