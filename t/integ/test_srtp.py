"""SRTP with SDES through the daemon, real SRTP on the wire (libsrtp2 on the
test side, t/integ/srtp.py): an SRTP party and a plain RTP party, both
ways, every suite; SRTCP; forged and replayed packets dropped and counted;
re-keying on re-INVITE; the SDES flags; requests rtprelay cannot honour get
an ng error. The media of each case is checked against rtpengine 10.5 too;
what rtprelay keys or counts differently is guarded (COMPAT.md: SRTP)."""

import base64
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media, srtp  # noqa: E401

SUITES = list(srtp.SUITES)


def suites():
    """The suites to run: libsrtp2 2.5's AES_192_CM keys are not RFC 6188's,
    so neither rtpengine 10.5 nor rtprelay takes them (rtprelay refuses the
    suite: test_aes_192_refused); rtpengine 10.5 crashes on the NULL ones
    (COMPAT.md: SRTP, AES_192_CM and NULL suites)."""
    ok = [s for s in SUITES if "_192_" not in s]
    if not daemon.IS_RTPENGINE:
        return ok
    return [s for s in ok if not s.startswith("NULL_")]


def sdp(peer, proto="RTP/AVP", crypto=""):
    return peer.sdp().replace("RTP/AVP", proto) + crypto


def rtcp_sr(ssrc):
    """A sender report without report blocks (28 bytes)."""
    return struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, 1, 2, 3, 4, 5)


def payload(tag, seq):
    return (b"%s-%05d-" % (tag, seq)).ljust(160, b".")



def srtp_to_rtp(d, a, b, call, suite, offer_flags=None):
    """A offers SRTP (suite, its key), B is plain. Returns (a_port, b_port,
    A's outbound session, A's inbound session from rtprelay's answer,
    rtprelay's key)."""
    key_a = srtp.new_key(suite)
    r = d.ng.offer(sdp(a, "RTP/SAVP", srtp.crypto_line(1, suite, key_a)), call, "A",
                   **{"transport-protocol": "RTP/AVP", **(offer_flags or {})})
    check.true("RTP/AVP" in r["sdp"] and "a=crypto" not in r["sdp"], "B gets plain RTP",
               r["sdp"])
    b_port = media.sdp_port(r["sdp"])
    r = d.ng.answer(sdp(b), call, "A", "B")
    check.true("m=audio %d RTP/SAVP" % media.sdp_port(r["sdp"]) in r["sdp"],
               "A's answer keeps its protocol", r["sdp"])
    lines = srtp.parse_crypto(r["sdp"])
    check.eq([(t, s) for t, s, _, _ in lines], [(1, suite)], "one key for A's suite and tag")
    a_port = media.sdp_port(r["sdp"])
    return (a_port, b_port, srtp.Session(suite, key_a, inbound=False),
            srtp.Session(suite, lines[0][2], inbound=True), lines[0][2])


def test_srtp_to_rtp_every_suite():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    for suite in suites():
        with media.Peer() as a, media.Peer() as b:
            call = "srtp-" + suite
            a_port, b_port, tx, rx, _ = srtp_to_rtp(d, a, b, call, suite)
            for seq in range(1, 6):
                plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
                a.send(tx.protect(plain), a_port)
                check.eq(b.recv()[0], plain, "%s: A's packet %d decrypted at B" % (suite, seq))
                plain = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
                b.send(plain, b_port)
                wire = a.recv()[0]
                if not suite.startswith("NULL_"):
                    check.ne(wire[12:172], plain[12:], "%s: encrypted toward A" % suite)
                check.eq(len(wire), len(plain) + (4 if suite.endswith("_32") else
                                                  16 if "GCM" in suite else 10),
                         "%s: the suite's tag on the wire" % suite)
                check.eq(rx.unprotect(wire), plain, "%s: B's packet %d at A" % (suite, seq))
            # SRTCP both ways on the RTCP ports
            a.send(tx.protect_rtcp(rtcp_sr(0xA)), a_port + 1, rtcp=True)
            check.eq(b.recv(rtcp=True)[0], rtcp_sr(0xA), "%s: SRTCP from A decrypted" % suite)
            b.send(rtcp_sr(0xB), b_port + 1, rtcp=True)
            check.eq(rx.unprotect_rtcp(a.recv(rtcp=True)[0]), rtcp_sr(0xB),
                     "%s: RTCP to A encrypted" % suite)
            if not daemon.IS_RTPENGINE:  # rtprelay's query keys (COMPAT.md: Replies, query)
                s = d.ng.query(call)["tags"]["A"]["medias"][0]["streams"][0]
                check.true("SRTP" in s["flags"], "query: A's stream is SRTP", s["flags"])
                check.eq(s["crypto suite"], suite, "query: the suite")
            d.ng.delete(call)


