#!/usr/bin/env python3
"""Write the parity corpus: one JSON file per case in t/parity/corpus/.

The corpus files are checked in; this script is how most of them were
made (families of cases from a few SDP templates). Re-running it rewrites
the files it generates and leaves hand-written ones (not named here) alone:

    python3 t/parity/gen_corpus.py            # then review `git diff t/parity/corpus`

A case file:

    {"category": "...", "description": "...",
     "steps": [{"command": "offer", "args": {"from-tag": "A", "sdp": "...", ...}},
               {"command": "answer", "args": {"from-tag": "A", "to-tag": "B", ...}}, ...]}

run.py adds the call-id (one per case) and sends every step to both
daemons; args are ng keys exactly as sent (lists stay lists).
"""

import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

A_ADDR, B_ADDR, C_ADDR = "198.51.100.1", "203.0.113.1", "203.0.113.50"
A6, B6 = "2001:db8::a", "2001:db8::b"


def media(kind="audio", port=49170, proto="RTP/AVP", fmts="0 8 101", c=None, attrs=None):
    return {"kind": kind, "port": port, "proto": proto, "fmts": fmts, "c": c,
            "attrs": list(attrs if attrs is not None else [])}


def audio(port=49170, proto="RTP/AVP", fmts="0 8 101", c=None, attrs=None, dtmf=True):
    if attrs is None:
        attrs = ["rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000"]
        if dtmf:
            attrs += ["rtpmap:101 telephone-event/8000", "fmtp:101 0-16"]
    if not dtmf or not any(a.startswith("rtpmap:101 ") for a in attrs):
        # no dynamic payload type without its rtpmap (plain-dynamic-no-rtpmap
        # is the one case that wants that)
        fmts = " ".join(f for f in fmts.split() if f != "101")
    return media("audio", port, proto, fmts, c, attrs)


def video(port=51372, proto="RTP/AVP", attrs=None, c=None):
    if attrs is None:
        attrs = ["rtpmap:96 H264/90000", "fmtp:96 profile-level-id=42e01f;packetization-mode=1",
                 "rtpmap:97 VP8/90000", "rtcp-fb:96 nack", "rtcp-fb:96 nack pli",
                 "rtcp-fb:97 ccm fir"]
    # the payload types are those with an rtpmap
    fmts = " ".join(a.split()[0][len("rtpmap:"):] for a in attrs if a.startswith("rtpmap:"))
    return media("video", port, proto, fmts, c, attrs)


def sdp(medias, user="alice", sid="2890844528", ver="2890844528", addr=A_ADDR, fam="IP4",
        sname="-", c="session", sess_attrs=(), eol="\r\n"):
    """An SDP body. c: "session" (c= at session level with addr), None (no
    session c=), or an address."""
    lines = ["v=0", "o=%s %s %s IN %s %s" % (user, sid, ver, fam, addr), "s=%s" % sname]
    if c == "session":
        lines.append("c=IN %s %s" % (fam, addr))
    elif c:
        lines.append("c=IN %s %s" % ("IP6" if ":" in c else "IP4", c))
    lines.append("t=0 0")
    lines += ["a=" + a for a in sess_attrs]
    for m in medias:
        lines.append("m=%s %d %s %s" % (m["kind"], m["port"], m["proto"], m["fmts"]))
        if m["c"]:
            lines.append("c=IN %s %s" % ("IP6" if ":" in m["c"] else "IP4", m["c"]))
        lines += ["a=" + a for a in m["attrs"]]
    return eol.join(lines) + eol


def bsdp(medias, **kw):
    """B's (the answerer's) SDP."""
    kw.setdefault("user", "bob")
    kw.setdefault("sid", "1122334455")
    kw.setdefault("ver", "1122334455")
    kw.setdefault("addr", B_ADDR)
    return sdp(medias, **kw)


def offer(body, tag="A", **args):
    a = {"from-tag": tag, "sdp": body}
    a.update(args)
    return {"command": "offer", "args": a}


def answer(body, from_tag="A", to_tag="B", **args):
    a = {"from-tag": from_tag, "to-tag": to_tag, "sdp": body}
    a.update(args)
    return {"command": "answer", "args": a}


def delete(**args):
    return {"command": "delete", "args": args}


CASES = {}


def case(name, category, description, steps):
    assert name not in CASES, name
    CASES[name] = {"category": category, "description": description, "steps": steps}


def oa(name, category, description, o_sdp, a_sdp, o_args=None, a_args=None, more=()):
    case(name, category, description,
         [offer(o_sdp, **(o_args or {})), answer(a_sdp, **(a_args or {}))] + list(more))


# ---------------------------------------------------------------- plain audio

def plain():
    cat = "plain"
    oa("plain-g711", cat, "PCMU/PCMA/telephone-event, session c=",
       sdp([audio()]), bsdp([audio(port=30000, fmts="0 101")]))
    oa("plain-static-no-rtpmap", cat, "static payload types without a=rtpmap",
       sdp([audio(fmts="0 8 18", attrs=[])]), bsdp([audio(port=30000, fmts="0", attrs=[])]))
    oa("plain-g729-annexb", cat, "G729 with fmtp annexb=no",
       sdp([audio(fmts="18 0", attrs=["rtpmap:18 G729/8000", "fmtp:18 annexb=no"])]),
       bsdp([audio(port=30000, fmts="18", attrs=["rtpmap:18 G729/8000", "fmtp:18 annexb=no"])]))
    oa("plain-opus", cat, "dynamic opus with fmtp and telephone-event/48000",
       sdp([audio(fmts="111 0 110", attrs=["rtpmap:111 opus/48000/2",
                                           "fmtp:111 minptime=10;useinbandfec=1",
                                           "rtpmap:110 telephone-event/48000"])]),
       bsdp([audio(port=30000, fmts="111 110", attrs=["rtpmap:111 opus/48000/2",
                                                     "fmtp:111 minptime=10;useinbandfec=1",
                                                     "rtpmap:110 telephone-event/48000"])]))
    oa("plain-g722", cat, "G722 first",
       sdp([audio(fmts="9 0 101", attrs=["rtpmap:9 G722/8000", "rtpmap:101 telephone-event/8000"])]),
       bsdp([audio(port=30000, fmts="9", attrs=["rtpmap:9 G722/8000"])]))
    oa("plain-many-codecs", cat, "long codec list, fmtp before rtpmap",
       sdp([audio(fmts="96 97 98 0 8 3 101", attrs=[
           "fmtp:96 mode-set=0,2,4,7;octet-align=1", "rtpmap:96 AMR-WB/16000",
           "rtpmap:97 AMR/8000", "fmtp:97 octet-align=1", "rtpmap:98 iLBC/8000",
           "fmtp:98 mode=30", "rtpmap:101 telephone-event/8000", "fmtp:101 0-15"])]),
       bsdp([audio(port=30000, fmts="96 101", attrs=["rtpmap:96 AMR-WB/16000",
                                                    "fmtp:96 mode-set=0,2,4,7;octet-align=1",
                                                    "rtpmap:101 telephone-event/8000"])]))
    oa("plain-unknown-attrs", cat, "unknown media and session attributes kept",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "x-custom:foo bar", "label:1",
                         "rtpmap:101 telephone-event/8000", "silenceSupp:off - - - -"])],
           sess_attrs=["tool:softphone 1.0", "x-session:1"]),
       bsdp([audio(port=30000, fmts="0 101", attrs=["rtpmap:0 PCMU/8000", "x-other:2"])]))
    oa("plain-bandwidth", cat, "b= lines at session and media level",
       sdp([audio()]).replace("t=0 0\r\n", "b=AS:128\r\nt=0 0\r\n").replace(
           "m=audio 49170 RTP/AVP 0 8 101\r\n", "m=audio 49170 RTP/AVP 0 8 101\r\nb=AS:80\r\nb=TIAS:64000\r\n"),
       bsdp([audio(port=30000, fmts="0")]).replace("m=audio 30000 RTP/AVP 0\r\n",
                                                    "m=audio 30000 RTP/AVP 0\r\nb=AS:64\r\n"))
    oa("plain-info-lines", cat, "i=, u=, e= session lines and i= media line",
       sdp([audio()]).replace("s=-\r\n", "s=call\r\ni=A call\r\nu=http://example.com/\r\ne=a@example.com\r\n")
       .replace("a=rtpmap:0 PCMU/8000\r\n", "i=speech\r\na=rtpmap:0 PCMU/8000\r\n", 1),
       bsdp([audio(port=30000, fmts="0")]))
    oa("plain-lf-only", cat, "LF line endings",
       sdp([audio()], eol="\n"), bsdp([audio(port=30000, fmts="0")], eol="\n"))
    oa("plain-dynamic-no-rtpmap", cat, "dynamic payload type 101 without a=rtpmap",
       sdp([media("audio", 49170, "RTP/AVP", "0 101", None, ["rtpmap:0 PCMU/8000"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]))
    oa("plain-rtpmap-not-in-m", cat, "a=rtpmap/fmtp for payload types the m= line does not list",
       sdp([media("audio", 49170, "RTP/AVP", "0", None, ["rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000",
                                                         "rtpmap:101 telephone-event/8000", "fmtp:101 0-16"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000"])]))
    oa("plain-odd-port", cat, "odd RTP port in the offer",
       sdp([audio(port=49171)]), bsdp([audio(port=30001, fmts="0")]))
    oa("plain-trust-address", cat, "trust-address flag",
       sdp([audio()]), bsdp([audio(port=30000)]), {"flags": ["trust-address"]}, {"flags": ["trust-address"]})
    oa("plain-received-from", cat, "received-from with SIP-source-address",
       sdp([audio()]), bsdp([audio(port=30000)]),
       {"received-from": ["IP4", "192.0.2.200"], "flags": ["SIP-source-address"]},
       {"received-from": ["IP4", "192.0.2.201"], "flags": ["SIP-source-address"]})
    oa("plain-media-address", cat, "media-address overrides the SDP address",
       sdp([audio()]), bsdp([audio(port=30000)]), {"media-address": "192.0.2.77"})
    oa("plain-no-rtcp-attribute", cat, "no-rtcp-attribute flag",
       sdp([audio()]), bsdp([audio(port=30000)]), {"flags": ["no-rtcp-attribute"]},
       {"flags": ["no-rtcp-attribute"]})
    oa("plain-full-rtcp-attribute", cat, "full-rtcp-attribute flag",
       sdp([audio()]), bsdp([audio(port=30000)]), {"flags": ["full-rtcp-attribute"]},
       {"flags": ["full-rtcp-attribute"]})
    oa("plain-original-sendrecv", cat, "original-sendrecv: no a=sendrecv added",
       sdp([audio()]), bsdp([audio(port=30000)]), {"flags": ["original-sendrecv"]},
       {"flags": ["original-sendrecv"]})
    oa("plain-ice-remove", cat, "ICE=remove strips candidates",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ice-ufrag:abcd", "ice-pwd:0123456789abcdefghijkl",
                         "candidate:1 1 UDP 2130706431 198.51.100.1 49170 typ host",
                         "candidate:1 2 UDP 2130706430 198.51.100.1 49171 typ host"])]),
       bsdp([audio(port=30000, fmts="0")]), {"ICE": "remove"}, {"ICE": "remove"})
    oa("plain-ice-default", cat, "ICE candidates without an ICE flag",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ice-ufrag:abcd", "ice-pwd:0123456789abcdefghijkl",
                         "candidate:1 1 UDP 2130706431 198.51.100.1 49170 typ host"])]),
       bsdp([audio(port=30000, fmts="0")]))
    oa("plain-rtcp-attr-addr", cat, "offer with a=rtcp:port IN IP4 addr",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "rtcp:49999 IN IP4 198.51.100.9"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtcp:30011"])]))
    oa("plain-reoffer-same", cat, "the same offer twice (retransmission-like re-INVITE)",
       sdp([audio()]), bsdp([audio(port=30000)]), more=[offer(sdp([audio()])), answer(bsdp([audio(port=30000)]))])
    oa("plain-reoffer-new-port", cat, "re-INVITE moving A's port and address",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(port=40000)], addr="198.51.100.2", ver="2890844529")),
             answer(bsdp([audio(port=30000)]))])
    oa("plain-reverse-reinvite", cat, "B re-INVITEs A (from-tag B)",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(bsdp([audio(port=30002)], ver="1122334456"), tag="B"),
             answer(sdp([audio()], ver="2890844529"), from_tag="B", to_tag="A")])


