#!/usr/bin/env bats
# ktstr-cgroup: the catalog, flag profiles, list, planning (--dry-run) and
# usage.  Nothing here touches cgroups; t/cgroup-run.bats does.

load helper
bats_require_minimum_version 1.5.0

# A dry run on a synthetic topology N,L,C,T; --duration is 1s unless given.
dry() {
	local topo=$1 d=(--duration 1s)
	shift
	[[ " $* " == *" --duration "* ]] && d=()
	ktstr-topo --topology "$topo" | ktstr-cgroup run --dry-run "${d[@]}" "$@"
}

dry_fixture() {
	local fx=$1
	shift
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/$fx/sys ktstr-topo |
		ktstr-cgroup run --dry-run --duration 1s "$@"
}

@test "ktstr-cgroup: the catalog has the 81 reference scenarios with their categories, in order" {
	run -0 --separate-stderr ktstr-cgroup list --json
	diff -u "$FIXTURES/cgroup/catalog.expected" <(jq -r '.[] | "\(.name) \(.category)"' <<<"$output")
}

@test "ktstr-cgroup: category counts match the reference" {
	run -0 ktstr-cgroup list --json
	[ "$(jq -c '[group_by(.category)[] | {(.[0].category): length}] | add' <<<"$output")" = \
		'{"advanced":20,"affinity":6,"basic":3,"cpuset":6,"dynamic":3,"interaction":9,"nested":4,"performance":5,"sched_class":6,"stall":2,"stress":17}' ]
}

@test "ktstr-cgroup: each scenario has the reference's number of flag profiles, 2988 in all" {
	run -0 ktstr-cgroup list --json
	diff -u "$FIXTURES/cgroup/profiles.expected" <(jq -r '.[] | "\(.name) \(.profiles | length)"' <<<"$output")
	[ "$(jq '[.[].profiles | length] | add' <<<"$output")" -eq 2988 ]
}

@test "ktstr-cgroup: profiles come in mask order with canonical names" {
	run -0 ktstr-cgroup list --json --filter cgroup_steady
	[ "$(jq -c '.[0].profiles[0:11]' <<<"$output")" = \
		'["default","llc","borrow","llc+borrow","llc+steal","llc+borrow+steal","rebal","llc+rebal","borrow+rebal","llc+borrow+rebal","llc+steal+rebal"]' ]
	run -0 ktstr-cgroup list --json --filter cgroup_cpuset_cross_llc_race
	[ "$(jq -c '.[0] | [.requires, .profiles[0:2], .needs]' <<<"$output")" = \
		'[["llc","rebal"],["llc+rebal","llc+borrow+rebal"],{"min_llcs":2}]' ]
}

@test "ktstr-cgroup: list prints name, category, description and profiles, then a count" {
	run -0 --separate-stderr ktstr-cgroup list --filter sched_idle
	[ "${lines[0]}" = "sched_idle                     [sched_class ] SCHED_IDLE CpuSpin workers in 2 cgroups (profiles: $(ktstr-cgroup list --json --filter sched_idle | jq -r '.[0].profiles | join(", ")'))" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "1 scenarios" ]
	[ -z "$stderr" ]
}

@test "ktstr-cgroup: list with no match prints an empty list, a hint on stderr, and exits 0" {
	run -0 --separate-stderr ktstr-cgroup list --filter cgroup_stedy
	[ "$output" = $'\n0 scenarios' ]
	[[ "$stderr" == "ktstr-cgroup: no scenarios matched filter 'cgroup_stedy'; did you mean 'cgroup_steady'?"* ]]
	run -0 --separate-stderr ktstr-cgroup list --json --filter zzzzzzzzzzzz
	[ "$(jq length <<<"$output")" -eq 0 ]
}

@test "ktstr-cgroup: every scenario plans or skips with a reason on 1-CPU, 2-LLC and NUMA topologies" {
	local fx out
	for fx in one-cpu desktop-2llc-smt numa-server; do
		out=$(dry_fixture "$fx") || { echo "$fx: exit $?"; return 1; }
		# one begin or skip per scenario x profile, no scenario that failed to plan
		[ "$(jq -s '[.[] | select(.type == "scenario_begin" or .type == "skip")] | length' <<<"$out")" -eq 2988 ]
		[ "$(jq -s '[.[] | select(.type == "scenario_end" and .error != null)] | length' <<<"$out")" -eq 0 ]
		[ "$(jq -s '[.[] | select(.type == "skip" and (.reason | length) == 0)] | length' <<<"$out")" -eq 0 ]
	done
	out=$(dry 2,4,4,2)
	[ "$(jq -s '[.[] | select(.type == "skip")] | length' <<<"$out")" -eq 0 ]
}