def test_rtp_to_srtp_every_suite():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    for suite in suites():
        with media.Peer() as a, media.Peer() as b:
            call = "rtp-" + suite
            r = d.ng.offer(sdp(a), call, "A", **{"transport-protocol": "RTP/SAVP"})
            offered = srtp.parse_crypto(r["sdp"])
            check.true("m=audio %d RTP/SAVP" % media.sdp_port(r["sdp"]) in r["sdp"],
                       "B is offered SRTP", r["sdp"])
            mine = [o for o in offered if o[1] == suite]
            check.eq(len(mine), 1, "%s offered once" % suite)
            tag, _, key_r, _ = mine[0]
            b_port = media.sdp_port(r["sdp"])
            key_b = srtp.new_key(suite)
            r = d.ng.answer(sdp(b, "RTP/SAVP", srtp.crypto_line(tag, suite, key_b)), call, "A",
                            "B")
            check.true("RTP/AVP" in r["sdp"] and "a=crypto" not in r["sdp"],
                       "A's answer is plain", r["sdp"])
            a_port = media.sdp_port(r["sdp"])
            tx, rx = srtp.Session(suite, key_b, False), srtp.Session(suite, key_r, True)
            for seq in range(1, 6):
                plain = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
                b.send(tx.protect(plain), b_port)
                check.eq(a.recv()[0], plain, "%s: B's packet %d decrypted at A" % (suite, seq))
                plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
                a.send(plain, a_port)
                check.eq(rx.unprotect(b.recv()[0]), plain, "%s: A's packet %d at B" % (suite, seq))
            b.send(tx.protect_rtcp(rtcp_sr(0xB)), b_port + 1, rtcp=True)
            check.eq(a.recv(rtcp=True)[0], rtcp_sr(0xB), "%s: SRTCP from B decrypted" % suite)
            d.ng.delete(call)


