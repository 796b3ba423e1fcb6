#!/usr/bin/env bats
# ktstr-work: every work type on this machine, the stream protocol, faults,
# and the instrument itself.

load helper
bats_require_minimum_version 1.5.0

setup() {
	W=$BATS_TEST_TMPDIR/workers.json
	: >"$BATS_TEST_TMPDIR/bg.pids"
}

teardown() {
	local p
	while read -r p; do
		kill -9 "$p" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/bg.pids"
	for d in "${CG:-}" "${CG2:-}"; do
		if [ -n "$d" ] && [ -d "$d" ]; then
			rmdir "$d" || echo "teardown: cannot remove $d" >&2
		fi
	done
}

# Run one standalone group for ${DUR:-1s} and keep its worker records, as a JSON array, in $W.
run_type() {
	local type=$1 n=$2
	shift 2
	run -0 --separate-stderr ktstr-work --work-type "$type" --workers "$n" --duration "${DUR:-1s}" "$@" \
		</dev/null
	jq -s '[.[] | select(.type == "worker")]' <<<"$output" >"$W"
	[ "$(jq length "$W")" -eq "$n" ]
	[ "$(jq '[.[] | select(.completed and .iterations > 0)] | length' "$W")" -eq "$n" ]
}

# jq over the worker records.
wq() {
	jq -r "$@" "$W"
}

# Start ktstr-work in the background; $BG is its pid, output in $BATS_TEST_TMPDIR/bg.out.
bg_work() {
	# an explicit <&0: a background job's stdin would otherwise be /dev/null
	# (and no fd 3: bats waits for whoever holds it)
	ktstr-work "$@" <&0 >"$BATS_TEST_TMPDIR/bg.out" 2>"$BATS_TEST_TMPDIR/bg.err" 3>&- &
	BG=$!
	echo "$BG" >>"$BATS_TEST_TMPDIR/bg.pids"
}

# The pids of BG's workers, once there are n of them.
worker_pids() {
	local n=$1 i pids
	for i in $(seq 100); do
		pids=$(pgrep -P "$BG" | tr '\n' ' ')
		[ "$(wc -w <<<"$pids")" -ge "$n" ] && break
		sleep 0.05
	done
	echo $pids # unquoted: one line, no trailing space
}

# None of these processes exist any more.
all_gone() {
	local p
	for p in "$@"; do
		if kill -0 "$p" 2>/dev/null; then
			echo "process $p is still alive: $(cat /proc/"$p"/cmdline | tr '\0' ' ')"
			return 1
		fi
	done
}

# Distinct values of field $2 of /proc/$1/stat over 60 samples.
stat_values() {
	local pid=$1 field=$2 i
	for i in $(seq 60); do
		awk -v f="$field" '{ sub(/^.*\) /, ""); print $(f - 2) }' "/proc/$pid/stat" 2>/dev/null
		sleep 0.01
	done | sort -u | wc -l
}

@test "ktstr-work: --help and --version go to stdout and exit 0" {
	run -0 --separate-stderr ktstr-work --help
	[[ "$output" == usage:* ]] && [[ "$output" == *--work-type* ]] && [ -z "$stderr" ]
	run -0 --separate-stderr ktstr-work --version
	[[ "$output" == "ktstr-work "* ]]
}

@test "ktstr-work: an unknown work type exits 2 with a suggestion" {
	run -2 --separate-stderr ktstr-work --work-type cpuspin --workers 1 --duration 1s
	assert_error_from ktstr-work
	[[ "$stderr" == *"did you mean 'CpuSpin'"* ]]
}

@test "ktstr-work: a group type with a worker count that is not a multiple exits 2" {
	run -2 --separate-stderr ktstr-work --work-type PipeIo --workers 3 --duration 1s
	assert_error_from ktstr-work
	[[ "$stderr" == *"groups of 2"* ]]
	run -2 --separate-stderr ktstr-work --work-type FutexFanOut --workers 4 --duration 1s
	[[ "$stderr" == *"groups of 5"* ]]
	run -2 --separate-stderr ktstr-work -t MutexContention -n 6 -d 1s --param contenders=4
	[[ "$stderr" == *"groups of 4"* ]]
}

