#!/usr/bin/env python3
"""driver.py: the field replay's load, inside the guest (guest.sh runs it
against `rtprelay --table=0`).

    driver.py ADDR:PORT SCHEDULE OUTDIR LOAD_S OBSERVE_S [options]

SCHEDULE is `replay_trace schedule`'s output (the pool simulator's trace
generator, t/bench/pool/trace.c): per call its start, end (inf: never) and
branch start times. Per call, over the ng socket: an offer (from-tag a,
via-branch v0) at its start; branch i answered (to-tag b<i>, via-branch
v<i>) at its start; a failing branch deleted (to-tag, via-branch) when the
next one starts; the call deleted at its end; every delete with
`delete delay` 30. Calls that last past LOAD_S + OBSERVE_S (the trace's
1-8 h calls) are never deleted: they stay through the load and the drop.
No new call after LOAD_S (the trace has none).

Media: the long calls (> 1 h) and every --media-every'th short call get RTP
both ways once answered (A and B sockets on 127.0.0.1, --pps packets a
second each way, stopped 1 s before the delete), every packet checked on
arrival; so their streams go to the kernel and the daemon's moves replace
live targets.

Every --sample seconds a row into OUTDIR/samples.tsv: the module's status
(/proc/rtprelay/0/status), the daemon's statistics (memory, kernel) and the
driver's own counts. Every --census seconds the active media calls are
queried: how many RTP streams are in the kernel (query 'kernel'). A
summary (key<TAB>value) goes to OUTDIR/summary.tsv.

Bounded: every ng request waits at most 2 s, retried twice with the same
cookie; the run ends at LOAD_S + OBSERVE_S whatever happens.
"""
import argparse
import heapq
import os
import re
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integ"))
import ng as ngmod  # noqa: E402

