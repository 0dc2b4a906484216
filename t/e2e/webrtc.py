"""The WebRTC leg of the Kamailio + SIPp end-to-end test (t/e2e/e2e.py runs
it after the plain leg, in the same namespaces and against the same relay).

    baresip    the browser (Debian's baresip 1.0.0, SIP over WebSocket by
               libre plus baresip_ws.c): ws://127.0.0.1:5088, ICE,
               DTLS-SRTP, rtcp-mux; media from 10.201.0.1 (an address this
               leg adds to lo: baresip's ICE gathers no candidate on a
               loopback address), a 440 Hz sine as its microphone, G.711
               A-law; driven over ctrl_tcp (127.0.0.1:5099)
    kamailio   kamailio_ws.cfg: ws 127.0.0.1:5088, udp 127.0.0.1:5080; the
               WebRTC recipe (ICE=remove RTP/AVP rtcp-mux-demux toward the
               phone, ICE=force DTLS=passive UDP/TLS/RTP/SAVPF
               rtcp-mux-require toward the browser)
    sipp       the phone, RTP/AVP PCMA on 127.0.0.1:7100, plays g711a.pcap:
               a UAS on udp 127.0.0.1:5092 (uas_ws.xml), then a UAC on
               127.0.0.1:5093 (uac.xml)

Two calls of CALL_S seconds, one after the other: baresip calls the phone
(SIPp UAS) and hangs up; then the phone (SIPp UAC, uac.xml) calls baresip
(registered over ws; it answers at once) and hangs up. For each call,
evidence that media crossed the relay both ways and was translated:
  - baresip: ICE completed, rtcp-mux, DTLS-SRTP completed with the
    relay's fingerprint verified, its RTP statistics (packets
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

import json
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
PHONE_UAC_SIP = 5093
BARESIP_CTRL = 5099
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
module\te2e_ws.so
module_tmp\taccount.so
module_app\tmenu.so
module_app\tctrl_tcp.so
ctrl_tcp_listen\t127.0.0.1:{ctrl}
snd_path\t{out}
"""
# Two user agents over ws: "browser" (listed first: the one ctrl_tcp's dial
# uses) does not register, because baresip 1.0.0 takes a registered
# agent's address family from its registration, which libre's ws transport
# leaves unset ("using best effort AF: af=AF_UNSPEC": no media socket);
# "webrtc" registers (Kamailio calls it over that connection) and answers
# at once.
BARESIP_ACCOUNTS = "".join(
    '<sip:%s@127.0.0.1;transport=ws>;regint=%d;answermode=auto;audio_codecs=PCMA;'
    'mediaenc=dtls_srtp;medianat=ice;outbound="sip:127.0.0.1:%d;transport=ws"\n'
    % (user, regint, WS_PORT) for user, regint in (("browser", 0), ("webrtc", 600)))


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

    def reset(self):
        self.to_phone = []
        self.to_browser = []

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
    for m in ("g711", "ausine", "alsa", "ice", "dtls_srtp", "sndfile", "account", "menu",
              "ctrl_tcp"):
        os.symlink(os.path.join(BARESIP_MODULES, m + ".so"), os.path.join(moddir, m + ".so"))
    r = subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o",
                        os.path.join(moddir, "e2e_ws.so"), os.path.join(HERE, "baresip_ws.c")],
                       capture_output=True, text=True)
    return h.expect(r.returncode == 0, "webrtc: baresip ws module built%s"
                    % ("" if r.returncode == 0 else ": " + r.stderr[-1000:]))


def baresip_stats(text):
    """baresip's end-of-call RTP statistics in text (the first call's):
    {"packets": (tx, rx), "errors": (tx, rx)}."""
    out = {}
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if "Transmit:" in ln and "Receive:" in ln:
            for row in lines[i + 1:i + 4]:
                words = row.split()
                if words and words[0] in ("packets:", "errors:"):
                    out[words[0][:-1]] = tuple(int(w) for w in words[1:3])
            break
    return out


