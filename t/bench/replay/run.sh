#!/bin/bash
# t/bench/replay/run.sh: the field replay of issue 12 in the qemu guest.
# The pool simulator's trace generator (t/bench/pool/trace.c, through
# replay_trace) makes the call schedule for the seed; the guest
# (guest.sh) runs `rtprelay --table=0` with nft_rtprelay and driver.py
# replays it over ng for REPLAY_LOAD_S, then no new calls for
# REPLAY_OBSERVE_S; the reference model (ref_model.c) runs on the same
# trace on the host; report.py writes RESULTS.md from the raw files, which
# are kept in t/bench/replay/results/.
# Environment: REPLAY_RATE (calls/s, 3), REPLAY_LOAD_S (660), REPLAY_OBSERVE_S
# (360), REPLAY_SEED (1), REPLAY_LONG (fraction of 1-8 h calls, 0.03),
# REPLAY_SHARDS (the daemon's --shared-memory-shard-size in KiB, one guest
# boot each, "64 1024": see RESULTS.md for why 64 besides the default),
# REPLAY_PROBE_RATES (calls/s tried for REPLAY_PROBE_S=60 s each before the
# replay, in the first boot only: the ng latency at higher rates, "4 8"),
# REPLAY_CPUS (guest vCPUs, 2), REPLAY_RESULTS (the report, default
# t/bench/replay/RESULTS.md; the raw files go beside it into
# results/shard<KiB>/), REPLAY_OTHER (what else ran on the host).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=$top/build/replay
rate=${REPLAY_RATE:-3} load=${REPLAY_LOAD_S:-660} observe=${REPLAY_OBSERVE_S:-360}
seed=${REPLAY_SEED:-1} long=${REPLAY_LONG:-0.03} shards=${REPLAY_SHARDS:-64 1024}
probe=${REPLAY_PROBE_RATES-4 8}
report=${REPLAY_RESULTS:-$here/RESULTS.md}
raw=$(dirname "$report")/results
cd "$top"

read -r kver kroot < <(t/kernel/setup-kernel.sh) || exit 1
make --no-print-directory -C kernel-module KDIR=/usr/src/linux-headers-$kver >/dev/null || exit 1
make --no-print-directory BUILD=. -C lib >/dev/null && make --no-print-directory BUILD=. -C daemon >/dev/null || exit 1
cc -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -Iinclude -Ilib \
	-It/bench/pool -o "$out/replay_trace" "$here/replay_trace.c" t/bench/pool/trace.c \
	t/bench/pool/ref_model.c -lm || exit 1

targs=(-r "$rate" -L "$load" -s "$seed" -l "$long")
fail=0
for kib in $shards; do
	mkdir -p "$out/results" "$raw/shard$kib"
	rm -f "$out"/results/*
	"$out/replay_trace" schedule "${targs[@]}" > "$out/results/schedule.txt" || exit 1
	echo "replay: seed $seed, $rate calls/s for $load s, then $observe s without new calls;" \
		"$(grep -vc '^#' "$out/results/schedule.txt") calls"
	{
		printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		printf 'commit\t%s\n' "$(git describe --always --dirty 2>/dev/null || echo unknown)"
		printf 'host_loadavg\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
		printf 'host_cpus\t%s\n' "$(nproc)"
		printf 'host_cpu_model\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
		printf 'other_work\t%s\n' "${REPLAY_OTHER:-not stated}"
		printf 'trace_args\t%s\n' "${targs[*]}"
		printf 'observe_s\t%s\n' "$observe"
		printf 'shard_kib\t%s\n' "$kib"
		printf 'probe_s\t%s\n' "${REPLAY_PROBE_S:-60}"
	} > "$out/results/run.tsv"
	"$out/replay_trace" ref "${targs[@]}" > "$out/results/ref.tsv" || exit 1

	cat > "$out/guest-run.sh" <<-EOT
	export REPLAY_OUT="$out/results" REPLAY_LOAD_S=$load REPLAY_OBSERVE_S=$observe REPLAY_SHARD_KIB=$kib
	export REPLAY_TRACE="$out/replay_trace" REPLAY_TRACE_ARGS="-s $seed -l $long"
	export REPLAY_PROBE_RATES="$probe" REPLAY_PROBE_S=${REPLAY_PROBE_S:-60}
	exec bash "$here/guest.sh"
	EOT
	start=$(date +%s)
	# the host's 1-minute load average every 30 s while the guest runs
	(while sleep 30; do cut -d' ' -f1 /proc/loadavg; done) > "$out/results/loadavg.txt" &
	lpid=$!
	t/kernel/run-in-vm.sh -q -n -r "$kroot" -K "$kver" -k kernel-module -c "${REPLAY_CPUS:-2}" -m 1024 \
		-t $((load + observe + 600)) -w "$out/results" -s "$out/guest-run.sh"
	vmrc=$?
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
	sort -n "$out/results/loadavg.txt" | awk '{ v[NR] = $1 } END { if (NR) printf "host_load_during\tmedian %s, max %s (%d readings, every 30 s)\n", v[int((NR + 1) / 2)], v[NR], NR }' >> "$out/results/run.tsv"
	printf 'guest_exit\t%s\nwall_s\t%s\nhost_loadavg_end\t%s\n' "$vmrc" "$(($(date +%s) - start))" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/results/run.tsv"
	[ -s "$out/results/samples.tsv" ] || { echo "replay: no samples" >&2; fail=1; continue; }
	rm -f "$raw/shard$kib"/*
	cp "$out"/results/{run,setup,after,summary,ref}.tsv "$out/results/samples.tsv" "$raw/shard$kib/"
	cp "$out/results/daemon-warnings.txt" "$out/results/probe.tsv" "$raw/shard$kib/" 2>/dev/null
	probe= # once
done
python3 "$here/report.py" "$report" "$raw"/shard* || fail=1
exit $fail
