"""WebRTC bridging with a real WebRTC peer: Debian's aiortc (its own ICE,
DTLS and SRTP) on one side, a plain RTP/AVP phone (media.Peer) on the
other, the ng flags of the Kamailio rtpengine module's WebRTC recipe:

    toward the phone:   ICE=remove, RTP/AVP, rtcp-mux-demux
    toward the browser: ICE=force, DTLS=passive, UDP/TLS/RTP/SAVPF, rtcp-mux-offer,
                        generate-mid

Both directions of call set-up; ICE, the DTLS handshake and SRTP must
complete and RTP must arrive intact both ways: what aiortc put into SRTP
is what the phone gets, what the phone sends is what aiortc decrypts.
These hold for rtpengine 10.5 as for rtprelay."""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401

try:
    import aiortc_peer as webrtc
except ImportError as e:  # not Debian's python3, or python3-aiortc missing
    webrtc = None
    IMPORT_ERROR = str(e)

TO_PHONE = {"ICE": "remove", "transport-protocol": "RTP/AVP", "rtcp-mux": ["demux"]}
TO_BROWSER = {"ICE": "force", "DTLS": "passive", "transport-protocol": "UDP/TLS/RTP/SAVPF",
              "rtcp-mux": ["offer"], "flags": ["generate-mid"]}


def need_aiortc():
    if webrtc is None:
        raise AssertionError("aiortc not importable (%s): run with /usr/bin/python3 and "
                             "python3-aiortc installed (scripts/deps.sh)" % IMPORT_ERROR)


def phone_sdp(peer, o_id=7):
    return ("v=0\r\no=phone %d %d IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" % (o_id, o_id, peer.port))


def phone_packets(n, ssrc=0x0BADCAFE):
    return [media.rtp(seq=100 + i, ts=1000 + 160 * i, ssrc=ssrc, pt=0,
                      payload=bytes(((i * 13 + j) * 29) & 0xFF for j in range(160)))
            for i in range(n)]


def drain(sock, into):
    while True:
        try:
            into.append(sock.recv(2048))
        except BlockingIOError:
            return


async def exchange(browser, phone, phone_to, n=25):
    """n packets from the phone into the call, while the browser's audio
    flows; then both sides' receipts are compared with what was sent. The
    loop never blocks: aiortc runs on the same event loop."""
    sent = phone_packets(n)
    got_at_phone = []
    phone.sock.setblocking(False)
    for p in sent:
        phone.sock.sendto(p, ("127.0.0.1", phone_to))
        await asyncio.sleep(0.02)
        drain(phone.sock, got_at_phone)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (
            len(got_at_phone) < n or
            sum(1 for p in browser.received_rtp if media.rtp_header(p)[4] == 0x0BADCAFE) < n):
        await asyncio.sleep(0.02)
        drain(phone.sock, got_at_phone)
    phone.sock.setblocking(True)
    # the phone's packets decrypted by aiortc, byte for byte, in order
    mine = [p for p in browser.received_rtp if media.rtp_header(p)[4] == 0x0BADCAFE]
    check.eq(mine, sent, "phone's RTP as aiortc decrypted it")
    # what aiortc sent (before SRTP) arrives at the phone unchanged
    check.eq(len(got_at_phone) >= n, True, "browser's RTP at the phone (%d)" % len(got_at_phone))
    sent_by_browser = set(browser.sent_rtp)
    for p in got_at_phone:
        check.eq(p in sent_by_browser, True, "a packet at the phone is one aiortc sent")


async def browser_calls_phone(d, call):
    browser = webrtc.Browser()
    try:
        with media.Peer() as phone:
            offer = await browser.offer()
            r = d.ng.offer(offer, call, "browser", **{"extra": TO_PHONE})
            check.contains(r["sdp"], "RTP/AVP", "the phone is offered plain RTP")
            check.eq("a=ice-ufrag" in r["sdp"] or "a=fingerprint" in r["sdp"], False,
                     "no ICE or DTLS toward the phone")
            phone_to = media.sdp_port(r["sdp"])
            r = d.ng.answer(phone_sdp(phone), call, "browser", "phone", **{"extra": {}})
            ans = r["sdp"]
            check.contains(ans, "UDP/TLS/RTP/SAVPF", "the browser gets DTLS-SRTP")
            check.contains(ans, "a=fingerprint:", "fingerprint")
            check.contains(ans, "a=ice-ufrag:", "ICE credentials")
            check.contains(ans, "a=candidate:", "candidates")
            check.contains(ans, "a=rtcp-mux", "rtcp-mux accepted toward the browser")
            await browser.accept(ans)
            await browser.wait_connected()
            await exchange(browser, phone, phone_to)
    finally:
        await browser.close()
        d.ng.delete(call)


async def phone_calls_browser(d, call):
    browser = webrtc.Browser()
    try:
        with media.Peer() as phone:
            r = d.ng.offer(phone_sdp(phone), call, "phone", **{"extra": TO_BROWSER})
            off = r["sdp"]
            check.contains(off, "UDP/TLS/RTP/SAVPF", "the browser is offered DTLS-SRTP")
            check.contains(off, "a=setup:", "DTLS role")
            check.contains(off, "a=candidate:", "candidates")
            ans = await browser.answer(off)
            r = d.ng.answer(ans, call, "phone", "browser", **{"extra": TO_PHONE})
            check.contains(r["sdp"], "RTP/AVP", "the phone's answer is plain RTP")
            check.eq("a=fingerprint" in r["sdp"], False, "no DTLS toward the phone")
            phone_to = media.sdp_port(r["sdp"])
            await browser.wait_connected()
            await exchange(browser, phone, phone_to)
    finally:
        await browser.close()
        d.ng.delete(call)


def test_browser_calls_phone():
    need_aiortc()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    asyncio.run(browser_calls_phone(d, "w-b2p"))


def test_phone_calls_browser():
    need_aiortc()
    d = daemon.shared("v4", args=["--delete-delay=0"])
    asyncio.run(phone_calls_browser(d, "w-p2b"))
