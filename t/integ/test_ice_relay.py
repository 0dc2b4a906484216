"""ICE=force-relay, as rtpengine 10.5 does it: toward the recipient the
SDP keeps the sender's own address in c=/m= and offers the relay's ports as
`typ relay` candidates (raddr/rport: the sender's address); the relay is a
full ICE agent on those ports. A plain phone offers with ICE=force-relay,
aioice (an independent ICE implementation) answers, completes its checks
against the relay candidates and media flows both ways through the relay.
Runs against both daemons."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aioice_party, check, daemon, media, stun  # noqa: E401
from test_ice import d_ice, ice_role


def _cands(sdp):
    """[(comp, prio, host, port, type, raddr, rport)] of an SDP."""
    out = []
    for line in sdp.replace("\r", "").split("\n"):
        if line.startswith("a=candidate:"):
            f = line.split(":", 1)[1].split()
            ra = f[f.index("raddr") + 1] if "raddr" in f else None
            rp = int(f[f.index("rport") + 1]) if "rport" in f else None
            out.append((int(f[1]), int(f[3]), f[4], int(f[5]), f[7], ra, rp))
    return out


def test_offer_sdp():
    """The offer toward the force-relay side: the offerer's c=/m=, relay
    candidates at the daemon's ports, both components, priorities of type
    preference 0; the answer toward the plain offerer is the usual one."""
    d = d_ice()
    call = "ice-relay-sdp"
    with media.Peer() as pa, media.Peer() as pb:
        r = d.ng.offer(pa.sdp(codecs="0"), call, "A", ICE="force-relay")
        sdp = r["sdp"]
        check.eq(media.sdp_port(sdp), pa.port, "m= keeps the offerer's port")
        check.contains(sdp, "c=IN IP4 %s\r\n" % pa.host, "c= keeps the offerer's address")
        check.contains(sdp, "a=ice-ufrag:", "credentials toward B")
        cands = _cands(sdp)
        check.eq(sorted({c[4] for c in cands}), ["relay"], "relay candidates only %s" % cands)
        v4 = [c for c in cands if c[2] == "127.0.0.1"]
        check.eq([c[0] for c in v4], [1, 2], "both components on 127.0.0.1 %s" % cands)
        check.eq([c[1] for c in v4], [16777215, 16777214], "type preference 0 %s" % cands)
        check.eq(v4[1][3], v4[0][3] + 1, "RTCP on the next port %s" % cands)
        check.ne(v4[0][3], pa.port, "the relay's own port")
        r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        check.eq(stun.sdp_ice(r["sdp"])[0], None, "the plain offerer gets no ICE")
        a_port = media.sdp_port(r["sdp"])
        check.ne(a_port, pb.port, "the relay's port toward A")
        # A's media goes through the relay to B's address
        pa.send(media.rtp(seq=7), a_port)
        check.eq(media.rtp_header(pb.recv()[0])[2], 7, "A's packet relayed to B")
        # a re-offer without the flag: the relay's port, no ICE (A does none)
        r = d.ng.offer(pa.sdp(codecs="0"), call, "A")
        check.eq(media.sdp_port(r["sdp"]), v4[0][3], "re-offer: the relay's port in m=")
        check.not_contains(r["sdp"], "a=candidate", "re-offer: no candidates")
        check.contains(r["sdp"], "a=rtcp:%d" % (v4[0][3] + 1), "re-offer: the relay's a=rtcp")
    d.ng.delete(call)


def test_aioice_through_relay_candidates():
    """aioice answers the force-relay offer, checks the relay candidates
    (the only ones), connect() completes; media both ways via the relay."""
    import asyncio
    aioice_party.load()
    d = d_ice()
    call = "ice-relay-aioice"

    async def run():
        with media.Peer() as pa:
            r = d.ng.offer(pa.sdp(codecs="0"), call, "A", ICE="force-relay")
            to_b = r["sdp"]
            cands = stun.sdp_ice(to_b)[2]
            check.eq(media.sdp_port(to_b), pa.port, "A's own port toward B")
            check.eq({c[5] for c in cands}, {"relay"}, "relay candidates %s" % cands)
            conn, a_port = await aioice_party.answer(d, call, to_b)
            check.eq(ice_role(d, call, "B"), "controlling", "the relay controls toward B")
            await aioice_party.exchange(conn, pa, a_port, "the phone", 0xA, 0xB, from_port=a_port)
            await conn.close()
        d.ng.delete(call)

    asyncio.run(asyncio.wait_for(run(), 30))


def test_answer_direction():
    """ICE=force-relay on the answer: the answerer's own c=/m= go to the
    offerer; a plain offerer gets no ICE (rtpengine 10.5), an offerer that
    does ICE (aioice, controlling) gets relay candidates, completes its
    checks against them, and media flows both ways through the relay."""
    import asyncio
    aioice_party.load()
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb:
        d.ng.offer(pa.sdp(codecs="0"), "ice-relay-ans-plain", "A")
        r = d.ng.answer(pb.sdp(codecs="0"), "ice-relay-ans-plain", "A", "B", ICE="force-relay")
        check.eq(media.sdp_port(r["sdp"]), pb.port, "B's own port toward the plain offerer")
        check.not_contains(r["sdp"], "a=ice-", "no ICE toward a plain offerer")
        check.not_contains(r["sdp"], "a=rtcp:", "no a=rtcp of the relay's")
        d.ng.delete("ice-relay-ans-plain")
    call = "ice-relay-ans"

    async def run():
        with media.Peer() as pb:
            conn = await aioice_party.agent(controlling=True)
            r = d.ng.offer(aioice_party.sdp(conn), call, "A")
            b_port = media.sdp_port(r["sdp"])
            r = d.ng.answer(pb.sdp(codecs="0", extra_media="a=rtcp-mux\r\n"), call, "A", "B",
                            ICE="force-relay")
            check.eq(media.sdp_port(r["sdp"]), pb.port, "B's own port toward A")
            cands = _cands(r["sdp"])
            check.eq({c[4] for c in cands}, {"relay"}, "relay candidates toward A %s" % cands)
            check.true(all(c[3] != pb.port for c in cands), "at the relay's ports", cands)
            await aioice_party.learn(conn, r["sdp"])
            await asyncio.wait_for(conn.connect(), 5)
            check.eq(ice_role(d, call, "A"), "controlled", "aioice controls")
            await aioice_party.exchange(conn, pb, b_port, "B", 0xB, 0xA, from_port=b_port)
            await conn.close()
        d.ng.delete(call)

    asyncio.run(asyncio.wait_for(run(), 30))


def test_refused_combinations():
    """What rtpengine 10.5 accepts but writes an SDP the media will not
    follow is an ng error in rtprelay (COMPAT.md ICE: `ICE=force-relay`
    with ...), and changes nothing: the call does not exist afterwards."""
    d = d_ice()
    with media.Peer() as pa:
        ice = pa.sdp(codecs="0", extra_media=stun.ice_lines(
            "abcd", "0123456789abcdef01234567", [(1, pa.host, pa.port)]))
        cases = [
            ("a sender with ICE of its own", ice, {}),
            ("SRTP toward the recipient", pa.sdp(codecs="0"),
             {"transport-protocol": "RTP/SAVP"}),
            ("an SRTP sender", pa.sdp(codecs="0").replace("RTP/AVP", "RTP/SAVP")
             + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
             "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", {}),
            ("rtcp-mux require", pa.sdp(codecs="0"), {"rtcp-mux": ["require"]}),
            ("rtcp-mux offer", pa.sdp(codecs="0"), {"rtcp-mux": ["offer"]}),
        ]
        for what, sdp, kw in cases:
            msg = {"command": "offer", "call-id": "ice-relay-bad", "from-tag": "A",
                   "ICE": "force-relay", "sdp": sdp}
            msg.update(kw)
            r = d.ng.request(msg)
            if daemon.IS_RTPENGINE:
                check.eq(r["result"], "ok", "rtpengine accepts %s" % what)
                d.ng.delete("ice-relay-bad")
                continue
            check.eq(r["result"], "error", "ICE=force-relay with %s: an ng error" % what)
            check.contains(r["error-reason"], "force-relay", "the reason names it")
            q = d.ng.request({"command": "query", "call-id": "ice-relay-bad"})
            check.eq(q["result"], "error", "no call left behind (%s)" % what)
