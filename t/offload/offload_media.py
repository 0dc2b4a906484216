#!/usr/bin/env python3
"""offload_media.py ADDR:PORT SCENARIO: media through a running daemon
(--table=0, --endpoint-learning=immediate) and the real nft_rtprelay, in
the qemu guest (t/offload/guest.sh starts the daemon and runs this).
Prints "ok - ..." / "FAIL - ..." lines and "N passed, N failed" last.

Scenarios:
  kernel   a call goes to the kernel once both sides sent: query says
           kernelized, module counts move and the daemon's user-space
           counters do not, payload intact both ways, RTCP through user
           space; a stranger gets user space's learning; re-answer to a
           new address: media follows; block: not forwarded, unblock: back;
           delete: the module's list empty, nothing reaches the freed port;
           an SRTP call stays in user space with its reason
  moved    B's source moves to its SDP address (user space learning on a
           packet the module passed up): both targets replaced
  timeout  (--timeout=3) a call whose media only the kernel sees stays
  rate     (--media-max-pps=200) a stream over it in the kernel goes back
           to user space, where the limit applies
  longmedia WORKDIR: a kernelized long call whose counters guest.sh's
           load leaves in a sparse shard: moved, target replaced, counts kept
  refused  fail_target_adds: the call flows in user space, reason and
           counts show it
  gone     the module's rules and the module itself removed under the
           daemon: the call keeps flowing, every stream back in user space
  sigkill  PID: a kernelized call, then SIGKILL to the daemon PID: the
           module's table has no targets, pins or descriptors left, and
           packets to the dead ports reach the (left-over) rule but are
           not forwarded
"""
import base64
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integ"))
import media  # noqa: E402
import ng as ngmod  # noqa: E402

STATUS = "/proc/rtprelay/0/status"
LIST = "/proc/rtprelay/0/list"
PARAMS = "/sys/module/nft_rtprelay/parameters/"
passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print("ok   - " + what, flush=True)


def bad(what):
    global failed
    failed += 1
    print("FAIL - " + what, flush=True)


def check(cond, what, detail=""):
    if cond:
        ok(what)
    else:
        bad("%s %s" % (what, detail))
    return cond


def eq(got, want, what):
    return check(got == want, "%s: %r" % (what, got), "(want %r)" % (want,))


def status(name):
    try:
        with open(STATUS) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split(":", 1)[1].split()[0])
    except OSError:
        pass
    return None


def passed_to_user(reason):
    """The status' "Passed to user space" count for reason (no_target, ...)."""
    with open(STATUS) as f:
        for line in f:
            words = line.split()
            if reason in words:
                return int(words[words.index(reason) + 1])
    return None


def list_lines():
    try:
        with open(LIST) as f:
            return [ln.strip() for ln in f if ln.strip()]
    except OSError:
        return []


def stats(c):
    return c.command("statistics")["statistics"]


def stream(c, call, tag, kind=0):
    r = ngmod.query(c, call)
    return r["tags"][tag]["medias"][0]["streams"][kind]


