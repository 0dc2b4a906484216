#!/usr/bin/env python3
"""Integration test runner (standard library only).

    python3 t/integ/run.py                      # every t/integ/test_*.py
    python3 t/integ/run.py t/integ/test_x.py    # one file (or several)
    python3 t/integ/run.py -k golden            # tests whose "file::name" contains it
    RTPRELAY_TARGET=rtpengine python3 t/integ/run.py   # against the reference

Each test file runs as its own process (its own daemons, its own media port
range) with a time limit (-t, default 120 s, or RTPRELAY_INTEG_TIMEOUT).
In that process every module-level function named test_* runs in the order
written; each prints "ok", "FAIL" (with the traceback and the tail of the
log of every daemon it used) or "skip". Exit status: 0 when nothing
failed, 1 otherwise.

A file that overruns gets SIGTERM to its process group (the file's
process unwinds and stops its daemons), then SIGKILL after 5 s; daemons
also die with their test process (PR_SET_PDEATHSIG), so nothing is left
behind.
"""

import argparse
import glob
import importlib.util
import os
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def rel(p):
    return os.path.relpath(p, TOP)


# ------------------------------------------------------------------ child


def run_file(path, pattern):
    """Run the tests of one file in this process; return the exit status."""
    sys.path.insert(0, HERE)
    import check
    import daemon

    base = os.path.basename(path)[:-3]
    try:
        spec = importlib.util.spec_from_file_location(base, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    except check.Skip as e:
        print("skip %s: %s" % (base, e), flush=True)
        return 0
    except BaseException:  # noqa: BLE001 - report any import failure
        print("FAIL %s::<import>\n%s" % (base, traceback.format_exc()), flush=True)
        return 1

    tests = [(n, f) for n, f in vars(mod).items()
             if n.startswith("test_") and callable(f) and getattr(f, "__module__", None) == base]
    tests.sort(key=lambda t: t[1].__code__.co_firstlineno)
    failed = 0
    for name, fn in tests:
        full = "%s::%s" % (base, name)
        if pattern and pattern not in full:
            continue
        before = len(daemon.started)
        offsets = {id(d): d.log_size() for d in daemon._shared.values()}
        t0 = time.monotonic()
        err = None
        try:
            fn()
        except check.Skip as e:
            print("skip %s: %s" % (full, e), flush=True)
            continue
        except SystemExit as e:
            err = "SystemExit: %s\n%s" % (e, traceback.format_exc())
        except BaseException:  # noqa: BLE001
            err = traceback.format_exc()
        # A shared daemon that died during the test fails the test.
        for key, d in list(daemon._shared.items()):
            if d.proc is not None and d.returncode is None and d.proc.poll() is not None:
                err = (err or "") + "\nshared daemon %s died during the test (status %s)\n" % (
                    key, d.proc.returncode)
                d._reap(d.proc.returncode)
        dt = time.monotonic() - t0
        if err is None:
            print("ok   %s (%.2fs)" % (full, dt), flush=True)
            continue
        failed += 1
        print("FAIL %s (%.2fs)\n%s" % (full, dt, err.rstrip()), flush=True)
        used = daemon.started[before:] + [d for d in daemon._shared.values() if d not in daemon.started[before:]]
        for d in used:
            # a shared daemon's log: only what this test produced
            print("---- log of %s (%s), last 150 lines:\n%s\n---- end of log" % (
                d.name, d.log_path, d.log_tail(since=offsets.get(id(d), 0))), flush=True)
        if isinstance(err, str) and err.startswith("SystemExit"):
            break
    try:
        daemon.stop_shared()
    except daemon.DaemonError as e:
        failed += 1
        print("FAIL %s::<shared daemon stop>\n%s" % (base, e), flush=True)
    return 1 if failed else 0


# ------------------------------------------------------------------ parent


def run_child(path, pattern, timeout):
    argv = [sys.executable, os.path.abspath(__file__), "--child", path]
    if pattern:
        argv += ["-k", pattern]
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=TOP)
    fails, oks, skips = 0, 0, 0
    timed_out = False
    # Read with a deadline: select + os.read on the pipe keeps this
    # single-threaded and bounded. On timeout the child's group gets
    # SIGTERM and 5 more seconds to report (the test process unwinds,
    # prints the FAIL with the daemon log, stops its daemons), then SIGKILL.
    import select
    fd = proc.stdout.fileno()
    buf = b""
    deadline = t0 + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            if timed_out:
                break
            timed_out = True
            fails_at_timeout = fails
            print("FAIL %s: timed out after %ds; sending SIGTERM" % (rel(path), timeout), flush=True)
            signal_group(proc, signal.SIGTERM)
            deadline = time.monotonic() + 5
            continue
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:  # EOF: the child (and anything holding its pipe) is gone
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            oks, fails, skips = emit(line, oks, fails, skips)
    for line in buf.split(b"\n"):
        if line:
            oks, fails, skips = emit(line, oks, fails, skips)
    if timed_out:
        stop_group(proc)
        # one failure for the overrun, unless the test already reported it
        return oks, fails if fails > fails_at_timeout else fails + 1, skips
    try:
        rc = proc.wait(10)
    except subprocess.TimeoutExpired:
        stop_group(proc)
        rc = -9
    if rc != 0 and fails == 0:
        print("FAIL %s: exit status %d without a failed test" % (rel(path), rc), flush=True)
        fails += 1
    return oks, fails, skips


