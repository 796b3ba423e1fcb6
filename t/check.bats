#!/usr/bin/env bats
# ktstr-check: statistics, checks, verdicts and their renderings.

load helper
bats_require_minimum_version 1.5.0

stream() {
	"$FIXTURES/check/mkstream.sh" "$@"
}

verdict_kinds() {
	jq -c 'select(.type == "verdict" and .scenario == "unit") | [.details[].kind]'
}

@test "ktstr-check: a healthy group passes, a skip is counted, exit 0" {
	run -0 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh | ktstr-check --text"
	[[ "$output" == *"[PASS] unit/default (1.0s)"* ]]
	[[ "$output" == *"[SKIP] llc/default"*"needs >= 2 LLCs, have 1"* ]]
	[[ "$output" == *"1/2 passed (0 failed, 1 skipped)"* ]]
}

@test "ktstr-check: NDJSON mode passes every input record through, then verdicts and a summary" {
	run -0 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh | ktstr-check"
	[ "$(jq -r .type <<<"$output" | head -n 9 | tr '\n' ' ')" = \
		"topo scenario_begin cgroup spawn start stop worker worker scenario_end " ]
	[ "$(jq -c 'select(.type=="summary") | [.passed,.failed,.skipped,.total]' <<<"$output")" = "[1,0,1,2]" ]
}

@test "ktstr-check: a worker with zero work units is Starved and fails the run with exit 1" {
	run -1 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh UNITS1=0 | ktstr-check"
	[ "$(verdict_kinds <<<"$output")" = '["Starved"]' ]
	[[ "$output" == *"cg_0 worker 1 (pid 101): starved"* ]]
}

@test "ktstr-check: a stall over 2000 ms is Stuck, naming value, CPU and limit" {
	run -1 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh GAP1=2500000000 | ktstr-check"
	[ "$(verdict_kinds <<<"$output")" = '["Stuck"]' ]
	[[ "$output" == *"stuck 2500 ms on cpu 1 at +5 ms, limit 2000 ms"* ]]
	run -0 bash -c "$FIXTURES/check/mkstream.sh GAP1=1999000000 | ktstr-check"
}

@test "ktstr-check: an off-CPU spread over 15 points is Unfair" {
	run -1 bash -c "$FIXTURES/check/mkstream.sh OFF2=300000000 | ktstr-check"
	[ "$(verdict_kinds <<<"$output")" = '["Unfair"]' ]
	[[ "$output" == *"spread 20.0 points (10.0%-30.0%) over 2 workers"*"limit 15.0"* ]]
	run -0 bash -c "$FIXTURES/check/mkstream.sh OFF2=240000000 | ktstr-check"
}

@test "ktstr-check: running outside the cpuset is an Isolation failure naming the CPU" {
	run -1 bash -c "$FIXTURES/check/mkstream.sh CPUS1='[1,5]' | ktstr-check"
	[ "$(verdict_kinds <<<"$output")" = '["Isolation"]' ]
	[[ "$output" == *"ran on CPU 5 outside cpuset 0-1"* ]]
	run -0 bash -c "$FIXTURES/check/mkstream.sh CPUS1='[1,5]' | ktstr-check --no-isolation"
	run -0 bash -c "$FIXTURES/check/mkstream.sh CPUS1='[1,5]' CHECKS='{\"isolation\":false}' | ktstr-check"
}

@test "ktstr-check: a cgroup without a cpuset is judged against the run's CPUs" {
	local edit='if .type=="scenario_begin" then .cpus=[0,1] elif .type=="cgroup" then .cpus=null else . end'
	run -1 bash -c "$FIXTURES/check/mkstream.sh CPUS1='[1,3]' | jq -c '$edit' | ktstr-check"
	[[ "$output" == *"ran on CPU 3 outside cpuset 0-1"* ]]
	run -0 bash -c "$FIXTURES/check/mkstream.sh CPUS1='[1,3]' | jq -c 'if .type==\"cgroup\" then .cpus=null else . end' | ktstr-check"
}

