"""ICE (RFC 8445) and STUN through the daemon, with a STUN/ICE peer in
Python (t/integ/stun.py) on real loopback sockets: rtprelay's credentials
and candidates in the SDP; checks answered with MESSAGE-INTEGRITY,
FINGERPRINT and XOR-MAPPED-ADDRESS; rtprelay's own checks at the party's
candidates; nomination moving media to the selected pair (peer-reflexive
too); bad STUN dropped and counted, the call unaffected; role conflicts;
ICE restart mid-call; trickled candidates; ICE=remove, ICE-lite; consent
freshness. Every test runs against rtpengine 10.5 too: what goes on the
wire (checks, responses, nomination, media) is checked against both; what
only rtprelay does (its query fields, its silence toward bad STUN, ...) is
guarded with `if not daemon.IS_RTPENGINE:` naming the COMPAT.md row."""

import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aioice_party, check, daemon, media, stun  # noqa: E401

PLAIN = "\r\n"


def d_ice():
    return daemon.shared("ice", args=["--delete-delay=0"])


class Party:
    """A media Peer that is an ICE agent: its credentials, and a loop that
    answers rtprelay's checks while collecting what else arrives."""

    def __init__(self, peer, controlling=None):
        self.peer = peer
        self.ufrag, self.pwd = stun.creds()
        self.controlling = controlling
        self.rp_ufrag = self.rp_pwd = None
        self.checks = []  # (message, data, src) of rtprelay's requests seen
        self.answer_checks = True

    def sdp(self, cands=None, extra=(), mux=False):
        h = self.peer.host
        if cands is None:
            cands = [(1, h, self.peer.port)] + ([] if mux else [(2, h, self.peer.port + 1)])
        return self.peer.sdp(codecs="0", extra_media=("a=rtcp-mux\r\n" if mux else "")
                             + stun.ice_lines(self.ufrag, self.pwd, cands, extra))

    def learn(self, sdp):
        self.rp_ufrag, self.rp_pwd, cands = stun.sdp_ice(sdp)
        return cands

    def check(self, port, sock=None, key=None, user=None, **kw):
        """Send a binding request to rtprelay's port; returns its txid."""
        sock = sock or self.peer.sock
        txid = os.urandom(12)
        role = {}
        if "controlling" not in kw and "controlled" not in kw:
            role = {"controlling": 1} if self.controlling else {"controlled": 1}
        sock.sendto(stun.request(user or "%s:%s" % (self.rp_ufrag, self.ufrag),
                                 key if key is not None else self.rp_pwd, txid=txid,
                                 **role, **kw), (self.peer.host, port))
        return txid

    def pump(self, sock, seconds, want=None):
        """Read sock (or a list of sockets) for up to `seconds`, answering
        rtprelay's checks (unless answer_checks is off); returns the first
        non-request packet that satisfies want(data) as (data, src), or None
        at the deadline."""
        socks = sock if isinstance(sock, (list, tuple)) else [sock]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select(socks, [], [], max(0.01, end - time.monotonic()))
            for s in ready:
                data, src = s.recvfrom(65536)
                if data[0] < 4:
                    try:
                        m = stun.parse(data)
                    except ValueError:
                        continue
                    if m["type"] == stun.BINDING_REQUEST:
                        self.checks.append((m, data, src))
                        if self.answer_checks:
                            s.sendto(stun.success(m["txid"], s.getsockname(), self.pwd), src)
                        continue
                if want is None or want(data):
                    return data, src
        return None


def response_to(sock, txid, timeout=1.0):
    """The STUN response with txid arriving at sock (others are skipped), or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            data, _ = sock.recvfrom(65536)
        except socket.timeout:
            return None
        if data[0] < 4:
            m = stun.parse(data)
            if m["txid"] == txid:
                return data, m
    return None


def stream_ice(d, call, tag, kind=0):
    """rtprelay's per-stream ICE state in `query` (rtprelay only: COMPAT.md
    ICE, `query`)."""
    s = d.ng.query(call)["tags"][tag]["medias"][0]["streams"][kind]
    return s.get("ICE")


def ice_role(d, call, tag):
    """The daemon's ICE role toward `tag` from `query`, the same way on
    both daemons ('controlling', 'controlled', or None without ICE):
    rtpengine 10.5's media flags 'ICE' and 'ICE controlling', which
    rtprelay writes too; rtprelay's own 'ICE' dictionary must agree."""
    md = d.ng.query(call)["tags"][tag]["medias"][0]
    role = None
    if "ICE" in md.get("flags", []):
        role = "controlling" if "ICE controlling" in md["flags"] else "controlled"
    if not daemon.IS_RTPENGINE:
        q = md["streams"][0].get("ICE")
        check.eq(None if q is None else q["role"], role, "query: ICE dictionary vs flags")
    return role


