"""Call model and lifecycle: forks, serial forking, re-INVITE, delete by
call / tag / branch with delete-delay, offer- and final-timeout,
max-sessions, port exhaustion, statistics. A real daemon on loopback."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401
from held_ports import bound, pairs_left, pairs_used


def sdp(port, addr="192.0.2.10", extra=""):
    return ("v=0\r\no=- 1000 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 8\r\n%s" % (addr, addr, port, extra))


def port_of(r):
    return media.sdp_port(r["sdp"])


def tags(d, call):
    return sorted(d.ng.query(call)["tags"].keys())


def wait_gone(d, call, timeout):
    """Poll until query says Unknown call-id; return the seconds it took."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        r = d.ng.query(call, check=False)
        if r.get("result") == "error":
            check.eq(r.get("error-reason"), "Unknown call-id", "query after end")
            return time.monotonic() - t0
        time.sleep(0.05)
    raise AssertionError("call %s still there after %.1fs" % (call, timeout))


def stat(d, section, key):
    return d.ng.command("statistics")["statistics"][section][key]


def test_offer_answer_ports_bound_and_distinct():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    r1 = d.ng.offer(sdp(5000), "pb-1", "A")
    r2 = d.ng.answer(sdp(6000, "192.0.2.20"), "pb-1", "A", "B")
    pb, pa = port_of(r1), port_of(r2)
    check.ne(pa, pb, "A-facing and B-facing ports")
    for p in (pa, pa + 1, pb, pb + 1):
        check.true(bound(p), "port %d bound by the daemon" % p)
    check.true(pa % 2 == 0 and pb % 2 == 0, "RTP ports even", pa, pb)
    check.true(d.port_min <= pa <= d.port_max and d.port_min <= pb <= d.port_max, "in range")
    check.eq(pairs_used(d), 2, "pairs held by the call")
    d.ng.delete("pb-1", "A", extra={"delete delay": 0})
    check.eq(pairs_left(d, 0), 0, "pairs released after delete")


def test_reoffer_and_reanswer_keep_ports():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    pb = port_of(d.ng.offer(sdp(5000), "ro-1", "A"))
    pa = port_of(d.ng.answer(sdp(6000, "192.0.2.20"), "ro-1", "A", "B"))
    # re-INVITE from A, the same SDP
    check.eq(port_of(d.ng.offer(sdp(5000), "ro-1", "A", to_tag="B")), pb, "same re-offer port toward B")
    check.eq(port_of(d.ng.answer(sdp(6000, "192.0.2.20"), "ro-1", "A", "B")), pa, "same re-answer port toward A")
    if daemon.IS_RTPENGINE:
        # rtpengine moves to new ports when a party's address changes
        # (COMPAT.md: Call model, re-offer with a changed address)
        d.ng.delete("ro-1", "A")
        return
    # re-INVITE from A, with a changed SDP
    check.eq(port_of(d.ng.offer(sdp(5002), "ro-1", "A", to_tag="B")), pb, "re-offer port toward B")
    check.eq(port_of(d.ng.answer(sdp(6002, "192.0.2.20"), "ro-1", "A", "B")), pa, "re-answer port toward A")
    # re-INVITE from B: from-tag B, to-tag A; the SDP toward A carries A's ports
    check.eq(port_of(d.ng.offer(sdp(6004, "192.0.2.20"), "ro-1", "B", to_tag="A")), pa, "B's re-offer toward A")
    check.eq(port_of(d.ng.answer(sdp(5004), "ro-1", "B", "A")), pb, "A's answer toward B")
    check.eq(tags(d, "ro-1"), ["A", "B"], "tags")
    d.ng.delete("ro-1", "A")