@test "ktstr-work: bad parameters, policies, affinities and options exit 2 naming them" {
	run -2 --separate-stderr ktstr-work -t Bursty -n 1 -d 1s --param spin_iters=3
	[[ "$stderr" == *"spin_iters"* ]] && [[ "$stderr" == *"burst_ms, sleep_ms"* ]]
	run -2 --separate-stderr ktstr-work -t Bursty -n 1 -d 1s --param sleep_ms=x
	[[ "$stderr" == *"sleep_ms"* ]]
	run -2 --separate-stderr ktstr-work -t Bursty -n 1 -d 1s -P burst_ms=1 -P sleep_ms=1 -P burst_ms=2
	[[ "$stderr" == "ktstr-work: --param: 'burst_ms' given twice"* ]]
	run -2 --separate-stderr ktstr-work -t CpuSpin -n 1 -d 1s --policy fifo
	[[ "$stderr" == *"fifo:1"* ]]
	run -2 --separate-stderr ktstr-work -t CpuSpin -n 1 -d 1s --affinity somewhere
	[[ "$stderr" == *"somewhere"* ]]
	run -2 --separate-stderr ktstr-work -t CpuSpin -n 1
	[[ "$stderr" == *"--duration"* ]]
	run -2 --separate-stderr ktstr-work --workers 2
	[[ "$stderr" == *"--workers needs --work-type"* ]]
	run -2 --separate-stderr ktstr-work -t CpuSpin -t Mixed -n 1 -d 1s
	[[ "$stderr" == *"more than once"* ]]
	run -2 --separate-stderr ktstr-work -t CpuSpin -n 1 -d 1s --sequence spin:1ms
	[[ "$stderr" == *"--sequence"* ]]
	run -2 --separate-stderr ktstr-work --sequence spin:1ms,nap:1ms -n 1 -d 1s
	[[ "$stderr" == *"nap"* ]]
}

@test "ktstr-work: a standalone run is a scenario: begin, workers, end" {
	run -0 --separate-stderr ktstr-work -t CpuSpin -n 2 -d 300ms </dev/null
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "scenario_begin worker worker scenario_end " ]
	[ "$(jq -r 'select(.type == "scenario_begin") | .name' <<<"$output")" = ktstr-work/CpuSpin/default ]
	[ "$(jq -c 'select(.type == "scenario_begin") | [.checks[]] | unique' <<<"$output")" = "[null]" ]
	[ "$(jq -r 'select(.type == "worker") | .scenario' <<<"$output" | sort -u)" = ktstr-work/CpuSpin/default ]
	[ "$(jq -r 'select(.type == "worker") | .stop_reason' <<<"$output" | sort -u)" = duration ]
}

@test "ktstr-work: a standalone run with -a llc writes its scenario_begin after the copied topo record" {
	run -0 --separate-stderr bash -c 'ktstr-topo | ktstr-work -t CpuSpin -n 1 -d 100ms -a llc'
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "topo scenario_begin worker scenario_end " ]
}

@test "ktstr-work: a standalone run without -a llc/cpu does not wait for an input that stays open" {
	local fifo=$BATS_TEST_TMPDIR/in
	mkfifo "$fifo"
	# read-write: we hold the writing end ourselves, so the input never ends
	SECONDS=0
	run -0 --separate-stderr timeout 5 ktstr-work -t CpuSpin -n 1 -d 200ms <>"$fifo"
	[ "$SECONDS" -lt 3 ]
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "scenario_begin worker scenario_end " ]
}

@test "ktstr-work: a standalone run copies a record that comes after its scenario_begin, and ktstr-check accepts it" {
	local fifo=$BATS_TEST_TMPDIR/in
	mkfifo "$fifo"
	# the topo record is written only once the scenario_begin is out
	run -0 --separate-stderr timeout 10 bash -c '
		ktstr-work -t CpuSpin -n 1 -d 300ms <>"$1" |
			{ IFS= read -r first; printf "%s\n" "$first"; ktstr-topo >"$1"; cat; }' _ "$fifo"
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "scenario_begin topo worker scenario_end " ]
	run -0 --separate-stderr ktstr-check --text <<<"$output"
	[[ "$output" == *"[PASS] ktstr-work/CpuSpin/default"* ]]
}