@test "ktstr-cgroup: topology guards skip with what is missing, never fail" {
	run -0 --separate-stderr dry_fixture one-cpu --scenario cgroup_cpuset_llc_steady/default
	[ "$(jq -c 'select(.type == "skip") | [.name, .reason, .index, .total]' <<<"$output")" = \
		'["cgroup_cpuset_llc_steady/default","needs >= 2 LLCs, have 1",1,1]' ]
	run -0 dry 1,1,2,1 --scenario cgroup_cpuset_swap_disjoint/default
	[ "$(jq -r 'select(.type == "skip") | .reason' <<<"$output")" = "needs >= 8 CPUs, have 2" ]
	run -0 dry 1,2,4,1 --scenario cgroup_cpuset_numa_swap/default
	[ "$(jq -r 'select(.type == "skip") | .reason' <<<"$output")" = "needs >= 2 NUMA nodes with CPUs, have 1" ]
	run -0 dry 2,2,4,1 --scenario cgroup_cpuset_numa_swap/default
	[ "$(jq -c 'select(.type == "cgroup" and .op != "remove") | [.op, .name, .cpus]' <<<"$output" | tr -d '\n')" = \
		'["create","cg_0",[0,1,2,3]]["create","cg_1",[4,5,6,7]]["cpuset","cg_0",[4,5,6,7]]["cpuset","cg_1",[0,1,2,3]]' ]
}

