#!/usr/bin/env bats
# ktstr-cgroup run and cleanup on this machine's real cgroups (as root).
# Each test works in a private subtree: KTSTR_CGROUP_ROOT points at a
# directory of symlinks to kt-test-* cgroups made for the test, so other
# cgroups on the machine are never touched; teardown removes the subtree.
# $FIXTURES/cgroup/fake-work stands in for ktstr-work: it places 'sleep'
# processes in the spawned cgroups and kills them on stop.

load helper
bats_require_minimum_version 1.5.0

PRIV=
PRIV_DIRS=()

setup() {
	PRIV=kt-test-$$-$BATS_TEST_NUMBER
	PRIV_DIRS=()
	CGROOT=$BATS_TEST_TMPDIR/cgroot
	FAKE_LOG=$BATS_TEST_TMPDIR/fake.log
	export FAKE_LOG
}

# A private v1 root: cpuset (cpus and mems copied from the top) and cpu.
private_v1() {
	require_root
	[ -e /sys/fs/cgroup/cpuset/cpuset.cpus ] || skip "needs a v1 cpuset hierarchy at /sys/fs/cgroup/cpuset"
	mkdir -p "$CGROOT"
	mkdir "/sys/fs/cgroup/cpuset/$PRIV"
	PRIV_DIRS+=("/sys/fs/cgroup/cpuset/$PRIV")
	cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$PRIV/cpuset.cpus"
	cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$PRIV/cpuset.mems"
	ln -s "/sys/fs/cgroup/cpuset/$PRIV" "$CGROOT/cpuset"
	if [ -e /sys/fs/cgroup/cpu/cpu.shares ]; then
		mkdir "/sys/fs/cgroup/cpu/$PRIV"
		PRIV_DIRS+=("/sys/fs/cgroup/cpu/$PRIV")
		ln -s "/sys/fs/cgroup/cpu/$PRIV" "$CGROOT/cpu"
	fi
	export KTSTR_CGROUP_ROOT=$CGROOT
}

# A private cgroup2 root on the unified mount (no cpuset there on this machine).
private_v2() {
	require_root
	[ -e /sys/fs/cgroup/unified/cgroup.procs ] || skip "needs a cgroup2 mount at /sys/fs/cgroup/unified"
	mkdir "/sys/fs/cgroup/unified/$PRIV"
	PRIV_DIRS+=("/sys/fs/cgroup/unified/$PRIV")
	export KTSTR_CGROUP_ROOT=/sys/fs/cgroup/unified/$PRIV
}

teardown() {
	local d f
	for d in "${PRIV_DIRS[@]}"; do
		[ -d "$d" ] || continue
		# anything a failed test left: kill its processes, then remove deepest first
		while IFS= read -r f; do
			xargs -r kill -9 <"$f" 2>/dev/null
		done < <(find "$d" -name cgroup.procs)
		sleep 0.1
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	for d in "${PRIV_DIRS[@]}"; do
		[ ! -d "$d" ] || { echo "teardown left $d"; return 1; }
	done
}

# The directories a run made under the private root(s).
leftovers() {
	local d
	for d in "${PRIV_DIRS[@]}"; do
		find "$d" -mindepth 1 -type d
	done
}

run_pipeline() {
	ktstr-topo | ktstr-cgroup run "$@" | "$FIXTURES/cgroup/fake-work"
}

# Start "ktstr-cgroup run ARGS | fake-work" in the background, knowing both
# pids (RUN_PID, FAKE_PID); records go to $BATS_TEST_TMPDIR/out.
start_run() {
	ktstr-topo >"$BATS_TEST_TMPDIR/topo"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	"$FIXTURES/cgroup/fake-work" <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" 3>&- &
	FAKE_PID=$!
	ktstr-cgroup run "$@" <"$BATS_TEST_TMPDIR/topo" >"$BATS_TEST_TMPDIR/fifo" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	RUN_PID=$!
}

# Wait for the background run; its exit status in RUN_RC.
finish_run() {
	RUN_RC=0
	wait "$RUN_PID" || RUN_RC=$?
	wait "$FAKE_PID" || true
}

