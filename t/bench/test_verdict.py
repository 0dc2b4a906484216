#!/usr/bin/env python3
"""Checks of the benchmark verdict logic (t/bench/verdict.py), run by
`make -C t unit`: no benchmark runs, well under a second."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verdict  # noqa: E402

failures = 0


def check(what, got, want):
    global failures
    if got != want:
        failures += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


# Loads 1000 vs 1100 are 9% apart: no ratio verdict at all.
st, line = verdict.judge("x >= 2y", "3000", "1000", "1000", "1100", ">=", 2)
check("1000 vs 1100 status", st, "not comparable")
check("1000 vs 1100 line", line.startswith("not comparable"), True)
check("1000 vs 1100 has no ratio", "= 3.00" in line, False)

# 1000 vs 1010 is within 2%: judged, both ways.
st, _ = verdict.judge("x >= 2y", "3000", "1000", "1000", "1010", ">=", 2)
check("1000 vs 1010 met", st, "met")
st, _ = verdict.judge("x >= 2y", "1500", "1000", "1010", "1000", ">=", 2)
check("1010 vs 1000 missed", st, "MISSED")

# The edge of the tolerance: 2% apart is comparable, 2.1% is not.
check("2% apart", verdict.same_load("1000", "980"), True)
check("2.1% apart", verdict.same_load("1000", "979"), False)

# Numbers, not strings: "9" < "10", and a ratio of 9/10 is below 1.
check("9 < 10", verdict.num("9") < verdict.num("10"), True)
st, _ = verdict.judge("a < b", "9", "10", "1", "1", "<", 1)
check("9/10 < 1", st, "met")
st, _ = verdict.judge("a >= 2b", "10", "9", "1", "1", ">=", 2)
check("10/9 >= 2", st, "MISSED")
st, _ = verdict.judge("a <= 1.2b", "10.5", "9", "50000", "50000", "<=", 1.2)
check("10.5/9 <= 1.2", st, "met")

# Missing figures and loads never produce a verdict.
st, _ = verdict.judge("t", "-", "10", "1", "1", ">=", 1)
check("missing figure", st, "no figures")
st, _ = verdict.judge("t", "10", "0", "1", "1", ">=", 1)
check("zero divisor", st, "no figures")
st, _ = verdict.judge("t", "10", "5", "-", "1", ">=", 1)
check("missing load", st, "not comparable")
check("nan is no number", verdict.num("nan"), None)
check("ratio of text", verdict.ratio("abc", "1"), None)

# The reports apply it: a media row under another offered load gets no
# ratio, and the ng target is judged only at equal concurrency and work.
import report_media  # noqa: E402
import report_ng  # noqa: E402


def cell(n, cfg, **kv):
    return [["cell", n, cfg, k, str(v)] for k, v in kv.items()]


media = []
for cfg, offered, us in (("fwd-t1", 1000, 10), ("rtprelay-t1", 1010, 9),
                         ("rtpengine-t1", 1100, 20)):
    media += cell("500", cfg, status="ok", target_pps=1000, offered_pps=offered,
                  delivered_pps=offered, loss_pct="0.000", daemon_us_per_pkt=us,
                  lat_p50_us=50, gen_cpu_pct=30)
text = report_media.render({"cpus": "2"}, media)
check("media: 1010 vs 1000 judged", "target met: N=500 rtprelay-t1 CPU/pkt <= 1.2x fwd-t1" in text,
      True)
check("media: 1010 vs 1100 not comparable",
      "not comparable: N=500 rtprelay-t1 CPU/pkt <= 0.6x rtpengine-t1" in text, True)
check("media: 2 CPUs cannot show scaling", "not measurable here: 2 threads vs 1" in text, True)

# SRTP rows are judged against rtpengine doing the same conversion, under
# the same offered load only; their plain rows give the "x plain" ratio.
srtp_rows = []
for cfg, offered, us, loss in (("rtprelay-t1", 1000, 4, "0.000"), ("rtpengine-t1", 1000, 10, "0.000"),
                               ("rtprelay-srtp2rtp-t1", 1005, 5, "0.000"),
                               ("rtpengine-srtp2rtp-t1", 1000, 12, "0.000"),
                               ("rtprelay-rtp2srtp-t1", 1000, 5, "0.500"),
                               ("rtpengine-rtp2srtp-t1", 1100, 6, "0.000")):
    srtp_rows += cell("500", cfg, status="ok", target_pps=1000, offered_pps=offered,
                      delivered_pps=offered, loss_pct=loss, daemon_us_per_pkt=us,
                      gen_cpu_pct=30, srtp_auth_failed=5 if loss != "0.000" else 0)
text = report_media.render({"cpus": "2", "media_srtp": "1"}, srtp_rows)
check("srtp: 5 vs 12 us/pkt at 1005 vs 1000 judged against the same conversion",
      "target met: N=500 rtprelay-srtp2rtp-t1 CPU/pkt <= 0.6x rtpengine-srtp2rtp-t1's" in text,
      True)
check("srtp: 1000 vs 1100 not comparable",
      "not comparable: N=500 rtprelay-rtp2srtp-t1 CPU/pkt <= 0.6x rtpengine-rtp2srtp-t1's"
      in text, True)
check("srtp: loss not judged across loads",
      "not comparable: N=500 rtprelay-rtp2srtp-t1 loses no packet" in text, True)
check("srtp: loss judged at the same load",
      "target met: N=500 rtprelay-srtp2rtp-t1 loses no packet" in text, True)
check("srtp: vs plain at the same load",
      "N=500 SRTP->RTP vs plain relaying (rtprelay-srtp2rtp-t1): 5 / 4 us/pkt = 1.25" in text,
      True)
check("srtp: x rtpengine column uses the same conversion",
      "| 500 | rtprelay-srtp2rtp-t1 | - | 1000 | 1005 | 1005 | - | 0.000 | - | - | - | 5 | - | 0.42 "
      "| 1.25 |"
      in text, True)
check("srtp: authentication failures noted", "5 packets failed SRTP authentication" in text,
      True)
check("srtp: no model line when the generator kept up", "not measurable here: N=500 SRTP" in text,
      False)
# a generator that fell short of the asked rate: not measurable, with the model
short = [r if r[2:4] != ["rtprelay-srtp2rtp-t1", "offered_pps"] else r[:4] + ["600"]
         for r in srtp_rows]
text = report_media.render({"cpus": "2", "media_srtp": "1"}, short)
check("srtp: generator short of the asked rate",
      "not measurable here: N=500 SRTP->RTP at the asked 1000 pkt/s" in text, True)

# A saturated rtpengine row (CPU >= 90% of its threads, or p50 > 100 ms)
# gets a caveat naming it; the verdict itself is computed as before.
sat = []
for cfg, cpu, p50, us in (("rtprelay-t1", 30, 150, 4), ("rtpengine-t1", 95.0, 900, 19),
                          ("rtprelay-srtp2rtp-t1", 40, 200, 8),
                          ("rtpengine-srtp2rtp-t1", 60, 250000, 10),
                          ("rtprelay-rtp2srtp-t1", 40, 200, 8),
                          ("rtpengine-rtp2srtp-t1", 89.9, 100000, 10),
                          ("rtprelay-t2", 30, 150, 4), ("rtpengine-t2", 170, 900, 12)):
    sat += cell("1000", cfg, status="ok", target_pps=1000, offered_pps=1000,
                delivered_pps=1000, loss_pct="0.000", daemon_us_per_pkt=us,
                daemon_cpu_pct=cpu, lat_p50_us=p50, gen_cpu_pct=30,
                relayed_pps=900 if cpu == 95.0 else 1000,
                daemon_us_per_offered_pkt="17.100" if cpu == 95.0 else us)
text = report_media.render({"cpus": "2", "media_srtp": "1"}, sat)


def verdict_line(start):
    found = [ln for ln in text.splitlines() if ln.startswith(start)]
    return found[0] if found else ""


v = verdict_line("target met: N=1000 rtprelay-t1 CPU/pkt <= 0.6x rtpengine-t1's: 4 / 19")
check("saturation: CPU 95% of 1 thread named",
      "caveat: rtpengine-t1 was saturated (CPU 95.0% of 1 thread): it relayed 900 of the 1000 "
      "pkt/s offered in the window, so its us/pkt is 19 per packet relayed (17.100 per packet "
      "offered)" in v, True)
v = verdict_line("target MISSED: N=1000 rtprelay-srtp2rtp-t1 CPU/pkt <= 0.6x "
                 "rtpengine-srtp2rtp-t1's")
check("saturation: verdict still computed (8 / 10 = 0.80 missed)", "= 0.80" in v, True)
check("saturation: p50 250 ms named",
      "rtpengine-srtp2rtp-t1 was saturated (p50 latency 250000 us > 100 ms)" in v, True)
v = verdict_line("target MISSED: N=1000 rtprelay-rtp2srtp-t1 CPU/pkt <= 0.6x")
check("saturation: 89.9% of 1 thread and p50 of exactly 100 ms are not saturated",
      v != "" and "saturated" not in v, True)
v = verdict_line("target met: N=1000 rtprelay-t2 CPU/pkt <= 0.6x rtpengine-t2's")
check("saturation: 170% of 2 threads is not saturated", v != "" and "saturated" not in v, True)
v = verdict_line("N=1000 SRTP->RTP vs plain relaying (rtprelay-srtp2rtp-t1): 8 / 4")
check("saturation: no caveat where no row was saturated", v != "" and "saturated" not in v,
      True)

# The vs-plain line splits the relay's CPU into user and system time and
# packets per wake-up when media_load measured them.
split = list(sat)
split += cell("1000", "rtprelay-srtp2rtp-t1", daemon_user_us_per_pkt="2.50",
              daemon_sys_us_per_pkt="5.50", daemon_pkts_per_wakeup="4.20")
split += cell("1000", "rtprelay-t1", daemon_user_us_per_pkt="1.25",
              daemon_sys_us_per_pkt="2.75", daemon_pkts_per_wakeup="8.00")
text = report_media.render({"cpus": "2", "media_srtp": "1"}, split)
v = verdict_line("N=1000 SRTP->RTP vs plain relaying (rtprelay-srtp2rtp-t1): 8 / 4")
check("split: user, system and wake-ups named",
      "; user 2.50 vs 1.25 us/pkt, system 5.50 vs 2.75 us/pkt, 4.2 vs 8.0 packets per wake-up"
      in v, True)
v = verdict_line("N=1000 SRTP->RTP vs plain relaying (rtpengine-srtp2rtp-t1)")
check("split: not named without the figures", v != "" and "user" not in v, True)
# a relay that never slept in the window: user and system, no wake-ups
split = [r for r in split if not (r[2] == "rtprelay-t1" and r[3] == "daemon_pkts_per_wakeup")]
text = report_media.render({"cpus": "2", "media_srtp": "1"}, split)
v = verdict_line("N=1000 SRTP->RTP vs plain relaying (rtprelay-srtp2rtp-t1): 8 / 4")
check("split: no wake-ups where one row never slept",
      v.endswith("; user 2.50 vs 1.25 us/pkt, system 5.50 vs 2.75 us/pkt"), True)

ng = []
for name, done, cps in (("rtprelay", 1000, 9), ("rtpengine", 1000, 4)):
    ng += [[name, "load", "sequential", "closed-loop", "1", "1000", str(done)],
           [name, "row", "sequential: cycles/s", str(cps), "higher"],
           [name, "row", "sequential: cycle p99 (us)", "10" if name == "rtprelay" else "9",
            "lower"],
           [name, "status", "ok"]]
text = report_ng.render({"cpus": "2"}, ng)
check("ng: 9 vs 4 cycles/s met (not a string compare)",
      "target met: rtprelay >= 2x rtpengine cycles/s, sequential" in text, True)
check("ng: p99 10 vs 9 missed", "target MISSED: rtprelay cycle p99" in text, True)
ng[7][2] = "errors"
text = report_ng.render({"cpus": "2"}, ng)
check("ng: a run with errors is still judged", "target met: rtprelay >= 2x" in text, True)
ng[7][2] = "capped"
text = report_ng.render({"cpus": "2"}, ng)
check("ng: a capped run is not", "no verdict" in text and "target met" not in text, True)
ng[7][2] = "ok"
ng[0][6] = "1100"
ng[4][6] = "900"
text = report_ng.render({"cpus": "2"}, ng)
check("ng: 1100 vs 900 cycles done not comparable",
      "not comparable: rtprelay >= 2x rtpengine cycles/s, sequential" in text, True)

# The sustained rate of the ICE and DTLS benches: the highest offered rate
# with every check answered / handshake completed and ng p99 <= 10 ms.
import report_dtls  # noqa: E402
import report_ice  # noqa: E402

dt = {25: {"handshakes": "50", "completed": "50", "ng_ping_p99_us": "900",
           "completed_rate": "24.6"},
      50: {"handshakes": "100", "completed": "100", "ng_ping_p99_us": "9000",
           "completed_rate": "50.2"},
      100: {"handshakes": "200", "completed": "199", "ng_ping_p99_us": "900",
            "completed_rate": "100"},
      200: {"handshakes": "400", "completed": "400", "ng_ping_p99_us": "10001",
            "completed_rate": "200"},
      400: {"handshakes": "800", "completed": "800", "ng_ping_p99_us": "900",
            "completed_rate": "391"}}
check("dtls: one lost handshake, ng p99 over 10 ms, or all done but slower than offered "
      "is not sustained",
      report_dtls.sustained(dt)[0], 50)
dt[50]["status"] = "dtls_hs exited 1"
check("dtls: a step whose driver failed is not sustained", report_dtls.sustained(dt)[0], 25)
dt[25]["ng_ping_p99_us"] = "inf"
check("dtls: a lost ng ping is not sustained", report_dtls.sustained(dt), None)
ic = {1000: {"sent": "3000", "answered": "3000", "ng_ping_p99_us": "100"},
      5000: {"sent": "15000", "answered": "14999", "ng_ping_p99_us": "100"},
      9000: {"sent": "27000", "answered": "27000", "ng_ping_p99_us": "20000"}}
check("ice: one unanswered check or ng p99 over 10 ms is not sustained",
      report_ice.sustained(ic)[0], 1000)
text = report_dtls.render({"dtls_media_calls": "500"},
                          [["cell", "rtprelay", "25", k, v] for k, v in dt[25].items()] +
                          [["status", "rtpengine", "not installed"]])
check("dtls: render names the failure and the missing relay",
      "rtprelay: no offered rate" in text and "not installed" in text, True)

# Rows run several times (CFG@K): a row is its run of median us/pkt, but
# loss is judged run by run: a loss in any run where rtpengine's run of the
# same turn lost nothing misses the target, even if the median run lost none.
runs_rows = []
for cfg, losses in (("rtprelay-t1", ("0.000", "0.100", "0.000")),
                    ("rtpengine-t1", ("0.000", "0.000", "0.000"))):
    for k, (loss, us) in enumerate(zip(losses, (4, 9, 5)), 1):
        runs_rows += cell("500", "%s@%d" % (cfg, k), status="ok", target_pps=1000,
                          offered_pps=1000, delivered_pps=1000, loss_pct=loss,
                          daemon_us_per_pkt=us * (1 if cfg.startswith("rtprelay") else 3),
                          gen_cpu_pct=30)
text = report_media.render({"cpus": "2"}, runs_rows)
check("runs: the row is the median run (5 us/pkt of 4, 9, 5)",
      "rtprelay-t1 CPU/pkt <= 0.6x rtpengine-t1's: 5 / 15" in text, True)
check("runs: a loss in one run misses the loss target",
      "target MISSED: N=500 rtprelay-t1 loses no packet where rtpengine-t1 lost none: "
      "loss per run 0.000, 0.100, 0.000% vs 0.000, 0.000, 0.000%" in text, True)

if failures:
    print("test_verdict: %d failure(s)" % failures)
    sys.exit(1)
print("test_verdict: ok")
