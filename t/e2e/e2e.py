"""Kamailio + SIPp end-to-end test of rtprelay; run by t/e2e/run.sh inside
fresh network, mount and PID namespaces (as root: SIPp's play_pcap_audio
needs a raw socket).

    rtprelay   ng udp 127.0.0.1:2223, media 127.0.0.1:30000-30999
    kamailio   127.0.0.1:5060, rtpengine module -> rtprelay (kamailio.cfg)
    sipp UAS   127.0.0.1:5062 (answers, plays g711a.pcap), 127.0.0.1:5071..5077 (503)
    sipp UAC   127.0.0.1:5061.. (INVITE via Kamailio, plays g711a.pcap, BYE)

Scenarios, one after the other: 20 normal calls; serial forking (2-8
branches per INVITE, all but the last get 503) at a bounded rate with a few
long calls alongside; UACs behind "NAT" (SDP address 192.0.2.1, media from
127.0.0.1). Evidence: SIPp's exit status and counts; Kamailio's log (every
offer/answer/delete ok, none failed); rtprelay's ng statistics (no command
errors, no packet errors) and, per call, its query replies polled while the
calls run (both sides' RTP reached rtprelay, the answering side's media was
relayed to the learned address, nothing dropped); and afterwards, once
delete-delay has passed: no session left and every media port free again.

Then the WebRTC leg (webrtc.py): baresip over WebSocket with ICE and
DTLS-SRTP <-> Kamailio <-> a SIPp RTP/AVP phone, a call each way.
RTPRELAY_E2E_LEGS=plain,webrtc picks legs; RTPRELAY_TARGET=rtpengine runs
them against Debian's rtpengine (the WebRTC leg only, by default).
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "t", "integ"))
import ng  # noqa: E402
import webrtc  # noqa: E402

# RTPRELAY_TARGET=rtpengine: Debian's rtpengine as the relay (same options;
# the plain leg reads rtprelay's own statistics, so it is rtprelay only).
TARGET = os.environ.get("RTPRELAY_TARGET", "rtprelay")
BIN = os.environ.get("RTPRELAY_BIN", "/usr/bin/rtpengine" if TARGET == "rtpengine"
                     else os.path.join(TOP, "daemon", "rtprelay"))
LEGS = os.environ.get("RTPRELAY_E2E_LEGS", "webrtc" if TARGET == "rtpengine"
                      else "plain,webrtc").split(",")
OUT = os.environ.get("RTPRELAY_E2E_OUT", os.path.join(TOP, "build", "e2e"))
# RTPRELAY_E2E_TABLE=0: kernel forwarding (t/offload runs this in its qemu
# guest with nft_rtprelay loaded); the plain leg then also checks that the
# kernel relayed part of the media and that no target add failed.
TABLE = int(os.environ.get("RTPRELAY_E2E_TABLE", "-1"))
# RTPRELAY_E2E_CALLS=NORMAL,RATE,FORK,RATE: the plain leg's normal calls
# and forked INVITEs and their rates a second (default 20,10,30,5; the
# guest under TCG manages fewer, slower).
N_NORMAL, R_NORMAL, N_FORK, R_FORK = (
    int(x) for x in os.environ.get("RTPRELAY_E2E_CALLS", "20,10,30,5").split(","))
PCAP = "/usr/share/sip-tester/g711a.pcap"
NG_ADDR = ("127.0.0.1", 2223)
DELETE_DELAY = 3
PORT_MIN, PORT_MAX = 30000, 30999

procs = []
failures = []


def log(msg):
    print(msg, flush=True)


def ok(what):
    log("ok   " + what)


def fail(what):
    log("FAIL " + what)
    failures.append(what)


def expect(cond, what):
    (ok if cond else fail)(what)
    return cond


def start(name, argv, **kw):
    f = open(os.path.join(OUT, name + ".log"), "wb")
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                         cwd=OUT, **kw)
    p.name = name
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    return p.returncode


def read_log(name):
    try:
        with open(os.path.join(OUT, name + ".log"), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def ng_request(msg, timeout=3):
    with ng.NG(NG_ADDR, timeout=timeout, retries=2) as c:
        return c.request(msg)


def wait_until(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def statistics():
    return ng_request({"command": "statistics"})["statistics"]


# ------------------------------------------------------------ the poller


class Poller(threading.Thread):
    """Queries every call rtprelay lists, every 0.25 s, and keeps for each
    call-id the last reply: with delete-delay the calls stay listed for a
    few seconds after the BYE, so the final counters are seen."""

    def __init__(self):
        super().__init__(daemon=True)
        self.calls = {}
        self.max_sessions = 0
        self.stop_ev = threading.Event()
        self.errors = []

    def run(self):
        c = ng.NG(NG_ADDR, timeout=2, retries=1)
        while not self.stop_ev.is_set():
            try:
                ids = c.request({"command": "list", "limit": 100000}).get("calls", [])
                self.max_sessions = max(self.max_sessions, len(ids))
                for cid in ids:
                    r = c.request({"command": "query", "call-id": cid})
                    if r.get("result") == "ok":
                        self.calls[cid] = r
            except Exception as e:  # noqa: BLE001 - recorded, reported at the end
                self.errors.append(repr(e))
                c.close()
                c = ng.NG(NG_ADDR, timeout=2, retries=1)
            self.stop_ev.wait(0.25)
        c.close()


class Sniffer(threading.Thread):
    """Counts UDP packets on lo (AF_PACKET, outgoing copies skipped): into
    rtprelay's port range (ingress) and out of it to the SIPp media ports
    (egress), per destination port."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind(("lo", 0))
        # Room for bursts while this thread is not running (a slow guest):
        # packets the socket drops would read as loss in the relay.
        self.sock.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE (root)
        self.sock.settimeout(0.2)
        self.drops = 0
        self.ingress = 0
        self.egress = {}
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING or len(data) < 42:
                continue
            if data[12:14] != b"\x08\x00" or data[23] != 17:  # IPv4, UDP
                continue
            ihl = (data[14] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[14 + ihl:18 + ihl])
            if PORT_MIN <= dport <= PORT_MAX:
                self.ingress += 1
            elif PORT_MIN <= sport <= PORT_MAX:
                self.egress[dport] = self.egress.get(dport, 0) + 1
        # PACKET_STATISTICS: struct tpacket_stats { tp_packets, tp_drops }
        self.drops = struct.unpack("II", self.sock.getsockopt(263, 6, 8))[1]
        self.sock.close()


