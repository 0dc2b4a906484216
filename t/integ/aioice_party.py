"""aioice (Debian's python3-aioice, an ICE implementation independent of
both daemons) as a party to a call: an agent kept to one loopback address,
the SDP it offers or answers with, the daemon's credentials and candidates
handed to it, and RTP both ways between it and a plain media.Peer.

    aioice_party.load()                       # skips the test without aioice
    conn = await aioice_party.agent(controlling=True)
    r = d.ng.offer(aioice_party.sdp(conn), call, "A")
    ...
    await aioice_party.learn(conn, answer_sdp)
    await asyncio.wait_for(conn.connect(), 5)
    await aioice_party.exchange(conn, pb, b_port, "B", 0xB, 0xA)
    conn, a_port = await aioice_party.answer(d, call, offer_sdp)   # or as B

Only /usr/bin/python3 can import aioice (t/Makefile's PYTHON).
"""

import asyncio

import check
import media
import stun


def v6(addr):
    return ":" in addr


def load(host="127.0.0.1"):
    """Skip the test unless aioice imports; its agents gather their host
    candidate on `host` only (aioice gathers every address but loopback,
    and the daemons here serve loopback). Returns the aioice module."""
    try:
        import aioice  # noqa: F401
        import aioice.ice
    except ImportError:
        check.skip("python3-aioice not installed (scripts/deps.sh check installs it)")
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [host]
    return aioice


async def agent(controlling, host="127.0.0.1"):
    """An aioice Connection of one component (rtcp-mux), its candidate on
    host (of load(host)), gathered."""
    import aioice
    conn = aioice.Connection(ice_controlling=controlling, components=1,
                             use_ipv4=not v6(host), use_ipv6=v6(host))
    await conn.gather_candidates()
    return conn


def sdp(conn, addr="127.0.0.1", session=1, version=1):
    """The agent's SDP: c= on addr, one PCMU stream on its first candidate's
    port, rtcp-mux, its credentials and candidates."""
    ipv = "IP6" if v6(addr) else "IP4"
    lines = ["a=ice-ufrag:%s" % conn.local_username, "a=ice-pwd:%s" % conn.local_password,
             "a=rtcp-mux"] + ["a=candidate:%s" % c.to_sdp() for c in conn.local_candidates]
    return ("v=0\r\no=- %d %d IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n%s"
            % (session, version, ipv, addr, ipv, addr, conn.local_candidates[0].port,
               "".join(line + "\r\n" for line in lines)))


async def learn(conn, daemon_sdp):
    """Hand the agent the daemon's credentials and every candidate of
    daemon_sdp, then end-of-candidates."""
    import aioice
    conn.remote_username, conn.remote_password, _ = stun.sdp_ice(daemon_sdp)
    for line in daemon_sdp.replace("\r", "").split("\n"):
        if line.startswith("a=candidate:"):
            await conn.add_remote_candidate(aioice.Candidate.from_sdp(line[12:]))
    await conn.add_remote_candidate(None)


async def answer(d, call, offer_sdp):
    """aioice answers call as B (controlled) to offer_sdp, the daemon's
    offer toward B from a plain phone A: the daemon's answer toward A must
    carry no ICE; the agent learns offer_sdp's candidates and connects
    (5 s). Returns (conn, the daemon's port toward A)."""
    conn = await agent(controlling=False)
    r = d.ng.answer(sdp(conn, session=2), call, "A", "B")
    check.eq(stun.sdp_ice(r["sdp"])[0], None, "the phone gets no ICE")
    a_port = media.sdp_port(r["sdp"])
    await learn(conn, offer_sdp)
    await asyncio.wait_for(conn.connect(), 5)
    return conn, a_port


async def exchange(conn, peer, port, name, peer_ssrc, agent_ssrc, from_port=None):
    """RTP both ways, seq 1 to 5: the plain peer (`name` in messages) sends
    to port, the daemon's port toward it, and the agent must receive each
    packet (2 s); the agent sends one back and the peer must receive it
    (from the daemon's from_port, when given)."""
    for seq in range(1, 6):
        peer.send(media.rtp(seq=seq, ssrc=peer_ssrc), port)
        data = await asyncio.wait_for(conn.recv(), 2)
        check.eq(media.rtp_header(data)[2], seq, "%s's packet %d at aioice" % (name, seq))
        await conn.send(media.rtp(seq=seq, ssrc=agent_ssrc))
        data, src = peer.recv()
        check.eq(media.rtp_header(data)[2], seq, "aioice's packet %d at %s" % (seq, name))
        if from_port is not None:
            check.eq(src[1], from_port, "from the relay's port")