# Wait until a cgroup path exists (up to 10 s).
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		compgen -G "$1" >/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1"
	return 1
}

@test "ktstr-cgroup run: v1 cgroups are made in both hierarchies, hold the workers, and are removed" {
	private_v1
	start_run --scenario cgroup_steady/default --duration 3s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	wait_for "$CGROOT/cpu/ktstr-*/cg_1"
	sleep 0.5
	# the workers sit in cg_0 of both hierarchies
	[ "$(wc -l <"$(echo "$CGROOT"/cpuset/ktstr-*/cg_0)/cgroup.procs")" -eq 4 ]
	[ "$(wc -l <"$(echo "$CGROOT"/cpu/ktstr-*/cg_0)/cgroup.procs")" -eq 4 ]
	finish_run
	[ "$RUN_RC" -eq 0 ]
	[ -z "$(leftovers)" ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' "$BATS_TEST_TMPDIR/out")" = ok ]
	[ "$(jq -r 'select(.type == "cgroup" and .op == "create") | .paths | length' "$BATS_TEST_TMPDIR/out" | sort -u)" = 2 ]
	[ "$(jq -r 'select(.type == "scenario_begin") | .cgroup_backend' "$BATS_TEST_TMPDIR/out")" = v1 ]
	grep -q '^stop 2$' "$FAKE_LOG"
}

@test "ktstr-cgroup run: v1 cpusets are set, changed and cleared on the timeline" {
	private_v1
	[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || skip "needs 2 CPUs"
	start_run --scenario cgroup_cpuset_clear_midrun/default --settle 0 --duration 2s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	sleep 0.3
	local top cg0 cg1
	top=$(cat "$CGROOT/cpuset/cpuset.cpus")
	cg0=$(echo "$CGROOT"/cpuset/ktstr-*/cg_0)
	cg1=$(echo "$CGROOT"/cpuset/ktstr-*/cg_1)
	# disjoint halves of the usable CPUs; v1 needs mems as well
	[ "$(cat "$cg0/cpuset.cpus")" = 0 ] && [ "$(cat "$cg1/cpuset.cpus")" = 1 ]
	[ -n "$(cat "$cg0/cpuset.mems")" ]
	sleep 1.2
	# after D/2 the cpusets are cleared: on v1 that is the parent's CPUs again
	[ "$(cat "$cg0/cpuset.cpus")" = "$top" ] && [ "$(cat "$cg1/cpuset.cpus")" = "$top" ]
	finish_run
	[ "$RUN_RC" -eq 0 ]
	[ -z "$(leftovers)" ]
	[ "$(jq -c 'select(.type == "cgroup" and .op == "cpuset") | [.name, .cpus]' "$BATS_TEST_TMPDIR/out" | tr -d '\n')" = \
		'["cg_0",null]["cg_1",null]' ]
}

@test "ktstr-cgroup run: all tasks are moved between nested cgroups" {
	private_v1
	run -0 --separate-stderr run_pipeline --scenario nested_cgroup_task_move/default --duration 1200ms
	[ "$(jq -r 'select(.type == "cgroup" and .op == "move") | "\(.from)>\(.to) \(.moved)"' <<<"$output" | tr '\n' ' ')" = \
		"cg_0/sub>cg_0 4 cg_0>cg_1/sub 4 cg_1/sub>cg_1 4 " ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' <<<"$output")" = ok ]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: a step's cgroups come and go with the step, churn loops leave nothing" {
	private_v1
	run -0 --separate-stderr run_pipeline --scenario nested_cgroup_rapid_churn/default --duration 1s
	[ "$(jq -s '[.[] | select(.type == "cgroup" and .op == "create")] | length' <<<"$output")" -ge 20 ]
	[ "$(jq -s '[.[] | select(.type == "cgroup" and .op == "create")] | length' <<<"$output")" -eq \
		"$(jq -s '[.[] | select(.type == "cgroup" and .op == "remove")] | length' <<<"$output")" ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' <<<"$output")" = ok ]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: scenario after scenario in one run, the parent removed at the end" {
	private_v1
	run -0 --separate-stderr run_pipeline --filter cgroup_add_ --flags borrow,rebal --duration 600ms
	[ "$(jq -r 'select(.type == "scenario_end" or .type == "skip") | .name' <<<"$output" | tr '\n' ' ')" = \
		"cgroup_add_midrun/borrow+rebal cgroup_add_load_imbalance/borrow+rebal cgroup_add_during_imbalance/borrow+rebal " ]
	[ "$(jq -s '[.[] | select(.type == "scenario_end")] | length' <<<"$output")" -ge 2 ]
	[ "$(jq -s '[.[] | select(.type == "scenario_end" and .error != null)] | length' <<<"$output")" -eq 0 ]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: with the default root nothing named after the run is left anywhere" {
	require_root
	[ -n "$(ktstr-cgroup --backend | grep -v none)" ] || skip "no cgroup backend"
	run -0 --separate-stderr run_pipeline --scenario cgroup_pipe_io/default --duration 500ms
	local parent
	parent=$(jq -r 'select(.type == "scenario_begin") | .parent' <<<"$output")
	[[ "$parent" == /sys/fs/cgroup/*/ktstr-* ]] || [[ "$parent" == /sys/fs/cgroup/ktstr-* ]]
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "$(basename "$parent")")" ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' <<<"$output")" = ok ]
}

@test "ktstr-cgroup run: cgroup2 without cpuset runs cgroup scenarios and skips cpuset ones" {
	private_v2
	run -0 --separate-stderr run_pipeline --scenario cgroup_steady/default --scenario cgroup_cpuset_clear_midrun/default --duration 500ms
	[ "$(jq -r 'select(.type == "scenario_begin") | .cgroup_backend' <<<"$output")" = v2-nocpuset ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' <<<"$output")" = ok ]
	[[ "$(jq -r 'select(.type == "skip") | .reason' <<<"$output")" == "needs the cpuset controller"* ]]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: workers that outlive the drain time are killed (cgroup.kill on v2)" {
	private_v2
	# nobody downstream stops anything: the records go to a file
	ktstr-topo >"$BATS_TEST_TMPDIR/topo"
	ktstr-cgroup run --scenario stall_detect/default --duration 300ms <"$BATS_TEST_TMPDIR/topo" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! cg sleeper
	wait_for "$KTSTR_CGROUP_ROOT/ktstr-*/cg_0"
	cg=$(echo "$KTSTR_CGROUP_ROOT"/ktstr-*/cg_0)
	sleep 1000 3>&- &
	sleeper=$!
	echo "$sleeper" >"$cg/cgroup.procs"
	wait "$pid"
	run -137 wait "$sleeper"
	[ "$(jq -r 'select(.type == "cgroup" and .op == "remove") | .killed' "$BATS_TEST_TMPDIR/out")" = 1 ]
	grep -q "still held 1 tasks" "$BATS_TEST_TMPDIR/err"
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: SIGINT stops the workers, removes every cgroup and exits 130" {
	private_v1
	start_run --scenario cgroup_steady/default --duration 60s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	sleep 0.5
	kill -INT "$RUN_PID"
	finish_run
	[ "$RUN_RC" -eq 130 ]
	[ -z "$(leftovers)" ]
	[ "$(jq -r 'select(.type == "scenario_end") | .error' "$BATS_TEST_TMPDIR/out")" = "interrupted by a signal" ]
	[ "$(jq -c 'select(.type == "stop") | .groups' "$BATS_TEST_TMPDIR/out")" = "[1,2]" ]
}

@test "ktstr-cgroup run: SIGTERM does the same" {
	private_v1
	start_run --scenario cgroup_affinity_change/default --duration 60s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	sleep 0.2
	kill -TERM "$RUN_PID"
	finish_run
	[ "$RUN_RC" -eq 130 ]
	[ -z "$(leftovers)" ]
	grep -q '^stop 1$' "$FAKE_LOG"
}

@test "ktstr-cgroup run: downstream closing the pipe ends the run with 130 and nothing left" {
	private_v1
	run bash -c 'ktstr-topo | ktstr-cgroup run --scenario cgroup_steady/default --duration 20s | head -c 100 >/dev/null; echo "${PIPESTATUS[1]}"'
	[ "$output" = 130 ]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup run: a topo record naming CPUs this host lacks is refused with exit 2" {
	private_v1
	run -2 --separate-stderr bash -c 'ktstr-topo --topology 1,1,64,1 | ktstr-cgroup run --scenario cgroup_steady/default'
	[[ "$stderr" == *"the topo record has CPUs 0-63"* ]]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup cleanup: the leftovers of a SIGKILLed run are removed" {
	private_v1
	start_run --scenario cgroup_steady/default --duration 60s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	local cg sleeper
	cg=$(echo "$CGROOT"/cpuset/ktstr-*/cg_0)
	sleep 1000 3>&- &
	sleeper=$!
	echo "$sleeper" >"$cg/cgroup.procs"
	kill -KILL "$RUN_PID"
	finish_run
	[ "$RUN_RC" -eq 137 ]
	[ -n "$(leftovers)" ]
	run --separate-stderr ktstr-cgroup cleanup
	[ "$status" -eq 0 ] || { echo "$output / $stderr"; false; }
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "cleaned up $CGROOT/cpu/ktstr-$RUN_PID" ]]
	[[ "${lines[1]}" == "cleaned up $CGROOT/cpuset/ktstr-$RUN_PID" ]]
	[[ "$stderr" == *"moved 1 tasks out of"* ]]
	[ -z "$(leftovers)" ]
	kill "$sleeper"
	run --separate-stderr ktstr-cgroup cleanup
	[ "$status" -eq 0 ] && [ "$output" = "no leftover cgroups found" ] || { echo "$output / $stderr"; false; }
}

@test "ktstr-cgroup cleanup: a live run's cgroup is skipped" {
	private_v1
	start_run --scenario cgroup_steady/default --duration 60s
	wait_for "$CGROOT/cpuset/ktstr-*/cg_1"
	run -0 --separate-stderr ktstr-cgroup cleanup
	[ "$output" = "no leftover cgroups found" ]
	[[ "$stderr" == *"skipping $CGROOT/cpuset/ktstr-$RUN_PID (live process $RUN_PID, ktstr-cgroup)"* ]]
	[ -d "$(echo "$CGROOT"/cpuset/ktstr-*/cg_1)" ]
	kill -TERM "$RUN_PID"
	finish_run
	[ "$RUN_RC" -eq 130 ]
	[ -z "$(leftovers)" ]
}

@test "ktstr-cgroup cleanup: --parent-cgroup takes only a ktstr cgroup and removes it" {
	private_v1
	mkdir -p "$BATS_TEST_TMPDIR/ktstr-notcg/sub"
	run -2 --separate-stderr ktstr-cgroup cleanup --parent-cgroup "$BATS_TEST_TMPDIR/ktstr-notcg"
	[[ "$stderr" == *"is not on a cgroup file system"* ]]
	[ -d "$BATS_TEST_TMPDIR/ktstr-notcg/sub" ]
	run -2 --separate-stderr ktstr-cgroup cleanup --parent-cgroup "/sys/fs/cgroup/cpuset/$PRIV"
	[[ "$stderr" == *"its name must start with 'ktstr'"* ]]
	[ -d "/sys/fs/cgroup/cpuset/$PRIV" ]
	run -2 --separate-stderr ktstr-cgroup cleanup --parent-cgroup /sys/fs/cgroup/nothing/ktstr-1
	[[ "$stderr" == *"cgroup path not found"* ]]
	mkdir -p "$CGROOT/cpuset/ktstr-manual/a/b"
	run -0 ktstr-cgroup cleanup --parent-cgroup "$CGROOT/cpuset/ktstr-manual"
	[ "$output" = "cleaned up $CGROOT/cpuset/ktstr-manual" ]
	[ -z "$(leftovers)" ]
}
