#!/bin/bash
# Benchmark: ktstr-hst capture against ps(1) over the same threads.
#
# Starts 2000 extra sleeping threads (t/helpers/hst-threads), then times,
# alternately, "ktstr-hst capture" and "ps -eLo pid,tid,comm,stat,nlwp,psr,pri,ni,time"
# RUNS times each and prints the medians and their ratio.  ps reads stat,
# status and cmdline of each thread; capture reads stat, schedstat, status,
# io, sched and cgroup, plus each cgroup's counters, and compresses the result.
#
# Environment: KTSTR_BIN, KTSTR_HELPER_DIR (set by make bench), RUNS (default 11),
# THREADS (default 2000).  Exits 1 if the median capture takes over 1 s.
set -eu

bin=${KTSTR_BIN:-$(dirname "$0")/../bin}
helpers=${KTSTR_HELPER_DIR:-$(dirname "$0")/../build/t/helpers}
runs=${RUNS:-11}
threads=${THREADS:-2000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-hst-bench.XXXXXX")
helper=

cleanup() {
	[ -n "$helper" ] && kill "$helper" 2>/dev/null && wait "$helper" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for cmd in "$bin/ktstr-hst" "$helpers/hst-threads" ps; do
	command -v "$cmd" >/dev/null ||
		{ echo "hst-capture.sh: '$cmd' is missing; run 'make' (and 'make deps' for ps)" >&2; exit 3; }
done

"$helpers/hst-threads" "$threads" >"$tmp/ready" &
helper=$!
for _ in $(seq 100); do
	grep -q ready "$tmp/ready" && break
	sleep 0.1
done
grep -q ready "$tmp/ready" || { echo "hst-capture.sh: hst-threads did not start" >&2; exit 3; }

now_us() {
	local t=$EPOCHREALTIME
	echo "${t/./}"
}

median() {
	sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

: >"$tmp/cap" >"$tmp/ps"
for _ in $(seq "$runs"); do
	t0=$(now_us)
	"$bin/ktstr-hst" capture -o "$tmp/s.hst.zst" 2>"$tmp/cap.err"
	t1=$(now_us)
	ps -eLo pid,tid,comm,stat,nlwp,psr,pri,ni,time >"$tmp/ps.out"
	t2=$(now_us)
	echo $((t1 - t0)) >>"$tmp/cap"
	echo $((t2 - t1)) >>"$tmp/ps"
done

cap_us=$(median <"$tmp/cap")
ps_us=$(median <"$tmp/ps")
cap_threads=$(zstd -dc "$tmp/s.hst.zst" | jq '.counts.threads')
workers=$(zstd -dc "$tmp/s.hst.zst" | jq '.counts.workers')
ps_threads=$(($(wc -l <"$tmp/ps.out") - 1))
awk -v c="$cap_us" -v p="$ps_us" -v n="$runs" -v ct="$cap_threads" -v pt="$ps_threads" \
	-v w="$workers" -v sz="$(stat -c %s "$tmp/s.hst.zst")" -v cpus="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "threads: capture %d, ps %d; %d CPUs, load %s, capture workers %d\n", ct, pt, cpus, load, w
	printf "median of %d runs: ktstr-hst capture %.1f ms, ps %.1f ms\n", n, c / 1000, p / 1000
	printf "ratio capture/ps: %.2f; snapshot %.0f KiB\n", c / p, sz / 1024
}'
if [ "$cap_us" -gt 1000000 ] 2>/dev/null || awk -v c="$cap_us" 'BEGIN {exit !(c > 1000000)}'; then
	echo "goal missed: capture took over 1 s" >&2
	exit 1
fi
echo "goal met: capture within 1 s"
