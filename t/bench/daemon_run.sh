# Sourced by the bench drivers (run_ng_bench.sh, run_media_bench.sh): a
# temporary directory with the run's metadata taken before anything of
# ours runs, and the stopping of the one relay process a driver has
# running. Set BENCH_NAME (used in messages and the directory's name) and
# RTPRELAY, and $here (t/bench), before sourcing.

tmp=$(mktemp -d "/tmp/$BENCH_NAME.XXXXXX")
# before anything of ours runs: the machine's load as others left it
"$here/meta.sh" "$RTPRELAY" > "$tmp/meta.tsv"
daemon_pid=
cleanup() {
	if [ -n "$daemon_pid" ]; then
		stop_daemon "$daemon_pid"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stop one process we started: TERM, up to 5 s, then KILL.
stop_daemon() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || { daemon_pid=; return 0; }
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$BENCH_NAME: pid $pid ignored SIGTERM for 5 s, killing" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	daemon_pid=
}
