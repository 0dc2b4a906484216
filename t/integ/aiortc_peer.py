"""A real WebRTC peer for tests: Debian's aiortc (its own ICE (aioice),
DTLS and SRTP), kept to loopback, with the RTP it sends and receives in
clear recorded at the SRTP boundary.

    peer = aiortc_peer.Browser()                    # in an asyncio loop
    offer = await peer.offer()                   # SDP: UDP/TLS/RTP/SAVPF, ICE, DTLS
    await peer.accept(answer_sdp)                # ICE checks, DTLS handshake
    await peer.wait_connected()
    peer.sent_rtp, peer.received_rtp             # plain RTP packets (bytes)

Only /usr/bin/python3 can import aiortc (t/Makefile's PYTHON).
"""

import asyncio
import fractions
import re
import time

import aioice.ice
import av
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdtlstransport import RTCDtlsTransport

# aioice gathers a host candidate for every address of the machine: keep it
# to loopback, so no check ever leaves the host.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []

SAMPLE_RATE = 8000
FRAME = 160  # 20 ms


class PatternTrack(MediaStreamTrack):
    """Audio whose every frame differs (a counter in the samples), at the
    real-time pace aiortc expects from a microphone."""

    kind = "audio"

    def __init__(self):
        super().__init__()
        self.n = 0
        self.start = None

    async def recv(self):
        if self.start is None:
            self.start = time.monotonic()
        due = self.start + self.n * FRAME / SAMPLE_RATE
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
        samples = bytes(((self.n * 7 + i) * 37) & 0xFF for i in range(FRAME * 2))
        frame.planes[0].update(samples)
        frame.pts = self.n * FRAME
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.n += 1
        return frame


def for_aiortc(sdp):
    """aiortc 1.4's SDP parser requires the address in a=rtcp (RFC 3605
    makes it optional; browsers take both): complete a bare a=rtcp:PORT
    with the connection address. Nothing else is touched."""
    c = re.search(r"^c=IN (IP[46]) (\S+?)\r?$", sdp, re.M)
    if not c:
        return sdp
    return re.sub(r"^a=rtcp:(\d+)(\r?)$", r"a=rtcp:\1 IN %s %s\2" % (c.group(1), c.group(2)),
                  sdp, flags=re.M)


_recorders = {}  # id(RTCDtlsTransport) -> Browser


def _install_hooks():
    if getattr(RTCDtlsTransport, "_rtprelay_hooked", False):
        return
    send, handle = RTCDtlsTransport._send_rtp, RTCDtlsTransport._handle_rtp_data

    async def send_rtp(self, data):
        b = _recorders.get(id(self))
        if b is not None and 128 <= data[0] < 192 and not (192 <= data[1] <= 223):
            b.sent_rtp.append(bytes(data))
        return await send(self, data)

    async def handle_rtp(self, data, arrival_time_ms):
        b = _recorders.get(id(self))
        if b is not None:
            b.received_rtp.append(bytes(data))
        return await handle(self, data, arrival_time_ms)

    RTCDtlsTransport._send_rtp = send_rtp
    RTCDtlsTransport._handle_rtp_data = handle_rtp
    RTCDtlsTransport._rtprelay_hooked = True


class Browser:
    """One RTCPeerConnection with one audio track, sending PatternTrack."""

    def __init__(self):
        _install_hooks()
        self.pc = RTCPeerConnection()
        self.track = PatternTrack()
        self.sent_rtp, self.received_rtp = [], []
        self.connected = asyncio.Event()
        self.failed = None

        @self.pc.on("connectionstatechange")
        def _state():
            s = self.pc.connectionState
            if s == "connected":
                self.connected.set()
            elif s == "failed":
                self.failed = s
                self.connected.set()

        @self.pc.on("track")
        def _track(track):
            asyncio.ensure_future(self._drain(track))

    async def _drain(self, track):
        try:
            while True:
                await track.recv()
        except Exception:
            pass

    def _watch(self):
        for t in self.pc.getTransceivers():
            dtls = t.sender.transport
            if dtls is not None:
                _recorders[id(dtls)] = self

    async def offer(self):
        self.pc.addTrack(self.track)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        self._watch()
        return self.pc.localDescription.sdp

    async def accept(self, answer):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=for_aiortc(answer), type="answer"))

    async def answer(self, offer):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=for_aiortc(offer), type="offer"))
        for t in self.pc.getTransceivers():
            if t.kind == "audio":
                t.sender.replaceTrack(self.track)
                t.direction = "sendrecv"
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        self._watch()
        return self.pc.localDescription.sdp

    async def wait_connected(self, timeout=15.0):
        await asyncio.wait_for(self.connected.wait(), timeout)
        if self.failed:
            raise AssertionError("WebRTC connection %s" % self.failed)

    async def close(self):
        await self.pc.close()
        for k in [k for k, v in _recorders.items() if v is self]:
            del _recorders[k]
