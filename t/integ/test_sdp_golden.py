"""Golden SDP cases: offer/answer through the daemon, output compared with
what rtpengine 10.5 produced for the same input (see golden.py for the
masking rules and how to regenerate).

Every case runs on its own call-id. Steps are (command, input, expected
output, options); A is the offerer (from-tag "A"), B the answerer
(to-tag "B"). Plain RTP only.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402
import golden  # noqa: E402

_seq = [0]


def d4():
    """Shared daemon with one IPv4 interface, 127.0.0.1."""
    return daemon.shared("v4", media_ports=500)


def d46():
    """Shared daemon with an IPv4 and an IPv6 interface (127.0.0.1, ::1)."""
    return daemon.shared("v46", interfaces=["127.0.0.1", "::1"], media_ports=200)


def new_call(name):
    _seq[0] += 1
    return "golden-%s-%d-%d" % (name, os.getpid(), _seq[0])


def O(inp, out, **kw):  # noqa: E743 - short names make the case table readable
    return ("offer", inp, out, kw)


def A(inp, out, **kw):
    return ("answer", inp, out, kw)


def run_case(d, name, steps, mask_origin=(), call_id=None):
    """Run the steps on one call; compare each reply's SDP with its golden.
    Returns the call-id (for follow-up queries)."""
    c = d.ng
    call = call_id or new_call(name)
    for i, (cmd, inp, out, kw) in enumerate(steps, 1):
        sdp = golden.read(inp)
        what = "%s step %d (%s of %s.sdp)" % (name, i, cmd, inp)
        if cmd == "offer":
            r = c.offer(sdp, call, "A", check=False, **kw)
        else:
            r = c.answer(sdp, call, "A", "B", check=False, **kw)
        check.eq(r.get("result"), "ok", what + ": result (reply %r)" % (r,))
        check.true("sdp" in r, what + ": reply has sdp", r)
        golden.compare(r["sdp"], out, mask_origin=mask_origin, what=what)
    return call


def basic_steps(prefix, oin="basic-g711.offer.in", ain="basic-g711.answer.in", offer_kw=None, answer_kw=None):
    return [O(oin, prefix + ".offer.out", **(offer_kw or {})),
            A(ain, prefix + ".answer.out", **(answer_kw or {}))]


# ---------------------------------------------------------------- cases

def test_basic_g711():
    # static payload types without rtpmap: the daemon adds a=rtpmap,
    # a=sendrecv and a=rtcp:, and moves c= to its interface
    run_case(d4(), "basic-g711", basic_steps("basic-g711"))


def test_codecs_dtmf_ptime():
    run_case(d4(), "codecs-dtmf-ptime", basic_steps(
        "codecs-dtmf-ptime", "codecs-dtmf-ptime.offer.in", "codecs-dtmf-ptime.answer.in"))


def test_audio_video():
    run_case(d4(), "audio-video", basic_steps("audio-video", "audio-video.offer.in", "audio-video.answer.in"))


def test_rejected_media_kept():
    # B rejects video with port 0: the m=video line stays, port 0, toward A
    run_case(d4(), "rejected-media", basic_steps("rejected-media", "audio-video.offer.in",
                                                 "rejected-media.answer.in"))


def test_direction_attributes():
    run_case(d4(), "direction", basic_steps("direction", "direction.offer.in", "direction.answer.in"))


def test_hold_c_zero():
    # established call, then A re-offers hold with c=0.0.0.0 + a=sendonly
    run_case(d4(), "hold", basic_steps("hold") + [
        O("hold.reoffer.in", "hold.reoffer.out"),
        A("hold.reanswer.in", "hold.reanswer.out")])


def test_session_vs_media_connection():
    run_case(d4(), "session-media-c", basic_steps(
        "session-media-c", "session-media-c.offer.in", "session-media-c.answer.in"))


def test_replace_origin_session_connection():
    kw = {"replace": ["origin", "session-connection"]}
    run_case(d4(), "replace-origin", basic_steps("replace-origin", offer_kw=kw, answer_kw=kw))


def test_replace_sdp_version():
    # same body re-offered: version kept; changed body with the same o=
    # version: the daemon bumps the version; the changed body again: kept
    kw = {"replace": ["sdp-version"]}
    run_case(d4(), "sdp-version", basic_steps("sdp-version", offer_kw=kw, answer_kw=kw) + [
        O("basic-g711.offer.in", "sdp-version.reoffer-same.out", **kw),
        O("sdp-version.reoffer-changed.in", "sdp-version.reoffer-changed.out", **kw),
        O("sdp-version.reoffer-changed.in", "sdp-version.reoffer-changed-again.out", **kw)])


def _endpoints(d, call):
    """'tag media-index stream-index address port' lines from query."""
    q = d.ng.query(call)
    lines = []
    for tag in sorted(q.get("tags", {})):
        for m in q["tags"][tag].get("medias", []):
            for si, s in enumerate(m.get("streams", [])):
                ep = s.get("endpoint", {})
                if not ep.get("address"):
                    continue  # e.g. rtpengine's "<untagged 1>" placeholder side
                lines.append("%s %s %d %s %s" % (tag, m.get("index"), si, ep.get("address"), ep.get("port")))
    return "\n".join(lines) + "\n"


def test_trust_address_vs_received_from():
    # The SDP says 198.51.100.1; the SIP packet came from 192.0.2.200.
    # Output SDPs are the same in all three; the learned endpoint differs.
    d = d4()
    rf = {"received_from": ["IP4", "192.0.2.200"]}
    out = []
    for label, flags in (("default", []), ("trust-address", ["trust-address"]),
                         ("SIP-source-address", ["SIP-source-address"])):
        kw = dict(rf, flags=flags) if flags else dict(rf)
        call = run_case(d, "received-from-" + label, [O("basic-g711.offer.in", "received-from.offer.out", **kw)])
        out.append("# %s\n%s" % (label, _endpoints(d, call)))
    golden.write_text("received-from.endpoints.txt", "".join(out))


def test_ice_remove():
    kw = {"ICE": "remove"}
    run_case(d4(), "ice-remove", basic_steps("ice-remove", "ice.offer.in", "ice.answer.in", kw, kw))


def test_ipv6_offer():
    run_case(d46(), "ipv6", basic_steps("ipv6", "ipv6.offer.in", "ipv6.answer.in"))


def test_address_family_v4_to_v6_and_back():
    # A is IPv4, B is IPv6: the offer toward B gets ::1; the answer toward
    # A gets 127.0.0.1 again without being told (A's side keeps its family)
    run_case(d46(), "af-4to6", basic_steps(
        "af-4to6", "basic-g711.offer.in", "ipv6.answer.in",
        offer_kw={"extra": {"address family": "IP6"}}))


def test_address_family_v6_to_v4_and_back():
    run_case(d46(), "af-6to4", basic_steps(
        "af-6to4", "ipv6.offer.in", "basic-g711.answer.in",
        offer_kw={"extra": {"address family": "IP4"}}))


def test_rtcp_mux_demux():
    kw = {"rtcp_mux": ["demux"]}
    run_case(d4(), "rtcp-mux-demux", basic_steps("rtcp-mux-demux", "rtcp-mux.offer.in", "rtcp-mux.answer.in",
                                                 offer_kw=kw))


def test_rtcp_mux_offered_default():
    # the same offer without options, for contrast with demux
    run_case(d4(), "rtcp-mux-default", basic_steps("rtcp-mux-default", "rtcp-mux.offer.in",
                                                   "rtcp-mux.answer.in"))


def test_rtcp_attribute_present():
    run_case(d4(), "rtcp-attr", basic_steps("rtcp-attr", "rtcp-attr.offer.in", "rtcp-attr.answer.in"))


def test_lf_only_input():
    run_case(d4(), "lf-only", basic_steps("lf-only", "lf-only.offer.in", "lf-only.answer.in"))


# rtpp_flags: the single-string form newer Kamailio modules send. rtpengine
# 10.5 does not know the key (it logs "Unknown dictionary key encountered:
# 'rtpp_flags'" and ignores it), so these compare rtprelay against the
# goldens of the structured form of the same request.

def _rtpp(case, oin, ain, offer_flags, answer_flags, golden_prefix):
    if golden.UPDATE:
        check.skip("rtpp_flags cases reuse the goldens of the structured cases")
    check.only("rtprelay")
    run_case(d4(), case, basic_steps(golden_prefix, oin, ain,
                                     offer_kw={"rtpp_flags": offer_flags},
                                     answer_kw={"rtpp_flags": answer_flags}))


def test_rtpp_flags_replace():
    _rtpp("rtpp-replace", "basic-g711.offer.in", "basic-g711.answer.in",
          "replace-origin replace-session-connection", "replace-origin replace-session-connection",
          "replace-origin")


def test_rtpp_flags_ice_remove():
    _rtpp("rtpp-ice", "ice.offer.in", "ice.answer.in", "ICE=remove", "ICE=remove", "ice-remove")


def test_rtpp_flags_rtcp_mux_demux():
    _rtpp("rtpp-demux", "rtcp-mux.offer.in", "rtcp-mux.answer.in", "rtcp-mux-demux", "", "rtcp-mux-demux")


def test_rtpp_flags_sdp_version():
    if golden.UPDATE:
        check.skip("rtpp_flags cases reuse the goldens of the structured cases")
    check.only("rtprelay")
    kw = {"rtpp_flags": "replace-sdp-version"}
    run_case(d4(), "rtpp-sdp-version", basic_steps("sdp-version", offer_kw=kw, answer_kw=kw) + [
        O("basic-g711.offer.in", "sdp-version.reoffer-same.out", **kw),
        O("sdp-version.reoffer-changed.in", "sdp-version.reoffer-changed.out", **kw),
        O("sdp-version.reoffer-changed.in", "sdp-version.reoffer-changed-again.out", **kw)])


def test_rtpp_flags_received_from():
    # SIP-source-address given as rtpp_flags must pick the received-from
    # address, as in the structured case
    if golden.UPDATE:
        check.skip("compares with received-from.endpoints.txt")
    check.only("rtprelay")
    d = d4()
    call = run_case(d, "rtpp-received-from", [O("basic-g711.offer.in", "received-from.offer.out",
                                                received_from=["IP4", "192.0.2.200"],
                                                rtpp_flags="SIP-source-address")])
    got = _endpoints(d, call)
    with open(os.path.join(golden.GOLDEN_DIR, "received-from.endpoints.txt")) as f:
        exp = f.read().split("# SIP-source-address\n", 1)[1]
    check.eq(got, exp, "endpoints with rtpp_flags SIP-source-address")
