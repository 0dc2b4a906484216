#!/bin/sh
# Prints what a benchmark run's figures depend on, as "meta<TAB>key<TAB>value"
# lines for the raw result files under t/bench/results/: when, on what
# machine, which versions, and how busy the machine was right before the run
# (run this first, before starting anything). Usage: meta.sh [RTPRELAY]
top=$(cd "$(dirname "$0")/../.." && pwd)
rtprelay=${1:-$top/daemon/rtprelay}

meta() { printf 'meta\t%s\t%s\n' "$1" "$2"; }

meta date "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
meta loadavg "$(cut -d' ' -f1-3 /proc/loadavg)"
meta host "$(uname -n)"
meta cpus "$(nproc)"
meta cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
meta kernel "$(uname -sr)"
meta mem_total "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
# the binary's own version (set when it was built), and the tree's: dirty
# only for changes outside the benchmark's own output
meta rtprelay "$("$rtprelay" --version 2>/dev/null | sed -n 's/^Version: //p' | head -1)"
meta rtprelay_binary "$rtprelay"
tree=$(cd "$top" && git describe --tags --always 2>/dev/null || echo unknown)
if [ -n "$(cd "$top" && git status --porcelain --untracked-files=no -- . \
	':(exclude)t/bench/RESULTS.md' ':(exclude)t/bench/results' 2>/dev/null)" ]; then
	tree=$tree-dirty
fi
meta tree "$tree"
meta nice "$(nice)"
meta rtpengine "$(dpkg-query -W -f='${Version}' rtpengine-daemon 2>/dev/null || echo 'not installed')"
