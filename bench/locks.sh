#!/bin/bash
# Costs of CPU reservations, medians of repeated runs (this machine is shared
# and noisy; compare ratios, not absolutes):
#   1. ktstr-locks --json on an empty lock directory, and with 1024 per-CPU
#      lock files of which 256 are held (shared) by one process;
#   2. how long a waiting reservation (--lock-timeout) takes to notice that
#      the holder let go (it polls every 100 ms, so expect 0-100 ms).
# Needs the test helper: make unit (or make check) builds it.
set -eu
cd "$(dirname "$0")/.."
BIN=${KTSTR_BIN:-$PWD/bin}
HOLD=${KTSTR_HELPER_DIR:-$PWD/build/t/helpers}/reserve-hold
[ -x "$HOLD" ] || { echo "bench/locks.sh: $HOLD missing; run 'make unit' first" >&2; exit 3; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench-locks.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true # set -e must not cut the cleanup short
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export KTSTR_LOCK_DIR=$tmp/locks KTSTR_CACHE_DIR=$tmp/cache
mkdir -p "$KTSTR_LOCK_DIR"

now_ns() { date +%s%N; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

time_locks() {
	local i t0
	for i in $(seq 21); do
		t0=$(now_ns)
		"$BIN/ktstr-locks" --json >/dev/null
		echo $(( ($(now_ns) - t0) / 1000 ))
	done | median
}

echo "ktstr-locks --json, empty lock dir: $(time_locks) us (median of 21)"
for c in $(seq 0 1023); do : >"$KTSTR_LOCK_DIR/ktstr-cpu-$c.lock"; done
# one process holding 256 of them shared (/proc/locks names each flock(1) that took one)
bash -c 'for c in $(seq 0 255); do exec {fd}<"$0/ktstr-cpu-$c.lock"; flock -s $fd; done
	echo >"$0/../held"; exec sleep 600' "$KTSTR_LOCK_DIR" &
pids+=($!)
for i in $(seq 600); do [ -e "$tmp/held" ] && break; sleep 0.1; done
[ -e "$tmp/held" ] || { echo "bench/locks.sh: the holder never got its locks" >&2; exit 3; }
echo "ktstr-locks --json, 1024 lock files, 256 held: $(time_locks) us (median of 21)"
kill "$!"; wait "$!" 2>/dev/null || true
rm -f "$KTSTR_LOCK_DIR"/ktstr-cpu-*.lock

# 2. wake-up latency of a waiter after the holder exits
for i in $(seq 11); do
	"$HOLD" >"$tmp/a" 2>/dev/null &
	a=$!
	until [ -s "$tmp/a" ]; do sleep 0.01; done
	"$HOLD" --lock-timeout 60s >"$tmp/b" 2>/dev/null &
	b=$!
	sleep 0.3
	t0=$(now_ns)
	kill -INT "$a"; wait "$a"
	until [ -s "$tmp/b" ]; do sleep 0.002; done
	echo $(( ($(now_ns) - t0) / 1000000 ))
	kill -INT "$b"; wait "$b"
	: >"$tmp/a"; : >"$tmp/b"
done | median | sed 's/^/waiter gets the LLC after the holder exits: /; s/$/ ms (median of 11)/'
