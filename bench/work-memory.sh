#!/bin/bash
# Peak RSS per worker for every work type (a small group, 1 s each), as the
# worker records report it.  The CpuSpin goal is <= 2048 kB.
set -eu
cd "$(dirname "$0")/.."
BIN=${KTSTR_BIN:-$PWD/bin}
SECS=${SECS:-1}

printf '%-16s %8s %8s\n' type workers max_rss_kb
while read -r type n params; do
	args=()
	for p in $params; do args+=(--param "$p"); done
	kb=$("$BIN/ktstr-work" -t "$type" -n "$n" -d "${SECS}s" "${args[@]}" </dev/null |
		jq -s '[.[] | select(.type == "worker") | .rss_kb] | max')
	printf '%-16s %8s %8s\n' "$type" "$n" "$kb"
done <<'TYPES'
CpuSpin 2
YieldHeavy 2
Mixed 2
IoSync 2
Bursty 2
PipeIo 2
FutexPingPong 2
CachePressure 2
CacheYield 2
CachePipe 2
FutexFanOut 5
ForkExit 2
NiceSweep 2
AffinityChurn 2
PolicyChurn 2
FanOutCompute 5
PageFaultChurn 2
MutexContention 4
TYPES