def wait_for(pred, seconds=5.0):
    """pred() true within seconds (polled every 50 ms)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def exchange(a, b, to_a, to_b, n, seq0, what, rtcp=False):
    """n packets each way, each checked on arrival; True if all arrived intact."""
    good = 0
    for i in range(n):
        pa = media.rtp(seq=seq0 + i, ssrc=0xA0A0A0A0, payload=bytes([i & 0xFF]) * 160)
        pb = media.rtp(seq=seq0 + i, ssrc=0xB0B0B0B0, payload=bytes([(i + 7) & 0xFF]) * 160)
        if rtcp:
            pa = b"\x80\xc8\x00\x06" + bytes(range(24))
            pb = b"\x80\xc9\x00\x01" + b"\x0b\x0b\x0b\x0b"
        a.send(pa, to_b + (1 if rtcp else 0), rtcp=rtcp)
        b.send(pb, to_a + (1 if rtcp else 0), rtcp=rtcp)
        try:
            got_b, _ = b.recv(timeout=2.0, rtcp=rtcp)
            got_a, _ = a.recv(timeout=2.0, rtcp=rtcp)
        except socket.timeout as e:
            bad("%s: packet %d: %s" % (what, i, e))
            return False
        if got_b == pa and got_a == pb:
            good += 1
    return eq(good, n, "%s: packets intact both ways" % what)


def setup_call(c, call, a, b):
    r = c.offer(a.sdp(codecs="0"), call, "A")
    to_a = media.sdp_port(r["sdp"])
    r = c.answer(b.sdp(codecs="0"), call, "A", "B")
    to_b = media.sdp_port(r["sdp"])
    return to_a, to_b


def kernel_scenario(c):
    a, b, s = media.Peer(), media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "off1", a, b)
    st = stream(c, "off1", "A")
    eq(st.get("kernel"), "learning", "before any packet: A's stream in user space")
    check("kernelized" not in st["flags"], "before any packet: not kernelized", st["flags"])
    # The first packets go through user space (learning), then the
    # targets go in.
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: len(list_lines()) == 2), "module lists 2 targets", list_lines())
    for tag in ("A", "B"):
        st = stream(c, "off1", tag)
        check("kernelized" in st["flags"], "query: %s's RTP stream kernelized" % tag, st["flags"])
        eq(st.get("kernel"), "kernelized", "query: %s's kernel state" % tag)
        st = stream(c, "off1", tag, 1)
        eq(st.get("kernel"), "RTCP port", "query: %s's RTCP stream" % tag)
    lines = list_lines()
    check(any(("local 127.0.0.1:%d" % to_b) in ln and ("expect 127.0.0.1:%d" % a.port) in ln
              and ("dst 127.0.0.1:%d" % b.port) in ln and ("src 127.0.0.1:%d" % to_a) in ln
              and "flags 0x8" in ln for ln in lines),
          "A's target: local, expected source, sent from B's port to B, OTHER_SOURCE_TO_USER",
          lines)
    s0 = stats(c)
    user0 = s0["totalstatistics"]["relayedpackets_user"]
    kern0 = s0["totalstatistics"]["relayedpackets_kernel"]
    fwd0 = status("Packets forwarded")
    exchange(a, b, to_a, to_b, 100, 10, "kernel path")
    s1 = stats(c)
    fwd1 = status("Packets forwarded")
    eq(fwd1 - fwd0, 200, "module: Packets forwarded grew by the 200 packets")
    eq(s1["totalstatistics"]["relayedpackets_kernel"] - kern0, 200,
       "statistics: relayedpackets_kernel grew by 200")
    eq(s1["totalstatistics"]["relayedpackets_user"], user0,
       "statistics: relayedpackets_user did not move")
    st = stream(c, "off1", "A")
    check(st["stats"]["packets"] >= 103, "query: A's packets include the kernel's",
          st["stats"])
    check(s1["kernel"]["targets"] == 2 and s1["kernel"]["target_adds"] >= 2,
          "statistics.kernel: targets 2, adds >= 2",
          (s1["kernel"]["targets"], s1["kernel"]["target_adds"]))
    # RTCP: user space, both ways.
    exchange(a, b, to_a, to_b, 3, 0, "RTCP", rtcp=True)
    s2 = stats(c)
    eq(s2["totalstatistics"]["relayedpackets_user"] - user0, 6,
       "statistics: the 6 RTCP packets counted in user space")

    # A stranger on A's port: the module passes it to user space, where
    # learning lets it borrow from A's (kernel-forwarded) packets, at most
    # a burst of 16, and drops the rest.
    other0 = passed_to_user("other_source")
    b.drain()
    for i in range(40):
        s.send(media.rtp(seq=500 + i, ssrc=0x5555), to_b)
    time.sleep(0.5)
    got = 0
    try:
        while True:
            b.recv(timeout=0.2)
            got += 1
    except socket.timeout:
        pass
    other1 = passed_to_user("other_source")
    eq(other1 - other0, 40, "module: the stranger's 40 packets passed to user space")
    check(1 <= got <= 16, "user space forwarded %d of the stranger's packets (1..16: A's rate)"
          % got)
    st = stream(c, "off1", "A")
    check(st["dropped"]["source"] >= 24, "query: the rest dropped (source)", st["dropped"])
    check("kernelized" in st["flags"], "A still kernelized after the stranger", st["flags"])

    # Re-answer: B moves to a new port; media follows.
    b2 = media.Peer()
    c.answer(b2.sdp(codecs="0", o_id=2), "off1", "A", "B")
    a.drain()
    exchange(a, b2, to_a, to_b, 5, 200, "after the re-answer (to the new address)")
    check(wait_for(lambda: any(("dst 127.0.0.1:%d" % b2.port) in ln for ln in list_lines())),
          "A's target sends to B's new port", list_lines())
    fwd0 = status("Packets forwarded")
    exchange(a, b2, to_a, to_b, 20, 300, "re-answered call in the kernel")
    eq(status("Packets forwarded") - fwd0, 40, "module forwarded the 40 packets")
    media.nothing_arrives(b, wait=0.3)
    ok("nothing reaches B's old port")

    # Block A: target gone, nothing forwarded; unblock: back.
    c.command("block media", **{"call-id": "off1", "from-tag": "A"})
    st = stream(c, "off1", "A")
    eq(st.get("kernel"), "blocked", "block media: A's stream back in user space")
    check(not any(("local 127.0.0.1:%d" % to_b) in ln for ln in list_lines()),
          "block media: A's target deleted", list_lines())
    fwd0 = status("Packets forwarded")
    for i in range(10):
        a.send(media.rtp(seq=400 + i, ssrc=0xA0A0A0A0), to_b)
    try:
        b2.recv(timeout=0.5)
        bad("a blocked packet reached B")
    except socket.timeout:
        ok("blocked: nothing reaches B")
    eq(status("Packets forwarded") - fwd0, 0, "module forwarded none of the blocked packets")
    c.command("unblock media", **{"call-id": "off1", "from-tag": "A"})
    check(wait_for(lambda: len(list_lines()) == 2), "unblock: 2 targets again", list_lines())
    exchange(a, b2, to_a, to_b, 5, 450, "unblocked")

    # Delete: targets gone; nothing forwarded from the freed port.
    c.delete("off1", "A")
    check(wait_for(lambda: len(list_lines()) == 0), "delete: the module's list is empty",
          list_lines())
    eq(status("Targets"), 0, "module: Targets 0")
    eq(stats(c)["kernel"]["targets"], 0, "statistics.kernel.targets 0")
    fwd0 = status("Packets forwarded")
    for i in range(10):
        a.send(media.rtp(seq=600 + i, ssrc=0xA0A0A0A0), to_b)
        b2.send(media.rtp(seq=600 + i, ssrc=0xB0B0B0B0), to_a)
    for p in (b2, a):
        try:
            p.recv(timeout=0.5)
            bad("a packet to a freed port was forwarded")
        except socket.timeout:
            ok("freed port: nothing forwarded to %d" % p.port)
    eq(status("Packets forwarded") - fwd0, 0, "module forwarded nothing to the freed ports")

    # SRTP (SDES toward A, plain toward B): user space, with the reason.
    sdp = a.sdp(codecs="0").replace("RTP/AVP", "RTP/SAVP") + \
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n" % \
        base64.b64encode(os.urandom(30)).decode()
    r = c.offer(sdp, "off2", "A", **{"transport-protocol": "RTP/AVP"})
    check("a=crypto" not in r["sdp"], "SRTP call: B gets plain RTP")
    c.answer(b.sdp(codecs="0"), "off2", "A", "B")
    st = stream(c, "off2", "A")
    eq(st.get("kernel"), "SRTP", "SRTP call: A's stream in user space, reason")
    check("no kernel support" in st["flags"], "SRTP call: flag 'no kernel support'", st["flags"])
    eq(len(list_lines()), 0, "SRTP call: no target")
    c.delete("off2", "A")
    for p in (a, b, b2, s):
        p.close()


def moved_scenario(c):
    """B's first packets come from another port than its SDP names; then
    the SDP address speaks: user space's learning (the module passes the
    other source up) moves B's source, and both targets are replaced."""
    a, b, balt = media.Peer(), media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "mv1", a, b)
    # B speaks first (from balt), so A's packets go there, not to the SDP
    # address.
    balt.send(media.rtp(seq=1, ssrc=0xB0B0B0B0), to_a)
    a.recv(timeout=2.0)
    exchange(a, balt, to_a, to_b, 3, 2, "B from another port: learning packets")
    check(wait_for(lambda: any(("dst 127.0.0.1:%d" % balt.port) in ln for ln in list_lines())),
          "A's target sends to B's learned port", list_lines())
    rep0 = stats(c)["kernel"]["target_replaces"]
    fwd0 = status("Packets forwarded")
    exchange(a, balt, to_a, to_b, 10, 10, "B from another port, in the kernel")
    eq(status("Packets forwarded") - fwd0, 20, "module forwarded them")
    # The SDP address speaks up: it takes over (rank 4).
    b.send(media.rtp(seq=100, ssrc=0xB0B0B0B0), to_a)
    pkt, _ = a.recv(timeout=2.0)
    ok("B's SDP address reaches A")
    check(wait_for(lambda: any(("dst 127.0.0.1:%d" % b.port) in ln
                               and ("local 127.0.0.1:%d" % to_b) in ln for ln in list_lines())),
          "A's target now sends to B's SDP address", list_lines())
    check(any(("expect 127.0.0.1:%d" % b.port) in ln and ("local 127.0.0.1:%d" % to_a) in ln
              for ln in list_lines()), "B's target expects the SDP address", list_lines())
    k = stats(c)["kernel"]
    check(k["target_replaces"] - rep0 >= 2, "statistics.kernel.target_replaces grew by 2",
          (rep0, k["target_replaces"]))
    eq(k["targets"], 2, "statistics.kernel.targets")
    balt.drain()
    a.drain()
    b.drain()
    fwd0 = status("Packets forwarded")
    exchange(a, b, to_a, to_b, 10, 200, "after the move, in the kernel")
    eq(status("Packets forwarded") - fwd0, 20, "module forwarded them")
    media.nothing_arrives(balt, wait=0.3)
    ok("nothing for B's old port")
    c.delete("mv1", "A")
    for p in (a, b, balt):
        p.close()


