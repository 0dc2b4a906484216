"""DTLS-SRTP through the daemon (RFC 5763/5764): a real DTLS peer
(t/integ/dtls_peer.py: pyOpenSSL) on one side, plain RTP on the other,
both directions of the offer, both DTLS roles of the relay; SRTP and
SRTCP payloads identical after the round trip; the relay's certificate
checked against its a=fingerprint by the peer, the peer's against its own
by the relay (a mismatch refused and counted); garbage and a stranger's
ClientHello dropped and counted with the call's media unaffected; a
re-offer with a new certificate re-handshakes and media goes on.
Every test runs against rtpengine 10.5 too: handshakes, keys, media and
what `query` says on both (dtls_view) are checked on both daemons;
rtprelay's own counters and refusals are guarded with
`if not daemon.IS_RTPENGINE:` naming the COMPAT.md row."""

import os
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, dtls, media  # noqa: E401

SAVPF = "UDP/TLS/RTP/SAVPF"


def need_peer():
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
    """The RTP stream toward tag in `query`; its 'DTLS' dictionary is
    rtprelay's (COMPAT.md DTLS: `query`)."""
    return d.ng.query(call)["tags"][tag]["medias"][0]["streams"][0]


def dtls_view(d, call, tag):
    """(role, crypto suite, verified) of the relay's DTLS toward tag, from
    `query`, the same way on both daemons: rtpengine 10.5's media flags
    'DTLS role active|passive', stream flag 'DTLS fingerprint verified' and
    stream 'crypto suite', which rtprelay writes too; rtprelay's own 'DTLS'
    dictionary must agree."""
    md = d.ng.query(call)["tags"][tag]["medias"][0]
    s = md["streams"][0]
    role = [f[len("DTLS role "):] for f in md["flags"] if f.startswith("DTLS role ")]
    view = (role[0] if role else None, s.get("crypto suite"),
            "DTLS fingerprint verified" in s["flags"])
    if not daemon.IS_RTPENGINE:
        x = s.get("DTLS")
        own = ((None, None, False) if x is None else
               (x["role"], x.get("crypto suite"), x["state"] == "connected"))
        check.eq(view, own, "query: DTLS dictionary vs rtpengine's flags")
    return view


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
        check.eq(dtls_view(d, "dtls-1", "A"), ("active", "AES_CM_128_HMAC_SHA1_80", True),
                 "query: role, suite, verified")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-1", "A")
            check.true("DTLS" in s["flags"], "query: DTLS", s["flags"])
            check.eq((s["DTLS"]["state"], s["DTLS"]["role"], s["DTLS"]["handshakes"]),
                     ("connected", "active", 1), "query: state, role, handshakes")
        d.ng.delete("dtls-1")


def test_dtls_offerer_active_relay_is_server_media_waits_for_keys():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
        before = d.ng.command("statistics")["statistics"]["totalstatistics"]
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port, setup, fp = dtls_offerer(d, "dtls-2", a, b, cert, "active")
        check.eq(setup, "passive", "active offerer: the relay is passive")
        # no keys yet: B's media is not sent to A in clear, nor A's (plain
        # RTP where SRTP is due) to B
        for seq in range(1, 4):
            b.send(media.rtp(seq=seq, ssrc=0xB), b_port)
            a.send(media.rtp(seq=seq, ssrc=0xD), a_port)
        media.nothing_arrives(a)
        media.nothing_arrives(b)
        check.eq(dtls_view(d, "dtls-2", "A")[2], False, "query: not verified yet")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-2", "A")
            check.eq(s["DTLS"]["state"], "connecting", "waiting for the peer's ClientHello")
            check.eq(s["DTLS"]["unkeyed"], 6, "media both ways before the keys: dropped, counted")
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake with the relay as server", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx)
        check.eq(dtls_view(d, "dtls-2", "A"), ("passive", "AES_CM_128_HMAC_SHA1_80", True),
                 "query: role, suite, verified")
        d.ng.delete("dtls-2")
    if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
        after = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(after["dtlshandshakes"] - before["dtlshandshakes"], 1, "statistics: handshakes")
        check.eq(after["dtlsunkeyed"] - before["dtlsunkeyed"], 6, "statistics: unkeyed media")


