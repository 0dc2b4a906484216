"""The userspace media path: real RTP/RTCP both ways through the daemon on
loopback. Every test checks that payload bytes arrive intact and that the
daemon's counters match what was sent. SDP addresses are loopback only, so
nothing is ever sent off the machine."""

import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401


def rtcp_rr(ssrc):
    """A receiver report with one report block (32 bytes)."""
    return struct.pack("!BBHI", 0x81, 201, 7, ssrc) + bytes(range(24))


def payload(tag, seq):
    """A payload that tells who sent which packet."""
    return (b"%s-%05d-" % (tag, seq)).ljust(160, b".")


def setup(d, a, b, call, offer_kw=None, answer_kw=None, a_sdp=None, b_sdp=None):
    """Offer from a, answer from b. Returns (port a sends to, port b sends to)."""
    r = d.ng.offer(a_sdp or a.sdp(), call, "A", **(offer_kw or {}))
    to_a = media.sdp_port(r["sdp"])
    r = d.ng.answer(b_sdp or b.sdp(), call, "A", "B", **(answer_kw or {}))
    to_b = media.sdp_port(r["sdp"])
    return to_b, to_a


def stream_stats(d, call, tag, kind=0, index=0):
    s = d.ng.query(call)["tags"][tag]["medias"][index]["streams"][kind]
    return s["stats"], s


def exchange(a, b, a_port, b_port, n=20, first_seq=1):
    """n RTP packets each way; every one must arrive intact, in order."""
    for seq in range(first_seq, first_seq + n):
        a.send(media.rtp(seq=seq, ssrc=0xAAAA, payload=payload(b"A", seq)), a_port)
        b.send(media.rtp(seq=seq, ssrc=0xBBBB, payload=payload(b"B", seq)), b_port)
    for seq in range(first_seq, first_seq + n):
        pkt, _ = b.recv()
        check.eq(pkt, media.rtp(seq=seq, ssrc=0xAAAA, payload=payload(b"A", seq)), "packet at B")
        pkt, _ = a.recv()
        check.eq(pkt, media.rtp(seq=seq, ssrc=0xBBBB, payload=payload(b"B", seq)), "packet at A")



def test_plain_call_both_ways_with_counters():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-plain")
        exchange(a, b, a_port, b_port, n=50)
        st, s = stream_stats(d, "m-plain", "A")
        check.eq(st["packets"], 50, "packets from A")
        check.eq(st["bytes"], 50 * 172, "bytes from A")
        if not daemon.IS_RTPENGINE:  # rtprelay's keys (COMPAT.md: Replies, query)
            check.eq(s["SSRCs"], [{"SSRC": 0xAAAA, "packets": 50, "last seq": 50}], "A's SSRC")
            check.eq(s["payload types"], [{"payload type": 0, "packets": 50}], "A's payload types")
        st, _ = stream_stats(d, "m-plain", "B")
        check.eq(st["packets"], 50, "packets from B")
        # RTCP both ways on the RTCP ports
        a.send(rtcp_rr(0xAAAA), a_port + 1, rtcp=True)
        b.send(rtcp_rr(0xBBBB), b_port + 1, rtcp=True)
        check.eq(b.recv(rtcp=True)[0], rtcp_rr(0xAAAA), "RTCP at B")
        check.eq(a.recv(rtcp=True)[0], rtcp_rr(0xBBBB), "RTCP at A")
        r = d.ng.delete("m-plain", "A")
        check.eq(r["totals"]["RTP"]["packets"], 100, "delete reply totals RTP")
        check.eq(r["totals"]["RTCP"]["packets"], 2, "delete reply totals RTCP")


def test_packets_leave_from_the_other_sides_port():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-src")
        a.send(media.rtp(seq=1), a_port)
        _, src = b.recv()
        check.eq(src, ("127.0.0.1", b_port), "B sees packets from the port it sends to")
        b.send(media.rtp(seq=1), b_port)
        _, src = a.recv()
        check.eq(src, ("127.0.0.1", a_port), "A sees packets from the port it sends to")
        d.ng.delete("m-src")