def timeout_scenario(c):
    """--timeout=3: a call whose media only the kernel sees stays."""
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "to1", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: len(list_lines()) == 2), "2 targets", list_lines())
    user0 = stats(c)["totalstatistics"]["relayedpackets_user"]
    t0 = time.monotonic()
    n = 0
    while time.monotonic() - t0 < 5.0 and n < 1000:
        exchange_quiet(a, b, to_a, to_b, 1000 + n)
        n += 1
        time.sleep(0.05)
    eq(stats(c)["totalstatistics"]["relayedpackets_user"], user0,
       "5 s of media, all by the kernel (user space relayed none)")
    r = ngmod.query(c, "to1", check=False)
    eq(r.get("result"), "ok", "the call outlived --timeout=3 on kernel-forwarded media")
    c.delete("to1", "A")
    a.close()
    b.close()


def exchange_quiet(a, b, to_a, to_b, seq):
    a.send(media.rtp(seq=seq, ssrc=0xA0A0A0A0), to_b)
    b.send(media.rtp(seq=seq, ssrc=0xB0B0B0B0), to_a)
    a.recv(timeout=2.0)
    b.recv(timeout=2.0)


def rate_scenario(c):
    """--media-max-pps=200: a stream the kernel forwards faster goes back
    to user space, where the limit drops what is over it."""
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "rt1", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: len(list_lines()) == 2), "2 targets", list_lines())

    def blast(n, seq0):
        for i in range(n):
            a.send(media.rtp(seq=seq0 + i, ssrc=0xA0A0A0A0), to_b)

    blast(1500, 100)
    check(wait_for(lambda: stream(c, "rt1", "A").get("kernel") == "over media-max-pps", 4.0),
          "query: A's stream back in user space, 'over media-max-pps'",
          stream(c, "rt1", "A").get("kernel"))
    st = stream(c, "rt1", "A")
    check("no kernel support" in st["flags"], "flag 'no kernel support'", st["flags"])
    check(not any(("local 127.0.0.1:%d" % to_b) in ln for ln in list_lines()),
          "A's target deleted", list_lines())
    eq(len(list_lines()), 1, "B's target stays")
    check(stats(c)["kernel"]["over_rate"] >= 1, "statistics.kernel.over_rate >= 1")
    drop0 = st["dropped"]["rate"]
    blast(1500, 2000)
    time.sleep(0.5)
    st = stream(c, "rt1", "A")
    check(st["dropped"]["rate"] > drop0, "user space drops what is over media-max-pps",
          (drop0, st["dropped"]["rate"]))
    eq(st.get("kernel"), "over media-max-pps", "A stays in user space")
    b.drain()
    exchange(a, b, to_a, to_b, 3, 5000, "the call still flows")
    c.delete("rt1", "A")
    a.close()
    b.close()


