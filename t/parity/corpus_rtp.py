"""Parity case families for plain RTP: audio, several streams, non-RTP m=
lines, zero and hold addresses, c= placement, replace options, a=mid and
extmap, rtcp-mux, IPv6, branches, direction, ptime and codecs."""

from corpus_build import (A_ADDR, B_ADDR, C_ADDR, A6, B6, media, audio, video, sdp, bsdp, offer,
                           answer, delete, case, oa)


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
