"""The WebRTC leg of the Kamailio + SIPp end-to-end test (t/e2e/e2e.py runs
it after the plain leg, in the same namespaces and against the same relay).

    baresip    SIP over WebSocket to ws://127.0.0.1:5088, ICE, DTLS-SRTP,
               rtcp-mux; media from 10.201.0.1 (an address this leg adds to
               lo: baresip's ICE gathers no candidate on a loopback address),
               a 440 Hz sine as its microphone, G.711 A-law
    kamailio   kamailio_ws.cfg: ws 127.0.0.1:5088, udp 127.0.0.1:5080; the
               WebRTC recipe (ICE=remove RTP/AVP rtcp-mux-demux toward the
               phone, ICE=force DTLS=passive UDP/TLS/RTP/SAVPF
               rtcp-mux-require toward the browser)
    sipp UAS   the phone, udp 127.0.0.1:5092, RTP/AVP PCMA on 127.0.0.1:7100,
               plays g711a.pcap (uas_ws.xml)

baresip calls the phone, the call lasts CALL_S seconds, baresip hangs up.
Evidence that media crossed the relay both ways and was translated:
  - baresip: ICE completed, DTLS-SRTP completed, its RTP statistics (packets
    sent and received, no errors) and the audio it decoded (its sndfile
    dump): every audible 20 ms frame is found verbatim in g711a.pcap as the
    phone sent it, so the relay's SRTP toward baresip decrypts to the
    phone's RTP;
  - on the wire (AF_PACKET on lo): the relay's packets to the phone are
    plain RTP/PCMA whose payload decodes to the 440 Hz sine (not noise: an
    encrypted payload would be), and its SRTP packets to baresip never carry
    a g711a.pcap payload in the clear;
  - the relay's query: the baresip side UDP/TLS/RTP/SAVPF, the phone side
    RTP/AVP, packets counted in both; Kamailio: offer, answer, delete ok;
    SIPp's exit status; after delete-delay the call is gone.
"""

import os
import socket
import struct
import subprocess
import threading
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
BARESIP_MODULES = "/usr/lib/baresip/modules"
KAMAILIO_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
PCAP = "/usr/share/sip-tester/g711a.pcap"
BROWSER_ADDR = "10.201.0.1"
WS_PORT = 5088
PHONE_SIP, PHONE_MEDIA = 5092, 7100
BROWSER_RTP = (40000, 40099)
TONE_HZ = 440
CALL_S = 5
MAX_PACKETS = 5000

BARESIP_CONFIG = """\
poll_method\tepoll
sip_listen\t{addr}:5094
call_local_timeout\t30
call_max_calls\t1
audio_player\talsa,null
audio_source\tausine,{tone}
ausrc_srate\t48000
ausrc_channels\t2
audio_level\tno
audio_buffer\t20-160
rtp_ports\t{rtp[0]}-{rtp[1]}
rtcp_mux\tyes
jitter_buffer_delay\t1-10
rtp_stats\tyes
net_interface\t{addr}
module_path\t{modules}
module\tg711.so
module\tausine.so
module\talsa.so
module\tice.so
module\tdtls_srtp.so
module\tsndfile.so
module_tmp\taccount.so
module_app\tmenu.so
module_app\te2e_ws.so
snd_path\t{out}
"""
# regint=0: no REGISTER; the call goes to the outbound proxy over ws.
BARESIP_ACCOUNT = ('<sip:webrtc@127.0.0.1;transport=ws>;regint=0;audio_codecs=PCMA;'
                   'mediaenc=dtls_srtp;medianat=ice;'
                   'outbound="sip:127.0.0.1:%d;transport=ws"\n' % WS_PORT)