def test_nat_learning():
    # A's SDP names 127.0.0.2 and a port nobody listens on; its packets come
    # from 127.0.0.1:a.port. B's media must reach A where it really is.
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        lying = a.sdp().replace("127.0.0.1", "127.0.0.2").replace("m=audio %d" % a.port, "m=audio 4000")
        a_port, b_port = setup(d, a, b, "m-nat", a_sdp=lying)
        a.send(media.rtp(seq=1, payload=payload(b"A", 1)), a_port)
        check.eq(b.recv()[0][12:], payload(b"A", 1), "A's first packet at B")
        exchange(a, b, a_port, b_port, n=10, first_seq=2)
        _, s = stream_stats(d, "m-nat", "A")
        check.eq(s["endpoint"], {"family": "IPv4", "address": "127.0.0.1", "port": a.port}, "learned")
        check.eq(s["advertised endpoint"]["address"], "127.0.0.2", "advertised kept")
        d.ng.delete("m-nat")


def test_endpoint_learning_per_call():
    # The same lying SDP as test_nat_learning on a daemon that learns
    # (delayed): "endpoint-learning": "off" for this call keeps B's media
    # going to the SDP's address, however A's packets arrive.
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        lying = a.sdp().replace("127.0.0.1", "127.0.0.2").replace("m=audio %d" % a.port, "m=audio 4000")
        a_port, b_port = setup(d, a, b, "m-el-off", a_sdp=lying,
                               offer_kw={"extra": {"endpoint-learning": ["off"]}})
        for seq in range(1, 6):
            a.send(media.rtp(seq=seq, payload=payload(b"A", seq)), a_port)
            check.eq(b.recv()[0][12:], payload(b"A", seq), "A's packet at B")
            b.send(media.rtp(seq=seq, payload=payload(b"B", seq)), b_port)
        media.nothing_arrives(a)
        _, s = stream_stats(d, "m-el-off", "A")
        check.eq((s["endpoint"]["address"], s["endpoint"]["port"]), ("127.0.0.2", 4000),
                 "endpoint stays the SDP's")
        d.ng.delete("m-el-off")
        # the flag spelling
        a_port, b_port = setup(d, a, b, "m-el-flag", a_sdp=lying,
                               offer_kw={"flags": ["endpoint-learning-off"]})
        a.send(media.rtp(seq=1, payload=payload(b"A", 1)), a_port)
        check.eq(b.recv()[0][12:], payload(b"A", 1), "A's packet at B")
        b.send(media.rtp(seq=1, payload=payload(b"B", 1)), b_port)
        media.nothing_arrives(a)
        d.ng.delete("m-el-flag")
        # the daemon's default (delayed) learns A's real address
        a_port, b_port = setup(d, a, b, "m-el-default", a_sdp=lying)
        a.send(media.rtp(seq=1, payload=payload(b"A", 1)), a_port)
        check.eq(b.recv()[0][12:], payload(b"A", 1), "A's packet at B")
        b.send(media.rtp(seq=1, payload=payload(b"B", 1)), b_port)
        check.eq(a.recv()[0][12:], payload(b"B", 1), "B's packet at A, learned")
        d.ng.delete("m-el-default")
        # a mode that does not exist is an error (rtprelay; rtpengine 10.5
        # ignores it)
        if not daemon.IS_RTPENGINE:
            r = d.ng.offer(a.sdp(), "m-el-bad", "A", check=False,
                           extra={"endpoint-learning": ["sometimes"]})
            check.eq(r["result"], "error", "unknown endpoint-learning mode")
            check.contains(r["error-reason"], "endpoint-learning 'sometimes'", "reason")