@test "ktstr-work: SIGINT while -a llc waits for the topology exits 130" {
	local fifo=$BATS_TEST_TMPDIR/in i st=0
	mkfifo "$fifo"
	bg_work -t CpuSpin -n 1 -d 1 -a llc <>"$fifo"
	# let it block in its read of the first record
	for i in $(seq 100); do
		grep -q '^State:.*S' "/proc/$BG/status" && break
		sleep 0.05
	done
	sleep 0.2
	kill -INT "$BG"
	for i in $(seq 100); do
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.05
	done
	wait "$BG" || st=$?
	[ "$st" -eq 130 ]
	[ ! -s "$BATS_TEST_TMPDIR/bg.err" ] || { cat "$BATS_TEST_TMPDIR/bg.err"; false; }
}

@test "ktstr-work: a standalone worker that cannot be placed is reported, the scenario closed, exit 3" {
	local n=$(($(nproc --all) + 1))
	# one CPU more than the machine has: the last worker's affinity is refused
	run -3 --separate-stderr bash -c \
		"ktstr-topo --topology 1,1,$n,1 | ktstr-work -t CpuSpin -n $n -d 200ms -a cpu"
	[[ "$stderr" == "ktstr-work: cannot start the workers: worker "*"cannot set the CPU affinity"* ]]
	[ "$(jq -r .type <<<"$output" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" = \
		"error=1 scenario_begin=1 scenario_end=1 topo=1 worker=$n " ]
	[ "$(jq -r .type <<<"$output" | sed -n '1,3p' | tr '\n' ' ')" = "topo scenario_begin error " ]
	[ "$(tail -n 1 <<<"$output" | jq -r '.type + " " + .error')" = \
		"scenario_end $(jq -r 'select(.type == "error") | .message' <<<"$output")" ]
	[ "$(jq -c 'select(.type == "error") | [.fatal, .group]' <<<"$output")" = "[false,1]" ]
	[ "$(jq -c "select(.type == \"worker\" and .index == $n - 1) | [.completed, .stop_reason, .error != null]" <<<"$output")" = \
		'[false,"failed",true]' ]
	# the checker judges the scenario instead of finding the input cut short
	run -1 --separate-stderr ktstr-check --text <<<"$output"
	[[ "$output" != *"input ended"* ]]
	[[ "$output" == *"cannot start the workers"* ]]
}

@test "ktstr-work: CpuSpin counts 1024 units an iteration and never waits" {
	run_type CpuSpin 2
	[ "$(wq '[.[] | select(.work_units == .iterations * 1024)] | length')" -eq 2 ]
	[ "$(wq '[.[] | select(.wake == null)] | length')" -eq 2 ]
	[ "$(wq '[.[] | select(.cpu_time_ns > 0 and .wall_time_ns >= .cpu_time_ns)] | length')" -eq 2 ]
	[ "$(wq '[.[] | select(.run_delay_ns != null and .timeslices > 0)] | length')" -eq 2 ]
}

@test "ktstr-work: a CpuSpin worker's peak RSS is at most 2 MiB" {
	if ldd "$(command -v ktstr-work)" | grep -q libasan; then
		skip "an ASan build's shadow memory inflates RSS"
	fi
	DUR=300ms run_type CpuSpin 2
	[ "$(wq '[.[].rss_kb] | max')" -le 2048 ]
}

@test "ktstr-work: YieldHeavy yields every unit" {
	run_type YieldHeavy 2
	[ "$(wq '[.[] | select(.work_units == .iterations and .wake == null)] | length')" -eq 2 ]
}

@test "ktstr-work: Mixed spins and yields" {
	run_type Mixed 2
	[ "$(wq '[.[] | select(.work_units == .iterations * 1024)] | length')" -eq 2 ]
}

@test "ktstr-work: IoSync writes, sleeps, samples its wake-ups and leaves no file behind" {
	TMPDIR=$BATS_TEST_TMPDIR/io
	mkdir "$TMPDIR"
	TMPDIR=$TMPDIR run_type IoSync 2
	[ "$(wq '[.[] | select(.wake.samples > 0 and .voluntary_csw > 0)] | length')" -eq 2 ]
	[ "$(wq '[.[] | select(.work_units >= .iterations * 15)] | length')" -eq 2 ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "ktstr-work: Bursty samples sleep overshoot, and its sleeps are not stalls" {
	DUR=1500ms run_type Bursty 1 --param burst_ms=10 --param sleep_ms=500
	[ "$(wq '.[0].wake.samples')" -ge 1 ]
	# an overshoot, not the 500 ms sleep itself
	[ "$(wq '.[0].wake.p50_ns')" -lt 400000000 ]
	[ "$(wq '.[0].max_gap_ns')" -lt 400000000 ]
}

@test "ktstr-work: PipeIo pairs wake each other through pipes" {
	run_type PipeIo 2
	[ "$(wq '[.[] | select(.wake.samples > 0 and .voluntary_csw > 0)] | length')" -eq 2 ]
	[ "$(wq '[.[] | select(.wake.hist.count == .wake.samples)] | length')" -eq 2 ]
}

@test "ktstr-work: FutexPingPong partners take turns" {
	run_type FutexPingPong 2
	[ "$(wq '[.[] | select(.wake.samples > 0)] | length')" -eq 2 ]
	[ "$(wq '(.[0].iterations - .[1].iterations) | fabs')" -le 1 ]
}

@test "ktstr-work: CachePressure touches its buffer 1024 times an iteration" {
	run_type CachePressure 2 --param size_kb=64
	[ "$(wq '[.[] | select(.work_units == .iterations * 1024 and .wake == null)] | length')" -eq 2 ]
}

@test "ktstr-work: CacheYield touches its buffer and yields" {
	run_type CacheYield 2
	[ "$(wq '[.[] | select(.work_units == .iterations * 1024)] | length')" -eq 2 ]
}

@test "ktstr-work: CachePipe pairs touch a buffer and exchange through pipes" {
	run_type CachePipe 2
	[ "$(wq '[.[] | select(.wake.samples > 0)] | length')" -eq 2 ]
}

@test "ktstr-work: FutexFanOut wakes its receivers; the messenger never waits" {
	run_type FutexFanOut 3 --param fan_out=2
	[ "$(wq '[.[] | select(.is_messenger)] | length')" -eq 1 ]
	[ "$(wq '.[0].is_messenger and .[0].wake == null')" = true ]
	[ "$(wq '[.[1:][] | select(.wake.samples > 0)] | length')" -eq 2 ]
}

@test "ktstr-work: FanOutCompute receivers wake, sleep and multiply matrices" {
	run_type FanOutCompute 3 --param fan_out=2 --param cache_footprint_kb=64
	[ "$(wq '.[0].is_messenger')" = true ]
	[ "$(wq '[.[1:][] | select(.wake.samples > 0 and .work_units > 0)] | length')" -eq 2 ]
}

@test "ktstr-work: ForkExit forks a child every iteration" {
	run_type ForkExit 1
	[ "$(wq '.[0].iterations')" -gt 10 ]
	[ "$(wq '.[0].work_units == .[0].iterations')" = true ]
	# every fork copies the page tables: minor faults grow with the forks
	[ "$(wq '.[0].minor_faults >= .[0].iterations')" = true ]
}

@test "ktstr-work: NiceSweep really changes its nice value" {
	bg_work -t NiceSweep -n 1 -d 2s </dev/null
	pid=$(worker_pids 1)
	sleep 0.2
	[ "$(stat_values "$pid" 19)" -ge 3 ]
	wait "$BG"
	[ "$(jq -r 'select(.type == "worker") | .completed' "$BATS_TEST_TMPDIR/bg.out")" = true ]
}

@test "ktstr-work: PolicyChurn really changes its scheduling policy" {
	require_root
	bg_work -t PolicyChurn -n 1 -d 2s </dev/null
	pid=$(worker_pids 1)
	sleep 0.2
	[ "$(stat_values "$pid" 41)" -ge 2 ]
	wait "$BG"
	[ "$(jq -r 'select(.type == "worker") | .completed' "$BATS_TEST_TMPDIR/bg.out")" = true ]
}

@test "ktstr-work: AffinityChurn migrates between all of this machine's CPUs" {
	run_type AffinityChurn 1
	[ "$(wq '.[0].migrations')" -gt 0 ]
	[ "$(wq -c '.[0].cpus_used')" = "$(ktstr-topo | jq -c .cpus)" ]
}

@test "ktstr-work: PageFaultChurn faults pages in every cycle" {
	run_type PageFaultChurn 1 --param touches_per_cycle=64
	# at least one fault per touch of every cycle but the first's repeats
	[ "$(wq '.[0].minor_faults > .[0].iterations * 32')" = true ]
}

@test "ktstr-work: MutexContention contenders wait for the lock" {
	run_type MutexContention 4
	[ "$(wq '[.[] | select(.wake != null)] | length')" -eq 4 ]
	[ "$(wq '[.[].wake.samples] | add')" -gt 0 ]
}

@test "ktstr-work: a Sequence runs its phases and samples its sleeps" {
	run_type Sequence 1 --sequence spin:5ms,sleep:2ms,yield:1ms,io:1ms
	[ "$(wq '.[0].work_type')" = Sequence ]
	[ "$(wq '.[0].wake.samples')" -ge "$(wq '.[0].iterations')" ]
}

@test "ktstr-work: the instrument: a waker that delays 5 ms is reported as >= 5 ms" {
	run_type FutexPingPong 2 --param spin_iters=0 --param wake_delay_us=5000
	# every sample includes the delay; the median is close to it
	[ "$(wq '[.[] | select(.wake.samples > 10)] | length')" -eq 2 ]
	[ "$(wq '[.[].wake.hist.min] | min')" -ge 5000000 ]
	[ "$(wq '[.[].wake.p50_ns] | max')" -lt 15000000 ]
}

@test "ktstr-work: --affinity llc follows the topo record on stdin and passes it on" {
	run -0 --separate-stderr bash -c \
		'ktstr-topo --topology 1,2,1,1 | ktstr-work -t CpuSpin -n 2 -d 300ms -a llc'
	[ "$(head -n 1 <<<"$output" | jq -r .type)" = topo ]
	[ "$(jq -c 'select(.type == "worker") | .cpus_used' <<<"$output" | tr '\n' ' ')" = "[0] [1] " ]
}

@test "ktstr-work: --affinity with a CPU list pins every worker" {
	run_type CpuSpin 2 --affinity 1
	[ "$(wq -c '[.[].cpus_used] | unique')" = "[[1]]" ]
}

@test "ktstr-work: --cgroup places workers before they start (v1 cpuset)" {
	require_root
	[ -d /sys/fs/cgroup/cpuset ] || skip "needs the v1 cpuset hierarchy"
	CG=/sys/fs/cgroup/cpuset/ktstr-work-test-$$
	mkdir "$CG"
	echo 1 >"$CG/cpuset.cpus"
	echo 0 >"$CG/cpuset.mems"
	DUR=500ms run_type CpuSpin 2 --cgroup "$CG"
	[ "$(wq -c '[.[].cpus_used] | unique')" = "[[1]]" ]
	[ "$(wq -r '.[0].cgroup')" = "$CG" ]
	[ -z "$(cat "$CG/cgroup.procs")" ]
}

@test "ktstr-work: a cgroup that refuses the workers is an environment error (exit 3)" {
	require_root
	[ -d /sys/fs/cgroup/cpuset ] || skip "needs the v1 cpuset hierarchy"
	CG=/sys/fs/cgroup/cpuset/ktstr-work-test-$$
	mkdir "$CG" # no cpus: attaching fails with ENOSPC
	run -3 --separate-stderr ktstr-work -t CpuSpin -n 2 -d 1s --cgroup "$CG" </dev/null
	[[ "$stderr" == *"$CG/cgroup.procs"* ]]
	[ -z "$(cat "$CG/cgroup.procs")" ]
	run -3 --separate-stderr ktstr-work -t CpuSpin -n 1 -d 1s --cgroup "$CG/none" </dev/null
	[[ "$stderr" == *"not a directory"* ]]
}

@test "ktstr-work: a worker killed by someone else is reported, the others complete" {
	bg_work -t CpuSpin -n 3 -d 1500ms </dev/null
	read -r -a pids <<<"$(worker_pids 3)"
	sleep 0.3
	kill -9 "${pids[1]}"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 1 ]
	out=$BATS_TEST_TMPDIR/bg.out
	[ "$(jq -c 'select(.type == "worker" and .completed == false) | [.pid, .exit.signal, .stop_reason]' "$out")" = "[${pids[1]},9,\"killed\"]" ]
	[ "$(jq -c 'select(.type == "worker" and .completed == false) | .iterations > 0 and .partial' "$out")" = true ]
	[ "$(jq -s '[.[] | select(.type == "worker" and .completed)] | length' "$out")" -eq 2 ]
	all_gone "${pids[@]}"
}

@test "ktstr-work: SIGINT stops and reports every worker, exits 130, leaves nothing" {
	bg_work -t PipeIo -n 4 -d 60s </dev/null
	read -r -a pids <<<"$(worker_pids 4)"
	sleep 0.3
	kill -INT "$BG"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 130 ]
	out=$BATS_TEST_TMPDIR/bg.out
	[ "$(jq -s '[.[] | select(.type == "worker" and .completed and .stop_reason == "signal")] | length' "$out")" -eq 4 ]
	[ "$(tail -n 1 "$out" | jq -r .type)" = scenario_end ]
	all_gone "${pids[@]}"
}

# ---- stream mode

@test "ktstr-work: stream: every record passes through unchanged, in order" {
	in=$BATS_TEST_TMPDIR/in.ndjson
	cat >"$in" <<-'EOF'
	{"type":"topo","t_ns":1,"cpus":[0,1]}
	{"type":"scenario_begin","name":"s/default"}
	{"type":"spawn","group":1,"cgroup":null,"paths":[],"work":{"type":"CpuSpin"},"count":2,"policy":"normal","nice":0,"affinity":null,"mempolicy":null,"checked":true}
	{"type":"start","groups":[1]}
	{"type":"something_new", "x": [1, 2]}
	{"type":"stop","groups":[1],"discard":false}
	{"type":"scenario_end","name":"s/default"}
	EOF
	run -0 --separate-stderr ktstr-work <"$in"
	diff -u "$in" <(grep -v '"type":"worker"' <<<"$output")
	# the workers come after the stop that ended them and before scenario_end
	[ "$(jq -r .type <<<"$output" | tail -n 4 | tr '\n' ' ')" = "stop worker worker scenario_end " ]
	[ "$(jq -r 'select(.type == "worker") | .scenario' <<<"$output" | sort -u)" = s/default ]
}

@test "ktstr-work: stream: scenario_end reports its running workers before itself" {
	run -0 --separate-stderr ktstr-work <<-'EOF'
	{"type":"scenario_begin","name":"a"}
	{"type":"spawn","group":1,"work":{"type":"Bursty","params":{"burst_ms":5,"sleep_ms":5}},"count":1}
	{"type":"start"}
	{"type":"scenario_end","name":"a"}
	{"type":"scenario_begin","name":"b"}
	{"type":"scenario_end","name":"b"}
	EOF
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "scenario_begin spawn start worker scenario_end scenario_begin scenario_end " ]
}