def rtp_streams(reply):
    """{tag: [RTP stream dicts]} of a query reply (monologues with media)."""
    out = {}
    for tag, ml in reply.get("tags", {}).items():
        for m in ml.get("medias", []):
            for s in m.get("streams", []):
                if "RTP" in s.get("flags", []):
                    out.setdefault(tag, []).append(s)
    return out


def check_calls(poller, prefix, n_expected, nat=False):
    """Every call whose call-id starts with prefix: both sides' RTP reached
    rtprelay, nothing dropped; the caller's learned endpoint is 127.0.0.1."""
    calls = {cid: r for cid, r in poller.calls.items() if cid.startswith(prefix)}
    expect(len(calls) == n_expected, "%s: rtprelay saw %d calls (expected %d)"
           % (prefix, len(calls), n_expected))
    bad = []
    forks = 0
    for cid, r in sorted(calls.items()):
        streams = rtp_streams(r)
        caller = [s for t, ss in streams.items() if "SIPpTag00" in t for s in ss]
        callee = [s for t, ss in streams.items() if "SIPpTag01" in t for s in ss]
        forks += sum(1 for t in r.get("tags", {}) if t not in ("",) and "SIPpTag0" not in t)
        up = sum(s["stats"]["packets"] for s in caller)
        down = sum(s["stats"]["packets"] for s in callee)
        dropped = sum(v for s in caller + callee for v in s.get("dropped", {}).values())
        why = []
        if up <= 0:
            why.append("no RTP from the caller")
        if down <= 0:
            why.append("no RTP from the callee")
        if dropped:
            why.append("%d dropped" % dropped)
        eps = {s.get("endpoint", {}).get("address") for s in caller}
        if eps != {"127.0.0.1"}:
            why.append("caller endpoint %r" % eps)
        if why:
            bad.append("%s: %s (caller %d pkts, callee %d pkts)" % (cid, ", ".join(why), up, down))
    expect(not bad, "%s: media crossed rtprelay both ways in every call%s"
           % (prefix, "" if not bad else ": " + "; ".join(bad[:5])))
    if calls:
        total_up = sum(s["stats"]["packets"] for r in calls.values()
                       for t, ss in rtp_streams(r).items() if "SIPpTag00" in t for s in ss)
        log("     %s: %d calls, %d RTP packets from callers%s" % (
            prefix, len(calls), total_up, ", nat" if nat else ""))
    return calls