def test_mki_keys_both_ways():
    """A party's key with an MKI (RFC 4568 "|value:length"): its packets
    carry the MKI and are unprotected with it; the relay's own keys have
    none, so what it sends carries none (as rtpengine 10.5: its a=crypto
    lines never have an MKI, and it has no SDES option for one). A packet
    with another MKI is not the party's: dropped (rtprelay; rtpengine
    forwards it). Both daemons."""
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_80"
    with media.Peer() as a, media.Peer() as b:
        # SRTP -> RTP: A's key has MKI 1 in 4 bytes
        key_a = srtp.new_key(suite)
        r = d.ng.offer(sdp(a, "RTP/SAVP", srtp.crypto_line(1, suite, key_a, "|2^31|1:4")),
                       "srtp-mki", "A", **{"transport-protocol": "RTP/AVP"})
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "srtp-mki", "A", "B")
        lines = srtp.parse_crypto(r["sdp"])
        check.eq([(t, s, rest) for t, s, _, rest in lines], [(1, suite, "")],
                 "the relay's key for A: no MKI")
        a_port = media.sdp_port(r["sdp"])
        tx = srtp.Session(suite, key_a, inbound=False, mki=(1, 4))
        rx = srtp.Session(suite, lines[0][2], inbound=True)
        for seq in range(1, 4):
            plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
            wire = tx.protect(plain)
            check.eq(len(wire), len(plain) + 4 + 10, "A's packet carries the MKI and the tag")
            a.send(wire, a_port)
            check.eq(b.recv()[0], plain, "A's packet %d (MKI 1) decrypted at B" % seq)
            plain = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
            b.send(plain, b_port)
            wire = a.recv()[0]
            check.eq(len(wire), len(plain) + 10, "toward A: the tag, no MKI")
            check.eq(rx.unprotect(wire), plain, "B's packet %d at A" % seq)
        a.send(tx.protect_rtcp(rtcp_sr(0xA)), a_port + 1, rtcp=True)
        check.eq(b.recv(rtcp=True)[0], rtcp_sr(0xA), "SRTCP with the MKI from A decrypted")
        if daemon.TARGET == "rtprelay":
            # rtpengine 10.5 ignores the MKI's value and forwards it (COMPAT.md)
            other = srtp.Session(suite, key_a, inbound=False, mki=(2, 4))
            a.send(other.protect(media.rtp(seq=10, ssrc=0xA, payload=payload(b"A", 10))),
                   a_port)
            media.nothing_arrives(b)
        d.ng.delete("srtp-mki")
    with media.Peer() as a, media.Peer() as b:
        # RTP -> SRTP: B answers with its key and MKI 7 in 2 bytes
        r = d.ng.offer(sdp(a), "rtp-mki", "A", **{"transport-protocol": "RTP/SAVP"})
        mine = [o for o in srtp.parse_crypto(r["sdp"]) if o[1] == suite]
        check.eq([rest for _, _, _, rest in mine], [""], "the relay's key for B: no MKI")
        tag, _, key_r, _ = mine[0]
        b_port = media.sdp_port(r["sdp"])
        key_b = srtp.new_key(suite)
        r = d.ng.answer(sdp(b, "RTP/SAVP", srtp.crypto_line(tag, suite, key_b, "|7:2")),
                        "rtp-mki", "A", "B")
        a_port = media.sdp_port(r["sdp"])
        tx = srtp.Session(suite, key_b, inbound=False, mki=(7, 2))
        rx = srtp.Session(suite, key_r, inbound=True)
        for seq in range(1, 4):
            plain = media.rtp(seq=seq, ssrc=0xB, payload=payload(b"B", seq))
            b.send(tx.protect(plain), b_port)
            check.eq(a.recv()[0], plain, "B's packet %d (MKI 7) decrypted at A" % seq)
            plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
            a.send(plain, a_port)
            check.eq(rx.unprotect(b.recv()[0]), plain, "A's packet %d at B, no MKI" % seq)
        d.ng.delete("rtp-mki")


def test_forged_and_replayed_packets_are_dropped_and_counted():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_80"
    def totals():
        if daemon.IS_RTPENGINE:  # rtprelay's counters (COMPAT.md: Replies, statistics)
            return 0, 0
        t = d.ng.command("statistics")["statistics"]["totalstatistics"]
        return t["srtpauthfailures"], t["srtpreplays"]

    before = totals()
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port, tx, rx, _ = srtp_to_rtp(d, a, b, "srtp-bad", suite)
        good = tx.protect(media.rtp(seq=1, ssrc=0xA))
        a.send(good, a_port)
        b.recv()
        if not daemon.IS_RTPENGINE:
            # rtpengine 10.5 relays a replayed packet (COMPAT.md: SRTP,
            # replays)
            a.send(good, a_port)  # replayed
        forged = bytearray(tx.protect(media.rtp(seq=2, ssrc=0xA)))
        forged[-1] ^= 1  # wrong tag
        a.send(bytes(forged), a_port)
        a.send(media.rtp(seq=3, ssrc=0xA), a_port)  # plain RTP where SRTP is due
        media.nothing_arrives(b)
        a.send(tx.protect(media.rtp(seq=4, ssrc=0xA, payload=payload(b"A", 4))), a_port)
        check.eq(b.recv()[0][12:], payload(b"A", 4), "a good packet still passes")
        s = d.ng.query("srtp-bad")["tags"]["A"]["medias"][0]["streams"][0]
        check.eq(s["endpoint"]["port"], a.port, "forged packets never move the endpoint")
        if daemon.IS_RTPENGINE:
            # no "dropped", and "packets" counts what arrived (COMPAT.md:
            # Replies, query)
            d.ng.delete("srtp-bad")
            return
        check.eq((s["dropped"]["SRTP auth"], s["dropped"]["SRTP replay"]), (2, 1),
                 "wrong tags and replays counted")
        check.eq(s["stats"]["packets"], 2, "only the genuine packets relayed")
        live = totals()
        d.ng.delete("srtp-bad")
        after = totals()
    check.eq((live[0] - before[0], live[1] - before[1]), (2, 1), "statistics: live call")
    check.eq(after, live, "statistics: kept after the call ended")