@test "ktstr-work: stream: end of input stops and reports the workers" {
	run -0 --separate-stderr bash -c '{ echo "{\"type\":\"spawn\",\"group\":7,\"work\":{\"type\":\"PipeIo\"},\"count\":2}"; echo "{\"type\":\"start\"}"; sleep 0.5; } | ktstr-work'
	[ "$(jq -s -c '[.[] | select(.type == "worker") | [.group, .stop_reason, .completed, .iterations > 0]] | unique' <<<"$output")" = '[[7,"eof",true,true]]' ]
}

@test "ktstr-work: stream: stop with discard kills without records" {
	run -0 --separate-stderr bash -c '{ echo "{\"type\":\"spawn\",\"group\":1,\"work\":{\"type\":\"CpuSpin\"},\"count\":2}"; echo "{\"type\":\"start\"}"; sleep 0.2; echo "{\"type\":\"stop\",\"discard\":true}"; } | ktstr-work'
	[ "$(grep -c '"type":"worker"' <<<"$output")" -eq 0 ]
}

@test "ktstr-work: stream: ops change running workers and a cgroup move renames them" {
	run -0 --separate-stderr bash -c '
	{ echo "{\"type\":\"spawn\",\"group\":1,\"cgroup\":\"cg_0\",\"paths\":[],\"work\":{\"type\":\"CpuSpin\"},\"count\":2}"
	  echo "{\"type\":\"op\",\"op\":\"set_affinity\",\"group\":1,\"affinity\":[[0],[1]]}"
	  echo "{\"type\":\"start\"}"
	  sleep 0.2
	  echo "{\"type\":\"op\",\"op\":\"set_nice\",\"cgroup\":\"cg_0\",\"nice\":7}"
	  sleep 0.3
	  for p in $(pgrep -P $(pgrep -n -x ktstr-work -P $$ || pgrep -n -x ktstr-work)); do
		awk "{ sub(/^.*\\) /, \"\"); print \$17 }" /proc/$p/stat
	  done >'"$BATS_TEST_TMPDIR"'/nice
	  echo "{\"type\":\"cgroup\",\"op\":\"move\",\"name\":\"cg_1\",\"from\":\"cg_0\",\"to\":\"cg_1\",\"paths\":[]}"
	  echo "{\"type\":\"stop\",\"cgroup\":\"cg_1\"}"; } | ktstr-work'
	[ "$(sort -u "$BATS_TEST_TMPDIR/nice")" = 7 ]
	[ "$(jq -s -c '[.[] | select(.type == "worker") | [.cgroup, .nice]] | unique' <<<"$output")" = '[["cg_1",7]]' ]
	[ "$(jq -s -c '[.[] | select(.type == "worker") | .cpus_used]' <<<"$output")" = "[[0],[1]]" ]
}