@test "ktstr-cgroup: a steady scenario creates, spawns, starts at S, stops at S + D and removes" {
	run -0 --separate-stderr dry 1,1,4,1 --scenario cgroup_steady/llc --settle 200ms --duration 3s
	[ "$(jq -r 'select(.type != "topo") | [.type, .op // "", .name // .cgroup // "", (.groups // [] | join(","))] | join(" ")' <<<"$output" | sed 's/ *$//')" = \
"scenario_begin  cgroup_steady/llc
cgroup create cg_0
spawn  cg_0
cgroup create cg_1
spawn  cg_1
start   1,2
stop   1,2
cgroup remove cg_1
cgroup remove cg_0
scenario_end  cgroup_steady/llc" ]
	local t0 tstart tstop
	t0=$(jq 'select(.type == "scenario_begin") | .t_ns' <<<"$output")
	tstart=$(jq 'select(.type == "start") | .t_ns' <<<"$output")
	tstop=$(jq 'select(.type == "stop") | .t_ns' <<<"$output")
	[ $((tstart - t0)) -eq 200000000 ] && [ $((tstop - t0)) -eq 3200000000 ]
	[ "$(jq -c 'select(.type == "scenario_begin") | [.flags, .profile, .workers, .duration_ns, .index, .total]' <<<"$output")" = \
		'[["llc"],"llc",4,3000000000,1,1]' ]
}

@test "ktstr-cgroup: spawn records carry resolved work, count, policy and affinity" {
	run -0 dry 1,1,4,1 --scenario sched_fifo/default --workers 3
	[ "$(jq -c 'select(.type == "spawn") | [.group, .cgroup, .work.type, .work.params, .count, .policy]' <<<"$output" | tr -d '\n')" = \
		'[1,"cg_0","Bursty",{"burst_ms":500,"sleep_ms":250},1,"fifo:1"][2,"cg_0","CpuSpin",{},3,"normal"][3,"cg_1","Bursty",{"burst_ms":500,"sleep_ms":250},1,"fifo:1"][4,"cg_1","CpuSpin",{},3,"normal"]' ]
	# split_half on 4 CPUs: usable 0-2, halves [0] and [1,2]; single_cpu pins to the lowest
	run -0 dry 1,1,4,1 --scenario cgroup_affinity_pinned/default
	[ "$(jq -c 'select(.type == "spawn") | .affinity' <<<"$output" | tr -d '\n')" = '[0][1]' ]
	run -0 dry 1,1,4,1 --scenario cgroup_affinity_random/default
	[ "$(jq -c 'select(.type == "spawn") | .affinity' <<<"$output" | tr -d '\n')" = \
		'{"random_subset":{"pool":[0],"count":1}}{"random_subset":{"pool":[1,2],"count":1}}' ]
	run -0 dry 1,2,2,1 --scenario cgroup_cpuset_llc_affinity/llc
	[ "$(jq -c 'select(.type == "spawn") | .affinity' <<<"$output" | tr -d '\n')" = '[0,1][2]' ]
}

@test "ktstr-cgroup: group ids are unique across the whole run" {
	run -0 dry 1,2,2,1 --filter cgroup_ --flags default
	[ "$(jq -s '[.[] | select(.type == "spawn") | .group] | (length == (unique | length)) and length > 50' <<<"$output")" = true ]
}

@test "ktstr-cgroup: checks are the scenario's overrides, with isolation wherever a cpuset is set" {
	run -0 dry 1,1,4,1 --scenario cgroup_multicpu_pin/reject-pin
	[ "$(jq -c 'select(.type == "scenario_begin") | .checks | [.max_spread_pct, .isolation]' <<<"$output")" = '[75,null]' ]
	run -0 dry 1,1,4,1 --scenario cgroup_cpuset_clear_midrun/default
	[ "$(jq -c 'select(.type == "scenario_begin") | .checks.isolation' <<<"$output")" = true ]
	run -0 dry 1,1,8,1 --scenario cgroup_dsq_contention/default
	[ "$(jq -c 'select(.type == "spawn") | [.checks.max_gap_ms]' <<<"$output" | tr -d '\n')" = '[null][1500][1500][1500][1500]' ]
}

@test "ktstr-cgroup: timed ops come out at their time: cpuset flips every 200 ms" {
	run -0 dry 1,2,4,1 --scenario cgroup_cpuset_cross_llc_race/llc+rebal --duration 1s
	local t0
	t0=$(jq 'select(.type == "scenario_begin") | .t_ns' <<<"$output")
	[ "$(jq -c --argjson t0 "$t0" 'select(.type == "cgroup" and .op == "cpuset" and .name == "cg_0") | [(.t_ns - $t0) / 1000000, .cpus]' <<<"$output" | tr -d '\n')" = \
		'[2200,[4,5,6,7]][2400,[1,2,3]][2600,[4,5,6,7]][2800,[1,2,3]]' ]
}

@test "ktstr-cgroup: cgroup_exhaust_reuse really removes half its cgroups before reusing their CPUs" {
	run -0 dry 1,1,7,1 --scenario cgroup_exhaust_reuse/default
	[ "$(jq -r 'select(.type == "cgroup") | "\(.op) \(.name)"' <<<"$output" | tr '\n' ' ')" = \
		"create exhaust_0 create exhaust_1 create exhaust_2 create exhaust_3 create exhaust_4 create exhaust_5 remove exhaust_0 remove exhaust_1 remove exhaust_2 create reuse_0 create reuse_1 create reuse_2 remove reuse_2 remove reuse_1 remove reuse_0 remove exhaust_5 remove exhaust_4 remove exhaust_3 " ]
}

@test "ktstr-cgroup: sched_fifo and sched_rr run normal workers beside the RT ones" {
	run -0 ktstr-cgroup list --json --filter sched_
	[[ "$(jq -r '.[] | select(.name == "sched_fifo") | .description' <<<"$output")" == *"beside normal"* ]]
	run -0 dry 1,1,2,1 --scenario sched_rr/default
	[ "$(jq -c 'select(.type == "spawn") | .policy' <<<"$output" | tr -d '\n')" = '"rr:1""normal""rr:1""normal"' ]
}

@test "ktstr-cgroup: nested scenarios create parents first and remove children first" {
	run -0 dry 1,1,4,1 --scenario nested_cgroup_steady/default
	[ "$(jq -r 'select(.type == "cgroup") | "\(.op) \(.name)"' <<<"$output" | tr '\n' ' ')" = \
		"create cg_0 create cg_1 create cg_1/sub_a create cg_0/sub_a create cg_0/sub_b create cg_1/sub_b create cg_1/sub_a/deep remove cg_1/sub_a/deep remove cg_1/sub_b remove cg_0/sub_b remove cg_0/sub_a remove cg_1/sub_a remove cg_1 remove cg_0 " ]
}

@test "ktstr-cgroup: --flags runs one profile and skips scenarios it does not fit, saying why" {
	run -0 --separate-stderr dry 1,2,2,1 --flags borrow --filter cgroup_load_imbalance
	[ "$(jq -r 'select(.type == "skip") | "\(.name): \(.reason)"' <<<"$output")" = \
		"cgroup_load_imbalance/borrow: flag profile does not fit: scenario requires flag rebal" ]
	run -0 dry 1,2,2,1 --flags reject-pin,llc --scenario cgroup_affinity_change
	[ "$(jq -r 'select(.type == "skip") | .reason' <<<"$output")" = \
		"flag profile does not fit: scenario excludes flag reject-pin" ]
	run -0 dry 1,2,2,1 --flags rebal,borrow --scenario cgroup_load_imbalance
	[ "$(jq -r 'select(.type == "scenario_begin") | .name' <<<"$output")" = "cgroup_load_imbalance/borrow+rebal" ]
}

@test "ktstr-cgroup: --flags with an unknown flag exits 2 listing the valid ones" {
	run -2 --separate-stderr ktstr-cgroup run --dry-run --flags lcl </dev/null
	assert_error_from ktstr-cgroup
	[[ "$stderr" == *"unknown flag 'lcl'"*"valid flags: llc, borrow, steal, rebal, reject-pin, no-ctrl"* ]]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --flags steal </dev/null
	[[ "$stderr" == *"flag 'steal' needs flag 'llc'"* ]]
}

@test "ktstr-cgroup: --scenario is exact, takes NAME/PROFILE, and suggests on a typo" {
	run -0 dry 1,1,2,1 --scenario cgroup_steady
	[ "$(jq -s '[.[] | select(.type == "scenario_begin")] | length' <<<"$output")" -eq 48 ]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --scenario cgroup_stedy </dev/null
	[[ "$stderr" == *"no scenario 'cgroup_stedy' (did you mean 'cgroup_steady'?)"* ]]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --scenario cgroup_load_imbalance/default </dev/null
	[[ "$stderr" == *"profile 'default' does not fit 'cgroup_load_imbalance': scenario requires flag rebal"* ]]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --filter nothing_like_this </dev/null
	[[ "$stderr" == *"no scenarios matched filter 'nothing_like_this'"* ]]
}

@test "ktstr-cgroup: --work-type replaces CpuSpin in steady scenarios only, and says where it cannot" {
	run -0 --separate-stderr dry 1,1,2,1 --work-type PipeIo --workers 3 --scenario cgroup_steady/default --scenario cgroup_idle_overloaded/borrow --scenario cgroup_pipe_io/default
	[ "$(jq -r 'select(.type == "spawn") | "\(.cgroup) \(.work.type) \(.count)"' <<<"$output" | tr '\n' ' ')" = \
		"cg_0 CpuSpin 3 cg_1 CpuSpin 3 cg_0 PipeIo 16 cg_1 CpuSpin 1 cg_0 PipeIo 2 cg_0 CpuSpin 3 cg_1 PipeIo 2 cg_1 CpuSpin 3 " ]
	[[ "$stderr" == *"cgroup_steady: cgroup 'cg_0' keeps CpuSpin: --work-type PipeIo needs a multiple of 2 workers, it has 3"* ]]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --work-type CpuSpinn </dev/null
	[[ "$stderr" == *"unknown work type 'CpuSpinn' (did you mean 'CpuSpin'?)"* ]]
}

@test "ktstr-cgroup: --work-type Sequence exits 2 saying it needs phases, not that it is unknown" {
	run -2 --separate-stderr ktstr-cgroup run --dry-run --work-type Sequence </dev/null
	[ -z "$output" ]
	[[ "$stderr" == "ktstr-cgroup: --work-type: Sequence needs phases (a scenario file, or ktstr-work --sequence) and cannot be used with --work-type"$'\n'"usage: "* ]]
}

@test "ktstr-cgroup: a scenario file adds scenarios that list shows and run plans" {
	cat >"$BATS_TEST_TMPDIR/mine.json" <<-'EOF'
	{"name": "my_churn", "category": "mine", "description": "two cgroups, one flipping",
	 "requires": ["borrow"], "guards": {"min_cpus": 2},
	 "backdrop": {"cgroups": [{"name": "cg_{i}", "repeat": 2, "works": [{"type": "Bursty", "count": "W + 1"}]}]},
	 "steps": [{"hold": "S"},
	           {"loop": {"times": 3}, "steps": [{"hold": "D / 3", "ops": [{"op": "move_all", "from": "cg_0", "to": "cg_1", "when": "i == 1"}]}]}]}
	EOF
	run -0 ktstr-cgroup list --json --scenario-file "$BATS_TEST_TMPDIR/mine.json" --filter my_
	[ "$(jq -c '.[0] | [.name, .category, (.profiles | length), .origin]' <<<"$output")" = \
		"[\"my_churn\",\"mine\",24,\"$BATS_TEST_TMPDIR/mine.json\"]" ]
	run -0 dry 1,1,2,1 --scenario-file "$BATS_TEST_TMPDIR/mine.json" --scenario my_churn/borrow --workers 2
	[ "$(jq -r 'select(.type == "spawn") | .count' <<<"$output" | tr '\n' ' ')" = "3 3 " ]
	[ "$(jq -r 'select(.type == "cgroup" and .op == "move") | "\(.from)>\(.to)"' <<<"$output")" = "cg_0>cg_1" ]
}

@test "ktstr-cgroup: a scenario file with a typo exits 2 naming the file, the scenario and the field" {
	local f=$BATS_TEST_TMPDIR/typo.json
	echo '{"name": "x", "category": "c", "description": "d", "steps": [{"hold": 1}, {"ops": [{"op": "set_cpuset", "cgroup": "cg_0", "cpus": {"disjont": [0, 2]}}]}]}' >"$f"
	run -2 --separate-stderr ktstr-cgroup run --dry-run --scenario-file "$f" </dev/null
	assert_error_from ktstr-cgroup
	[[ "$stderr" == "ktstr-cgroup: $f: scenario 'x': steps[1].ops[0].cpus: unknown field 'disjont'; did you mean 'disjoint'?"* ]]
	echo '{"name": "y", "category": "c", "description": "d", "steps": [{"hold": "S + Dd"}]}' >"$f"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"$f: scenario 'y': steps[0].hold: unknown name at offset 4 in 'S + Dd'"* ]]
	echo '{"name": "z", "category": "c", "description": "d", "kind": "steady", "cgroups": 2, "works": [{"type": "Bursty", "params": {"burst": 5}}]}' >"$f"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"scenario 'z': works[0].params: unknown Bursty parameter 'burst'; did you mean 'burst_ms'?"* ]]
	echo '[{"name": "cgroup_steady", "category": "c", "description": "d", "steps": [{"hold": 1}]}]' >"$f"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"scenario 'cgroup_steady' is already defined in built-in catalog"* ]]
	echo '{"name": "w", "category": "c", "description": "d", "steps": [{"hold": 1}' >"$f"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"$f: line 2, column 0: "* ]]
}