def test_reinvite_with_new_keys_keeps_media_flowing():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_80"
    with media.Peer() as a, media.Peer() as b:
        a_port, b_port, tx, rx, key_r = srtp_to_rtp(d, a, b, "srtp-rk", suite)
        for seq in range(1, 4):
            a.send(tx.protect(media.rtp(seq=seq, ssrc=0xA)), a_port)
            b.recv()
            b.send(media.rtp(seq=seq, ssrc=0xB), b_port)
            rx.unprotect(a.recv()[0])
        key_a2 = srtp.new_key(suite)
        r = d.ng.offer(sdp(a, "RTP/SAVP", srtp.crypto_line(1, suite, key_a2)), "srtp-rk", "A",
                       **{"transport-protocol": "RTP/AVP"})
        r = d.ng.answer(sdp(b), "srtp-rk", "A", "B")
        lines = srtp.parse_crypto(r["sdp"])
        check.eq(lines[0][2], key_r, "rtprelay keeps its own key (no re-keying)")
        tx2 = srtp.Session(suite, key_a2, inbound=False)
        for seq in range(4, 8):
            plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
            a.send(tx2.protect(plain), a_port)
            check.eq(b.recv()[0], plain, "A's packet %d with its new key" % seq)
            plain = media.rtp(seq=seq, ssrc=0xB)
            b.send(plain, b_port)
            check.eq(rx.unprotect(a.recv()[0]), plain, "B's packet %d, same session at A" % seq)
        d.ng.delete("srtp-rk")


def test_sdes_flags_choose_the_suites():
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a:
        r = d.ng.offer(sdp(a), "sdes-f1", "A", **{"transport-protocol": "RTP/SAVP"})
        offered = [s for _, s, _, _ in srtp.parse_crypto(r["sdp"])]
        check.eq(offered, ["AEAD_AES_256_GCM", "AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80",
                           "AES_256_CM_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80",
                           "AES_CM_128_HMAC_SHA1_32", "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32"],
                 "rtpengine's order, without F8 and AES_192")
        check.true("F8_128_HMAC_SHA1_80" not in offered, "no suite the library lacks")
        r = d.ng.offer(sdp(a), "sdes-f2", "A", **{"transport-protocol": "RTP/SAVP",
                                                  "SDES": ["no-AES_CM_128_HMAC_SHA1_80"],
                                                  "flags": ["SDES-no-AEAD_AES_256_GCM"]})
        offered = [s for _, s, _, _ in srtp.parse_crypto(r["sdp"])]
        check.true("AES_CM_128_HMAC_SHA1_80" not in offered and
                   "AEAD_AES_256_GCM" not in offered, "no- removes suites", offered)
        r = d.ng.offer(sdp(a), "sdes-f3", "A", **{"transport-protocol": "RTP/SAVP",
                                                  "SDES": ["only-AEAD_AES_128_GCM",
                                                           "unencrypted_srtcp"]})
        lines = srtp.parse_crypto(r["sdp"])
        check.eq([(t, s) for t, s, _, _ in lines], [(1, "AEAD_AES_128_GCM")], "only-")
        check.true("UNENCRYPTED_SRTCP" in r["sdp"], "session parameter written", r["sdp"])
        # pad (and its legacy flag pad-crypto): keys with base64 padding
        # (30 bytes of AES_CM_128 key and salt are 40 characters, no '=';
        # AEAD_AES_128_GCM's 28 bytes are 38 + "==")
        for kw in ({"SDES": ["only-AEAD_AES_128_GCM", "pad"]},
                   {"SDES": ["only-AEAD_AES_128_GCM"], "flags": ["pad-crypto"]}):
            r = d.ng.offer(sdp(a), "sdes-pad", "A", **{"transport-protocol": "RTP/SAVP", **kw})
            check.true(re.search(r"inline:[A-Za-z0-9+/]{38}==", r["sdp"]), "padded: %s" % kw,
                       r["sdp"])
            d.ng.delete("sdes-pad")
        for call in ("sdes-f1", "sdes-f2", "sdes-f3"):
            d.ng.delete(call)


