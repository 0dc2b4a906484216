"""The media I/O backends (--media-io): which one runs, its options, and
sockets coming and going by the hundred while packets are in flight (the
io_uring backend closes a socket only when no queued send names it)."""

import ctypes
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401

SYS_IO_URING_SETUP = 425  # x86_64 and every other modern architecture
IORING_SETUP_SINGLE_ISSUER = 1 << 12
IORING_SETUP_DEFER_TASKRUN = 1 << 13
SPARES_MAX = 512  # daemon/ports.c: bound pairs kept per interface


def kernel_has_uring():
    """Can this process create a ring as the daemon does (Linux 6.1 flags)?"""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    params = ctypes.create_string_buffer(120)  # struct io_uring_params
    ctypes.c_uint32.from_buffer(params, 8).value = (IORING_SETUP_SINGLE_ISSUER
                                                    | IORING_SETUP_DEFER_TASKRUN)
    fd = libc.syscall(SYS_IO_URING_SETUP, ctypes.c_uint(8), params)
    if fd < 0:
        return False
    os.close(fd)
    return True


def fds_of(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def relays(d, call):
    """One RTP packet each way through a fresh call arrives intact."""
    with media.Peer() as a, media.Peer() as b:
        to_b = media.sdp_port(d.ng.offer(a.sdp(), call, "A")["sdp"])
        to_a = media.sdp_port(d.ng.answer(b.sdp(), call, "A", "B")["sdp"])
        # answer output goes to A: A sends to the answer's port
        a.send(media.rtp(seq=1, ssrc=0xA), to_a)
        b.send(media.rtp(seq=1, ssrc=0xB), to_b)
        check.eq(b.recv()[0], media.rtp(seq=1, ssrc=0xA), "packet at B")
        check.eq(a.recv()[0], media.rtp(seq=1, ssrc=0xB), "packet at A")
        d.ng.delete(call, "A", extra={"delete delay": 0})


def media_io_stats(d):
    return d.ng.command("statistics")["statistics"]["media io"]


def test_default_backend_is_io_uring_where_the_kernel_has_it():
    check.only("rtprelay")
    with daemon.Daemon(args=["--media-io=uring", "--num-threads=2"]) as d:
        log = d.log_text()
        if kernel_has_uring():
            check.true("media I/O: io_uring" in log, "io_uring in use", log[-400:])
            backend = "io_uring"
        else:
            check.true("io_uring unavailable" in log and "media I/O: epoll" in log,
                       "fell back to epoll with a warning", log[-400:])
            backend = "epoll"
        relays(d, "io-default")
        check.eq(media_io_stats(d), {"backend": backend, "threads": 2, "buffer shortages": 0,
                                    "submission shortages": 0},
                 "statistics: media io")
        out = d.ctl("statistics").stdout
        check.true("Media I/O: %s, 2 thread(s), 0 buffer shortage(s)" % backend in out,
                   "rtprelay-ctl statistics", out[-300:])


def test_epoll_backend_when_asked():
    check.only("rtprelay")
    with daemon.Daemon(args=["--media-io=epoll"]) as d:
        log = d.log_text()
        check.true("media I/O: epoll" in log, "epoll in use", log[-400:])
        check.true("io_uring" not in log, "no io_uring mentioned", log[-400:])
        relays(d, "io-epoll")
        check.eq(media_io_stats(d)["backend"], "epoll", "statistics: backend")


def test_bad_values_name_the_option():
    check.only("rtprelay")
    for arg, option in (("--media-io=kqueue", "media-io"), ("--media-coalesce-us=10001",
                                                            "media-coalesce-us"),
                        ("--media-coalesce-us=-1", "media-coalesce-us"),
                        ("--media-buffers=1000", "media-buffers"),
                        ("--media-buffers=4", "media-buffers"),
                        ("--media-buffers=65536", "media-buffers"),
                        ("--media-buffers=", "media-buffers"),
                        ("--media-rcvbuf=65537", "media-rcvbuf"),
                        ("--media-rcvbuf=-1", "media-rcvbuf")):
        r = subprocess.run([daemon.default_bin(), "--config-file=none", "--check-config", arg],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
        check.ne(r.returncode, 0, "exit status for " + arg)
        check.true(option in r.stderr, "error names " + option, r.stderr)


def sockets_come_and_go(args):
    """300 calls (600 port pairs) each relay a packet; then all calls are
    deleted while a thread keeps sending to every port: 512 pairs stay bound
    as spares, the other 88 are closed (all of them, once their last send
    completed), and a new call relays."""
    calls = 300
    with daemon.Daemon(args=["--delete-delay=0"] + args, media_ports=2 * 2 * calls + 100) as d, \
            media.Peer() as a, media.Peer() as sink:
        base = fds_of(d.proc.pid)
        to_b = []
        for i in range(calls):
            call = "churn-%d" % i
            d.ng.offer(a.sdp(), call, "A")
            to_b.append(media.sdp_port(d.ng.answer(sink.sdp(), call, "A", "B")["sdp"]))
        check.eq(fds_of(d.proc.pid), base + 4 * calls, "4 sockets per call")
        got = set()
        for first in range(0, calls, 50):  # in chunks: the sink's buffer is small
            for i in range(first, min(first + 50, calls)):
                a.send(media.rtp(seq=1, ssrc=i, payload=b"%05d" % i), to_b[i])
            for i in range(first, min(first + 50, calls)):
                pkt, _ = sink.recv()
                _, _, _, _, ssrc = media.rtp_header(pkt)
                check.eq(pkt, media.rtp(seq=1, ssrc=ssrc, payload=b"%05d" % ssrc), "intact")
                got.add(ssrc)
        check.eq(len(got), calls, "one packet of every call at the sink")
        stop = threading.Event()
        sent = [0]

        def keep_sending():  # bounded: until stop, or 30 s
            deadline = time.monotonic() + 30
            while not stop.is_set() and time.monotonic() < deadline:
                for i, port in enumerate(to_b):
                    a.send(media.rtp(seq=2, ssrc=i), port)
                    sent[0] += 1
                try:
                    while True:
                        sink.sock.recvfrom(2048, socket.MSG_DONTWAIT)
                except (BlockingIOError, TimeoutError):  # drained (TimeoutError: the socket has a timeout)
                    pass

        sender = threading.Thread(target=keep_sending)
        sender.start()
        try:
            for i in range(calls):
                d.ng.delete("churn-%d" % i, "A", extra={"delete delay": 0})
        finally:
            stop.set()
            sender.join()
        check.true(sent[0] >= calls, "packets kept coming during the deletes", sent[0])
        check.eq(d.ng.command("list", limit=1000).get("calls"), [], "no calls left")
        want = base + 2 * SPARES_MAX  # RTP + RTCP socket per spare pair
        if daemon.IS_RTPENGINE:  # it keeps no spares (COMPAT.md: Replies, statistics)
            want = base
        deadline = time.monotonic() + 5
        while fds_of(d.proc.pid) != want and time.monotonic() < deadline:
            time.sleep(0.05)
        check.eq(fds_of(d.proc.pid), want, "spares stay bound, the rest closed")
        relays(d, "churn-after")
        check.true(d.alive(), "daemon alive")
        return None if daemon.IS_RTPENGINE else media_io_stats(d)  # rtprelay's statistics


def test_sockets_come_and_go_while_packets_are_in_flight():
    sockets_come_and_go([])


def test_sockets_come_and_go_while_buffers_run_out():
    """The same with 8 receive buffers: sockets are closed while their
    receives wait for buffers."""
    check.only("rtprelay")
    if not kernel_has_uring():
        check.skip("this kernel cannot run the io_uring backend")
    st = sockets_come_and_go(["--media-io=uring", "--media-buffers=8", "--num-threads=1"])
    check.true(st["buffer shortages"] > 0, "buffers ran out", st)


def test_running_out_of_buffers_delays_packets_and_loses_none():
    """With 8 receive buffers a flood on one port outruns the worker: the
    sockets' receives end for want of buffers (counted), are armed again,
    a quiet call meanwhile loses nothing, and the flooded port relays
    again once the flood is over."""
    check.only("rtprelay")
    if not kernel_has_uring():
        check.skip("this kernel cannot run the io_uring backend")
    with daemon.Daemon(args=["--media-io=uring", "--media-buffers=8", "--num-threads=1"]) as d, \
            media.Peer() as a, media.Peer() as b, media.Peer() as c, media.Peer() as e, \
            media.Peer() as stranger:
        d.ng.offer(c.sdp(), "few-v", "A")
        victim = media.sdp_port(d.ng.answer(e.sdp(), "few-v", "A", "B")["sdp"])
        to_a = media.sdp_port(d.ng.offer(a.sdp(), "few-q", "A")["sdp"])
        to_b = media.sdp_port(d.ng.answer(b.sdp(), "few-q", "A", "B")["sdp"])
        junk = b"\x00" * 100  # not RTP: dropped, never relayed

        def quiet(seq):
            a.send(media.rtp(seq=seq, ssrc=0xA), to_b)
            b.send(media.rtp(seq=seq, ssrc=0xB), to_a)

        sent, ticks = media.flood(stranger, junk, victim, 1.5, quiet, max_packets=1000000)
        seq = ticks + 1
        for peer, ssrc in ((b, 0xA), (a, 0xB)):
            for n in range(1, seq):
                check.eq(peer.recv()[0], media.rtp(seq=n, ssrc=ssrc), "quiet call packet %d" % n)
        check.true(media_io_stats(d)["buffer shortages"] > 0, "buffers ran out",
                   media_io_stats(d), sent)
        for n in range(1, 6):
            c.send(media.rtp(seq=n, ssrc=0xC), victim)
        for n in range(1, 6):
            check.eq(e.recv()[0], media.rtp(seq=n, ssrc=0xC), "flooded port relays again")


def test_calls_churn_while_media_flows():
    """4 s on 2 workers: 40 call slots relay RTP both ways as fast as the
    test sends, while one call after the other is deleted and set up again,
    so pairs are released, kept as spares and handed to new calls under
    traffic (owners change while packets arrive and sends are queued;
    closing under traffic is the test above). The daemon stays up, the live
    calls relay, and
    the daemon holds exactly the sockets of its pairs in use and spare (a
    sanitizer build checks the rest at stop)."""
    slots = 40
    with daemon.Daemon(args=["--delete-delay=0", "--num-threads=2"], media_ports=1600) as d:
        peers = [(media.Peer(), media.Peer()) for _ in range(slots)]
        gen = [0] * slots
        ports = [None] * slots
        base = fds_of(d.proc.pid)

        def setup_call(i):
            a, b = peers[i]
            call = "churn2-%d-%d" % (i, gen[i])
            to_a = media.sdp_port(d.ng.offer(a.sdp(), call, "A")["sdp"])
            to_b = media.sdp_port(d.ng.answer(b.sdp(), call, "A", "B")["sdp"])
            ports[i] = (to_b, to_a)  # (where a sends, where b sends)

        for i in range(slots):
            setup_call(i)
        for a, b in peers:
            a.sock.setblocking(False)
            b.sock.setblocking(False)
        t0, n, sent, churned = time.monotonic(), 0, 0, 0
        while time.monotonic() - t0 < 4.0 and n < 100000:
            n += 1
            for i in range(slots):
                a, b = peers[i]
                for peer, port in ((a, ports[i][0]), (b, ports[i][1])):
                    try:
                        peer.sock.sendto(media.rtp(seq=n & 0xFFFF, ssrc=i), ("127.0.0.1", port))
                        sent += 1
                    except (BlockingIOError, ConnectionRefusedError):
                        pass
                    try:
                        while True:
                            peer.sock.recvfrom(2048)
                    except (BlockingIOError, ConnectionRefusedError):
                        pass
            for _ in range(2):
                i = churned % slots
                d.ng.delete("churn2-%d-%d" % (i, gen[i]), "A", extra={"delete delay": 0})
                gen[i] += 1
                setup_call(i)
                churned += 1
        check.true(sent > 10000, "media flowed", sent)
        check.true(churned > 200, "calls churned", churned)
        check.true(d.alive(), "daemon alive")
        if daemon.IS_RTPENGINE:
            # no "ports" statistics and no spares (COMPAT.md: Replies,
            # statistics): the sockets are those of the pairs in use
            want = base + 2 * 2 * slots
        else:
            st = d.ng.command("statistics")["statistics"]["ports"]
            check.eq(st["pairs_used"], 2 * slots, "pairs in use")
            want = base + 2 * (st["pairs_used"] + st["pairs_spare"])
        deadline = time.monotonic() + 5
        while fds_of(d.proc.pid) != want and time.monotonic() < deadline:
            time.sleep(0.05)
        check.eq(fds_of(d.proc.pid), want, "sockets = pairs in use and spare")
        for i in range(0, slots, 8):
            a, b = peers[i]
            for peer in (a, b):  # empty what is still queued
                peer.sock.settimeout(0.1)
                try:
                    while True:
                        peer.sock.recvfrom(2048)
                except socket.timeout:
                    pass
            a.send(media.rtp(seq=1, ssrc=0x77), ports[i][0])
            check.eq(b.recv()[0], media.rtp(seq=1, ssrc=0x77), "call %d relays after the churn" % i)
        for a, b in peers:
            a.close()
            b.close()


def test_no_submission_entry_never_stalls_a_worker():
    """With every 5th submission-entry request failing (fault injection:
    what a full submission queue with an overflowed completion queue
    gives), the io_uring workers never wait on it: packets are relayed or
    dropped and counted, re-arms and cancels are done a round later,
    sockets come and go with exact descriptor accounting, and the daemon
    stops cleanly."""
    check.only("rtprelay")
    if not kernel_has_uring():
        check.skip("this kernel has no io_uring for the daemon")
    with daemon.Daemon(args=["--media-io=uring", "--num-threads=2", "--media-buffers=16",
                             "--delete-delay=0"], env={"RTPRELAY_FAULT_URING_SQE": "5"},
                       media_ports=1400) as d:
        base_fds = fds_of(d.proc.pid)
        with media.Peer() as a, media.Peer() as b:
            to_b = media.sdp_port(d.ng.offer(a.sdp(), "sqe-1", "A")["sdp"])
            to_a = media.sdp_port(d.ng.answer(b.sdp(), "sqe-1", "A", "B")["sdp"])
            sent, got = 0, 0
            for burst in range(20):  # bursts past the 16 buffers: receives end and re-arm
                for i in range(50):
                    a.send(media.rtp(seq=sent, ssrc=0xA), to_a)
                    sent += 1
                while True:  # B takes what came before its own socket fills
                    try:
                        b.recv(timeout=0.3)
                        got += 1
                    except socket.timeout:
                        break
            st = media_io_stats(d)
            check.true(st["submission shortages"] > 0, "faults were injected", st)
            check.true(got > sent // 2, "most packets relayed (%d of %d)" % (got, sent))
            s = d.ng.query("sqe-1")["tags"]["A"]["medias"][0]["streams"][0]
            check.true(got + s["stats"]["errors"] + sum(s["dropped"].values()) <= sent,
                       "nothing counted twice", s)
            # the socket re-armed after the faults: later packets still arrive
            # (any one send may be one the fault drops: a few tries)
            while True:
                try:
                    b.recv(timeout=0.3)  # stragglers of the bursts
                except socket.timeout:
                    break
            for attempt in range(10):
                a.send(media.rtp(seq=9000 + attempt, ssrc=0xA), to_a)
                try:
                    pkt, _ = b.recv(timeout=0.5)
                    break
                except socket.timeout:
                    pkt = None
            check.eq(pkt, media.rtp(seq=9000 + attempt, ssrc=0xA), "the stream still relays")
            d.ng.delete("sqe-1", "A", extra={"delete delay": 0})
        # sockets come and go: their cancels too are retried when they fail
        for i in range(40):
            call = "sqe-churn-%d" % i
            with media.Peer() as a, media.Peer() as b:
                to_b = media.sdp_port(d.ng.offer(a.sdp(), call, "A")["sdp"])
                to_a = media.sdp_port(d.ng.answer(b.sdp(), call, "A", "B")["sdp"])
                for src, dst, port in ((a, b, to_a), (b, a, to_b)):
                    for attempt in range(10):  # a send may be one the fault drops
                        src.send(media.rtp(seq=attempt, ssrc=0xC), port)
                        try:
                            dst.recv(timeout=0.3)
                            break
                        except socket.timeout:
                            pass
                    else:
                        raise AssertionError("%s: nothing relayed in 10 tries" % call)
                d.ng.delete(call, "A", extra={"delete delay": 0})
        # 600 pairs released at once: 88 more than are kept as spares are
        # detached and closed, their cancels deferred when they find no SQE.
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio 4000 RTP/AVP 0\r\n")
        for i in range(300):
            d.ng.offer(sdp, "sqe-many-%d" % i, "A")
        for i in range(300):
            d.ng.delete("sqe-many-%d" % i, extra={"delete delay": 0})
        # Exact: the daemon holds the sockets of its pairs in use and
        # spare, no more (a detach whose cancel was deferred still closes).
        st = d.ng.command("statistics")["statistics"]["ports"]
        want = base_fds + 2 * (st["pairs_used"] + st["pairs_spare"])
        deadline = time.monotonic() + 10
        while fds_of(d.proc.pid) != want and time.monotonic() < deadline:
            time.sleep(0.1)
        check.eq(fds_of(d.proc.pid), want, "sockets = pairs in use and spare")
