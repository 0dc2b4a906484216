"""ICE on a dual-stack interface (here 127.0.0.1 and ::1, both named
"default"): rtprelay's host candidates toward an ICE party cover every
address of the interface, each family on its own port, as rtpengine 10.5
offers them (issue 14 item 2). A real ICE agent (Debian's aioice) whose
only candidate is of the family the SDP's c= line did not choose completes
over the other family's socket, in one call over IPv6 and in another over
IPv4; media flows both ways over the selected pair; a stranger's media on
either socket of the ICE party is not relayed; the extra sockets go with
the call and with ICE=remove, and come back for later calls. Without ICE
no second socket exists. Every test runs against rtpengine 10.5 too; what
only rtprelay has (its `statistics` `ports`, its per-stream `dropped`
counters) is guarded with `if not daemon.IS_RTPENGINE:` naming the
COMPAT.md row."""

import http.client
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aioice_party, check, daemon, media, stun  # noqa: E401
from held_ports import bound, pairs_left, pairs_used

DUAL = ["127.0.0.1", "::1"]


def d_dual():
    return daemon.shared("ice-dual", interfaces=DUAL, args=["--delete-delay=0"])


def v6(addr):
    return ":" in addr


def held(d):
    """Port pairs the daemon's calls hold over both addresses."""
    return pairs_used(d, DUAL)


def held_now(d, want):
    """held(d), polled up to 2 s under rtpengine until it is `want`."""
    return pairs_left(d, want, DUAL)


def ice_offer_sdp(host, port, ufrag, pwd, cands, mux=True, o_id=1):
    ipv = "IP6" if v6(host) else "IP4"
    return ("v=0\r\no=- %d 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n%s%s"
            % (o_id, ipv, host, ipv, host, port, "a=rtcp-mux\r\n" if mux else "",
               stun.ice_lines(ufrag, pwd, cands)))


def expect_both(sdp, host, what, comps=(1, 2)):
    """rtprelay's (rtpengine's) candidates in sdp: per component, the c=
    family's address on the m= port (local preference 65535), then the
    other family's on a port of its own (65534). Returns {host: port}."""
    uf, pw, cands = stun.sdp_ice(sdp)
    port = media.sdp_port(sdp)
    other = "::1" if host == "127.0.0.1" else "127.0.0.1"
    check.eq([(c[1], c[2], c[3], c[5]) for c in cands],
             [x for comp in comps for x in (
                 (comp, (126 << 24) | (65535 << 8) | (256 - comp), host, "host"),
                 (comp, (126 << 24) | (65534 << 8) | (256 - comp), other, "host"))],
             what + ": a host candidate per address, the c= family's first")
    check.eq([c[4] for c in cands if c[3] == host],
             [port + comp - 1 for comp in comps], what + ": the c= family's on the m= ports")
    oports = [c[4] for c in cands if c[3] == other]
    check.true(all(p > 0 for p in oports) and (len(oports) < 2 or oports[1] == oports[0] + 1),
               what + ": the other family's on a pair of its own", oports)
    fds = {c[3]: c[0] for c in cands}
    check.true(fds[host] != fds[other], what + ": a foundation per address", fds)
    return {host: port, other: oports[0]}