def test_parallel_forks_each_get_monologue_and_ports():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    d.ng.offer(sdp(5000), "fk-1", "A")
    p1 = port_of(d.ng.answer(sdp(6000, "192.0.2.21"), "fk-1", "A", "B1"))
    p2 = port_of(d.ng.answer(sdp(6100, "192.0.2.22"), "fk-1", "A", "B2"))
    check.eq(tags(d, "fk-1"), ["A", "B1", "B2"], "tags after two answers")
    q = d.ng.query("fk-1")["tags"]
    b1 = q["B1"]["medias"][0]["streams"][0]["local port"]
    b2 = q["B2"]["medias"][0]["streams"][0]["local port"]
    check.ne(b1, b2, "each fork has its own ports")
    if not daemon.IS_RTPENGINE:
        # rtpengine gives A new ports for each answering fork, and has no
        # "in dialogue with" (COMPAT.md: Call model, parallel forks)
        check.eq(p1, p2, "both answers toward A carry A's one port")
        check.eq(q["A"]["in dialogue with"], "B2", "A talks to the fork that answered last")
    d.ng.delete("fk-1")


def test_serial_forking_by_via_branch():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    b1 = port_of(d.ng.offer(sdp(5000), "sf-1", "A", via_branch="z9hG4bK-1"))
    b1_again = port_of(d.ng.offer(sdp(5000), "sf-1", "A", via_branch="z9hG4bK-1"))
    check.eq(b1_again, b1, "retried offer on the same branch keeps its ports")
    # branch 1 fails (503): failure_route deletes it and relays branch 2
    check.eq(pairs_used(d), 2, "offerer and branch 1")
    # rtpengine 10.5 deletes the whole call for a delete naming a
    # via-branch (COMPAT.md: Call model, delete of one branch): there,
    # branch 1 stays until the call goes
    held = 4
    if not daemon.IS_RTPENGINE:
        d.ng.delete("sf-1", "A", via_branch="z9hG4bK-1", extra={"delete delay": 0})
        check.eq(pairs_used(d), 1, "branch 1's pair released")
        held = 3
    b2 = port_of(d.ng.offer(sdp(5000), "sf-1", "A", via_branch="z9hG4bK-2"))
    check.ne(b2, b1, "branch 2 gets new ports")
    b3 = port_of(d.ng.offer(sdp(5000), "sf-1", "A", via_branch="z9hG4bK-3"))
    check.ne(b3, b2, "branch 3 gets new ports")
    d.ng.answer(sdp(6000, "192.0.2.20"), "sf-1", "A", "B", via_branch="z9hG4bK-3")
    q = d.ng.query("sf-1")["tags"]
    if not daemon.IS_RTPENGINE:  # rtprelay's key (COMPAT.md: Replies, query)
        check.eq(q["B"]["via-branch"], "z9hG4bK-3", "answer tagged branch 3's monologue")
    check.eq(q["B"]["medias"][0]["streams"][0]["local port"], b3, "B owns branch 3's ports")
    check.true(bound(b2), "branch 2 still bound until deleted")
    check.eq(pairs_used(d), held, "offerer, (branch 1,) branch 2, branch 3")
    if daemon.IS_RTPENGINE:
        d.ng.delete("sf-1", extra={"delete delay": 0})
        wait_gone(d, "sf-1", 1.0)
        check.eq(pairs_left(d, 0), 0, "all released with the call")
        return
    d.ng.delete("sf-1", "A", via_branch="z9hG4bK-2", extra={"delete delay": 0})
    check.eq(pairs_used(d), 2, "branch 2 released")
    check.eq(tags(d, "sf-1"), ["A", "B"], "after deleting branch 2")
    d.ng.delete("sf-1", "A", to_tag="B", extra={"delete delay": 0})
    wait_gone(d, "sf-1", 1.0)
    check.eq(pairs_left(d, 0), 0, "branch 3 released with the call")