@test "ktstr-check: a worker that did not complete is reported with its signal" {
	run -1 bash -c "$FIXTURES/check/mkstream.sh DONE1=false | ktstr-check"
	[ "$(verdict_kinds <<<"$output")" = '["NotCompleted"]' ]
	[[ "$output" == *"did not complete: killed by signal 9"* ]]
}

@test "ktstr-check: command-line limits override the scenario's, which override defaults" {
	run -0 bash -c "$FIXTURES/check/mkstream.sh OFF2=300000000 CHECKS='{\"max_spread_pct\":50}' | ktstr-check"
	run -1 bash -c "$FIXTURES/check/mkstream.sh OFF2=300000000 CHECKS='{\"max_spread_pct\":50}' | ktstr-check --spread-limit 5"
	run -0 bash -c "$FIXTURES/check/mkstream.sh GAP1=2500000000 | ktstr-check --gap-limit-ms 3000"
	run -1 bash -c "$FIXTURES/check/mkstream.sh | ktstr-check --min-iteration-rate 5000"
	[[ "$output" == *"1000.0 iterations/s, limit 5000.0"* ]]
}

@test "ktstr-check: a stream that ends inside a scenario fails it and says so" {
	run -1 bash -c "$FIXTURES/check/mkstream.sh END=0 | ktstr-check --text"
	[[ "$output" == *"[FAIL] unit/default"*"input ended before the scenario did"* ]]
}

@test "ktstr-check: a scenario_end with an error fails the scenario" {
	run -1 bash -c "$FIXTURES/check/mkstream.sh | sed 's/\"error\":null/\"error\":\"cpuset write failed\"/' | ktstr-check --text"
	[[ "$output" == *"scenario failed: cpuset write failed"* ]]
}

@test "ktstr-check: --json is one JSON array with the reference's field names" {
	run -1 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh OFF2=300000000 | ktstr-check --json"
	[ "$(jq -c 'map(.scenario_name)' <<<"$output")" = '["unit/default","llc/default"]' ]
	[ "$(jq -c '.[0] | [.passed, .skipped, .details[0].kind]' <<<"$output")" = '[false,false,"Unfair"]' ]
	[ "$(jq -c '.[0].stats.cgroups[0] | [.num_workers, .spread]' <<<"$output")" = '[2,20]' ]
	[ "$(jq -r '.[0].stats.worst_spread' <<<"$output")" = 20 ]
}

@test "ktstr-check: --tap output is valid TAP that a harness reads" {
	require_cmd prove
	stream OFF2=300000000 | ktstr-check --tap >"$BATS_TEST_TMPDIR/out.tap" || true
	run -1 prove -e cat "$BATS_TEST_TMPDIR/out.tap"
	[[ "$output" == *"Failed test:  1"* ]]
	stream | ktstr-check --tap >"$BATS_TEST_TMPDIR/ok.tap"
	run -0 prove -e cat "$BATS_TEST_TMPDIR/ok.tap"
}