# ---------------------------------------------------------------- multi-stream

def multi():
    cat = "multi"
    av = [audio(), video()]
    oa("multi-audio-video", cat, "audio + video with rtcp-fb",
       sdp(av), bsdp([audio(port=30000), video(port=30010)]))
    oa("multi-video-rtcpfb-star", cat, "video with rtcp-fb:* lines",
       sdp([audio(), video(attrs=["rtpmap:96 H264/90000", "rtpmap:97 VP8/90000", "rtcp-fb:* nack",
                                 "rtcp-fb:* ccm fir", "framerate:30"])]),
       bsdp([audio(port=30000), video(port=30010, attrs=["rtpmap:96 H264/90000", "rtcp-fb:* nack"])]))
    oa("multi-video-rejected", cat, "B rejects video (port 0)",
       sdp(av), bsdp([audio(port=30000), video(port=0)]))
    oa("multi-audio-rejected", cat, "B rejects audio, keeps video",
       sdp(av), bsdp([audio(port=0), video(port=30010)]))
    oa("multi-rejected-attrs", cat, "rejected streams carrying c=, a=mid, a direction and other attributes",
       sdp([audio(), media("video", 0, "RTP/AVP", "96", "198.51.100.5",
                           ["mid:v", "rtpmap:96 VP8/90000", "sendonly", "x-foo:bar"])]),
       bsdp([audio(port=30000), media("video", 0, "RTP/AVP", "96", "203.0.113.5",
                                      ["mid:v", "rtpmap:96 VP8/90000", "inactive", "x-bar:1"])]))
    oa("multi-two-audio", cat, "two audio streams",
       sdp([audio(), audio(port=49180)]), bsdp([audio(port=30000), audio(port=30020)]))
    oa("multi-offer-rejected", cat, "offer with a rejected second stream",
       sdp([audio(), video(port=0)]), bsdp([audio(port=30000), video(port=0)]))
    oa("multi-three-streams", cat, "audio, video, second video",
       sdp([audio(), video(), video(port=51400)]),
       bsdp([audio(port=30000), video(port=30010), video(port=30020)]))
    oa("multi-add-video-reinvite", cat, "re-INVITE adds video",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp(av, ver="2890844529")), answer(bsdp([audio(port=30000), video(port=30010)], ver="1122334456"))])
    oa("multi-remove-video-reinvite", cat, "re-INVITE disables video (port 0)",
       sdp(av), bsdp([audio(port=30000), video(port=30010)]),
       more=[offer(sdp([audio(), video(port=0)], ver="2890844529")),
             answer(bsdp([audio(port=30000), video(port=0)], ver="1122334456"))])
    oa("multi-avpf", cat, "RTP/AVPF audio+video",
       sdp([audio(proto="RTP/AVPF"), video(proto="RTP/AVPF")]),
       bsdp([audio(port=30000, proto="RTP/AVPF"), video(port=30010, proto="RTP/AVPF")]))
    oa("multi-text", cat, "audio + real-time text (t140)",
       sdp([audio(), media("text", 49190, "RTP/AVP", "98 100", None,
                           ["rtpmap:98 t140/1000", "rtpmap:100 red/1000", "fmtp:100 98/98/98"])]),
       bsdp([audio(port=30000), media("text", 30030, "RTP/AVP", "98", None, ["rtpmap:98 t140/1000"])]))


# ---------------------------------------------------------------- non-RTP

def msrp_m(port=2855, proto="TCP/MSRP", path="msrp://198.51.100.1:2855/abc;tcp"):
    return media("message", port, proto, "*", None,
                 ["accept-types:message/cpim text/plain", "path:" + path])


def t38_m(port=49300):
    return media("image", port, "udptl", "t38", None,
                 ["T38FaxVersion:0", "T38MaxBitRate:14400", "T38FaxRateManagement:transferredTCF",
                  "T38FaxMaxBuffer:262", "T38FaxMaxDatagram:176", "T38FaxUdpEC:t38UDPRedundancy"])


def nonrtp():
    cat = "non-rtp"
    oa("nonrtp-msrp", cat, "MSRP session (TCP/MSRP)",
       sdp([msrp_m()]), bsdp([msrp_m(port=2856, path="msrp://203.0.113.1:2856/xyz;tcp")]))
    oa("nonrtp-msrp-tls", cat, "MSRP over TLS (TCP/TLS/MSRP)",
       sdp([msrp_m(proto="TCP/TLS/MSRP", path="msrps://198.51.100.1:2855/abc;tcp")]),
       bsdp([msrp_m(port=2856, proto="TCP/TLS/MSRP", path="msrps://203.0.113.1:2856/x;tcp")]))
    oa("nonrtp-audio-msrp", cat, "audio + MSRP",
       sdp([audio(), msrp_m()]), bsdp([audio(port=30000), msrp_m(port=2856, path="msrp://203.0.113.1:2856/q;tcp")]))
    oa("nonrtp-t38", cat, "T.38 image udptl",
       sdp([t38_m()]), bsdp([t38_m(port=30040)]))
    oa("nonrtp-audio-t38", cat, "audio + T.38 offered together",
       sdp([audio(), t38_m()]), bsdp([audio(port=30000), t38_m(port=30040)]))
    oa("nonrtp-t38-reinvite", cat, "audio call switched to T.38 by re-INVITE",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(port=0), t38_m()], ver="2890844529")),
             answer(bsdp([audio(port=0), t38_m(port=30040)], ver="1122334456"))])
    oa("nonrtp-t38-rejected", cat, "T.38 offered, rejected by B",
       sdp([audio(), t38_m()]), bsdp([audio(port=30000), t38_m(port=0)]))
    oa("nonrtp-application", cat, "m=application UDP/BFCP",
       sdp([audio(), media("application", 50000, "UDP/BFCP", "*", None,
                           ["floorctrl:c-s", "confid:1", "userid:2"])]),
       bsdp([audio(port=30000), media("application", 30050, "UDP/BFCP", "*", None,
                                      ["floorctrl:s-only", "confid:1", "userid:3", "floorid:1 m-stream:10"])]))
    oa("nonrtp-udp", cat, "m=audio with plain UDP protocol",
       sdp([media("audio", 49170, "udp", "0", None, [])]),
       bsdp([media("audio", 30000, "udp", "0", None, [])]))


# ---------------------------------------------------------------- zero / hold

def zero():
    cat = "zero"
    oa("zero-offer-c0", cat, "offer with c=0.0.0.0 (hold at setup)",
       sdp([audio()], c="0.0.0.0"), bsdp([audio(port=30000)]))
    oa("zero-offer-c0-sendonly", cat, "c=0.0.0.0 with a=sendonly",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "sendonly"])], c="0.0.0.0"), bsdp([audio(port=30000, attrs=["rtpmap:0 PCMU/8000", "recvonly"])]))
    oa("zero-answer-c0", cat, "answer with c=0.0.0.0",
       sdp([audio()]), bsdp([audio(port=30000)], c="0.0.0.0"))
    oa("zero-hold-reinvite", cat, "established, then hold with c=0.0.0.0 and sendonly, then resume",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(attrs=["rtpmap:0 PCMU/8000", "sendonly"])], c="0.0.0.0", ver="2890844529")),
             answer(bsdp([audio(port=30000, attrs=["rtpmap:0 PCMU/8000", "recvonly"])], ver="1122334456")),
             offer(sdp([audio()], ver="2890844530")),
             answer(bsdp([audio(port=30000)], ver="1122334457"))])
    oa("zero-media-c0", cat, "media-level c=0.0.0.0, session c= real",
       sdp([audio(c="0.0.0.0")]), bsdp([audio(port=30000)]))
    oa("zero-replace-zero-address", cat, "replace zero-address on a c=0.0.0.0 offer",
       sdp([audio()], c="0.0.0.0"), bsdp([audio(port=30000)]),
       {"replace": ["zero-address"]}, {"replace": ["zero-address"]})
    oa("zero-replace-zero-address-hold", cat, "replace zero-address in a hold re-INVITE",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(attrs=["rtpmap:0 PCMU/8000", "sendonly"])], c="0.0.0.0", ver="2890844529"),
                   replace=["zero-address"]),
             answer(bsdp([audio(port=30000, attrs=["rtpmap:0 PCMU/8000", "recvonly"])], ver="1122334456"))])
    oa("zero-inactive", cat, "hold with a=inactive, real address",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(attrs=["rtpmap:0 PCMU/8000", "inactive"])], ver="2890844529")),
             answer(bsdp([audio(port=30000, attrs=["rtpmap:0 PCMU/8000", "inactive"])], ver="1122334456"))])
    oa("zero-ipv6-unspecified", cat, "IPv6 offer with c=IN IP6 ::",
       sdp([audio()], fam="IP6", addr=A6, c="::"), bsdp([audio(port=30000)]))
    oa("zero-all-rejected-reinvite", cat, "re-INVITE rejecting every stream",
       sdp([audio()]), bsdp([audio(port=30000)]),
       more=[offer(sdp([audio(port=0)], ver="2890844529")), answer(bsdp([audio(port=0)], ver="1122334456"))])


