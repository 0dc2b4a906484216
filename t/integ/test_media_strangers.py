"""A stranger floods a call's media port (t/integ/flood: valid RTP with
sendmmsg, as fast as this machine sends) while the genuine party talks at
50 pps: before the genuine media starts and after it, with and without
strict source. The genuine call keeps >= 99% of its packets both ways and
its endpoint; the stranger gets none of the call's media once the genuine
party has shown up, and without strict source its packets reach the other
party at most at the genuine party's own rate; another call on the same
daemon loses nothing. rtprelay only: rtpengine's
delayed learning follows the flood (COMPAT.md)."""

import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401
from pinger import PING_P99_MS, Pinger

TICKS = 200          # genuine packets each way, one per 20 ms: 4 s
FLOOD_MAX = 6000000  # packets, a bound besides the time


def payload(tag, seq):
    return (b"%s-%05d-" % (tag, seq)).ljust(160, b".")


def start_flood(port, delay, seconds):
    exe = os.environ.get("RTPRELAY_FLOOD") or os.path.join(os.path.dirname(__file__), "flood")
    check.true(os.path.exists(exe), "the flooder is built (t/Makefile)", exe)
    p = subprocess.Popen([exe, str(port), str(delay), str(seconds), str(FLOOD_MAX)],
                         stdout=subprocess.PIPE, text=True)
    return p, int(p.stdout.readline())


def drain(peer, into):
    peer.sock.setblocking(False)
    try:
        while True:
            into.append(peer.sock.recv(2048))
    except BlockingIOError:
        pass
    finally:
        peer.sock.setblocking(True)


def talk(pairs):
    """TICKS packets each way at 50 pps on every (a, b, a_port, b_port, got_a,
    got_b) call; B starts one tick after A."""
    t0 = time.monotonic()
    for i in range(TICKS + 1):
        for a, b, a_port, b_port, got_a, got_b in pairs:
            if i < TICKS:
                a.send(media.rtp(seq=i + 1, ssrc=0xA, payload=payload(b"A", i + 1)), a_port)
            if i > 0:
                b.send(media.rtp(seq=i, ssrc=0xB, payload=payload(b"B", i)), b_port)
            drain(b, got_b)
            drain(a, got_a)
        time.sleep(max(0.0, t0 + 0.02 * (i + 1) - time.monotonic()))
    time.sleep(0.2)
    for a, b, _, _, got_a, got_b in pairs:
        drain(b, got_b)
        drain(a, got_a)


def call_up(d, a, b, call, kw):
    """Offer from a, answer from b: (port a sends to, port b sends to)."""
    r = d.ng.offer(a.sdp(), call, "A", **kw)
    b_port = media.sdp_port(r["sdp"])
    r = d.ng.answer(b.sdp(), call, "A", "B", **kw)
    return media.sdp_port(r["sdp"]), b_port


def run(strict, flood_first, call):
    if daemon.SAN:
        # the target is about the product's speed: a sanitizer build is
        # several times slower per packet than the flooder
        raise check.Skip("flood rates are measured without sanitizers (RTPRELAY_SAN=%s)"
                         % daemon.SAN)
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b, media.Peer() as c, media.Peer() as e:
        kw = {"flags": ["strict-source"]} if strict else {}
        a_port, b_port = call_up(d, a, b, call, kw)
        c_port, e_port = call_up(d, c, e, call + "-other", kw)  # another call, not flooded
        # flood first: 0.5 s before A's first packet, then on through the call;
        # flood after: from 1 s into the call to its end
        delay, seconds = (0.0, 4.7) if flood_first else (1.0, 3.2)
        quiet = Pinger(d)
        time.sleep(0.5)
        quiet.finish()
        log_before = os.path.getsize(d.log_path)
        pings = Pinger(d)
        flood, stranger_port = start_flood(a_port, delay, seconds)
        if flood_first:
            time.sleep(0.5)
        got_a, got_b, got_c, got_e = [], [], [], []
        try:
            talk([(a, b, a_port, b_port, got_a, got_b), (c, e, c_port, e_port, got_c, got_e)])
        finally:
            out, _ = flood.communicate(timeout=10)
            pings.finish()
        sent, received = int(out.split()[1]), int(out.split()[3])
        print("  flood: %d packets sent (%.0f/s), %d received by the stranger; "
              "A->B %d, B->A %d" % (sent, sent / seconds, received,
                                    sum(p[12:14] == b"A-" for p in got_b),
                                    sum(p[12:14] == b"B-" for p in got_a)))
        check.true(sent > 100000, "the flood was a flood", sent)
        print("  ng ping during the flood: p99 %.2f ms (%d pings), quiet %.2f ms"
              % (pings.p99(), len(pings.rtts), quiet.p99()))
        check.true(pings.p99() < PING_P99_MS + quiet.p99(),
                   "the daemon answers ng within %.0f ms of its quiet p99" % PING_P99_MS,
                   pings.p99())
        # debug level logs every ng ping and reply; nothing about packets
        with open(d.log_path, "rb") as f:
            f.seek(log_before)
            other = [ln for ln in f.read().splitlines() if b" ng ping " not in ln
                     and b" ng reply " not in ln]
        check.true(len(other) < 20, "the log stays small (lines during the flood)",
                   other[:5])
        a_at_b = [p[12:] for p in got_b if p[12:14] == b"A-"]
        b_at_a = [p[12:] for p in got_a if p[12:14] == b"B-"]
        need = (TICKS * 99 + 99) // 100  # 99%, rounded up
        check.true(len(set(a_at_b)) >= need, "A's packets at B (of %d)" % TICKS, len(set(a_at_b)))
        check.true(len(set(b_at_a)) >= need, "B's packets at A (of %d)" % TICKS, len(set(b_at_a)))
        check.eq(received, 0, "the stranger got none of B's media")
        check.eq(len(set(got_e)), TICKS, "the other call's packets at E, all")
        check.eq(len(set(got_c)), TICKS, "the other call's packets at C, all")
        s = d.ng.query(call)["tags"]["A"]["medias"][0]["streams"][0]
        check.eq(s["endpoint"], {"family": "IPv4", "address": "127.0.0.1", "port": a.port},
                 "A's endpoint")
        check.true(s["dropped"]["source"] > 0, "the stranger's packets dropped and counted",
                   s["dropped"]["source"])
        # what of the stranger reached B once A had shown up
        first_a = next(i for i, p in enumerate(got_b) if p[12:14] == b"A-")
        strays = sum(1 for p in got_b[first_a:] if media.rtp_header(p)[4] == 0x5555)
        if strict:
            check.eq(strays, 0, "strict source: no stranger packet at B")
        else:
            check.true(strays <= TICKS + 16, "stranger packets at B at most at A's rate", strays)
        d.ng.delete(call)
        d.ng.delete(call + "-other")


