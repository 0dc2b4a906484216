"""The shared-memory pool seen from outside: per-stream state comes from
it, is freed only when the stream really ends (after delete-delay), and
is accounted in statistics, GET /metrics/json and rtprelay-ctl memory."""

import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check, daemon, media  # noqa: E401


def memory(d):
    return d.ng.command("statistics")["statistics"]["memory"]


def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % port)


def test_stream_state_lives_until_the_stream_ends():
    check.only("rtprelay")
    with daemon.Daemon(args=["--delete-delay=1"]) as d:
        base = memory(d)
        check.eq(base["live_objects"], 0, "nothing allocated at start")
        for i in range(3):
            d.ng.offer(sdp(5000), "mem-%d" % i, "A")
            d.ng.answer(sdp(6000), "mem-%d" % i, "A", "B")
        m = memory(d)
        # 2 parties x 1 media x (RTP + RTCP) per call
        check.eq(m["live_objects"], 12, "per-stream state of 3 calls")
        check.true(m["used"] >= 12 * 64, "used bytes cover the objects", m["used"])
        check.true(m["total"] >= m["real_used"] >= m["used"], "total >= real_used >= used", m)
        check.eq(m["free"], m["total"] - m["real_used"], "free = total - real_used")
        check.true(m["shards"] >= 1 and len(m["per shard"]) == m["shards"], "shard list", m)
        check.eq(sum(s["live_objects"] for s in m["per shard"]), 12, "per shard sums up")
        check.eq(sum(c["objects"] for c in m["per size class"]), 12, "per class sums up")
        d.ng.delete("mem-0", "A")
        check.eq(memory(d)["live_objects"], 12, "kept during the delete delay")
        deadline = time.monotonic() + 4
        while memory(d)["live_objects"] != 8 and time.monotonic() < deadline:
            time.sleep(0.1)
        check.eq(memory(d)["live_objects"], 8, "freed when the call is freed")
        d.ng.delete("mem-1", "A", extra={"delete delay": 0})
        d.ng.delete("mem-2", "A", extra={"delete delay": 0})
        m = memory(d)
        check.eq(m["live_objects"], 0, "all freed")
        check.eq(m["used"], 0, "no bytes in use")
        check.true(m["max_used"] > 0, "max_used remembers the peak", m)
        check.true("per site" not in m, "sites only when asked for", m)


def test_sites_metrics_and_ctl():
    check.only("rtprelay")
    with daemon.Daemon(args=["--delete-delay=0", "--memory-accounting=sites"]) as d:
        d.ng.offer(sdp(5000), "site-1", "A")
        m = memory(d)
        sites = m["per site"]
        check.eq(len(sites), 1, "one allocation site so far: %r" % sites)
        check.true(sites[0]["site"].startswith("media.c:"), "site is file:line", sites)
        check.eq(sites[0]["objects"], 4, "objects of the site")
        body = urllib.request.urlopen("http://127.0.0.1:%d/metrics/json" % d.http_port, timeout=5).read()
        js = json.loads(body)
        check.eq(js["memory"]["live_objects"], 4, "GET /metrics/json memory")
        check.eq(js["currentstatistics"]["sessionsown"], 1, "GET /metrics/json sessions")
        out = d.ctl("memory")
        check.eq(out.returncode, 0, "rtprelay-ctl memory exit status")
        check.contains(out.stdout, "Allocation sites (by bytes):", "ctl memory")
        check.contains(out.stdout, "media.c:", "ctl memory shows the site")
        check.contains(out.stdout, "live_objects", "ctl memory totals")
        d.ng.delete("site-1")
        check.eq(memory(d)["per site"][0]["objects"], 0, "site count back to 0")


def test_shared_memory_limit_is_an_ng_error_not_an_abort():
    """With --shared-memory-max=1 (one 1 MiB shard) offers succeed until the
    pool is full; the next one gets an ng error, changes nothing and is
    counted; the daemon keeps answering; freed memory is used again."""
    check.only("rtprelay")
    rejected = sdp(0)  # no ports: memory is the only thing an offer takes
    with daemon.Daemon(args=["--delete-delay=0", "--shared-memory-max=1"]) as d:
        ok = 0
        r = None
        for i in range(20000):  # bounded: a 1 MiB shard holds far fewer
            r = d.ng.offer(rejected, "cap-%d" % i, "A", check=False)
            if r.get("result") != "ok":
                break
            ok += 1
        check.true(ok > 10, "offers before the limit (%d)" % ok)
        check.error(r, "Out of shared memory for media state")
        q = d.ng.command("query", check=False, **{"call-id": "cap-%d" % ok})
        check.error(q, "Unknown call-id")
        check.eq(d.ng.ping()["result"], "pong", "daemon alive")
        st = d.ng.command("statistics")["statistics"]
        check.eq(st["totalstatistics"]["offersfailedmemory"], 1, "counted")
        check.eq(st["currentstatistics"]["sessionsown"], ok, "no call created by the failed offer")
        check.true(st["memory"]["total"] <= 1 << 20, "pool within the limit", st["memory"])
        for i in range(5):
            d.ng.delete("cap-%d" % i)
        time.sleep(1.5)  # the reclaim timer runs every second
        d.ng.offer(rejected, "cap-again", "A")


def test_shard_size_option():
    """--shared-memory-shard-size (KiB, a power of two, default 1024) sets
    the size of every shard: statistics show it, more shards hold the same
    calls, all of them given back once the calls are gone; values that are
    not a power of two or out of range are refused at start."""
    check.only("rtprelay")
    for bad, why in (("100", "is not a power of two"), ("8", "out of range 16..1048576")):
        r = subprocess.run([daemon.default_bin(), "--config-file=none", "--interface=127.0.0.1",
                            "--listen-ng=127.0.0.1:2223", "--check-config",
                            "--shared-memory-shard-size=" + bad],
                           capture_output=True, text=True, timeout=30)
        check.eq(r.returncode, 1, "--shared-memory-shard-size=%s refused" % bad)
        check.true(why in r.stderr + r.stdout, "says why: %s" % why, r.stderr)
    with daemon.Daemon(args=["--delete-delay=0", "--shared-memory-shard-size=16"]) as d:
        check.eq(memory(d)["shard_size"], 16384, "statistics memory.shard_size")
        # 16 KiB = 4 pages; 200 calls x 4 objects need several shards
        for i in range(200):
            d.ng.offer(sdp(0), "shard-%d" % i, "A")
        m = memory(d)
        check.eq(m["live_objects"], 800, "per-stream state of 200 offers")
        check.true(m["shards"] >= 3, "several 16 KiB shards", m["shards"])
        check.true(all(s["size"] == 16384 for s in m["per shard"]), "every shard 16 KiB",
                   [s["size"] for s in m["per shard"]])
        for i in range(200):
            d.ng.delete("shard-%d" % i)
        time.sleep(2.5)  # the reclaim timer runs every second
        m = memory(d)
        check.eq(m["live_objects"], 0, "all freed")
        check.true(m["shards"] <= 1, "emptied shards given back (one spare kept)", m["shards"])