@test "ktstr-work: stream: a malformed line is an error record, exit 2, no orphans" {
	fifo=$BATS_TEST_TMPDIR/in
	mkfifo "$fifo"
	ktstr-work <"$fifo" >"$BATS_TEST_TMPDIR/bg.out" 2>"$BATS_TEST_TMPDIR/bg.err" 3>&- &
	BG=$!
	echo "$BG" >>"$BATS_TEST_TMPDIR/bg.pids"
	exec {fd}>"$fifo"
	echo '{"type":"spawn","group":1,"work":{"type":"FutexPingPong"},"count":2}' >&"$fd"
	echo '{"type":"start"}' >&"$fd"
	read -r -a pids <<<"$(worker_pids 2)"
	echo '{"type":"stop", oops' >&"$fd"
	st=0
	wait "$BG" || st=$?
	exec {fd}>&-
	[ "$st" -eq 2 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/bg.out" | jq -c '[.type, .fatal, .line]')" = '["error",true,3]' ]
	grep -q '^ktstr-work: line 3: malformed JSON' "$BATS_TEST_TMPDIR/bg.err"
	[ "${#pids[@]}" -eq 2 ]
	all_gone "${pids[@]}"
}

@test "ktstr-work: stream: records that cannot be carried out are fatal errors" {
	run -2 --separate-stderr ktstr-work <<<'{"type":"spawn","group":1,"work":{"type":"PipeIo"},"count":3}'
	[ "$(jq -r 'select(.type == "error") | .message' <<<"$output")" = "line 1: spawn: PipeIo runs in groups of 2, and 3 workers is not a multiple of 2" ]
	run -2 --separate-stderr ktstr-work <<<'{"type":"stop","groups":[4]}'
	[[ "$(jq -r 'select(.type == "error") | .message' <<<"$output")" == *"no group 4"* ]]
	run -2 --separate-stderr ktstr-work <<<'{"type":"op","op":"set_nice","cgroup":"nowhere","nice":1}'
	[[ "$stderr" == *"cgroup 'nowhere'"* ]]
	run -2 --separate-stderr ktstr-work <<<'{"type":"spawn","group":1,"work":{"type":"CpuSpin","params":{"x":1}},"count":1}'
	[[ "$stderr" == *"unknown parameter 'x'"* ]]
}

