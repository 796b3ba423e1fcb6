#!/usr/bin/env bats
# ktstr-locks (read-only lock census) and CPU reservations between concurrent
# processes, with real flock holders in a private $KTSTR_LOCK_DIR.  The
# reservations come from t/helpers/reserve-hold, which calls lib/reserve as
# a ktstr run will; the topology is a fixture, so results do not depend on
# this host (desktop-2llc-smt: LLC 0 = CPUs 2,3,6,7, LLC 1 = CPUs 0,1,4,5).

load helper
bats_require_minimum_version 1.5.0

setup() {
	export KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/locks
	export KTSTR_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	mkdir -p "$KTSTR_LOCK_DIR" "$KTSTR_CACHE_DIR"
	unset KTSTR_NO_PERF_MODE KTSTR_CPU_CAP KTSTR_BYPASS_LLC_LOCKS KTSTR_LOCK_TIMEOUT
	DESKTOP=$FIXTURES/topo/desktop-2llc-smt/sys
	PIDS=$BATS_TEST_TMPDIR/pids
	: >"$PIDS"
}

# Stop what a test started: children first (flock's command), then the process.
teardown() {
	local pid kid
	while read -r pid; do
		for kid in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
			kill "$kid" 2>/dev/null
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done <"$PIDS"
	local m
	for m in "$BATS_TEST_TMPDIR/ov/mnt" "$BATS_TEST_TMPDIR/ro"; do
		if mountpoint -q "$m" 2>/dev/null; then
			umount "$m"
		fi
	done
	true
}

# Wait until pid shows up in /proc/locks (it has its lock).
wait_locked() {
	local i
	for i in $(seq 100); do
		grep -Eq "FLOCK +ADVISORY +(READ|WRITE) +$1 " /proc/locks && return 0
		sleep 0.1
	done
	echo "pid $1 never took its lock"
	return 1
}