def test_strict_source_drops_strangers():
    with daemon.Daemon(args=["--delete-delay=0", "--endpoint-learning=immediate"]) as d, \
            media.Peer() as a, media.Peer() as b, media.Peer() as stranger:
        a_port, b_port = setup(d, a, b, "m-strict", offer_kw={"flags": ["strict-source"]})
        exchange(a, b, a_port, b_port, n=5)
        for seq in range(10):
            stranger.send(media.rtp(seq=seq, ssrc=0x5555), a_port)
        media.nothing_arrives(b)
        exchange(a, b, a_port, b_port, n=5, first_seq=6)
        if not daemon.IS_RTPENGINE:
            # rtpengine counts the stranger's packets in "packets" and has
            # no "dropped" (COMPAT.md: Replies, query)
            st, s = stream_stats(d, "m-strict", "A")
            check.eq(st["packets"], 10, "A's packets forwarded")
            check.eq(s["dropped"]["source"], 10, "stranger's packets dropped and counted")
        # without strict-source a stranger's packets are relayed
        a2, b2 = setup(d, a, b, "m-loose")
        exchange(a, b, a2, b2, n=2)
        stranger.send(media.rtp(seq=99, ssrc=0x5555), a2)
        check.eq(media.rtp_header(b.recv()[0])[4], 0x5555, "relayed without strict-source")


def test_delayed_learning_commits_after_three_seconds():
    # rtprelay: within the window a new source takes over only once the
    # current one is silent (500 ms) and the new one sends consistently (5
    # packets in a row); rtpengine follows every new source (COMPAT.md).
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b, media.Peer() as moved, media.Peer() as other:
        a_port, b_port = setup(d, a, b, "m-delayed", offer_kw={"flags": ["strict-source"]})
        a.send(media.rtp(seq=1), a_port)
        b.recv()
        # while A keeps sending, another source does not take its place
        for seq in range(2, 8):
            moved.send(media.rtp(seq=seq, ssrc=0xD), a_port)
            a.send(media.rtp(seq=seq), a_port)
        time.sleep(0.2)
        b.drain()
        b.send(media.rtp(seq=1, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a.recv()[0])[4], 0xB, "B's media still at A")
        time.sleep(0.6)  # A falls silent
        # within the window the endpoint follows the (consistent) new source
        for seq in range(8, 13):
            moved.send(media.rtp(seq=seq), a_port)
        time.sleep(0.1)
        b.drain()
        b.send(media.rtp(seq=2, ssrc=0xB), b_port)
        check.eq(media.rtp_header(moved.recv()[0])[4], 0xB, "B's media follows A's new source")
        time.sleep(3.2)
        moved.send(media.rtp(seq=20), a_port)  # first packet after the window: commits
        b.recv()
        _, before = stream_stats(d, "m-delayed", "A")
        other.send(media.rtp(seq=21), a_port)  # now a stranger: dropped
        media.nothing_arrives(b)
        _, s = stream_stats(d, "m-delayed", "A")
        check.eq(s["dropped"]["source"] - before["dropped"]["source"], 1, "dropped after commit")
        # the address and port the SDP names take the stream back, even
        # committed: a flood that came first cannot keep a call
        a.send(media.rtp(seq=22), a_port)
        b.recv()
        b.send(media.rtp(seq=3, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a.recv()[0])[4], 0xB, "B's media back at A's SDP address")
        d.ng.delete("m-delayed")


def test_packets_before_the_answer_are_dropped_and_counted():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(a.sdp(), "m-early", "A")
        to_a = media.sdp_port(r["sdp"])
        # B (early media) sends before its answer: A is known, so this flows
        b.send(media.rtp(seq=1, ssrc=0xB), to_a)
        check.eq(media.rtp_header(a.recv()[0])[4], 0xB, "early media from B")
        st, s = stream_stats(d, "m-early", "<untagged 1>")
        check.eq(st["packets"], 1, "B's early packet counted")
        r = d.ng.answer(b.sdp(), "m-early", "A", "B")
        exchange(a, b, media.sdp_port(r["sdp"]), to_a, n=3)
        d.ng.delete("m-early")
    if daemon.IS_RTPENGINE:  # no "dropped" in its query (COMPAT.md: Replies, query)
        return
    with media.Peer() as a, media.Peer() as b:
        # A sends to a port it was never told about yet: nothing known on the other side
        r = d.ng.offer(a.sdp(), "m-early2", "A")
        q = d.ng.query("m-early2")["tags"]["A"]["medias"][0]["streams"][0]
        a.send(media.rtp(seq=1), q["local port"])
        time.sleep(0.2)
        _, s = stream_stats(d, "m-early2", "A")
        check.eq(s["dropped"]["no peer"], 1, "dropped: the other side is unknown")
        d.ng.delete("m-early2")