def emit(line, oks, fails, skips):
    text = line.decode("utf-8", "replace")
    print(text, flush=True)
    if text.startswith("ok   "):
        oks += 1
    elif text.startswith("FAIL "):
        fails += 1
    elif text.startswith("skip "):
        skips += 1
    return oks, fails, skips


def signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def stop_group(proc):
    """SIGTERM the child's process group, then SIGKILL after 5 s."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            # the group may still hold a daemon whose parent just died
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
        except subprocess.TimeoutExpired:
            pass


def main():
    ap = argparse.ArgumentParser(description="rtprelay integration tests")
    ap.add_argument("files", nargs="*", help="test files (default: t/integ/test_*.py)")
    ap.add_argument("-k", dest="pattern", default="", help="only tests whose file::name contains this")
    ap.add_argument("-t", "--timeout", type=int,
                    default=int(os.environ.get("RTPRELAY_INTEG_TIMEOUT", "120")),
                    help="seconds per test file (default 120)")
    ap.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.child:
        sys.exit(run_file(os.path.abspath(a.child), a.pattern))

    files = [os.path.abspath(f) for f in a.files] or sorted(glob.glob(os.path.join(HERE, "test_*.py")))
    target = os.environ.get("RTPRELAY_TARGET", "rtprelay")
    sys.path.insert(0, HERE)
    import daemon
    extra = os.environ.get("RTPRELAY_ARGS", "")
    print("integration tests: target %s, binary %s%s, %d file(s)"
          % (target, daemon.default_bin(), " " + extra if extra else "", len(files)), flush=True)
    if not os.path.exists(daemon.default_bin()):
        print("FAIL: daemon binary %s not found (build it, or set RTPRELAY_BIN)" % daemon.default_bin())
        sys.exit(1)
    tot_ok = tot_fail = tot_skip = 0
    failed_files = []
    t0 = time.monotonic()
    for f in files:
        if not os.path.exists(f):
            print("FAIL %s: no such file" % f)
            tot_fail += 1
            continue
        print("== %s" % rel(f), flush=True)
        o, fl, s = run_child(f, a.pattern, a.timeout)
        tot_ok, tot_fail, tot_skip = tot_ok + o, tot_fail + fl, tot_skip + s
        if fl:
            failed_files.append(rel(f))
    print("integration tests: %d ok, %d failed, %d skipped (%.1fs)%s" % (
        tot_ok, tot_fail, tot_skip, time.monotonic() - t0,
        ("; failed in: " + ", ".join(failed_files)) if failed_files else ""), flush=True)
    sys.exit(1 if tot_fail else 0)


if __name__ == "__main__":
    main()