# ---------------------------------------------------------------- c= placement

def conn():
    cat = "connection"
    oa("conn-session-only", cat, "c= at session level only",
       sdp([audio(), video()]), bsdp([audio(port=30000), video(port=30010)]))
    oa("conn-media-only", cat, "c= in each media, none at session level",
       sdp([audio(c=A_ADDR), video(c=A_ADDR)], c=None), bsdp([audio(port=30000, c=B_ADDR), video(port=30010, c=B_ADDR)], c=None))
    oa("conn-both", cat, "c= at session and media level",
       sdp([audio(c="198.51.100.2")]), bsdp([audio(port=30000, c="203.0.113.2")]))
    oa("conn-mixed", cat, "session c=, one media overrides",
       sdp([audio(), video(c="198.51.100.3")]), bsdp([audio(port=30000), video(port=30010)], c=None).replace(
           "m=audio 30000 RTP/AVP 0 8 101\r\n", "m=audio 30000 RTP/AVP 0 8 101\r\nc=IN IP4 203.0.113.1\r\n").replace(
           "m=video 30010 RTP/AVP 96 97\r\n", "m=video 30010 RTP/AVP 96 97\r\nc=IN IP4 203.0.113.1\r\n"))
    oa("conn-replace-session-connection", cat, "replace session-connection with media-level c= only",
       sdp([audio(c=A_ADDR)], c=None), bsdp([audio(port=30000, c=B_ADDR)], c=None),
       {"replace": ["session-connection"]}, {"replace": ["session-connection"]})
    oa("conn-replace-session-connection-both", cat, "replace session-connection with c= at both levels",
       sdp([audio(c="198.51.100.2")]), bsdp([audio(port=30000)]),
       {"replace": ["session-connection"]}, {"replace": ["session-connection"]})
    oa("conn-multicast-ttl", cat, "address with /ttl suffix",
       sdp([audio()], c="198.51.100.1/127"), bsdp([audio(port=30000)]))
    oa("conn-origin-differs", cat, "o= address differs from c=",
       sdp([audio()], addr="192.0.2.9", c=A_ADDR), bsdp([audio(port=30000)]))


# ---------------------------------------------------------------- replace