@test "ktstr-cgroup: scenario mistakes found at planning end the scenario with an error, not the run" {
	local f=$BATS_TEST_TMPDIR/bad.json
	echo '{"name": "bad", "category": "c", "description": "d", "steps": [{"hold": 1, "ops": [{"op": "set_cpuset", "cgroup": "nope", "cpus": {"all": [0, 1]}}]}]}' >"$f"
	run -1 --separate-stderr dry 1,1,2,1 --scenario-file "$f" --scenario bad/default --scenario cgroup_steady/default
	[ "$(jq -r 'select(.type == "scenario_end") | .error // "ok"' <<<"$output" | tr '\n' ' ')" = \
		"cgroup 'nope' does not exist at 0 ms ok " ]
	[[ "$stderr" == *"bad/default: cgroup 'nope' does not exist"* ]]
}

# A one-step ops scenario holding for EXPR, in $BATS_TEST_TMPDIR/hold.json.
hold_file() {
	jq -cn --arg h "$1" '{name: "h", category: "c", description: "d", steps: [{hold: $h}]}' \
		>"$BATS_TEST_TMPDIR/hold.json"
}

@test "ktstr-cgroup: INT64_MIN / -1, INT64_MIN % -1 and -INT64_MIN in a scenario are overflow errors" {
	local e
	for e in '(-9223372036854775807-1)/-1' '(-9223372036854775807-1)%-1' '-(-9223372036854775807-1)'; do
		hold_file "$e"
		run -1 --separate-stderr dry 1,1,2,1 --scenario-file "$BATS_TEST_TMPDIR/hold.json" --scenario h/default
		[[ "$(jq -r 'select(.type == "scenario_end") | .error' <<<"$output")" == "overflow at offset "*" in '$e'" ]]
		[[ "$stderr" == "ktstr-cgroup: h/default: overflow at offset "* ]]
	done
}