def test_every_srtp_profile():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    for prof, suite in (("SRTP_AES128_CM_SHA1_80", "AES_CM_128_HMAC_SHA1_80"),
                        ("SRTP_AES128_CM_SHA1_32", "AES_CM_128_HMAC_SHA1_32"),
                        ("SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM"),
                        ("SRTP_AEAD_AES_256_GCM", "AEAD_AES_256_GCM")):
        call = "dtls-p-" + prof
        with media.Peer() as a, media.Peer() as b:
            a_port, b_port, _, fp = dtls_offerer(d, call, a, b, cert, "active")
            keys = dtls.start(a, a_port, "client", cert, expect=fp, profiles=prof).result()
            check.true(keys["ok"], "%s: handshake" % prof, keys)
            check.eq(keys["profile"], prof, "the peer's only profile taken")
            tx, rx = dtls.sessions(keys)
            exchange(a, a_port, b, b_port, tx, rx, n=2, what=prof + ": ")
            check.eq(dtls_view(d, call, "A")[1:], (suite, True), "query: suite, verified")
            d.ng.delete(call)


def test_dtls_passive_flag_and_fingerprint_hash():
    """DTLS=passive with the answer: passive toward an actpass offerer; the
    answer's fingerprint is in the offerer's hash (sha-1 here)."""
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(dtls_sdp(a, cert, "actpass", fp_hash="sha-1"), "dtls-3", "A",
                       **{"transport-protocol": "RTP/AVP", "rtcp-mux": ["demux"]})
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "dtls-3", "A", "B", DTLS="passive")
        a_port, fp = media.sdp_port(r["sdp"]), attr(r["sdp"], "fingerprint")
        check.eq(attr(r["sdp"], "setup"), "passive", "DTLS=passive")
        check.true(re.match(r"sha-1 ([0-9A-F]{2}:){19}[0-9A-F]{2}$", fp or ""), "sha-1", fp)
        if daemon.IS_RTPENGINE:
            # COMPAT.md DTLS: `DTLS=passive` with the answer (rtpengine sent a
            # ClientHello to A with the offer, then became passive)
            hello = a.recv()[0]
            check.eq((hello[0], hello[13]), (22, 1), "rtpengine: a ClientHello at A")
            a.drain()
        else:
            media.nothing_arrives(a, 0.3)  # the relay waits for A's ClientHello
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake, sha-1 fingerprints both ways", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx, n=2)
        d.ng.delete("dtls-3")


def test_plain_offerer_to_dtls_callee_both_roles():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    for b_setup, b_role, relay in (("active", "client", "passive"),
                                   ("passive", "server", "active")):
        call = "dtls-4-" + b_setup
        with media.Peer() as a, media.Peer() as b:
            r = d.ng.offer(sdp(a), call, "A", **{"transport-protocol": SAVPF,
                                                 "DTLS-fingerprint": "sha-384"})
            body = r["sdp"]
            check.true((" %s " % SAVPF) in body, "B is offered DTLS-SRTP", body)
            check.eq(attr(body, "setup"), "actpass", "the relay offers actpass")
            fp = attr(body, "fingerprint")
            check.true(fp.startswith("sha-384 "), "DTLS-fingerprint chooses the hash", fp)
            check.true("a=crypto:" in body, "SDES offered too (as rtpengine 10.5)", body)
            b_port = media.sdp_port(body)
            # no rtcp-mux: a handshake on each port (RFC 5764 4.1.2)
            hs = hs_rtcp = None
            if b_role == "server":
                hs = dtls.start(b, b_port, "server", cert, expect=fp)
                hs_rtcp = dtls.start(b, b_port + 1, "server", cert, expect=fp, rtcp=True)
            r = d.ng.answer(dtls_sdp(b, cert, b_setup, mux=False), call, "A", "B")
            body = r["sdp"]
            check.true(" RTP/AVP " in body and "a=fingerprint" not in body and
                       "a=crypto" not in body, "A's answer is plain", body)
            a_port = media.sdp_port(body)
            if b_role == "client":
                hs = dtls.start(b, b_port, "client", cert, expect=fp)
                hs_rtcp = dtls.start(b, b_port + 1, "client", cert, expect=fp, rtcp=True)
            keys, keys_rtcp = hs.result(), hs_rtcp.result()
            check.true(keys["ok"], "%s: handshake on the RTP port" % b_setup, keys)
            check.true(keys_rtcp["ok"], "%s: handshake on the RTCP port" % b_setup, keys_rtcp)
            check.ne(keys["send_key"], keys_rtcp["send_key"], "a key per component")
            tx, rx = dtls.sessions(keys)
            tx_c, rx_c = dtls.sessions(keys_rtcp)
            for seq in range(1, 4):
                pkt = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
                a.send(pkt, a_port)
                check.eq(rx.unprotect(b.recv()[0]), pkt, "A's packet %d at B" % seq)
                pkt = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
                b.send(tx.protect(pkt), b_port)
                check.eq(a.recv()[0], pkt, "B's packet %d at A" % seq)
            # SRTCP on the RTCP ports, with the RTCP association's keys
            b.send(tx_c.protect_rtcp(rtcp_sr(0xB)), b_port + 1, rtcp=True)
            check.eq(a.recv(rtcp=True)[0], rtcp_sr(0xB), "SRTCP from B decrypted")
            a.send(rtcp_sr(0xA), a_port + 1, rtcp=True)
            check.eq(rx_c.unprotect_rtcp(b.recv(rtcp=True)[0]), rtcp_sr(0xA), "RTCP to B")
            check.eq(dtls_view(d, call, "B")[0::2], (relay, True), "query: the relay's role "
                     "toward B, verified")
            if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
                s = dtls_stream(d, call, "B")
                check.eq((s["DTLS"]["state"], s["DTLS"]["RTCP state"], s["DTLS"]["handshakes"]),
                         ("connected", "connected", 2), "query: both components")
            d.ng.delete(call)


