"""Start and stop the daemon under test (rtprelay, or rtpengine for reference).

    with Daemon() as d:                          # interface 127.0.0.1
        r = d.ng.offer(sdp, "c1", "a")           # UDP client (d.tcp(), d.http())
    with Daemon(interfaces=["127.0.0.1", "::1"], args=["--timeout=2"]) as d: ...
    d = shared()                                 # one daemon per test process

Environment:
  RTPRELAY_TARGET  rtprelay (default) | rtpengine: which daemon, and which
                   command-line dialect (rtpengine gets --table=-1)
  RTPRELAY_BIN     the binary (default daemon/rtprelay in the checkout, or
                   /usr/bin/rtpengine when RTPRELAY_TARGET=rtpengine)
  RTPRELAY_SAN     non-empty for a sanitizer build: longer start-up wait, and
                   a sanitizer report in the log fails the test at stop()
  RTPRELAY_LOGDIR  where daemon logs go (default build/integ-logs/)
  RTPRELAY_ARGS    extra arguments for every rtprelay started here (e.g.
                   "--media-io=epoll": the whole suite on the other backend)

Ports: ng UDP/TCP/HTTP ports are taken free from the kernel (bind port 0,
close, pass it on: a tiny race, retried on start-up failure); the media port
range is a block of `media_ports` ports below the ephemeral range, chosen
from the PID and probed free, so parallel test processes do not clash.

Cleanup: the daemon runs with PR_SET_PDEATHSIG=SIGKILL (dies with the test
process) and is registered for atexit; stop() sends SIGTERM, waits
`stop_timeout`, then SIGKILL. Every wait here is bounded.
"""

import atexit
import ctypes
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

sys.path.insert(0, HERE)
import ng  # noqa: E402

TARGET = os.environ.get("RTPRELAY_TARGET", "rtprelay")
if TARGET not in ("rtprelay", "rtpengine"):
    raise SystemExit("RTPRELAY_TARGET must be rtprelay or rtpengine, not %r" % TARGET)
SAN = os.environ.get("RTPRELAY_SAN", "")
IS_RTPENGINE = TARGET == "rtpengine"


def default_bin():
    b = os.environ.get("RTPRELAY_BIN")
    if b:
        return b
    if IS_RTPENGINE:
        return "/usr/bin/rtpengine"
    return os.path.join(TOP, "daemon", "rtprelay")


def default_ctl():
    return os.environ.get("RTPRELAY_CTL") or os.path.join(TOP, "utils", "rtprelay-ctl")


LOGDIR = os.environ.get("RTPRELAY_LOGDIR") or os.path.join(TOP, "build", "integ-logs")

# Every Daemon started in this process; the runner prints the logs of those
# touched by a failing test (see run.py) and atexit kills the live ones.
started = []
_live = set()


def _kill_all():
    for d in list(_live):
        d.kill()


atexit.register(_kill_all)


def _sigterm(signum, frame):
    # The runner's timeout sends SIGTERM: unwind so finally blocks and
    # atexit stop the daemons.
    raise SystemExit("killed by signal %d" % signum)


signal.signal(signal.SIGTERM, _sigterm)

_libc = None


def _pdeathsig():
    """preexec_fn: the child gets SIGKILL when this process dies."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def free_port(kind=socket.SOCK_DGRAM, host="127.0.0.1"):
    """A port the kernel reports free for `kind` on host (bound and closed)."""
    return free_ports([kind], host)[0]


def free_ports(kinds, host="127.0.0.1"):
    """One free port per entry of kinds, all distinct: every probe socket
    stays bound until all are chosen, so the kernel cannot hand the same
    port out twice (it did: TCP ng and HTTP got one port)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks, ports = [], []
    try:
        for kind in kinds:
            s = socket.socket(fam, kind)
            socks.append(s)
            s.bind((host, 0))
            ports.append(s.getsockname()[1])
        return ports
    finally:
        for s in socks:
            s.close()