def test_candidates_both_families():
    """An ICE offer over IPv4 and one over IPv6: both directions' SDPs list
    both addresses; rtprelay's other-family sockets answer checks (from
    that socket, XOR-MAPPED-ADDRESS of that family); without ICE one family
    only and no second socket."""
    d = d_dual()
    for host in DUAL:
        call = "dual-cands-%s" % ("6" if v6(host) else "4")
        with media.Peer(host) as pa, media.Peer(host) as pb, \
                media.Peer("::1" if host == "127.0.0.1" else "127.0.0.1") as px:
            uf, pw = stun.creds()
            before = held_now(d, 0)  # the earlier tests' calls are gone
            r = d.ng.offer(ice_offer_sdp(host, pa.port, uf, pw,
                                         [(1, host, pa.port), (2, host, pa.port + 1)], mux=False),
                           call, "A")
            to_b = expect_both(r["sdp"], host, "offer to B")
            r = d.ng.answer(pb.sdp(codecs="0", extra_media=stun.ice_lines(
                *stun.creds(), [(1, host, pb.port), (2, host, pb.port + 1)])), call, "A", "B")
            to_a = expect_both(r["sdp"], host, "answer to A")
            rp_uf, rp_pw, _ = stun.sdp_ice(r["sdp"])
            other = px.host
            check.true(bound(to_a[other], other) and bound(to_a[other] + 1, other),
                       "the other family's pair toward A is bound")
            check.true(bound(to_b[other], other), "the other family's port toward B is bound")
            check.eq(held_now(d, before + 4), before + 4,
                     "4 pairs: A's and B's on each address")
            if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
                q = d.ng.query(call)["tags"]
                for tag, ports in (("A", to_a), ("B", to_b)):
                    for k in (0, 1):
                        got = q[tag]["medias"][0]["streams"][k]["ICE"].get("other family socket")
                        check.eq(got, ("[%s]:%d" if v6(other) else "%s:%d")
                                 % (other, ports[other] + k),
                                 "query: %s's other family socket (%s)" % (tag, "RTP RTCP".split()[k]))
            # a check from the other family's address to that socket
            txid = os.urandom(12)
            px.sock.sendto(stun.request("%s:%s" % (rp_uf, uf), rp_pw, txid=txid, controlling=1),
                           (other, to_a[other]))
            px.sock.settimeout(2.0)
            got = None
            end = time.monotonic() + 2.0
            while got is None and time.monotonic() < end:
                try:
                    data, src = px.sock.recvfrom(65536)
                except socket.timeout:
                    break
                if data[0] < 4 and stun.parse(data)["txid"] == txid:
                    got = (data, src)
            check.true(got is not None, "a check on the %s socket answered" % other)
            data, src = got
            check.eq(src[:2], (other, to_a[other]), "answered from the socket it came to")
            check.true(stun.mi_ok(data, rp_pw), "with rtprelay's MESSAGE-INTEGRITY")
            check.eq(stun.xor_mapped(stun.parse(data)), (other, px.port),
                     "XOR-MAPPED-ADDRESS of the other family")
            d.ng.delete(call)
            check.eq(held_now(d, before), before, "delete: all four pairs released")
    # without ICE: one family, one pair per party
    with media.Peer() as pa, media.Peer() as pb:
        before = held_now(d, 0)  # the earlier tests' calls are gone
        r = d.ng.offer(pa.sdp(codecs="0"), "dual-plain", "A")
        check.eq(stun.sdp_ice(r["sdp"])[2], [], "no candidates without ICE")
        d.ng.answer(pb.sdp(codecs="0"), "dual-plain", "A", "B")
        check.eq(held_now(d, before + 2), before + 2, "without ICE: no second socket")
        d.ng.delete("dual-plain")