STATUS = "/proc/rtprelay/0/status"
LONG_S = 3600  # the trace's long calls last 1-8 h
SDP = ("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


class Ng:
    """Synchronous ng over UDP: latency and errors counted."""

    def __init__(self, addr):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.connect(addr)
        self.n = 0
        self.errors = 0
        self.timeouts = 0
        self.lat = []   # ms, since the last take_latencies()
        self.all_lat = []
        self.reasons = {}
        self.cookie = 0

    def request(self, d, what):
        self.cookie += 1
        cookie = b"r%d" % self.cookie
        msg = cookie + b" " + ngmod.encode(d)
        t0 = time.monotonic()
        for _ in range(3):
            self.s.send(msg)
            end = time.monotonic() + 2.0
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.s.settimeout(left)
                try:
                    data = self.s.recv(65536)
                except socket.timeout:
                    break
                c, _, body = data.partition(b" ")
                if c == cookie:
                    ms = (time.monotonic() - t0) * 1000
                    self.lat.append(ms)
                    self.all_lat.append(ms)
                    self.n += 1
                    r = ngmod.decode(body)
                    if r.get("result") == "error":
                        self.fail(what, r.get("error-reason", "?"))
                    return r
        self.n += 1
        self.timeouts += 1
        self.fail(what, "no reply in 3 x 2 s")
        return {}

    def fail(self, what, reason):
        self.errors += 1
        k = "%s: %s" % (what, reason)
        self.reasons[k] = self.reasons.get(k, 0) + 1

    def take_latencies(self):
        v, self.lat = self.lat, []
        return v


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def sdp_port(sdp):
    m = re.search(r"^m=audio (\d+)", sdp, re.M)
    return int(m.group(1)) if m else 0


class Call:
    __slots__ = ("id", "start", "end", "branches", "media", "long", "a", "b", "to_a", "to_b",
                 "seq", "sending", "sent", "recv", "bad", "cid")

    def __init__(self, line):
        f = line.split()
        self.id = int(f[0])
        self.start = float(f[1])
        self.end = float("inf") if f[2] == "inf" else float(f[2])
        n = int(f[3])
        self.branches = [float(x) for x in f[4:4 + n]]
        self.long = self.end - self.branches[-1] >= LONG_S
        self.media = False
        self.a = self.b = None
        self.to_a = self.to_b = 0
        self.seq = 0
        self.sending = False
        self.sent = self.recv = self.bad = 0
        self.cid = "replay-%d" % self.id


class Driver:
    def __init__(self, args):
        self.args = args
        host, port = args.addr.rsplit(":", 1)
        self.ng = Ng((host, int(port)))
        self.sel = selectors.DefaultSelector()
        self.calls = []
        self.meta = {}
        with open(args.schedule) as f:
            for line in f:
                if line.startswith("#"):
                    k, _, v = line[1:].strip().partition(" ")
                    self.meta[k] = v
                elif line.strip():
                    self.calls.append(Call(line))
        short = 0
        for c in self.calls:
            if c.long:
                c.media = True
            else:
                short += 1
                c.media = args.media_every > 0 and short % args.media_every == 0
        self.events = []
        self.seq = 0
        self.end_s = args.load_s + args.observe_s
        for c in self.calls:
            self.push(c.start, 0, "offer", c)
            # a failing branch is deleted before the next one answers
            for i, t in enumerate(c.branches):
                self.push(t, 2, "answer", c, i)
                if i + 1 < len(c.branches):
                    self.push(c.branches[i + 1], 1, "delete_branch", c, i)
            if c.media:
                self.push(c.end - 1.0, 3, "stop_media", c)
            self.push(c.end, 4, "delete", c)
        self.active = 0        # calls offered and not yet deleted
        self.media_calls = []  # with sockets
        self.max_lag = 0.0
        self.lags = []
        self.counts = {"offers": 0, "answers": 0, "branch_deletes": 0, "call_deletes": 0}
        self.census = (0, 0, {})

    def push(self, t, order, what, c, arg=None):
        if t >= self.end_s:
            return
        self.seq += 1
        heapq.heappush(self.events, (t, order, self.seq, what, c, arg))

    # ---- ng actions

    def offer(self, c, _):
        port = 40000
        if c.media:
            c.a = self.peer(c)
            c.b = self.peer(c)
            port = c.a.getsockname()[1]
        self.active += 1
        self.counts["offers"] += 1
        self.ng.request({"command": "offer", "call-id": c.cid, "from-tag": "a",
                         "via-branch": "v0", "sdp": SDP % (c.id, port)}, "offer")

    def answer(self, c, i):
        last = i == len(c.branches) - 1
        port = c.b.getsockname()[1] if (c.media and last) else 42000 + 2 * i
        self.counts["answers"] += 1
        r = self.ng.request({"command": "answer", "call-id": c.cid, "from-tag": "a",
                             "to-tag": "b%d" % i, "via-branch": "v%d" % i,
                             "sdp": SDP % (c.id, port)}, "answer")
        if c.media and last and r.get("result") == "ok":
            c.to_b = sdp_port(r.get("sdp", ""))
            q = self.ng.request({"command": "query", "call-id": c.cid}, "query")
            try:
                c.to_a = q["tags"]["b%d" % i]["medias"][0]["streams"][0]["local port"]
            except (KeyError, IndexError, TypeError):
                self.ng.fail("query", "no local port for b%d" % i)
                return
            c.sending = True
            self.media_calls.append(c)

    def delete_branch(self, c, i):
        self.counts["branch_deletes"] += 1
        self.ng.request({"command": "delete", "call-id": c.cid, "from-tag": "a",
                         "to-tag": "b%d" % i, "via-branch": "v%d" % i,
                         "delete delay": self.args.delete_delay}, "delete branch")

    def stop_media(self, c, _):
        c.sending = False

    def delete(self, c, _):
        c.sending = False
        self.active -= 1
        self.counts["call_deletes"] += 1
        self.ng.request({"command": "delete", "call-id": c.cid, "from-tag": "a",
                         "delete delay": self.args.delete_delay}, "delete")
        self.close_media(c)

    # ---- media

    def peer(self, c):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, c)
        return s

    def close_media(self, c):
        for s in (c.a, c.b):
            if s is not None:
                self.drain(s, c)
                self.sel.unregister(s)
                s.close()
        c.a = c.b = None
        if c in self.media_calls:
            self.media_calls.remove(c)

    def drain(self, s, c):
        while True:
            try:
                data = s.recv(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.check(c, s, data)

    def check(self, c, s, data):
        # A sends ssrc 0xA...+id, B 0xB...; each side must get the other's
        if len(data) < 12:
            c.bad += 1
            return
        ssrc = struct.unpack("!I", data[8:12])[0]
        want = (0xB0000000 if s is c.a else 0xA0000000) | (c.id & 0xFFFFFFF)
        if ssrc == want and data[12:] == bytes([c.id & 0xFF]) * 160:
            c.recv += 1
        else:
            c.bad += 1

    def media_tick(self):
        for c in self.media_calls:
            if not c.sending:
                continue
            c.seq += 1
            pay = bytes([c.id & 0xFF]) * 160
            for s, to, base in ((c.a, c.to_b, 0xA0000000), (c.b, c.to_a, 0xB0000000)):
                pkt = struct.pack("!BBHII", 0x80, 0, c.seq & 0xFFFF, (c.seq * 160) & 0xFFFFFFFF,
                                  base | (c.id & 0xFFFFFFF)) + pay
                try:
                    s.sendto(pkt, ("127.0.0.1", to))
                    c.sent += 1
                except OSError:
                    self.ng.fail("media", "send failed")

    def poll(self, until):
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return
            for key, _ in self.sel.select(timeout=left):
                self.drain(key.fileobj, key.data)

    # ---- samples

    def status(self):
        d = {}
        try:
            with open(STATUS) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    d[k.strip()] = v.strip()
        except OSError:
            pass
        return d

    def do_census(self):
        n = kern = 0
        states = {}
        for c in list(self.media_calls):
            q = self.ng.request({"command": "query", "call-id": c.cid}, "query")
            for tag in ("a", "b%d" % (len(c.branches) - 1)):
                try:
                    st = q["tags"][tag]["medias"][0]["streams"][0].get("kernel", "?")
                except (KeyError, IndexError, TypeError):
                    st = "missing"
                n += 1
                kern += st == "kernelized"
                states[st] = states.get(st, 0) + 1
        self.census = (n, kern, states)

    def sample(self, t, out):
        st = self.ng.request({"command": "statistics"}, "statistics").get("statistics", {})
        mem, ker = st.get("memory", {}), st.get("kernel", {})
        tot, cur = st.get("totalstatistics", {}), st.get("currentstatistics", {})
        ps = self.status()
        lat = self.ng.take_latencies()
        lags, self.lags = self.lags, []
        n, kern, _ = self.census
        row = [
            "%.1f" % t, "load" if t < self.args.load_s else "drop",
            ps.get("Memory pins", ""), ps.get("Memory", ""), ps.get("Targets", ""),
            mem.get("used", ""), mem.get("live_objects", ""), mem.get("shards", ""),
            mem.get("shards_pinned", ""), mem.get("pinned_bytes", ""), mem.get("shard_size", ""),
            mem.get("quarantined_objects", ""), cur.get("sessionsown", ""), self.active,
            ker.get("targets", ""), ker.get("moves", ""), ker.get("move_skips", ""),
            ker.get("target_replaces", ""), ker.get("target_replace_failures", ""),
            ker.get("barriers", ""), ker.get("barrier_failures", ""), ker.get("pins", ""),
            ker.get("unpins", ""), ker.get("unpins_busy", ""), ker.get("pin_failures", ""),
            ker.get("target_add_failures", ""),
            tot.get("relayedpackets_kernel", ""), tot.get("relayedpackets_user", ""),
            self.ng.n, self.ng.errors, "%.1f" % pct(lat, 99), "%.1f" % (max(lat) if lat else 0),
            "%.0f" % (max(lags) * 1000 if lags else 0),
            sum(c.sent for c in self.calls), sum(c.recv for c in self.calls),
            len([c for c in self.media_calls if c.sending]), n, kern,
            # per shard: live objects:bytes used:pinned (1/0)
            " ".join("%d:%d:%d" % (sh.get("live_objects", 0), sh.get("used", 0),
                                   sh.get("pinned", 0)) for sh in mem.get("per shard", [])),
        ]
        out.write("\t".join(str(x) for x in row) + "\n")
        out.flush()

    def run(self):
        a = self.args
        os.makedirs(a.outdir, exist_ok=True)
        out = open(os.path.join(a.outdir, "samples.tsv"), "w")
        out.write("\t".join([
            "t_s", "phase", "proc_pins", "proc_memory", "proc_targets", "live_bytes",
            "live_objects", "shards", "shards_pinned", "pinned_bytes", "shard_size",
            "quarantined", "sessions", "calls_active", "targets", "moves", "move_skips",
            "target_replaces", "replace_failures", "barriers", "barrier_failures", "pins",
            "unpins", "unpins_busy", "pin_failures", "target_add_failures", "pkts_kernel",
            "pkts_user", "ng_requests", "ng_errors", "ng_p99_ms", "ng_max_ms", "lag_max_ms",
            "media_sent", "media_recv", "media_calls", "census_streams", "census_kernel",
            "per_shard"]) + "\n")
        t0 = time.monotonic()
        next_sample = 0.0
        next_media = 0.0
        next_census = a.census
        handlers = {"offer": self.offer, "answer": self.answer,
                    "delete_branch": self.delete_branch, "stop_media": self.stop_media,
                    "delete": self.delete}
        while True:
            now = time.monotonic() - t0
            if now >= self.end_s:
                break
            if now >= next_sample:
                self.sample(now, out)
                next_sample += a.sample
                continue
            if now >= next_census:
                self.do_census()
                next_census += a.census
                continue
            if now >= next_media:
                self.media_tick()
                next_media += 1.0 / a.pps
                continue
            if self.events and self.events[0][0] <= now:
                t, _, _, what, c, arg = heapq.heappop(self.events)
                lag = now - t
                self.lags.append(lag)
                self.max_lag = max(self.max_lag, lag)
                handlers[what](c, arg)
                continue
            nxt = min(next_sample, next_census, next_media, self.end_s,
                      self.events[0][0] if self.events else self.end_s)
            self.poll(t0 + nxt)
        self.sample(time.monotonic() - t0, out)
        out.close()
        self.do_census()
        self.summary()

    def summary(self):
        a = self.args
        long_calls = [c for c in self.calls if c.long]
        media = [c for c in self.calls if c.media and c.sent]
        n, kern, states = self.census
        s = {
            "seed": self.meta.get("seed", "?"), "rate": self.meta.get("rate", "?"),
            "fork": self.meta.get("fork", "?"), "long_frac": self.meta.get("long_frac", "?"),
            "median_s": self.meta.get("median_s", "?"),
            "load_s": a.load_s, "observe_s": a.observe_s, "delete_delay": a.delete_delay,
            "calls": len(self.calls), "long_calls": len(long_calls),
            "branches": sum(len(c.branches) for c in self.calls),
            "ng_requests": self.ng.n, "ng_errors": self.ng.errors,
            "ng_timeouts": self.ng.timeouts,
            "ng_p50_ms": "%.1f" % pct(self.ng.all_lat, 50),
            "ng_p99_ms": "%.1f" % pct(self.ng.all_lat, 99),
            "ng_max_ms": "%.1f" % (max(self.ng.all_lat) if self.ng.all_lat else 0),
            "lag_max_ms": "%.0f" % (self.max_lag * 1000),
            "media_calls": len(media), "media_pps_each_way": a.pps,
            "media_sent": sum(c.sent for c in media),
            "media_recv": sum(c.recv for c in media),
            "media_bad": sum(c.bad for c in media),
            "long_media_sent": sum(c.sent for c in long_calls),
            "long_media_recv": sum(c.recv for c in long_calls),
            "final_census_streams": n, "final_census_kernel": kern,
            "final_census_states": ",".join("%s=%d" % kv for kv in sorted(states.items())),
        }
        s.update({k: v for k, v in self.counts.items()})
        with open(os.path.join(a.outdir, "summary.tsv"), "w") as f:
            for k, v in s.items():
                f.write("%s\t%s\n" % (k, v))
        for k, v in sorted(self.ng.reasons.items(), key=lambda kv: -kv[1])[:10]:
            print("replay: ng error %dx %s" % (v, k))
        print("replay: %d calls, %d ng requests, %d errors, p99 %s ms, media %d/%d" % (
            len(self.calls), self.ng.n, self.ng.errors, s["ng_p99_ms"], s["media_recv"],
            s["media_sent"]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("addr")
    p.add_argument("schedule")
    p.add_argument("outdir")
    p.add_argument("load_s", type=float)
    p.add_argument("observe_s", type=float)
    p.add_argument("--sample", type=float, default=5.0)
    p.add_argument("--census", type=float, default=60.0)
    p.add_argument("--pps", type=float, default=2.0)
    p.add_argument("--media-every", type=int, default=10)
    p.add_argument("--delete-delay", type=int, default=30)
    a = p.parse_args()
    Driver(a).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