def ice_call(d, call, a, b, offer_kw=None, answer_kw=None, a_mux=False):
    """A (ICE party) offers, B (plain) answers. Returns (port A sends to,
    port B sends to, rtprelay's answer SDP to A, its offer SDP to B)."""
    r = d.ng.offer(a.sdp(mux=a_mux), call, "A", **(offer_kw or {}))
    to_b_sdp = r["sdp"]
    b_port = media.sdp_port(to_b_sdp)
    r = d.ng.answer(b.sdp(codecs="0"), call, "A", "B", **(answer_kw or {}))
    a.learn(r["sdp"])
    return media.sdp_port(r["sdp"]), b_port, r["sdp"], to_b_sdp


def test_sdp_lines():
    """rtprelay's own ufrag/pwd/candidates (rtpengine's format), the party's
    never passed on; the side without ICE in its answer gets none back."""
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb:
        a = Party(pa, controlling=True)
        a_port, b_port, to_a, to_b = ice_call(d, "ice-sdp", a, pb)
        for what, sdp, port in (("offer to B", to_b, b_port), ("answer to A", to_a, a_port)):
            uf, pw, cands = stun.sdp_ice(sdp)
            check.true(uf and len(uf) == 8 and uf.isalnum(), what + ": 8-char ufrag", uf)
            check.true(pw and len(pw) == 26 and pw.isalnum(), what + ": 26-char pwd", pw)
            check.eq([(c[1], c[2], c[3], c[4], c[5]) for c in cands],
                     [(1, 2130706431, "127.0.0.1", port, "host"),
                      (2, 2130706430, "127.0.0.1", port + 1, "host")],
                     what + ": host candidates of rtprelay's ports")
            check.not_contains(sdp, a.ufrag, what + ": A's ufrag not passed on")
            check.not_contains(sdp, "%d typ host" % pa.port, what + ": A's candidate not passed")
        check.true(stun.sdp_ice(to_a)[0] != stun.sdp_ice(to_b)[0], "one agent per side")
        check.eq(ice_role(d, "ice-sdp", "A"), "controlled", "query: A offered: A controls")
        check.eq(ice_role(d, "ice-sdp", "B"), None, "query: B answered without ICE: no agent")
        d.ng.delete("ice-sdp")


def test_check_answered_and_own_checks():
    """A's check gets a success with rtprelay's MI (its pwd), FINGERPRINT and
    A's address as XOR-MAPPED-ADDRESS; rtprelay checks A's candidates with
    A's credentials."""
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb:
        a = Party(pa, controlling=True)
        a_port, b_port, _, _ = ice_call(d, "ice-chk", a, pb)
        txid = a.check(a_port)
        got = response_to(pa.sock, txid)
        check.true(got is not None, "A's check answered")
        data, m = got
        check.eq(m["type"], stun.BINDING_SUCCESS, "a success response")
        check.true(stun.mi_ok(data, a.rp_pwd), "MESSAGE-INTEGRITY with rtprelay's pwd")
        check.true(not stun.mi_ok(data, a.pwd), "... not with A's")
        check.true(stun.fingerprint_ok(data), "FINGERPRINT right")
        check.eq(stun.xor_mapped(m), ("127.0.0.1", pa.port), "XOR-MAPPED-ADDRESS is A's")
        a.pump(pa.sock, 1.0)
        check.true(len(a.checks) >= 1, "rtprelay's checks arrived at A's candidate")
        m, data, src = a.checks[0]
        check.eq(m["attrs"][stun.USERNAME].decode(), "%s:%s" % (a.ufrag, a.rp_ufrag),
                 "USERNAME A's:rtprelay's")
        check.true(stun.mi_ok(data, a.pwd), "rtprelay's check signed with A's pwd")
        check.true(stun.fingerprint_ok(data), "rtprelay's check has a FINGERPRINT")
        check.true(stun.ICE_CONTROLLED in m["attrs"], "rtprelay is controlled toward A")
        check.eq(src, ("127.0.0.1", a_port), "from rtprelay's port toward A")
        if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
            q = stream_ice(d, "ice-chk", "A")
            check.eq(q["STUN"]["answered"], 1, "query: one check answered")
            check.true(q["STUN"]["checks sent"] >= 1, "query: checks sent", q)
            check.true(q["STUN"]["responses"] >= 1, "query: A's responses counted", q)
        d.ng.delete("ice-chk")


