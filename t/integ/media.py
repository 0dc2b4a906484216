"""Media endpoints for tests that send RTP/RTCP through the daemon.

    a, b = media.Peer(), media.Peer()            # UDP sockets on 127.0.0.1
    r = d.ng.offer(a.sdp(), call, "A")           # SDP advertising a's address/port
    to_a = media.sdp_port(r["sdp"])              # offer output goes to B: B sends here to reach A
    r = d.ng.answer(b.sdp(), call, "A", "B")
    to_b = media.sdp_port(r["sdp"])              # answer output goes to A: A sends here
    a.send(media.rtp(seq=1, ssrc=0x1234), to_b)
    pkt, src = b.recv()                          # bounded wait; raises on timeout
"""

import re
import socket
import struct
import time


def rtp(seq=1, ts=None, ssrc=0x11223344, pt=0, payload=b"\xff" * 160, marker=False):
    """An RTP packet (version 2, no CSRC, no extension)."""
    ts = seq * 160 if ts is None else ts
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + payload


def rtp_header(pkt):
    """(version, pt, seq, ts, ssrc) of an RTP packet."""
    b0, b1, seq, ts, ssrc = struct.unpack("!BBHII", pkt[:12])
    return b0 >> 6, b1 & 0x7F, seq, ts, ssrc


def sdp_port(sdp, index=0):
    """The port of the index-th m= line."""
    ports = re.findall(r"^m=\S+ (\d+)", sdp, re.M)
    return int(ports[index])


def sdp_addr(sdp):
    """The last c= address before the first m= line, or the first c= overall."""
    m = re.findall(r"^c=IN IP[46] (\S+?)\r?$", sdp, re.M)
    return m[0] if m else None


class Peer:
    """A bound UDP socket pair (RTP on an even port, RTCP on port + 1)."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.family = socket.AF_INET6 if ":" in host else socket.AF_INET
        for _ in range(50):
            s = socket.socket(self.family, socket.SOCK_DGRAM)
            s.bind((host, 0))
            port = s.getsockname()[1]
            if port % 2 == 0 and port < 65535:
                r = socket.socket(self.family, socket.SOCK_DGRAM)
                try:
                    r.bind((host, port + 1))
                except OSError:
                    r.close()
                    s.close()
                    continue
                self.sock, self.rtcp_sock, self.port = s, r, port
                return
            s.close()
        raise RuntimeError("no free even/odd port pair on %s" % host)

    def close(self):
        self.sock.close()
        self.rtcp_sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def sdp(self, codecs="0 8", session="-", extra_media="", o_id=1):
        ipv = "IP6" if self.family == socket.AF_INET6 else "IP4"
        return ("v=0\r\no=- %d 1 IN %s %s\r\ns=%s\r\nc=IN %s %s\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP %s\r\n%s" % (o_id, ipv, self.host, session, ipv, self.host,
                                                 self.port, codecs, extra_media))

    def send(self, pkt, port, host=None, rtcp=False):
        (self.rtcp_sock if rtcp else self.sock).sendto(pkt, (host or self.host, port))

    def recv(self, timeout=2.0, rtcp=False):
        """(bytes, (addr, port)) of the next packet; socket.timeout after `timeout` s."""
        s = self.rtcp_sock if rtcp else self.sock
        s.settimeout(timeout)
        try:
            data, src = s.recvfrom(65536)
        except socket.timeout:
            raise socket.timeout("%s port %d: nothing received within %.1fs"
                                 % (self.host, self.port + (1 if rtcp else 0), timeout)) from None
        return data, src[:2]

    def drain(self):
        """Discard everything queued (both sockets)."""
        for s in (self.sock, self.rtcp_sock):
            s.setblocking(False)
            try:
                while True:
                    s.recv(65536)
            except (BlockingIOError, OSError):
                pass
            s.setblocking(True)


def flood(stranger, junk, port, seconds, every_20ms, max_packets=2000000):
    """The stranger Peer sends junk to port on 127.0.0.1 as fast as it can for
    `seconds` (bounded by max_packets too), calling every_20ms(n) with
    n = 1, 2, ... every 20 ms meanwhile (a quiet call at 50 pps). Returns
    (junk packets sent, ticks)."""
    stranger.sock.setblocking(False)
    sent, ticks = 0, 0
    t0 = time.monotonic()
    next_tick = t0
    while time.monotonic() - t0 < seconds and sent < max_packets:
        for _ in range(200):
            try:
                stranger.sock.sendto(junk, ("127.0.0.1", port))
                sent += 1
            except BlockingIOError:
                break
        if time.monotonic() >= next_tick:
            ticks += 1
            every_20ms(ticks)
            next_tick += 0.02
    return sent, ticks


def nothing_arrives(peer, wait=0.5, rtcp=False):
    """Fail if a packet reaches peer within wait seconds."""
    try:
        pkt, _ = peer.recv(timeout=wait, rtcp=rtcp)
    except socket.timeout:
        return
    raise AssertionError("unexpected packet: %r" % pkt[:32])
