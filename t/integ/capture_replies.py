#!/usr/bin/env python3
"""Regenerate t/integ/REPLIES.md: the reply shapes of the reference daemon.

    RTPRELAY_TARGET=rtpengine python3 t/integ/capture_replies.py > t/integ/REPLIES.md

Each section shows the request (as sent, key order kept) and the decoded
reply, pretty-printed as JSON with the key order exactly as the daemon sent
it (bencode ints are JSON numbers, bencode strings JSON strings). Raw
replies are shown for malformed requests.
"""

import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon  # noqa: E402

SDP_A = ("v=0\r\no=- 1545997027 1 IN IP4 198.51.100.1\r\ns=tester\r\n"
         "c=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 2000 RTP/AVP 0 8 101\r\n"
         "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n")
SDP_B = ("v=0\r\no=- 2545997027 1 IN IP4 198.51.100.2\r\ns=tester\r\n"
         "c=IN IP4 198.51.100.2\r\nt=0 0\r\nm=audio 3000 RTP/AVP 0 101\r\n"
         "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n")

out = []


def p(s=""):
    out.append(s)


def show(title, c, req, note=None):
    p("## " + title)
    p()
    if note:
        p(note)
        p()
    p("Request:")
    p()
    p("```json")
    p(json.dumps(req, indent=2, ensure_ascii=False))
    p("```")
    p()
    r = c.request(req)
    p("Reply:")
    p()
    p("```json")
    p(json.dumps(r, indent=2, ensure_ascii=False))
    p("```")
    p()
    return r


def show_raw(title, c, data, note=None):
    p("## " + title)
    p()
    if note:
        p(note)
        p()
    p("Raw request: `%r`" % data)
    p()
    try:
        r = c.send_raw(data, timeout=2)
        p("Raw reply: `%r`" % r)
    except Exception as e:  # noqa: BLE001 - record what happened
        p("No reply (%s)." % type(e).__name__)
    p()


def rtp(seq, ssrc, pt=0):
    hdr = bytes([0x80, pt, seq >> 8, seq & 255]) + (seq * 160).to_bytes(4, "big") + ssrc.to_bytes(4, "big")
    return hdr + b"\xff" * 160


def port_of(sdp):
    for line in sdp.split("\r\n"):
        if line.startswith("m=audio "):
            return int(line.split()[1])
    raise ValueError(sdp)