def test_delete_delay_query_and_ports_then_gone():
    with daemon.Daemon(args=["--delete-delay=2"]) as d:
        pb = port_of(d.ng.offer(sdp(5000), "dd-1", "A"))
        pa = port_of(d.ng.answer(sdp(6000, "192.0.2.20"), "dd-1", "A", "B"))
        t0 = time.monotonic()
        r = d.ng.delete("dd-1", "A")
        check.true("tags" in r, "delete with from-tag returns the call's report", r)
        check.eq(d.ng.query("dd-1")["result"], "ok", "query during the delay")
        check.true(bound(pa) and bound(pb), "ports still bound during the delay")
        check.eq(pairs_used(d), 2, "and held by the call")
        waited = wait_gone(d, "dd-1", 4.0) + (time.monotonic() - t0 - 0)
        # rtpengine's timer counts whole seconds: 2 s is 1 to 2 s there
        check.true((0.9 if daemon.IS_RTPENGINE else 1.5) <= time.monotonic() - t0 <= 3.5,
                   "gone after about 2 s", time.monotonic() - t0)
        check.eq(pairs_left(d, 0), 0, "ports released after the delay")
        check.eq(stat(d, "totalstatistics", "regularterminatedsessions"), 1, "counted as deleted")
        del waited


def test_delete_delay_zero_per_request():
    with daemon.Daemon(args=["--delete-delay=30"]) as d:
        pb = port_of(d.ng.offer(sdp(5000), "d0-1", "A"))
        d.ng.delete("d0-1", "A", extra={"delete delay": 0})
        check.error(d.ng.query("d0-1", check=False), "Unknown call-id")
        check.eq(pairs_left(d, 0), 0, "ports released at once")
        if daemon.IS_RTPENGINE:  # no rtpp_flags in 10.5 (COMPAT.md: SDP, rtpp_flags_*)
            return
        # the rtpp_flags spelling
        pb = port_of(d.ng.offer(sdp(5000), "d0-2", "A"))
        d.ng.delete("d0-2", "A", rtpp_flags="delete-delay=0")
        check.error(d.ng.query("d0-2", check=False), "Unknown call-id")


def test_delete_by_call_id_only():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    d.ng.offer(sdp(5000), "dc-1", "A")
    r = d.ng.delete("dc-1")
    check.eq(r.get("tags"), None, "delete by call-id alone answers without a report")
    check.error(d.ng.query("dc-1", check=False), "Unknown call-id")
    r = d.ng.delete("dc-1")
    check.eq(r.get("warning"), "Call-ID not found or tags didn't match", "second delete")
    check.error(d.ng.delete("dc-1", flags=["fatal"], check=False),
                "Call-ID not found or tags didn't match")


def test_delete_unknown_tag_changes_nothing():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    d.ng.offer(sdp(5000), "du-1", "A")
    r = d.ng.delete("du-1", "nobody")
    check.eq(r.get("warning"), "Call-ID not found or tags didn't match", "unknown from-tag")
    check.eq(d.ng.query("du-1")["result"], "ok", "call still there")
    if not daemon.IS_RTPENGINE:
        # rtpengine deletes the whole call here (COMPAT.md: Call model,
        # delete with an unknown to-tag)
        r = d.ng.delete("du-1", "A", to_tag="nobody")
        check.eq(r.get("warning"), "Call-ID not found or tags didn't match", "unknown to-tag")
        check.eq(d.ng.query("du-1")["result"], "ok", "call still there")
    d.ng.delete("du-1")


def test_offer_timeout():
    if daemon.IS_RTPENGINE:
        check.skip("rtprelay only: rtpengine 10.5 does not end an unanswered call by offer-timeout "
                   "(COMPAT.md: Call model, offer-timeout)")
    with daemon.Daemon(args=["--offer-timeout=1", "--delete-delay=0"]) as d:
        pb = port_of(d.ng.offer(sdp(5000), "ot-1", "A"))
        d.ng.offer(sdp(5000), "ot-2", "A")
        d.ng.answer(sdp(6000, "192.0.2.20"), "ot-2", "A", "B")
        t = wait_gone(d, "ot-1", 3.0)
        check.true(0.7 <= t <= 2.0, "unanswered call ended by offer-timeout after ~1 s", t)
        check.eq(pairs_used(d), 2, "only the answered call's pairs held")
        check.eq(d.ng.query("ot-2")["result"], "ok", "answered call survives offer-timeout")
        check.eq(stat(d, "totalstatistics", "offertimeoutsessions"), 1, "offer timeouts")
        check.eq(stat(d, "currentstatistics", "sessionsown"), 1, "sessions left")


