"""DTLS-SRTP through the daemon (RFC 5763/5764): a real DTLS peer
(t/integ/dtls_peer.py: pyOpenSSL) on one side, plain RTP on the other,
both directions of the offer, both DTLS roles of the relay; SRTP and
SRTCP payloads identical after the round trip; the relay's certificate
checked against its a=fingerprint by the peer, the peer's against its own
by the relay (a mismatch refused and counted); garbage and a stranger's
ClientHello dropped and counted with the call's media unaffected; a
re-offer with a new certificate re-handshakes and media goes on."""

import os
import re
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, dtls, media  # noqa: E401

SAVPF = "UDP/TLS/RTP/SAVPF"


def need_peer():
    check.only("rtprelay")
    why = dtls.available()
    if why:
        check.skip(why)


def sdp(peer, proto="RTP/AVP", attrs=()):
    return peer.sdp(codecs="0").replace("RTP/AVP", proto) + "".join(
        "a=%s\r\n" % a for a in attrs)


def dtls_sdp(peer, cert, setup, mux=True, fp_hash="sha-256"):
    attrs = ["setup:" + setup, "fingerprint:" + cert.fingerprint(fp_hash)]
    return sdp(peer, SAVPF, attrs + (["rtcp-mux"] if mux else []))


def attr(body, name):
    m = re.search(r"^a=%s:(.*?)\r?$" % name, body, re.M)
    return m.group(1) if m else None


def rtcp_sr(ssrc):
    return struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, 1, 2, 3, 4, 5)


def payload(tag, seq):
    return (b"%s-%05d-" % (tag, seq)).ljust(160, b".")


def dtls_stream(d, call, tag):
    return d.ng.query(call)["tags"][tag]["medias"][0]["streams"][0]


def exchange(dp, dp_port, plain, plain_port, tx, rx, first=1, n=5, what=""):
    """n packets each way: the DTLS party's SRTP decrypted at the plain
    party byte for byte, the plain party's RTP encrypted for the DTLS
    party, which decrypts the same bytes; SRTCP both ways (rtcp-mux)."""
    for seq in range(first, first + n):
        pkt = media.rtp(seq=seq, ssrc=0xD, payload=payload(b"D", seq))
        dp.send(tx.protect(pkt), dp_port)
        check.eq(plain.recv()[0], pkt, "%sSRTP packet %d decrypted at the plain party" % (what, seq))
        pkt = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"P", seq))
        plain.send(pkt, plain_port)
        wire = dp.recv()[0]
        check.ne(wire[12:172], pkt[12:], "%sencrypted toward the DTLS party" % what)
        check.eq(rx.unprotect(wire), pkt, "%spacket %d at the DTLS party" % (what, seq))
    dp.send(tx.protect_rtcp(rtcp_sr(0xD)), dp_port)  # rtcp-mux: the RTP port
    check.eq(plain.recv(rtcp=True)[0], rtcp_sr(0xD), "%sSRTCP from the DTLS party" % what)
    plain.send(rtcp_sr(0xB), plain_port + 1, rtcp=True)
    check.eq(rx.unprotect_rtcp(dp.recv()[0]), rtcp_sr(0xB), "%sRTCP to the DTLS party" % what)


def dtls_offerer(d, call, a, b, cert, setup, offer_kw=None, answer_kw=None):
    """A (DTLS, setup) offers to plain B. Returns (a_port, b_port, the
    relay's a=setup and a=fingerprint toward A)."""
    r = d.ng.offer(dtls_sdp(a, cert, setup), call, "A",
                   **{"transport-protocol": "RTP/AVP", "rtcp-mux": ["demux"],
                      **(offer_kw or {})})
    body = r["sdp"]
    check.true(" RTP/AVP " in body and "a=fingerprint" not in body and "a=setup" not in body,
               "B gets plain RTP/AVP without DTLS lines", body)
    b_port = media.sdp_port(body)
    r = d.ng.answer(sdp(b), call, "A", "B", **(answer_kw or {}))
    body = r["sdp"]
    check.true((" %s " % SAVPF) in body, "A's answer keeps its protocol", body)
    check.true("a=rtcp-mux" in body, "mux accepted toward A", body)
    return media.sdp_port(body), b_port, attr(body, "setup"), attr(body, "fingerprint")


def test_dtls_offerer_actpass_relay_is_client():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        # the relay is the client: the peer must listen before the answer
        a_port, b_port, setup, fp = dtls_offerer(d, "dtls-1", a, b, cert, "actpass")
        check.eq(setup, "active", "actpass offerer: the relay is active")
        check.true(fp and fp.startswith("sha-256 "), "sha-256 fingerprint", fp)
        keys = dtls.start(a, a_port, "server", cert, expect=fp).result()
        check.true(keys["ok"], "handshake with the relay as client", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx)
        s = dtls_stream(d, "dtls-1", "A")
        check.true("DTLS" in s["flags"], "query: DTLS", s["flags"])
        check.eq((s["DTLS"]["state"], s["DTLS"]["role"], s["DTLS"]["handshakes"]),
                 ("connected", "active", 1), "query: state, role, handshakes")
        d.ng.delete("dtls-1")
