#!/usr/bin/env python3
"""ngload.py ADDR:PORT offer|delete N PREFIX: send N offers (call-ids
PREFIX0..PREFIXN-1, one audio m= line each) or N deletes over ng UDP, one
at a time, and print how many were answered with result=ok. Used by
t/offload/guest.sh to fill more than one bufferpool shard (a few thousand
streams) without starting a client per request."""
import socket
import sys

SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def bstr(s):
    b = s.encode()
    return b"%d:%s" % (len(b), b)


def request(cookie, d):
    body = b"d" + b"".join(bstr(k) + bstr(d[k]) for k in sorted(d)) + b"e"
    return cookie.encode() + b" " + body


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    what, n, prefix = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.connect((host, int(port)))
    ok = 0
    for i in range(n):
        d = {"command": what, "call-id": "%s%d" % (prefix, i), "from-tag": "a"}
        if what == "offer":
            d["sdp"] = SDP
        cookie = "%s-%s-%d" % (prefix, what, i)
        s.send(request(cookie, d))
        reply = s.recv(65536)
        if reply.startswith(cookie.encode() + b" ") and b"6:result2:ok" in reply:
            ok += 1
    print(ok)


if __name__ == "__main__":
    main()