def _aioice_call(ice_host, sdp_host):
    """aioice as A (controlling, rtcp-mux) with its only candidate on
    ice_host, its SDP's c= on sdp_host (rtprelay picks the interface
    address of sdp_host's family for A); B plain on sdp_host. ICE must
    complete over the socket of ice_host's family (the other family's when
    they differ): media both ways, strangers on either of A's sockets not
    relayed, then delete frees both."""
    import asyncio
    aioice_party.load(ice_host)
    d = d_dual()
    call = "dual-aioice-%s-%s" % ("6" if v6(ice_host) else "4", "6" if v6(sdp_host) else "4")

    async def run():
        with media.Peer(sdp_host) as pb, media.Peer(sdp_host) as s1, \
                media.Peer(ice_host) as s2:
            before = held_now(d, 0)  # the earlier tests' calls are gone
            conn = await aioice_party.agent(controlling=True, host=ice_host)
            check.eq([c.host for c in conn.local_candidates], [ice_host], "aioice's candidate")
            host = conn.local_candidates[0]
            r = d.ng.offer(aioice_party.sdp(conn, sdp_host), call, "A", **{"rtcp-mux": ["demux"]})
            b_port = media.sdp_port(r["sdp"])
            r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
            ports = expect_both(r["sdp"], sdp_host, "answer to aioice", comps=(1,))
            await aioice_party.learn(conn, r["sdp"])
            await asyncio.wait_for(conn.connect(), 5)
            if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
                q = d.ng.query(call)["tags"]["A"]["medias"][0]["streams"][0]["ICE"]
                want = ("[%s]:%d" if v6(ice_host) else "%s:%d") % (ice_host, host.port)
                check.eq(q.get("selected"), want, "the %s pair selected" % ice_host)
            for seq in range(1, 6):
                pb.send(media.rtp(seq=seq, ssrc=0xB), b_port)
                data = await asyncio.wait_for(conn.recv(), 2)
                check.eq(media.rtp_header(data)[2], seq, "B's packet %d at aioice over %s"
                         % (seq, ice_host))
                await conn.send(media.rtp(seq=seq, ssrc=0xA))
                data, src = pb.recv()
                check.eq(media.rtp_header(data)[2], seq, "aioice's packet %d at B" % seq)
                check.eq(src, (sdp_host, b_port), "from rtprelay's port toward B")
            # strangers: on the unselected (c= family) socket and on the
            # selected family's socket, from addresses ICE never checked
            pb.drain()
            for seq in range(100, 105):
                s1.send(media.rtp(seq=seq, ssrc=0x51), ports[sdp_host])
                s2.send(media.rtp(seq=seq, ssrc=0x52), ports[ice_host])
            got = []
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                try:
                    got.append(media.rtp_header(pb.recv(timeout=0.1)[0]))
                except socket.timeout:
                    pass
            if daemon.IS_RTPENGINE:
                # COMPAT.md ICE: media from a stranger at an ICE party's
                # sockets once ICE completed (rtpengine relays it)
                check.eq(sorted(set(h[4] for h in got)), [0x51, 0x52],
                         "rtpengine relays both strangers")
            else:
                check.eq(got, [], "nothing of the strangers relayed")
                st = d.ng.query(call)["tags"]["A"]["medias"][0]["streams"][0]
                check.eq(st["dropped"]["source"], 10, "strangers counted (query `dropped`)")
            # and the party's media still flows
            await conn.send(media.rtp(seq=200, ssrc=0xA))
            check.eq(media.rtp_header(pb.recv()[0])[2], 200, "aioice's media after the strangers")
            await conn.close()
            if not daemon.IS_RTPENGINE:
                # COMPAT.md Replies, `statistics` (rtpengine: by probing its
                # range, which gave 2 to 4 here mid-call, its timer closing
                # B's unused ICE socket some time after the answer)
                check.eq(held(d), before + 3, "A: a pair on each address, B: one (no ICE)")
        d.ng.delete(call)
        check.eq(held_now(d, before), before, "delete: both of A's pairs released")

    asyncio.run(asyncio.wait_for(run(), 30))


def test_aioice_over_ipv6():
    """c= on IPv4, aioice's only candidate on ::1: completes over rtprelay's
    IPv6 socket; B (IPv4, plain) talks with it."""
    _aioice_call("::1", "127.0.0.1")


def test_aioice_over_ipv4():
    """c= on IPv6, aioice's only candidate on 127.0.0.1: completes over
    rtprelay's IPv4 socket; B (IPv6, plain) talks with it."""
    _aioice_call("127.0.0.1", "::1")


def test_aioice_same_family():
    """c= and aioice's candidate both on IPv4: the pair on the chosen
    family's socket is selected and carries the media while the ::1
    socket exists beside it."""
    _aioice_call("127.0.0.1", "127.0.0.1")