def test_final_timeout():
    with daemon.Daemon(args=["--final-timeout=1", "--delete-delay=0"]) as d:
        d.ng.offer(sdp(5000), "ft-1", "A")
        d.ng.answer(sdp(6000, "192.0.2.20"), "ft-1", "A", "B")
        t = wait_gone(d, "ft-1", 3.0)
        check.true(0.7 <= t <= 2.0, "call ended by final-timeout after ~1 s", t)
        check.eq(stat(d, "totalstatistics", "finaltimeoutsessions"), 1, "final timeouts")
        # a pending delete-delay cannot outlive final-timeout either
    with daemon.Daemon(args=["--final-timeout=1", "--delete-delay=30"]) as d:
        d.ng.offer(sdp(5000), "ft-2", "A")
        d.ng.delete("ft-2", "A")
        wait_gone(d, "ft-2", 3.0)


def test_max_sessions():
    with daemon.Daemon(args=["--max-sessions=2", "--delete-delay=0"]) as d:
        d.ng.offer(sdp(5000), "ms-1", "A")
        d.ng.offer(sdp(5000), "ms-2", "A")
        check.error(d.ng.offer(sdp(5000), "ms-3", "A", check=False), "Parallel session limit reached")
        check.error(d.ng.query("ms-3", check=False), "Unknown call-id")
        d.ng.offer(sdp(5002), "ms-1", "A")  # an existing call is not refused
        d.ng.delete("ms-1")
        d.ng.offer(sdp(5000), "ms-3", "A")
        check.eq(stat(d, "totalstatistics", "rejectedsessions"), 1, "refused sessions")


def test_port_exhaustion_is_an_error_and_changes_nothing():
    # 8 ports = 4 pairs = 2 calls (one pair per side)
    with daemon.Daemon(args=["--delete-delay=0"], media_ports=8) as d:
        seen = []
        for c in ("px-1", "px-2"):
            seen.append(port_of(d.ng.offer(sdp(5000), c, "A")))
            seen.append(port_of(d.ng.answer(sdp(6000, "192.0.2.20"), c, "A", "B")))
        check.eq(len(set(seen)), 4, "no port handed out twice: %r" % seen)
        r = d.ng.offer(sdp(5000), "px-3", "A", check=False)
        check.error(r, "Ran out of ports")
        check.error(d.ng.query("px-3", check=False), "Unknown call-id")
        check.eq(sorted(d.ng.command("list")["calls"]), ["px-1", "px-2"], "calls after the refused offer")
        if daemon.IS_RTPENGINE:
            # a re-offer that runs out of ports ends the call in rtpengine
            # (COMPAT.md: Call model, re-offer out of ports)
            return
        # a second media on an existing call fails the same way and leaves it as it was
        before = d.ng.query("px-1")["tags"]
        two = sdp(5000) + "m=audio 5002 RTP/AVP 0\r\n"
        check.error(d.ng.offer(two, "px-1", "A", to_tag="B", check=False), "Ran out of ports")
        check.eq(d.ng.query("px-1")["tags"], before, "call unchanged by the failed re-offer")
        d.ng.delete("px-1")
        d.ng.offer(sdp(5000), "px-3", "A")
        check.eq(d.ng.ping()["result"], "pong", "daemon alive")


