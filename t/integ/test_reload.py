"""Configuration reload (SIGHUP) while media flows: the reload swaps the
configuration snapshot the control thread reads, the streams set up after it
use the new values, the streams set up before it keep what they were given,
and the workers relaying meanwhile never read the configuration (make check
runs this under ThreadSanitizer too: a data race is a report in the log,
which fails the test when the daemon stops)."""

import os
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401
from test_media import payload, setup, stream_stats


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def lying_sdp(peer):
    """peer's SDP, but naming 127.0.0.2 and a port nobody listens on: only
    endpoint learning finds where peer really is."""
    return peer.sdp().replace("127.0.0.1", "127.0.0.2").replace("m=audio %d" % peer.port, "m=audio 4000")


def wait_log(d, text, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in d.log_text():
            return
        time.sleep(0.05)
    raise AssertionError("%r not logged within %.0fs:\n%s" % (text, timeout, d.log_tail(30)))


def test_sighup_under_media_load_changes_the_next_stream():
    if daemon.IS_RTPENGINE:
        check.skip("rtprelay only: rtpengine 10.5 reads no config on SIGHUP (COMPAT.md: Command line, SIGHUP)")
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        write(conf, "[rtprelay]\nendpoint-learning = off\n")
        d = daemon.Daemon(args=["--config-file=" + conf, "--delete-delay=0", "--num-threads=2"],
                          name="reload")
        with d, media.Peer() as a1, media.Peer() as b1, media.Peer() as a2, media.Peer() as b2:
            a1_port, b1_port = setup(d, a1, b1, "reload-1", a_sdp=lying_sdp(a1))

            # Load on call 1 from two threads' worth of sockets while the
            # control thread reloads: A->B is relayed (learning off accepts
            # any source), B->A goes to the SDP's address, i.e. nowhere.
            stop = threading.Event()
            sent = [0]

            def load():
                deadline = time.monotonic() + 8
                seq = 0
                while not stop.is_set() and time.monotonic() < deadline and seq < 400000:
                    seq += 1
                    a1.send(media.rtp(seq=seq, ssrc=0xA1, payload=payload(b"A", seq & 0xFFFF)), a1_port)
                    b1.send(media.rtp(seq=seq, ssrc=0xB1), b1_port)
                    if seq % 50 == 0:
                        time.sleep(0.001)
                sent[0] = seq

            t = threading.Thread(target=load)
            t.start()
            try:
                time.sleep(0.3)
                before = stream_stats(d, "reload-1", "A")[0]["packets"]
                check.true(before > 0, "call 1 relays before the reload (%d packets)" % before)
                write(conf, "[rtprelay]\nendpoint-learning = immediate\n")
                d.proc.send_signal(signal.SIGHUP)
                wait_log(d, "configuration reloaded")
                check.contains(d.log_text(), "1 reloadable option(s) changed", "reload log")

                # Call 2, set up after the reload: learned from A's first packet.
                a2_port, b2_port = setup(d, a2, b2, "reload-2", a_sdp=lying_sdp(a2))
                a2.send(media.rtp(seq=1, ssrc=0xA2, payload=payload(b"a", 1)), a2_port)
                check.eq(b2.recv()[0][12:], payload(b"a", 1), "call 2: A's packet at B")
                b2.send(media.rtp(seq=1, ssrc=0xB2, payload=payload(b"b", 1)), b2_port)
                check.eq(a2.recv()[0][12:], payload(b"b", 1),
                         "call 2: B's packet reaches A where it really is (learned)")
                _, s = stream_stats(d, "reload-2", "A")
                check.eq(s["endpoint"], {"family": "IPv4", "address": "127.0.0.1", "port": a2.port},
                         "call 2's learned endpoint")
                time.sleep(0.3)
            finally:
                stop.set()
                t.join(15)
            after = stream_stats(d, "reload-1", "A")[0]["packets"]
            check.true(after > before, "call 1 relayed during the reload (%d -> %d of %d sent)"
                       % (before, after, sent[0]))

            # Call 1 was set up before: it keeps learning off, so B's media
            # still goes to the SDP's address and never reaches A.
            while True:
                try:
                    a1.recv(timeout=0.2)
                except OSError:
                    break
            b1.send(media.rtp(seq=1, ssrc=0xB1), b1_port)
            media.nothing_arrives(a1)
            _, s = stream_stats(d, "reload-1", "A")
            check.eq(s["endpoint"]["address"], "127.0.0.2", "call 1 still sends to the SDP address")
            d.ng.delete("reload-1")
            d.ng.delete("reload-2")


def test_reload_resolves_names_off_the_control_thread():
    """A reload whose config names a host that takes 3 s to resolve (an
    LD_PRELOAD resolver): the control thread keeps answering UDP ng within
    milliseconds meanwhile, the failed lookup leaves the configuration as it
    was, and a SIGHUP during the reading reads once more afterwards."""
    check.only("rtprelay")
    shim = os.environ.get("RTPRELAY_SLOW_RESOLVER")
    check.true(shim and os.path.exists(shim), "the slow resolver is built (t/Makefile)", shim)
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        write(conf, "[rtprelay]\ntimeout = 60\n")
        env = {"LD_PRELOAD": shim, "ASAN_OPTIONS": "verify_asan_link_order=0:detect_leaks=1:"
               "abort_on_error=0:halt_on_error=1"}
        d = daemon.Daemon(args=["--config-file=" + conf], listen=("udp",), env=env,
                          name="reload-dns")
        with d:
            write(conf, "[rtprelay]\ntimeout = 61\nlisten-tcp-ng = far.slow.test:2000\n")
            d.proc.send_signal(signal.SIGHUP)
            time.sleep(0.2)
            d.proc.send_signal(signal.SIGHUP)  # during the reading: once more after it
            worst = 0.0
            t_end = time.monotonic() + 2.0  # well inside the first 3 s lookup
            while time.monotonic() < t_end:
                t0 = time.monotonic()
                check.eq(d.ng.ping()["result"], "pong", "ping during the reload")
                worst = max(worst, time.monotonic() - t0)
                time.sleep(0.01)
            check.true(worst < 0.25, "pings answered during the lookup (worst %.0f ms)"
                       % (worst * 1000))
            wait_log(d, "configuration not reloaded", timeout=10)
            deadline = time.monotonic() + 10
            while d.log_text().count("configuration not reloaded") < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            check.eq(d.log_text().count("configuration not reloaded"), 2,
                     "the second SIGHUP read once more")
            check.contains(d.log_text(), "far.slow.test", "the reason names the host")
            # unchanged: the timeout of the running configuration is still 60
            write(conf, "[rtprelay]\ntimeout = 62\n")
            d.proc.send_signal(signal.SIGHUP)
            wait_log(d, "configuration reloaded from")
            check.contains(d.log_text(), "1 reloadable option(s) changed", "62 differs from 60")


def test_sighup_while_starting_is_harmless():
    """kill -HUP while the daemon starts (from its first log line until it
    answers) neither kills it nor stops it from starting: ignored until the
    reloader takes SIGHUP over (systemd itself waits for READY=1)."""
    d = daemon.Daemon(args=["--delete-delay=0"], name="early-hup")
    started = threading.Event()
    sent = [0]

    def logged():  # a line of the daemon's own (the harness writes "# argv" first)
        if not d.log_path or not os.path.exists(d.log_path):
            return False
        with open(d.log_path, errors="replace") as f:
            return any(not ln.startswith("#") for ln in f)

    def hup():
        t_end = time.monotonic() + 5.0
        while not started.is_set() and time.monotonic() < t_end:
            if d.proc is not None and d.proc.poll() is None and logged():
                d.proc.send_signal(signal.SIGHUP)
                sent[0] += 1
            time.sleep(0.0002)

    t = threading.Thread(target=hup)
    t.start()
    try:
        with d:
            started.set()
            check.eq(d.ng.ping()["result"], "pong", "alive after SIGHUPs during start-up")
    finally:
        started.set()
        t.join()
    check.true(sent[0] > 0, "SIGHUPs were sent while it started", sent[0])
