#!/bin/bash
# The wake path: PipeIo and FutexPingPong pairs with no spinning between
# exchanges, exchanges per second per worker (one write-and-read or one
# hand-off-and-wait each), against `perf bench sched pipe` round trips per
# second, alternating in the same rounds.  Two placements: free (the
# scheduler places both sides) and pinned (both sides on one CPU, which
# removes placement luck and leaves the cost of an exchange).  Prints the
# median ratios and the median p50 wake latency.  Goal: ratio >= 0.9.
set -eu
cd "$(dirname "$0")/.."
BIN=${KTSTR_BIN:-$PWD/bin}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
LOOPS=${LOOPS:-300000}
CPU=${CPU:-$(($(nproc) - 1))}
command -v perf >/dev/null || { echo "work-wake: needs perf (Debian linux-perf)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# "rate p50" of worker 0 of a pair: type, zeroed parameter, extra options
pair() {
	local type=$1 param=$2
	shift 2
	"$BIN/ktstr-work" -t "$type" -n 2 -d "${SECS}s" --param "$param=0" "$@" </dev/null |
		jq -r 'select(.type == "worker" and .index == 0) |
			"\(.iterations / .wall_time_ns * 1e9) \(.wake.p50_ns)"'
}

perf_rate() {
	"$@" perf bench sched pipe -l "$LOOPS" 2>/dev/null | awk '/ops\/sec/ { print $1 }'
}

for placement in free pinned; do
	if [ "$placement" = pinned ]; then
		pin=(taskset -c "$CPU") aff=(-a "$CPU")
	else
		pin=() aff=()
	fi
	f=$tmp/$placement
	for r in $(seq "$ROUNDS"); do
		p=$(perf_rate "${pin[@]}")
		read -r pr pl <<<"$(pair PipeIo burst_iters "${aff[@]}")"
		read -r fr fl <<<"$(pair FutexPingPong spin_iters "${aff[@]}")"
		printf '%s round %d: perf %.0f/s  PipeIo %.0f/s (p50 %s ns)  FutexPingPong %.0f/s (p50 %s ns)\n' \
			"$placement" "$r" "$p" "$pr" "$pl" "$fr" "$fl"
		echo "$(jq -n "$pr / $p") $(jq -n "$fr / $p") $pl $fl" >>"$f"
	done
	printf 'wake (%s): median PipeIo/perf = %.3f, FutexPingPong/perf = %.3f (goal >= 0.9)\n' \
		"$placement" "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)"
	printf 'wake (%s): median p50 wake latency PipeIo %s ns, FutexPingPong %s ns\n' \
		"$placement" "$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)"
done
