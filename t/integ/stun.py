"""A STUN/ICE peer for tests (RFC 5389/8445), standard library only:
building and parsing binding requests/responses with MESSAGE-INTEGRITY
(HMAC-SHA1) and FINGERPRINT (CRC-32 xor 0x5354554e), and the SDP ICE lines
a party sends.

    req = stun.request("theirufrag:myufrag", their_pwd, controlling=tb)
    m = stun.parse(data)          # dict: type, txid, attrs; mi_ok(data, pwd)
"""

import hmac
import hashlib
import os
import random
import socket
import struct
import zlib

MAGIC = 0x2112A442
BINDING_REQUEST, BINDING_SUCCESS, BINDING_ERROR = 0x0001, 0x0101, 0x0111
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, XOR_MAPPED = 0x0006, 0x0008, 0x0009, 0x0020
PRIORITY, USE_CANDIDATE, FINGERPRINT = 0x0024, 0x0025, 0x8028
ICE_CONTROLLED, ICE_CONTROLLING = 0x8029, 0x802A


def _attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def build(mtype, attrs, key=None, txid=None, fingerprint=True):
    """A STUN message: attrs [(type, bytes)], then MESSAGE-INTEGRITY with key
    (bytes/str) and FINGERPRINT."""
    txid = txid or os.urandom(12)
    body = b"".join(_attr(t, v) for t, v in attrs)
    if key is not None:
        key = key.encode() if isinstance(key, str) else key
        hdr = struct.pack("!HHI", mtype, len(body) + 24, MAGIC) + txid
        body += _attr(MESSAGE_INTEGRITY, hmac.new(key, hdr + body, hashlib.sha1).digest())
    if fingerprint:
        hdr = struct.pack("!HHI", mtype, len(body) + 8, MAGIC) + txid
        crc = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += _attr(FINGERPRINT, struct.pack("!I", crc))
    return struct.pack("!HHI", mtype, len(body), MAGIC) + txid + body


def request(username, key, priority=1853824767, controlling=None, controlled=None,
            use_candidate=False, txid=None):
    attrs = [(USERNAME, username.encode()), (PRIORITY, struct.pack("!I", priority))]
    if controlling is not None:
        attrs.append((ICE_CONTROLLING, struct.pack("!Q", controlling)))
    if controlled is not None:
        attrs.append((ICE_CONTROLLED, struct.pack("!Q", controlled)))
    if use_candidate:
        attrs.append((USE_CANDIDATE, b""))
    return build(BINDING_REQUEST, attrs, key, txid)


def success(txid, addr, key):
    """A success response mapping addr (host, port)."""
    return build(BINDING_SUCCESS, [(XOR_MAPPED, xor_addr(addr, txid))], key, txid)


def xor_addr(addr, txid):
    host, port = addr[:2]
    xp = port ^ (MAGIC >> 16)
    if ":" in host:
        raw = socket.inet_pton(socket.AF_INET6, host)
        mask = struct.pack("!I", MAGIC) + txid
        return struct.pack("!BBH", 0, 2, xp) + bytes(a ^ b for a, b in zip(raw, mask))
    raw = struct.unpack("!I", socket.inet_aton(host))[0]
    return struct.pack("!BBHI", 0, 1, xp, raw ^ MAGIC)


def parse(data):
    """dict(type, txid, attrs={type: value}, offsets={type: offset}); raises
    ValueError on a message that is not well-formed STUN."""
    if len(data) < 20:
        raise ValueError("short")
    mtype, length, magic = struct.unpack("!HHI", data[:8])
    if magic != MAGIC or length + 20 != len(data):
        raise ValueError("not STUN")
    txid, attrs, offs, off = data[8:20], {}, {}, 20
    while off < len(data):
        t, n = struct.unpack("!HH", data[off:off + 4])
        attrs[t], offs[t] = data[off + 4:off + 4 + n], off
        off += 4 + n + (-n % 4)
    return {"type": mtype, "txid": txid, "attrs": attrs, "offsets": offs}


def mi_ok(data, key):
    m = parse(data)
    off = m["offsets"].get(MESSAGE_INTEGRITY)
    if off is None:
        return False
    hdr = data[:2] + struct.pack("!H", off + 24 - 20) + data[4:20]
    mac = hmac.new(key.encode(), hdr + data[20:off], hashlib.sha1).digest()
    return hmac.compare_digest(mac, m["attrs"][MESSAGE_INTEGRITY])


def fingerprint_ok(data):
    m = parse(data)
    off = m["offsets"].get(FINGERPRINT)
    if off is None or off + 8 != len(data):
        return False
    hdr = data[:2] + struct.pack("!H", off + 8 - 20) + data[4:20]
    crc = (zlib.crc32(hdr + data[20:off]) ^ 0x5354554E) & 0xFFFFFFFF
    return struct.unpack("!I", m["attrs"][FINGERPRINT])[0] == crc


def xor_mapped(m):
    v = m["attrs"][XOR_MAPPED]
    fam, xp = v[1], struct.unpack("!H", v[2:4])[0] ^ (MAGIC >> 16)
    if fam == 1:
        return socket.inet_ntoa(struct.pack("!I", struct.unpack("!I", v[4:8])[0] ^ MAGIC)), xp
    mask = struct.pack("!I", MAGIC) + m["txid"]
    return socket.inet_ntop(socket.AF_INET6, bytes(a ^ b for a, b in zip(v[4:20], mask))), xp


def error_code(m):
    v = m["attrs"].get(ERROR_CODE)
    return None if v is None else (v[2] & 7) * 100 + v[3]


def creds():
    """(ufrag, pwd) for a test party."""
    al = "abcdefghijklmnopqrstuvwxyz0123456789"
    return ("".join(random.choice(al) for _ in range(8)),
            "".join(random.choice(al) for _ in range(24)))


def ice_lines(ufrag, pwd, cands, extra=()):
    """Media-level ICE lines: cands [(component, host, port)] as host
    candidates; the components of one base (RTCP on the RTP port + 1) share
    a foundation, as agents write them (rtpengine 10.5 selects a pair only
    when every component of one foundation succeeded)."""
    out = ["a=ice-ufrag:%s" % ufrag, "a=ice-pwd:%s" % pwd] + list(extra)
    bases = []  # one foundation per base: (host, RTP port) shared by its components
    for i, (comp, host, port) in enumerate(cands):
        base = (host, port - (comp - 1))
        if base not in bases:
            bases.append(base)
        out.append("a=candidate:%d %d UDP %d %s %d typ host"
                   % (bases.index(base) + 1, comp,
                      (126 << 24) | ((65535 - i) << 8) | (256 - comp), host, port))
    return "".join(l + "\r\n" for l in out)


def sdp_ice(sdp):
    """(ufrag, pwd, [(foundation, comp, prio, host, port, type)]) of an SDP."""
    uf = pw = None
    cands = []
    for line in sdp.replace("\r", "").split("\n"):
        if line.startswith("a=ice-ufrag:"):
            uf = line.split(":", 1)[1]
        elif line.startswith("a=ice-pwd:"):
            pw = line.split(":", 1)[1]
        elif line.startswith("a=candidate:"):
            f = line.split(":", 1)[1].split()
            cands.append((f[0], int(f[1]), int(f[3]), f[4], int(f[5]), f[7]))
    return uf, pw, cands
