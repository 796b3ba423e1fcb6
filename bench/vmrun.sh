#!/bin/bash
# ktstr run in a VM under a sched_ext scheduler, medians of $KTSTR_BENCH_RUNS runs:
#  1. the wall time of the acceptance run
#       ktstr run --kernel K --scheduler scx_simple --topology 1,2,2,1
#                 --filter cgroup_steady --flags llc --duration 5
#     (two scenarios of 5 s each, so about 10 s of it is measuring);
#  2. what the run itself adds: the same VM with 'ktstr-sched -- true'
#     (boot, attach, detach, power-off) against 'ktstr shell --exec true'.
# The kernel and schedulers come from mk/sched-kernel.sh (built on first use).
set -eu
cd "$(dirname "$0")/.."
bin=${KTSTR_BIN:-$PWD/bin}
runs=${KTSTR_BENCH_RUNS:-3}
out=$(KTSTR_BIN=$bin sh mk/sched-kernel.sh)
kernel=$(sed -n 's/^kernel //p' <<<"$out")
export KTSTR_SCHED_DIR=$(sed -n 's/^schedulers //p' <<<"$out")

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
: >"$tmp/run" >"$tmp/sched" >"$tmp/bare"
for _ in $(seq "$runs"); do
	t0=$(now)
	"$bin/ktstr" run --kernel "$kernel" --scheduler scx_simple --topology 1,2,2,1 \
		--filter cgroup_steady --flags llc --duration 5 --json >"$tmp/json"
	t1=$(now)
	"$bin/ktstr-vm" --kernel "$kernel" --topology 1,2,2,1 -i "$KTSTR_SCHED_DIR/scx_simple" \
		--exec 'ktstr-sched --scheduler /include-files/scx_simple -- true' >/dev/null
	t2=$(now)
	"$bin/ktstr-vm" --kernel "$kernel" --topology 1,2,2,1 --exec true
	t3=$(now)
	calc "$t1 - $t0" >>"$tmp/run"
	calc "$t2 - $t1" >>"$tmp/sched"
	calc "$t3 - $t2" >>"$tmp/bare"
done
echo "vmrun: acceptance run (2 scenarios x 5 s, scx_simple, 1,2,2,1): $(median <"$tmp/run") s median of $runs"
echo "vmrun: boot + attach + detach: $(median <"$tmp/sched") s; boot alone: $(median <"$tmp/bare") s"