def test_list_and_limit():
    with daemon.Daemon(args=["--delete-delay=0"]) as d:
        for i in range(5):
            d.ng.offer(sdp(5000), "ls-%d" % i, "A")
        # rtpengine lists in hash order: the order is not part of the contract
        calls = d.ng.command("list")["calls"]
        check.eq(sorted(calls), ["ls-%d" % i for i in range(5)], "list")
        two = d.ng.command("list", limit=2)["calls"]
        check.true(len(set(two)) == 2 and set(two) <= set(calls), "list limit 2", two)
        if not daemon.IS_RTPENGINE:
            check.eq(calls, ["ls-%d" % i for i in range(5)], "rtprelay lists in creation order")
        check.eq(d.ng.command("list", limit=0)["calls"], [], "list limit 0")
        if not daemon.IS_RTPENGINE:  # rtpengine lists all (COMPAT.md: Replies, list limit)
            check.error(d.ng.command("list", limit="x", check=False),
                        "Invalid 'limit': not a non-negative number")


def test_udp_reply_too_large_is_an_error_not_silence():
    """A reply that cannot be one UDP datagram (list of 400 calls with long
    call-ids, ~85 KB) is answered with an error that says so; TCP gets the
    whole list; the event is counted."""
    check.only("rtprelay")  # rtpengine 10.5 sends nothing at all
    rejected = ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n")
    with daemon.Daemon(args=["--delete-delay=0"]) as d:
        ids = ["big-%04d-" % i + "x" * 200 for i in range(400)]
        for cid in ids:
            d.ng.offer(rejected, cid, "A")
        r = d.ng.command("list", limit=1000, check=False)
        check.error(r, None, "list over UDP")
        check.true("too large for UDP" in r["error-reason"] and "use TCP" in r["error-reason"],
                   "reason says why and what to do", r)
        check.eq(d.tcp().command("list", limit=1000)["calls"], ids, "list over TCP")
        check.eq(len(d.ng.command("list", limit=100)["calls"]), 100, "a smaller list fits UDP")
        tot = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(tot["udprepliestoolarge"], 1, "counted")
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % d.http_port, timeout=5) as r:
            prom = r.read().decode()
        check.contains(prom, "\nrtprelay_ng_udp_replies_too_large_total 1\n", "in Prometheus /metrics")


def test_statistics_counts_sessions_and_commands():
    with daemon.Daemon(args=["--delete-delay=0"]) as d:
        d.ng.offer(sdp(5000), "st-1", "A")
        d.ng.answer(sdp(6000, "192.0.2.20"), "st-1", "A", "B")
        d.ng.offer(sdp(5000), "st-2", "A")
        d.ng.answer(sdp(6000), "st-unknown", "A", "B", check=False)
        s = d.ng.command("statistics")["statistics"]
        check.eq(s["currentstatistics"]["sessionsown"], 2, "sessions own")
        check.eq(s["currentstatistics"]["sessionstotal"], 2, "sessions total")
        if not daemon.IS_RTPENGINE:
            # rtpengine counts a managed session when it ends (COMPAT.md:
            # Replies, statistics)
            check.eq(s["totalstatistics"]["managedsessions"], 2, "created")
        c = s["controlstatistics"]
        check.eq(c["totaloffercount"], 2, "offers")
        check.eq(c["totalanswercount"], 2, "answers")
        if not daemon.IS_RTPENGINE:  # rtprelay's "commands" (COMPAT.md: Replies, statistics)
            check.eq(c["commands"]["answer"]["errors"], 1, "answer errors")
        d.ng.delete("st-1")
        d.ng.delete("st-2")
        s = d.ng.command("statistics")["statistics"]
        check.eq(s["currentstatistics"]["sessionsown"], 0, "sessions after delete")
        check.eq(s["totalstatistics"]["regularterminatedsessions"], 2, "deleted")
        check.eq(s["totalstatistics"]["managedsessions"], 2, "managed sessions")
        check.eq(pairs_left(d, 0), 0, "no port pair held")