def test_rtcp_mux_demux_both_directions():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        # A offers mux, B gets plain RTCP (demux); A sends RTCP on its RTP port
        a_port, b_port = setup(d, a, b, "m-mux1", a_sdp=a.sdp(extra_media="a=rtcp-mux\r\n"),
                               offer_kw={"rtcp_mux": ["demux"]})
        a.send(rtcp_rr(0xA), a_port)
        check.eq(b.recv(rtcp=True)[0], rtcp_rr(0xA), "A's muxed RTCP at B's RTCP port")
        b.send(rtcp_rr(0xB), b_port + 1, rtcp=True)
        check.eq(a.recv()[0], rtcp_rr(0xB), "B's RTCP at A's RTP port (mux)")
        exchange(a, b, a_port, b_port, n=3)
        d.ng.delete("m-mux1")
        a.drain(); b.drain()
        # A plain, B offered mux (rtcp-mux: offer) and accepts it
        r = d.ng.offer(a.sdp(), "m-mux2", "A", rtcp_mux=["offer"])
        check.contains(r["sdp"], "a=rtcp-mux\r\n", "mux offered to B")
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(b.sdp(extra_media="a=rtcp-mux\r\n"), "m-mux2", "A", "B")
        a_port = media.sdp_port(r["sdp"])
        b.send(rtcp_rr(0xB), b_port)
        check.eq(a.recv(rtcp=True)[0], rtcp_rr(0xB), "B's muxed RTCP at A's RTCP port")
        a.send(rtcp_rr(0xA), a_port + 1, rtcp=True)
        check.eq(b.recv()[0], rtcp_rr(0xA), "A's RTCP at B's RTP port (mux)")
        exchange(a, b, a_port, b_port, n=3)
        d.ng.delete("m-mux2")


def test_rtp_on_port_65535_has_no_rtcp_port():
    """A party's RTP on 65535 without a=rtcp: its RTCP port would be 65536,
    which does not exist. RTCP towards it is dropped as having no peer, not
    sent to port 0."""
    if daemon.IS_RTPENGINE:
        check.skip("rtprelay only: rtpengine 10.5 takes port 65536 as the RTCP address "
                   "(COMPAT.md: Media, RTP on port 65535)")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        top = a.sdp().replace("m=audio %d" % a.port, "m=audio 65535")
        a_port, b_port = setup(d, a, b, "m-65535", a_sdp=top)
        _, s = stream_stats(d, "m-65535", "A", kind=1)
        check.true("advertised endpoint" not in s, "A's RTCP has no address", s)
        _, s = stream_stats(d, "m-65535", "A", kind=0)
        check.eq(s["advertised endpoint"]["port"], 65535, "A's RTP port")
        b.send(rtcp_rr(0xB), b_port + 1, rtcp=True)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            st, s = stream_stats(d, "m-65535", "B", kind=1)
            if s["dropped"]["no peer"]:
                break
            time.sleep(0.02)
        check.eq(s["dropped"]["no peer"], 1, "B's RTCP dropped: no peer")
        check.eq(st["errors"], 0, "nothing sent (to port 0)")
        d.ng.delete("m-65535")


def test_serial_fork_second_branch_answers():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b1, media.Peer() as b2:
        r = d.ng.offer(a.sdp(), "m-fork", "A", via_branch="br-1")
        p1 = media.sdp_port(r["sdp"])
        d.ng.delete("m-fork", "A", via_branch="br-1", extra={"delete delay": 0})
        r = d.ng.offer(a.sdp(), "m-fork", "A", via_branch="br-2")
        to_a = media.sdp_port(r["sdp"])
        check.ne(to_a, p1, "new branch, new port")
        r = d.ng.answer(b2.sdp(), "m-fork", "A", "B2", via_branch="br-2")
        exchange(a, b2, media.sdp_port(r["sdp"]), to_a, n=10)
        media.nothing_arrives(b1, wait=0.2)
        d.ng.delete("m-fork")