def run_uac(name, service, calls, rate, hold_ms, local_port, media_port, sdp_addr="127.0.0.1",
            limit=None, timeout=120, extra=()):
    """Start a SIPp UAC (uac.xml); extra: more SIPp arguments."""
    inf = os.path.join(OUT, name + ".csv")
    with open(inf, "w") as f:
        f.write("SEQUENTIAL\n%s;\n" % sdp_addr)
    argv = ["sipp", "127.0.0.1:5060", "-sf", os.path.join(HERE, "uac.xml"), "-inf", inf,
            "-s", service, "-i", "127.0.0.1", "-p", str(local_port), "-mi", "127.0.0.1",
            "-mp", str(media_port), "-m", str(calls), "-r", str(rate), "-d", str(hold_ms),
            "-l", str(limit or calls), "-nostdin", "-timeout", "%ds" % timeout,
            "-timeout_error", "-trace_stat", "-stf", os.path.join(OUT, name + ".stat.csv"),
            "-trace_err", "-error_file", os.path.join(OUT, name + ".err.log"),
            # A late 180 must not end a call (late_provisionals checks the rest)
            "-default_behaviors", "all,-abortunexp",
            "-cid_str", name + "-%u-%p@%s"] + list(extra)
    return start(name, argv)


def late_provisionals(name):
    """The messages SIPp called unexpected and went on past (run_uac turns
    its abort-on-unexpected off): (provisional responses, the others).
    Kamailio's two UDP workers may relay a 180 after the 200 that
    followed it; a phone ignores that, and so does the test. Anything
    else unexpected is a failure."""
    late, other = 0, []
    for part in read_log(name + ".err").split("on unexpected message for Call-Id")[1:]:
        first = part.split("received '", 1)[-1].split("\n", 1)[0].strip()
        words = first.split()
        if len(words) >= 2 and words[0] == "SIP/2.0" and words[1][:1] == "1":
            late += 1
        else:
            other.append(first)
    return late, other


def sipp_result(p, name, calls, timeout):
    try:
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        stop(p, signal.SIGKILL)
        fail("%s: SIPp did not finish within %ds" % (name, timeout))
        return
    text = read_log(name)
    expect(rc == 0, "%s: SIPp UAC exit status %s (0: all %d calls successful)" % (name, rc, calls))
    if rc != 0:
        log(text[-3000:])
        # why each failed call failed, in SIPp's words
        log("".join(read_log(name + ".err").splitlines(True)[-20:]))
    late, other = late_provisionals(name)
    expect(not other, "%s: SIPp got no unexpected message but late provisionals (%d): %r"
           % (name, late, other[:3]))


def kamailio_counts(text, prefix):
    lines = [ln for ln in text.splitlines() if "E2E " in ln and prefix in ln]
    count = {}
    for ln in lines:
        words = ln.split("E2E ", 1)[1].split()
        key = " ".join(words[:2])
        count[key] = count.get(key, 0) + 1
    return count


def check_kamailio(prefix, n_calls, min_offers):
    text = read_log("kamailio")
    c = kamailio_counts(text, prefix)
    failed = {k: v for k, v in c.items() if k.endswith("failed")}
    expect(not failed, "%s: Kamailio: no rtpengine offer/answer/delete failed (%r)" % (prefix, c))
    expect(c.get("delete ok", 0) == n_calls, "%s: Kamailio: %d deletes ok (expected %d)"
           % (prefix, c.get("delete ok", 0), n_calls))
    expect(c.get("answer ok", 0) >= n_calls, "%s: Kamailio: %d answers ok (>= %d)"
           % (prefix, c.get("answer ok", 0), n_calls))
    expect(c.get("offer ok", 0) >= min_offers, "%s: Kamailio: %d offers ok (>= %d)"
           % (prefix, c.get("offer ok", 0), min_offers))
    return c


def sessions_now():
    return statistics()["currentstatistics"]["sessionsown"]


