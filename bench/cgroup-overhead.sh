#!/bin/bash
# ktstr-cgroup's own cost per scenario, on this machine's real cgroups (root):
# elapsed time beyond the planned timeline, setup (events at time 0),
# teardown (final stop to scenario_end) minus the time spent waiting for the
# consumer's workers to leave, lateness of timed ops, and the gap between
# scenarios.  The consumer is t/fixtures/cgroup/fake-work (sleep processes).
# Prints medians and maxima in milliseconds over ROUNDS rounds (default 5).
set -eu
cd "$(dirname "$0")/.."
: "${KTSTR_BIN:=$PWD/bin}"
PATH=$KTSTR_BIN:$PATH
rounds=${ROUNDS:-5}
[ "$(id -u)" -eq 0 ] || { echo "bench/cgroup-overhead.sh: needs root (cgroups)" >&2; exit 3; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
scenarios=(--scenario cgroup_steady/default --scenario cgroup_cpuset_apply_midrun/default
	--scenario nested_cgroup_task_move/default --scenario cgroup_rapid_churn/default
	--scenario nested_cgroup_rapid_churn/default --scenario sched_mixed/default)
for ((r = 0; r < rounds; r++)); do
	ktstr-topo | ktstr-cgroup run --duration 1s "${scenarios[@]}" |
		t/fixtures/cgroup/fake-work >>"$out"
done
jq -s -r '
  def ms: . / 1e6;
  def med: sort | .[length / 2 | floor];
  def row($name; $v): "\($name)\t\($v | med | ms | . * 100 | round / 100)\t\($v | max | ms | . * 100 | round / 100)";
  [.[] | select(.type == "scenario_begin" or .type == "scenario_end")] as $r
  | [range(0; $r | length; 2) | {b: $r[.], e: $r[. + 1]}] as $runs
  | [range(1; $runs | length) | $runs[.].b.t_ns - $runs[. - 1].e.t_ns] as $gaps
  | "runs: \($runs | length) (\([$runs[].b.name] | unique | length) scenarios x \($runs | length / ([$runs[].b.name] | unique | length)) rounds), error-free: \([$runs[] | select(.e.error == null)] | length)",
    "what (ms)\tmedian\tmax",
    row("elapsed - planned"; [$runs[] | .e.elapsed_ns - .b.length_ns]),
    row("setup"; [$runs[].e.setup_ns]),
    row("teardown"; [$runs[].e.teardown_ns]),
    row("teardown - drain wait"; [$runs[] | .e.teardown_ns - .e.drain_wait_ns]),
    row("max op lateness"; [$runs[].e.max_late_ns]),
    row("gap between scenarios"; $gaps)
' "$out" | column -t -s $'\t'