def nominate(a, sock, port, timeout=2.0):
    """A (controlling) nominates the pair of sock: USE-CANDIDATE, then answers
    rtprelay's triggered check until rtprelay has selected it."""
    txid = a.check(port, sock=sock, use_candidate=True)
    end = time.monotonic() + timeout
    ok = False
    while time.monotonic() < end:
        sock.settimeout(0.1)
        try:
            data, src = sock.recvfrom(65536)
        except socket.timeout:
            continue
        m = stun.parse(data) if data[0] < 4 else None
        if m and m["type"] == stun.BINDING_REQUEST:
            a.checks.append((m, data, src))
            sock.sendto(stun.success(m["txid"], sock.getsockname(), a.pwd), src)
            ok = True
        if m and m["txid"] == txid:
            check.eq(m["type"], stun.BINDING_SUCCESS, "nomination check answered")
        if ok:
            return
    raise AssertionError("rtprelay sent no triggered check to %r" % (sock.getsockname(),))


def nominate_both(a, peer, port):
    """A nominates the RTP pair from peer.sock and the RTCP pair from
    peer.rtcp_sock (to port + 1): a party without rtcp-mux has two
    components, and rtpengine 10.5 uses a pair only once every component
    has one that succeeded."""
    nominate(a, peer.sock, port)
    nominate(a, peer.rtcp_sock, port + 1)


def test_nomination_media_to_selected_and_prflx():
    """A nominates a pair from an address it never offered (peer-reflexive):
    B's media goes there, and A's media from there is relayed. A uses
    rtcp-mux (one component), as WebRTC agents do: rtpengine 10.5 completes
    ICE with peer-reflexive pairs only then (COMPAT.md ICE: peer-reflexive
    pairs without rtcp-mux)."""
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb, media.Peer() as px:
        a = Party(pa, controlling=True)
        a_port, b_port, _, _ = ice_call(d, "ice-nom", a, pb, a_mux=True,
                                        offer_kw={"rtcp-mux": ["demux"]})
        pa.send(media.rtp(seq=1), a_port)
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: media from the ICE party before any check
            check.eq(media.rtp_header(pb.recv()[0])[2], 1, "rtpengine relays it before ICE")
        else:
            # before any check, A's media is not accepted (no valid pair)
            media.nothing_arrives(pb, 0.3)
        nominate(a, px.sock, a_port)
        time.sleep(0.1)
        if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
            q = stream_ice(d, "ice-nom", "A")
            check.eq(q.get("selected"), "127.0.0.1:%d" % px.port, "the prflx pair selected")
        for seq in range(2, 6):
            pb.send(media.rtp(seq=seq, ssrc=0xB), b_port)
            got = a.pump(px.sock, 1.0, want=lambda p: p[0] >= 128)
            check.true(got is not None, "B's packet %d at the selected address" % seq)
            check.eq(media.rtp_header(got[0])[2], seq, "its sequence number")
            px.send(media.rtp(seq=seq, ssrc=0xA), a_port)
            check.eq(media.rtp_header(pb.recv()[0])[2], seq, "A's packet from there relayed")
        d.ng.delete("ice-nom")