@test "ktstr-work: stream: a refused placement is a non-fatal error and a failed worker" {
	require_root
	[ -d /sys/fs/cgroup/cpuset ] || skip "needs the v1 cpuset hierarchy"
	CG=/sys/fs/cgroup/cpuset/ktstr-work-test-$$
	mkdir "$CG"
	run -1 --separate-stderr ktstr-work <<-EOF
	{"type":"spawn","group":1,"cgroup":"cg","paths":["$CG"],"work":{"type":"CpuSpin"},"count":1}
	{"type":"spawn","group":2,"work":{"type":"CpuSpin"},"count":1}
	{"type":"start"}
	{"type":"stop"}
	EOF
	[ "$(jq -c 'select(.type == "error") | [.fatal, .group]' <<<"$output")" = "[false,1]" ]
	[ "$(jq -c 'select(.type == "worker") | [.group, .completed, .stop_reason, .error != null]' <<<"$output" | tr '\n' ' ')" = '[1,false,"failed",true] [2,true,"stop",false] ' ]
}

@test "ktstr-work: stream: a spawn's paths place its workers in every hierarchy" {
	require_root
	[ -d /sys/fs/cgroup/cpuset ] && [ -d /sys/fs/cgroup/cpu ] || skip "needs v1 cpuset and cpu"
	CG=/sys/fs/cgroup/cpuset/ktstr-work-test-$$
	CG2=/sys/fs/cgroup/cpu/ktstr-work-test-$$
	mkdir "$CG" "$CG2"
	echo 0 >"$CG/cpuset.cpus"
	echo 0 >"$CG/cpuset.mems"
	bg_work < <(printf '%s\n' "{\"type\":\"spawn\",\"group\":1,\"cgroup\":\"cg_0\",\"paths\":[\"$CG\",\"$CG2\"],\"work\":{\"type\":\"CpuSpin\"},\"count\":2}"; sleep 1)
	read -r -a pids <<<"$(worker_pids 2)"
	sleep 0.2
	run -0 cat "$CG/cgroup.procs" "$CG2/cgroup.procs"
	[ "$(sort -n <<<"$output" | uniq -c | awk '$1 == 2' | wc -l)" -eq 2 ]
	wait "$BG" || true
	[ "$(jq -s -c '[.[] | select(.type == "worker") | .cgroup] | unique' "$BATS_TEST_TMPDIR/bg.out")" = '["cg_0"]' ]
}