def test_parallel_fork_media_goes_to_latest_answer():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b1, media.Peer() as b2:
        r = d.ng.offer(a.sdp(), "m-pfork", "A")
        r1 = d.ng.answer(b1.sdp(), "m-pfork", "A", "B1")
        a_port = media.sdp_port(r1["sdp"])
        a.send(media.rtp(seq=1, ssrc=0xA1), a_port)
        check.eq(media.rtp_header(b1.recv()[0])[4], 0xA1, "to the first answer")
        r2 = d.ng.answer(b2.sdp(), "m-pfork", "A", "B2")
        if not daemon.IS_RTPENGINE:
            # rtpengine gives A a new port per answering fork (COMPAT.md:
            # Call model, parallel forks)
            check.eq(media.sdp_port(r2["sdp"]), a_port, "A keeps its port")
        a_port = media.sdp_port(r2["sdp"])
        a.send(media.rtp(seq=2, ssrc=0xA2), a_port)
        check.eq(media.rtp_header(b2.recv()[0])[4], 0xA2, "to the re-answering branch")
        media.nothing_arrives(b1, wait=0.2)
        d.ng.delete("m-pfork")


def test_reinvite_moves_media_to_new_port():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b, media.Peer() as a_new:
        a_port, b_port = setup(d, a, b, "m-move", offer_kw={"flags": ["strict-source"]})
        exchange(a, b, a_port, b_port, n=3)
        r = d.ng.offer(a_new.sdp(), "m-move", "A", to_tag="B", flags=["strict-source"])
        # rtpengine moves to new ports when a party's address changes
        # (COMPAT.md: Call model, re-offer with a changed address)
        if not daemon.IS_RTPENGINE:
            check.eq(media.sdp_port(r["sdp"]), b_port, "B's port kept on re-INVITE")
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(b.sdp(), "m-move", "A", "B")
        if not daemon.IS_RTPENGINE:
            check.eq(media.sdp_port(r["sdp"]), a_port, "A's port kept")
        a_port = media.sdp_port(r["sdp"])
        b.send(media.rtp(seq=10, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a_new.recv()[0])[4], 0xB, "B's media at A's new port")
        media.nothing_arrives(a, wait=0.2)
        exchange(a_new, b, a_port, b_port, n=3, first_seq=20)
        d.ng.delete("m-move")


def wait_gone(d, call, timeout):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if d.ng.query(call, check=False).get("result") == "error":
            return time.monotonic() - t0
        time.sleep(0.1)
    raise AssertionError("call %s still there after %.1fs" % (call, timeout))


def test_media_timeout_ends_the_call():
    with daemon.Daemon(args=["--delete-delay=0", "--timeout=2", "--silent-timeout=30"]) as d, \
            media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-to-active")
        setup(d, a, b, "m-to-idle")
        # keep one call busy for 3 s, past the timeout
        t0 = time.monotonic()
        seq = 1
        while time.monotonic() - t0 < 3.0:
            a.send(media.rtp(seq=seq), a_port)
            seq += 1
            time.sleep(0.1)
        check.eq(d.ng.query("m-to-active")["result"], "ok", "active call survives")
        t = wait_gone(d, "m-to-idle", 1.0)  # idle since its answer, >= 3 s ago
        t = wait_gone(d, "m-to-active", 4.0)
        check.true(1.0 <= t <= 3.0, "active call ends ~2 s after its last packet", t)
        s = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(s["timeoutsessions"], 2, "media timeouts")
        check.eq(s["silenttimeoutsessions"], 0, "silent timeouts")


def test_hold_silent_timeout():
    with daemon.Daemon(args=["--delete-delay=0", "--timeout=30", "--silent-timeout=2"]) as d, \
            media.Peer() as a, media.Peer() as b:
        holds = [("m-hold-inactive", "inactive", "inactive")]
        if not daemon.IS_RTPENGINE:
            # rtpengine waits for the media a sendonly party promised
            # (COMPAT.md: Media, silent-timeout on sendonly/recvonly)
            holds.append(("m-hold", "sendonly", "recvonly"))
        for call, da, db in holds:
            setup(d, a, b, call, a_sdp=a.sdp(extra_media="a=%s\r\n" % da),
                  b_sdp=b.sdp(extra_media="a=%s\r\n" % db))
        setup(d, a, b, "m-nohold")
        t0 = time.monotonic()
        for call, _, _ in holds:
            wait_gone(d, call, 4.0)
            t = time.monotonic() - t0
            check.true(1.0 <= t <= 3.5, "held call %s ends by silent-timeout" % call, t)
        check.eq(d.ng.query("m-nohold")["result"], "ok", "call not on hold survives (timeout 30)")
        s = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(s["silenttimeoutsessions"], len(holds), "silent timeouts")