def plain_leg(rp):
    """The plain leg: the three scenarios of the module docstring, then
    sessions, ports and memory back to baseline (rtprelay's statistics)."""
    base = statistics()
    base_ports = base["ports"]["pairs_used"]
    base_memory = base["memory"]["live_objects"]
    base_sessions = base["currentstatistics"]["sessionsown"]
    ok("rtprelay up (ports in use %d, sessions %d)" % (base_ports, base_sessions))

    kam = start("kamailio", ["kamailio", "-f", os.path.join(HERE, "kamailio.cfg"), "-DD", "-E",
                             "-P", os.path.join(OUT, "kamailio.pid"), "-Y",
                             os.path.join(OUT, "kamailio-run")])
    if not wait_until(lambda: "E2E" in read_log("kamailio") or
                      subprocess.run(["ss", "-Hlun", "sport = :5060"], capture_output=True,
                                     text=True).stdout.strip() != "", 10):
        log(read_log("kamailio")[-3000:])
        fail("kamailio not listening on 5060 within 10 s")
        return
    if kam.poll() is not None:
        log(read_log("kamailio")[-3000:])
        fail("kamailio exited with %s" % kam.returncode)
        return
    ok("kamailio up")

    start("uas", ["sipp", "-sf", os.path.join(HERE, "uas.xml"), "-i", "127.0.0.1", "-p", "5062",
                  "-mi", "127.0.0.1", "-mp", "7000", "-nostdin"])
    for i in range(1, 8):
        start("uas503-%d" % i, ["sipp", "-sf", os.path.join(HERE, "uas_503.xml"), "-i",
                                "127.0.0.1", "-p", str(5070 + i), "-mi", "127.0.0.1",
                                "-mp", str(8000 + 10 * i), "-nostdin"])
    time.sleep(0.5)

    poller = Poller()
    poller.start()
    sniffer = Sniffer()
    sniffer.start()

    # 1. Normal calls (twenty, 10/s by default), 3 s each.
    t = time.monotonic()
    p = run_uac("normal", "normal", N_NORMAL, R_NORMAL, 3000, 5061, 6000)
    sipp_result(p, "normal", N_NORMAL, 60)
    time.sleep(0.6)
    check_calls(poller, "normal-", N_NORMAL)
    check_kamailio("normal-", N_NORMAL, N_NORMAL)
    log("     normal: %.1fs" % (time.monotonic() - t))

    # 2. Serial forking, 2-8 branches per INVITE, 1 s each (30 INVITEs,
    # 5/s by default); three 12 s calls alongside. Session counts back to baseline.
    t = time.monotonic()
    longp = run_uac("long", "fork", 3, 3, 12000, 5064, 6200)
    p = run_uac("fork", "fork", N_FORK, R_FORK, 1000, 5065, 6400, limit=10)
    sipp_result(p, "fork", N_FORK, 90)
    sipp_result(longp, "long", 3, 60)
    time.sleep(0.6)
    fork_calls = check_calls(poller, "fork-", N_FORK)
    check_calls(poller, "long-", 3)
    c = check_kamailio("fork-", N_FORK, 2 * N_FORK)
    branches = sum(1 for ln in read_log("kamailio").splitlines()
                   if "E2E invite fork-" in ln for _ in [0])
    offers = c.get("offer ok", 0)
    expect(branches == N_FORK and 2 * N_FORK <= offers <= 8 * N_FORK,
           "fork: %d INVITEs, %d branch offers (2-8 per INVITE)" % (branches, offers))
    monologues = [len(r.get("tags", {})) for r in fork_calls.values()]
    expect(monologues and max(monologues) >= 3,
           "fork: rtprelay held one monologue per branch (max %s per call)"
           % (max(monologues) if monologues else None))
    log("     fork: %.1fs, max %d sessions at once" % (time.monotonic() - t, poller.max_sessions))

    # Until now every packet had a reachable destination.
    errors_before_nat = statistics()["totalstatistics"]["relayedpacketerrors"]
    expect(errors_before_nat == 0, "relayed packet errors before the NAT calls: %d"
           % errors_before_nat)

    # 3. UACs behind "NAT": the SDP says 192.0.2.1, media comes from 127.0.0.1.
    t = time.monotonic()
    p = run_uac("nat", "nat", 3, 3, 3000, 5066, 6600, sdp_addr="192.0.2.1")
    sipp_result(p, "nat", 3, 60)
    time.sleep(0.6)
    check_calls(poller, "nat-", 3, nat=True)
    check_kamailio("nat-", 3, 3)
    log("     nat: %.1fs" % (time.monotonic() - t))

    # After delete-delay: nothing left, every port free, no errors.
    back = wait_until(lambda: sessions_now() == base_sessions, DELETE_DELAY + 5, 0.25)
    poller.stop_ev.set()
    poller.join(5)
    sniffer.stop_ev.set()
    sniffer.join(5)
    st = statistics()
    expect(back, "sessions back to baseline %d within delete-delay (%d s) + 5 s: %d"
           % (base_sessions, DELETE_DELAY, st["currentstatistics"]["sessionsown"]))
    calls_left = ng_request({"command": "list"}).get("calls", [])
    expect(calls_left == [], "no call listed after delete-delay: %r" % calls_left[:5])
    expect(st["ports"]["pairs_used"] == base_ports, "media ports in use back to %d: %d"
           % (base_ports, st["ports"]["pairs_used"]))
    tot = st["totalstatistics"]
    # Toward a NATed UAC, the UAS's first packets go to the SDP address
    # (192.0.2.1, unroutable in the namespace: send errors) until the UAC's
    # own first packet teaches rtprelay where it really is.
    expect(tot["relayedpacketerrors"] <= 3 * 10, "relayed packet errors, all before learning "
           "the 3 NATed UACs (<= 10 each): %d" % tot["relayedpacketerrors"])
    expect(st["memory"]["live_objects"] == base_memory, "shared memory objects back to %d: %d"
           % (base_memory, st["memory"]["live_objects"]))
    cs = st["controlstatistics"]
    # (A query may race with the end of delete-delay: the poller's, not Kamailio's.)
    errs = {k: v["errors"] for k, v in cs["commands"].items()
            if k in ("offer", "answer", "delete") and v["errors"]}
    expect(not errs, "no offer/answer/delete failed in rtprelay (%r)" % errs)
    log("     rtprelay: %d offers, %d answers, %d deletes, %d managed sessions, "
        "%d relayed packets" % (cs["totaloffercount"], cs["totalanswercount"],
                                cs["totaldeletecount"], tot["managedsessions"],
                                tot["relayedpackets"]))
    # Media loss on the wire: every packet into the relay's ports went out
    # again (RTCP is not sent by SIPp; the ports are UAC 6000/6200/6400/6600,
    # UAS 7000).
    out = sum(sniffer.egress.values())
    expect(sniffer.ingress > 0 and out >= 0.99 * sniffer.ingress and not sniffer.drops,
           "on the wire: %d packets into rtprelay, %d out (>= 99%%), by destination port %r, "
           "%d dropped by the capture (0)"
           % (sniffer.ingress, out, dict(sorted(sniffer.egress.items())), sniffer.drops))
    expect(all(sniffer.egress.get(p, 0) > 0 for p in (6000, 6200, 6400, 6600, 7000)),
           "on the wire: relayed media reached every UAC and the UAS")
    expect(not poller.errors, "poller: no ng errors (%r)" % poller.errors[:3])
    if TABLE >= 0:
        k = st["kernel"]
        expect(k["state"] == "kernel" and tot["relayedpackets_kernel"] > 0
               and k["target_add_failures"] == 0,
               "kernel table %d: state %r, %d packets relayed by the kernel, %d in user space, "
               "%d target adds, %d failed" % (TABLE, k["state"], tot["relayedpackets_kernel"],
                                              tot["relayedpackets_user"], k["target_adds"],
                                              k["target_add_failures"]))
    expect(rp.poll() is None and kam.poll() is None, "rtprelay and kamailio still running")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, "kamailio-run"))
    t0 = time.monotonic()
    log("t/e2e: relay %s (%s), legs %s" % (TARGET, BIN, ",".join(LEGS)))
    if TARGET not in ("rtprelay", "rtpengine") or not set(LEGS) <= {"plain", "webrtc"}:
        log("FAIL RTPRELAY_TARGET must be rtprelay|rtpengine, RTPRELAY_E2E_LEGS a list of "
            "plain,webrtc")
        return 1
    for exe in ("kamailio", "sipp"):
        if subprocess.run(["sh", "-c", "command -v " + exe], capture_output=True).returncode:
            log("FAIL %s not installed" % exe)
            return 1
    if not os.path.exists(PCAP):
        log("FAIL %s missing (package sip-tester)" % PCAP)
        return 1

    rp = start("rtprelay", [BIN, "--config-file=none", "--interface=127.0.0.1",
                            "--listen-ng=127.0.0.1:%d" % NG_ADDR[1],
                            "--port-min=%d" % PORT_MIN, "--port-max=%d" % PORT_MAX,
                            "--delete-delay=%d" % DELETE_DELAY, "--table=%d" % TABLE,
                            "--foreground", "--log-stderr", "--log-level=6"])

    def pong():
        try:
            return ng_request({"command": "ping"}, timeout=0.3).get("result") == "pong"
        except Exception:  # noqa: BLE001
            return False
    if not wait_until(pong, 10):
        log(read_log("rtprelay"))
        fail("rtprelay did not answer ping within 10 s")
        return 1
    if "plain" in LEGS:
        plain_leg(rp)
    if "webrtc" in LEGS:
        webrtc.run(sys.modules[__name__])
    expect(rp.poll() is None, "the relay still running")
    log("t/e2e: %.1fs, %d failure(s)" % (time.monotonic() - t0, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    rc = 1
    try:
        rc = main()
    finally:
        for p in reversed(procs):
            stop(p)
        if failures or rc:
            log("logs: " + OUT)
    sys.exit(rc)