def test_fingerprint_mismatch_is_refused_and_counted():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert, other = dtls.Cert(), dtls.Cert()
    if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
        before = d.ng.command("statistics")["statistics"]["totalstatistics"]
    with media.Peer() as a, media.Peer() as b:
        # A's SDP names another certificate than the one it shows
        r = d.ng.offer(dtls_sdp(a, other, "active"), "dtls-5", "A",
                       **{"transport-protocol": "RTP/AVP", "rtcp-mux": ["demux"]})
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "dtls-5", "A", "B")
        a_port = media.sdp_port(r["sdp"])
        keys = dtls.start(a, a_port, "client", cert, timeout=3).result()
        check.true(not keys["ok"], "the handshake is refused", keys)
        b.send(media.rtp(seq=1, ssrc=0xB), b_port)
        media.nothing_arrives(a)
        check.eq(dtls_view(d, "dtls-5", "A")[2], False, "query: not verified")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-5", "A")
            check.eq((s["DTLS"]["state"], s["DTLS"]["fingerprint mismatch"], s["DTLS"]["failed"]),
                     ("failed", 1, 1), "query: failed, one mismatch")
            check.eq(s["DTLS"]["unkeyed"], 1, "no keys: media not relayed")
        d.ng.delete("dtls-5")
    if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
        after = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(after["dtlsfingerprintmismatches"] - before["dtlsfingerprintmismatches"], 1,
                 "statistics: mismatches")


def test_garbage_and_a_strangers_client_hello_change_nothing():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert, evil = dtls.Cert(), dtls.Cert()
    with media.Peer() as a, media.Peer() as b, media.Peer() as stranger:
        a_port, b_port, _, fp = dtls_offerer(d, "dtls-6", a, b, cert, "active")
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx, n=2)
        junk = [b"\x16\xfe\xfd" + b"\x00" * 5,                    # truncated header
                b"\x16\xfe\xfd" + b"\x00" * 8 + b"\xff\xff" + b"x" * 20,  # length past the end
                b"\x17\x03\x03\x00\x05hello",                     # TLS, not DTLS
                bytes([40]) + os.urandom(100)]                    # 20..63, not a record type
        for j in junk:
            a.send(j, a_port)        # the party's own address
            stranger.send(j, a_port)
        hello = dtls.start(stranger, a_port, "client", evil, client_hello_only=True).result()
        check.true(hello["ok"], "the stranger sent a ClientHello", hello)
        media.nothing_arrives(b)
        media.nothing_arrives(stranger)
        check.eq(dtls_view(d, "dtls-6", "A")[2], True, "query: still verified")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-6", "A")
            check.eq(s["DTLS"]["invalid"], 8, "garbage dropped and counted")
            check.eq(s["DTLS"]["strangers"], 1, "the stranger's ClientHello dropped and counted")
            check.eq((s["DTLS"]["state"], s["DTLS"]["handshakes"]), ("connected", 1),
                     "the association is unchanged")
        exchange(a, a_port, b, b_port, tx, rx, first=10, n=3, what="after the junk: ")
        d.ng.delete("dtls-6")