def test_block_and_unblock_media():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-block")
        exchange(a, b, a_port, b_port, n=2)
        d.ng.command("block media", **{"call-id": "m-block", "from-tag": "A"})
        a.send(media.rtp(seq=3), a_port)
        media.nothing_arrives(b)
        b.send(media.rtp(seq=3, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a.recv()[0])[4], 0xB, "B not blocked")
        if not daemon.IS_RTPENGINE:  # rtprelay's key (COMPAT.md: Replies, query)
            _, s = stream_stats(d, "m-block", "A")
            check.eq(s["dropped"]["blocked"], 1, "blocked packet counted")
        d.ng.command("unblock media", **{"call-id": "m-block", "from-tag": "A"})
        exchange(a, b, a_port, b_port, n=2, first_seq=10)
        # the whole call
        d.ng.command("block media", **{"call-id": "m-block"})
        a.send(media.rtp(seq=20), a_port)
        b.send(media.rtp(seq=20), b_port)
        media.nothing_arrives(a, wait=0.3)
        media.nothing_arrives(b, wait=0.3)
        d.ng.command("unblock media", **{"call-id": "m-block"})
        exchange(a, b, a_port, b_port, n=2, first_seq=30)
        if not daemon.IS_RTPENGINE:
            # every call (rtpengine 10.5 wants a call-id: COMPAT.md: ng
            # options, block media all)
            d.ng.command("block media", flags=["all"])
            a.send(media.rtp(seq=40), a_port)
            media.nothing_arrives(b, wait=0.3)
            d.ng.command("unblock media", flags=["all"])
            exchange(a, b, a_port, b_port, n=2, first_seq=50)
        # rtpengine 10.5's words, which rtprelay uses for these commands
        check.error(d.ng.command("block media", check=False, **{"call-id": "nope"}), "Unknown call-ID")
        check.error(d.ng.command("block media", check=False, **{"call-id": "m-block", "from-tag": "X"}),
                    "From-tag given, but no such tag exists")
        if not daemon.IS_RTPENGINE:
            # the parties listed in from-tags (without a from-tag; rtpengine
            # 10.5 blocks the whole call: COMPAT.md: ng options, from-tags)
            d.ng.command("block media", **{"call-id": "m-block", "from-tags": ["B"]})
            b.send(media.rtp(seq=60), b_port)
            media.nothing_arrives(a, wait=0.3)
            a.send(media.rtp(seq=60, ssrc=0xA), a_port)
            check.eq(media.rtp_header(b.recv()[0])[4], 0xA, "A not blocked")
            d.ng.command("unblock media", **{"call-id": "m-block", "from-tags": ["B"]})
            exchange(a, b, a_port, b_port, n=2, first_seq=70)
            # nothing changes when one of the tags is unknown
            check.error(d.ng.command("block media", check=False,
                                     **{"call-id": "m-block", "from-tags": ["B", "X"]}),
                        "From-tag given, but no such tag exists")
            exchange(a, b, a_port, b_port, n=2, first_seq=80)
        d.ng.delete("m-block")


def test_silence_and_unsilence_media():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-sln")
        d.ng.command("silence media", **{"call-id": "m-sln", "from-tag": "A"})
        a.send(media.rtp(seq=1, pt=0, payload=b"\x11" * 160), a_port)
        pkt = b.recv()[0]
        check.eq(pkt[:12], media.rtp(seq=1, pt=0, payload=b"")[:12], "header kept")
        check.eq(pkt[12:], b"\xff" * 160, "PCMU silence")
        a.send(media.rtp(seq=2, pt=8, payload=b"\x11" * 160), a_port)
        check.eq(b.recv()[0][12:], b"\xd5" * 160, "PCMA silence")
        b.send(media.rtp(seq=1, pt=0, payload=b"\x11" * 160), b_port)
        check.eq(a.recv()[0][12:], b"\x11" * 160, "B not silenced")
        d.ng.command("unsilence media", **{"call-id": "m-sln", "from-tag": "A"})
        exchange(a, b, a_port, b_port, n=2, first_seq=10)
        d.ng.delete("m-sln")