@test "ktstr-work: a reader that goes away is an interruption: exit 130" {
	run -0 bash -c 'ktstr-work -t CpuSpin -n 2 -d 300ms </dev/null | head -c 1 >/dev/null;
		echo "${PIPESTATUS[0]}"'
	[ "$output" = 130 ]
}

@test "ktstr-work: stream: spawn and stop cycles leak no fds, mappings or zombies" {
	in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	mkfifo "$in" "$out"
	exec {fd}<>"$in" # read-write: opening it does not wait for a reader
	# through a pipe, so every record is flushed as it is made
	cat "$out" >"$BATS_TEST_TMPDIR/bg.out" {fd}>&- 3>&- &
	CAT=$!
	ktstr-work <"$in" >"$out" {fd}>&- 3>&- &
	BG=$!
	echo "$BG" >>"$BATS_TEST_TMPDIR/bg.pids"
	sleep 0.3
	fds=$(ls "/proc/$BG/fd" | wc -l)
	for g in $(seq 1 20); do
		echo "{\"type\":\"spawn\",\"group\":$g,\"work\":{\"type\":\"PipeIo\"},\"count\":2}" >&"$fd"
		echo "{\"type\":\"start\",\"groups\":[$g]}" >&"$fd"
		echo "{\"type\":\"stop\",\"groups\":[$g]}" >&"$fd"
	done
	for i in $(seq 100); do
		[ "$(grep -c '"type":"worker"' "$BATS_TEST_TMPDIR/bg.out")" -eq 40 ] && break
		sleep 0.1
	done
	[ "$(grep -c '"type":"worker"' "$BATS_TEST_TMPDIR/bg.out")" -eq 40 ]
	[ "$(ls "/proc/$BG/fd" | wc -l)" -eq "$fds" ]
	# only the start gate is still mapped shared
	[ "$(grep -c '/dev/zero' "/proc/$BG/maps")" -eq 1 ]
	[ -z "$(pgrep -P "$BG")" ]
	exec {fd}>&-
	wait "$BG"
	wait "$CAT"
}
