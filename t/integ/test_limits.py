"""Limits of issue 10 that are not about one transport: calls per ng client
address (--max-calls-per-client: refused with an error naming the limit,
counted, reported once per interval, and given back by every way a call
goes: delete, delete-delay expiry, offer-timeout), and the maxima of every
duration option (a larger value in the command line or the config file is
refused at start with the option, the value and the range; a reload with
one keeps the running values). A real daemon on loopback."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, ng  # noqa: E401

check.only("rtprelay")  # the options are rtprelay's

LIMIT = "max-calls-per-client"


def sdp(port, addr="192.0.2.10"):
    return ("v=0\r\no=- 1000 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 8\r\n" % (addr, addr, port))


def client_from(d, source, transport="udp"):
    """An ng client of d whose requests come from the address source."""
    port = d.ng_port if transport == "udp" else d.tcp_port
    c = ng.NG(("127.0.0.1", port), transport)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if transport == "udp"
                      else socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    c._sock = s
    return c


def stats(d):
    return d.ng.command("statistics")["statistics"]


def refused(r, n):
    check.error(r, "Too many calls from this client (%d, %s)" % (n, LIMIT))


def test_calls_per_client_limit_and_release_by_delete():
    with daemon.Daemon(args=["--%s=3" % LIMIT, "--delete-delay=0"], name="percl",
                       log_level=5) as d:
        a = client_from(d, "127.0.0.1")
        for i in range(3):
            a.offer(sdp(5000 + 2 * i), "pc-%d" % i, "A")
        refused(a.offer(sdp(5100), "pc-3", "A", check=False), 3)
        check.error(d.ng.query("pc-3", check=False), "Unknown call-id")
        # the same address over TCP (another port, another transport) is the same client
        t = client_from(d, "127.0.0.1", "tcp")
        refused(t.offer(sdp(5100), "pc-3", "A", check=False), 3)
        t.close()
        with d.http() as h:  # and over HTTP (POST /ng)
            refused(h.offer(sdp(5100), "pc-3", "A", check=False), 3)
        # what is not a new call goes on: a re-offer, a new branch, an answer
        check.eq(a.offer(sdp(5000), "pc-0", "A")["result"], "ok", "re-offer")
        check.eq(a.offer(sdp(5000), "pc-0", "A", via_branch="b2")["result"], "ok", "a branch")
        check.eq(a.answer(sdp(6000), "pc-0", "A", "B")["result"], "ok", "an answer")
        # another address has a limit of its own
        b = client_from(d, "127.0.0.2")
        for i in range(3):
            b.offer(sdp(7000 + 2 * i), "pcb-%d" % i, "A")
        refused(b.offer(sdp(7100), "pcb-3", "A", check=False), 3)
        # the call belongs to its creator, whoever deletes it: b deletes
        # one of a's calls, and a gets its place back
        b.delete("pc-1")
        check.eq(a.offer(sdp(5100), "pc-3", "A")["result"], "ok", "a's place given back")
        refused(a.offer(sdp(5200), "pc-4", "A", check=False), 3)
        refused(b.offer(sdp(7100), "pcb-3", "A", check=False), 3)
        st = stats(d)
        check.eq(st["totalstatistics"]["offersfailedclient"], 6, "every refusal counted")
        check.eq(st["currentstatistics"]["sessionsown"], 6, "three calls each")
        log = d.log_text()
        check.eq(log.count("(max-calls-per-client)"), 1, "reported once in the interval")
        check.contains(log, "offer refused: client 127.0.0.1 has 3 calls", "the report")
        # every call gone: each client has its whole quota again (no count leaked)
        for call in ("pc-0", "pc-2", "pc-3", "pcb-0", "pcb-1", "pcb-2"):
            d.ng.delete(call)
        for c, name in ((a, "pa"), (b, "pb")):
            for i in range(3):
                c.offer(sdp(5000 + 2 * i), "%s-%d" % (name, i), "A")
            refused(c.offer(sdp(5100), "%s-3" % name, "A", check=False), 3)
        a.close()
        b.close()


def test_calls_per_client_released_by_delete_delay_and_timeouts():
    """A deleted call still counts while it lingers (it holds its ports)
    and stops counting when its delete-delay ends; a call ended by
    offer-timeout stops counting too."""
    with daemon.Daemon(args=["--%s=2" % LIMIT, "--delete-delay=1", "--offer-timeout=2"],
                       name="percl2", log_level=5) as d:
        d.ng.offer(sdp(5000), "dd-0", "A")
        d.ng.offer(sdp(5002), "dd-1", "A")
        d.ng.answer(sdp(6000), "dd-0", "A", "B")
        d.ng.answer(sdp(6002), "dd-1", "A", "B")
        d.ng.delete("dd-0")
        refused(d.ng.offer(sdp(5004), "dd-2", "A", check=False), 2)
        time.sleep(1.5)
        check.eq(d.ng.offer(sdp(5004), "dd-2", "A")["result"], "ok", "after the delete-delay")
        refused(d.ng.offer(sdp(5006), "dd-3", "A", check=False), 2)
        # dd-2 is never answered: offer-timeout ends it and gives its place back
        t0 = time.monotonic()
        while d.ng.offer(sdp(5006), "dd-3", "A", check=False)["result"] != "ok":
            check.true(time.monotonic() - t0 < 5, "place given back after offer-timeout")
            time.sleep(0.2)
        tot = stats(d)["totalstatistics"]
        check.true(tot["offertimeoutsessions"] >= 1, "dd-2 ended by offer-timeout")


def test_calls_per_client_reload():
    """The limit is read at each offer: set by a reload, it applies to the
    calls that exist already (they were counted without a limit)."""
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        with open(conf, "w") as f:
            f.write("[rtprelay]\n")
        with daemon.Daemon(args=["--config-file=" + conf, "--delete-delay=0"],
                           name="percl3") as d:
            for i in range(4):
                d.ng.offer(sdp(5000 + 2 * i), "rl-%d" % i, "A")
            with open(conf, "w") as f:
                f.write("[rtprelay]\n%s = 2\n" % LIMIT)
            os.kill(d.proc.pid, signal.SIGHUP)
            t0 = time.monotonic()
            while True:
                r = d.ng.offer(sdp(5100), "rl-4", "A", check=False)
                if r["result"] == "error" or time.monotonic() - t0 > 5:
                    break
                d.ng.delete("rl-4")
                time.sleep(0.1)
            refused(r, 4)
            for i in range(3):
                d.ng.delete("rl-%d" % i)
            check.eq(d.ng.offer(sdp(5100), "rl-4", "A")["result"], "ok", "below the limit again")


# ---------------------------------------------------------------- maxima

# option: (largest accepted, one more)
MAXIMA = {
    "timeout": 86400,
    "silent-timeout": 86400,
    "offer-timeout": 86400,
    "final-timeout": 2592000,
    "delete-delay": 3600,
    "ng-tcp-timeout": 600,
    "ng-tcp-idle-timeout": 86400,
    "http-timeout": 600,
    "media-coalesce-us": 10000,
    "ng-tcp-max-buffered": 16777216,
    "max-calls-per-client": 100000000,
}


def run(args):
    lo, hi = daemon.media_range(20)
    argv = [daemon.default_bin(), "--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:%d" % daemon.free_port(),
            "--port-min=%d" % lo, "--port-max=%d" % hi, "--check-config"] + list(args)
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=30, preexec_fn=daemon._pdeathsig)


def test_duration_maxima_refused_at_start():
    """Each duration (and the new limits) at its documented maximum is
    accepted; one more, or 2147483647 (68 years), is refused with the
    option's name, the value and the range, on the command line and in
    the config file."""
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        for opt, top in MAXIMA.items():
            r = run(["--config-file=none", "--%s=%d" % (opt, top)])
            check.eq(r.returncode, 0, "--%s=%d accepted: %s" % (opt, top, r.stderr))
            for bad in (top + 1, 2147483647):
                r = run(["--config-file=none", "--%s=%d" % (opt, bad)])
                check.true(r.returncode != 0, "--%s=%d refused" % (opt, bad), r.stderr)
                check.contains(r.stderr, opt, "names the option")
                check.contains(r.stderr, "%d is out of range" % bad, "says why")
                check.contains(r.stderr, "..%d" % top, "gives the maximum")
            with open(conf, "w") as f:
                f.write("[rtprelay]\n%s = %d\n" % (opt, top + 1))
            r = run(["--config-file=" + conf])
            check.true(r.returncode != 0, "%s = %d in the file refused" % (opt, top + 1), r.stderr)
            check.contains(r.stderr, opt, "names the key")
            check.contains(r.stderr, "..%d" % top, "gives the maximum")


def test_reload_with_a_value_past_its_maximum_changes_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        with open(conf, "w") as f:
            f.write("[rtprelay]\noffer-timeout = 1\n")
        with daemon.Daemon(args=["--config-file=" + conf, "--delete-delay=0"],
                           name="maxrl") as d:
            with open(conf, "w") as f:
                f.write("[rtprelay]\noffer-timeout = 86401\n")
            log0 = d.log_size()
            os.kill(d.proc.pid, signal.SIGHUP)
            t0 = time.monotonic()
            while "86401" not in d.log_text(since=log0) and time.monotonic() - t0 < 5:
                time.sleep(0.1)
            check.contains(d.log_text(since=log0), "86401 is out of range", "the reload is refused")
            d.ng.offer(sdp(5000), "mx-1", "A")
            t0 = time.monotonic()
            while d.ng.query("mx-1", check=False)["result"] == "ok":
                check.true(time.monotonic() - t0 < 4, "offer-timeout 1 still applies")
                time.sleep(0.1)