def test_ice_remove_releases():
    """A re-offer with ICE=remove toward B takes B's agent and so B's
    other-family pair away (its candidates gone from the SDP); a re-offer
    in which A stops ICE does the same for A."""
    d = d_dual()
    call = "dual-remove"
    with media.Peer() as pa, media.Peer() as pb:
        uf, pw = stun.creds()
        before = held_now(d, 0)  # the earlier tests' calls are gone
        cands = [(1, "127.0.0.1", pa.port), (2, "127.0.0.1", pa.port + 1)]
        r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, uf, pw, cands, mux=False), call, "A")
        to_b = expect_both(r["sdp"], "127.0.0.1", "offer to B")
        r = d.ng.answer(pb.sdp(codecs="0", extra_media=stun.ice_lines(
            *stun.creds(), [(1, "127.0.0.1", pb.port)])), call, "A", "B")
        to_a = expect_both(r["sdp"], "127.0.0.1", "answer to A")
        check.eq(held_now(d, before + 4), before + 4, "4 pairs")
        r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, uf, pw, cands, mux=False, o_id=2),
                       call, "A", ICE="remove")
        check.eq(stun.sdp_ice(r["sdp"])[2], [], "ICE=remove: no candidates toward B")
        check.eq(media.sdp_port(r["sdp"]), to_b["127.0.0.1"], "B keeps its port")
        check.eq(held_now(d, before + 3), before + 3, "B's other-family pair released")
        if daemon.IS_RTPENGINE:  # rtprelay keeps released pairs bound as spares
            check.true(not bound(to_b["::1"], "::1"), "rtpengine: B's ::1 port closed")
        d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        # A stops doing ICE: its agent goes, and its pair on ::1
        r = d.ng.offer(pa.sdp(codecs="0", o_id=3), call, "A", ICE="remove")
        r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        check.eq(stun.sdp_ice(r["sdp"])[2], [], "A did no ICE: none in the answer to it")
        check.eq(held_now(d, before + 2), before + 2, "A's other-family pair released")
        if daemon.IS_RTPENGINE:
            check.true(not bound(to_a["::1"], "::1"), "rtpengine: A's ::1 port closed")
        d.ng.delete(call)
        check.eq(held_now(d, before), before, "delete: all released")


def test_ports_reused():
    """With 4 port pairs per address, two ICE calls hold all of them (each
    party a pair on each address); deleted, the next two calls get every
    candidate again, three rounds: the other-family pairs come back. A
    third call while two are up finds no pair: an ng error, nothing held."""
    d = daemon.Daemon(interfaces=DUAL, media_ports=8, args=["--delete-delay=0"],
                      name="ice-dual-small").start()
    try:
        for rnd in range(3):
            peers = [media.Peer() for _ in range(4)]
            try:
                for i in range(2):
                    call = "dual-reuse-%d-%d" % (rnd, i)
                    pa, pb = peers[2 * i], peers[2 * i + 1]
                    cands = [(1, "127.0.0.1", pa.port), (2, "127.0.0.1", pa.port + 1)]
                    r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, *stun.creds(), cands,
                                                 mux=False), call, "A")
                    check.eq(r["result"], "ok", "round %d call %d offered" % (rnd, i))
                    expect_both(r["sdp"], "127.0.0.1", "round %d call %d offer" % (rnd, i))
                    r = d.ng.answer(pb.sdp(codecs="0", extra_media=stun.ice_lines(
                        *stun.creds(), [(1, "127.0.0.1", pb.port), (2, "127.0.0.1",
                                                                    pb.port + 1)])),
                        call, "A", "B")
                    expect_both(r["sdp"], "127.0.0.1", "round %d call %d answer" % (rnd, i))
                if rnd == 0:
                    r = d.ng.request({"command": "offer", "call-id": "dual-reuse-x",
                                      "from-tag": "A", "sdp": peers[0].sdp(codecs="0")})
                    check.eq(r["result"], "error", "a third call: no pair left")
                for i in range(2):
                    d.ng.delete("dual-reuse-%d-%d" % (rnd, i))
                check.eq(held_now(d, 0), 0, "round %d: everything released" % rnd)
            finally:
                for p in peers:
                    p.close()
    finally:
        d.stop()