def test_bad_packets_are_counted_and_dropped():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-bad")
        bad = [b"", b"\x80", b"\x80\x00\x00\x01\x00\x00", b"\x00" * 172,   # empty, truncated, v0
               b"\x40" + b"\x00" * 171,                                     # version 1
               b"\x8f" + b"\x00" * 20,                                      # 15 CSRCs, too short
               media.rtp(seq=1, payload=b"\x00" * 3000),                    # oversized
               b"GET / HTTP/1.0\r\n\r\n"]
        for p in bad:
            a.send(p, a_port)
        if daemon.IS_RTPENGINE:
            # rtpengine relays them as they came (COMPAT.md: Media, invalid
            # RTP): only the call going on afterwards holds for both
            time.sleep(0.2)
            b.drain()
        else:
            media.nothing_arrives(b)
            _, s = stream_stats(d, "m-bad", "A")
            check.eq(s["dropped"]["invalid"], len(bad), "invalid packets counted")
            check.eq(s["stats"]["packets"], 0, "none forwarded")
        exchange(a, b, a_port, b_port, n=5)
        d.ng.delete("m-bad")


def test_flood_on_one_port_does_not_disturb_another_call():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b, media.Peer() as c, media.Peer() as e, \
            media.Peer() as stranger:
        victim_a, _ = setup(d, c, e, "m-victim")
        a_port, b_port = setup(d, a, b, "m-quiet")
        garbage = b"\x80\xc8" + b"\x00" * 200  # RTCP-looking junk on the RTP port
        received = {"a": 0, "b": 0}

        def quiet(seq):  # the quiet call at 50 pps each way
            a.send(media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq)), a_port)
            b.send(media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq)), b_port)

        # 2 s: the stranger floods as fast as it can
        sent, ticks = media.flood(stranger, garbage, victim_a, 2.0, quiet)
        seq = ticks + 1
        for peer, tag, key in ((b, b"A", "b"), (a, b"B", "a")):
            for s in range(1, seq):
                pkt, _ = peer.recv(timeout=2.0)
                check.eq(pkt[12:], payload(tag, s), "quiet call packet %d at %s" % (s, key))
                received[key] += 1
        check.eq(received, {"a": seq - 1, "b": seq - 1}, "no loss on the quiet call")
        check.true(sent > 10000, "the flood was a flood", sent)
        st, _ = stream_stats(d, "m-quiet", "A")
        check.eq(st["packets"], seq - 1, "quiet call counters")
        if daemon.IS_RTPENGINE:
            # rtpengine stops relaying on a port whose receive queue
            # overflowed (COMPAT.md: Media, a flooded port afterwards)
            d.ng.delete("m-victim")
            d.ng.delete("m-quiet")
            return
        # The flooded port itself still relays once the flood is over (it may
        # have run its worker out of receive buffers meanwhile). The junk
        # looks like RTCP and came within the learning period, so some of it
        # was relayed to e: empty e's socket buffer first, then skip any late.
        while True:
            try:
                e.recv(timeout=0.3)
            except socket.timeout:
                break
        for s in range(1, 6):
            c.send(media.rtp(seq=s, ssrc=0xC, payload=payload(b"C", s)), victim_a)
        got = []
        deadline = time.monotonic() + 3.0
        while len(got) < 5 and time.monotonic() < deadline:
            try:
                pkt, _ = e.recv(timeout=max(0.01, deadline - time.monotonic()))
            except socket.timeout:
                break
            if pkt[12:14] == b"C-":
                got.append(pkt[12:])
        check.eq(got, [payload(b"C", s) for s in range(1, 6)], "victim packets after the flood")
        d.ng.delete("m-victim")
        d.ng.delete("m-quiet")


