"""Parity case families for secure media and WebRTC: SDES, ICE, sdp-attr
manipulation, DTLS-SRTP and AVPF."""

import base64

from corpus_build import A_ADDR, A6, B6, B_ADDR, answer, audio, bsdp, oa, offer, sdp, video


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