def replace():
    cat = "replace"
    base_o, base_a = sdp([audio()]), bsdp([audio(port=30000)])
    singles = ["origin", "session-connection", "sdp-version", "username", "session-name",
               "zero-address", "force-increment-sdp-version", "origin-full"]
    for r in singles:
        oa("replace-%s" % r, cat, "replace %s on offer and answer" % r, base_o, base_a,
           {"replace": [r]}, {"replace": [r]})
    oa("replace-origin-session-connection", cat, "replace origin + session-connection",
       base_o, base_a, {"replace": ["origin", "session-connection"]},
       {"replace": ["origin", "session-connection"]})
    oa("replace-all", cat, "every replace option together",
       base_o, base_a, {"replace": ["origin", "session-connection", "sdp-version", "username", "session-name"]},
       {"replace": ["origin", "session-connection", "sdp-version", "username", "session-name"]})
    oa("replace-flags-form", cat, "replace-origin as a flag",
       base_o, base_a, {"flags": ["replace-origin", "replace-session-connection"]})
    sv = {"replace": ["sdp-version"]}
    changed = sdp([audio(fmts="0 101", attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000"])])
    oa("replace-sdp-version-same-body", cat, "sdp-version: same body re-offered (version kept)",
       base_o, base_a, sv, sv, more=[offer(base_o, **sv), offer(base_o, **sv)])
    oa("replace-sdp-version-changed-body", cat, "sdp-version: changed body, same o= version (bumped)",
       base_o, base_a, sv, sv, more=[offer(changed, **sv), offer(changed, **sv), offer(base_o, **sv)])
    oa("replace-sdp-version-offerer-bumps", cat, "sdp-version: offerer bumps its own version",
       base_o, base_a, sv, sv, more=[offer(sdp([audio()], ver="2890844529"), **sv),
                                     offer(sdp([audio(fmts="0")], ver="2890844530"), **sv)])
    oa("replace-sdp-version-answer-side", cat, "sdp-version on repeated answers",
       base_o, base_a, sv, sv, more=[answer(base_a, **sv),
                                     answer(bsdp([audio(port=30000, fmts="8")]), **sv)])
    fi = {"replace": ["force-increment-sdp-version"]}
    oa("replace-force-increment-repeated", cat, "force-increment-sdp-version across repeated offers",
       base_o, base_a, fi, fi, more=[offer(base_o, **fi), offer(base_o, **fi)])
    both = {"replace": ["sdp-version", "force-increment-sdp-version"]}
    oa("replace-sdp-version-and-force", cat, "sdp-version + force-increment across repeats",
       base_o, base_a, both, both, more=[offer(base_o, **both)])
    oa("replace-sdp-version-port-change", cat, "sdp-version: re-offer with a new port",
       base_o, base_a, sv, sv, more=[offer(sdp([audio(port=40000)]), **sv)])
    oa("replace-session-name-custom", cat, "replace session-name with a custom s=",
       sdp([audio()], sname="My Call Session"), bsdp([audio(port=30000)], sname="Answer Session"),
       {"replace": ["session-name"]}, {"replace": ["session-name"]})
    oa("replace-username-custom", cat, "replace username with a non-dash user",
       sdp([audio()], user="carol"), bsdp([audio(port=30000)], user="dave"),
       {"replace": ["username"]}, {"replace": ["username"]})
    un = {"replace": ["username"]}
    oa("replace-username-reoffer", cat, "replace username: the re-offer comes with another username",
       sdp([audio()], user="carol"), bsdp([audio(port=30000)]), un, un,
       more=[offer(sdp([audio()], user="erin", ver="2890844529"), **un)])
    of = {"replace": ["origin-full"]}
    oa("replace-origin-full-reoffer", cat, "replace origin-full: the re-offer comes with another o= line",
       sdp([audio()]), bsdp([audio(port=30000)]), of, of,
       more=[offer(sdp([audio()], user="erin", sid="99", ver="7", addr="198.51.100.7"), **of)])
    oa("replace-origin-ipv6", cat, "replace origin with an IPv6 o= toward IPv4",
       sdp([audio()], addr=A6, fam="IP6"), bsdp([audio(port=30000)]),
       {"replace": ["origin"]}, {"replace": ["origin"]})


# ---------------------------------------------------------------- mid / extmap

def midext():
    cat = "mid-extmap"
    ext_a = ["rtpmap:0 PCMU/8000", "extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
             "extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"]
    ext_v = ["rtpmap:96 VP8/90000", "extmap:2 urn:ietf:params:rtp-hdrext:toffset",
             "extmap:4/sendrecv urn:3gpp:video-orientation"]
    mid_a = ["mid:0"] + ext_a
    mid_v = ["mid:1"] + ext_v
    av_mid = [audio(fmts="0", attrs=mid_a), media("video", 51372, "RTP/AVP", "96", None, mid_v)]
    av_nomid = [audio(fmts="0", attrs=ext_a), media("video", 51372, "RTP/AVP", "96", None, ext_v)]
    ans_mid = [audio(port=30000, fmts="0", attrs=["mid:0", "rtpmap:0 PCMU/8000"]),
               media("video", 30010, "RTP/AVP", "96", None, ["mid:1", "rtpmap:96 VP8/90000"])]
    ans_nomid = [audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"]),
                 media("video", 30010, "RTP/AVP", "96", None, ["rtpmap:96 VP8/90000"])]
    oa("mid-present", cat, "a=mid on both sides, passed through", sdp(av_mid), bsdp(ans_mid))
    oa("mid-absent", cat, "no a=mid", sdp(av_nomid), bsdp(ans_nomid))
    oa("mid-generate", cat, "generate-mid on an offer without a=mid",
       sdp(av_nomid), bsdp(ans_mid), {"flags": ["generate-mid"]})
    oa("mid-generate-present", cat, "generate-mid on an offer that has a=mid",
       sdp(av_mid), bsdp(ans_mid), {"flags": ["generate-mid"]})
    oa("mid-generate-answer", cat, "generate-mid on offer and answer; answer without mid",
       sdp(av_nomid), bsdp(ans_nomid), {"flags": ["generate-mid"]}, {"flags": ["generate-mid"]})
    oa("mid-strip-extmap", cat, "strip-extmap on the offer",
       sdp(av_mid), bsdp(ans_mid), {"flags": ["strip-extmap"]})
    oa("mid-strip-extmap-both", cat, "strip-extmap on offer and answer (answer has extmap)",
       sdp(av_nomid), bsdp([audio(port=30000, fmts="0", attrs=ext_a),
                            media("video", 30010, "RTP/AVP", "96", None, ext_v)]),
       {"flags": ["strip-extmap"]}, {"flags": ["strip-extmap"]})
    oa("mid-extmap-kept", cat, "extmap in the answer passed through",
       sdp(av_nomid), bsdp([audio(port=30000, fmts="0", attrs=ext_a),
                            media("video", 30010, "RTP/AVP", "96", None, ext_v)]))
    oa("mid-bundle-group", cat, "a=group:BUNDLE with mids (no bundle flags)",
       sdp(av_mid, sess_attrs=["group:BUNDLE 0 1", "extmap-allow-mixed"]), bsdp(ans_mid, sess_attrs=["group:BUNDLE 0 1"]))
    oa("mid-session-extmap", cat, "session-level a=extmap",
       sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000"])], sess_attrs=["extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level"]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]),
       {"flags": ["strip-extmap"]})
    oa("mid-generate-strip", cat, "generate-mid + strip-extmap together",
       sdp(av_nomid), bsdp(ans_mid), {"flags": ["generate-mid", "strip-extmap"]})
    oa("mid-with-other-attrs", cat, "a=mid among unknown attributes",
       sdp([audio(fmts="0", attrs=["x-a:1", "mid:0", "extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                                   "x-b:2", "rtpmap:0 PCMU/8000", "x-c:3"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["mid:0", "x-d:4", "rtpmap:0 PCMU/8000"])]))
    oa("mid-answer-without", cat, "offer with a=mid, answer without: the offerer gets its mids back",
       sdp(av_mid), bsdp(ans_nomid))
    oa("mid-answer-without-nonnumeric", cat, "offer with non-numeric mids, answer without",
       sdp([audio(fmts="0", attrs=["mid:audio", "rtpmap:0 PCMU/8000"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]))
    oa("mid-nonnumeric", cat, "non-numeric mids (audio, video)",
       sdp([audio(fmts="0", attrs=["mid:audio", "rtpmap:0 PCMU/8000"]),
            media("video", 51372, "RTP/AVP", "96", None, ["mid:video", "rtpmap:96 VP8/90000"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["mid:audio", "rtpmap:0 PCMU/8000"]),
             media("video", 30010, "RTP/AVP", "96", None, ["mid:video", "rtpmap:96 VP8/90000"])]))


# ---------------------------------------------------------------- rtcp-mux

def mux():
    cat = "rtcp-mux"
    with_mux = ["rtpmap:0 PCMU/8000", "rtcp-mux"]
    without = ["rtpmap:0 PCMU/8000"]
    for opt in ("none", "offer", "demux", "accept", "reject", "require"):
        for omux in (True, False):
            for amux in (True, False):
                if opt == "none" and not omux and not amux:
                    continue  # the plain case
                name = "mux-%s-%s-%s" % (opt, "omux" if omux else "onomux", "amux" if amux else "anomux")
                o_args = {} if opt == "none" else {"rtcp-mux": [opt]}
                oa(name, cat, "rtcp-mux %s; offer %s mux, answer %s mux" % (
                    opt, "with" if omux else "without", "with" if amux else "without"),
                   sdp([audio(fmts="0", attrs=with_mux if omux else without)]),
                   bsdp([audio(port=30000, fmts="0", attrs=with_mux if amux else without)]), o_args)
    oa("mux-flag-form", cat, "rtcp-mux-demux as a flag",
       sdp([audio(fmts="0", attrs=with_mux)]), bsdp([audio(port=30000, fmts="0", attrs=with_mux)]),
       {"flags": ["rtcp-mux-demux"]})
    oa("mux-rtcp-attr-same-port", cat, "offer with mux and a=rtcp: equal to the RTP port",
       sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000", "rtcp:49170", "rtcp-mux"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000", "rtcp:30000", "rtcp-mux"])]))
    oa("mux-video", cat, "rtcp-mux on audio and video",
       sdp([audio(fmts="0", attrs=with_mux), media("video", 51372, "RTP/AVP", "96", None, ["rtpmap:96 VP8/90000", "rtcp-mux"])]),
       bsdp([audio(port=30000, fmts="0", attrs=with_mux), media("video", 30010, "RTP/AVP", "96", None, ["rtpmap:96 VP8/90000", "rtcp-mux"])]))


# ---------------------------------------------------------------- IPv6

def ipv6():
    cat = "ipv6"
    o6 = sdp([audio()], fam="IP6", addr=A6)
    a6 = bsdp([audio(port=30000)], fam="IP6", addr=B6)
    o4, a4 = sdp([audio()]), bsdp([audio(port=30000)])
    oa("ipv6-both", cat, "IPv6 offer and answer", o6, a6)
    oa("ipv6-4to6", cat, "IPv4 offerer, address family IP6 toward B", o4, a6, {"address family": "IP6"})
    oa("ipv6-6to4", cat, "IPv6 offerer, address family IP4 toward B", o6, a4, {"address family": "IP4"})
    oa("ipv6-4to6-replace-origin", cat, "4->6 with replace origin", o4, a6,
       {"address family": "IP6", "replace": ["origin"]}, {"replace": ["origin"]})
    oa("ipv6-media-level", cat, "IPv6 c= in media only", sdp([audio(c=A6)], fam="IP6", addr=A6, c=None),
       bsdp([audio(port=30000, c=B6)], fam="IP6", addr=B6, c=None))
    oa("ipv6-av", cat, "IPv6 audio + video", sdp([audio(), video()], fam="IP6", addr=A6),
       bsdp([audio(port=30000), video(port=30010)], fam="IP6", addr=B6))
    oa("ipv6-full-rtcp", cat, "IPv6 with full-rtcp-attribute", o6, a6,
       {"flags": ["full-rtcp-attribute"]}, {"flags": ["full-rtcp-attribute"]})
    oa("ipv6-4to6-answer-v4", cat, "4->6 but B answers with IPv4", o4, a4, {"address family": "IP6"})
    oa("ipv6-mixed-media", cat, "IPv4 session c=, IPv6 media c=",
       sdp([audio(c=A6)]), bsdp([audio(port=30000)]))
    oa("ipv6-6to4-reinvite", cat, "6->4, then a re-INVITE without address family", o6, a4,
       {"address family": "IP4"}, more=[offer(sdp([audio()], fam="IP6", addr=A6, ver="2890844529")),
                                        answer(bsdp([audio(port=30000)], ver="1122334456"))])


# ---------------------------------------------------------------- branches

def branches():
    cat = "branch"
    o, a = sdp([audio()]), bsdp([audio(port=30000)])
    a2 = bsdp([audio(port=30100)], user="carol", addr=C_ADDR, sid="5566", ver="5566")
    case("branch-two-forks", cat, "offer to two branches, B answers",
         [offer(o, **{"via-branch": "z9hG4bK-1"}), offer(o, **{"via-branch": "z9hG4bK-2"}),
          answer(a, **{"via-branch": "z9hG4bK-1"})])
    case("branch-second-answers", cat, "two branches, the second answers",
         [offer(o, **{"via-branch": "z9hG4bK-1"}), offer(o, **{"via-branch": "z9hG4bK-2"}),
          answer(a2, to_tag="C", **{"via-branch": "z9hG4bK-2"})])
    case("branch-both-answer", cat, "two forks answer (183 from each)",
         [offer(o, **{"via-branch": "z9hG4bK-1"}), answer(a, **{"via-branch": "z9hG4bK-1"}),
          answer(a2, to_tag="C", **{"via-branch": "z9hG4bK-1"})])
    case("branch-delete-delay", cat, "delete one branch with delete-delay, then answer the other",
         [offer(o, **{"via-branch": "z9hG4bK-1"}), offer(o, **{"via-branch": "z9hG4bK-2"}),
          delete(**{"from-tag": "A", "via-branch": "z9hG4bK-1", "delete-delay": 5}),
          answer(a2, to_tag="C", **{"via-branch": "z9hG4bK-2"})])
    case("branch-delete-delay-zero", cat, "delete a branch with delete-delay 0",
         [offer(o, **{"via-branch": "z9hG4bK-1"}), offer(o, **{"via-branch": "z9hG4bK-2"}),
          delete(**{"from-tag": "A", "via-branch": "z9hG4bK-2", "delete-delay": 0}),
          answer(a, **{"via-branch": "z9hG4bK-1"})])
    case("branch-serial-forking", cat, "serial forking: branch 1 deleted, branch 2 answers",
         [offer(o, **{"via-branch": "b1"}), delete(**{"from-tag": "A", "via-branch": "b1", "delete-delay": 30}),
          offer(o, **{"via-branch": "b2"}), answer(a2, to_tag="C", **{"via-branch": "b2"})])
    case("branch-delete-call-delay", cat, "answered call deleted with delete-delay, re-offer",
         [offer(o), answer(a), delete(**{"from-tag": "A", "delete-delay": 10}),
          offer(sdp([audio()], ver="2890844529"))])
    case("branch-delete-to-tag", cat, "delete by to-tag while the call goes on",
         [offer(o), answer(a), delete(**{"from-tag": "A", "to-tag": "B", "delete-delay": 0}),
          offer(sdp([audio()], ver="2890844529"))])
    case("branch-reoffer-branch", cat, "re-offer to the same branch",
         [offer(o, **{"via-branch": "b1"}), offer(o, **{"via-branch": "b1"}),
          answer(a, **{"via-branch": "b1"})])
    case("branch-answer-without-branch", cat, "branched offer, answer without via-branch",
         [offer(o, **{"via-branch": "b1"}), answer(a)])


# ---------------------------------------------------------------- direction

def direction():
    cat = "direction"
    for d in ("sendonly", "recvonly", "inactive", "sendrecv"):
        rev = {"sendonly": "recvonly", "recvonly": "sendonly"}.get(d, d)
        oa("dir-media-%s" % d, cat, "a=%s at media level" % d,
           sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000", d])]),
           bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000", rev])]))
    for d in ("sendonly", "recvonly", "inactive"):
        rev = {"sendonly": "recvonly", "recvonly": "sendonly"}.get(d, d)
        oa("dir-session-%s" % d, cat, "a=%s at session level" % d,
           sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000"])], sess_attrs=[d]),
           bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])], sess_attrs=[rev]))
    oa("dir-session-and-media", cat, "session sendonly, media overrides with sendrecv",
       sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000", "sendrecv"])], sess_attrs=["sendonly"]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]))
    oa("dir-per-media", cat, "audio sendrecv, video recvonly",
       sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000", "sendrecv"]),
            media("video", 51372, "RTP/AVP", "96", None, ["rtpmap:96 VP8/90000", "recvonly"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"]),
             media("video", 30010, "RTP/AVP", "96", None, ["rtpmap:96 VP8/90000", "sendonly"])]))
    oa("dir-first-position", cat, "direction before rtpmap lines",
       sdp([audio(fmts="0 8", attrs=["sendonly", "rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["recvonly", "rtpmap:0 PCMU/8000"])]))
    oa("dir-original-sendrecv-session", cat, "original-sendrecv with a session-level direction",
       sdp([audio(fmts="0", attrs=["rtpmap:0 PCMU/8000"])], sess_attrs=["sendonly"]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]),
       {"flags": ["original-sendrecv"]}, {"flags": ["original-sendrecv"]})


# ---------------------------------------------------------------- ptime

def ptime():
    cat = "ptime"
    oa("ptime-offer", cat, "a=ptime:20 in the offer",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ptime:20"])]), bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]))
    oa("ptime-both", cat, "ptime and maxptime on both sides",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ptime:20", "maxptime:40"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000", "maxptime:60", "ptime:30"])]))
    oa("ptime-first", cat, "ptime before the codec lines",
       sdp([audio(attrs=["ptime:20", "rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["ptime:20"])]))
    oa("ptime-maxptime-only", cat, "maxptime without ptime",
       sdp([audio(attrs=["maxptime:150", "rtpmap:0 PCMU/8000"])]), bsdp([audio(port=30000, fmts="0", attrs=[])]))
    oa("ptime-session-level", cat, "a=ptime at session level",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000"])], sess_attrs=["ptime:30"]), bsdp([audio(port=30000, fmts="0", attrs=[])]))
    oa("ptime-two-ptime", cat, "two a=ptime lines",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ptime:20", "ptime:30"])]), bsdp([audio(port=30000, fmts="0", attrs=[])]))
    oa("ptime-video", cat, "ptime in audio, framerate in video",
       sdp([audio(attrs=["rtpmap:0 PCMU/8000", "ptime:20"]), video(attrs=["rtpmap:96 H264/90000", "framerate:25"])]),
       bsdp([audio(port=30000, fmts="0", attrs=["ptime:20"]), video(port=30010, attrs=["rtpmap:96 H264/90000"])]))


# ---------------------------------------------------------------- codecs

def codecs():
    cat = "codecs"
    a4 = audio(fmts="0 8 9 101", attrs=["rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000",
                                         "rtpmap:9 G722/8000", "rtpmap:101 telephone-event/8000",
                                         "fmtp:101 0-16"])
    ans = bsdp([audio(port=30000, fmts="0 101")])
    for name, desc, args in (
            ("codec-strip", "codec strip PCMA", {"codec": {"strip": ["PCMA"]}}),
            ("codec-strip-flag", "codec-strip-PCMA as a flag", {"flags": ["codec-strip-PCMA"]}),
            ("codec-strip-all-except", "strip all except PCMU",
             {"codec": {"strip": ["all"], "except": ["PCMU"]}}),
            ("codec-mask", "codec mask G722", {"codec": {"mask": ["G722"]}}),
            ("codec-strip-case", "strip names match case as written; a number is no name",
             {"codec": {"strip": ["pcma", "101"]}}),
            ("codec-strip-all", "strip all without except strips nothing",
             {"codec": {"strip": ["all"]}}),
            ("codec-except-alone", "except without strip all does nothing",
             {"codec": {"except": ["PCMA"]}}),
            ("codec-strip-dtmf", "strip telephone-event (its fmtp goes too)",
             {"codec": {"strip": ["telephone-event"]}}),
            ("codec-strip-static-no-rtpmap", "strip a static type that has no a=rtpmap",
             {"codec": {"strip": ["G722"]}}),
    ):
        body = sdp([a4]) if name != "codec-strip-static-no-rtpmap" else sdp([audio(
            fmts="0 8 9", attrs=["rtpmap:0 PCMU/8000"])])
        oa(name, cat, desc, body, ans, o_args=args)


# ---------------------------------------------------------------- SDES

def key(n, seed):
    """n bytes of key + salt, fixed (the corpus must not change on re-runs),
    base64 without padding as in RFC 4568 examples."""
    return base64.b64encode(bytes((seed * 37 + i * 11) & 0xff for i in range(n))).decode().rstrip("=")


KEY_A = [key(30, 1), key(30, 2), key(30, 3)]          # AES_CM_128: 16 + 14
KEY_B = [key(30, 4), key(30, 5)]
KEY_256 = key(46, 6)                                   # AES_256_CM: 32 + 14
KEY_GCM = key(28, 7)                                   # AEAD_AES_128_GCM: 16 + 12
KEY_GCM256 = key(44, 8)                                # AEAD_AES_256_GCM: 32 + 12
KEY_BAD = key(20, 9)                                   # too short for any suite


def cr(tag, suite, key, extra=""):
    return "crypto:%d %s inline:%s%s" % (tag, suite, key, extra)


def sdes():
    cat = "sdes"
    a80 = cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[0])
    a32 = cr(2, "AES_CM_128_HMAC_SHA1_32", KEY_A[1])
    a80b = cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_B[0])
    a32b = cr(2, "AES_CM_128_HMAC_SHA1_32", KEY_B[1])
    c256 = cr(3, "AES_256_CM_HMAC_SHA1_80", KEY_256)
    gcm = cr(4, "AEAD_AES_128_GCM", KEY_GCM)
    gcm256 = cr(5, "AEAD_AES_256_GCM", KEY_GCM256)

    def sav(attrs, port=49170, proto="RTP/SAVP"):
        return audio(port=port, proto=proto, fmts="0 101",
                     attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000"] + attrs)

    avp_a = bsdp([audio(port=30000, fmts="0 101")])
    rtp = {"transport-protocol": "RTP/AVP"}
    srtp = {"transport-protocol": "RTP/SAVP"}

    # SRTP offerer, plain callee (rtprelay terminates SRTP toward A)
    oa("sdes-savp-to-avp", cat, "SAVP offer (two suites) converted to AVP",
       sdp([sav([a80, a32])]), avp_a, rtp)
    oa("sdes-savp-to-avp-one", cat, "SAVP offer, one suite, to AVP",
       sdp([sav([a80])]), avp_a, rtp)
    oa("sdes-savp-to-avp-32-first", cat, "SAVP offer preferring _32, to AVP",
       sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_32", KEY_A[1]), cr(2, "AES_CM_128_HMAC_SHA1_80", KEY_A[0])])]), avp_a, rtp)
    oa("sdes-savp-to-avp-256", cat, "SAVP offer AES_256 first, to AVP",
       sdp([sav([c256, a80])]), avp_a, rtp)
    oa("sdes-savp-to-avp-gcm", cat, "SAVP offer AEAD_AES_128_GCM first, to AVP",
       sdp([sav([gcm, a80])]), avp_a, rtp)
    oa("sdes-savp-to-avp-gcm256", cat, "SAVP offer AEAD_AES_256_GCM, to AVP",
       sdp([sav([gcm256])]), avp_a, rtp)
    oa("sdes-savpf-to-avpf", cat, "SAVPF offer to AVPF",
       sdp([sav([a80], proto="RTP/SAVPF")]), bsdp([audio(port=30000, proto="RTP/AVPF", fmts="0 101")]),
       {"transport-protocol": "RTP/AVPF"})
    oa("sdes-savp-to-avp-lifetime-in", cat, "SAVP offer with a key lifetime, to AVP",
       sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[0], "|2^31")])]), avp_a, rtp)
    oa("sdes-savp-to-avp-no-80", cat, "SAVP to AVP with SDES no-AES_CM_128_HMAC_SHA1_80",
       sdp([sav([a80, a32])]), avp_a, dict(rtp, SDES=["no-AES_CM_128_HMAC_SHA1_80"]))
    oa("sdes-savp-to-avp-only-32", cat, "SAVP to AVP with SDES only-AES_CM_128_HMAC_SHA1_32",
       sdp([sav([a80, a32])]), avp_a, dict(rtp, SDES=["only-AES_CM_128_HMAC_SHA1_32"]))
    oa("sdes-savp-to-avp-bad-key", cat, "SAVP offer whose only key is too short, to AVP",
       sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_BAD)])]), avp_a, rtp)
    oa("sdes-savp-to-avp-bad-and-good", cat, "SAVP offer: a too-short key, then a good one",
       sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_BAD), a32])]), avp_a, rtp)
    oa("sdes-savp-to-avp-session-params", cat, "SAVP offer with UNENCRYPTED_SRTCP, to AVP",
       sdp([sav([a80 + " UNENCRYPTED_SRTCP"])]), avp_a, rtp)
    oa("sdes-savp-to-avp-video", cat, "SAVP audio+video to AVP",
       sdp([sav([a80]), video(proto="RTP/SAVP", attrs=["rtpmap:96 H264/90000", "rtpmap:97 VP8/90000",
                                                       cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[2])])]),
       bsdp([audio(port=30000, fmts="0 101"), video(port=30010)]), rtp)

    # plain offerer, SRTP callee (rtprelay offers its keys toward B)
    o_avp = sdp([audio(fmts="0 101")])

    def b_sav(crypto, proto="RTP/SAVP"):
        return bsdp([audio(port=30000, proto=proto, fmts="0 101",
                           attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000", crypto])])
    oa("sdes-avp-to-savp", cat, "AVP offer converted to SAVP; B picks tag 1",
       o_avp, b_sav(a80b), srtp)
    oa("sdes-avp-to-savp-pick-32", cat, "AVP to SAVP; B picks tag 2 (_32)",
       o_avp, b_sav(a32b), srtp)
    oa("sdes-avp-to-savpf", cat, "AVPF offer converted to SAVPF",
       sdp([audio(proto="RTP/AVPF", fmts="0 101")]), b_sav(a80b, "RTP/SAVPF"), {"transport-protocol": "RTP/SAVPF"})
    oa("sdes-avp-to-savp-no-80", cat, "AVP to SAVP, SDES no-AES_CM_128_HMAC_SHA1_80",
       o_avp, b_sav(cr(1, "AES_CM_128_HMAC_SHA1_32", KEY_B[1])), dict(srtp, SDES=["no-AES_CM_128_HMAC_SHA1_80"]))
    oa("sdes-avp-to-savp-no-two", cat, "AVP to SAVP, two no- suites",
       o_avp, b_sav(cr(1, "AEAD_AES_256_GCM", KEY_GCM256)),
       dict(srtp, SDES=["no-AES_CM_128_HMAC_SHA1_80", "no-AES_CM_128_HMAC_SHA1_32"]))
    oa("sdes-avp-to-savp-only-80", cat, "AVP to SAVP, SDES only-AES_CM_128_HMAC_SHA1_80",
       o_avp, b_sav(a80b), dict(srtp, SDES=["only-AES_CM_128_HMAC_SHA1_80"]))
    oa("sdes-avp-to-savp-only-two", cat, "AVP to SAVP, only _80 and _32",
       o_avp, b_sav(a32b), dict(srtp, SDES=["only-AES_CM_128_HMAC_SHA1_80", "only-AES_CM_128_HMAC_SHA1_32"]))
    oa("sdes-avp-to-savp-only-gcm", cat, "AVP to SAVP, only AEAD_AES_128_GCM",
       o_avp, b_sav(cr(1, "AEAD_AES_128_GCM", KEY_GCM)), dict(srtp, SDES=["only-AEAD_AES_128_GCM"]))
    oa("sdes-avp-to-savp-unencrypted-srtcp", cat, "AVP to SAVP, SDES unencrypted_srtcp",
       o_avp, b_sav(a80b + " UNENCRYPTED_SRTCP"), dict(srtp, SDES=["unencrypted_srtcp"]))
    oa("sdes-avp-to-savp-unencrypted-srtp", cat, "AVP to SAVP, SDES unencrypted_srtp",
       o_avp, b_sav(a80b + " UNENCRYPTED_SRTP"), dict(srtp, SDES=["unencrypted_srtp"]))
    oa("sdes-avp-to-savp-unauthenticated", cat, "AVP to SAVP, SDES unauthenticated_srtp",
       o_avp, b_sav(a80b + " UNAUTHENTICATED_SRTP"), dict(srtp, SDES=["unauthenticated_srtp"]))
    oa("sdes-avp-to-savp-lifetime", cat, "AVP to SAVP, SDES lifetime",
       o_avp, b_sav(a80b), dict(srtp, SDES=["lifetime"]))
    oa("sdes-avp-to-savp-lifetime-only", cat, "AVP to SAVP, SDES lifetime + only-_80",
       o_avp, b_sav(a80b), dict(srtp, SDES=["lifetime", "only-AES_CM_128_HMAC_SHA1_80"]))
    oa("sdes-avp-to-savp-flags-form", cat, "AVP to SAVP, SDES-no-... as a flag",
       o_avp, b_sav(a80b), dict(srtp, flags=["SDES-no-AES_CM_128_HMAC_SHA1_32"]))
    oa("sdes-avp-to-savp-declined", cat, "AVP offered as SAVP, B answers plain AVP",
       o_avp, avp_a, srtp)
    oa("sdes-avp-to-savp-video", cat, "AVP audio+video to SAVP",
       sdp([audio(fmts="0 101"), video()]),
       bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0 101", attrs=["rtpmap:0 PCMU/8000", a80b]),
             video(port=30010, proto="RTP/SAVP", attrs=["rtpmap:96 H264/90000", a32b])]), srtp)
    oa("sdes-savp-to-avp-off", cat, "SAVP to AVP with SDES off (rtprelay still terminates with SDES)",
       sdp([sav([a80])]), avp_a, dict(rtp, SDES=["off"]))
    oa("sdes-avp-to-savp-off", cat, "AVP to SAVP with SDES off (SRTP would need DTLS)",
       o_avp, b_sav(a80b), dict(srtp, SDES=["off"]))
    oa("sdes-avp-off", cat, "SDES off on a plain call (allowed)",
       o_avp, avp_a, {"SDES": ["off"]}, {"SDES": ["off"]})

    # SRTP both sides (pass-through)
    oa("sdes-pass", cat, "SAVP to SAVP, no transport-protocol",
       sdp([sav([a80, a32])]), bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0 101", attrs=["rtpmap:0 PCMU/8000", a80b])]))
    oa("sdes-pass-one", cat, "SAVP to SAVP, one suite",
       sdp([sav([a80])]), bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]))
    oa("sdes-pass-explicit", cat, "SAVP to SAVP with transport-protocol RTP/SAVP",
       sdp([sav([a80])]), bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]), srtp)
    oa("sdes-pass-no-32", cat, "SAVP pass-through with no-AES_CM_128_HMAC_SHA1_32",
       sdp([sav([a80, a32])]), bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]),
       {"SDES": ["no-AES_CM_128_HMAC_SHA1_32"]})
    oa("sdes-pass-lifetime", cat, "SAVP pass-through, key lifetime in the line",
       sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[0], "|2^20")])]),
       bsdp([audio(port=30000, proto="RTP/SAVP", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]))
    oa("sdes-pass-savpf", cat, "SAVPF pass-through",
       sdp([sav([a80], proto="RTP/SAVPF")]),
       bsdp([audio(port=30000, proto="RTP/SAVPF", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]))
    oa("sdes-savp-to-savpf", cat, "SAVP converted to SAVPF",
       sdp([sav([a80])]),
       bsdp([audio(port=30000, proto="RTP/SAVPF", fmts="0", attrs=["rtpmap:0 PCMU/8000", a80b])]),
       {"transport-protocol": "RTP/SAVPF"})

    # SRTP offered end to end, the callee answers plain RTP/AVP: the
    # offerer's keys are used toward it at the answer
    oa("sdes-pass-declined", cat, "SAVP offer passed on, B answers RTP/AVP",
       sdp([sav([a80, a32])]), avp_a)
    oa("sdes-pass-declined-answer-flags", cat, "SAVP offer passed on, B answers RTP/AVP, SDES no-_80 on the answer",
       sdp([sav([a80, a32])]), avp_a, None, {"SDES": ["no-AES_CM_128_HMAC_SHA1_80"]})
    oa("sdes-savp-to-avp-answer-flags", cat, "SAVP to AVP, unencrypted_srtcp given with the answer",
       sdp([sav([a80])]), avp_a, rtp, {"SDES": ["unencrypted_srtcp"]})

    # re-INVITEs
    oa("sdes-avp-to-savp-reinvite", cat, "AVP to SAVP, then a re-INVITE (keys kept)",
       o_avp, b_sav(a80b), srtp,
       more=[offer(sdp([audio(fmts="0 101")], ver="2890844529"), **srtp), answer(b_sav(a80b), **{})])
    oa("sdes-savp-to-avp-rekey", cat, "SAVP to AVP, then re-INVITE with a new key",
       sdp([sav([a80])]), avp_a, rtp,
       more=[offer(sdp([sav([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[2])])], ver="2890844529"), **rtp),
             answer(avp_a)])
    oa("sdes-savp-to-avp-reoffer-same", cat, "SAVP to AVP, same offer repeated",
       sdp([sav([a80])]), avp_a, rtp, more=[offer(sdp([sav([a80])]), **rtp)])

    # OSRTP (rtprelay: ng error)
    oa("osrtp-offer", cat, "OSRTP offer: AVP offer with OSRTP=offer",
       o_avp, b_sav(a80b), {"OSRTP": ["offer"]})
    oa("osrtp-accept", cat, "OSRTP accept: AVP offer with a=crypto, OSRTP=accept",
       sdp([audio(fmts="0 101", attrs=["rtpmap:0 PCMU/8000", a80])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]),
       {"OSRTP": ["accept"]})
    oa("osrtp-offer-legacy", cat, "OSRTP offer-legacy",
       o_avp, b_sav(a80b), {"OSRTP": ["offer-legacy"]})
    oa("osrtp-flag-form", cat, "OSRTP-offer as a flag",
       o_avp, b_sav(a80b), {"flags": ["OSRTP-offer"]})
    oa("osrtp-unasked", cat, "AVP offer carrying a=crypto, no OSRTP flag",
       sdp([audio(fmts="0 101", attrs=["rtpmap:0 PCMU/8000", a80])]),
       bsdp([audio(port=30000, fmts="0", attrs=["rtpmap:0 PCMU/8000"])]))