def test_one_call_over_three_transports():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    pb = port_of(d.tcp().offer(sdp(5000), "tr-1", "A"))
    d.http().answer(sdp(6000, "192.0.2.20"), "tr-1", "A", "B")
    check.eq(tags(d, "tr-1"), ["A", "B"], "tags")
    check.eq(port_of(d.ng.offer(sdp(5000), "tr-1", "A", to_tag="B")), pb, "re-offer over UDP")
    d.ng.delete("tr-1")


def test_retransmission_is_not_executed_twice():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    before = stat(d, "controlstatistics", "totaloffercount")
    msg = {"command": "offer", "call-id": "rt-1", "from-tag": "A", "sdp": sdp(5000)}
    r1 = d.ng.request(msg, cookie="rtx-cookie-1")
    r2 = d.ng.request(msg, cookie="rtx-cookie-1")
    check.eq(r2, r1, "cached reply")
    check.eq(stat(d, "controlstatistics", "totaloffercount"), before + 1, "executed once")
    if daemon.IS_RTPENGINE:
        # rtpengine answers the cached reply (COMPAT.md: Replies, retransmission)
        d.ng.delete("rt-1")
        return
    # the same cookie with another body is a new request
    msg2 = dict(msg, **{"call-id": "rt-2"})
    r3 = d.ng.request(msg2, cookie="rtx-cookie-1")
    check.eq(r3["result"], "ok", "new body executed")
    check.eq(stat(d, "controlstatistics", "totaloffercount"), before + 2, "second execution")
    d.ng.delete("rt-1")
    d.ng.delete("rt-2")


def test_retransmission_cache_bounds_never_execute_twice():
    """Past --ng-cache-max-bytes the oldest replies are dropped but the
    requests stay known: a retransmission is refused, not executed again.
    Past --ng-cache-max-entries new requests are refused, not executed,
    until the remembered ones age out (30 s: not waited for here)."""
    check.only("rtprelay")  # the options are rtprelay's
    with daemon.Daemon(args=["--delete-delay=0", "--ng-cache-max-bytes=1",
                             "--ng-cache-max-entries=7"]) as d:
        first = {"command": "offer", "call-id": "cb-1", "from-tag": "A", "sdp": sdp(5000)}
        check.eq(d.ng.request(first, cookie="cb-cookie-1")["result"], "ok", "first offer")
        # 1 KiB holds the keys of these requests and one reply at most
        for i in range(2, 5):
            r = d.ng.request(dict(first, **{"call-id": "cb-%d" % i}), cookie="cb-cookie-%d" % i)
            check.eq(r["result"], "ok", "offer %d" % i)
        r = d.ng.request(first, cookie="cb-cookie-1")
        check.error(r, "Retransmission of a request already executed whose reply is no "
                       "longer cached: not executed again")
        r = d.ng.request(dict(first, **{"call-id": "cb-4"}), cookie="cb-cookie-4")
        check.eq(r["result"], "ok", "the newest reply is still cached")
        # Remembered: the harness's start-up ping, 4 offers, and these two.
        check.eq(stat(d, "controlstatistics", "totaloffercount"), 4,
                 "4 offers executed, none twice")
        tot = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(tot["ngretransmissionsgone"], 1, "counted")
        r = d.ng.request({"command": "offer", "call-id": "cb-9", "from-tag": "A",
                          "sdp": sdp(5000)}, cookie="cb-cookie-9")
        check.error(r, "Too many requests: the retransmission cache is full, try again later")
        check.error(d.ng.request({"command": "ping"}), None, "still full")
        text = d.log_text()
        check.contains(text, "retransmission cache is full", "logged")
        check.true("[cb-9" not in text, "the refused offer never ran", text[-1500:])
        check.eq(text.count("[cb-1/A] offer processed"), 1, "cb-1 ran once")


