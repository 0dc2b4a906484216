"""ng control protocol client for the integration tests (standard library only).

Wire format: "<cookie> <dictionary>", the dictionary bencoded (or JSON when
it starts with '{'); the reply carries the same cookie.

    c = NG(("127.0.0.1", port))                 # UDP
    c = NG(("127.0.0.1", port), "tcp")          # TCP byte stream
    c = NG(("127.0.0.1", port), "http")         # POST /ng
    r = c.request({"command": "ping"})          # -> {'result': 'pong'}
    r = offer(c, sdp, "call1", "tagA", flags=["trust-address"])

Decoded strings are str (UTF-8, undecodable bytes kept via surrogateescape),
so SDP bodies compare as text; encode() accepts str, bytes, int, list, dict
(keys in insertion order: the order a test writes is the order sent).
Every wait is bounded by `timeout` seconds; a missing reply raises NGTimeout.
"""

import http.client
import json
import os
import socket
import time

__all__ = [
    "encode", "decode", "decode_prefix", "NG", "NGError", "NGTimeout",
    "new_cookie", "offer", "answer", "delete", "query", "ping", "opts",
]


class NGError(Exception):
    """A reply with result=error where success was expected (has .reply)."""

    def __init__(self, reply, request=None):
        self.reply = reply
        self.request = request
        super().__init__("ng error reply: %r\n  request: %r" % (reply, request))


class NGTimeout(Exception):
    pass


# --------------------------------------------------------------- bencode

def encode(obj):
    """Bencode obj. bool is refused (ng has no booleans: send 'yes'/1)."""
    out = []
    _enc(obj, out)
    return b"".join(out)


def _enc(obj, out):
    if isinstance(obj, bool):
        raise TypeError("bencode has no booleans; send 'yes' or 1")
    if isinstance(obj, int):
        out.append(b"i%de" % obj)
    elif isinstance(obj, (bytes, bytearray)):
        out.append(b"%d:" % len(obj))
        out.append(bytes(obj))
    elif isinstance(obj, str):
        b = obj.encode("utf-8", "surrogateescape")
        out.append(b"%d:" % len(b))
        out.append(b)
    elif isinstance(obj, (list, tuple)):
        out.append(b"l")
        for v in obj:
            _enc(v, out)
        out.append(b"e")
    elif isinstance(obj, dict):
        out.append(b"d")
        for k, v in obj.items():
            _enc(k, out)
            _enc(v, out)
        out.append(b"e")
    else:
        raise TypeError("cannot bencode %r" % type(obj))


class Incomplete(ValueError):
    """The buffer ends inside a value (more bytes may complete it)."""


def decode_prefix(data, pos=0, raw=False):
    """Decode one bencoded value at data[pos:]; return (value, end).

    Raises Incomplete if data ends early, ValueError if it is malformed
    (a dictionary that repeats a key is malformed: strict decoders refuse
    it). raw=True keeps strings as bytes.
    """
    if pos >= len(data):
        raise Incomplete("end of data")
    c = data[pos:pos + 1]
    if c == b"i":
        end = data.find(b"e", pos)
        if end < 0:
            raise Incomplete("unterminated integer")
        try:
            return int(data[pos + 1:end]), end + 1
        except ValueError:
            raise ValueError("bad integer at %d" % pos) from None
    if c == b"l":
        pos += 1
        items = []
        while True:
            if pos >= len(data):
                raise Incomplete("unterminated list")
            if data[pos:pos + 1] == b"e":
                return items, pos + 1
            v, pos = decode_prefix(data, pos, raw)
            items.append(v)
    if c == b"d":
        pos += 1
        d = {}
        while True:
            if pos >= len(data):
                raise Incomplete("unterminated dictionary")
            if data[pos:pos + 1] == b"e":
                return d, pos + 1
            k, pos = decode_prefix(data, pos, raw)
            if not isinstance(k, (str, bytes)):
                raise ValueError("dictionary key is not a string")
            if k in d:
                raise ValueError("duplicate dictionary key %r at %d" % (k, pos))
            v, pos = decode_prefix(data, pos, raw)
            d[k] = v
    if c.isdigit():
        colon = data.find(b":", pos)
        if colon < 0:
            if len(data) - pos > 20:
                raise ValueError("bad string length at %d" % pos)
            raise Incomplete("unterminated string length")
        try:
            n = int(data[pos:colon])
        except ValueError:
            raise ValueError("bad string length at %d" % pos) from None
        end = colon + 1 + n
        if end > len(data):
            raise Incomplete("string runs past end")
        s = bytes(data[colon + 1:end])
        return (s if raw else s.decode("utf-8", "surrogateescape")), end
    raise ValueError("unexpected byte %r at %d" % (c, pos))