def longmedia_scenario(c):
    """A long call in the kernel while guest.sh fills and empties shards
    around it: it says READY_FILE once kernelized, keeps a packet a second
    each way going (media timeout), and once GO_FILE exists checks that its
    counters moved out of their sparse shard with the target following
    (REPLACE with the new address), the counts carried over."""
    work = sys.argv[3]
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "long0", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "long media call: learning packets")
    if not check(wait_for(lambda: len(list_lines()) == 2), "long media call: 2 targets",
                 list_lines()):
        return
    exchange(a, b, to_a, to_b, 10, 10, "long media call in the kernel")
    mine = "local 127.0.0.1:%d " % to_b
    before = [ln for ln in list_lines() if mine in ln]
    pk0 = stream(c, "long0", "A")["stats"]["packets"]
    eq(pk0, 13, "A's packets before the moves")
    open(os.path.join(work, "longmedia.ready"), "w").close()
    sent, seq, end = 0, 100, time.monotonic() + 900
    while not os.path.exists(os.path.join(work, "longmedia.go")) and time.monotonic() < end:
        a.send(media.rtp(seq=seq, ssrc=0xA0A0A0A0), to_b)
        b.send(media.rtp(seq=seq, ssrc=0xB0B0B0B0), to_a)
        sent += 1
        seq += 1
        time.sleep(1.0)
    time.sleep(0.3)
    a.drain()
    b.drain()
    after = [ln for ln in list_lines() if mine in ln]
    stats_of = (lambda lines: lines[0].rsplit("stats ", 1)[1] if lines else None)
    check(before and after and stats_of(before) != stats_of(after),
          "A's target points at the moved counters (%s -> %s)"
          % (stats_of(before), stats_of(after)))
    fwd0 = status("Packets forwarded")
    exchange(a, b, to_a, to_b, 20, seq, "long media call after the moves")
    eq(status("Packets forwarded") - fwd0, 40, "module forwarded them")
    eq(stream(c, "long0", "A")["stats"]["packets"], pk0 + sent + 20,
       "A's counters carried over the move (%d before, %d while waiting, 20 after)"
       % (pk0, sent))
    c.delete("long0", "A")
    a.close()
    b.close()