def rtp_payload(pkt):
    if len(pkt) < 12 or pkt[0] >> 6 != 2:
        return None
    return pkt[12 + 4 * (pkt[0] & 0x0F):]


def check_wire(h, name, sniffer, pcap):
    """The relay's packets to the phone decode to baresip's tone; its packets
    to baresip carry no phone payload in the clear."""
    rtp = [p for p in sniffer.to_phone if len(p) >= 12 and p[0] >> 6 == 2]
    pcma = [p for p in rtp if p[1] & 0x7F == 8]
    h.expect(len(rtp) >= 100 and len(pcma) == len(rtp) and len(rtp) == len(sniffer.to_phone),
             "%s: relay -> phone: %d packets, %d RTP, %d PCMA (all, >= 100)"
             % (name, len(sniffer.to_phone), len(rtp), len(pcma)))
    # skip the first half second: the resampler's start
    audio = b"".join(rtp_payload(p) for p in pcma[25:])
    samples = struct.unpack("<%dh" % len(audio), linear(audio))
    hz = tone_hz(samples)
    h.expect(abs(hz - TONE_HZ) <= 0.05 * TONE_HZ,
             "%s: the phone's RTP decodes to baresip's %d Hz tone: %.1f Hz over %d samples"
             % (name, TONE_HZ, hz, len(samples)))
    pcap_set = set(pcap)
    srtp = [p for p in sniffer.to_browser if len(p) >= 12 and 128 <= p[0] <= 191]
    clear = sum(1 for p in srtp if bytes(rtp_payload(p)[:240]) in pcap_set)
    h.expect(len(srtp) >= 100 and clear == 0,
             "%s: relay -> baresip: %d SRTP packets, %d with a phone payload in the clear (0)"
             % (name, len(srtp), clear))


def check_decoded(h, name, out, seen, pcap):
    """baresip's decoded audio is the phone's, frame by frame; seen: the
    dumps of earlier calls."""
    dumps = sorted(f for f in os.listdir(out) if f.startswith("dump-") and f.endswith("-dec.wav")
                   and f not in seen)
    seen.update(dumps)
    if not h.expect(len(dumps) == 1, "%s: one decoded-audio dump from baresip: %r"
                    % (name, dumps)):
        return
    with wave.open(os.path.join(out, dumps[0])) as w:
        raw = w.readframes(w.getnframes())
    ref = b"".join(linear(p) for p in pcap)
    frames = [raw[i:i + 320] for i in range(0, len(raw) - 319, 320)]
    loud = [f for f in frames if max(abs(v) for v in struct.unpack("<160h", f)) > 64]
    found = sum(1 for f in loud if ref.find(f) >= 0)
    h.expect(len(loud) >= 100 and found == len(loud),
             "%s: baresip decoded %d audible 20 ms frames, %d of them verbatim in g711a.pcap"
             % (name, len(loud), found))


def browser_protocols(reply):
    """{protocol: RTP packets} over the monologues of a query reply."""
    out = {}
    for ml in reply.get("tags", {}).values():
        for m in ml.get("medias", []):
            pk = sum(st.get("stats", {}).get("packets", 0) for st in m.get("streams", [])
                     if "RTP" in st.get("flags", []))
            out[m.get("protocol")] = out.get(m.get("protocol"), 0) + pk
    return out


class RelayPoller(threading.Thread):
    """Queries every call the relay lists, every 0.25 s; keeps the last reply
    per call-id (delete-delay keeps a call listed after its BYE)."""

    def __init__(self, h):
        super().__init__(daemon=True)
        self.h = h
        self.calls = {}
        self.errors = []
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.is_set():
            try:
                for cid in self.h.ng_request({"command": "list"}).get("calls", []):
                    r = self.h.ng_request({"command": "query", "call-id": cid})
                    if r.get("result") == "ok":
                        self.calls[cid] = r
            except Exception as e:  # noqa: BLE001 - reported by the checks
                self.errors.append(repr(e))
            self.stop_ev.wait(0.25)