def test_reoffer_with_a_new_certificate_rehandshakes():
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert, cert2 = dtls.Cert(), dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port, _, fp = dtls_offerer(d, "dtls-7", a, b, cert, "active")
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "first handshake", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx, n=2)
        # same certificate again: nothing changes, keys stay
        dtls_offerer(d, "dtls-7", a, b, cert, "active")
        exchange(a, a_port, b, b_port, tx, rx, first=3, n=2, what="same re-offer: ")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            check.eq(dtls_stream(d, "dtls-7", "A")["DTLS"]["handshakes"], 1, "no new handshake")
        # a new certificate: a new handshake, new keys, media goes on
        dtls_offerer(d, "dtls-7", a, b, cert2, "active")
        keys2 = dtls.start(a, a_port, "client", cert2, expect=fp).result()
        check.true(keys2["ok"], "second handshake with the new certificate", keys2)
        check.ne(keys2["send_key"], keys["send_key"], "new keys")
        tx2, rx2 = dtls.sessions(keys2)
        exchange(a, a_port, b, b_port, tx2, rx2, first=5, n=3, what="new keys: ")
        check.eq(dtls_view(d, "dtls-7", "A")[2], True, "query: verified")
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-7", "A")
            check.eq((s["DTLS"]["state"], s["DTLS"]["handshakes"]), ("connected", 2), "query")
        d.ng.delete("dtls-7")


def test_dtls_flags():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a:
        r = d.ng.offer(sdp(a), "dtls-f1", "A", **{"transport-protocol": SAVPF, "DTLS": "off"})
        check.true("a=fingerprint" not in r["sdp"] and "a=setup" not in r["sdp"] and
                   "a=crypto" in r["sdp"], "DTLS=off: SDES only", r["sdp"])
        r = d.ng.offer(sdp(a), "dtls-f2", "A", **{"transport-protocol": SAVPF, "SDES": ["off"]})
        check.true("a=fingerprint" in r["sdp"] and "a=crypto" not in r["sdp"],
                   "SDES=off: DTLS only", r["sdp"])
        cases = [({"transport-protocol": SAVPF, "DTLS": "off", "SDES": ["off"]}, sdp(a),
                  "leave nothing to key SRTP"),
                 ({"DTLS": "sometimes"}, sdp(a), "invalid DTLS value"),
                 ({"DTLS-fingerprint": "md5"}, sdp(a), "unknown DTLS-fingerprint hash"),
                 ({"DTLS-reverse": "passive"}, sdp(a), "DTLS-reverse is not supported"),
                 ({"transport-protocol": "RTP/AVP"}, sdp(a, SAVPF, ["setup:actpass"]),
                  "without a usable a=fingerprint"),
                 ({"transport-protocol": "RTP/AVP"},
                  sdp(a, SAVPF, ["setup:actpass", "fingerprint:sha-256 AB:CD"]),
                  "without a usable a=fingerprint")]
        for i, (kw, body, want) in enumerate(cases):
            r = d.ng.offer(body, "dtls-err-%d" % i, "A", check=False, **kw)
            if daemon.IS_RTPENGINE:
                # COMPAT.md DTLS: `DTLS` with an unknown value ..., `dtls-refused`
                # (rtpengine 10.5 accepts them all)
                check.eq(r["result"], "ok", "rtpengine, case %d: %r" % (i, kw))
                d.ng.delete("dtls-err-%d" % i)
                continue
            check.eq(r["result"], "error", "case %d: %r" % (i, kw))
            check.contains(r["error-reason"], want, "case %d names the cause" % i)
        for call in ("dtls-f1", "dtls-f2"):
            d.ng.delete(call)


