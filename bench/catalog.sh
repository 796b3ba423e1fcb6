#!/bin/bash
# The whole catalog with one profile: `ktstr run --flags llc --duration 1`.
# Prints the total wall time and the PASS / FAIL / SKIP counts on this
# machine, then the failures.  Needs root.  Takes a few minutes.
set -eu
cd "$(dirname "$0")/.."
: "${KTSTR_BIN:=$PWD/bin}"
PATH=$KTSTR_BIN:$PATH
[ "$(id -u)" -eq 0 ] || { echo "bench/catalog.sh: needs root (cgroups)" >&2; exit 3; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$(date +%s%N)
ktstr run --flags "${FLAGS:-llc}" --duration "${DURATION:-1}" --json >"$out" || true
t1=$(date +%s%N)
jq -r --arg wall "$(((t1 - t0) / 1000000))" '
	"catalog (--flags llc, --duration 1): \(length) runs in \($wall | tonumber / 1000) s: " +
	"\([.[] | select(.passed and (.skipped | not))] | length) PASS, " +
	"\([.[] | select(.passed | not)] | length) FAIL, \([.[] | select(.skipped)] | length) SKIP",
	(.[] | select(.passed | not) | "  FAIL \(.scenario_name): \(.details | map(.message) | join("; "))")' "$out"
