"""The parity corpus's building blocks: SDP bodies from templates, ng
steps, and the registry of cases (CASES) that the case families in
corpus_rtp.py and corpus_secure.py fill and gen_corpus.py writes out."""

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