@test "ktstr-cgroup: an expression nested deeper than 64 exits 2 naming the file, scenario and field" {
	local deep
	deep=$(printf '(%.0s' {1..65})1$(printf ')%.0s' {1..65})
	hold_file "$deep"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json"
	[[ "$stderr" == "ktstr-cgroup: $BATS_TEST_TMPDIR/hold.json: scenario 'h': steps[0].hold: nested more than 64 deep at offset 65 in '((("* ]]
	hold_file "$(printf -- '-%.0s' {1..65})1"
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json"
	[[ "$stderr" == *"steps[0].hold: nested more than 64 deep"* ]]
	# at most 64 deep, as ktstr-scenario(5) says
	hold_file "$(printf '(%.0s' {1..64})1$(printf ')%.0s' {1..64})"
	run -0 ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json" --filter h
	hold_file "$(printf -- '-%.0s' {1..64})1"
	run -0 ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json" --filter h
}

# A scenario whose backdrop has one cgroup NAME with WORK, in $BATS_TEST_TMPDIR/w.json.
work_file() {
	jq -cn --arg n "$1" --argjson w "$2" \
		'{name: "w", category: "c", description: "d", backdrop: {cgroups: [{name: $n, works: [$w]}]}, steps: [{hold: 1}]}' \
		>"$BATS_TEST_TMPDIR/w.json"
}

