"""The HTTP listener under attack (issue 10), each attack in a bounded form
against a fresh daemon on loopback: connections past http-max-connections,
an oversize header, endless header lines, slow-drip requests past
http-timeout, descriptor exhaustion. While each runs, a thread pings the
daemon over UDP ng every 10 ms; every test then asserts that the limit held
(status code, connection closed), ping p99 stayed under 10 ms, RSS grew by
less than RSS_BOUND, the daemon's CPU was not pinned, the log stayed small,
and a genuine request works afterwards. Also: a limit changed by SIGHUP,
the Prometheus text of GET /metrics parsed line by line, and the smaller
HTTP protocol cases.

Every loop is bounded in count and time; the daemons are stopped by the
Daemon class (by PID)."""

import http.client
import json
import os
import re
import resource
import select
import signal
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402

check.only("rtprelay")  # rtpengine 10.5 has neither these limits nor this /metrics

PING = b"d7:command4:pinge"
# The bounds the tests hold the daemon to (docs/OPERATIONS.md states them).
PING_P99_MS = float(os.environ.get("RTPRELAY_PING_P99_MS", "10"))
RSS_BOUND = 32 << 20   # growth of the daemon's RSS during one attack
CPU_BOUND = 0.6        # the daemon's CPU time / wall time during an attack
LOG_BOUND = 16 << 10   # log growth during one attack
CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """utime + stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Watch:
    """While an attack runs: UDP ng pings every 10 ms from a thread (round
    trip times; a lost one counts 1 s), the daemon's peak RSS, its CPU time
    and its log growth. check() asserts the bounds."""

    def __init__(self, d, min_seconds=2.0):
        self.d = d
        self.min_seconds = min_seconds
        self.rtts = []
        self.rss_peak = 0
        self._stop = threading.Event()

    def _run(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.0)
        n = 0
        try:
            while not self._stop.is_set() and n < 6000:  # 60 s at most
                n += 1
                cookie = b"w%d" % n
                t0 = time.monotonic()
                s.sendto(cookie + b" " + PING, ("127.0.0.1", self.d.ng_port))
                try:
                    while True:
                        r = s.recv(4096)
                        if r.startswith(cookie + b" "):
                            break
                    self.rtts.append(time.monotonic() - t0)
                except socket.timeout:
                    self.rtts.append(1.0)
                try:
                    self.rss_peak = max(self.rss_peak, proc_rss(self.d.proc.pid))
                except OSError:
                    pass
                self._stop.wait(0.01)
        finally:
            s.close()

    def __enter__(self):
        pid = self.d.proc.pid
        self.rss0 = proc_rss(pid)
        self.cpu0 = proc_cpu(pid)
        self.t0 = time.monotonic()
        self.log0 = self.d.log_size()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, et, ev, tb):
        # a quick attack is watched for min_seconds all the same: what it
        # leaves behind (a spin, a growing log) shows in that time
        rest = self.min_seconds - (time.monotonic() - self.t0)
        if rest > 0 and et is None:
            time.sleep(rest)
        self._stop.set()
        self.thread.join(5)
        pid = self.d.proc.pid
        self.wall = time.monotonic() - self.t0
        self.cpu = proc_cpu(pid) - self.cpu0
        # the probe's own pings are logged (INFO, DEBUG): not the attack's
        self.log_text = "".join(ln for ln in self.d.log_text(self.log0).splitlines(True)
                                if not re.search(r"ng (ping|reply to|statistics)", ln))
        self.log_growth = len(self.log_text)
        return False

    def check(self, what):
        rtts = sorted(self.rtts)
        check.true(len(rtts) >= 10, "%s: pings sent during the attack" % what, len(rtts))
        p99 = rtts[int(0.99 * (len(rtts) - 1))] * 1000
        check.true(p99 < PING_P99_MS, "%s: UDP ng ping p99 %.2f ms < %.0f ms (%d pings, max %.2f ms)"
                   % (what, p99, PING_P99_MS, len(rtts), rtts[-1] * 1000))
        growth = self.rss_peak - self.rss0
        load = self.cpu / self.wall
        print("    %s: ping p99 %.2f ms (%d), RSS +%d KiB, CPU %.2f, log +%d bytes"
              % (what, p99, len(rtts), growth >> 10, load, self.log_growth), flush=True)
        check.true(growth < RSS_BOUND, "%s: RSS growth %d KiB < %d KiB"
                   % (what, growth >> 10, RSS_BOUND >> 10))
        check.true(load < CPU_BOUND, "%s: daemon CPU %.2f of a core < %.2f (%.2f s in %.2f s)"
                   % (what, load, CPU_BOUND, self.cpu, self.wall))
        check.true(self.log_growth < LOG_BOUND, "%s: log grew %d bytes < %d"
                   % (what, self.log_growth, LOG_BOUND),
                   self.log_text[-3000:])


def http_stats(d):
    return d.ng.command("statistics")["statistics"]["http"]


def genuine(d, path="/ng"):
    """A genuine POST /ng ping on a fresh connection: (status, body)."""
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    try:
        c.request("POST", path, body=b"g1 " + PING,
                  headers={"Content-Type": "application/x-rtpengine-ng"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def check_genuine(d, what):
    check.eq(genuine(d), (200, b"g1 d6:result4:ponge"), "%s: a genuine request afterwards" % what)


def read_answer(s, timeout=5.0):
    """Everything s receives until the peer closes (or timeout): bytes."""
    s.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and len(data) < 65536:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def status_of(answer):
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", answer)
    return int(m.group(1)) if m else None


def connect(d):
    return socket.create_connection(("127.0.0.1", d.http_port), timeout=5)


def raw(d, data, timeout=5):
    """Send data on a new connection; what comes back until the close."""
    s = connect(d)
    try:
        s.sendall(data)
        return read_answer(s, timeout)
    finally:
        s.close()


def flood(d, prefix, unit, limit_bytes=64 << 20, limit_seconds=10.0):
    """Send prefix, then unit over and over (64 KiB at a time) until an
    answer can be read, the peer closes, limit_bytes or limit_seconds.
    Returns (answer, bytes sent)."""
    s = connect(d)
    chunk = unit * max(1, 65536 // len(unit))
    sent = 0
    deadline = time.monotonic() + limit_seconds
    try:
        s.sendall(prefix)
        s.setblocking(False)
        while sent < limit_bytes and time.monotonic() < deadline:
            r, w, _ = select.select([s], [s], [], 0.5)
            if r:
                break
            if w:
                try:
                    sent += s.send(chunk)
                except (BlockingIOError, InterruptedError):
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    break
        s.setblocking(True)
        return read_answer(s), sent
    finally:
        s.close()


# ------------------------------------------------------------ the attacks


def test_connections_past_the_cap():
    cap, extra = 16, 24
    with daemon.Daemon(args=["--http-max-connections=%d" % cap, "--http-timeout=30"]) as d:
        with Watch(d) as w:
            held = [connect(d) for _ in range(cap + extra)]
            # the first `cap` wait for a request; the others get 503 and a close
            answers = {}
            deadline = time.monotonic() + 5
            while len(answers) < extra and time.monotonic() < deadline:
                r, _, _ = select.select([s for s in held if s not in answers], [], [], 0.5)
                for s in r:
                    answers[s] = read_answer(s, 2)
            over = [s for s in held if s in answers]
            check.eq(len(over), extra, "connections answered at once")
            for s in over:
                check.eq(status_of(answers[s]), 503, "status over the cap")
                check.contains(answers[s].decode(), "http-max-connections=%d" % cap)
            # still full: a new client is refused too (one that sends at
            # once may see the close before it can read the 503)
            s = connect(d)
            check.eq(status_of(read_answer(s)), 503, "a new client while the cap is reached")
            s.close()
            for s in held:
                s.close()
        w.check("connections past the cap")
        st = http_stats(d)
        check.eq(st["limited"]["http-max-connections"], extra + 1, "counted refusals")
        deadline = time.monotonic() + 3
        while http_stats(d)["connections_open"] > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        check.eq(http_stats(d)["connections_open"], 0, "open connections after the clients left")
        check_genuine(d, "connections past the cap")
        log = d.log_text()
        check.true(log.count("limit http-max-connections") <= 2,
                   "refusals logged once per interval", log.count("limit http-max-connections"))


def test_oversize_header():
    with daemon.Daemon() as d:
        with Watch(d) as w:
            t0 = time.monotonic()
            answer, sent = flood(d, b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ", b"a")
            took = time.monotonic() - t0
        w.check("oversize header")
        check.eq(status_of(answer), 431, "status of a 64 MiB header")
        check.contains(answer.decode(), "http-max-header-size=8192")
        check.true(sent < (8 << 20), "bytes sent before the answer (the daemon stops reading)", sent)
        check.true(took < 5, "seconds until the answer", took)
        check.eq(http_stats(d)["limited"]["http-max-header-size"], 1, "counted")
        check_genuine(d, "oversize header")


def test_endless_header_lines():
    with daemon.Daemon() as d:
        with Watch(d) as w:
            answer, sent = flood(d, b"POST /ng HTTP/1.1\r\nHost: x\r\n", b"X-Endless: yes\r\n")
        w.check("endless header lines")
        check.eq(status_of(answer), 431, "status of endless header lines")
        check.contains(answer.decode(), "http-max-header-size=8192")
        check.eq(http_stats(d)["limited"]["http-max-header-size"], 1, "counted")
        check_genuine(d, "endless header lines")


def test_long_uri():
    with daemon.Daemon() as d:
        with Watch(d) as w:
            answer, sent = flood(d, b"GET /", b"a")
        w.check("endless request target")
        check.eq(status_of(answer), 414, "status of an endless target")
        check.contains(answer.decode(), "http-max-uri-size=2048")
        s = connect(d)
        s.sendall(b"POST /ng HTTP/1.1\r\nContent-Length: 300000\r\n\r\n")
        answer = read_answer(s)
        s.close()
        check.eq(status_of(answer), 413, "status of a body over the limit (before it is sent)")
        check.contains(answer.decode(), "http-max-body-size=262144")
        st = http_stats(d)["limited"]
        check.eq((st["http-max-uri-size"], st["http-max-body-size"]), (1, 1), "counted")
        check_genuine(d, "long URI")


def test_slow_drip_past_the_deadline():
    timeout, clients = 2, 20
    with daemon.Daemon(args=["--http-timeout=%d" % timeout]) as d:
        req = b"POST /ng HTTP/1.1\r\nHost: x\r\n" + b"X-Drip: 1\r\n" * 200
        with Watch(d) as w:
            socks = [connect(d) for _ in range(clients)]
            t0 = time.monotonic()
            for s in socks:
                s.setblocking(False)
            answers, when = {}, {}
            i = 0
            # one byte per client every 50 ms: every read would restart a
            # per-read timer, the whole-request deadline is not reset
            while len(answers) < clients and time.monotonic() - t0 < timeout + 4:
                for s in socks:
                    if s in answers:
                        continue
                    try:
                        s.send(req[i:i + 1])
                    except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                        pass
                i = min(i + 1, len(req) - 1)
                r, _, _ = select.select([s for s in socks if s not in answers], [], [], 0.05)
                for s in r:
                    s.setblocking(True)
                    answers[s] = read_answer(s, 2)
                    when[s] = time.monotonic() - t0
            for s in socks:
                s.close()
        w.check("slow drip")
        check.eq(len(answers), clients, "dripping clients answered")
        for s, a in answers.items():
            check.eq(status_of(a), 408, "status of a dripping request")
            check.contains(a.decode(), "http-timeout=%d" % timeout)
            check.true(timeout - 0.5 < when[s] < timeout + 1.5,
                       "seconds until 408 (deadline %d s, not reset per byte)" % timeout, when[s])
        check.eq(http_stats(d)["limited"]["http-timeout"], clients, "counted")
        check_genuine(d, "slow drip")


def test_descriptor_exhaustion():
    with daemon.Daemon(args=["--http-max-connections=1000", "--http-timeout=60"]) as d:
        pid = d.proc.pid
        nfds = len(os.listdir("/proc/%d/fd" % pid))
        limit = nfds + 16
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, limit))
        held = []
        try:
            with Watch(d) as w:
                # more than the daemon has descriptors for: the rest waits
                # in the backlog while the listener pauses and retries
                for _ in range(40):
                    held.append(connect(d))
                deadline = time.monotonic() + 3
                while http_stats(d)["accept_pauses"] == 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                check.true(http_stats(d)["accept_pauses"] > 0, "accept() failed and was counted")
                time.sleep(2.0)  # the exhaustion goes on: no spin, no log flood
                pauses = http_stats(d)["accept_pauses"]
            w.check("descriptor exhaustion")
            # back-off: 10 ms doubling to 1 s, so a few per second at most
            check.true(pauses < 20, "accept pauses in ~2.5 s", pauses)
            log = d.log_text(w.log0)
            check.true(1 <= log.count("cannot accept") <= 2,
                       "the exhaustion logged once per interval", log.count("cannot accept"))
        finally:
            for s in held:
                s.close()
        # descriptors are back: the listener resumes within its back-off
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                if genuine(d)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        check_genuine(d, "descriptor exhaustion")


def test_limits_reload_with_sighup():
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        with open(conf, "w") as f:
            f.write("[rtprelay]\nhttp-max-header-size = 8192\n")
        with daemon.Daemon(args=["--config-file=" + conf], name="reload") as d:
            head = b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"p" * 2000 + b"\r\nConnection: close\r\n\r\n"
            check.eq(status_of(raw(d, head)), 200, "a 2 KB head under 8192")
            with open(conf, "w") as f:
                f.write("[rtprelay]\nhttp-max-header-size = 1024\n")
            d.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "configuration reloaded" not in d.log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check.contains(d.log_text(), "1 reloadable option(s) changed", "reload log")
            a = raw(d, head)
            check.eq(status_of(a), 431, "the same head after the reload to 1024")
            check.contains(a.decode(), "http-max-header-size=1024")


# ------------------------------------------------------- /metrics formats

LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*"'
SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>%s(?:,%s)*)\})? '
                    r'(?P<value>-?[0-9.eE+-]+|NaN|[+-]Inf)$' % (LABEL, LABEL))


def prometheus(d):
    """GET /metrics parsed: {(name, labels): value}, and the types."""
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    try:
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read().decode()
        check.eq(r.status, 200, "GET /metrics")
        check.contains(r.getheader("Content-Type"), "text/plain; version=0.0.4")
    finally:
        c.close()
    samples, types, helps = {}, {}, set()
    check.true(body.endswith("\n"), "the exposition ends with a line end")
    for line in body.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            check.true(name not in helps, "one HELP per metric", name)
            helps.add(name)
        elif line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            check.true(typ in ("counter", "gauge"), "type of %s" % name, typ)
            check.true(name not in types, "one TYPE per metric", name)
            types[name] = typ
        else:
            m = SAMPLE.match(line)
            check.true(m is not None, "a sample line", line)
            name = m.group("name")
            check.true(name in types, "TYPE before the sample of %s" % name)
            check.true(name.startswith("rtprelay_"), "prefix", name)
            check.eq(types[name] == "counter", name.endswith("_total"),
                     "counters, and only counters, end in _total: %s" % name)
            samples[(name, m.group("labels") or "")] = float(m.group("value"))
    return samples, types


def test_prometheus_metrics():
    d = daemon.shared("limits")
    s1, types = prometheus(d)
    for name in ("rtprelay_sessions", "rtprelay_uptime_seconds", "rtprelay_commands_total",
                 "rtprelay_command_errors_total", "rtprelay_relayed_packets_total",
                 "rtprelay_memory_used_bytes", "rtprelay_log_suppressed_total",
                 "rtprelay_http_requests_total", "rtprelay_http_limited_total",
                 "rtprelay_http_accept_pauses_total", "rtprelay_http_connections_open",
                 "rtprelay_media_threads", "rtprelay_srtp_auth_failures_total",
                 "rtprelay_srtp_replays_total"):
        check.true(name in types, "metric %s present" % name, sorted(types))
    for opt in ("http-max-connections", "http-max-header-size", "http-max-uri-size",
                "http-max-body-size", "http-timeout"):
        check.true(("rtprelay_http_limited_total", 'limit="%s"' % opt) in s1, "limit %s" % opt)
    for _ in range(3):
        d.ng.ping()
    s = connect(d)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 2000 + b"\r\n")
    read_answer(s)
    s.close()
    s2, _ = prometheus(d)
    ping = ("rtprelay_commands_total", 'command="ping"')
    check.true(s2[ping] >= s1[ping] + 3, "ping counter moved", s1[ping], s2[ping])
    req = ("rtprelay_http_requests_total", "")
    check.true(s2[req] >= s1[req] + 2, "HTTP requests counter moved", s1[req], s2[req])
    hdr = ("rtprelay_http_limited_total", 'limit="http-max-header-size"')
    check.eq(s2[hdr], s1[hdr] + 1, "header limit counter moved")
    # the JSON form is at /metrics/json
    c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
    try:
        c.request("GET", "/metrics/json")
        r = c.getresponse()
        js = json.loads(r.read())
        check.eq(r.getheader("Content-Type"), "application/json", "content type of /metrics/json")
        check.true(js["controlstatistics"]["totalpingcount"] >= 3, "pings in the JSON")
        check.true("limited" in js["http"], "http limits in the JSON", js["http"])
    finally:
        c.close()


# ------------------------------------------------------ protocol details


def test_malformed_requests():
    d = daemon.shared("limits")
    before = http_stats(d)["bad_requests"]
    cases = [
        (b"garbage\r\n\r\n", 400),
        (b"GET /ng HTTP/2.0\r\n\r\n", 505),
        (b"POST /ng HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        (b"POST /ng HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        (b"POST /ng HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST /ng HTTP/1.1\r\nExpect: magic\r\n\r\n", 417),
        (b"POST /ng HTTP/1.1\r\n folded: x\r\n\r\n", 400),
    ]
    for data, status in cases:
        a = raw(d, data)
        check.eq(status_of(a), status, "status of %r" % data[:40])
    check.eq(http_stats(d)["bad_requests"], before + len(cases), "bad requests counted")
    check_genuine(d, "malformed requests")


def test_keep_alive_pipelining_and_continue():
    d = daemon.shared("limits")
    body = b"k1 " + PING
    one = b"POST /ng HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    s = connect(d)
    try:
        s.sendall(one + one + one.replace(b"Host: x", b"Connection: close"))
        a = read_answer(s)
    finally:
        s.close()
    check.true(a.count(b"HTTP/1.1 200 OK") == 3, "three pipelined answers", a)
    check.eq(a.count(b"k1 d6:result4:ponge"), 3, "three bodies")
    # Expect: 100-continue (curl does this for larger bodies)
    s = connect(d)
    try:
        s.sendall(b"POST /ng HTTP/1.1\r\nContent-Length: %d\r\nExpect: 100-continue\r\n"
                  b"Connection: close\r\n\r\n" % len(body))
        s.settimeout(5)
        first = s.recv(100)
        check.true(first.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), "100 Continue", first)
        s.sendall(body)
        a = first + read_answer(s)
    finally:
        s.close()
    check.contains(a.decode(), "k1 d6:result4:ponge")
    # HEAD: headers only
    a = raw(d, b"HEAD /metrics HTTP/1.0\r\n\r\n")
    check.eq(status_of(a), 200, "HEAD /metrics")
    check.true(a.endswith(b"\r\n\r\n"), "no body after HEAD", a[-40:])
    # a body split across many packets
    s = connect(d)
    try:
        s.sendall(b"POST /ng-plain HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(PING))
        for i in range(len(PING)):
            s.sendall(PING[i:i + 1])
            time.sleep(0.005)
        a = read_answer(s)
    finally:
        s.close()
    check.true(a.endswith(b"\r\n\r\nd6:result4:ponge"), "body in pieces", a)