def alaw_decode(b):
    """One G.711 A-law byte to a 16-bit linear sample (ITU-T G.711)."""
    b ^= 0x55
    t = (b & 0x0F) << 4
    seg = (b & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if b & 0x80 else -t


ALAW = [alaw_decode(i) for i in range(256)]


def pcap_payloads():
    """The RTP payloads of g711a.pcap (Ethernet/IPv4/UDP/RTP, 240 bytes each)."""
    with open(PCAP, "rb") as f:
        data = f.read()
    out = []
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ihl = (pkt[14] & 0x0F) * 4
        rtp = pkt[14 + ihl + 8:]
        out.append(rtp[12 + 4 * (rtp[0] & 0x0F):])
    return out


def linear(alaw):
    return struct.pack("<%dh" % len(alaw), *[ALAW[x] for x in alaw])


def tone_hz(samples, rate=8000):
    """Frequency of a pure tone from its zero crossings."""
    zc = sum(1 for i in range(1, len(samples)) if (samples[i - 1] < 0) != (samples[i] < 0))
    return zc / 2 / (len(samples) / rate) if samples else 0


class MediaSniffer(threading.Thread):
    """Keeps the UDP packets on lo from the relay's port range to the phone's
    media port and to baresip's RTP ports (incoming copies only), at most
    MAX_PACKETS of each."""

    def __init__(self, port_min, port_max):
        super().__init__(daemon=True)
        self.relay = (port_min, port_max)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.2)
        self.to_phone = []
        self.to_browser = []
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING or len(data) < 42:
                continue
            if data[12:14] != b"\x08\x00" or data[23] != 17:
                continue
            ihl = (data[14] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[14 + ihl:18 + ihl])
            if not self.relay[0] <= sport <= self.relay[1]:
                continue
            payload = data[14 + ihl + 8:]
            if dport == PHONE_MEDIA and len(self.to_phone) < MAX_PACKETS:
                self.to_phone.append(payload)
            elif BROWSER_RTP[0] <= dport <= BROWSER_RTP[1] and len(self.to_browser) < MAX_PACKETS:
                self.to_browser.append(payload)
        self.sock.close()


def build_module(h, moddir):
    """baresip's module dir for this leg: Debian's modules plus e2e_ws.so
    (baresip_ws.c: adds the ws transport baresip 1.0.0 does not)."""
    os.makedirs(moddir)
    for m in ("g711", "ausine", "alsa", "ice", "dtls_srtp", "sndfile", "account", "menu"):
        os.symlink(os.path.join(BARESIP_MODULES, m + ".so"), os.path.join(moddir, m + ".so"))
    r = subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o",
                        os.path.join(moddir, "e2e_ws.so"), os.path.join(HERE, "baresip_ws.c")],
                       capture_output=True, text=True)
    return h.expect(r.returncode == 0, "webrtc: baresip ws module built%s"
                    % ("" if r.returncode == 0 else ": " + r.stderr[-1000:]))


def baresip_stats(text):
    """baresip's end-of-call RTP statistics: {"packets": (tx, rx), "errors": (tx, rx)}."""
    out = {}
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if "Transmit:" in ln and "Receive:" in ln:
            for row in lines[i + 1:i + 4]:
                words = row.split()
                if words and words[0] in ("packets:", "errors:"):
                    out[words[0][:-1]] = tuple(int(w) for w in words[1:3])
    return out


def rtp_payload(pkt):
    if len(pkt) < 12 or pkt[0] >> 6 != 2:
        return None
    return pkt[12 + 4 * (pkt[0] & 0x0F):]


def check_wire(h, sniffer, pcap):
    """The relay's packets to the phone decode to baresip's tone; its packets
    to baresip carry no phone payload in the clear."""
    rtp = [p for p in sniffer.to_phone if len(p) >= 12 and p[0] >> 6 == 2]
    pcma = [p for p in rtp if p[1] & 0x7F == 8]
    h.expect(len(rtp) >= 100 and len(pcma) == len(rtp) and len(rtp) == len(sniffer.to_phone),
             "webrtc: relay -> phone: %d packets, %d RTP, %d PCMA (all, >= 100)"
             % (len(sniffer.to_phone), len(rtp), len(pcma)))
    # skip the first half second: the resampler's start
    audio = b"".join(rtp_payload(p) for p in pcma[25:])
    samples = struct.unpack("<%dh" % len(audio), linear(audio))
    hz = tone_hz(samples)
    h.expect(abs(hz - TONE_HZ) <= 0.05 * TONE_HZ,
             "webrtc: the phone's RTP decodes to baresip's %d Hz tone: %.1f Hz over %d samples"
             % (TONE_HZ, hz, len(samples)))
    pcap_set = set(pcap)
    srtp = [p for p in sniffer.to_browser if len(p) >= 12 and 128 <= p[0] <= 191]
    clear = sum(1 for p in srtp if bytes(rtp_payload(p)[:240]) in pcap_set)
    h.expect(len(srtp) >= 100 and clear == 0,
             "webrtc: relay -> baresip: %d SRTP packets, %d with a phone payload in the clear (0)"
             % (len(srtp), clear))