def test_bad_stun_dropped_and_counted():
    """Wrong MESSAGE-INTEGRITY, an unknown username, an oversized message:
    no success on either daemon and the media of the call unaffected
    (rtpengine 10.5 answers 401 and 400, rtprelay nothing). Then a
    truncated STUN message from the stranger: rtprelay drops it too, counts
    all five per stream and in statistics, media unaffected; rtpengine
    takes it for RTP (COMPAT.md ICE: malformed STUN from a stranger)."""
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb, media.Peer() as px:
        a = Party(pa, controlling=True)
        a_port, b_port, _, _ = ice_call(d, "ice-bad", a, pb)
        nominate_both(a, pa, a_port)
        a.pump([pa.sock, pa.rtcp_sock], 0.2)  # the relay takes A's last response in
        if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: bad STUN
            before = d.ng.command("statistics")["statistics"]["totalstatistics"]["stundropped"]
        bad = [a.check(a_port, sock=px.sock, key="wrong-password-xxxxxxxx"),
               a.check(a_port, sock=px.sock, key=b""),
               a.check(a_port, sock=px.sock, user="nobody:%s" % a.ufrag)]
        big_txid = os.urandom(12)
        big = stun.build(stun.BINDING_REQUEST, [(0x8022, b"x" * 1400)], a.rp_pwd, txid=big_txid)
        px.sock.sendto(big, ("127.0.0.1", a_port))
        answers = []  # (which request, response type, error code) of what came back
        names = {bad[0]: "wrong MI", bad[1]: "empty-key MI", bad[2]: "unknown username",
                 big_txid: "oversized"}
        for _ in range(20):  # bounded: at most one answer per request is expected
            px.sock.settimeout(0.3)
            try:
                data, _ = px.sock.recvfrom(65536)
            except socket.timeout:
                break
            m = stun.parse(data)
            answers.append((names.get(m["txid"], "?"), m["type"], stun.error_code(m)))
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: bad STUN. rtpengine answers 401 Unauthorized
            check.eq(answers, [("wrong MI", stun.BINDING_ERROR, 401),
                               ("empty-key MI", stun.BINDING_ERROR, 401),
                               ("unknown username", stun.BINDING_ERROR, 401),
                               ("oversized", stun.BINDING_ERROR, 400)],
                     "rtpengine's answers to bad STUN")
        else:
            check.eq(answers, [], "bad STUN not answered")

        def media_unaffected(seq):
            pb.send(media.rtp(seq=seq, ssrc=0xB), b_port)
            got = a.pump(pa.sock, 1.0, want=lambda p: p[0] >= 128)
            check.true(got is not None and media.rtp_header(got[0])[2] == seq,
                       "media to A unaffected (%d)" % seq)
            pa.send(media.rtp(seq=seq + 1, ssrc=0xA), a_port)
            check.eq(media.rtp_header(pb.recv()[0])[2], seq + 1, "media from A unaffected")
            media.nothing_arrives(px, 0.2)

        media_unaffected(7)
        px.sock.sendto(b"\x00\x01\x00\x08" + struct.pack("!I", stun.MAGIC) + b"t" * 12
                       + b"\x00\x06\x00\x40abcd", ("127.0.0.1", a_port))
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: malformed STUN from a stranger (rtpengine relays it
            # as RTP and may move A's endpoint to the stranger): it survives
            check.eq(d.ng.command("ping")["result"], "pong", "rtpengine alive")
        else:
            media.nothing_arrives(px, 0.2)
            media_unaffected(9)
            q = stream_ice(d, "ice-bad", "A")["STUN"]
            check.eq(q["bad integrity"], 2, "query: wrong/empty MESSAGE-INTEGRITY counted")
            check.eq(q["bad username"], 1, "query: unknown username counted")
            check.eq(q["malformed"], 2, "query: oversized and truncated counted")
            after = d.ng.command("statistics")["statistics"]["totalstatistics"]["stundropped"]
            check.eq(after - before, 5, "statistics: stundropped")
        d.ng.delete("ice-bad")


def test_role_conflict():
    """Both controlled: the larger tie-breaker wins (RFC 8445 7.3.1.1): 487
    when A's is larger, the relay switches to controlling when its own is
    (its next checks say so) on both daemons."""
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb:
        a = Party(pa, controlling=False)
        a_port, _, _, _ = ice_call(d, "ice-role", a, pb)
        t = a.check(a_port, controlled=(1 << 64) - 1)
        got = response_to(pa.sock, t)
        check.true(got is not None, "answered")
        check.eq(got[1]["type"], stun.BINDING_ERROR, "an error response")
        check.eq(stun.error_code(got[1]), 487, "487 Role Conflict")
        check.true(stun.fingerprint_ok(got[0]), "the 487 has a FINGERPRINT")
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: 487 Role Conflict signed with the requester's pwd
            check.eq((stun.mi_ok(got[0], a.rp_pwd), stun.mi_ok(got[0], a.pwd)), (False, True),
                     "rtpengine's 487: MESSAGE-INTEGRITY with (its, A's) pwd")
        else:
            check.true(stun.mi_ok(got[0], a.rp_pwd), "the 487 is authenticated")
        check.eq(ice_role(d, "ice-role", "A"), "controlled", "the relay stays controlled")
        t = a.check(a_port, controlled=0)
        got = response_to(pa.sock, t)
        check.true(got is not None, "answered")
        check.eq(got[1]["type"], stun.BINDING_SUCCESS, "smaller tie-breaker: success")
        # the switch on the wire: the relay's next checks toward A say controlling
        a.checks = []
        end = time.monotonic() + 2
        while time.monotonic() < end and not any(
                stun.ICE_CONTROLLING in m["attrs"] for m, _, _ in a.checks):
            a.pump([pa.sock, pa.rtcp_sock], 0.1)
        check.true(any(stun.ICE_CONTROLLING in m["attrs"] for m, _, _ in a.checks),
                   "the relay's checks after the switch carry ICE-CONTROLLING", len(a.checks))
        if not daemon.IS_RTPENGINE:
            # COMPAT.md ICE: `query` (rtpengine's 'ICE controlling' flag keeps
            # the role the SDP gave)
            q = stream_ice(d, "ice-role", "A")
            check.eq(q["role"], "controlling", "query: switched to controlling")
            check.eq(q["STUN"]["role conflicts"], 2, "both conflicts counted")
        d.ng.delete("ice-role")


def test_restart_keeps_media_and_trickle():
    """A trickles a candidate in a re-offer with the same credentials
    (rtprelay checks it, rtpengine 10.5 not once ICE completed); then
    restarts ICE (new ufrag/pwd): the relay answers with new credentials,
    media keeps flowing to the old pair until A nominates a new one, the
    old credentials get no success (rtprelay: no answer, rtpengine: 401)."""
    d = d_ice()
    call = "ice-restart"
    with media.Peer() as pa, media.Peer() as pb, media.Peer() as pt, media.Peer() as pn:
        a = Party(pa, controlling=True)
        a_port, b_port, _, _ = ice_call(d, call, a, pb)
        nominate_both(a, pa, a_port)
        # the relay takes A's last response in: ICE completed before the trickle
        a.pump([pa.sock, pa.rtcp_sock], 0.3)
        # trickle: the same credentials, one more candidate per component
        r = d.ng.offer(a.sdp(cands=[(1, "127.0.0.1", pa.port), (2, "127.0.0.1", pa.port + 1),
                                    (1, "127.0.0.1", pt.port), (2, "127.0.0.1", pt.port + 1)]),
                       call, "A")
        d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        t = Party(pt)
        t.ufrag, t.pwd = a.ufrag, a.pwd
        t.pump([pt.sock, pt.rtcp_sock], 1.0)
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: a candidate trickled after ICE completed
            check.eq(len(t.checks), 0, "rtpengine does not check it (ICE completed)")
        else:
            check.true(len(t.checks) >= 1, "the relay checks the trickled candidate")
            check.eq(t.checks[0][0]["attrs"][stun.USERNAME].decode(),
                     "%s:%s" % (a.ufrag, a.rp_ufrag), "with the same credentials")
        old_ufrag, old_pwd = a.rp_ufrag, a.rp_pwd
        # restart
        a.ufrag, a.pwd = stun.creds()
        r = d.ng.offer(a.sdp(cands=[(1, "127.0.0.1", pn.port), (2, "127.0.0.1", pn.port + 1)]),
                       call, "A")
        r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        a.learn(r["sdp"])
        check.true(a.rp_ufrag != old_ufrag and a.rp_pwd != old_pwd,
                   "the relay answers a restart with new credentials")
        for seq in range(10, 13):  # still to the old pair
            pb.send(media.rtp(seq=seq, ssrc=0xB), b_port)
            got = a.pump(pa.sock, 1.0, want=lambda p: p[0] >= 128)
            check.true(got is not None, "media keeps flowing during the restart (%d)" % seq)
        stale = a.check(a_port, user="%s:%s" % (old_ufrag, a.ufrag), key=old_pwd)
        got = response_to(pa.sock, stale, 0.3)
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: bad STUN (rtpengine answers 401 Unauthorized)
            check.true(got is not None and got[1]["type"] == stun.BINDING_ERROR
                       and stun.error_code(got[1]) == 401, "rtpengine: 401 to the old credentials",
                       got)
        else:
            check.eq(got, None, "the old credentials are refused unanswered")
        nominate_both(a, pn, a_port)
        time.sleep(0.1)
        pb.send(media.rtp(seq=20, ssrc=0xB), b_port)
        got = a.pump(pn.sock, 1.0, want=lambda p: p[0] >= 128)
        check.true(got is not None and media.rtp_header(got[0])[2] == 20,
                   "media at the pair selected after the restart")
        d.ng.delete(call)


def test_controlling_toward_answerer():
    """ICE=force toward B, B answers with ICE: rtprelay is controlling, checks
    B's candidate, nominates (USE-CANDIDATE) and sends A's media there."""
    d = d_ice()
    call = "ice-ctl"
    with media.Peer() as pa, media.Peer() as pb:
        b = Party(pb, controlling=False)
        r = d.ng.offer(pa.sdp(codecs="0"), call, "A", ICE="force")
        b.learn(r["sdp"])
        b_port = media.sdp_port(r["sdp"])
        check.true(b.rp_ufrag is not None, "B gets ICE with ICE=force")
        r = d.ng.answer(b.sdp(), call, "A", "B")
        check.eq(stun.sdp_ice(r["sdp"])[0], None, "A (no ICE) gets no ICE lines")
        a_port = media.sdp_port(r["sdp"])
        end = time.monotonic() + 3
        while time.monotonic() < end and not any(
                stun.USE_CANDIDATE in m["attrs"] for m, _, _ in b.checks):
            b.pump([pb.sock, pb.rtcp_sock], 0.1)
        check.true(b.checks, "the relay checked B")
        check.true(stun.ICE_CONTROLLING in b.checks[0][0]["attrs"], "as controlling")
        check.true(any(stun.USE_CANDIDATE in m["attrs"] for m, _, _ in b.checks),
                   "and nominated with USE-CANDIDATE")
        b.pump([pb.sock, pb.rtcp_sock], 0.2)
        check.eq(ice_role(d, call, "B"), "controlling", "query: controlling toward B")
        if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
            q = stream_ice(d, call, "B")
            check.eq(q.get("selected"), "127.0.0.1:%d" % pb.port, "B's pair selected")
        pa.send(media.rtp(seq=3), a_port)
        got = b.pump(pb.sock, 1.0, want=lambda p: p[0] >= 128)
        check.true(got is not None, "A's media reaches B")
        check.eq(b_port, got[1][1], "from rtprelay's port toward B")
        d.ng.delete(call)


def test_ice_remove_and_lite():
    d = d_ice()
    with media.Peer() as pa, media.Peer() as pb:
        a = Party(pa, controlling=True)
        r = d.ng.offer(a.sdp(), "ice-rm", "A", ICE="remove")
        check.not_contains(r["sdp"], "a=ice-", "ICE=remove: no ICE toward B")
        check.not_contains(r["sdp"], "a=candidate", "ICE=remove: no candidates toward B")
        r = d.ng.answer(pb.sdp(codecs="0"), "ice-rm", "A", "B", ICE="remove")
        check.not_contains(r["sdp"], "a=ice-", "ICE=remove on the answer: none toward A")
        # with a plain phone, learning works as without ICE
        a_port = media.sdp_port(r["sdp"])
        pa.send(media.rtp(seq=1), a_port)
        check.eq(media.rtp_header(pb.recv()[0])[2], 1, "media relayed without ICE")
        d.ng.delete("ice-rm")
    with media.Peer() as pa, media.Peer() as pb:
        a = Party(pa, controlling=True)
        a_port, b_port, to_a, _ = ice_call(d, "ice-lite", a, pb,
                                           offer_kw={"ICE-lite": "backward"})
        check.contains(to_a, "a=ice-lite", "ICE-lite backward: a=ice-lite toward A")
        a.pump(pa.sock, 0.5)
        check.eq(a.checks, [], "a lite relay sends no checks")
        t = a.check(a_port, use_candidate=True)
        check.true(response_to(pa.sock, t) is not None, "lite answers checks")
        pb.send(media.rtp(seq=4), b_port)
        check.eq(media.rtp_header(pa.recv()[0])[2], 4, "nominated pair used at once (lite)")
        d.ng.delete("ice-lite")
    # ICE=force-relay: t/integ/test_ice_relay.py
    r = d.ng.request({"command": "offer", "call-id": "ice-x", "from-tag": "A",
                      "ICE-lite": "sideways", "sdp": pa.sdp()})
    if daemon.IS_RTPENGINE:
        # COMPAT.md ICE: `ICE-lite` with another value (ignored by rtpengine)
        check.eq(r["result"], "ok", "rtpengine ignores an unknown ICE-lite value")
        check.not_contains(r["sdp"], "a=ice-lite", "rtpengine: no a=ice-lite for it")
        d.ng.delete("ice-x")
    else:
        check.eq(r["result"], "error", "an unknown ICE-lite value: an ng error")


async def _aioice_party(d, call, pb, b_port_box, first):
    """aioice's Connection as A (controlling, one component, rtcp-mux):
    offer (or re-offer), rtprelay's answer, connect. Returns (conn, port A sends to)."""
    conn = await aioice_party.agent(controlling=True)
    r = d.ng.offer(aioice_party.sdp(conn, version=1 if first else 2), call, "A",
                   **{"rtcp-mux": ["demux"]})
    b_port_box.append(media.sdp_port(r["sdp"]))
    r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
    cands = stun.sdp_ice(r["sdp"])[2]
    check.eq([c[1] for c in cands], [1], "one component toward A (rtcp-mux)")
    await aioice_party.learn(conn, r["sdp"])
    return conn, media.sdp_port(r["sdp"])


def test_aioice_agent():
    """aioice (an independent ICE implementation) as the browser-side party:
    full ICE with rtprelay on loopback, media both ways over the selected
    pair, then an ICE restart (a new aioice agent, new credentials) that
    keeps media flowing and moves it to the new pair."""
    import asyncio
    aioice_party.load()
    d = d_ice()
    call = "ice-aioice"

    async def run():
        with media.Peer() as pb:
            box = []
            conn, a_port = await _aioice_party(d, call, pb, box, True)
            await asyncio.wait_for(conn.connect(), 5)
            b_port = box[-1]
            await aioice_party.exchange(conn, pb, b_port, "B", 0xB, 0xA)
            check.eq(ice_role(d, call, "A"), "controlled", "aioice controls")
            if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
                q = stream_ice(d, call, "A")
                check.true(q["STUN"]["answered"] >= 1 and q["STUN"]["responses"] >= 1,
                           "checks both ways", q["STUN"])
                check.eq(q["STUN"]["bad integrity"] + q["STUN"]["malformed"], 0,
                         "nothing of aioice's dropped")
            # restart: a new agent with new credentials
            conn2, a_port2 = await _aioice_party(d, call, pb, box, False)
            check.eq(a_port2, a_port, "the same port toward A")
            pb.send(media.rtp(seq=50, ssrc=0xB), b_port)
            data = await asyncio.wait_for(conn.recv(), 2)
            check.eq(media.rtp_header(data)[2], 50, "media still at the old pair mid-restart")
            await asyncio.wait_for(conn2.connect(), 5)
            await asyncio.sleep(0.1)
            for seq in range(60, 63):
                pb.send(media.rtp(seq=seq, ssrc=0xB), b_port)
                data = await asyncio.wait_for(conn2.recv(), 2)
                check.eq(media.rtp_header(data)[2], seq, "after the restart at the new agent")
                await conn2.send(media.rtp(seq=seq, ssrc=0xA))
                check.eq(media.rtp_header(pb.recv()[0])[2], seq, "and from it to B")
            await conn.close()
            await conn2.close()
        d.ng.delete(call)

    asyncio.run(asyncio.wait_for(run(), 30))


def test_consent_freshness():
    """RFC 7675: the relay (controlling toward B) selects B's pair and media
    flows past the first 30 s (both daemons). rtprelay keeps checking the
    selected pair and, once B stops answering, stops media to B about 30 s
    after its last answer, counted; rtpengine 10.5 sends no checks after
    ICE completed and goes on."""
    d = d_ice()
    call = "ice-consent"
    with media.Peer() as pa, media.Peer() as pb:
        b = Party(pb, controlling=False)
        r = d.ng.offer(pa.sdp(codecs="0"), call, "A", ICE="force")
        b.learn(r["sdp"])
        r = d.ng.answer(b.sdp(), call, "A", "B")
        a_port = media.sdp_port(r["sdp"])
        t0 = time.monotonic()
        b.pump([pb.sock, pb.rtcp_sock], 1.0)
        check.eq(ice_role(d, call, "B"), "controlling", "query: controlling toward B")
        if not daemon.IS_RTPENGINE:  # COMPAT.md ICE: `query`
            check.true(stream_ice(d, call, "B").get("selected"), "B's pair selected")
        n_setup = len(b.checks)  # the checks and nomination so far
        last_answer = t0
        flowing_after_30 = False
        stopped_at = last_media = None
        seq = 0
        while time.monotonic() - t0 < 46:
            now = time.monotonic()
            b.answer_checks = now - t0 < 8  # B answers consent checks for 8 s
            n = len(b.checks)
            seq += 1
            pa.send(media.rtp(seq=seq), a_port)
            got = b.pump([pb.sock, pb.rtcp_sock], 0.5, want=lambda p: p[0] >= 128)
            if b.answer_checks and len(b.checks) > n:
                last_answer = time.monotonic()
            if got is not None:
                last_media = time.monotonic()
                flowing_after_30 = flowing_after_30 or now - t0 > 31
            if got is None and stopped_at is None and not b.answer_checks:
                stopped_at = time.monotonic()
                break
            time.sleep(0.4)
        check.true(flowing_after_30, "media past 30 s after selection")
        consent = b.checks[n_setup:]
        if daemon.IS_RTPENGINE:
            # COMPAT.md ICE: consent (rtpengine 10.5 neither refreshes nor
            # expires it)
            check.eq(len(consent), 0, "rtpengine: no checks after ICE completed")
            check.eq(stopped_at, None, "rtpengine: media goes on without consent")
            check.true(last_media - last_answer > 34, "rtpengine: media > 34 s after the last "
                       "consent", last_media - last_answer)
        else:
            check.true(len(consent) >= 3, "consent checks on the selected pair", len(consent))
            check.true(stopped_at is not None, "media stopped without consent")
            check.true(29 <= stopped_at - last_answer <= 33,
                       "about 30 s after the last consent", stopped_at - last_answer)
            check.true(stream_ice(d, call, "B")["STUN"]["no consent"] >= 1, "counted")
        d.ng.delete(call)


def test_ipv6():
    """ICE on an IPv6 interface: candidates on ::1, XOR-MAPPED-ADDRESS of
    an IPv6 address, nomination (of a peer-reflexive pair: rtcp-mux as in
    test_nomination_media_to_selected_and_prflx) moving media."""
    d = daemon.shared("ice6", interfaces=["::1"], args=["--delete-delay=0"])
    call = "ice-v6"
    with media.Peer("::1") as pa, media.Peer("::1") as pb, media.Peer("::1") as px:
        a = Party(pa, controlling=True)
        r = d.ng.offer(a.sdp(mux=True), call, "A", **{"rtcp-mux": ["demux"]})
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(pb.sdp(codecs="0"), call, "A", "B")
        cands = a.learn(r["sdp"])
        a_port = media.sdp_port(r["sdp"])
        check.eq([(c[1], c[3], c[4]) for c in cands], [(1, "::1", a_port)],
                 "IPv6 host candidate (rtcp-mux: one component)")
        t = a.check(a_port, sock=px.sock)
        got = response_to(px.sock, t)
        check.true(got is not None and stun.mi_ok(got[0], a.rp_pwd), "answered over IPv6")
        check.eq(stun.xor_mapped(got[1]), ("::1", px.port), "IPv6 XOR-MAPPED-ADDRESS")
        nominate(a, px.sock, a_port)
        time.sleep(0.1)
        pb.send(media.rtp(seq=9), b_port)
        got = a.pump(px.sock, 1.0, want=lambda p: p[0] >= 128)
        check.true(got is not None and media.rtp_header(got[0])[2] == 9,
                   "media to the selected IPv6 pair")
        d.ng.delete(call)


def test_aioice_controlled_answerer():
    """The reverse direction: a plain phone offers, ICE=force toward the
    callee, aioice answers as the controlled agent; rtprelay (controlling)
    checks and nominates, aioice's connect() completes, media both ways."""
    import asyncio
    aioice_party.load()
    d = d_ice()
    call = "ice-aioice-rev"

    async def run():
        with media.Peer() as pa:
            r = d.ng.offer(pa.sdp(codecs="0"), call, "A", ICE="force",
                           **{"rtcp-mux": ["require"]})
            to_b = r["sdp"]
            cands = stun.sdp_ice(to_b)[2]
            check.eq([c[1] for c in cands], [1], "rtcp-mux require: one component")
            conn, a_port = await aioice_party.answer(d, call, to_b)
            check.eq(ice_role(d, call, "B"), "controlling", "the relay controls toward the answerer")
            await aioice_party.exchange(conn, pa, a_port, "the phone", 0xA, 0xB)
            await conn.close()
        d.ng.delete(call)

    asyncio.run(asyncio.wait_for(run(), 30))