def ctrl(cmd, params=None):
    """One command to baresip's ctrl_tcp (JSON in a netstring); its reply."""
    msg = {"command": cmd, "token": cmd}
    if params:
        msg["params"] = params
    body = json.dumps(msg).encode()
    with socket.create_connection(("127.0.0.1", BARESIP_CTRL), timeout=3) as c:
        c.sendall(b"%d:%s," % (len(body), body))
        buf = b""
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            chunk = c.recv(4096)
            if not chunk:
                break
            buf += chunk
            while b":" in buf:
                n, rest = buf.split(b":", 1)
                if len(rest) < int(n) + 1:
                    break
                reply, buf = json.loads(rest[:int(n)]), rest[int(n) + 1:]
                if reply.get("response"):
                    return reply
    return None


class Call:
    """What one call left: its name, the baresip log it wrote, the phone's
    exit status, the wire, the relay's replies."""

    def __init__(self, name, out):
        self.name = name
        self.messages = os.path.join(out, name + ".messages.log")  # SIPp's
        self.log = ""
        self.phone_rc = None
        self.call_ids = []
        self.kmark = 0  # where its part of Kamailio's log starts


def check_call(h, call, sniffer, poller, out, seen, pcap):
    """Every check of one call (the module docstring's list)."""
    name = call.name
    text = call.log
    for ln in h.read_log("kamailio-ws")[call.kmark:].splitlines():
        if "proxy replied with error" in ln:  # the relay's reason, for the reader
            h.log("     %s: kamailio: %s" % (name, ln.split("error: ", 1)[-1]))
    h.expect("Call established" in text, "%s: baresip: call established" % name)
    h.expect("connectivity check is complete" in text, "%s: baresip's ICE completed" % name)
    h.expect("RTP/RTCP multiplexing enabled" in text, "%s: baresip: rtcp-mux in use" % name)
    h.expect("DTLS-SRTP complete" in text and "verified sha-256 fingerprint OK" in text,
             "%s: baresip's DTLS-SRTP handshake with the relay completed, fingerprint verified"
             % name)
    st = baresip_stats(text)
    tx, rx = st.get("packets", (0, 0))
    errs = st.get("errors", (-1, -1))
    h.expect(tx >= 100 and rx >= 100 and errs == (0, 0),
             "%s: baresip RTP sent %d, received %d (>= 100 each), errors sent/received %r"
             % (name, tx, rx, errs))
    h.expect(call.phone_rc == 0, "%s: SIPp phone exit status %s (0: its one call successful)"
             % (name, call.phone_rc))
    klog = h.read_log("kamailio-ws")
    h.expect(len(call.call_ids) == 1, "%s: one call through the relay: %r" % (name, call.call_ids))
    for cid in call.call_ids:
        c = h.kamailio_counts(klog, cid)
        h.expect(c.get("offer ok", 0) >= 1 and c.get("answer ok", 0) >= 1
                 and c.get("delete ok", 0) >= 1 and not any(k.endswith("failed") for k in c),
                 "%s: Kamailio: offer, answer, delete ok, none failed (%r)" % (name, c))
        protos = browser_protocols(poller.calls.get(cid, {}))
        h.expect(protos.get("UDP/TLS/RTP/SAVPF", 0) > 0 and protos.get("RTP/AVP", 0) > 0,
                 "%s: relay query: baresip side UDP/TLS/RTP/SAVPF, phone side RTP/AVP, "
                 "RTP packets from both: %r" % (name, protos))
    check_phone_sdp(h, call)
    check_wire(h, name, sniffer, pcap)
    check_decoded(h, name, out, seen, pcap)