# ---------------------------------------------------------------- ICE

def ice():
    """ICE offers/answers (the ICE helper's section): rtprelay as the
    parties' ICE agent; ufrag/pwd/candidates are masked by run.py."""
    cat = "ice"
    A_ICE = ["ice-ufrag:abcd", "ice-pwd:0123456789abcdefghijkl"]
    B_ICE = ["ice-ufrag:wxyz", "ice-pwd:zyxwvutsrq9876543210ab"]

    def cands(addr, port, comps=(1, 2), extra=()):
        return ["candidate:1 %d UDP %d %s %d typ host" % (c, 2130706432 - c, addr, port + c - 1)
                for c in comps] + list(extra)

    pcmu = ["rtpmap:0 PCMU/8000"]
    a_ice = sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170))])
    b_ice = bsdp([audio(port=30000, fmts="0", attrs=pcmu + B_ICE + cands(B_ADDR, 30000))])
    a_plain, b_plain = sdp([audio(fmts="0")]), bsdp([audio(port=30000, fmts="0")])
    oa("ice-offer-answer-plain", cat, "ICE offer, plain answer: ICE toward both, then A only",
       a_ice, b_plain)
    oa("ice-both", cat, "ICE offer and ICE answer", a_ice, b_ice)
    oa("ice-force", cat, "plain offer, ICE=force; B answers with ICE", a_plain, b_ice,
       {"ICE": "force"})
    oa("ice-force-answer", cat, "plain offer, ICE answer with ICE=force", a_plain, b_ice,
       None, {"ICE": "force"})
    oa("ice-optional", cat, "plain offer, ICE=optional", a_plain, b_plain, {"ICE": "optional"})
    oa("ice-default-explicit", cat, "ICE offer, ICE=default", a_ice, b_plain, {"ICE": "default"})
    oa("ice-remove-offer", cat, "ICE=remove on the offer only: A still gets ICE", a_ice, b_plain,
       {"ICE": "remove"})
    oa("ice-remove-both", cat, "ICE=remove on offer and answer", a_ice, b_ice,
       {"ICE": "remove"}, {"ICE": "remove"})
    oa("ice-force-relay", cat, "ICE=force-relay", a_plain, b_plain, {"ICE": "force-relay"})
    oa("ice-lite-forward", cat, "ICE=force, ICE-lite forward", a_plain, b_ice,
       {"ICE": "force", "ICE-lite": "forward"})
    oa("ice-lite-backward", cat, "ICE offer, ICE-lite backward", a_ice, b_plain,
       {"ICE-lite": "backward"})
    oa("ice-lite-party", cat, "the offerer is ICE-lite (session a=ice-lite)",
       sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170))], sess_attrs=["ice-lite"]),
       b_ice)
    oa("ice-session-creds", cat, "ufrag/pwd at session level",
       sdp([audio(fmts="0", attrs=pcmu + cands(A_ADDR, 49170))], sess_attrs=A_ICE), b_plain)
    oa("ice-trickle-flag", cat, "ICE=force with trickle-ICE", a_plain, b_plain,
       {"ICE": "force", "flags": ["trickle-ICE"]})
    oa("ice-eoc", cat, "offer with a=end-of-candidates",
       sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170, extra=["end-of-candidates"]))]),
       b_ice)
    tr1 = sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170, comps=(1,)))],
              sess_attrs=["ice-options:trickle"])
    tr2 = sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170, comps=(1,)) +
                     ["candidate:2 1 UDP 1694498815 192.0.2.9 40000 typ srflx raddr %s rport 49170"
                      % A_ADDR])], sess_attrs=["ice-options:trickle"], ver="2890844529")
    oa("ice-trickle-reoffer", cat, "trickle: a re-offer with the same credentials adds a candidate",
       tr1, b_ice, more=[offer(tr2), answer(b_ice)])
    rs = sdp([audio(fmts="0", attrs=pcmu + ["ice-ufrag:efgh", "ice-pwd:abcdefghijkl0123456789"] +
                    cands(A_ADDR, 49170))], ver="2890844529")
    oa("ice-restart", cat, "ICE restart: a re-offer with new credentials", a_ice, b_ice,
       more=[offer(rs), answer(b_ice)])
    mux = ["rtcp-mux"]
    oa("ice-mux", cat, "ICE with rtcp-mux both ways",
       sdp([audio(fmts="0", attrs=pcmu + mux + A_ICE + cands(A_ADDR, 49170, comps=(1,)))]),
       bsdp([audio(port=30000, fmts="0", attrs=pcmu + mux + B_ICE + cands(B_ADDR, 30000, comps=(1,)))]))
    oa("ice-mux-offer", cat, "ICE=force with rtcp-mux offer; B accepts mux", a_plain,
       bsdp([audio(port=30000, fmts="0", attrs=pcmu + mux + B_ICE + cands(B_ADDR, 30000, comps=(1,)))]),
       {"ICE": "force", "rtcp-mux": ["offer"]},
       more=[offer(a_plain, **{"ICE": "force", "rtcp-mux": ["offer"]})])
    oa("ice-mux-demux", cat, "ICE offer with mux, demux toward B",
       sdp([audio(fmts="0", attrs=pcmu + mux + A_ICE + cands(A_ADDR, 49170, comps=(1,)))]),
       b_plain, {"rtcp-mux": ["demux"]})
    oa("ice-mux-require", cat, "ICE=force, rtcp-mux require", a_plain, b_ice,
       {"ICE": "force", "rtcp-mux": ["require"]})
    oa("ice-ipv6", cat, "IPv6 offer with ICE",
       sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A6, 49170))], fam="IP6", addr=A6),
       bsdp([audio(port=30000, fmts="0")], fam="IP6", addr=B6))
    oa("ice-4to6", cat, "ICE offer on IPv4, address family IP6 toward B", a_ice,
       bsdp([audio(port=30000, fmts="0", attrs=pcmu + B_ICE + cands(B6, 30000))], fam="IP6", addr=B6),
       {"address family": "IP6"})
    oa("ice-rejected-second", cat, "ICE with a rejected second m= line",
       sdp([audio(fmts="0", attrs=pcmu + A_ICE + cands(A_ADDR, 49170)),
            video(attrs=["rtpmap:96 VP8/90000"] + A_ICE + cands(A_ADDR, 51372))]),
       bsdp([audio(port=30000, fmts="0"), video(port=0, attrs=["rtpmap:96 VP8/90000"])]))
    oa("ice-ptime", cat, "ICE with a=ptime (line order)",
       sdp([audio(fmts="0", attrs=pcmu + ["ptime:20"] + A_ICE + cands(A_ADDR, 49170))]),
       bsdp([audio(port=30000, fmts="0", attrs=pcmu + ["ptime:20"] + B_ICE +
                   cands(B_ADDR, 30000))]))
    oa("ice-mdns-candidate", cat, "a browser's mDNS host candidate (.local name)",
       sdp([audio(fmts="0", attrs=pcmu + A_ICE +
                  ["candidate:1 1 UDP 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local "
                   "49170 typ host"])]), b_plain)