def main():
    with daemon.Daemon(args=["--delete-delay=0"]) as d:
        c = d.ng
        ver = os.popen(d.binary + " --version 2>&1").read().strip()
        p("# ng reply shapes of %s" % ver)
        p()
        p("Captured by `t/integ/capture_replies.py` (regenerate with")
        p("`RTPRELAY_TARGET=rtpengine python3 t/integ/capture_replies.py > t/integ/REPLIES.md`).")
        p("Daemon command line (ports vary):")
        p()
        p("    " + " ".join(d.argv))
        p()
        p("Key order in every reply is exactly as rtpengine sent it. Notes:")
        p()
        p("- `result` comes LAST in success replies that carry data (offer, answer,")
        p("  query, list, delete with stats, statistics), FIRST in error replies")
        p("  (`result`, then `error-reason`), and alone for ping (`pong`).")
        p("- Timestamps are integer seconds (`created`, `last signal`, `last packet`),")
        p("  `created_us` the microsecond part. Counters are integers.")
        p("- Over UDP the cookie is echoed; a request without a space (no cookie)")
        p("  gets no reply at all; a request whose body is not a dictionary gets an")
        p("  error reply with the cookie.")
        p("- A JSON request (body starting with `{`) gets a JSON reply (see end).")
        p("- `delete` carries the call's stats (same shape as `query`, then `result`)")
        p("  only when the request has a `from-tag` and the call is found; a delete by")
        p("  call-id alone or by `to-tag` alone answers a bare `{\"result\": \"ok\"}`.")
        p("  An unknown call-id is `result: ok` plus `warning` (not an error) unless")
        p("  `flags: [\"fatal\"]`, which makes it `result: error`.")
        p("- `statistics` values: counters are integers, but `uptime`, averages,")
        p("  durations and delays are STRINGS (`\"0.000000\"`).")
        p("- Top-level `SSRC` in query/delete stayed `{}` in this capture (5 RTP")
        p("  packets each way, no RTCP); the per-stream `SSRC` integer and `codec`")
        p("  appear once RTP was received.")
        p("- `delete delay`, `via-branch`, `to-tag`-only deletes: see the cases below.")
        p()

        show("ping", c, {"command": "ping"})

        r = show("offer", c, {"command": "offer", "call-id": "call-1", "from-tag": "tag-a",
                              "sdp": SDP_A, "flags": ["trust-address"], "replace": ["origin"]})
        port_a = port_of(r["sdp"])  # where B must send to reach A
        r = show("answer", c, {"command": "answer", "call-id": "call-1", "from-tag": "tag-a",
                               "to-tag": "tag-b", "sdp": SDP_B, "flags": ["trust-address"]})
        port_b = port_of(r["sdp"])  # where A must send to reach B

        # Some media both ways so that stats and SSRC sections are populated.
        sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sa.bind(("127.0.0.1", 0))
        sb.bind(("127.0.0.1", 0))
        for i in range(5):
            sa.sendto(rtp(100 + i, 0x11111111), ("127.0.0.1", port_b))
            sb.sendto(rtp(200 + i, 0x22222222), ("127.0.0.1", port_a))
            time.sleep(0.02)
        time.sleep(0.2)
        sa.close()
        sb.close()

        show("query (answered call, 5 RTP packets each way sent from 127.0.0.1)", c,
             {"command": "query", "call-id": "call-1"})
        show("list", c, {"command": "list"})
        show("statistics", c, {"command": "statistics"})

        show("delete (whole call; reply carries the call's stats)", c,
             {"command": "delete", "call-id": "call-1", "from-tag": "tag-a"})

        c.request({"command": "offer", "call-id": "call-2", "from-tag": "tag-a", "sdp": SDP_A})
        show("delete of an unanswered call, `delete delay: 0`", c,
             {"command": "delete", "call-id": "call-2", "from-tag": "tag-a", "delete delay": 0})

        c.request({"command": "offer", "call-id": "call-3", "from-tag": "tag-a", "sdp": SDP_A})
        c.request({"command": "answer", "call-id": "call-3", "from-tag": "tag-a", "to-tag": "tag-b",
                   "sdp": SDP_B})
        show("delete with `flags: [\"fatal\"]`", c,
             {"command": "delete", "call-id": "call-3", "from-tag": "tag-a", "flags": ["fatal"]})

        c.request({"command": "offer", "call-id": "call-4", "from-tag": "tag-a", "sdp": SDP_A})
        c.request({"command": "answer", "call-id": "call-4", "from-tag": "tag-a", "to-tag": "tag-b",
                   "sdp": SDP_B})
        show("delete of one tag only (`to-tag`, no `from-tag`): no stats", c,
             {"command": "delete", "call-id": "call-4", "to-tag": "tag-b"},
             note="A delete without `from-tag` answers bare `result: ok`.")
        c.request({"command": "offer", "call-id": "call-5", "from-tag": "tag-a", "sdp": SDP_A,
                   "via-branch": "br1"})
        c.request({"command": "offer", "call-id": "call-5", "from-tag": "tag-a", "sdp": SDP_A,
                   "via-branch": "br2"})
        show("delete of one branch (`via-branch`) of a forked offer", c,
             {"command": "delete", "call-id": "call-5", "from-tag": "tag-a", "via-branch": "br1"})
        show("delete of the whole call, no `from-tag`", c,
             {"command": "delete", "call-id": "call-5"})

        p("# Errors")
        p()
        show("query, unknown call-id", c, {"command": "query", "call-id": "no-such-call"})
        show("delete, unknown call-id", c,
             {"command": "delete", "call-id": "no-such-call", "from-tag": "x"})
        show("delete, unknown call-id, `flags: [\"fatal\"]`", c,
             {"command": "delete", "call-id": "no-such-call", "from-tag": "x", "flags": ["fatal"]})
        show("answer, unknown call-id", c,
             {"command": "answer", "call-id": "no-such-call", "from-tag": "a", "to-tag": "b",
              "sdp": SDP_B})
        show("offer, missing call-id", c, {"command": "offer", "from-tag": "a", "sdp": SDP_A})
        show("offer, missing from-tag", c, {"command": "offer", "call-id": "x", "sdp": SDP_A})
        show("offer, missing sdp", c, {"command": "offer", "call-id": "x", "from-tag": "a"})
        show("offer, unparsable sdp", c,
             {"command": "offer", "call-id": "x", "from-tag": "a", "sdp": "this is not sdp"})
        show("query, missing call-id", c, {"command": "query"})
        show("delete, missing call-id", c, {"command": "delete"})
        show("unknown command", c, {"command": "frobnicate"})
        show("missing command", c, {"call-id": "x"})
        show_raw("malformed: body not bencode", c, b"ck1 garbage")
        show_raw("malformed: bencode list instead of dictionary", c, b"ck2 l4:pinge")
        show_raw("malformed: truncated dictionary", c, b"ck3 d7:command4:pin")
        show_raw("malformed: no cookie separator", c, b"garbage")
        show_raw("JSON request", c, b'ck4 {"command":"ping"}')
        show_raw("JSON request, query of unknown call", c,
                 b'ck5 {"command":"query","call-id":"nope"}')
        show_raw("retransmission: the same cookie again gets the cached reply", c,
                 b"ck1 garbage",
                 note="(the first `ck1` above was an error; sent again:)")
    print("\n".join(out))


if __name__ == "__main__":
    main()