def test_tags_per_call_are_bounded():
    """A call cannot grow any number of parties (each one ports and a query
    entry): past --max-call-tags an offer for a new branch is refused,
    counted, and changes nothing; existing branches keep working; list's
    limit is bounded too."""
    check.only("rtprelay")  # the option is rtprelay's
    with daemon.Daemon(args=["--delete-delay=0", "--max-call-tags=4"]) as d:
        for b in range(1, 4):  # A + 3 branches = 4
            d.ng.offer(sdp(5000), "mt-1", "A", via_branch="z9hG4bK-%d" % b)
        r = d.ng.offer(sdp(5000), "mt-1", "A", via_branch="z9hG4bK-4", check=False)
        check.error(r, "Too many tags in this call (4, max-call-tags)")
        check.eq(pairs_used(d), 4, "nothing added: A and 3 branches hold a pair each")
        r = d.ng.offer(sdp(5000), "mt-1", "A", via_branch="z9hG4bK-2")
        check.eq(r["result"], "ok", "a known branch is re-offered")
        d.ng.answer(sdp(6000, "192.0.2.20"), "mt-1", "A", "B", via_branch="z9hG4bK-2")
        check.eq(pairs_used(d), 4, "the answer tagged branch 2")
        check.eq(d.ng.query("mt-1")["tags"]["B"]["via-branch"], "z9hG4bK-2", "B is branch 2")
        tot = d.ng.command("statistics")["statistics"]["totalstatistics"]
        check.eq(tot["offersfailedtags"], 1, "counted")
        d.ng.delete("mt-1")
        for i in range(3):
            d.ng.offer(sdp(5000), "ml-%d" % i, "A")
        check.eq(len(d.ng.command("list", limit=10 ** 12)["calls"]), 3, "a huge limit is fine")


def test_answer_and_offer_errors_change_nothing():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    check.error(d.ng.answer(sdp(6000), "ae-none", "A", "B", check=False), "Unknown call-id")
    d.ng.offer(sdp(5000), "ae-1", "A")
    if not daemon.IS_RTPENGINE:
        # rtpengine adds a party X (COMPAT.md: Call model, answer with an
        # unknown from-tag)
        check.error(d.ng.answer(sdp(6000), "ae-1", "X", "B", check=False), "Unknown from-tag")
    check.error(d.ng.command("answer", check=False, **{"call-id": "ae-1", "from-tag": "A", "sdp": sdp(6000)}),
                "No to-tag in message")
    # rtpengine says only "Failed to parse SDP" (COMPAT.md: Replies, offer
    # with unparsable SDP)
    r = d.ng.offer("garbage", "ae-1", "A", check=False)
    check.eq(r["result"], "error", "garbage SDP")
    check.true(r["error-reason"].startswith("Failed to parse SDP"), "reason", r)
    if not daemon.IS_RTPENGINE:
        check.eq(r["error-reason"], "Failed to parse SDP: line is not <letter>=<value> (line 1)", "reason")
    r = d.ng.offer(sdp(5000).replace("c=IN IP4 192.0.2.10", "c=IN IP4 999.1.1.1"), "ae-2", "A", check=False)
    check.error(r, "Failed to parse SDP" if daemon.IS_RTPENGINE
                else "SDP media 1 has an invalid connection address '999.1.1.1'")
    check.error(d.ng.query("ae-2", check=False), "Unknown call-id")
    # the offerer and the callee placeholder (no to-tag yet), untouched by the errors
    check.eq(tags(d, "ae-1"), ["<untagged 1>", "A"], "tags after the failed requests")
    d.ng.delete("ae-1")


def test_trailing_blank_line_and_mixed_line_endings():
    d = daemon.shared("v4", args=["--delete-delay=0"])
    r = d.ng.offer(sdp(5000) + "\r\n", "tb-1", "A")
    check.true(r["sdp"].endswith("a=rtcp:%d\r\n" % (port_of(r) + 1)), "no blank line passed on", r["sdp"])
    mixed = sdp(5000).replace("s=-\r\n", "s=-\n")
    r = d.ng.offer(mixed, "tb-2", "A")
    if not daemon.IS_RTPENGINE:
        # rtpengine keeps the LF it copied (COMPAT.md: SDP, lf_only_input)
        check.true("\n" not in r["sdp"].replace("\r\n", ""), "one line ending throughout", r["sdp"])
    d.ng.delete("tb-1")
    d.ng.delete("tb-2")