# ---------------------------------------------------------------- sdp-attr

def sdpattr():
    cat = "sdp-attr"
    au = audio(fmts="0 101", attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000",
                                    "sendrecv", "test", "test5", "label:1"])
    vi = video(attrs=["rtpmap:96 H264/90000", "test", "rtcp-fb:96 nack"])
    body = sdp([au, vi], sess_attrs=["test1", "test2", "tool:x"])
    ans = bsdp([audio(port=30000, fmts="0 101", attrs=["rtpmap:0 PCMU/8000",
                                                        "rtpmap:101 telephone-event/8000", "test"]),
                video(port=30010, attrs=["rtpmap:96 H264/90000", "test"])])
    for name, desc, args in (
            ("sdp-attr-remove-audio", "remove a=test from audio only",
             {"sdp-attr": {"audio": {"remove": ["test"]}}}),
            ("sdp-attr-remove-none", "remove session-level a=test1 (none)",
             {"sdp-attr": {"none": {"remove": ["test1"]}}}),
            ("sdp-attr-remove-global", "remove session-level a=test1 (global)",
             {"sdp-attr": {"global": {"remove": ["test1", "test2"]}}}),
            ("sdp-attr-remove-video", "remove a=test from video only",
             {"sdp-attr": {"video": {"remove": ["test"]}}}),
            ("sdp-attr-add", "add lines to audio and the session",
             {"sdp-attr": {"audio": {"add": ["foo:1", "bar"]}, "none": {"add": ["baz"]}}}),
            ("sdp-attr-add-remove", "add and remove in one media",
             {"sdp-attr": {"audio": {"add": ["test9"], "remove": ["test5"]}}}),
            ("sdp-attr-substitute", "substitute a media line and a session line",
             {"sdp-attr": {"audio": {"substitute": [["test5", "test6"]]},
                           "none": {"substitute": [["test2", "test3"]]}}}),
            ("sdp-attr-remove-value", "remove by name:value",
             {"sdp-attr": {"audio": {"remove": ["label:1"]}}}),
            ("sdp-attr-remove-name", "remove by name of a line with a value",
             {"sdp-attr": {"audio": {"remove": ["LABEL"]}}}),
            ("sdp-attr-remove-generated", "remove lines the daemon writes itself",
             {"sdp-attr": {"audio": {"remove": ["sendrecv", "rtcp", "rtpmap"]}}}),
            ("sdp-attr-flags", "sdp-attr-... flags",
             {"flags": ["sdp-attr-remove-audio-test", "sdp-attr-add-none-test7",
                        "sdp-attr-remove-none-test1"]}),
            ("sdp-attr-flag-substitute", "sdp-attr-substitute flag",
             {"flags": ["sdp-attr-substitute-audio-test5>test6"]}),
            ("sdp-attr-unknown-media", "an unknown media type key",
             {"sdp-attr": {"text": {"remove": ["test"]}}}),
            ("sdp-attr-unknown-command", "an unknown command",
             {"sdp-attr": {"audio": {"frobnicate": ["test"]}}}),
            ("sdp-attr-not-dict", "sdp-attr not a dictionary",
             {"sdp-attr": ["audio"]}),
    ):
        oa(name, cat, desc, body, ans, o_args=args)
    oa("sdp-attr-answer", cat, "sdp-attr given with the answer",
       body, ans, a_args={"sdp-attr": {"audio": {"remove": ["test"], "add": ["ans"]}}})
