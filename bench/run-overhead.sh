#!/bin/bash
# Harness overhead of `ktstr run` per scenario: the wall time of
#   ktstr run --scenario cgroup_steady --flags llc --duration D
# minus D, over ROUNDS rounds (default 7); prints the median and the maximum.
# Target (issue 5): <= 150 ms.  Needs root (cgroups).
set -eu
cd "$(dirname "$0")/.."
: "${KTSTR_BIN:=$PWD/bin}"
PATH=$KTSTR_BIN:$PATH
rounds=${ROUNDS:-7}
dur=${DURATION:-2}
[ "$(id -u)" -eq 0 ] || { echo "bench/run-overhead.sh: needs root (cgroups)" >&2; exit 3; }
over=()
for ((r = 0; r < rounds; r++)); do
	t0=$(date +%s%N)
	ktstr run --scenario cgroup_steady --flags llc --duration "$dur" --ndjson >/dev/null
	t1=$(date +%s%N)
	over+=($(((t1 - t0) / 1000000 - dur * 1000)))
done
printf '%s\n' "${over[@]}" | sort -n | awk -v d="$dur" '
	{ v[NR] = $1 }
	END { printf "ktstr run overhead per scenario (D=%ss, %d rounds): median %d ms, max %d ms (target <= 150 ms)\n",
		d, NR, v[int((NR + 1) / 2)], v[NR] }'