def test_flood_after_the_genuine_media_strict():
    check.only("rtprelay")
    run(True, False, "st-after-strict")


def test_flood_after_the_genuine_media():
    check.only("rtprelay")
    run(False, False, "st-after")


def test_flood_before_the_genuine_media_strict():
    check.only("rtprelay")
    run(True, True, "st-before-strict")


def test_flood_before_the_genuine_media():
    check.only("rtprelay")
    run(False, True, "st-before")


def rcvbuf_of(port):
    """The receive buffer the kernel gives the UDP socket on 127.0.0.1:port."""
    out = subprocess.run(["ss", "-uamnH", "sport = :%d" % port], capture_output=True,
                         text=True, timeout=10).stdout
    m = re.search(r"\brb(\d+)", out)
    check.true(m, "ss shows the socket on port %d" % port, out)
    return int(m.group(1))


def test_media_sockets_get_room_for_a_burst():
    """--media-rcvbuf (KiB, default 2048) sets every media socket's receive
    buffer (the kernel reports twice what was asked); 0 leaves the system's."""
    check.only("rtprelay")
    default = int(open("/proc/sys/net/core/rmem_default").read())
    for args, want in (([], 2 * 2048 * 1024), (["--media-rcvbuf=512"], 2 * 512 * 1024),
                       (["--media-rcvbuf=0"], default)):
        with daemon.Daemon(args=["--delete-delay=0"] + args) as d, media.Peer() as a:
            r = d.ng.offer(a.sdp(), "st-rcvbuf", "A")
            port = media.sdp_port(r["sdp"])
            check.eq(rcvbuf_of(port), want, "RTP socket buffer with %s" % (args or "defaults"))
            check.eq(rcvbuf_of(port + 1), want, "RTCP socket buffer with %s" % (args or "defaults"))
            d.ng.delete("st-rcvbuf")


def test_a_stream_forwards_at_most_media_max_pps():
    """--media-max-pps: a burst beyond it is cut to a tenth of a second's
    worth plus the rate, the rest dropped and counted; media flows again once
    the rate allows."""
    check.only("rtprelay")
    with daemon.Daemon(args=["--delete-delay=0", "--media-max-pps=200"]) as d, \
            media.Peer() as a, media.Peer() as b:
        a_port, b_port = call_up(d, a, b, "st-pps", {})
        t0 = time.monotonic()
        for seq in range(1, 1001):
            a.send(media.rtp(seq=seq, ssrc=0xA), a_port)
        elapsed = time.monotonic() - t0
        time.sleep(0.2)
        got = []
        drain(b, got)
        check.true(20 <= len(got) <= 20 + 200 * (elapsed + 0.2) + 2,
                   "at most the burst (20) and 200/s through (%.2f s)" % elapsed, len(got))
        s = d.ng.query("st-pps")["tags"]["A"]["medias"][0]["streams"][0]
        check.eq(s["dropped"]["rate"] + s["stats"]["packets"], 1000, "every packet accounted for")
        check.eq(s["stats"]["packets"], len(got), "forwarded = received")
        time.sleep(0.2)
        a.send(media.rtp(seq=1001, ssrc=0xA, payload=payload(b"A", 1001)), a_port)
        check.eq(b.recv()[0][12:], payload(b"A", 1001), "flows again at the rate")
        d.ng.delete("st-pps")