def test_certificate_options_and_dtls_passive():
    """--dtls-cert-cipher=RSA (4096 bits, a certificate that needs several
    datagrams at --dtls-mtu=576), --dtls-signature=SHA-1, --dtls-passive;
    a bad value is refused at start-up."""
    need_peer()
    d = daemon.shared("v4-dtls-opts", args=["--delete-delay=0", "--dtls-cert-cipher=RSA",
                                            "--dtls-rsa-key-size=4096", "--dtls-signature=SHA-1",
                                            "--dtls-mtu=576", "--dtls-passive"])
    cert = dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port, setup, fp = dtls_offerer(d, "dtls-o", a, b, cert, "actpass")
        check.eq(setup, "passive", "--dtls-passive: passive toward actpass")
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake with the RSA certificate", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx, n=2)
        d.ng.delete("dtls-o")
    # bad values refused at start-up, the error naming the option; rtprelay's
    # --check-config finds them without starting (COMPAT.md command line:
    # `--check-config`); a cipher list OpenSSL cannot use is found when the
    # context is made: the daemon does not start
    lo, hi = daemon.media_range(20)
    for bad, check_only in (("--dtls-cert-cipher=DSA", True), ("--dtls-signature=MD5", True),
                            ("--dtls-mtu=100", True), ("--dtls-ciphers=NO-SUCH-CIPHER", False)):
        argv = [daemon.default_bin(), "--config-file=none", "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:%d" % daemon.free_port(), "--port-min=%d" % lo,
                "--port-max=%d" % hi, "--foreground", "--log-stderr", bad]
        if daemon.IS_RTPENGINE:
            argv.insert(1, "--table=-1")
            try:
                r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, timeout=5, preexec_fn=daemon._pdeathsig)
            except subprocess.TimeoutExpired:
                # COMPAT.md DTLS: `--dtls-ciphers` OpenSSL cannot use
                check.true(not check_only, "%s: rtpengine starts with it" % bad)
                continue
            check.true(check_only, "%s: rtpengine refuses it" % bad, r.returncode)
        else:
            r = subprocess.run(argv + (["--check-config"] if check_only else []),
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=30, preexec_fn=daemon._pdeathsig)
        check.ne(r.returncode, 0, "%s refused: %s" % (bad, r.stderr))
        check.contains(r.stderr, bad[2:].split("=")[0] if check_only else "dtls-ciphers",
                       "%s: the error names it" % bad)


def client_hello_record(seq):
    """A datagram that frames as an epoch-0 ClientHello (a record header
    and a handshake header; the rest is not a valid hello)."""
    body = b"\x01" + b"\x00\x00\x30" + seq.to_bytes(2, "big") + b"\x00" * 6 + b"\x00\x00\x30"
    body += os.urandom(0x30)
    return b"\x16\xfe\xff\x00\x00" + seq.to_bytes(6, "big") + len(body).to_bytes(2, "big") + body


def test_client_hello_flood_keeps_the_call():
    """2000 ClientHellos from a stranger and 300 from the party's own
    address (as a spoofer would send them), bounded in count and time:
    the stranger's are dropped before OpenSSL sees them, the party's start
    at most one new handshake a second; the keys in use stay, media goes on."""
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    with media.Peer() as a, media.Peer() as b, media.Peer() as stranger:
        a_port, b_port, _, fp = dtls_offerer(d, "dtls-8", a, b, cert, "active")
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake", keys)
        tx, rx = dtls.sessions(keys)
        exchange(a, a_port, b, b_port, tx, rx, n=2)
        t0 = time.monotonic()
        for i in range(2000):
            stranger.send(client_hello_record(i), a_port)
            if i < 300:
                a.send(client_hello_record(i), a_port)
            if time.monotonic() - t0 > 5:
                break
        sent_for = time.monotonic() - t0
        time.sleep(0.3)
        a.drain()  # whatever the relay answered the party's hellos
        if not daemon.IS_RTPENGINE:  # COMPAT.md DTLS: `query`
            s = dtls_stream(d, "dtls-8", "A")["DTLS"]
            check.eq(s["strangers"], i + 1, "every stranger's ClientHello dropped and counted")
            restarts = s["failed"]
            check.true(restarts <= 1 + int(sent_for + 0.3), "new handshakes at most one a "
                       "second (%d in %.1f s)" % (restarts, sent_for), s)
            check.eq(s["rate limited"] + restarts, 300,
                     "the party's other hellos rate limited: %r" % s)
        if daemon.IS_RTPENGINE:
            # COMPAT.md Media: a port flooded past its receive queue
            # (rtpengine relays nothing more on it): the call survives
            check.eq(d.ng.command("ping")["result"], "pong", "rtpengine alive after the flood")
            check.eq(dtls_view(d, "dtls-8", "A")[2], True, "query: the association is kept")
        else:
            exchange(a, a_port, b, b_port, tx, rx, first=10, n=3, what="after the flood: ")
        d.ng.delete("dtls-8")