def refused_scenario(c):
    with open(PARAMS + "fail_target_adds", "w") as f:
        f.write("1000\n")
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "ref1", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: stream(c, "ref1", "A").get("kernel", "").startswith("target refused")),
          "query: reason 'target refused'", stream(c, "ref1", "A").get("kernel"))
    st = stream(c, "ref1", "A")
    eq(st.get("kernel"), "target refused: Cannot allocate memory", "query: with the errno")
    check("no kernel support" in st["flags"], "flag 'no kernel support'", st["flags"])
    exchange(a, b, to_a, to_b, 20, 10, "refused targets: the call flows in user space")
    k = stats(c)["kernel"]
    check(k["target_add_failures"] >= 2, "statistics.kernel.target_add_failures >= 2", k)
    eq(k["targets"], 0, "statistics.kernel.targets")
    check(status("Target add failures") >= 2, "module: Target add failures >= 2",
          status("Target add failures"))
    with open(PARAMS + "fail_target_adds", "w") as f:
        f.write("0\n")
    # The next change (a packet after a re-answer relearns) retries.
    c.answer(b.sdp(codecs="0", o_id=3), "ref1", "A", "B")
    exchange(a, b, to_a, to_b, 3, 40, "after the re-answer")
    check(wait_for(lambda: len(list_lines()) == 2), "adds work again: 2 targets", list_lines())
    c.delete("ref1", "A")
    a.close()
    b.close()