# ---------------------------------------------------------------- DTLS-SRTP

def fp(hash_name, n, seed):
    """A fixed fingerprint value of n bytes (masked by run.py, but a
    malformed one would be dropped)."""
    return "fingerprint:%s %s" % (hash_name, ":".join("%02X" % ((seed * 31 + i * 7) & 0xff)
                                                     for i in range(n)))


FP_A = fp("sha-256", 32, 1)
FP_A2 = fp("sha-256", 32, 2)
FP_B = fp("sha-256", 32, 3)


def dtls():
    cat = "dtls"
    tls, tlsf = "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF"

    def d_audio(attrs, port=49170, proto=tls, fmts="0 101"):
        return audio(port=port, proto=proto, fmts=fmts,
                     attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000"] + attrs)

    def b_d(attrs, proto=tls):
        return bsdp([d_audio(attrs, port=30000, proto=proto)])

    avp_b = bsdp([audio(port=30000, fmts="0 101")])
    o_avp = sdp([audio(fmts="0 101")])
    rtp = {"transport-protocol": "RTP/AVP"}
    to_tls = {"transport-protocol": tls}
    to_tlsf = {"transport-protocol": tlsf}
    b80 = cr(7, "AES_CM_128_HMAC_SHA1_80", KEY_B[0])

    # DTLS offerer, plain callee: rtprelay terminates DTLS toward A
    oa("dtls-to-avp-actpass", cat, "UDP/TLS/RTP/SAVP actpass offer to AVP: rtprelay active",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp)
    oa("dtls-to-avp-active", cat, "active offerer to AVP: rtprelay passive",
       sdp([d_audio(["setup:active", FP_A])]), avp_b, rtp)
    oa("dtls-to-avp-passive", cat, "passive offerer to AVP: rtprelay active",
       sdp([d_audio(["setup:passive", FP_A])]), avp_b, rtp)
    oa("dtls-to-avp-no-setup", cat, "offer with a fingerprint but no a=setup",
       sdp([d_audio([FP_A])]), avp_b, rtp)
    oa("dtls-to-avp-passive-flag", cat, "actpass offerer, DTLS=passive with the answer",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp, {"DTLS": "passive"})
    oa("dtls-to-avp-passive-flag-offer", cat, "actpass offerer, DTLS=passive with the offer",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, dict(rtp, DTLS="passive"))
    oa("dtls-to-avp-off-flag", cat, "DTLS offerer, DTLS=off with the offer (A still DTLS)",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, dict(rtp, DTLS="off"))
    oa("dtls-to-avp-sha1", cat, "sha-1 fingerprint: the answer's is sha-1",
       sdp([d_audio(["setup:actpass", fp("sha-1", 20, 4)])]), avp_b, rtp)
    oa("dtls-to-avp-sha512", cat, "sha-512 fingerprint: the answer's is sha-512",
       sdp([d_audio(["setup:actpass", fp("sha-512", 64, 5)])]), avp_b, rtp)
    oa("dtls-to-avp-two-fps", cat, "two fingerprints (sha-1, sha-256): the first one's hash",
       sdp([d_audio(["setup:actpass", fp("sha-1", 20, 4), FP_A])]), avp_b, rtp)
    oa("dtls-to-avp-fp-flag-answer", cat, "DTLS-fingerprint with the answer: the offerer's hash wins",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp, {"DTLS-fingerprint": "sha-1"})
    oa("dtls-to-avp-session-fp", cat, "fingerprint and setup at session level",
       sdp([d_audio([])], sess_attrs=["setup:actpass", FP_A]), avp_b, rtp)
    oa("dtls-savpf-to-avp-mux", cat, "WebRTC-like SAVPF with rtcp-mux to AVP, demux",
       sdp([d_audio(["setup:actpass", FP_A, "rtcp-mux"], proto=tlsf)]), avp_b,
       dict(rtp, **{"rtcp-mux": ["demux"]}))
    oa("dtls-savpf-to-avpf", cat, "SAVPF to AVPF",
       sdp([d_audio(["setup:actpass", FP_A], proto=tlsf)]),
       bsdp([audio(port=30000, proto="RTP/AVPF", fmts="0 101")]), {"transport-protocol": "RTP/AVPF"})

    # plain offerer, DTLS callee: rtprelay offers DTLS (and SDES) toward B
    oa("dtls-from-avp-b-active", cat, "AVP to UDP/TLS/RTP/SAVP; B answers active",
       o_avp, b_d(["setup:active", FP_B]), to_tls)
    oa("dtls-from-avp-b-passive", cat, "AVP to UDP/TLS/RTP/SAVP; B answers passive",
       o_avp, b_d(["setup:passive", FP_B]), to_tls)
    oa("dtls-from-avp-savpf", cat, "AVP to UDP/TLS/RTP/SAVPF; B answers active",
       o_avp, b_d(["setup:active", FP_B], proto=tlsf), to_tlsf)
    oa("dtls-from-avp-fp-flag", cat, "AVP to UDP/TLS with DTLS-fingerprint sha-384",
       o_avp, b_d(["setup:active", FP_B]), dict(to_tls, **{"DTLS-fingerprint": "sha-384"}))
    oa("dtls-from-avp-fp-flag-sha1", cat, "AVP to UDP/TLS with DTLS-fingerprint sha-1",
       o_avp, b_d(["setup:active", FP_B]), dict(to_tls, **{"DTLS-fingerprint": "sha-1"}))
    oa("dtls-from-avp-dtls-off", cat, "AVP to UDP/TLS with DTLS=off: SDES only; B takes SDES",
       o_avp, b_d([b80]), dict(to_tls, DTLS="off"))
    oa("dtls-from-avp-sdes-off", cat, "AVP to UDP/TLS with SDES=off: DTLS only",
       o_avp, b_d(["setup:active", FP_B]), dict(to_tls, SDES=["off"]))
    oa("dtls-from-avp-b-sdes", cat, "AVP to UDP/TLS; B answers with a=crypto only",
       o_avp, b_d([b80]), to_tls)
    oa("dtls-from-avp-b-both", cat, "AVP to UDP/TLS; B answers a=crypto and a fingerprint",
       o_avp, b_d([b80, "setup:active", FP_B]), to_tls)
    oa("dtls-from-avp-b-no-setup", cat, "AVP to UDP/TLS; B answers a fingerprint, no a=setup",
       o_avp, b_d([FP_B]), to_tls)
    oa("dtls-from-avp-b-actpass", cat, "AVP to UDP/TLS; B answers actpass (it must not)",
       o_avp, b_d(["setup:actpass", FP_B]), to_tls)

    # DTLS on both sides, and SDES <-> DTLS
    oa("dtls-both", cat, "UDP/TLS/RTP/SAVPF on both sides: terminated on both",
       sdp([d_audio(["setup:actpass", FP_A], proto=tlsf)]), b_d(["setup:active", FP_B], proto=tlsf))
    oa("dtls-both-off", cat, "UDP/TLS on both sides, DTLS=off with the offer",
       sdp([d_audio(["setup:actpass", FP_A])]), b_d(["setup:active", FP_B]), {"DTLS": "off"})
    oa("dtls-to-savp", cat, "UDP/TLS offer to RTP/SAVP; B answers SDES",
       sdp([d_audio(["setup:actpass", FP_A])]),
       bsdp([d_audio([b80], port=30000, proto="RTP/SAVP")]), {"transport-protocol": "RTP/SAVP"})
    oa("dtls-from-savp", cat, "RTP/SAVP (SDES) offer to UDP/TLS; B answers DTLS",
       sdp([d_audio([cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[0])], proto="RTP/SAVP")]),
       b_d(["setup:active", FP_B]), to_tls)

    # re-INVITEs
    oa("dtls-reoffer-same", cat, "DTLS to AVP, the same offer again",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp,
       more=[offer(sdp([d_audio(["setup:actpass", FP_A])], ver="2890844529"), **rtp),
             answer(avp_b)])
    oa("dtls-reoffer-new-fp", cat, "DTLS to AVP, re-offer with a new certificate",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp,
       more=[offer(sdp([d_audio(["setup:actpass", FP_A2])], ver="2890844529"), **rtp),
             answer(avp_b)])
    oa("dtls-reoffer-to-avp", cat, "DTLS to AVP, re-offer as plain RTP/AVP",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, rtp,
       more=[offer(sdp([audio(fmts="0 101")], ver="2890844529")), answer(avp_b)])

    # what rtprelay refuses (COMPAT.md, DTLS table)
    oa("dtls-no-fingerprint", cat, "UDP/TLS offer without a=fingerprint",
       sdp([d_audio(["setup:actpass"])]), avp_b, rtp)
    oa("dtls-holdconn", cat, "a=setup:holdconn",
       sdp([d_audio(["setup:holdconn", FP_A])]), avp_b, rtp)
    oa("dtls-from-avp-b-nothing", cat, "AVP to UDP/TLS; B answers neither fingerprint nor a=crypto",
       o_avp, b_d(["setup:active"]), to_tls)
    oa("dtls-tls-id", cat, "a=tls-id (RFC 8842) in offer and answer",
       sdp([d_audio(["setup:actpass", "tls-id:abc123", FP_A])]),
       bsdp([audio(port=30000, fmts="0 101", attrs=["rtpmap:0 PCMU/8000", "tls-id:zzz"])]), rtp)
    oa("dtls-reverse", cat, "DTLS-reverse given",
       sdp([d_audio(["setup:actpass", FP_A])]), avp_b, dict(rtp, **{"DTLS-reverse": "passive"}))