@test "ktstr-cgroup: what ktstr-work would refuse is a file error naming the field, exit 2" {
	local f=$BATS_TEST_TMPDIR/w.json
	work_file cg_0 '{"type": "Bursty", "params": {"burst_ms": 99999999}}'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == "ktstr-cgroup: $f: scenario 'w': backdrop.cgroups[0].works[0].params: parameter burst_ms=99999999 is out of range 0..3600000"* ]]
	run -2 --separate-stderr ktstr-cgroup run --dry-run --scenario-file "$f" </dev/null
	[[ "$stderr" == *"works[0].params: parameter burst_ms=99999999"* ]]
	work_file cg_0 '{"type": "Bursty", "count": -3}'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"scenario 'w': backdrop.cgroups[0].works[0].count: must be from 1 to 4096 workers"* ]]
	work_file cg_0 '{"type": "Bursty", "count": 5000}'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"works[0].count: must be from 1 to 4096 workers"* ]]
	work_file cg_0 '{"type": "PipeIo", "count": 3}'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"works[0].count: PipeIo runs in groups of 2"* ]]
	work_file cg_0 '{"type": "Sequence", "phases": [{"kind": "spin", "ns": 99999999999999}]}'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
	[[ "$stderr" == *"works[0].phases: phase 0: ns 99999999999999 is out of range"* ]]
	work_file cg_0 '{"type": "Bursty", "count": "W * 2000"}'
	run -1 --separate-stderr dry 1,1,2,1 --scenario-file "$f" --scenario w/default
	[[ "$stderr" == *"w/default: 8000 workers in one group; at most 4096"* ]]
}

@test "ktstr-cgroup: cgroup names the kernel cannot make are refused at load, or at planning with {expr}" {
	local f=$BATS_TEST_TMPDIR/w.json n
	for n in . cgroup.procs cpuset.cpus cg_0/tasks; do
		work_file "$n" '"CpuSpin"'
		run -2 --separate-stderr ktstr-cgroup list --scenario-file "$f"
		[[ "$stderr" == "ktstr-cgroup: $f: scenario 'w': backdrop.cgroups[0].name: '$n' cannot be a cgroup name"* ]]
	done
	work_file 'cpuset.{1}' '"CpuSpin"'
	run -1 --separate-stderr dry 1,1,2,1 --scenario-file "$f" --scenario w/default
	[ "$(jq -r 'select(.type == "scenario_end") | .error' <<<"$output")" = "'cpuset.1' cannot be a cgroup name (ktstr-scenario(5))" ]
	work_file cg.1 '"CpuSpin"'
	run -0 dry 1,1,2,1 --scenario-file "$f" --scenario w/default
}

@test "ktstr-cgroup: --workers above what ktstr-work takes in one group exits 2" {
	run -2 --separate-stderr ktstr-cgroup run --dry-run --workers 4097 </dev/null
	[[ "$stderr" == "ktstr-cgroup: --workers: "*"4096"* ]]
}