def test_other_family_exhausted():
    """Every port of the range taken on ::1 by another process: an ICE
    offer still succeeds, with the IPv4 candidates only (rtprelay counts
    it in `statistics` `ports` `ice_other_family_failed`); once ::1 ports
    are free again a re-offer adds the IPv6 candidates, and a further
    re-offer keeps their port."""
    d = daemon.Daemon(interfaces=DUAL, media_ports=8, args=["--delete-delay=0"],
                      name="ice-dual-v6-taken").start()
    squat = []
    try:
        for p in range(d.port_min, d.port_max + 1):
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.bind(("::1", p))
            squat.append(s)
        with media.Peer() as pa, media.Peer() as pb:
            uf, pw = stun.creds()
            cands = [(1, "127.0.0.1", pa.port), (2, "127.0.0.1", pa.port + 1)]
            r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, uf, pw, cands, mux=False),
                           "dual-taken", "A", check=False)
            if daemon.IS_RTPENGINE:
                # COMPAT.md ICE: no port free on the interface's other address
                check.eq(r.get("error-reason"), "Ran out of ports", "rtpengine refuses the call")
                return
            check.eq(r["result"], "ok", "the call goes on without ::1 ports")
            got = [(c[1], c[3]) for c in stun.sdp_ice(r["sdp"])[2]]
            check.eq(got, [(1, "127.0.0.1"), (2, "127.0.0.1")], "IPv4 candidates only")
            if not daemon.IS_RTPENGINE:  # COMPAT.md Replies, `statistics`
                st = d.ng.command("statistics")["statistics"]["ports"]
                check.eq(st["ice_other_family_failed"], 2, "counted: A's side and B's")
                c = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=5)
                try:
                    c.request("GET", "/metrics")
                    body = c.getresponse().read().decode()
                finally:
                    c.close()
                check.contains(body, "\nrtprelay_ice_other_family_failed_total 2\n",
                               "and in /metrics")
            for s in squat:
                s.close()
            squat = []
            r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, uf, pw, cands, mux=False,
                                         o_id=2), "dual-taken", "A")
            first = expect_both(r["sdp"], "127.0.0.1", "re-offer with ::1 free")
            r = d.ng.offer(ice_offer_sdp("127.0.0.1", pa.port, uf, pw, cands, mux=False,
                                         o_id=3), "dual-taken", "A")
            check.eq(expect_both(r["sdp"], "127.0.0.1", "another re-offer"), first,
                     "both families' ports kept")
            d.ng.delete("dual-taken")
    finally:
        for s in squat:
            s.close()
        d.stop()


def test_webrtc_dtls_over_the_other_family():
    """aiortc (its own ICE, DTLS, SRTP) calls a plain IPv4 phone with the
    Kamailio WebRTC recipe's flags, its only candidate on ::1 but its SDP's
    c= rewritten to IPv4: ICE selects the ::1 pair on rtprelay's other
    family socket, the DTLS handshake runs over it, and SRTP media arrives
    intact both ways (test_webrtc.py's exchange)."""
    import asyncio
    import re
    import test_webrtc as w  # noqa: E402 (its helpers; its tests are not run here)
    w.need_aiortc()
    import aioice.ice
    d = d_dual()
    call = "dual-webrtc"
    saved = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["::1"] if use_ipv6 else []

    async def run():
        browser = w.webrtc.Browser()
        try:
            with media.Peer() as phone:
                offer = await browser.offer()
                check.contains(offer, " ::1 ", "aiortc's candidate on ::1")
                offer = re.sub(r"IN IP6 ::1", "IN IP4 127.0.0.1", offer)
                r = d.ng.offer(offer, call, "browser", **{"extra": w.TO_PHONE})
                phone_to = media.sdp_port(r["sdp"])
                r = d.ng.answer(w.phone_sdp(phone), call, "browser", "phone", **{"extra": {}})
                expect_both(r["sdp"], "127.0.0.1", "answer to the browser", comps=(1,))
                await browser.accept(r["sdp"])
                await browser.wait_connected()
                if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
                    st = d.ng.query(call)["tags"]["browser"]["medias"][0]["streams"][0]
                    check.true(st["ICE"].get("selected", "").startswith("[::1]:"),
                               "the ::1 pair selected", st["ICE"])
                    check.eq(st["DTLS"]["state"], "connected", "DTLS over it")
                await w.exchange(browser, phone, phone_to)
        finally:
            await browser.close()
            d.ng.delete(call)

    try:
        asyncio.run(asyncio.wait_for(run(), 40))
    finally:
        aioice.ice.get_host_addresses = saved