@test "ktstr-check: --junit writes XML that parses, with failures and skips counted" {
	require_cmd xmllint
	stream OFF2=300000000 | ktstr-check --junit "$BATS_TEST_TMPDIR/r.xml" >/dev/null || true
	run -0 xmllint --xpath 'string(/testsuites/@failures)' "$BATS_TEST_TMPDIR/r.xml"
	[ "$output" = 1 ]
	run -0 xmllint --xpath 'string(/testsuites/@skipped)' "$BATS_TEST_TMPDIR/r.xml"
	[ "$output" = 1 ]
	run -0 xmllint --xpath 'string(//testcase[1]/failure/@type)' "$BATS_TEST_TMPDIR/r.xml"
	[ "$output" = Unfair ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "ktstr-check: --junit into an unwritable place is an environment error" {
	run -3 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh | ktstr-check --junit /nonexistent/dir/r.xml"
	[[ "$stderr" == *"cannot write '/nonexistent/dir/r.xml'"* ]]
}

@test "ktstr-check: malformed input gives an error record, the partial results and exit 2" {
	run -2 --separate-stderr bash -c "{ $FIXTURES/check/mkstream.sh END=0; echo '{oops'; } | ktstr-check"
	[[ "$stderr" == "ktstr-check: line 9: malformed JSON"* ]]
	[ "$(jq -r 'select(.type=="error") | .fatal' <<<"$output")" = true ]
	[ "$(jq -r 'select(.type=="summary") | .failed' <<<"$output")" = 1 ]
}

@test "ktstr-check: a bad worker record is refused with its line number" {
	run -2 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh | sed '7s/\"group\":1/\"group\":\"x\"/' | ktstr-check"
	[[ "$stderr" == *"line 7: worker record: \"group\" is not an integer"* ]]
}

@test "ktstr-check: a bad record inside a scenario fails it naming the line, not the end of input" {
	run -2 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh | sed '7s/\"group\":1/\"group\":\"x\"/' | ktstr-check --text"
	[[ "$output" == *"[FAIL] unit/default"*"  stopped judging: line 7: worker record: \"group\" is not an integer"* ]]
	[[ "$output" != *"input ended"* ]]
}

# $1: the records (printf format); the rest: what stderr must hold after "line N: "
refused() {
	local in=$1
	shift
	run -2 --separate-stderr bash -c "printf '$in' | ktstr-check --text"
	[[ "$stderr" == "ktstr-check: $1" ]] || { echo "stderr: $stderr"; return 1; }
	[[ "$output" != *"[PASS]"* ]] || { echo "stdout: $output"; return 1; }
}

@test "ktstr-check: a stream that is not well formed exits 2 naming the line, and passes nothing" {
	refused '{"type":"scenario_begin","name":"x"}\n{"type":"scenario_end","name":"y"}\n' \
		"line 2: scenario_end 'y' does not match scenario_begin 'x'"
	[[ "$output" == *"[FAIL] x (0.0s)"*"stopped judging: line 2: scenario_end 'y'"*"0/1 passed (1 failed"* ]]
	refused '{"type":"scenario_end","name":"y"}\n' "line 1: scenario_end 'y' without a scenario_begin"
	refused '{"type":"scenario_begin","name":"x"}\n{"type":"scenario_end"}\n' \
		'line 2: scenario_end record needs a string "name"'
	refused '{"type":"scenario_begin"}\n{"type":"scenario_end"}\n' \
		'line 1: scenario_begin record needs a non-empty string "name"'
	refused '{"type":"scenario_begin","name":5}\n{"type":"scenario_end","name":5}\n' \
		'line 1: scenario_begin record needs a non-empty string "name"'
	refused '{"type":"skip","reason":"r"}\n' 'line 1: skip record needs a non-empty string "name"'
	# a refused record outside any scenario opens no implicit one
	refused '{"type":"worker"}\n' 'line 1: worker record: needs an integer "group"'
	[[ "$output" == "0/0 passed (0 failed, 0 skipped) in "* ]]
}

@test "ktstr-check: wake latency pools every worker's histogram exactly" {
	# worker A: 99 samples at 100 (bucket 100); worker B: one at 1000000
	run -0 bash -c "$FIXTURES/check/mkstream.sh | jq -c 'if .type==\"worker\" and .index==0 then .wake={samples:99,hist:{sub_bits:7,count:99,min:100,max:100,sum:9900,sumsq:990000,buckets:[[100,99]]}} elif .type==\"worker\" then .wake={samples:1,hist:{sub_bits:7,count:1,min:1000000,max:1000000,sum:1000000,sumsq:1e12,buckets:[[$(printf '%s' 2672),1]]}} else . end' | ktstr-check --json --wake-p99-limit-us 1"
	[ "$(jq -c '.[0].stats.cgroups[0] | [.median_wake_latency_us, .p99_wake_latency_us, .wake_samples]' <<<"$output")" = '[0.1,0.1,100]' ]
	run -1 bash -c "$FIXTURES/check/mkstream.sh | jq -c 'if .type==\"worker\" then .wake={samples:1,hist:{sub_bits:7,count:1,min:1000000,max:1000000,sum:1000000,sumsq:1e12,buckets:[[2672,1]]}} else . end' | ktstr-check --wake-p99-limit-us 500"
	[[ "$output" == *"wake latency p99 1000.0 us over 2 samples, limit 500.0 us"* ]]
}

@test "ktstr-check: bad options exit 2" {
	run -2 --separate-stderr ktstr-check --spread-limit abc
	[[ "$stderr" == *"--spread-limit: 'abc' is not a decimal number"* ]]
	run -2 --separate-stderr ktstr-check --min-iteration-rate 10000000000000
	[[ "$stderr" == "ktstr-check: --min-iteration-rate: '10000000000000' is out of range 0..1000000000000"$'\n'* ]]
	run -2 --separate-stderr ktstr-check --min-iteration-rate 1e30
	[[ "$stderr" == *"'1e30' is not a decimal number (digits with an optional point) in 0..1000000000000"$'\n'* ]]
	run -2 ktstr-check --json --tap
	run -2 ktstr-check --gap-limit-ms 1 --gap-limit-ms 2
}

@test "ktstr-check: SIGINT stops it with the partial results and exit 130" {
	local fifo=$BATS_TEST_TMPDIR/in pid st=0 i
	mkfifo "$fifo"
	ktstr-check --text <"$fifo" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 8>"$fifo"
	"$FIXTURES/check/mkstream.sh" END=0 >&8
	# let it read what we wrote: it then sleeps in poll() for more
	sleep 0.2
	for i in $(seq 100); do
		grep -q '^State:.*S' "/proc/$pid/status" && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" || st=$?
	exec 8>&-
	[ "$st" -eq 130 ]
	grep -q "input ended before the scenario did" "$BATS_TEST_TMPDIR/out"
}

# --- scheduler records (ktstr-sched) -------------------------------------------

ATTACHED='{"type":"scheduler","t_ns":500,"event":"attached","ops":"simple","scheduler":"scx_simple","pid":7,"kernel":"6.12.117","labels":{"topology":"1,2,2,1"},"attach_ns":5}'
DIED='{"type":"scheduler","t_ns":1500,"event":"died","ops":"simple","scheduler":"scx_simple","reason":"scx_bpf_error","exit_kind":"error_bpf","message":"boom","state":"disabled","exit":{"code":1},"kmsg":["sched_ext: BPF scheduler \"simple\" disabled (scx_bpf_error)"],"seen":"kmsg","log_tail":"line one\nEXIT: scx_bpf_error (boom)\n","dump":"CPU 0 : nr_run=1\n","dump_source":"trace"}'

# mkstream's scenario with the scheduler attached first and $1 (a record) after "start"
sched_stream() {
	{
		echo "$ATTACHED"
		"$FIXTURES/check/mkstream.sh" | while IFS= read -r line; do
			printf '%s\n' "$line"
			[[ "$line" != *'"type":"start"'* ]] || printf '%s\n' "$1"
		done
	} >"$BATS_TEST_TMPDIR/s.ndjson"
}

# a second scenario, healthy, and a skip
more_scenarios() {
	"$FIXTURES/check/mkstream.sh" | jq -c 'select(.type != "topo" and .type != "skip") |
		if .name == "unit/default" or .scenario == "unit/default" then
			(if .name then .name = "two/default" else . end) |
			(if .scenario then .scenario = (if .type == "worker" then "two/default" else "two" end) else . end)
		else . end' >>"$BATS_TEST_TMPDIR/s.ndjson"
}

@test "ktstr-check: verdicts and the summary name the scheduler, kernel and labels once attached" {
	sched_stream '{"type":"note"}'
	run -0 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(jq -c '[.[] | [.scheduler, .kernel, .labels.topology]] | unique' <<<"$output")" = \
		'[["simple","6.12.117","1,2,2,1"]]' ]
	run -0 --separate-stderr ktstr-check --text <"$BATS_TEST_TMPDIR/s.ndjson"
	[[ "$output" == *"[PASS] unit/default (1.0s) [simple, 6.12.117, topology=1,2,2,1]"* ]]
	run -0 --separate-stderr ktstr-check --tap --junit "$BATS_TEST_TMPDIR/j.xml" \
		<"$BATS_TEST_TMPDIR/s.ndjson"
	[[ "$output" == *"  scheduler: 'simple'"* ]]
	grep -q '<property name="topology" value="1,2,2,1"/>' "$BATS_TEST_TMPDIR/j.xml"
	xmllint --noout "$BATS_TEST_TMPDIR/j.xml"
	run -0 --separate-stderr ktstr-check <"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(jq -r 'select(.type == "summary") | .scheduler' <<<"$output")" = simple ]
}

@test "ktstr-check: a death fails its scenario with SchedulerDied; later ones are NotRun, never passes" {
	sched_stream "$DIED"
	more_scenarios
	echo '{"type":"skip","t_ns":9,"name":"c/default","scenario":"c","profile":"default","category":"basic","index":3,"total":3,"reason":"needs 2 LLCs"}' \
		>>"$BATS_TEST_TMPDIR/s.ndjson"
	run -1 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(jq -c '[.[] | [.scenario_name, .passed, [.details[].kind]]]' <<<"$output")" = \
		'[["unit/default",false,["SchedulerDied"]],["llc/default",true,["Skip"]],["two/default",false,["NotRun"]],["c/default",true,["Skip"]]]' ]
	d=$(jq -c '.[0].details[0]' <<<"$output")
	[ "$(jq -r .message <<<"$d")" = \
		"scheduler 'simple' died during unit/default: error_bpf (scx_bpf_error): boom" ]
	[ "$(jq -r '[.exit_kind, .reason, .exit_message, .dump, .exit.code] | @tsv' <<<"$d")" = \
		"$(printf 'error_bpf\tscx_bpf_error\tboom\tCPU 0 : nr_run=1\\n\t1')" ]
	[ "$(jq -r '.[2].details[0].message' <<<"$output")" = \
		"not run: the scheduler died during unit/default" ]
	run -1 --separate-stderr ktstr-check --text <"$BATS_TEST_TMPDIR/s.ndjson"
	[[ "$output" == *"    | EXIT: scx_bpf_error (boom)"* ]]
	[[ "$output" == *"0/4 passed (2 failed, 2 skipped)"* ]]
}

@test "ktstr-check: a death between scenarios fails a verdict of its own, and what follows is NotRun" {
	{
		echo "$ATTACHED"
		"$FIXTURES/check/mkstream.sh"
		echo "$DIED"
	} >"$BATS_TEST_TMPDIR/s.ndjson"
	more_scenarios
	run -1 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(jq -c '[.[] | [.scenario_name, .passed, [.details[].kind]]]' <<<"$output")" = \
		'[["unit/default",true,[]],["llc/default",true,["Skip"]],["(scheduler)",false,["SchedulerDied"]],["two/default",false,["NotRun"]]]' ]
	[[ "$(jq -r '.[2].details[0].message' <<<"$output")" == *"died between scenarios"* ]]
	[ "$(jq -r '.[3].details[0].message' <<<"$output")" = \
		"not run: the scheduler died after unit/default" ]
}

@test "ktstr-check: a scheduler that never attached fails the run and keeps its output" {
	echo '{"type":"error","t_ns":5,"tool":"ktstr-sched","message":"scheduler '"'"'scx_x'"'"' did not attach within 20.0 s (sched_ext state: disabled)","fatal":true,"scheduler":"scx_x","log_tail":"libbpf: failed to load\n"}' \
		>"$BATS_TEST_TMPDIR/e.ndjson"
	run -1 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/e.ndjson"
	[ "$(jq -c '[.[] | [.scenario_name, .passed, [.details[].kind]]]' <<<"$output")" = \
		'[["(no scenario)",false,["Other"]]]' ]
	[ "$(jq -r '.[0].details[0].log_tail' <<<"$output")" = "libbpf: failed to load" ]
	[[ "$(jq -r '.[0].details[0].message' <<<"$output")" == "ktstr-sched: scheduler 'scx_x' did not attach"* ]]
}

@test "ktstr-check: the implicit scenario ends at the next scenario_begin, judged on its workers" {
	local b='{"type":"scenario_begin","name":"b"}' e='{"type":"scenario_end","name":"b"}'
	{ stream | grep '"type":"worker"'; echo "$b"; echo "$e"; } >"$BATS_TEST_TMPDIR/ok.ndjson"
	run -0 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/ok.ndjson"
	[ "$(jq -c '[.[] | [.scenario_name, .passed, [.details[].kind], .stats.total_workers]]' <<<"$output")" = \
		'[["(no scenario)",true,[],2],["b",true,[],0]]' ]
	{ stream UNITS1=0 | grep '"type":"worker"'; echo "$b"; echo "$e"; } >"$BATS_TEST_TMPDIR/bad.ndjson"
	run -1 --separate-stderr ktstr-check --json <"$BATS_TEST_TMPDIR/bad.ndjson"
	[ "$(jq -c '[.[] | [.scenario_name, .passed, [.details[].kind]]]' <<<"$output")" = \
		'[["(no scenario)",false,["Starved"]],["b",true,[]]]' ]
}

@test "ktstr-check: an unfinished scenario lasts as long as its stream says, not the checker's clock" {
	run -1 --separate-stderr bash -c "$FIXTURES/check/mkstream.sh END=0 |
		jq -c 'if .t_ns then .t_ns += 5000000000 else . end' | ktstr-check --json"
	# begin at +5 s + 1000 ns, the last record 2000 ns later: not hours of host uptime
	[ "$(jq -r '.[0].duration_s < 0.001' <<<"$output")" = true ]
	[[ "$(jq -r '.[0].details[-1].message' <<<"$output")" == *"input ended before the scenario did"* ]]
}

# --- names and messages from the stream, in every format ------------------------

@test "ktstr-check: --tap escapes names and reasons, so no record forges a test line or directive" {
	require_cmd prove
	printf '%s\n' '{"type":"scenario_begin","name":"a\nnot ok 5 # SKIP"}' \
		'{"type":"scenario_end","name":"a\nnot ok 5 # SKIP","error":"boom\nnot ok 6"}' \
		'{"type":"scenario_begin","name":"b # TODO"}' \
		'{"type":"scenario_end","name":"b # TODO","error":"boom"}' \
		'{"type":"skip","name":"s\n# SKIP ok","reason":"r\nnot ok 9"}' >"$BATS_TEST_TMPDIR/s.ndjson"
	run -1 --separate-stderr ktstr-check --tap <"$BATS_TEST_TMPDIR/s.ndjson"
	[ "$(grep -cE '^(not )?ok ' <<<"$output")" -eq 3 ]
	[[ "$output" == *'not ok 1 - a\nnot ok 5 \# SKIP'$'\n'* ]]
	[[ "$output" == *"message: 'scenario failed: boom\nnot ok 6'"* ]]
	[[ "$output" == *'not ok 2 - b \# TODO'$'\n'* ]]
	[[ "$output" == *'ok 3 - s\n\# SKIP ok # SKIP r\nnot ok 9'$'\n'* ]]
	# a harness sees two failures (a "# TODO" in a name does not excuse one) and a skip
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.tap"
	run -1 prove -e cat "$BATS_TEST_TMPDIR/out.tap"
	[[ "$output" == *"Failed tests:  1-2"* ]]
}

@test "ktstr-check: a backslash is doubled, so a name's \\# is no TAP directive and \\n no newline" {
	require_cmd prove
	printf '%s\n' '{"type":"scenario_begin","name":"x\\# TODO forged"}' '{"type":"error","message":"boom"}' \
		'{"type":"scenario_end","name":"x\\# TODO forged"}' >"$BATS_TEST_TMPDIR/s.ndjson"
	run -1 --separate-stderr ktstr-check --tap <"$BATS_TEST_TMPDIR/s.ndjson"
	[[ "$output" == *'not ok 1 - x\\\# TODO forged'$'\n'* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.tap"
	run -1 prove -e cat "$BATS_TEST_TMPDIR/out.tap"
	[[ "$output" == *"Failed test:  1"* ]]
	printf '%s\n' '{"type":"scenario_begin","name":"a\\nb\nc"}' '{"type":"scenario_end","name":"a\\nb\nc"}' |
		{ run -0 --separate-stderr ktstr-check --text; [[ "$output" == *'[PASS] a\\nb\nc '* ]]; }
}

@test "ktstr-check: --text shows control characters as escapes, never raw" {
	local esc='\u001b[2J\u009b31m\u0007'
	printf '%s\n' "{\"type\":\"scheduler\",\"event\":\"attached\",\"ops\":\"s$esc\",\"kernel\":\"k$esc\",\"labels\":{\"l$esc\":\"v$esc\"}}" \
		"{\"type\":\"scenario_begin\",\"name\":\"n$esc\"}" \
		"{\"type\":\"error\",\"tool\":\"t\",\"message\":\"m$esc\",\"log_tail\":\"tail$esc\n\"}" \
		"{\"type\":\"scenario_end\",\"name\":\"n$esc\"}" \
		"{\"type\":\"skip\",\"name\":\"k$esc\",\"reason\":\"r$esc\"}" >"$BATS_TEST_TMPDIR/s.ndjson"
	run -1 --separate-stderr ktstr-check --text <"$BATS_TEST_TMPDIR/s.ndjson"
	[[ "$output" != *[$'\x01'-$'\x09'$'\x0b'-$'\x1f'$'\x7f']* ]]
	[[ "$output" != *$'\xc2\x9b'* ]]
	[[ "$output" == *'[FAIL] n\x1b[2J\u009b31m\x07 (0.0s) [s\x1b[2J\u009b31m\x07, k\x1b'* ]]
	[[ "$output" == *', l\x1b[2J\u009b31m\x07=v\x1b'* ]]
	[[ "$output" == *'  t: m\x1b[2J'* ]]
	[[ "$output" == *'    | tail\x1b[2J'* ]]
	[[ "$output" == *'[SKIP] k\x1b[2J\u009b31m\x07 (0.0s)'*'  r\x1b[2J'* ]]
}

@test "ktstr-check: an empty input writes nothing at all, in any format, and no JUnit file" {
	local f
	for f in --text --tap --json --ndjson; do
		run -0 --separate-stderr ktstr-check "$f" --junit "$BATS_TEST_TMPDIR/r.xml" </dev/null
		[ -z "$output" ] && [ -z "$stderr" ]
		[ ! -e "$BATS_TEST_TMPDIR/r.xml" ]
	done
	# one record is a run of nothing, which says so
	run -0 bash -c "echo '{\"type\":\"topo\"}' | ktstr-check --tap"
	[ "$output" = "$(printf 'TAP version 13\n1..0')" ]
}