@test "ktstr-cgroup: an expression or name over 1024 characters is refused at load; the catalog loads" {
	local ok="0*($(printf '1+%.0s' {1..509})1)"
	[ "${#ok}" -eq 1023 ]
	hold_file "$ok "
	run -0 ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json" --filter h
	hold_file "$ok  "
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/hold.json"
	[[ "$stderr" == "ktstr-cgroup: $BATS_TEST_TMPDIR/hold.json: scenario 'h': steps[0].hold: expression longer than 1024 characters: '0*(1+1+"* ]]
	work_file "cg_{1}$(printf 'a%.0s' {1..1019})" '"CpuSpin"'
	run -2 --separate-stderr ktstr-cgroup list --scenario-file "$BATS_TEST_TMPDIR/w.json"
	[[ "$stderr" == *"scenario 'w': backdrop.cgroups[0].name: longer than 1024 characters"$'\n'* ]]
	run -0 ktstr-cgroup list
	[ "${#lines[@]}" -gt 50 ]
}

@test "ktstr-cgroup: SIGINT stops planning within a fraction of a second, even with the longest expressions" {
	local f=$BATS_TEST_TMPDIR/slow.json e pid rc t0 ms
	e="0*($(printf '1+%.0s' {1..509})1)"
	jq -cn --arg e "$e" '{name: "slow", category: "c", description: "d",
		steps: [{loop: {times: 1000000}, steps: [{hold: $e, when: $e}]}]}' >"$f"
	ktstr-topo --topology 1,1,2,1 >"$BATS_TEST_TMPDIR/topo"
	ktstr-cgroup run --dry-run --scenario-file "$f" --scenario slow/default \
		<"$BATS_TEST_TMPDIR/topo" >/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 0.3
	t0=$(date +%s%N)
	kill -INT "$pid"
	rc=0
	# poll: tail --pid looks only once a second
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "still planning after $ms ms"; false; }
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ]
	grep -q 'interrupted by a signal' "$BATS_TEST_TMPDIR/err"
	# about 100 ms is the aim; the margin is for a loaded machine
	[ "$ms" -lt 1000 ] || { echo "took $ms ms"; false; }
}

@test "ktstr-cgroup: SIGTERM and SIGINT stop a long planning promptly with exit 130" {
	local f=$BATS_TEST_TMPDIR/slow.json sig pid rc
	jq -cn '{name: "slow", category: "c", description: "d",
		steps: [{loop: {times: 1000000}, steps: [{loop: {times: 1000000}, steps: [{hold: 0}]}]}]}' >"$f"
	ktstr-topo --topology 1,1,2,1 >"$BATS_TEST_TMPDIR/topo"
	for sig in TERM INT; do
		ktstr-cgroup run --dry-run --scenario-file "$f" --scenario slow/default \
			<"$BATS_TEST_TMPDIR/topo" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		sleep 0.3
		kill -"$sig" "$pid"
		rc=0
		timeout 2 tail --pid="$pid" -f /dev/null || { kill -KILL "$pid"; false; }
		wait "$pid" || rc=$?
		[ "$rc" -eq 130 ]
		grep -q 'interrupted by a signal' "$BATS_TEST_TMPDIR/err"
	done
}

@test "ktstr-cgroup: run passes every input record through, the topo record first" {
	run -0 bash -c '{ echo "{\"type\":\"note\",\"x\":1}"; ktstr-topo --topology 1,1,2,1; echo "{\"type\":\"late\"}"; } | ktstr-cgroup run --dry-run --scenario stall_detect/default --duration 1s'
	[ "$(jq -r '.type' <<<"$output" | head -3 | tr '\n' ' ')" = "note topo scenario_begin " ]
	[ "$(jq -r '.type' <<<"$output" | tail -1)" = late ]
}

@test "ktstr-cgroup: run without a topo record on its input exits 2" {
	run -2 --separate-stderr bash -c 'echo "{\"type\":\"note\"}" | ktstr-cgroup run --dry-run'
	[[ "$stderr" == *"no topo record on standard input; pipe ktstr-topo into it"* ]]
	[ "$output" = '{"type":"note"}' ]
}