def test_released_pairs_are_reused_late():
    # A released pair stays bound as a spare, but is handed out again only
    # after many later releases: a new call does not get the port of the
    # call that just ended.
    with daemon.Daemon(args=["--delete-delay=0"], media_ports=2000) as d:
        seen = []
        for i in range(40):
            seen.append(port_of(d.ng.offer(sdp(5000), "rl-%d" % i, "A")))
            d.ng.delete("rl-%d" % i)
        for i in range(len(seen)):
            for j in range(i + 1, min(i + 32, len(seen))):
                check.ne(seen[j], seen[i], "callee ports of calls %d and %d" % (i, j))
        check.eq(pairs_left(d, 0), 0, "nothing held")
        if daemon.IS_RTPENGINE:  # it closes released ports (COMPAT.md: Replies, statistics)
            return
        s = d.ng.command("statistics")["statistics"]["ports"]
        # spares grow to 64 + the 2 pairs of the call just deleted, then the
        # oldest are reused: each offer takes 2, each delete gives 2 back
        check.eq(s["pairs_spare"], 66, "released pairs kept bound as spares")


def test_query_keys_are_never_repeated():
    """Parties not tagged yet are "<untagged N>" in query's "tags" (as
    rtpengine 10.5 names them), never a key twice, even when a from-tag is
    itself "<untagged 1>": the test client's decoder refuses repeated keys."""
    d = daemon.shared("v4", args=["--delete-delay=0"])
    for b in range(1, 4):
        d.ng.offer(sdp(5000), "qk-1", "A", via_branch="z9hG4bK-qk%d" % b)
    check.eq(tags(d, "qk-1"), ["<untagged 1>", "<untagged 2>", "<untagged 3>", "A"], "branches")
    d.ng.delete("qk-1")
    if daemon.IS_RTPENGINE:  # it repeats the key here (COMPAT.md: Replies, query untagged)
        return
    d.ng.offer(sdp(5000), "qk-2", "<untagged 1>")
    check.eq(tags(d, "qk-2"), ["<untagged 1>", "<untagged 2>"], "a from-tag that looks untagged")
    q = d.ng.query("qk-2")["tags"]
    check.eq(q["<untagged 1>"]["tag"], "<untagged 1>", "the tagged party keeps its key")
    check.eq(q["<untagged 2>"]["tag"], "", "the untagged one moves on")
    d.ng.delete("qk-2")


def test_tcp_media_takes_no_ports():
    """A TCP/MSRP section passes as it came: no UDP pair is bound for it."""
    with daemon.Daemon(args=["--delete-delay=0"]) as d:
        msrp = ("m=message 2855 TCP/MSRP *\r\na=accept-types:text/plain\r\n"
                "a=path:msrp://192.0.2.10:2855/abc;tcp\r\n")
        r = d.ng.offer(sdp(5000, extra=msrp), "tcp-1", "A")
        check.contains(r["sdp"], "m=message 2855 TCP/MSRP *", "MSRP passed as it came")
        if daemon.IS_RTPENGINE:
            # it binds a UDP pair per side for the section (COMPAT.md: Call
            # model, TCP media)
            d.ng.delete("tcp-1")
            return
        check.eq(pairs_used(d), 2, "a pair per side for the audio only")
        d.ng.answer(sdp(6000, "192.0.2.20", msrp.replace("2855", "2856")), "tcp-1", "A", "B")
        check.eq(pairs_used(d), 2, "still after the answer")
        d.ng.delete("tcp-1")
