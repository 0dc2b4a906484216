"""Self-checks of the harness: bencode, golden masking, and the three ng
transports against the daemon under test (so a broken harness shows up
as such, not as a daemon bug)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402
import golden  # noqa: E402
import ng  # noqa: E402


def test_bencode_roundtrip():
    v = {"command": "offer", "flags": ["a", "b"], "n": -12, "d": {"x": ""}, "sdp": "v=0\r\n"}
    check.eq(ng.encode(v), b"d7:command5:offer5:flagsl1:a1:be1:ni-12e1:dd1:x0:e3:sdp5:v=0\r\ne", "encode")
    check.eq(ng.decode(ng.encode(v)), v, "round trip")
    check.eq(list(ng.decode(b"d1:bi1e1:ai2ee").keys()), ["b", "a"], "key order kept")
    check.raises(ng.Incomplete, ng.decode, b"d7:command4:pin")
    check.raises(ValueError, ng.decode, b"x")
    check.raises(ValueError, ng.decode, b"i1ei2e")
    check.raises(TypeError, ng.encode, True)


def test_mask_rules():
    sdp = ("o=- 1 2 IN IP4 192.0.2.1\r\nm=audio 30000 RTP/AVP 0\r\na=rtcp:30001\r\n"
           "m=video 0 RTP/AVP 96\r\nm=audio 30002 RTP/AVP 0\r\na=rtcp:30002 IN IP4 127.0.0.1\r\n"
           "m=audio 30004 RTP/AVP 0\r\na=rtcp:40000\r\n")
    check.eq(golden.mask(sdp), (
        "o=- 1 2 IN IP4 192.0.2.1\r\nm=audio {PORT} RTP/AVP 0\r\na=rtcp:{PORT+1}\r\n"
        "m=video 0 RTP/AVP 96\r\nm=audio {PORT} RTP/AVP 0\r\na=rtcp:{PORT} IN IP4 127.0.0.1\r\n"
        "m=audio {PORT} RTP/AVP 0\r\na=rtcp:{RTCP}\r\n"), "mask")
    check.eq(golden.mask("o=x 11 22 IN IP4 1.2.3.4\r\n", ("version",)), "o=x 11 {VERSION} IN IP4 1.2.3.4\r\n")
    check.eq(golden.mask("o=x 11 22 IN IP4 1.2.3.4\r\n"), "o=x 11 22 IN IP4 1.2.3.4\r\n", "origin unmasked by default")
    check.ne(golden.mask("m=audio 1 RTP/AVP 0\n"), golden.mask("m=audio 1 RTP/AVP 0\r\n"), "line ends compared")


def test_ping_udp_tcp_http():
    d = daemon.shared("v4")
    check.eq(d.ng.ping(), {"result": "pong"}, "UDP ping")
    t = d.tcp()
    check.eq(t.ping(), {"result": "pong"}, "TCP ping")
    check.eq(t.ping(), {"result": "pong"}, "TCP ping, same connection")
    check.eq(d.http().ping(), {"result": "pong"}, "HTTP ping")


def test_json_request_gets_json_reply():
    d = daemon.shared("v4")
    raw = d.ng.send_raw(b'j1 {"command":"ping"}', cookie="j1")
    check.eq(raw, b'j1 {"result":"pong"}', "raw JSON reply")


def test_media_relay_both_ways():
    import media
    d = daemon.shared("v4")
    call = "harness-media-%d" % os.getpid()
    with media.Peer() as a, media.Peer() as b:
        r = d.ng.offer(a.sdp(), call, "A")
        to_a = media.sdp_port(r["sdp"])  # the offer's output is B's view: B sends here
        r = d.ng.answer(b.sdp(), call, "A", "B")
        to_b = media.sdp_port(r["sdp"])
        for seq in range(1, 4):
            a.send(media.rtp(seq=seq, ssrc=0xA), to_b)
            b.send(media.rtp(seq=seq, ssrc=0xB), to_a)
        pkt, _ = b.recv()
        check.eq(media.rtp_header(pkt)[4], 0xA, "SSRC arriving at B")
        pkt, _ = a.recv()
        check.eq(media.rtp_header(pkt)[4], 0xB, "SSRC arriving at A")
        d.ng.delete(call, "A")