def test_requests_rtprelay_cannot_honour_are_errors():
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    key = srtp.new_key("AES_CM_128_HMAC_SHA1_80")
    with media.Peer() as a:
        cases = [
            ({"transport-protocol": "RTP/SAVP", "SDES": ["off"], "DTLS": "off"}, sdp(a),
             "SDES=off"),
            ({"transport-protocol": "RTP/SAVP", "SDES": ["mki"]}, sdp(a),
             "SDES option 'mki' is not supported"),
            ({"OSRTP": ["offer-legacy"]}, sdp(a), "OSRTP option 'offer-legacy' is not supported"),
            ({"flags": ["OSRTP-accept-legacy"]}, sdp(a), "OSRTP option 'accept-legacy'"),
            ({"transport-protocol": "RTP/SAVP", "SDES": ["only-F8_128_HMAC_SHA1_80"]}, sdp(a),
             "no crypto suite to offer"),
            ({"transport-protocol": "RTP/AVP"},
             sdp(a, "RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%%%\r\n"),
             "No usable SDES crypto suite offered (a=crypto); invalid line "
             "'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%%%'"),
            ({"transport-protocol": "RTP/AVP"}, sdp(a, "RTP/SAVP"), "No usable SDES crypto"),
            # (UDP/TLS/RTP/SAVP(F) conversions: DTLS-SRTP, t/integ/test_dtls.py)
            ({}, sdp(a, "RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%%%\r\n"),
             "No SDES crypto (a=crypto) to pass on; invalid line"),
            ({"transport-protocol": "RTP/AVP"},
             sdp(a, "RTP/SAVP", "a=crypto:1 F8_128_HMAC_SHA1_80 inline:%s\r\n" % srtp.b64(key)),
             "No usable SDES crypto"),
        ]
        for i, (kw, body, want) in enumerate(cases):
            call = "sdes-err-%d" % i
            r = d.ng.offer(body, call, "A", check=False, **kw)
            check.eq(r["result"], "error", "case %d: %r" % (i, kw))
            check.true(want in r["error-reason"], "case %d names the cause" % i,
                       r["error-reason"])
            check.eq(d.ng.query(call, check=False)["result"], "error", "case %d: no call" % i)


def test_srtp_on_both_sides_passes_the_parties_keys():
    """Both parties SRTP: their a=crypto lines pass (a malformed one is
    dropped, as rtpengine 10.5 drops it) and they key each other; packets
    pass as they are."""
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_80"
    key_a, key_b = srtp.new_key(suite), srtp.new_key(suite)
    with media.Peer() as a, media.Peer() as b:
        bad = "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:%%%\r\n"
        r = d.ng.offer(sdp(a, "RTP/SAVP", srtp.crypto_line(1, suite, key_a) + bad), "e2e", "A")
        check.eq([(t, s, k) for t, s, k, _ in srtp.parse_crypto(r["sdp"])], [(1, suite, key_a)],
                 "A's good line passed, the bad one dropped")
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b, "RTP/SAVP", srtp.crypto_line(1, suite, key_b)), "e2e", "A", "B")
        check.eq([k for _, _, k, _ in srtp.parse_crypto(r["sdp"])], [key_b], "B's key to A")
        a_port = media.sdp_port(r["sdp"])
        tx_a, rx_b = srtp.Session(suite, key_a, False), srtp.Session(suite, key_a, True)
        for seq in range(1, 4):
            plain = media.rtp(seq=seq, ssrc=0xA, payload=payload(b"A", seq))
            wire = tx_a.protect(plain)
            a.send(wire, a_port)
            got = b.recv()[0]
            check.eq(got, wire, "SRTP passed as it is")
            check.eq(rx_b.unprotect(got), plain, "and B decrypts it with A's key")
        s = d.ng.query("e2e")["tags"]["A"]["medias"][0]["streams"][0]
        check.true("SRTP" not in s["flags"], "rtprelay does not terminate", s["flags"])
        d.ng.delete("e2e")


