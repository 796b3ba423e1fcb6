#!/usr/bin/env bats
# CPU reservations wired into runs: concurrent ktstr-cgroup runs do not collide.

load helper
bats_require_minimum_version 1.5.0

setup() {
	require_root
	export KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/locks
	mkdir -p "$KTSTR_LOCK_DIR"
	unset KTSTR_NO_PERF_MODE KTSTR_CPU_CAP KTSTR_LOCK_TIMEOUT KTSTR_BYPASS_LLC_LOCKS
}

teardown() {
	[ -n "${bg:-}" ] && kill "$bg" 2>/dev/null && wait "$bg" 2>/dev/null
	true
}

# A run that holds its reservation for SECS seconds, in the background.
start_holder() {
	local secs=$1
	shift
	{ ktstr-topo | ktstr-cgroup run --scenario cgroup_steady --flags llc --duration "$secs" "$@" |
		"$FIXTURES/cgroup/fake-work" >/dev/null; } 2>"$BATS_TEST_TMPDIR/holder.err" &
	bg=$!
	for _ in $(seq 400); do
		ls "$KTSTR_LOCK_DIR"/ktstr-llc-*.lock >/dev/null 2>&1 &&
			[ -n "$(ktstr-locks --json | jq -r '.llcs[] | select(.holders | length > 0) | .file')" ] &&
			return 0
		sleep 0.05
	done
	echo "the holder never held a lock; its stderr:"
	cat "$BATS_TEST_TMPDIR/holder.err"
	ktstr-locks
	return 1
}

short_run() {
	ktstr-topo | ktstr-cgroup run --scenario cgroup_steady --flags llc --duration 1 "$@" |
		"$FIXTURES/cgroup/fake-work"
}

@test "reserve: a second perf-mode run exits 3 naming the first run's pid and command" {
	start_holder 4
	run -3 --separate-stderr bash -o pipefail -c "$(declare -f short_run); FIXTURES=$FIXTURES short_run"
	[[ "$stderr" == *"held by pid"*"ktstr-cgroup run --scenario cgroup_steady"* ]]
}

@test "reserve: --lock-timeout waits for the first run to finish, then runs" {
	start_holder 2
	run -0 --separate-stderr bash -c "$(declare -f short_run); FIXTURES=$FIXTURES short_run --lock-timeout 30s | jq -r 'select(.type==\"scenario_end\") | .error'"
	[ "$output" = null ]
}

@test "reserve: two --no-perf-mode runs share the LLCs and both run" {
	start_holder 3 --no-perf-mode
	run -0 --separate-stderr bash -c "$(declare -f short_run); FIXTURES=$FIXTURES short_run --no-perf-mode | jq -r 'select(.type==\"scenario_end\") | .error'"
	[ "$output" = null ]
}

@test "reserve: --cpu-cap 1 confines the run's cgroups and records to one CPU" {
	local out=$BATS_TEST_TMPDIR/out
	ktstr-topo | ktstr-cgroup run --scenario cgroup_steady --flags llc --duration 2 \
		--no-perf-mode --cpu-cap 1 | tee "$out" | "$FIXTURES/cgroup/fake-work" >/dev/null &
	bg=$!
	for _ in $(seq 100); do
		grep -q '"type":"spawn"' "$out" 2>/dev/null && break
		sleep 0.05
	done
	parent=$(jq -r 'select(.type=="scenario_begin") | .parent' "$out")
	[ "$(jq -c 'select(.type=="scenario_begin") | .cpus' "$out")" = "[0]" ]
	if [ -e "$parent/cpuset.cpus" ]; then
		[ "$(cat "$parent/cpuset.cpus")" = 0 ]
	elif [ -e "$parent/cpuset.cpus.effective" ]; then
		[ "$(cat "$parent/cpuset.cpus.effective")" = 0 ]
	fi
	wait "$bg"
	bg=
}

@test "reserve: --cpu-cap without --no-perf-mode is a usage error naming the rule" {
	run -2 --separate-stderr ktstr-cgroup run --cpu-cap 1 </dev/null
	[[ "$stderr" == *"no-perf"* ]]
	run -2 --separate-stderr ktstr-cgroup run --no-perf-mode --cpu-cap 0 </dev/null
}