def gone_scenario(c):
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "gone1", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: len(list_lines()) == 2), "2 targets", list_lines())
    fwd0 = status("Packets forwarded")
    exchange(a, b, to_a, to_b, 10, 10, "in the kernel")
    eq(status("Packets forwarded") - fwd0, 20, "module forwarded them")
    # The rules and the module go under the daemon (an operator's rmmod).
    r1 = subprocess.run(["nft", "delete", "table", "inet", "rtprelay"], capture_output=True)
    eq(r1.returncode, 0, "nft delete table inet rtprelay")
    r2 = subprocess.run(["rmmod", "nft_rtprelay"], capture_output=True, text=True)
    eq(r2.returncode, 0, "rmmod nft_rtprelay under the daemon %s" % r2.stderr.strip())
    exchange(a, b, to_a, to_b, 20, 100, "module gone: the call keeps flowing in user space")
    check(wait_for(lambda: stream(c, "gone1", "A").get("kernel", "").startswith(
        "kernel table failed")), "query: reason 'kernel table failed'",
        stream(c, "gone1", "A").get("kernel"))
    k = stats(c)["kernel"]
    eq(k["table_failures"], 1, "statistics.kernel.table_failures")
    eq(k["targets"], 0, "statistics.kernel.targets")
    # A new call after that: user space, fine.
    a2, b2 = media.Peer(), media.Peer()
    to_a2, to_b2 = setup_call(c, "gone2", a2, b2)
    exchange(a2, b2, to_a2, to_b2, 5, 1, "a new call after the module went")
    c.delete("gone1", "A")
    c.delete("gone2", "A")
    for p in (a, b, a2, b2):
        p.close()


def sigkill_scenario(c):
    """SIGKILL of the daemon (pid argv[3]) mid-call: closing its descriptor
    is all the module gets, and that must leave nothing forwarding."""
    pid = int(sys.argv[3])
    a, b = media.Peer(), media.Peer()
    to_a, to_b = setup_call(c, "kill1", a, b)
    exchange(a, b, to_a, to_b, 3, 1, "learning packets")
    check(wait_for(lambda: len(list_lines()) == 2), "2 targets", list_lines())
    fwd0 = status("Packets forwarded")
    exchange(a, b, to_a, to_b, 10, 10, "in the kernel")
    eq(status("Packets forwarded") - fwd0, 20, "module forwarded them")
    eq(status("Descriptors"), 1, "module: one descriptor before the kill")
    check(status("Memory pins") >= 1, "module: Memory pins >= 1 before the kill",
          status("Memory pins"))
    os.kill(pid, signal.SIGKILL)
    check(wait_for(lambda: status("Descriptors") == 0, 10.0),
          "after SIGKILL: module Descriptors 0", status("Descriptors"))
    eq(list_lines(), [], "after SIGKILL: the module's list is empty")
    eq(status("Targets"), 0, "after SIGKILL: module Targets 0")
    eq(status("Memory pins"), 0, "after SIGKILL: module Memory pins 0")
    eq(status("Unpins"), status("Pins"), "after SIGKILL: every pin undone (Unpins = Pins)")
    # The killed daemon left its nftables rule: packets to its old ports
    # still reach the expression, which finds no target for them.
    fwd0 = status("Packets forwarded")
    nt0 = passed_to_user("no_target")
    for i in range(10):
        a.send(media.rtp(seq=100 + i, ssrc=0xA0A0A0A0), to_b)
        b.send(media.rtp(seq=100 + i, ssrc=0xB0B0B0B0), to_a)
    for p in (b, a):
        try:
            p.recv(timeout=0.5)
            bad("a packet to a dead port was forwarded to %d" % p.port)
        except socket.timeout:
            ok("dead ports: nothing forwarded to %d" % p.port)
    eq(status("Packets forwarded") - fwd0, 0, "module forwarded nothing to the dead ports")
    eq(passed_to_user("no_target") - nt0, 20,
       "module: the 20 packets to the dead ports passed up as no_target")
    a.close()
    b.close()


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    c = ngmod.NG((host, int(port)), timeout=10)
    {"kernel": kernel_scenario, "moved": moved_scenario, "timeout": timeout_scenario,
     "rate": rate_scenario, "longmedia": longmedia_scenario,
     "refused": refused_scenario, "gone": gone_scenario,
     "sigkill": sigkill_scenario}[sys.argv[2]](c)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a crash is a failure, reported as one
        import traceback
        traceback.print_exc()
        print("FAIL - %s: %r" % (sys.argv[2] if len(sys.argv) > 2 else "?", e))
        print("%d passed, %d failed" % (passed, failed + 1))
        sys.exit(1)