def test_srtp_declined_by_the_answerer_is_terminated():
    """A offers SRTP, it goes on as SRTP, B answers plain RTP: rtprelay
    answers A with its own key and does the SRTP toward A."""
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AEAD_AES_128_GCM"
    key_a = srtp.new_key(suite)
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(sdp(a, "RTP/SAVP", srtp.crypto_line(3, suite, key_a)), "decl", "A")
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "decl", "A", "B")
        check.true("RTP/SAVP" in r["sdp"], "A's answer stays SRTP", r["sdp"])
        lines = srtp.parse_crypto(r["sdp"])
        check.eq([(t, s) for t, s, _, _ in lines], [(3, suite)], "A's tag and suite")
        check.ne(lines[0][2], key_a, "rtprelay's own key")
        a_port = media.sdp_port(r["sdp"])
        tx, rx = srtp.Session(suite, key_a, False), srtp.Session(suite, lines[0][2], True)
        plain = media.rtp(seq=1, ssrc=0xA, payload=payload(b"A", 1))
        a.send(tx.protect(plain), a_port)
        check.eq(b.recv()[0], plain, "decrypted for B")
        plain = media.rtp(seq=1, ssrc=0xB, payload=payload(b"B", 1))
        b.send(plain, b_port)
        check.eq(rx.unprotect(a.recv()[0]), plain, "encrypted for A")
        d.ng.delete("decl")


def test_a_repeated_answer_keeps_the_keys():
    """183 then 200 with the same SDP: the second answer is accepted, the
    keys and the sessions stay, media goes on."""
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_32"
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(sdp(a), "rep", "A", **{"transport-protocol": "RTP/SAVP"})
        tag, _, key_r, _ = [o for o in srtp.parse_crypto(r["sdp"]) if o[1] == suite][0]
        b_port = media.sdp_port(r["sdp"])
        key_b = srtp.new_key(suite)
        answer = sdp(b, "RTP/SAVP", srtp.crypto_line(tag, suite, key_b))
        a_port = media.sdp_port(d.ng.answer(answer, "rep", "A", "B")["sdp"])
        tx, rx = srtp.Session(suite, key_b, False), srtp.Session(suite, key_r, True)
        for seq in (1, 2):
            a.send(media.rtp(seq=seq, ssrc=0xA), a_port)
            rx.unprotect(b.recv()[0])
            b.send(tx.protect(media.rtp(seq=seq, ssrc=0xB)), b_port)
            a.recv()
        r = d.ng.answer(answer, "rep", "A", "B")
        check.eq(media.sdp_port(r["sdp"]), a_port, "the same answer again")
        for seq in (3, 4):
            plain = media.rtp(seq=seq, ssrc=0xA)
            a.send(plain, a_port)
            check.eq(rx.unprotect(b.recv()[0]), plain, "A's packet %d, same key for B" % seq)
            plain = media.rtp(seq=seq, ssrc=0xB)
            b.send(tx.protect(plain), b_port)
            check.eq(a.recv()[0], plain, "B's packet %d decrypted" % seq)
        d.ng.delete("rep")


