"""The daemon's command line and config file, run as the real binary.

--check-config with valid and invalid values (the error names the option),
unknown and ignored (rtpengine-only) options, Debian's stock
rtpengine.conf (t/data/rtpengine.conf) with only the addresses and ports
moved to loopback, [rtpengine] vs [rtprelay] sections, --config-section,
and the command line overriding the file. Differences from rtpengine 10.5
are in COMPAT.md, "Command line and start-up".

Every process here is bounded by a timeout and stopped by its PID.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402
import ng  # noqa: E402

RTPENGINE_CONF = os.path.join(daemon.TOP, "t", "data", "rtpengine.conf")
START_TIMEOUT = 30.0 if daemon.SAN else 10.0
# What rtprelay ignores from Debian's rtpengine.conf ([rtpengine] section).
DEBIAN_IGNORED = ("listen-cli", "recording-dir", "recording-method")


def env():
    e = dict(os.environ)
    e.pop("NOTIFY_SOCKET", None)
    if daemon.SAN:
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
        e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return e


def no_sanitizer_report(text, what):
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        if marker in text:
            raise AssertionError("%s: sanitizer report:\n%s" % (what, text[text.index(marker):][:4000]))


def run(args, timeout=None):
    """Run the daemon binary with args to completion (bounded); returns
    CompletedProcess with text stdout/stderr."""
    argv = [daemon.default_bin()] + list(args)
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout or START_TIMEOUT, env=env(), preexec_fn=daemon._pdeathsig)
    no_sanitizer_report(r.stderr, " ".join(argv))
    return r


def table_arg():
    return ["--table=-1"] if daemon.IS_RTPENGINE else []


def valid_args():
    """A complete, valid configuration on the command line (no file)."""
    lo, hi = daemon.media_range(20)
    return (["--config-file=none", "--interface=127.0.0.1",
             "--listen-ng=127.0.0.1:%d" % daemon.free_port(),
             "--port-min=%d" % lo, "--port-max=%d" % hi] + table_arg())


def show(r):
    return "exit %s\n--- stdout:\n%s--- stderr:\n%s" % (r.returncode, r.stdout, r.stderr)


def warning_lines(text):
    return [ln for ln in text.splitlines() if "warning" in ln.lower()]


# ------------------------------------------------------------ --check-config


def test_check_config_valid():
    check.only("rtprelay")  # rtpengine 10.5 has no --check-config (COMPAT.md)
    r = run(valid_args() + ["--check-config"])
    check.eq(r.returncode, 0, "exit status of --check-config with a valid configuration\n" + show(r))
    check.eq(warning_lines(r.stderr), [], "warnings for a valid configuration")


def check_config_fails(extra, names, drop=()):
    """--check-config with extra arguments must exit non-zero, and stderr must
    name `names` (each a substring)."""
    args = [a for a in valid_args() if not any(a.startswith(d) for d in drop)] + list(extra)
    r = run(args + ["--check-config"])
    check.true(r.returncode != 0, "non-zero exit for %s" % " ".join(extra), show(r))
    for n in names:
        check.contains(r.stderr, n, "stderr for %s" % " ".join(extra))
    check.not_contains(r.stdout, "configuration OK", "stdout for %s" % " ".join(extra))
    return r


def test_check_config_invalid_values():
    check.only("rtprelay")
    check_config_fails(["--port-min=5000", "--port-max=4000"], ["port-max", "4000", "5000"],
                       drop=("--port-",))
    check_config_fails(["--port-min=5000", "--port-max=5000"], ["port-max"], drop=("--port-",))
    check_config_fails(["--port-max=70000"], ["port-max", "70000"])
    check_config_fails(["--interface=300.1.1.1"], ["interface", "300.1.1.1"], drop=("--interface",))
    check_config_fails(["--interface=127.0.0.1/24"], ["interface"], drop=("--interface",))
    check_config_fails(["--log-level=9"], ["log-level", "9"])
    check_config_fails(["--log-level=abc"], ["log-level", "abc"])
    check_config_fails(["--log-level-core=-1"], ["log-level-core"])
    check_config_fails(["--endpoint-learning=bogus"], ["endpoint-learning", "bogus"])
    check_config_fails(["--listen-ng=127.0.0.1:99999"], ["listen-ng"], drop=("--listen-ng",))
    check_config_fails(["--timeout=-5"], ["timeout"])
    check_config_fails(["--log-facility=nosuch"], ["log-facility", "nosuch"])
    # Required options missing.
    check_config_fails([], ["interface"], drop=("--interface",))
    check_config_fails([], ["listen-ng"], drop=("--listen-ng",))


def test_unknown_option():
    # Both daemons refuse an unknown option; rtpengine 10.5 says nothing
    # (COMPAT.md), rtprelay names it.
    args = valid_args() + ["--foreground", "--no-such-option=1"]
    r = run(args)
    check.true(r.returncode != 0, "non-zero exit for an unknown option", show(r))
    if not daemon.IS_RTPENGINE:
        check.contains(r.stderr, "no-such-option", "stderr names the unknown option")
    r = run(valid_args() + ["--foreground", "--interfaces=127.0.0.1"])
    check.true(r.returncode != 0, "non-zero exit for a misspelt option", show(r))
    # A stray argument is an error too, not silently ignored (rtpengine
    # 10.5 ignores it and starts: COMPAT.md).
    if daemon.IS_RTPENGINE:
        return
    r = run(valid_args() + ["--foreground", "stray"])
    check.true(r.returncode != 0, "non-zero exit for a stray argument", show(r))


def test_unknown_key_in_file():
    check.only("rtprelay")
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "r.conf")
        with open(conf, "w") as f:
            f.write("[rtprelay]\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:%d\n"
                    "no-such-key = 1\n" % daemon.free_port())
        r = run(["--config-file=" + conf, "--check-config"])
        check.true(r.returncode != 0, "non-zero exit for an unknown config key", show(r))
        check.contains(r.stderr, "no-such-key", "stderr names the unknown key")
        check.contains(r.stderr, conf, "stderr names the file")


def test_ignored_option_warns_once():
    check.only("rtprelay")  # rtpengine implements these options
    r = run(valid_args() + ["--graphite=127.0.0.1:2003", "--check-config"])
    check.eq(r.returncode, 0, "exit status with an ignored rtpengine option\n" + show(r))
    w = warning_lines(r.stderr)
    check.eq(len(w), 1, "warning lines for one ignored option: %r" % w)
    check.contains(w[0], "graphite", "the warning names the option")
    check.eq(r.stderr.strip().splitlines(), w, "stderr holds the warning and nothing else")

    # Given twice on the command line (short form too) and in the file:
    # still one warning per name.
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "r.conf")
        with open(conf, "w") as f:
            f.write("[rtprelay]\ngraphite = 127.0.0.1:2003\nhomer = 127.0.0.1:9060\n")
        args = [a for a in valid_args() if a != "--config-file=none"]
        r = run(args + ["--config-file=" + conf, "--graphite=127.0.0.1:2003", "-g", "127.0.0.1:2004",
                        "--redis-num-threads=2", "--check-config"])
        check.eq(r.returncode, 0, "exit status with repeated ignored options\n" + show(r))
        w = warning_lines(r.stderr)
        check.eq(len(w), 3, "one warning line per ignored name (graphite, homer, redis-num-threads): %r" % w)
        for name in ("'graphite'", "'homer'", "'redis-num-threads'"):
            check.eq(sum(1 for ln in w if name in ln), 1, "warnings naming %s in %r" % (name, w))


def test_ignored_option_does_not_stop_start():
    """An ignored option must not keep the daemon from running."""
    check.only("rtprelay")
    with daemon.Daemon(args=["--graphite=127.0.0.1:2003", "--max-load=5"]) as d:
        check.eq(d.ng.ping()["result"], "pong", "ping with ignored options")
        w = warning_lines(d.log_text())
        check.eq(len(w), 2, "warning lines: %r" % w)


# ------------------------------------------------------------ config files


class Running:
    """A foreground daemon started from argv; stderr to a file; stopped by
    PID with SIGTERM (then SIGKILL) in stop()."""

    def __init__(self, argv, ng_port):
        self.argv = [daemon.default_bin()] + list(argv)
        self.ng_port = ng_port
        os.makedirs(daemon.LOGDIR, exist_ok=True)
        self.log_path = os.path.join(daemon.LOGDIR, "%s-%d-cli-%d.log" % (
            daemon.TARGET, os.getpid(), int(time.monotonic() * 1000)))
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=daemon._pdeathsig,
                                     env=env())
        self.rc = None

    def wait_ping(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("%s exited with %d during start-up:\n%s"
                                     % (" ".join(self.argv), self.proc.returncode, self.text()))
            with ng.NG(("127.0.0.1", self.ng_port), timeout=0.3) as c:
                try:
                    if c.request({"command": "ping"}).get("result") == "pong":
                        return
                except (ng.NGTimeout, OSError, ValueError):
                    time.sleep(0.05)
        raise AssertionError("no pong on port %d within %.0fs:\n%s"
                             % (self.ng_port, START_TIMEOUT, self.text()))

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.rc is not None:
            return self.rc
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                self.rc = self.proc.returncode
                self.log.close()
                raise AssertionError("no exit within 5 s of SIGTERM:\n" + self.text())
        self.rc = self.proc.returncode
        self.log.close()
        return self.rc

    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        try:
            rc = self.stop()
        except AssertionError:
            if et is None:
                raise
            return False
        if et is None:
            check.true(rc in (0, -signal.SIGTERM), "exit status %d after SIGTERM" % rc, self.text())
            no_sanitizer_report(self.text(), " ".join(self.argv))
        return False


def debian_conf(ng_port, http_port, cli_port, section_text=None):
    """t/data/rtpengine.conf with interface and listen addresses moved to
    loopback and free ports; every other line exactly as Debian ships it."""
    with open(RTPENGINE_CONF) as f:
        text = f.read()
    subs = {
        "interface": "127.0.0.1",
        "listen-ng": "127.0.0.1:%d" % ng_port,
        "listen-http": "127.0.0.1:%d" % http_port,
        "listen-cli": "127.0.0.1:%d" % cli_port,
    }
    out, section, done = [], None, set()
    for ln in text.splitlines(True):
        m = re.match(r"\s*\[([^\]]+)\]", ln)
        if m:
            section = m.group(1)
        m = re.match(r"(\s*)([a-z-]+)(\s*=\s*)", ln)
        if m and section == "rtpengine" and m.group(2) in subs:
            ln = "%s%s%s%s\n" % (m.group(1), m.group(2), m.group(3), subs[m.group(2)])
            done.add(m.group(2))
        out.append(ln)
    # The stock file has all four keys uncommented; if a Debian update
    # changes that, say so instead of testing something else.
    check.eq(sorted(done), sorted(subs), "keys rewritten in %s" % RTPENGINE_CONF)
    return "".join(out) + (section_text or "")


def test_debian_rtpengine_conf_starts():
    with tempfile.TemporaryDirectory() as tmp:
        ngp, httpp, clip = daemon.free_ports([socket.SOCK_DGRAM, socket.SOCK_STREAM, socket.SOCK_DGRAM])
        conf = os.path.join(tmp, "rtpengine.conf")
        text = debian_conf(ngp, httpp, clip)
        if daemon.IS_RTPENGINE:
            # No kernel module here; recording-dir would need /var/spool.
            text = text.replace("table = 0", "table = -1")
            text = text.replace("/var/spool/rtpengine", tmp)
        with open(conf, "w") as f:
            f.write(text)
        with Running(["--config-file=" + conf, "--foreground"], ngp) as p:
            p.wait_ping()
            # listen-http from the file is open too.
            with ng.NG(("127.0.0.1", httpp), "http", timeout=3) as h:
                check.eq(h.request({"command": "ping"}).get("result"), "pong", "ping over listen-http")
        if daemon.IS_RTPENGINE:
            return
        # Without --log-stderr logs go to syslog: stderr holds only the
        # warnings for the keys rtprelay ignores, one per key.
        lines = [ln for ln in p.text().splitlines() if ln.strip()]
        w = warning_lines(p.text())
        check.eq(lines, w, "stderr holds nothing but warnings")
        check.eq(len(w), len(DEBIAN_IGNORED), "one warning per ignored key: %r" % w)
        for k in DEBIAN_IGNORED:
            check.eq(sum(1 for ln in w if "'%s'" % k in ln), 1, "warnings naming %s in %r" % (k, w))


def test_debian_rtpengine_conf_check_config():
    check.only("rtprelay")
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtpengine.conf")
        with open(conf, "w") as f:
            f.write(debian_conf(*daemon.free_ports([socket.SOCK_DGRAM, socket.SOCK_STREAM,
                                                     socket.SOCK_DGRAM])))
        r = run(["--config-file=" + conf, "--check-config"])
        check.eq(r.returncode, 0, "--check-config of Debian's rtpengine.conf\n" + show(r))
        check.eq(len(warning_lines(r.stderr)), len(DEBIAN_IGNORED), "warnings\n" + show(r))
        # The stock file unchanged (interface = any, ports 2223/2225) is a
        # valid configuration too: checking binds nothing.
        r = run(["--config-file=" + RTPENGINE_CONF, "--check-config"])
        check.eq(r.returncode, 0, "--check-config of the stock rtpengine.conf\n" + show(r))


def section(name, ng_port, extra=""):
    return "[%s]\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:%d\n%s" % (name, ng_port, extra)


def port_is_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def media_keys():
    lo, hi = daemon.media_range(20)
    return "port-min = %d\nport-max = %d\n" % (lo, hi) + (
        "table = -1\n" if daemon.IS_RTPENGINE else "")


def test_only_rtpengine_section():
    with tempfile.TemporaryDirectory() as tmp:
        ngp = daemon.free_port()
        conf = os.path.join(tmp, "r.conf")
        with open(conf, "w") as f:
            f.write(section("rtpengine", ngp, media_keys()))
        with Running(["--config-file=" + conf, "--foreground"], ngp) as p:
            p.wait_ping()


def test_both_sections_rtprelay_wins():
    check.only("rtprelay")  # rtpengine reads [rtpengine]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = daemon.free_ports([socket.SOCK_DGRAM] * 2)
        conf = os.path.join(tmp, "r.conf")
        keys = media_keys()
        with open(conf, "w") as f:
            # [rtpengine] first: the order in the file must not matter.
            f.write(section("rtpengine", a, keys + "endpoint-learning = bogus\n") + "\n"
                    + section("rtprelay", b, keys))
        with Running(["--config-file=" + conf, "--foreground"], b) as p:
            p.wait_ping()
            check.true(port_is_free(a), "the [rtpengine] section's listen-ng port %d is unused" % a)
        # And the other order.
        with open(conf, "w") as f:
            f.write(section("rtprelay", b, keys) + "\n" + section("rtpengine", a, keys))
        with Running(["--config-file=" + conf, "--foreground"], b) as p:
            p.wait_ping()
            check.true(port_is_free(a), "the [rtpengine] section's listen-ng port %d is unused" % a)


def test_config_section_option():
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = daemon.free_ports([socket.SOCK_DGRAM] * 3)
        conf = os.path.join(tmp, "r.conf")
        keys = media_keys()
        with open(conf, "w") as f:
            f.write(section("rtprelay", a, keys) + "\n" + section("rtpengine", b, keys) + "\n"
                    + section("site-b", c, keys))
        with Running(["--config-file=" + conf, "--config-section=site-b", "--foreground"], c) as p:
            p.wait_ping()
            check.true(port_is_free(a) and port_is_free(b),
                       "only the chosen section's listen-ng is open (%d, %d free)" % (a, b))
        if daemon.IS_RTPENGINE:
            return
        with Running(["--config-file=" + conf, "--config-section=rtpengine", "--foreground"], b) as p:
            p.wait_ping()
            check.true(port_is_free(a), "[rtprelay]'s port %d is unused" % a)
        # A section that is not there is an error naming it, not defaults.
        r = run(["--config-file=" + conf, "--config-section=nosuch", "--check-config"])
        check.true(r.returncode != 0, "non-zero exit for a missing section", show(r))
        check.contains(r.stderr, "nosuch", "stderr names the missing section")
        # The Debian file's second section, with its host-specific
        # addresses moved to loopback.
        with open(RTPENGINE_CONF) as f:
            text = f.read()
        d = daemon.free_port()
        text = text.replace("interface = 10.15.20.121", "interface = 127.0.0.1")
        text = re.sub(r"(\[rtpengine-testing\][^\[]*?)listen-ng = 2223",
                      r"\g<1>listen-ng = 127.0.0.1:%d" % d, text, flags=re.S)
        check.contains(text, "listen-ng = 127.0.0.1:%d" % d, "rewritten [rtpengine-testing]")
        lo, hi = daemon.media_range(20)
        conf2 = os.path.join(tmp, "debian.conf")
        with open(conf2, "w") as f:
            f.write(text)
        with Running(["--config-file=" + conf2, "--config-section=rtpengine-testing",
                      "--port-min=%d" % lo, "--port-max=%d" % hi], d) as p:
            # foreground, log-stderr, log-level 7 come from that section.
            p.wait_ping()
            check.contains(p.text(), "[DEBUG]", "log-level = 7 and log-stderr from the section")


def test_missing_config_file():
    check.only("rtprelay")
    r = run(valid_args()[1:] + ["--config-file=/nonexistent/rtprelay.conf", "--check-config"])
    check.true(r.returncode != 0, "non-zero exit for a missing --config-file", show(r))
    check.contains(r.stderr, "/nonexistent/rtprelay.conf", "stderr names the file")
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "r.conf")
        with open(conf, "w") as f:
            f.write("[other]\nfoo = bar\n")
        r = run(valid_args()[1:] + ["--config-file=" + conf, "--check-config"])
        check.true(r.returncode != 0, "non-zero exit for a file without our sections", show(r))
        with open(conf, "w") as f:
            f.write("this is not a key file\n")
        r = run(valid_args()[1:] + ["--config-file=" + conf, "--check-config"])
        check.true(r.returncode != 0, "non-zero exit for a malformed file", show(r))
        check.contains(r.stderr, conf, "stderr names the malformed file")


def test_command_line_overrides_file():
    with tempfile.TemporaryDirectory() as tmp:
        a, b = daemon.free_ports([socket.SOCK_DGRAM] * 2)
        conf = os.path.join(tmp, "r.conf")
        with open(conf, "w") as f:
            f.write(section("rtprelay" if not daemon.IS_RTPENGINE else "rtpengine", a,
                            media_keys() + "log-level = 3\n"))
        with Running(["--config-file=" + conf, "--foreground", "--log-stderr",
                      "--listen-ng=127.0.0.1:%d" % b, "--log-level=7"], b) as p:
            p.wait_ping()
            # A list option given on the command line replaces the file's list.
            check.true(port_is_free(a), "the file's listen-ng port %d is unused" % a)
            check.contains(p.text(), "DEBUG", "--log-level=7 beats the file's log-level = 3")
        if daemon.IS_RTPENGINE:
            return
        # An invalid value in the file is fatal even when the command line
        # overrides it: the file is read in full first.
        with open(conf, "w") as f:
            f.write(section("rtprelay", a, "log-level = 99\n"))
        r = run(["--config-file=" + conf, "--log-level=7", "--check-config"])
        check.true(r.returncode != 0, "bad value in the file, overridden on the command line", show(r))
        check.contains(r.stderr, "log-level", "stderr names the option")


def test_version_and_help():
    check.only("rtprelay")
    r = run(["--version"])
    check.eq(r.returncode, 0, "--version exit\n" + show(r))
    check.contains(r.stdout, "Version:", "--version output")
    r = run(["--help"])
    check.eq(r.returncode, 0, "--help exit\n" + show(r))
    for opt in ("--interface", "--listen-ng", "--pidfile", "--foreground", "--config-file",
                "--check-config"):
        check.contains(r.stdout, opt, "--help")
