"""The ng transports and message layer against a real daemon: cookies,
the retransmission cache, error replies, TCP framing (partial, pipelined,
malformed, abandoned messages) and the HTTP endpoints.

Where rtprelay deliberately differs from rtpengine 10.5 the test says so
and runs under rtprelay only (see COMPAT.md)."""

import http.client
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402
import ng  # noqa: E402

PING = b"d7:command4:pinge"


def d():
    return daemon.shared("transport")


def udp_raw(data, timeout=1.0):
    """Send one datagram; return the reply bytes or None after timeout."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(data, ("127.0.0.1", d().ng_port))
        try:
            return s.recv(1 << 17)
        except socket.timeout:
            return None
    finally:
        s.close()


def reply_of(raw):
    cookie, body = ng.split_reply(raw)
    return cookie, ng.decode_body(body)


def ping_count():
    st = d().ng.command("statistics")
    return st["statistics"]["controlstatistics"]["totalpingcount"]


# ------------------------------------------------------------------- UDP


def test_udp_ping_and_cookie_echo():
    raw = udp_raw(b"cookie-1 " + PING)
    check.eq(raw, b"cookie-1 d6:result4:ponge", "ping reply bytes")


def test_udp_no_cookie_no_reply():
    for data in (b"nocookie", b" " + PING, b""):
        check.eq(udp_raw(data, timeout=0.3), None, "reply to %r" % data[:30])
    # still alive
    check.eq(d().ng.ping(), {"result": "pong"}, "ping after junk")


def test_udp_cookie_too_long_no_reply():
    check.only("rtprelay")  # rtpengine 10.5 has no cookie length limit
    check.eq(udp_raw(b"x" * 129 + b" " + PING, timeout=0.3), None, "129-byte cookie")
    check.eq(udp_raw(b"x" * 128 + b" " + PING), b"x" * 128 + b" d6:result4:ponge", "128-byte cookie")


def test_udp_error_reasons():
    cases = [
        (b"e1 d7:command3:fooe", "Unrecognized command"),
        (b"e2 d3:foo3:bare", 'Dictionary contains no key "command"'),
        (b"e3 ", "Invalid data (no payload)"),
        (b'e4 {"command":"foo"}', "Unrecognized command"),
    ]
    for data, reason in cases:
        cookie, r = reply_of(udp_raw(data))
        check.eq(cookie, data.split(b" ")[0].decode(), "cookie of %r" % data)
        check.error(r, reason, "reply to %r" % data)


def test_udp_malformed_gets_error():
    for data in (b"m1 d7:command4:pin", b"m2 l4:pinge", b"m3 garbage", b'm4 {"command":',
                 b'm5 {"command":null}', b"m6 d7:commandi5ee"):
        cookie, r = reply_of(udp_raw(data))
        check.error(r, None, "reply to %r" % data)
        check.true(r.get("error-reason"), "error-reason present for %r" % data, r)


def test_udp_malformed_reason_text():
    check.only("rtprelay")  # rtpengine: "Could not decode bencode dictionary" etc.
    _, r = reply_of(udp_raw(b"m1 d7:command3:fooxe"))
    check.true(r["error-reason"].startswith("Malformed bencode at byte 15: "),
               "reason names the byte", r)
    _, r = reply_of(udp_raw(b"m2 d7:commandi5ee"))
    check.error(r, 'Key "command" is not a string')


def test_udp_malformed_flood_suppressed_logs_counted():
    """Malformed requests are logged at most 5 times per 10 s; what is left
    unwritten is counted in statistics (log.suppressed), and the counter
    moves by what was refused, not by what was written."""
    check.only("rtprelay")  # rtprelay's own statistics key
    with daemon.Daemon(name="suppress") as dd:
        def suppressed():
            return dd.ng.command("statistics")["statistics"]["log"]["suppressed"]

        before = suppressed()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2.0)
        try:
            for i in range(40):
                s.sendto(b"f%d d7:command3:fooxe" % i, ("127.0.0.1", dd.ng_port))
                s.recv(1 << 16)
        finally:
            s.close()
        after = suppressed()
        logged = dd.log_text().count("malformed ng request")
        check.true(1 <= logged <= 5, "malformed requests logged %d times (5 at most)" % logged)
        check.eq(after - before, 40 - logged, "suppressed counted (logged %d)" % logged)


def test_values_from_the_network_cannot_forge_log_lines():
    """A value with a newline, an escape sequence and invalid UTF-8, in an
    error reason and in the call-id (the log context), stays on its own
    line, escaped."""
    check.only("rtprelay")  # log format
    forged = "2026-12-05 10:00:00.000 [CRIT] core: forged"
    with daemon.Daemon(name="forge") as dd:
        r = dd.ng.request({"command": "offer", "call-id": "c\n" + forged + "\x1b[2J",
                           "from-tag": "a", "sdp": "v=0", "ICE": "bad\r\n" + forged})
        check.error(r, None, "offer with a bad ICE value")
        r = dd.ng.request({"command": "offer", "call-id": b"c\xff\xfe\n" + forged.encode(),
                           "from-tag": "a", "sdp": "v=0", "ICE": b"\xc0\xaf"})
        check.error(r, None, "offer with invalid UTF-8")
        text = dd.log_text()
        lines = [l for l in text.splitlines() if not l.startswith("#")]
        check.true(not any(l.startswith(forged) for l in lines), "no forged line", text[-2000:])
        check.true("\x1b" not in text and "\r" not in text, "no raw escape or CR in the log")
        check.contains(text, "bad\\x0d\\x0a2026-12-05", "the reason, escaped")
        check.contains(text, "[c\\x0a2026-12-05", "the call-id context, escaped")
        check.contains(text, "\\xc0\\xaf", "invalid UTF-8, escaped")


def test_udp_retransmission_answered_from_cache():
    before = ping_count()
    a = udp_raw(b"rt-1 " + PING)
    b = udp_raw(b"rt-1 " + PING)
    check.eq(b, a, "retransmission gets the same bytes")
    check.eq(ping_count() - before, 1, "executed once")


def test_udp_same_cookie_other_body_is_new_request():
    check.only("rtprelay")  # rtpengine 10.5 keys its cache by cookie alone
    a = udp_raw(b"rt-2 " + PING)
    b = udp_raw(b"rt-2 d7:command3:fooe")
    check.eq(a, b"rt-2 d6:result4:ponge", "first")
    _, r = reply_of(b)
    check.error(r, "Unrecognized command", "second, other body")


def test_json_bools_and_result_last():
    raw = udp_raw(b'j1 {"command":"list","limit":true}')
    check.true(raw.startswith(b'j1 {"calls":['), "JSON reply, handler keys first", raw)
    check.true(raw.endswith(b',"result":"ok"}'), "result appended last", raw)


def test_errors_counted_per_command():
    check.only("rtprelay")
    st = d().ng.command("statistics")
    before = st["statistics"]["controlstatistics"]["commands"]["query"]["errors"]
    r = d().ng.command("query", check=False, **{"call-id": "no-such-call-%d" % os.getpid()})
    check.error(r)
    st = d().ng.command("statistics")
    check.eq(st["statistics"]["controlstatistics"]["commands"]["query"]["errors"] - before, 1, "query errors")


# ------------------------------------------------------------------- TCP


def tcp_conn():
    s = socket.create_connection(("127.0.0.1", d().tcp_port), timeout=3)
    return s


def tcp_read(s, n_replies=1, timeout=3.0):
    """Read until n_replies complete messages arrived (or EOF/timeout)."""
    buf, got, eof = b"", [], False
    deadline = time.monotonic() + timeout
    while len(got) < n_replies:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            eof = True
            break
        if not chunk:
            eof = True
            break
        buf += chunk
        while True:
            sp = buf.find(b" ")
            if sp < 0:
                break
            try:
                body = buf[sp + 1:]
                if body[:1] == b"{":
                    end = ng._json_end(body)
                    if end is None:
                        break
                else:
                    _, end = ng.decode_prefix(body)
            except ng.Incomplete:
                break
            got.append(buf[:sp + 1 + end])
            buf = buf[sp + 1 + end:]
    return got, eof


def wait_eof(s, timeout=3.0):
    s.settimeout(timeout)
    try:
        while True:
            c = s.recv(65536)
            if not c:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_tcp_pipelined():
    s = tcp_conn()
    s.sendall(b"p1 " + PING + b"p2 " + PING + b"p3 " + PING)
    got, _ = tcp_read(s, 3)
    check.eq(got, [b"p1 d6:result4:ponge", b"p2 d6:result4:ponge", b"p3 d6:result4:ponge"],
             "three replies in order")
    s.close()


def test_tcp_blank_between_messages():
    check.only("rtprelay")  # rtpengine 10.5 takes "\r\np3" for the cookie
    s = tcp_conn()
    s.sendall(b"b1 " + PING + b"\r\nb2 " + PING + b"\n")
    got, _ = tcp_read(s, 2)
    check.eq(got, [b"b1 d6:result4:ponge", b"b2 d6:result4:ponge"], "two replies")
    s.close()


def test_tcp_json_pipelined():
    check.only("rtprelay")  # rtpengine 10.5 takes no JSON over TCP
    s = tcp_conn()
    s.sendall(b'pj1 {"command":"ping"}pj2 ' + PING + b'\r\npj3 {"command":"ping","x":"}"}')
    got, _ = tcp_read(s, 3)
    check.eq(got, [b'pj1 {"result":"pong"}', b"pj2 d6:result4:ponge", b'pj3 {"result":"pong"}'],
             "three replies in order")
    s.close()


def send_slowly(s, msg):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(len(msg)):
        s.send(msg[i:i + 1])
        time.sleep(0.002)


def test_tcp_byte_by_byte():
    check.only("rtprelay")  # rtpengine 10.5 answers every partial read with an error
    s = tcp_conn()
    send_slowly(s, b"bb1 d7:command4:ping1:x4:d1:ee")
    got, _ = tcp_read(s, 1)
    check.eq(got, [b"bb1 d6:result4:ponge"], "reply to a message sent byte by byte")
    s.close()


def test_tcp_json_byte_by_byte():
    check.only("rtprelay")
    s = tcp_conn()
    send_slowly(s, b'bb2 {"command":"ping","x":"}{\\"["}')
    got, _ = tcp_read(s, 1)
    check.eq(got, [b'bb2 {"result":"pong"}'], "reply to a message sent byte by byte")
    s.close()


def test_tcp_malformed_error_then_close():
    check.only("rtprelay")  # rtpengine 10.5 neither answers nor closes
    s = tcp_conn()
    s.sendall(b"ok1 " + PING + b"bad1 garbage")
    got, eof = tcp_read(s, 2)
    check.eq(got[0], b"ok1 d6:result4:ponge", "first reply")
    check.true(len(got) == 2, "an error reply for the malformed one", got)
    _, r = reply_of(got[1])
    check.error(r)
    check.true(eof or wait_eof(s), "connection closed after the malformed message")
    s.close()


def test_tcp_no_cookie_closes_silently():
    check.only("rtprelay")
    s = tcp_conn()
    s.sendall(b"\x01nocookie " + PING)
    got, eof = tcp_read(s, 1, timeout=1.0)
    check.eq(got, [], "no reply")
    check.true(eof or wait_eof(s), "closed")
    s.close()


def test_tcp_too_long_closes():
    check.only("rtprelay")
    s = tcp_conn()
    s.sendall(b'big1 {"a":"' + b"x" * (300 * 1024))
    got, eof = tcp_read(s, 1)
    check.true(len(got) == 1, "an error reply", got)
    check.error(reply_of(got[0])[1])
    check.true(eof or wait_eof(s), "closed")
    s.close()


def test_tcp_abandoned_half_messages():
    # many clients leave mid-message; the daemon frees them (ASan checks the
    # leak at stop) and keeps serving
    for i in range(50):
        s = tcp_conn()
        s.sendall(b"half%d d7:command4:pi" % i)
        s.close()
    s = tcp_conn()
    s.sendall(b"after " + PING)
    got, _ = tcp_read(s, 1)
    check.eq(got, [b"after d6:result4:ponge"], "still serving")
    s.close()


def test_tcp_client_half_close_still_answered():
    if daemon.IS_RTPENGINE:
        check.skip("rtprelay only: rtpengine 10.5 drops a request whose FIN arrives with it "
                   "(COMPAT.md: Replies, TCP request then FIN)")
    s = tcp_conn()
    s.sendall(b"hc1 " + PING)
    s.shutdown(socket.SHUT_WR)
    got, _ = tcp_read(s, 1)
    check.eq(got, [b"hc1 d6:result4:ponge"], "reply after the client's FIN")
    s.close()


# ------------------------------------------------------------------ HTTP


def http_post(path, body, method="POST", ctype="application/x-rtpengine-ng"):
    c = http.client.HTTPConnection("127.0.0.1", d().http_port, timeout=3)
    try:
        c.request(method, path, body=body, headers={"Content-Type": ctype})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        c.close()


def test_http_ng():
    st, ct, body = http_post("/ng", b"h1 " + PING)
    check.eq((st, body), (200, b"h1 d6:result4:ponge"), "POST /ng")
    check.eq(ct, "application/x-rtpengine-ng", "content type")


def test_http_ng_json_and_plain():
    check.only("rtprelay")  # rtpengine 10.5 answers 404 to both
    st, ct, body = http_post("/ng", b'h2 {"command":"ping"}', ctype="application/json")
    check.eq((st, ct, body), (200, "application/json", b'h2 {"result":"pong"}'), "JSON over /ng")
    st, ct, body = http_post("/ng-plain", PING)
    check.eq((st, body), (200, b"d6:result4:ponge"), "POST /ng-plain")
    st, ct, body = http_post("/ng-plain", b'{"command":"foo"}', ctype="application/json")
    check.eq(st, 200, "status")
    check.error(ng.decode_body(body), "Unrecognized command")


def test_http_errors():
    check.only("rtprelay")
    check.eq(http_post("/nope", PING)[0], 404, "unknown path")
    check.eq(http_post("/ng", None, method="GET")[0], 405, "GET /ng")
    check.eq(http_post("/ng", b"nocookie")[0], 400, "no cookie")