@test "ktstr-cgroup: a malformed input line gives an error record and exit 2" {
	run -2 --separate-stderr bash -c '{ ktstr-topo --topology 1,1,2,1; echo "{not json"; } | ktstr-cgroup run --dry-run --scenario stall_detect/default'
	[ "$(tail -n 1 <<<"$output" | jq -c '[.type, .fatal, .line]')" = '["error",true,2]' ]
	[[ "$stderr" == *"line 2: malformed JSON"* ]]
	run -2 --separate-stderr bash -c 'echo "{not json" | ktstr-cgroup run --dry-run'
	[[ "$stderr" == *"line 1"* ]]
}

@test "ktstr-cgroup: usage errors exit 2 with one line and the synopsis" {
	run -2 --separate-stderr ktstr-cgroup run --duration 0 </dev/null
	assert_error_from ktstr-cgroup
	[[ "$stderr" == *"--duration"*"usage: ktstr-cgroup run"* ]]
	run -2 --separate-stderr ktstr-cgroup run --workers 0 </dev/null
	run -2 --separate-stderr ktstr-cgroup run --workers 2 --workers 3 </dev/null
	[[ "$stderr" == *"--workers given more than once"* ]]
	run -2 --separate-stderr ktstr-cgroup run --bogus </dev/null
	[[ "$stderr" == *"unknown option '--bogus'"* ]]
	run -2 --separate-stderr ktstr-cgroup lsit
	[[ "$stderr" == *"unknown command 'lsit'; did you mean 'list'?"* ]]
	run -2 --separate-stderr ktstr-cgroup
	run -2 --separate-stderr ktstr-cgroup list extra
	run -2 --separate-stderr ktstr-cgroup cleanup --parent-cgroup
	[[ "$stderr" == *"needs a value"* ]]
}

@test "ktstr-cgroup: --help and --version go to stdout and exit 0" {
	local c
	for c in "" run list cleanup; do
		run -0 --separate-stderr ktstr-cgroup $c --help
		[[ "$output" == "usage: ktstr-cgroup"* ]] && [ -z "$stderr" ]
	done
	run -0 ktstr-cgroup --version
	[[ "$output" == "ktstr-cgroup "*libbpf* ]]
}

@test "ktstr-cgroup: --backend reports what a fake cgroup2 tree with cpuset offers" {
	mkdir -p "$BATS_TEST_TMPDIR/cg"
	echo "cpuset cpu io" >"$BATS_TEST_TMPDIR/cg/cgroup.controllers"
	KTSTR_CGROUP_ROOT=$BATS_TEST_TMPDIR/cg run -0 ktstr-cgroup --backend
	[ "${lines[0]}" = v2 ] && [ "${lines[2]}" = "cpu controller: yes" ]
	echo "memory" >"$BATS_TEST_TMPDIR/cg/cgroup.controllers"
	KTSTR_CGROUP_ROOT=$BATS_TEST_TMPDIR/cg run -0 ktstr-cgroup --backend
	[ "${lines[0]}" = v2-nocpuset ]
	KTSTR_CGROUP_ROOT=$BATS_TEST_TMPDIR/nothing run -3 --separate-stderr ktstr-cgroup --backend
	[ "$output" = none ]
}

@test "ktstr-cgroup: on cgroup2 without cpuset, cpuset scenarios are skipped with that reason" {
	mkdir -p "$BATS_TEST_TMPDIR/cg"
	echo "cpu memory" >"$BATS_TEST_TMPDIR/cg/cgroup.controllers"
	KTSTR_CGROUP_ROOT=$BATS_TEST_TMPDIR/cg run -0 dry 1,1,4,1 --flags default --scenario cgroup_steady --scenario cgroup_cpuset_clear_midrun
	[ "$(jq -r 'select(.type == "skip") | .reason' <<<"$output")" = \
		"needs the cpuset controller; the cgroup2 hierarchy at '$BATS_TEST_TMPDIR/cg' has none" ]
	[ "$(jq -r 'select(.type == "scenario_begin") | "\(.name) \(.cgroup_backend)"' <<<"$output")" = "cgroup_steady/default v2-nocpuset" ]
}

@test "ktstr-cgroup: run needs root unless it is a dry run" {
	require_cmd setpriv
	local dir
	# as nobody, from a place nobody can reach
	dir=$(mktemp -d /tmp/ktstr-test.XXXXXX)
	cp "$KTSTR_BIN/ktstr-cgroup" "$dir/"
	chmod 755 "$dir"
	run -3 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$dir/ktstr-cgroup" run </dev/null
	[[ "$stderr" == *"CAP_SYS_ADMIN"* ]]
	rm -rf "$dir"
}