def test_osrtp_offer_accepted_and_declined():
    """OSRTP=offer (RFC 8643): a plain callee is offered keys under RTP/AVP;
    answering with a=crypto makes it SRTP, answering without keeps it plain."""
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_80"
    for accepted in (True, False):
        call = "osrtp-%s" % accepted
        with media.Peer() as a, media.Peer() as b:
            r = d.ng.offer(sdp(a), call, "A", OSRTP=["offer"])
            check.true("RTP/AVP" in r["sdp"], "the profile stays RTP/AVP", r["sdp"])
            offered = srtp.parse_crypto(r["sdp"])
            tag, _, key_r, _ = [o for o in offered if o[1] == suite][0]
            b_port = media.sdp_port(r["sdp"])
            key_b = srtp.new_key(suite)
            body = sdp(b, "RTP/AVP", srtp.crypto_line(tag, suite, key_b) if accepted else "")
            r = d.ng.answer(body, call, "A", "B")
            check.true("a=crypto" not in r["sdp"], "A stays plain", r["sdp"])
            a_port = media.sdp_port(r["sdp"])
            plain = media.rtp(seq=1, ssrc=0xA, payload=payload(b"A", 1))
            a.send(plain, a_port)
            got = b.recv()[0]
            if accepted:
                check.eq(srtp.Session(suite, key_r, True).unprotect(got), plain, "SRTP to B")
                b.send(srtp.Session(suite, key_b, False).protect(plain), b_port)
            else:
                check.eq(got, plain, "plain to B")
                b.send(plain, b_port)
            check.eq(a.recv()[0], plain, "plain to A")
            d.ng.delete(call)


def test_osrtp_accept():
    """OSRTP=accept: an offer's a=crypto under RTP/AVP is SRTP the offerer
    speaks; toward a plain callee rtprelay terminates it and answers the
    offerer with its own key, still under RTP/AVP. Without the flag the keys
    are not passed on and the call is plain."""
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    suite = "AES_CM_128_HMAC_SHA1_32"
    key_a = srtp.new_key(suite)
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(sdp(a, "RTP/AVP", srtp.crypto_line(2, suite, key_a)), "osrtp-acc", "A",
                       OSRTP=["accept"])
        check.true("a=crypto" not in r["sdp"], "B is offered plain RTP", r["sdp"])
        b_port = media.sdp_port(r["sdp"])
        r = d.ng.answer(sdp(b), "osrtp-acc", "A", "B")
        check.true("RTP/AVP" in r["sdp"], "A's profile stays", r["sdp"])
        lines = srtp.parse_crypto(r["sdp"])
        check.eq([(t, s) for t, s, _, _ in lines], [(2, suite)], "rtprelay's key for A")
        a_port = media.sdp_port(r["sdp"])
        plain = media.rtp(seq=1, ssrc=0xA, payload=payload(b"A", 1))
        a.send(srtp.Session(suite, key_a, False).protect(plain), a_port)
        check.eq(b.recv()[0], plain, "decrypted for B")
        b.send(plain, b_port)
        check.eq(srtp.Session(suite, lines[0][2], True).unprotect(a.recv()[0]), plain,
                 "encrypted for A")
        d.ng.delete("osrtp-acc")
        r = d.ng.offer(sdp(a, "RTP/AVP", srtp.crypto_line(2, suite, key_a)), "osrtp-no", "A")
        check.true("a=crypto" not in r["sdp"], "without accept: not passed on", r["sdp"])
        r = d.ng.answer(sdp(b), "osrtp-no", "A", "B")
        check.true("a=crypto" not in r["sdp"], "and A's answer is plain", r["sdp"])
        d.ng.delete("osrtp-no")


def test_aes_192_refused():
    # An SRTP offer whose only suite is AES_192_CM: rtprelay has no
    # conforming AES_192 (lib/sdes.c), so it cannot decrypt it and says so
    # rather than answering with a key nobody can use (COMPAT.md).
    check.only("rtprelay")
    d = daemon.shared("v4", args=["--delete-delay=0"])
    with media.Peer() as a:
        key = base64.b64encode(bytes(range(38))).decode()
        r = d.ng.offer(sdp(a, "RTP/SAVP", "a=crypto:1 AES_192_CM_HMAC_SHA1_80 inline:%s\r\n" % key),
                       "srtp-192", "A", check=False, **{"transport-protocol": "RTP/AVP"})
        check.eq(r["result"], "error", "AES_192 only: refused")
        check.contains(r["error-reason"], "No usable SDES crypto suite", "reason")