# Wait until FILE has at least N lines (a background writer got going).
wait_output() {
	local i
	for i in $(seq 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 never reached $2 lines"
	return 1
}

# flock_hold -x|-s FILE: a real flock(1) holder; sets HOLDER to its pid.
flock_hold() {
	flock "$1" "$2" sleep 600 >/dev/null 2>&1 3>&- &
	HOLDER=$!
	echo "$HOLDER" >>"$PIDS"
	wait_locked "$HOLDER"
}

# reserve_hold OUT [options]: a reservation held in the background; sets HOLDER.
reserve_hold() {
	local out=$1 i
	shift
	KTSTR_SYSFS_ROOT=$DESKTOP "$HELPERS/reserve-hold" --allowed 0-7 "$@" \
		>"$out" 2>"$out.err" 3>&- &
	HOLDER=$!
	echo "$HOLDER" >>"$PIDS"
	for i in $(seq 100); do
		[ -s "$out" ] && return 0
		kill -0 "$HOLDER" 2>/dev/null || break
		sleep 0.1
	done
	echo "reserve-hold $* did not reserve: $(cat "$out.err")"
	return 1
}

reserve() {
	KTSTR_SYSFS_ROOT=$DESKTOP "$HELPERS/reserve-hold" --allowed 0-7 "$@"
}

# Stop a reserve_hold with SIGINT and check it released cleanly.
release() {
	kill -INT "$1"
	wait "$1"
}

@test "ktstr-locks: --help and --version exit 0 on stdout" {
	run -0 --separate-stderr ktstr-locks --help
	[[ "$output" == "usage: ktstr-locks [--json] [--watch DURATION]"* ]]
	[ -z "$stderr" ]
	run -0 ktstr-locks --version
	[[ "$output" == "ktstr-locks "* ]]
}

@test "ktstr-locks: bad usage exits 2 with one line and the synopsis on stderr" {
	run -2 --separate-stderr ktstr-locks --watch soon
	assert_error_from ktstr-locks
	[[ "$stderr" == *"--watch: "*"usage: ktstr-locks"* ]]
	run -2 --separate-stderr ktstr-locks --watch 1ms
	[[ "$stderr" == *"--watch: "* ]]
	run -2 --separate-stderr ktstr-locks --json --json
	[[ "$stderr" == *"--json given more than once"* ]]
	run -2 --separate-stderr ktstr-locks extra
	[[ "$stderr" == *"unexpected argument 'extra'"* ]]
}

@test "ktstr-locks: an empty lock directory gives four empty blocks and empty lists" {
	run -0 --separate-stderr ktstr-locks
	[ "$(grep -c '^  (none)$' <<<"$output")" -eq 4 ]
	[[ "$output" == *"LLC locks:"*"Per-CPU locks:"*"Cache-entry locks:"*"Run-dir locks:"* ]]
	run -0 ktstr-locks --json
	[ "$(jq -c '[.llcs, .cpus, .cache, .run_dirs, .errors]' <<<"$output")" = "[[],[],[],[],[]]" ]
	[ "$(jq -r .lock_dir <<<"$output")" = "$KTSTR_LOCK_DIR" ]
	[ "$(jq -r .cache_lock_dir <<<"$output")" = "$KTSTR_CACHE_DIR/.locks" ]
}

@test "ktstr-locks: --json names the pid and command line holding ktstr-llc-0.lock" {
	flock_hold -x "$KTSTR_LOCK_DIR/ktstr-llc-0.lock"
	run -0 --separate-stderr ktstr-locks --json
	[ -z "$stderr" ]
	[ "$(jq -r '.llcs[0].lockfile' <<<"$output")" = "$KTSTR_LOCK_DIR/ktstr-llc-0.lock" ]
	[ "$(jq '.llcs[0].llc_idx' <<<"$output")" -eq 0 ]
	[ "$(jq -c '.llcs[0].holders' <<<"$output")" = \
		"[{\"pid\":$HOLDER,\"mode\":\"exclusive\",\"cmdline\":\"flock -x $KTSTR_LOCK_DIR/ktstr-llc-0.lock sleep 600\"}]" ]
	# one-shot JSON is pretty-printed
	[ "$(sed -n 2p <<<"$output")" = '  "lock_dir": "'"$KTSTR_LOCK_DIR"'",' ]
}

@test "ktstr-locks: LLC rows carry the node and CPUs from the host topology" {
	flock_hold -s "$KTSTR_LOCK_DIR/ktstr-llc-1.lock"
	touch "$KTSTR_LOCK_DIR/ktstr-llc-7.lock" "$KTSTR_LOCK_DIR/ktstr-cpu-4.lock"
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/numa-server/sys run -0 ktstr-locks --json
	[ "$(jq -c '.llcs[] | [.llc_idx, .numa_node, .cpus]' <<<"$output" | tr '\n' ' ')" = \
		"[1,1,[4,5,6,7]] [7,null,null] " ]
	[ "$(jq -c '.cpus[0] | [.cpu, .numa_node, .llc_idx]' <<<"$output")" = "[4,1,1]" ]
	[ "$(jq -r '.llcs[0].holders[0].mode' <<<"$output")" = shared ]
}

@test "ktstr-locks: the text table lists every lock file, held or not, sorted" {
	flock_hold -x "$KTSTR_LOCK_DIR/ktstr-cpu-10.lock"
	touch "$KTSTR_LOCK_DIR/ktstr-cpu-2.lock" "$KTSTR_LOCK_DIR/ktstr-llc-x.lock" \
		"$KTSTR_LOCK_DIR/unrelated.lock"
	KTSTR_SYSFS_ROOT=$DESKTOP run -0 --separate-stderr ktstr-locks
	[ -z "$stderr" ]
	[[ "$output" == *"  CPU  NODE  LLC  LOCKFILE"* ]]
	grep -Eq "^  2 +0 +0 +$KTSTR_LOCK_DIR/ktstr-cpu-2.lock +none$" <<<"$output"
	grep -Eq "^  10 +\? +\? +$KTSTR_LOCK_DIR/ktstr-cpu-10.lock +$HOLDER exclusive +flock -x " \
		<<<"$output"
	# CPU 2 before CPU 10: numeric order; files that are not ours are not listed
	[[ "$output" == *"ktstr-cpu-2.lock"*"ktstr-cpu-10.lock"* ]]
	[[ "$output" != *"ktstr-llc-x"* && "$output" != *"unrelated"* ]]
}

@test "ktstr-locks: cache-entry and run-dir locks are listed by key" {
	mkdir -p "$KTSTR_CACHE_DIR/.locks"
	flock_hold -x "$KTSTR_CACHE_DIR/.locks/6.12.3-x86_64-ab12cd.lock"
	touch "$KTSTR_LOCK_DIR/ktstr-run-6.12-abc1234.lock"
	run -0 ktstr-locks --json
	[ "$(jq -r '.cache[0].cache_key' <<<"$output")" = 6.12.3-x86_64-ab12cd ]
	[ "$(jq '.cache[0].holders[0].pid' <<<"$output")" -eq "$HOLDER" ]
	[ "$(jq -r '.run_dirs[0].run_key' <<<"$output")" = 6.12-abc1234 ]
	[ "$(jq -c '.run_dirs[0].holders' <<<"$output")" = "[]" ]
}

@test "ktstr-locks: what it cannot read is reported, not fatal" {
	ln -s "$BATS_TEST_TMPDIR/nowhere" "$KTSTR_LOCK_DIR/ktstr-llc-3.lock"
	mkdir "$BATS_TEST_TMPDIR/proc"
	KTSTR_PROC_ROOT=$BATS_TEST_TMPDIR/proc run -0 --separate-stderr ktstr-locks --json
	[ "$(jq -r '.llcs[0].error' <<<"$output")" = "No such file or directory" ]
	[ "$(jq -r '.errors[0].path' <<<"$output")" = "$BATS_TEST_TMPDIR/proc/locks" ]
	[ "$(jq -r '.errors[0].error' <<<"$output")" = "No such file or directory" ]
	[ "${stderr%%$'\n'*}" = "ktstr-locks: cannot read '$BATS_TEST_TMPDIR/proc/locks': No such file or directory; it is left out" ]
	KTSTR_PROC_ROOT=$BATS_TEST_TMPDIR/proc run -0 --separate-stderr ktstr-locks
	[[ "$output" == *"error: No such file or directory"*"Errors:"* ]]
}

@test "ktstr-locks: it never creates, locks or deletes a lock file" {
	touch "$KTSTR_LOCK_DIR/ktstr-llc-0.lock"
	ktstr-locks --watch 20ms --json >"$BATS_TEST_TMPDIR/out" 3>&- &
	local watcher=$! i
	echo "$watcher" >>"$PIDS"
	wait_output "$BATS_TEST_TMPDIR/out" 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		flock -n -x "$KTSTR_LOCK_DIR/ktstr-llc-0.lock" true
		[ "$(grep -Ec "FLOCK +ADVISORY +(READ|WRITE) +$watcher " /proc/locks)" -eq 0 ]
		sleep 0.05
	done
	kill -INT "$watcher"
	wait "$watcher"
	[ "$(ls -A "$KTSTR_LOCK_DIR")" = ktstr-llc-0.lock ]
	[ ! -e "$KTSTR_CACHE_DIR/.locks" ]
}

@test "ktstr-locks: --watch 100ms --json emits one object per line until SIGINT, then exits 0" {
	flock_hold -x "$KTSTR_LOCK_DIR/ktstr-llc-0.lock"
	ktstr-locks --watch 100ms --json >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local watcher=$! rc=0
	echo "$watcher" >>"$PIDS"
	wait_output "$BATS_TEST_TMPDIR/out" 3
	kill -INT "$watcher"
	wait "$watcher" || rc=$? # not "run wait": a subshell cannot wait for our child
	[ "$rc" -eq 0 ]
	# every line is a whole compact object naming the holder
	run -0 jq -c ".llcs[0].holders[0].pid == $HOLDER" "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^true$' <<<"$output")" -ge 3 ]
	[ -z "$(grep -v '^true$' <<<"$output")" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "ktstr-locks: --watch redraws in place on a terminal" {
	local kid i rc=0
	# script(1) gives it a terminal; "exec" makes ktstr-locks script's own child
	script -qec "exec $KTSTR_BIN/ktstr-locks --watch 50ms" /dev/null \
		>"$BATS_TEST_TMPDIR/out" </dev/null 3>&- &
	local term=$!
	echo "$term" >>"$PIDS"
	for i in $(seq 200); do
		[ "$(grep -c 'LLC locks:' "$BATS_TEST_TMPDIR/out")" -ge 2 ] && break
		sleep 0.1
	done
	kid=$(cat "/proc/$term/task/$term/children")
	kill -INT $kid
	wait "$term" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(grep -o $'\e\\[2J' "$BATS_TEST_TMPDIR/out" | wc -l)" -ge 2 ]
}

@test "ktstr-locks: SIGTERM ends --watch as an interruption (130)" {
	ktstr-locks --watch 50ms --json >"$BATS_TEST_TMPDIR/out" 3>&- &
	local watcher=$! rc=0
	echo "$watcher" >>"$PIDS"
	wait_output "$BATS_TEST_TMPDIR/out" 1
	kill -TERM "$watcher"
	wait "$watcher" || rc=$?
	[ "$rc" -eq 130 ]
}

@test "ktstr-locks: a holder is found through an overlay mount" {
	require_root
	mkdir -p "$BATS_TEST_TMPDIR/ov/lower" "$BATS_TEST_TMPDIR/ov/upper" \
		"$BATS_TEST_TMPDIR/ov/work" "$BATS_TEST_TMPDIR/ov/mnt"
	touch "$BATS_TEST_TMPDIR/ov/lower/ktstr-llc-0.lock"
	mount -t overlay overlay -o "lowerdir=$BATS_TEST_TMPDIR/ov/lower,upperdir=$BATS_TEST_TMPDIR/ov/upper,workdir=$BATS_TEST_TMPDIR/ov/work" \
		"$BATS_TEST_TMPDIR/ov/mnt" || skip "cannot mount overlayfs here"
	KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/ov/mnt flock_hold -x "$BATS_TEST_TMPDIR/ov/mnt/ktstr-llc-0.lock"
	KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/ov/mnt run -0 ktstr-locks --json
	[ "$(jq '.llcs[0].holders[0].pid' <<<"$output")" -eq "$HOLDER" ]
}

@test "reserve: lock files we may not write are locked through a read-only descriptor" {
	require_root
	mkdir -p "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/ro"
	touch "$BATS_TEST_TMPDIR/rw/ktstr-llc-0.lock" "$BATS_TEST_TMPDIR/rw/ktstr-llc-1.lock"
	mount --bind "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/ro" || skip "cannot bind-mount here"
	mount -o remount,bind,ro "$BATS_TEST_TMPDIR/ro" || skip "cannot make a read-only bind mount"
	KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/ro reserve_hold "$BATS_TEST_TMPDIR/a"
	local first=$HOLDER
	# the lock is real: a peer through the writable path is kept out
	KTSTR_LOCK_DIR=$BATS_TEST_TMPDIR/rw run -3 --separate-stderr reserve
	[[ "$stderr" == *"held by pid $first "* ]]
	release "$first"
}

@test "ktstr locks: the dispatcher runs ktstr-locks" {
	flock_hold -x "$KTSTR_LOCK_DIR/ktstr-llc-0.lock"
	run -0 ktstr locks --json
	[ "$(jq '.llcs[0].holders[0].pid' <<<"$output")" -eq "$HOLDER" ]
}

@test "reserve: a second perf run asking for the same LLC fails at once naming the first" {
	reserve_hold "$BATS_TEST_TMPDIR/a" --llcs 1
	[ "$(jq -c '[.mode, .llcs, .cpus]' "$BATS_TEST_TMPDIR/a")" = '["perf",[0],[2,3,6,7]]' ]
	local first=$HOLDER
	run -3 --separate-stderr reserve --llcs 2
	assert_error_from reserve-hold
	[[ "$stderr" == *"cannot reserve 2 whole LLCs (perf mode): only 1 of 2 LLCs are free"* ]]
	[[ "$stderr" == *"LLC 0 held by pid $first '$HELPERS/reserve-hold --allowed 0-7 --llcs 1' (exclusive)"* ]]
	[[ "$stderr" == *"'ktstr locks' lists every reservation"* ]]
	# the rest of the host is still free: a one-LLC run gets LLC 1
	reserve_hold "$BATS_TEST_TMPDIR/b" --llcs 1
	[ "$(jq -c .llcs "$BATS_TEST_TMPDIR/b")" = "[1]" ]
	release "$HOLDER"
	release "$first"
}

@test "reserve: with --lock-timeout the second run waits for the first to finish" {
	reserve_hold "$BATS_TEST_TMPDIR/a"
	local first=$HOLDER
	KTSTR_SYSFS_ROOT=$DESKTOP "$HELPERS/reserve-hold" --allowed 0-7 --lock-timeout 60s \
		>"$BATS_TEST_TMPDIR/b" 2>&1 3>&- &
	local second=$!
	echo "$second" >>"$PIDS"
	sleep 0.3
	# still waiting: nothing reserved yet
	[ ! -s "$BATS_TEST_TMPDIR/b" ]
	kill -0 "$second"
	release "$first"
	local i
	for i in $(seq 100); do
		[ -s "$BATS_TEST_TMPDIR/b" ] && break
		sleep 0.1
	done
	[ "$(jq -c .cpus "$BATS_TEST_TMPDIR/b")" = "[0,1,2,3,4,5,6,7]" ]
	release "$second"
}

@test "reserve: no-perf runs take shared locks and both run" {
	reserve_hold "$BATS_TEST_TMPDIR/a" --no-perf-mode
	local first=$HOLDER
	reserve_hold "$BATS_TEST_TMPDIR/b" --no-perf-mode
	local second=$HOLDER
	[ "$(jq -r .mode "$BATS_TEST_TMPDIR/b")" = no-perf ]
	run -0 ktstr-locks --json
	[ "$(jq -c '[.llcs[] | [.holders[] | .mode] | sort] | unique' <<<"$output")" = \
		'[["shared","shared"]]' ]
	# a perf run is kept out while they hold the LLCs
	run -3 --separate-stderr reserve
	[[ "$stderr" == *"(shared)"* ]]
	release "$second"
	release "$first"
}

@test "reserve: KTSTR_NO_PERF_MODE=1 means no-perf mode and =0 means perf mode" {
	reserve_hold "$BATS_TEST_TMPDIR/a"
	local first=$HOLDER
	KTSTR_NO_PERF_MODE=0 run -3 --separate-stderr reserve
	[[ "$stderr" == *"(perf mode)"* ]]
	KTSTR_NO_PERF_MODE=1 run -3 --separate-stderr reserve
	[[ "$stderr" == *"(no-perf mode)"* && "$stderr" == *"(exclusive)"* ]]
	release "$first"
}

@test "reserve: per-CPU reservations share an LLC but never a CPU" {
	reserve_hold "$BATS_TEST_TMPDIR/a" --cpus 3
	local first=$HOLDER
	reserve_hold "$BATS_TEST_TMPDIR/b" --cpus 3
	[ "$(jq -c '[.mode, .cpus]' "$BATS_TEST_TMPDIR/a")" = '["cpus",[2,3,6]]' ]
	[ "$(jq -c .cpus "$BATS_TEST_TMPDIR/b")" = "[0,1,7]" ]
	run -0 ktstr-locks --json
	[ "$(jq -c '[.cpus[] | [.cpu, .holders[0].mode]]' <<<"$output")" = \
		'[[0,"exclusive"],[1,"exclusive"],[2,"exclusive"],[3,"exclusive"],[6,"exclusive"],[7,"exclusive"]]' ]
	run -3 --separate-stderr reserve --cpus 3
	[[ "$stderr" == *"only 2 of 8 CPUs are free"* ]]
	release "$HOLDER"
	release "$first"
}

@test "reserve: a killed holder's reservation goes with it" {
	reserve_hold "$BATS_TEST_TMPDIR/a"
	kill -KILL "$HOLDER"
	wait "$HOLDER" || true
	reserve_hold "$BATS_TEST_TMPDIR/b"
	release "$HOLDER"
	# lock files stay for the next run; nobody holds them
	run -0 ktstr-locks --json
	[ "$(jq -c '[.llcs[] | .holders | length]' <<<"$output")" = "[0,0]" ]
}

@test "reserve: --cpu-cap 3 takes CPUs of one LLC, NUMA-local" {
	reserve_hold "$BATS_TEST_TMPDIR/a" --no-perf-mode --cpu-cap 3
	[ "$(jq -c '[.cpus, .llcs, .mems]' "$BATS_TEST_TMPDIR/a")" = "[[2,3,6],[0],[0]]" ]
	release "$HOLDER"
	KTSTR_CPU_CAP=9 run -3 --separate-stderr reserve --no-perf-mode
	[[ "$stderr" == *"wants 9 CPUs, but this process may only use 8 (CPUs 0-7)"* ]]
}

@test "reserve: every --cpu-cap rule is named when broken" {
	run -2 --separate-stderr reserve --cpu-cap 2
	[[ "$stderr" == *"--cpu-cap 2 requires no-perf mode"* ]]
	KTSTR_CPU_CAP=2 run -2 --separate-stderr reserve
	[[ "$stderr" == *"KTSTR_CPU_CAP=2 requires no-perf mode"* ]]
	run -2 --separate-stderr reserve --no-perf-mode --cpu-cap 0
	[[ "$stderr" == *"--cpu-cap must be at least 1 CPU (got 0)"* ]]
	KTSTR_BYPASS_LLC_LOCKS=1 run -2 --separate-stderr reserve --no-perf-mode --cpu-cap 2
	[[ "$stderr" == *"mutually exclusive"* ]]
	# the flag wins over the variable
	KTSTR_CPU_CAP=0 run -2 --separate-stderr reserve --no-perf-mode --cpu-cap 2 --lock-timeout x
	[[ "$stderr" == *"--lock-timeout: "* ]]
	[ -z "$(ls -A "$KTSTR_LOCK_DIR")" ]
}