def test_asymmetric_party_is_not_learned():
    # A sends from another port than it receives on (its RTCP socket here);
    # flagged asymmetric, B's media still goes to A's SDP port.
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-asym", offer_kw={"flags": ["asymmetric"]})
        a.rtcp_sock.sendto(media.rtp(seq=1, ssrc=0xA), ("127.0.0.1", a_port))
        check.eq(media.rtp_header(b.recv()[0])[4], 0xA, "A's packet from its other port at B")
        b.send(media.rtp(seq=1, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a.recv()[0])[4], 0xB, "B's packet at A's SDP port")
        media.nothing_arrives(a, wait=0.2, rtcp=True)
        d.ng.delete("m-asym")
    with media.Peer() as a, media.Peer() as b:
        # the same without the flag: learned, B's media follows A's source
        a_port, b_port = setup(d, a, b, "m-sym")
        a.rtcp_sock.sendto(media.rtp(seq=1, ssrc=0xA), ("127.0.0.1", a_port))
        b.recv()
        b.send(media.rtp(seq=1, ssrc=0xB), b_port)
        check.eq(media.rtp_header(a.recv(rtcp=True)[0])[4], 0xB, "learned: B's packet at A's source port")
        d.ng.delete("m-sym")


def test_relayed_totals_in_statistics():
    with daemon.Daemon(args=["--delete-delay=0"]) as d, media.Peer() as a, media.Peer() as b:
        a_port, b_port = setup(d, a, b, "m-totals")
        exchange(a, b, a_port, b_port, n=10)
        t = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(t["relayedpackets"], 20, "live call's packets")
        check.eq(t["relayedbytes"], 20 * 172, "live call's bytes")
        # No kernel module on this host: user space relayed them all, and
        # query says why (rtpengine without its module shows no flag).
        check.eq(t["relayedpackets_user"], 20, "relayed in user space")
        check.eq(t["relayedpackets_kernel"], 0, "relayed by the kernel")
        for tag in ("A", "B"):
            s = d.ng.query("m-totals")["tags"][tag]["medias"][0]["streams"][0]
            if not daemon.IS_RTPENGINE:
                # rtprelay's own "kernel" key (COMPAT.md Replies: query)
                check.eq(s["kernel"], "no kernel support",
                         "query: %s's stream in user space" % tag)
            check.true("kernelized" not in s["flags"] and "no kernel support" not in s["flags"],
                       "query: no kernel flag without kernel forwarding", s["flags"])
        d.ng.delete("m-totals")
        t = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(t["relayedpackets"], 20, "kept after the call ended")
        check.eq(t["relayedpacketerrors"], 0, "no errors")


def test_options_rtprelay_cannot_do_are_errors():
    # Options that would change the media or the SDP in ways rtprelay
    # cannot are refused, never accepted and ignored (COMPAT.md); rtpengine
    # 10.5 implements them.
    if daemon.IS_RTPENGINE:
        raise check.Skip("rtpengine implements these options")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a:
        for kw, what in (({"flags": ["inject-DTMF"]}, "flag 'inject-DTMF'"),
                         ({"flags": ["generate-RTCP"]}, "flag 'generate-RTCP'"),
                         ({"flags": ["T38-decode"]}, "flag 'T38-decode'"),
                         ({"extra": {"ptime": 30}}, "'ptime'"),
                         ({"extra": {"T38": ["decode"]}}, "'T38'"),
                         ({"extra": {"media-echo": "forward"}}, "'media-echo'")):
            r = d.ng.offer(a.sdp(), "m-unsup", "A", check=False, **kw)
            check.eq(r["result"], "error", "%s refused" % what)
            check.contains(r["error-reason"], what, "reason names it")
            check.contains(r["error-reason"], "not supported", "reason")
            check.eq("m-unsup" in d.ng.command("list")["calls"], False, "no call left behind")
        # what changes nothing on the wire is still accepted
        d.ng.offer(a.sdp(), "m-unsup-ok", "A", flags=["no-redis-update", "early-media"])
        d.ng.delete("m-unsup-ok")
