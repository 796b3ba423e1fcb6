#!/bin/bash
# ktstr-work's overhead on pure CPU work: CpuSpin work units per CPU-second
# under ktstr-work (every checkpoint, shared-memory publishing) against the
# same unit (lib/spin.h) in a bare loop (bench/spin_bare.c), alternating on
# the same CPU, ROUNDS times.  Prints each pair and the median ratio.
# Goal: ratio >= 0.98.
set -eu
cd "$(dirname "$0")/.."
BIN=${KTSTR_BIN:-$PWD/bin}
ROUNDS=${ROUNDS:-7}
SECS=${SECS:-3}
CPU=${CPU:-$(( $(nproc) - 1 ))}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc -O2 -Ilib -o "$tmp/spin_bare" bench/spin_bare.c

ratios=()
for r in $(seq "$ROUNDS"); do
	bare=$(taskset -c "$CPU" "$tmp/spin_bare" "$SECS" | jq '.work_units / .cpu_time_ns * 1e9')
	work=$("$BIN/ktstr-work" -t CpuSpin -n 1 -d "${SECS}s" -a "$CPU" </dev/null |
		jq 'select(.type == "worker") | .work_units / .cpu_time_ns * 1e9')
	ratio=$(jq -n "$work / $bare")
	ratios+=("$ratio")
	printf 'round %d: bare %.0f units/cpu-s, ktstr-work %.0f units/cpu-s, ratio %.4f\n' \
		"$r" "$bare" "$work" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
printf 'overhead: median ratio ktstr-work/bare = %.4f over %d rounds (goal >= 0.98)\n' \
	"$median" "$ROUNDS"