def decode(data, raw=False):
    """Decode exactly one bencoded value (trailing bytes are an error)."""
    v, end = decode_prefix(data, 0, raw)
    if end != len(data):
        raise ValueError("%d trailing bytes after bencoded value" % (len(data) - end))
    return v


# --------------------------------------------------------------- messages

_cookie_seq = 0


def new_cookie():
    """A cookie unique per process and call: '<pid>_<seq>_<random hex>'."""
    global _cookie_seq
    _cookie_seq += 1
    return "%d_%d_%s" % (os.getpid(), _cookie_seq, os.urandom(4).hex())


def split_reply(data):
    """Split b'<cookie> <body>' -> (cookie str, body bytes)."""
    sp = data.find(b" ")
    if sp < 0:
        raise ValueError("reply without cookie separator: %r" % data[:200])
    return data[:sp].decode("ascii", "replace"), data[sp + 1:]


def decode_body(body):
    """Decode a reply body: JSON if it starts with '{', else bencode."""
    if body[:1] == b"{":
        return json.loads(body.decode("utf-8"))
    return decode(body)


class NG:
    """One ng client on one transport ("udp", "tcp", "http").

    request() sends a dict and returns the decoded reply dict; send_raw()
    sends bytes you built (for malformed-input tests) and returns the raw
    reply bytes (cookie included). UDP requests are not retransmitted
    unless retries > 0 (same cookie, so the daemon must answer from its
    cache): a test never silently papers over a lost reply.
    """

    def __init__(self, addr, transport="udp", timeout=5.0, retries=0, json_mode=False):
        self.addr = (addr[0], int(addr[1]))
        self.transport = transport
        self.timeout = timeout
        self.retries = retries
        self.json = json_mode
        self.last_cookie = None
        self.last_request = None
        self._sock = None
        self._buf = b""
        if transport not in ("udp", "tcp", "http"):
            raise ValueError("transport must be udp, tcp or http, not %r" % transport)

    def __repr__(self):
        return "NG(%s %s:%d)" % (self.transport, self.addr[0], self.addr[1])

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sockets

    def _family(self):
        return socket.AF_INET6 if ":" in self.addr[0] else socket.AF_INET

    def _udp(self):
        if self._sock is None:
            self._sock = socket.socket(self._family(), socket.SOCK_DGRAM)
            self._sock.connect(self.addr)
        return self._sock

    def _tcp(self):
        if self._sock is None:
            s = socket.socket(self._family(), socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            try:
                s.connect(self.addr)
            except OSError:
                s.close()
                raise
            self._sock = s
            self._buf = b""
        return self._sock

    # -- raw exchange

    def send_raw(self, data, cookie=None, timeout=None):
        """Send one message (bytes, cookie included) and return the raw reply.

        cookie: the cookie to wait for (UDP ignores datagrams for other
        cookies, e.g. late replies to earlier requests); None = any reply.
        """
        timeout = self.timeout if timeout is None else timeout
        if self.transport == "udp":
            return self._udp_exchange(data, cookie, timeout)
        if self.transport == "tcp":
            return self._tcp_exchange(data, timeout)
        return self._http_exchange(data, timeout)

    def _udp_exchange(self, data, cookie, timeout):
        s = self._udp()
        attempts = 1 + self.retries
        per_try = timeout / attempts
        for _ in range(attempts):
            s.send(data)
            deadline = time.monotonic() + per_try
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    reply = s.recv(1 << 20)
                except socket.timeout:
                    break
                except ConnectionRefusedError:
                    raise NGTimeout("%r: connection refused (daemon not listening?)" % self)
                if cookie is None or reply.startswith(cookie.encode() + b" "):
                    return reply
        raise NGTimeout("%r: no reply within %.1fs to %r" % (self, timeout, data[:200]))

    def _tcp_exchange(self, data, timeout):
        s = self._tcp()
        deadline = time.monotonic() + timeout
        s.settimeout(timeout)
        s.sendall(data)
        while True:
            msg = self._tcp_take()
            if msg is not None:
                return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise NGTimeout("%r: no complete reply within %.1fs (have %r)" % (self, timeout, self._buf[:200]))
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                buf, self._buf = self._buf, b""
                self.close()
                raise NGTimeout("%r: connection closed by daemon (partial %r)" % (self, buf[:200]))
            self._buf += chunk

    def _tcp_take(self):
        """One complete '<cookie> <dict>' from the stream buffer, or None."""
        sp = self._buf.find(b" ")
        if sp < 0:
            return None
        body = self._buf[sp + 1:]
        try:
            if body[:1] == b"{":
                end = _json_end(body)
                if end is None:
                    return None
            else:
                _, end = decode_prefix(body)
        except Incomplete:
            return None
        msg = self._buf[:sp + 1 + end]
        self._buf = self._buf[sp + 1 + end:]
        return msg

    def _http_exchange(self, data, timeout):
        conn = http.client.HTTPConnection(self.addr[0], self.addr[1], timeout=timeout)
        try:
            ctype = "application/json" if self.json else "application/x-rtpengine-ng"
            conn.request("POST", "/ng", body=data, headers={"Content-Type": ctype})
            resp = conn.getresponse()
            body = resp.read()
            self.last_http_status = resp.status
            if resp.status != 200:
                raise NGError({"http-status": resp.status, "body": body.decode("utf-8", "replace")})
            return body
        except socket.timeout:
            raise NGTimeout("%r: no HTTP reply within %.1fs" % (self, timeout)) from None
        finally:
            conn.close()

    # -- dict exchange

    def request(self, msg, cookie=None, timeout=None):
        """Send dict msg, return the decoded reply dict (any result)."""
        cookie = cookie or new_cookie()
        if self.json:
            body = json.dumps(msg).encode()
        else:
            body = encode(msg)
        self.last_cookie = cookie
        self.last_request = msg
        reply = self.send_raw(cookie.encode() + b" " + body, cookie=cookie, timeout=timeout)
        rcookie, rbody = split_reply(reply)
        if rcookie != cookie:
            raise ValueError("reply cookie %r != request cookie %r" % (rcookie, cookie))
        return decode_body(rbody)

    def command(self, name, check=True, **fields):
        """request({'command': name, **fields}); raise NGError on error if check."""
        msg = {"command": name}
        msg.update(fields)
        r = self.request(msg)
        if check and r.get("result") == "error":
            raise NGError(r, msg)
        return r

    # convenience methods mirroring the module-level helpers
    def ping(self):
        return ping(self)

    def offer(self, sdp, call_id, from_tag, **kw):
        return offer(self, sdp, call_id, from_tag, **kw)

    def answer(self, sdp, call_id, from_tag, to_tag, **kw):
        return answer(self, sdp, call_id, from_tag, to_tag, **kw)

    def delete(self, call_id, from_tag=None, **kw):
        return delete(self, call_id, from_tag, **kw)

    def query(self, call_id, **kw):
        return query(self, call_id, **kw)


def _json_end(b):
    """End offset of the first complete JSON object in b, or None."""
    depth = 0
    instr = esc = False
    for i, ch in enumerate(b):
        if instr:
            if esc:
                esc = False
            elif ch == 0x5C:
                esc = True
            elif ch == 0x22:
                instr = False
        elif ch == 0x22:
            instr = True
        elif ch == 0x7B or ch == 0x5B:
            depth += 1
        elif ch == 0x7D or ch == 0x5D:
            depth -= 1
            if depth == 0:
                return i + 1
    return None


# --------------------------------------------------------------- helpers

def opts(kw):
    """Map Python keyword names to ng keys: '_' -> '-' (call_id -> call-id),
    except rtpp_flags, which ng spells with '_'. Keys with spaces
    ('address family', 'delete delay') go in extra={...} instead."""
    out = {}
    for k, v in kw.items():
        if k == "extra":
            out.update(v)
        elif k == "rtpp_flags":
            out[k] = v
        else:
            out[k.replace("_", "-")] = v
    return out


def _run(client, msg, check):
    r = client.request(msg)
    if check and r.get("result") != "ok":
        raise NGError(r, msg)
    return r


def ping(client):
    return client.request({"command": "ping"})


def offer(client, sdp, call_id, from_tag, check=True, **kw):
    """offer; extra keys as keywords (flags=[...], replace=[...], ICE='remove',
    received_from=['IP4', '1.2.3.4'], extra={'address family': 'IP6'}).
    Returns the reply dict; raises NGError unless result is ok (check=False
    returns it anyway)."""
    msg = {"command": "offer", "call-id": call_id, "from-tag": from_tag, "sdp": sdp}
    msg.update(opts(kw))
    return _run(client, msg, check)


def answer(client, sdp, call_id, from_tag, to_tag, check=True, **kw):
    msg = {"command": "answer", "call-id": call_id, "from-tag": from_tag,
           "to-tag": to_tag, "sdp": sdp}
    msg.update(opts(kw))
    return _run(client, msg, check)


def delete(client, call_id, from_tag=None, check=True, **kw):
    msg = {"command": "delete", "call-id": call_id}
    if from_tag is not None:
        msg["from-tag"] = from_tag
    msg.update(opts(kw))
    return _run(client, msg, check)


def query(client, call_id, check=True, **kw):
    msg = {"command": "query", "call-id": call_id}
    msg.update(opts(kw))
    return _run(client, msg, check)