def check_decoded(h, out, pcap):
    """baresip's decoded audio is the phone's, frame by frame."""
    dumps = sorted(f for f in os.listdir(out) if f.startswith("dump-") and f.endswith("-dec.wav"))
    if not h.expect(len(dumps) == 1, "webrtc: one decoded-audio dump from baresip: %r" % dumps):
        return
    with wave.open(os.path.join(out, dumps[0])) as w:
        raw = w.readframes(w.getnframes())
    ref = b"".join(linear(p) for p in pcap)
    frames = [raw[i:i + 320] for i in range(0, len(raw) - 319, 320)]
    loud = [f for f in frames if max(abs(v) for v in struct.unpack("<160h", f)) > 64]
    found = sum(1 for f in loud if ref.find(f) >= 0)
    h.expect(len(loud) >= 100 and found == len(loud),
             "webrtc: baresip decoded %d audible 20 ms frames, %d of them verbatim in g711a.pcap"
             % (len(loud), found))


def browser_protocols(reply):
    """{protocol: RTP packets} over the monologues of a query reply."""
    out = {}
    for ml in reply.get("tags", {}).values():
        for m in ml.get("medias", []):
            pk = sum(s.get("stats", {}).get("packets", 0) for s in m.get("streams", [])
                     if "RTP" in s.get("flags", []))
            out[m.get("protocol")] = out.get(m.get("protocol"), 0) + pk
    return out


def poll_relay(h, stop_ev, replies):
    while not stop_ev.is_set():
        try:
            for cid in h.ng_request({"command": "list"}).get("calls", []):
                r = h.ng_request({"command": "query", "call-id": cid})
                if r.get("result") == "ok":
                    replies[cid] = r
        except Exception as e:  # noqa: BLE001 - reported by the checks
            replies.setdefault("errors", []).append(repr(e))
        stop_ev.wait(0.25)