def received_sdps(path):
    """The SDP bodies of the messages SIPp logged as received (-trace_msg)."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return []
    out = []
    for part in text.split("message received")[1:]:
        msg = part.split("\n-----", 1)[0]
        if "\nv=0" in msg:
            out.append(msg[msg.index("\nv=0") + 1:])
    return out


def check_phone_sdp(h, call):
    """What the relay promised the phone: plain RTP/AVP on the relay's
    address, nothing of WebRTC (ICE, DTLS, rtcp-mux, AVPF feedback)."""
    sdps = received_sdps(call.messages)
    bad = []
    for sdp in sdps:
        lines = sdp.splitlines()
        m = [ln for ln in lines if ln.startswith("m=audio ")]
        if len(m) != 1 or m[0].split()[2] != "RTP/AVP":
            bad.append("m=%r" % m)
        for attr in ("a=ice-", "a=candidate", "a=fingerprint", "a=setup", "a=rtcp-mux",
                     "a=rtcp-fb", "a=crypto"):
            if any(ln.startswith(attr) for ln in lines):
                bad.append(attr)
        if "c=IN IP4 127.0.0.1" not in lines:
            bad.append("c= not the relay's 127.0.0.1")
    h.expect(sdps and not bad, "%s: the phone got %d SDP(s), RTP/AVP on 127.0.0.1 without "
             "ICE/DTLS/rtcp-mux/rtcp-fb/crypto lines%s"
             % (call.name, len(sdps), ": " + ", ".join(sorted(set(bad))) if bad else ""))


def calls_before(h, poller):
    """Calls that are not this one: what the poller has seen, and what the
    relay lists now (the poller may not have polled yet; a call an earlier
    leg left behind is not this call's)."""
    return set(poller.calls) | set(h.ng_request({"command": "list"}).get("calls", []))


def new_call_ids(poller, before):
    return sorted(cid for cid in poller.calls if cid not in before)


def call_up(h, mark):
    return "Call established" in h.read_log("baresip")[mark:]


def call_out(h, out, sniffer, poller):
    """baresip calls the phone (SIPp UAS), talks CALL_S s, hangs up."""
    call = Call("webrtc-out", out)
    before = calls_before(h, poller)
    mark = len(h.read_log("baresip"))
    phone = h.start("phone-uas", ["sipp", "-sf", os.path.join(HERE, "uas_ws.xml"), "-i",
                                  "127.0.0.1", "-p", str(PHONE_SIP), "-mi", "127.0.0.1", "-mp",
                                  str(PHONE_MEDIA), "-m", "1", "-nostdin", "-timeout", "60s",
                                  "-timeout_error", "-trace_msg", "-message_file",
                                  call.messages])
    time.sleep(0.3)
    kmark = call.kmark = len(h.read_log("kamailio-ws"))
    r = ctrl("dial", "sip:phone@127.0.0.1")
    h.expect(r is not None and r.get("ok"), "%s: baresip ctrl dial: %r" % (call.name, r))
    up = h.wait_until(lambda: "Call established" in h.read_log("baresip")[mark:]
                      or "offer failed" in h.read_log("kamailio-ws")[kmark:], 10)
    if up and "Call established" in h.read_log("baresip")[mark:]:
        time.sleep(CALL_S)
    r = ctrl("hangup")
    h.expect(r is not None and r.get("ok"), "%s: baresip ctrl hangup: %r" % (call.name, r))
    try:
        call.phone_rc = phone.wait(10 if call_up(h, mark) else 1)
    except subprocess.TimeoutExpired:  # it got no call, or never its BYE
        h.stop(phone)
        call.phone_rc = "none: stopped"
    if call_up(h, mark):
        h.wait_until(lambda: "Receive:" in h.read_log("baresip")[mark:], 5)
    time.sleep(0.5)
    call.log = h.read_log("baresip")[mark:]
    call.call_ids = new_call_ids(poller, before)
    return call


def call_in(h, out, sniffer, poller):
    """The phone (SIPp UAC) calls baresip, talks CALL_S s, hangs up."""
    call = Call("webrtc-in", out)
    before = calls_before(h, poller)
    mark = len(h.read_log("baresip"))
    call.kmark = len(h.read_log("kamailio-ws"))
    inf = os.path.join(out, "phone-uac.csv")
    with open(inf, "w") as f:
        f.write("SEQUENTIAL\n127.0.0.1;\n")
    phone = h.start("phone-uac", ["sipp", "127.0.0.1:5080", "-sf", os.path.join(HERE, "uac.xml"),
                                  "-inf", inf, "-s", "webrtc", "-i", "127.0.0.1", "-p",
                                  str(PHONE_UAC_SIP), "-mi", "127.0.0.1", "-mp", str(PHONE_MEDIA),
                                  "-m", "1", "-d", str(CALL_S * 1000), "-nostdin", "-timeout",
                                  "60s", "-timeout_error", "-cid_str", "webrtc-in-%u-%p@%s",
                                  "-trace_msg", "-message_file", call.messages])
    try:
        call.phone_rc = phone.wait(CALL_S + 20)
    except subprocess.TimeoutExpired:
        h.stop(phone)
        call.phone_rc = "none: stopped after %d s" % (CALL_S + 20)
    if call_up(h, mark):
        h.wait_until(lambda: "Receive:" in h.read_log("baresip")[mark:], 5)
    time.sleep(0.5)
    call.log = h.read_log("baresip")[mark:]
    call.call_ids = new_call_ids(poller, before)
    return call


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
                                      modules=os.path.join(cfg, "modules"), out=out,
                                      ctrl=BARESIP_CTRL))
    with open(os.path.join(cfg, "accounts"), "w") as f:
        f.write(BARESIP_ACCOUNTS)

    kam = h.start("kamailio-ws", ["kamailio", "-f", os.path.join(HERE, "kamailio_ws.cfg"), "-DD",
                                  "-E", "-P", os.path.join(out, "kamailio.pid"), "-Y", out])

    def listening(proto, port):
        return subprocess.run(["ss", "-Hl" + proto + "n", "sport = :%d" % port],
                              capture_output=True, text=True).stdout.strip() != ""
    if not h.expect(h.wait_until(lambda: listening("t", WS_PORT), 10) and kam.poll() is None,
                    "webrtc: kamailio listening on ws 127.0.0.1:%d" % WS_PORT):
        h.log(h.read_log("kamailio-ws")[-3000:])
        return
    browser = h.start("baresip", ["baresip", "-4", "-f", cfg, "-v"])
    registered = h.wait_until(lambda: "E2E register webrtc from ws" in h.read_log("kamailio-ws")
                              and listening("t", BARESIP_CTRL), 10)
    if not h.expect(registered and browser.poll() is None,
                    "webrtc: baresip up, registered over ws, ctrl_tcp listening"):
        h.log(h.read_log("baresip")[-3000:])
        h.stop(browser)
        return
    sniffer = MediaSniffer(h.PORT_MIN, h.PORT_MAX)
    sniffer.start()
    poller = RelayPoller(h)
    poller.start()
    pcap = pcap_payloads()
    seen = set()

    for do in (lambda: call_out(h, out, sniffer, poller), lambda: call_in(h, out, sniffer, poller)):
        sniffer.reset()
        call = do()
        check_call(h, call, sniffer, poller, out, seen, pcap)
        gone = h.wait_until(lambda: not set(call.call_ids) & set(
            h.ng_request({"command": "list"}).get("calls", [])), h.DELETE_DELAY + 5, 0.25)
        h.expect(gone, "%s: the relay no longer lists the call after delete-delay" % call.name)

    # (no "quit": baresip 1.0.0 then waits ~10 s on its ws connection)
    h.expect(browser.poll() is None, "webrtc: baresip still running after the calls")
    h.stop(browser, timeout=3)
    poller.stop_ev.set()
    poller.join(5)
    sniffer.stop_ev.set()
    sniffer.join(5)
    h.expect(not poller.errors, "webrtc: relay poller: no ng errors (%r)" % poller.errors[:3])
    h.stop(kam)
    h.log("     webrtc: %.1fs" % (time.monotonic() - t))