def _range_free(lo, hi, hosts):
    socks = []
    try:
        for h in hosts:
            fam = socket.AF_INET6 if ":" in h else socket.AF_INET
            for p in range(lo, hi + 1):
                s = socket.socket(fam, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind((h, p))
        return True
    except OSError:
        return False
    finally:
        for s in socks:
            s.close()


_used_ranges = set()


def media_range(size, hosts=("127.0.0.1",)):
    """(port_min, port_max): `size` ports in 10000..32000 (below Linux's
    ephemeral range), the first slot derived from the PID, probed free on
    every host address; never the same slot twice in one process."""
    lo_all, hi_all = 10000, 32000
    slots = (hi_all - lo_all) // size
    first = (os.getpid() * 7) % slots
    # a daemon that is still exiting (slowly under a sanitizer) may hold
    # its ports a moment longer: a few more rounds, bounded
    for attempt in range(10):
        for i in range(slots):
            slot = (first + i) % slots
            if (size, slot) in _used_ranges:
                continue
            lo = lo_all + slot * size
            hi = lo + size - 1
            if _range_free(lo, hi, hosts):
                _used_ranges.add((size, slot))
                return lo, hi
        time.sleep(0.5)
    raise RuntimeError("no free media port range of %d ports" % size)


class DaemonError(Exception):
    pass


def _ifaddr(spec):
    """'127.0.0.1' / 'name/1.2.3.4' / 'name/1.2.3.4!5.6.7.8' -> bind address."""
    a = spec.split("/", 1)[-1].split("!", 1)[0]
    return a


class Daemon:
    """One daemon process on loopback. Use as a context manager.

    interfaces: --interface values (default ["127.0.0.1"]); add "::1" for an
    IPv6 interface. args: extra command-line arguments (e.g. "--timeout=2",
    "--delete-delay=0"). media_ports: size of the media port range.
    listen: which ng transports to open ("udp", "tcp", "http").
    """

    def __init__(self, interfaces=None, args=(), media_ports=100, binary=None,
                 listen=("udp", "tcp", "http"), start_timeout=None, stop_timeout=5.0,
                 log_level=7, name=None, env=None):
        self.binary = binary or default_bin()
        self.interfaces = list(interfaces or ["127.0.0.1"])
        self.extra_args = list(args)
        if not IS_RTPENGINE:
            self.extra_args = shlex.split(os.environ.get("RTPRELAY_ARGS", "")) + self.extra_args
        self.media_ports = media_ports
        self.listen = tuple(listen)
        self.start_timeout = start_timeout or (30.0 if SAN else 10.0)
        self.stop_timeout = stop_timeout
        self.log_level = log_level
        self.env = env
        self.name = name or "d%d" % (len(started) + 1)
        self.proc = None
        self.returncode = None
        self.log_path = None
        self._log = None
        self._clients = []
        self.ng = None

    # -- life cycle

    def command_line(self):
        hosts = [_ifaddr(i) for i in self.interfaces]
        self.port_min, self.port_max = media_range(self.media_ports, hosts)
        self.ng_port, self.tcp_port, self.http_port = free_ports(
            [socket.SOCK_DGRAM, socket.SOCK_STREAM, socket.SOCK_STREAM])
        argv = [self.binary, "--foreground", "--log-stderr", "--config-file=none",
                "--log-level=%d" % self.log_level]
        argv += ["--interface=%s" % i for i in self.interfaces]
        if "udp" in self.listen:
            argv.append("--listen-ng=127.0.0.1:%d" % self.ng_port)
        if "tcp" in self.listen:
            argv.append("--listen-tcp-ng=127.0.0.1:%d" % self.tcp_port)
        if "http" in self.listen:
            argv.append("--listen-http=127.0.0.1:%d" % self.http_port)
        argv += ["--port-min=%d" % self.port_min, "--port-max=%d" % self.port_max]
        if IS_RTPENGINE:
            # no kernel module; one media thread: rtpengine's threads share
            # every socket and relay one stream's packets out of order
            # (COMPAT.md: Media, packet order), which tests of payloads
            # arriving in order would fail on. A test's own
            # --num-threads comes later and wins.
            argv += ["--table=-1", "--num-threads=1"]
        argv += self.extra_args
        return argv

    def start(self):
        if not os.path.exists(self.binary):
            raise DaemonError("daemon binary %s does not exist (build it, or set RTPRELAY_BIN)" % self.binary)
        os.makedirs(LOGDIR, exist_ok=True)
        last = None
        for attempt in range(3):  # a free port may be taken between probe and bind
            try:
                self._start_once(attempt)
                return self
            except DaemonError as e:
                last = e
                if not self._looks_like_port_clash():
                    raise
        raise last

    def _looks_like_port_clash(self):
        try:
            with open(self.log_path, errors="replace") as f:
                t = f.read()
        except OSError:
            return False
        return "Address already in use" in t or "EADDRINUSE" in t or "is given twice" in t

    def _start_once(self, attempt):
        self.argv = self.command_line()
        self.log_path = os.path.join(LOGDIR, "%s-%d-%s-%d.log" % (TARGET, os.getpid(), self.name, attempt))
        self._log = open(self.log_path, "wb")
        self._log.write(("# " + " ".join(self.argv) + "\n").encode())
        self._log.flush()
        env = dict(os.environ)
        if SAN:
            env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
            env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        if self.env:
            env.update(self.env)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, preexec_fn=_pdeathsig, env=env)
        _live.add(self)
        if self not in started:
            started.append(self)
        self.ng = self.client("udp") if "udp" in self.listen else None
        deadline = time.monotonic() + self.start_timeout
        probe = self.client("udp" if "udp" in self.listen else self.listen[0], timeout=0.3)
        try:
            while time.monotonic() < deadline:
                rc = self.proc.poll()
                if rc is not None:
                    self._reap(rc)
                    raise DaemonError("%s exited with status %d during start-up; log %s:\n%s"
                                      % (self.binary, rc, self.log_path, self.log_tail()))
                try:
                    r = probe.request({"command": "ping"})
                    if r.get("result") == "pong":
                        return
                except (ng.NGTimeout, OSError, ValueError):
                    probe.close()
                    time.sleep(0.05)
        finally:
            probe.close()
        self.kill()
        raise DaemonError("%s did not answer ping within %.0fs; log %s:\n%s"
                          % (self.binary, self.start_timeout, self.log_path, self.log_tail()))

    def _reap(self, rc):
        self.returncode = rc
        _live.discard(self)
        for c in self._clients:
            c.close()
        if self._log:
            self._log.close()
            self._log = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, check=True):
        """SIGTERM, wait stop_timeout, then SIGKILL. With check, raise if the
        daemon had died already, did not exit on SIGTERM, exited non-zero, or
        (sanitizer build) logged a sanitizer report. Returns the exit status."""
        if self.proc is None or self.returncode is not None:
            return self.returncode
        problems = []
        rc = self.proc.poll()
        if rc is not None:
            problems.append("daemon had already exited with status %d" % rc)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                problems.append("no exit within %.0fs of SIGTERM; killed" % self.stop_timeout)
                self.proc.kill()
                rc = self.proc.wait(5)
            if rc not in (0, -signal.SIGTERM) and not problems:
                problems.append("exit status %d after SIGTERM" % rc)
        self._reap(rc)
        rep = self.sanitizer_report()
        if rep:
            problems.append("sanitizer report in log")
        if check and problems:
            raise DaemonError("%s: %s; log %s:\n%s" % (self.name, "; ".join(problems),
                                                     self.log_path, self.log_tail()))
        return rc

    def kill(self):
        """SIGKILL now, no checks (for atexit and error paths)."""
        if self.proc is not None and self.returncode is None:
            try:
                self.proc.kill()
                rc = self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                rc = -9
            self._reap(rc)

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, et, ev, tb):
        # A failing test body wins; a clean body then checks the stop.
        self.stop(check=et is None)
        return False

    # -- clients and logs

    def client(self, transport="udp", timeout=5.0, **kw):
        port = {"udp": self.ng_port, "tcp": self.tcp_port, "http": self.http_port}[transport]
        c = ng.NG(("127.0.0.1", port), transport, timeout=timeout, **kw)
        self._clients.append(c)
        return c

    def tcp(self, **kw):
        return self.client("tcp", **kw)

    def http(self, **kw):
        return self.client("http", **kw)

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except (OSError, TypeError):
            return 0

    def log_text(self, since=0):
        """The daemon's log (stdout+stderr) from byte offset `since`."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    def log_tail(self, lines=150, since=0):
        t = self.log_text(since).splitlines()
        return "\n".join(t[-lines:])

    def sanitizer_report(self):
        t = self.log_text()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "WARNING: ThreadSanitizer"):
            if marker in t:
                return t[t.index(marker):][:4000]
        return ""

    def ctl(self, *args, timeout=10):
        """Run rtprelay-ctl against this daemon's UDP ng port; returns
        CompletedProcess (stdout/stderr text). rtprelay only."""
        argv = [default_ctl(), "--ng=127.0.0.1:%d" % self.ng_port] + list(args)
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


_shared = {}


def shared(key="default", **kw):
    """A daemon shared by the tests of one file (one process), started on
    first use with **kw and stopped at exit. key separates differently
    configured shared daemons. Restarted if it died."""
    d = _shared.get(key)
    if d is None or not d.alive():
        d = Daemon(name="shared-" + key, **kw).start()
        _shared[key] = d
    return d


def stop_shared():
    """Stop every shared daemon, raising if one misbehaved (run.py calls it)."""
    errs = []
    for k, d in list(_shared.items()):
        try:
            d.stop(check=True)
        except DaemonError as e:
            errs.append(str(e))
        del _shared[k]
    if errs:
        raise DaemonError("\n".join(errs))