def run(h):
    """The leg; h is the e2e module (start, stop, expect, ng_request, ...)."""
    t = time.monotonic()
    out = os.path.join(h.OUT, "webrtc")
    os.makedirs(out)
    missing = [p for p in ("/usr/bin/baresip", os.path.join(BARESIP_MODULES, "dtls_srtp.so"),
                           os.path.join(KAMAILIO_MODULES, "websocket.so"))
               if not os.path.exists(p)]
    if not h.expect(not missing, "webrtc: installed (baresip-core, kamailio-websocket-modules): "
                    "missing %r" % missing):
        return
    subprocess.run(["ip", "addr", "add", BROWSER_ADDR + "/32", "dev", "lo"], check=True)
    cfg = os.path.join(out, "baresip")
    if not build_module(h, os.path.join(cfg, "modules")):
        return
    with open(os.path.join(cfg, "config"), "w") as f:
        f.write(BARESIP_CONFIG.format(addr=BROWSER_ADDR, tone=TONE_HZ, rtp=BROWSER_RTP,
                                      modules=os.path.join(cfg, "modules"), out=out))
    with open(os.path.join(cfg, "accounts"), "w") as f:
        f.write(BARESIP_ACCOUNT)

    kam = h.start("kamailio-ws", ["kamailio", "-f", os.path.join(HERE, "kamailio_ws.cfg"), "-DD",
                                  "-E", "-P", os.path.join(out, "kamailio.pid"), "-Y", out])

    def listening():
        return subprocess.run(["ss", "-Hltn", "sport = :%d" % WS_PORT], capture_output=True,
                              text=True).stdout.strip() != ""
    if not h.expect(h.wait_until(listening, 10) and kam.poll() is None,
                    "webrtc: kamailio listening on ws 127.0.0.1:%d" % WS_PORT):
        h.log(h.read_log("kamailio-ws")[-3000:])
        return
    phone = h.start("phone", ["sipp", "-sf", os.path.join(HERE, "uas_ws.xml"), "-i", "127.0.0.1",
                              "-p", str(PHONE_SIP), "-mi", "127.0.0.1", "-mp", str(PHONE_MEDIA),
                              "-m", "1", "-nostdin", "-timeout", "60s", "-timeout_error"])
    sniffer = MediaSniffer(h.PORT_MIN, h.PORT_MAX)
    sniffer.start()
    replies = {}
    poll_stop = threading.Event()
    poller = threading.Thread(target=poll_relay, args=(h, poll_stop, replies), daemon=True)
    poller.start()
    time.sleep(0.5)

    # -t: baresip quits (hanging up: BYE) CALL_S + 1 s after it started.
    browser = h.start("baresip", ["baresip", "-f", cfg, "-v", "-e", "/dial sip:phone@127.0.0.1",
                                  "-t", str(CALL_S + 1)])
    try:
        rc = browser.wait(CALL_S + 20)
    except subprocess.TimeoutExpired:
        rc = h.stop(browser)
        h.fail("webrtc: baresip did not quit within %d s" % (CALL_S + 20))
    try:
        phone_rc = phone.wait(10)
    except subprocess.TimeoutExpired:  # it got no call, or never its BYE
        h.stop(phone)
        phone_rc = "none: stopped after 10 s"
    time.sleep(0.5)
    poll_stop.set()
    poller.join(5)
    sniffer.stop_ev.set()
    sniffer.join(5)

    text = h.read_log("baresip")
    established = "Call established" in text
    h.expect(rc == 0 and established, "webrtc: baresip exit status %s, call established: %s"
             % (rc, established))
    h.expect("connectivity check is complete" in text, "webrtc: baresip's ICE completed")
    h.expect("DTLS-SRTP complete" in text and "verified sha-256 fingerprint OK" in text,
             "webrtc: baresip's DTLS-SRTP handshake with the relay completed, fingerprint verified")
    st = baresip_stats(text)
    tx, rx = st.get("packets", (0, 0))
    errs = st.get("errors", (-1, -1))
    h.expect(tx >= 100 and rx >= 100 and errs == (0, 0),
             "webrtc: baresip RTP sent %d, received %d (>= 100 each), errors sent/received %r"
             % (tx, rx, errs))
    h.expect(phone_rc == 0, "webrtc: SIPp phone exit status %s (0: its one call successful)"
             % phone_rc)
    c = h.kamailio_counts(h.read_log("kamailio-ws"), "")
    h.expect(c.get("offer ok", 0) >= 1 and c.get("answer ok", 0) >= 1
             and c.get("delete ok", 0) == 1 and not any(k.endswith("failed") for k in c),
             "webrtc: Kamailio: offer, answer, delete ok, none failed (%r)" % c)

    calls = {cid: r for cid, r in replies.items() if cid != "errors"}
    h.expect(len(calls) == 1 and not replies.get("errors"),
             "webrtc: the relay held one call (%d), ng errors %r"
             % (len(calls), replies.get("errors", [])[:3]))
    for cid, r in calls.items():
        protos = browser_protocols(r)
        h.expect(protos.get("UDP/TLS/RTP/SAVPF", 0) > 0 and protos.get("RTP/AVP", 0) > 0,
                 "webrtc: relay query: baresip side UDP/TLS/RTP/SAVPF, phone side RTP/AVP, "
                 "RTP packets from both: %r" % protos)
    pcap = pcap_payloads()
    check_wire(h, sniffer, pcap)
    check_decoded(h, out, pcap)

    gone = h.wait_until(lambda: not h.ng_request({"command": "list"}).get("calls", []),
                        h.DELETE_DELAY + 5, 0.25)
    h.expect(gone, "webrtc: no call listed after delete-delay")
    h.stop(kam)
    h.log("     webrtc: %.1fs" % (time.monotonic() - t))