def test_dtls_on_both_sides():
    """Both parties speak DTLS-SRTP: two associations, two sets of keys;
    what A encrypts B decrypts (re-encrypted by the relay) and back."""
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert_a, cert_b = dtls.Cert(), dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(dtls_sdp(a, cert_a, "active"), "dtls-9", "A")
        body = r["sdp"]
        check.eq(attr(body, "setup"), "actpass", "B is offered actpass")
        fp_to_b, b_port = attr(body, "fingerprint"), media.sdp_port(body)
        hs_b = dtls.start(b, b_port, "server", cert_b, expect=fp_to_b)
        r = d.ng.answer(dtls_sdp(b, cert_b, "passive"), "dtls-9", "A", "B")
        body = r["sdp"]
        check.eq(attr(body, "setup"), "passive", "A (active) gets passive")
        a_port = media.sdp_port(body)
        keys_a = dtls.start(a, a_port, "client", cert_a, expect=attr(body, "fingerprint")).result()
        keys_b = hs_b.result()
        check.true(keys_a["ok"] and keys_b["ok"], "both handshakes", keys_a, keys_b)
        check.ne(keys_a["send_key"], keys_b["recv_key"], "two associations, two keys")
        tx_a, rx_a = dtls.sessions(keys_a)
        tx_b, rx_b = dtls.sessions(keys_b)
        for seq in range(1, 4):
            pkt = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
            a.send(tx_a.protect(pkt), a_port)
            check.eq(rx_b.unprotect(b.recv()[0]), pkt, "A's packet %d at B" % seq)
            pkt = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
            b.send(tx_b.protect(pkt), b_port)
            check.eq(rx_a.unprotect(a.recv()[0]), pkt, "B's packet %d at A" % seq)
        d.ng.delete("dtls-9")


def test_no_mux_single_handshake_srtcp_uses_the_rtp_keys():
    """A party without rtcp-mux that handshakes only on its RTP port (the
    relay passive): SRTCP on the RTCP ports takes the RTP association's
    keys until an RTCP one exists."""
    need_peer()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    cert = dtls.Cert()
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(dtls_sdp(a, cert, "active", mux=False), "dtls-10", "A",
                       **{"transport-protocol": "RTP/AVP"})
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "dtls-10", "A", "B")
        a_port, fp = media.sdp_port(r["sdp"]), attr(r["sdp"], "fingerprint")
        check.true("a=rtcp-mux" not in r["sdp"], "no mux", r["sdp"])
        keys = dtls.start(a, a_port, "client", cert, expect=fp).result()
        check.true(keys["ok"], "handshake on the RTP port", keys)
        tx, rx = dtls.sessions(keys)
        a.send(tx.protect_rtcp(rtcp_sr(0xA)), a_port + 1, rtcp=True)
        if daemon.IS_RTPENGINE:
            # COMPAT.md DTLS: DTLS without rtcp-mux, a handshake on the RTP port only
            media.nothing_arrives(b, rtcp=True)
            b.send(rtcp_sr(0xB), b_port + 1, rtcp=True)
            media.nothing_arrives(a, rtcp=True)
        else:
            check.eq(b.recv(rtcp=True)[0], rtcp_sr(0xA), "SRTCP from A decrypted")
            b.send(rtcp_sr(0xB), b_port + 1, rtcp=True)
            check.eq(rx.unprotect_rtcp(a.recv(rtcp=True)[0]), rtcp_sr(0xB), "RTCP to A encrypted")
            s = dtls_stream(d, "dtls-10", "A")["DTLS"]
            check.eq((s["state"], s["RTCP state"]), ("connected", "connecting"), "query")
        # SRTP on the RTP ports: the one association keys it on both
        pkt = media.rtp(seq=1, ssrc=0xA, payload=payload(b"A", 1))
        a.send(tx.protect(pkt), a_port)
        check.eq(b.recv()[0], pkt, "SRTP from A decrypted")
        d.ng.delete("dtls-10")