# ---------------------------------------------------------------- AVPF

def avpf():
    cat = "avpf"
    fb = ["rtcp-fb:0 nack", "rtcp-fb:0 nack pli", "rtcp-fb:* ccm fir", "rtcp-fb:101 goog-remb"]

    def f_audio(proto, attrs, port=49170):
        return audio(port=port, proto=proto, fmts="0 101",
                     attrs=["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000"] + attrs)

    avp_b = bsdp([audio(port=30000, fmts="0 101")])
    rtp = {"transport-protocol": "RTP/AVP"}
    b80 = cr(7, "AES_CM_128_HMAC_SHA1_80", KEY_B[0])
    oa("avpf-webrtc-to-avp", cat, "UDP/TLS/RTP/SAVPF with rtcp-fb and rtcp-mux to RTP/AVP (demux)",
       sdp([f_audio("UDP/TLS/RTP/SAVPF", ["setup:actpass", FP_A, "rtcp-mux"] + fb)]), avp_b,
       dict(rtp, **{"rtcp-mux": ["demux"]}))
    oa("avpf-to-avp", cat, "RTP/AVPF with rtcp-fb to RTP/AVP",
       sdp([f_audio("RTP/AVPF", fb)]), avp_b, rtp)
    oa("avpf-savpf-to-avp", cat, "RTP/SAVPF (SDES) with rtcp-fb to RTP/AVP",
       sdp([f_audio("RTP/SAVPF", [cr(1, "AES_CM_128_HMAC_SHA1_80", KEY_A[0])] + fb)]), avp_b, rtp)
    oa("avpf-avp-to-webrtc", cat, "RTP/AVP to UDP/TLS/RTP/SAVPF; B answers with rtcp-fb and mux",
       sdp([audio(fmts="0 101")]),
       bsdp([f_audio("UDP/TLS/RTP/SAVPF", ["setup:active", FP_B, "rtcp-mux"] + fb, port=30000)]),
       {"transport-protocol": "UDP/TLS/RTP/SAVPF", "rtcp-mux": ["offer"]})
    oa("avpf-avp-to-avpf", cat, "RTP/AVP to RTP/AVPF; B answers with rtcp-fb",
       sdp([audio(fmts="0 101")]), bsdp([f_audio("RTP/AVPF", fb, port=30000)]),
       {"transport-protocol": "RTP/AVPF"})
    oa("avpf-webrtc-to-savpf", cat, "UDP/TLS/RTP/SAVPF to RTP/SAVPF (DTLS to SDES), rtcp-fb both",
       sdp([f_audio("UDP/TLS/RTP/SAVPF", ["setup:actpass", FP_A] + fb)]),
       bsdp([f_audio("RTP/SAVPF", [b80] + fb, port=30000)]), {"transport-protocol": "RTP/SAVPF"})


def main():
    for fn in (plain, multi, nonrtp, zero, conn, replace, midext, mux, ipv6, branches, direction,
               ptime, codecs, sdes, sdpattr, ice, dtls, avpf):
        fn()
    os.makedirs(CORPUS, exist_ok=True)
    for name, c in sorted(CASES.items()):
        with open(os.path.join(CORPUS, name + ".json"), "w") as f:
            json.dump(c, f, indent=1, sort_keys=False)
            f.write("\n")
    print("%d cases written to %s" % (len(CASES), os.path.relpath(CORPUS)))


if __name__ == "__main__":
    main()
