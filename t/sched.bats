#!/usr/bin/env bats
# ktstr-sched against a fake sched_ext: $FIXTURES/sched/fake-sched "attaches"
# by writing a fake sysfs tree and logs kernel lines into a FIFO standing in
# for /dev/kmsg.  The real thing runs in t/vmrun.bats.

load helper
bats_require_minimum_version 1.5.0

FAKE=$BATS_TEST_DIRNAME/fixtures/sched/fake-sched

setup() {
	export KTSTR_SYSFS_ROOT=$BATS_TEST_TMPDIR/sys KTSTR_DEV_ROOT=$BATS_TEST_TMPDIR/dev
	export FAKE_MARK=$BATS_TEST_TMPDIR/mark FAKE_PIDFILE=$BATS_TEST_TMPDIR/fake.pid
	mkdir -p "$KTSTR_SYSFS_ROOT/kernel/sched_ext/root" "$KTSTR_DEV_ROOT"
	echo disabled >"$KTSTR_SYSFS_ROOT/kernel/sched_ext/state"
	: >"$KTSTR_SYSFS_ROOT/kernel/sched_ext/root/ops"
	mkfifo "$KTSTR_DEV_ROOT/kmsg"
	# a writer that stays, so the reader never sees the FIFO hang up
	exec 8<>"$KTSTR_DEV_ROOT/kmsg"
}

teardown() {
	local f
	exec 8>&-
	# a fake scheduler ktstr-sched failed to stop must not outlive the test
	for f in "$FAKE_PIDFILE" "$FAKE_PIDFILE.child"; do
		[ ! -s "$f" ] || kill -9 "$(cat "$f")" 2>/dev/null || true
	done
}

# The process is gone (or a zombie nobody has reaped yet), within a second.
gone() {
	local i
	for i in $(seq 20); do
		kill -0 "$1" 2>/dev/null || return 0
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "process $1 is still alive: $(tr '\0' ' ' <"/proc/$1/cmdline")"
	return 1
}

# The records of type scheduler in $output, one compact line each.
sched_records() {
	jq -c 'select(.type == "scheduler")' <<<"$output"
}

@test "ktstr-sched: --help and --version go to stdout and exit 0" {
	run -0 ktstr-sched --help
	[[ "$output" == "usage: ktstr-sched --scheduler path"* ]]
	run -0 ktstr-sched --version
	[[ "$output" == "ktstr-sched "* ]]
}

@test "ktstr-sched: usage errors exit 2 with the synopsis" {
	run -2 --separate-stderr ktstr-sched -- true
	assert_error_from ktstr-sched
	[[ "$stderr" == *"--scheduler is required"* ]]
	run -2 --separate-stderr ktstr-sched --scheduler "$FAKE"
	[[ "$stderr" == *"no command given"* ]]
	run -2 --separate-stderr ktstr-sched --scheduler "$BATS_TEST_TMPDIR/none" -- true
	[[ "$stderr" == *"'$BATS_TEST_TMPDIR/none'"* ]]
	run -2 --separate-stderr ktstr-sched --scheduler "$FAKE" --label Bad=1 -- true
	[[ "$stderr" == *"--label 'Bad=1'"* ]]
	run -2 --separate-stderr ktstr-sched --scheduler "$FAKE" --attach-timeout soon -- true
	[[ "$stderr" == *"--attach-timeout"* ]]
	[[ "$stderr" == *"usage: ktstr-sched"* ]]
}

@test "ktstr-sched: a scheduler that is a directory or not executable is a usage error naming it" {
	run -2 --separate-stderr ktstr-sched --scheduler "$BATS_TEST_TMPDIR" -- true
	assert_error_from ktstr-sched
	[[ "$stderr" == "ktstr-sched: --scheduler '$BATS_TEST_TMPDIR': Is a directory;"* ]]
	: >"$BATS_TEST_TMPDIR/plain"
	run -2 --separate-stderr ktstr-sched --scheduler "$BATS_TEST_TMPDIR/plain" -- true
	[[ "$stderr" == "ktstr-sched: --scheduler '$BATS_TEST_TMPDIR/plain': Permission denied;"* ]]
	run -2 --separate-stderr ktstr-sched --scheduler /dev/null -- true
	[[ "$stderr" == "ktstr-sched: --scheduler '/dev/null': Permission denied;"* ]]
}

@test "ktstr-sched: a kernel without sched_ext exits 3 with an error record" {
	rm -r "$KTSTR_SYSFS_ROOT/kernel/sched_ext"
	run -3 --separate-stderr ktstr-sched --scheduler "$FAKE" -- echo never
	[[ "$stderr" == *"this kernel has no sched_ext"* ]]
	[ "$(jq -r '[.type, .tool, .fatal] | @tsv' <<<"$output")" = "$(printf 'error\tktstr-sched\ttrue')" ]
	[[ "$output" != *never* ]]
}

@test "ktstr-sched: another attached scheduler exits 3 naming it" {
	echo enabled >"$KTSTR_SYSFS_ROOT/kernel/sched_ext/state"
	echo other >"$KTSTR_SYSFS_ROOT/kernel/sched_ext/root/ops"
	run -3 --separate-stderr ktstr-sched --scheduler "$FAKE" -- true
	[[ "$stderr" == *"another BPF scheduler ('other') is enabled"* ]]
}

@test "ktstr-sched: attached, the command's lines unchanged, detached; the command's status" {
	run -5 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg mysched \
		--label topology=1,2,2,1 -- \
		sh -c 'echo "{\"type\":\"a\"}"; printf "not json at all\n"; exit 5'
	[ "$(sed -n 2,3p <<<"$output")" = "$(printf '{"type":"a"}\nnot json at all')" ]
	first=$(sed -n 1p <<<"$output")
	[ "$(jq -r '[.event, .ops, .scheduler, .labels.topology, .kernel] | @tsv' <<<"$first")" = \
		"$(printf 'attached\tmysched\tfake-sched\t1,2,2,1\t%s' "$(uname -r)")" ]
	last=$(sed -n 4p <<<"$output")
	[ "$(jq -r '[.event, .reason, .exit_kind, .killed, .exit.code, .state] | @tsv' <<<"$last")" = \
		"$(printf 'detached\tunregistered from user space\tunregistered\tfalse\t0\tdisabled')" ]
	[ "$(wc -l <<<"$output")" -eq 4 ]
	[ "$(cat "$FAKE_MARK")" = stopped ]
}

@test "ktstr-sched: a scheduler that ignores SIGINT is killed and the record says so" {
	run -0 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg s --arg stubborn \
		--stop-timeout 300ms -- true
	[ "$(sched_records | jq -r 'select(.event == "detached") | [.killed, .exit.signal] | @tsv')" = \
		"$(printf 'true\t9')" ]
}

@test "ktstr-sched: a scheduler that never attaches fails after --attach-timeout with its output" {
	run -3 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg s --arg noattach \
		--attach-timeout 1s -- echo never
	[[ "$stderr" == *"did not attach within 1.0 s"* ]]
	[[ "$stderr" == *"fake-sched: s starting (noattach)"* ]]
	[ "$(jq -r '.type' <<<"$output")" = error ]
	[[ "$(jq -r '.log_tail' <<<"$output")" == *"starting (noattach)"* ]]
	[[ "$output" != *never* ]]
}

@test "ktstr-sched: a scheduler that exits before attaching exits 3 with its status" {
	run -3 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg s --arg early -- true
	[[ "$stderr" == *"exited with status 4 before attaching"* ]]
	[[ "$stderr" == *"cannot load: Invalid argument"* ]]
}

@test "ktstr-sched: a death is reported with kind, reason, message, dump and log; the command goes on" {
	run -0 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg s --arg die --arg 0.5 -- \
		sh -c 'for i in 1 2 3 4; do echo "{\"type\":\"tick\",\"i\":$i}"; sleep 0.5; done'
	died=$(sched_records | jq -c 'select(.event == "died")')
	[ "$(jq -r '[.exit_kind, .reason, .message, .exit.code, .dump_source] | @tsv' <<<"$died")" = \
		"$(printf 'error_bpf\tscx_bpf_error\tinjected failure\t1\tlog')" ]
	[ "$(jq -r .dump <<<"$died")" = "$(printf 'CPU 0   : nr_run=1\n')" ]
	[[ "$(jq -r .log_tail <<<"$died")" == *"EXIT: scx_bpf_error (injected failure)"* ]]
	[ "$(jq -r '.kmsg[0]' <<<"$died")" = 'sched_ext: BPF scheduler "s" disabled (scx_bpf_error)' ]
	# every tick arrives, and nothing follows the death but them
	[ "$(jq -c 'select(.type == "tick") | .i' <<<"$output" | tr -d '\n')" = 1234 ]
	[ -z "$(sched_records | jq -r 'select(.event == "detached")')" ]
	[[ "$stderr" == *"scheduler 'fake-sched' died while the command ran"* ]]
}

@test "ktstr-sched: its records go between lines, never inside one" {
	run -0 --separate-stderr ktstr-sched --scheduler "$FAKE" --arg s --arg die --arg 0.3 -- \
		sh -c 'printf "{\"type\":"; sleep 1.5; printf "\"late\"}\n"; echo "{\"type\":\"next\"}"'
	# every line is one JSON object: jq reads them all
	jq -e . <<<"$output" >/dev/null
	types=$(jq -r .type <<<"$output" | tr '\n' ' ')
	[ "$types" = "scheduler late scheduler next " ] || { echo "got: $types"; echo "$output"; false; }
}

@test "ktstr-sched: SIGTERM reaches the command, stops the scheduler, exits 130" {
	ktstr-sched --scheduler "$FAKE" -- sh -c 'trap "exit 130" TERM; while :; do sleep 0.05; done' \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q attached "$BATS_TEST_TMPDIR/out" 2>/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ]
	[ "$(cat "$FAKE_MARK")" = stopped ]
	[ "$(cat "$KTSTR_SYSFS_ROOT/kernel/sched_ext/state")" = disabled ]
	! pgrep -f "$FAKE" >/dev/null
}

@test "ktstr-sched: a reader that goes away is a quiet exit 130" {
	run -0 --separate-stderr timeout 20 bash -c \
		'ktstr-sched --scheduler "$1" -- sh -c "while :; do echo {}; sleep 0.1; done" |
			head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$FAKE"
	[ "$output" = 130 ]
	[ -z "$stderr" ] || { echo "stderr: $stderr"; false; }
	[ "$(cat "$FAKE_MARK")" = stopped ]
}

@test "ktstr-sched: an output that cannot be written exits 3 naming the error, the scheduler stopped with SIGINT" {
	run -3 --separate-stderr timeout 20 bash -c \
		'ktstr-sched --scheduler "$1" -- touch "$2" >/dev/full' _ "$FAKE" "$BATS_TEST_TMPDIR/ran"
	[ "$stderr" = "ktstr-sched: cannot write standard output: No space left on device" ]
	[ "$(cat "$FAKE_MARK")" = stopped ]
	[ "$(cat "$KTSTR_SYSFS_ROOT/kernel/sched_ext/state")" = disabled ]
	# nobody could read the command's output: it was not run
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "ktstr-sched: a scheduler started by a wrapper script is stopped with SIGINT too" {
	local w=$BATS_TEST_TMPDIR/wrapper
	# no exec: the real scheduler is the wrapper's child
	printf '#!/bin/sh\n"%s" "$@"\necho "wrapper: done"\n' "$FAKE" >"$w"
	chmod +x "$w"
	run -0 --separate-stderr timeout 30 ktstr-sched --scheduler "$w" --arg s -- true
	[ "$(cat "$FAKE_MARK")" = stopped ]
	[ "$(cat "$KTSTR_SYSFS_ROOT/kernel/sched_ext/state")" = disabled ]
	[ "$(sched_records | jq -r 'select(.event == "detached") | [.reason, .killed] | @tsv')" = \
		"$(printf 'unregistered from user space\tfalse')" ]
	gone "$(cat "$FAKE_PIDFILE")"
}

@test "ktstr-sched: a scheduler that never attaches leaves none of its children behind" {
	run -3 --separate-stderr timeout 30 ktstr-sched --scheduler "$FAKE" --arg s --arg noattach \
		--attach-timeout 500ms -- true
	[ -s "$FAKE_PIDFILE.child" ]
	gone "$(cat "$FAKE_PIDFILE.child")"
	gone "$(cat "$FAKE_PIDFILE")"
}

@test "ktstr-check names the scheduler, kernel and topology of a ktstr-sched stream" {
	run -0 bash -c "ktstr-sched --scheduler '$FAKE' --arg simple --label topology=2,2,1,1 -- \
		sh -c 'echo \"{\\\"type\\\":\\\"scenario_begin\\\",\\\"name\\\":\\\"x/default\\\"}\";
		       echo \"{\\\"type\\\":\\\"scenario_end\\\",\\\"name\\\":\\\"x/default\\\"}\"' |
		ktstr-check --json"
	[ "$(jq -r '.[0] | [.scenario_name, .passed, .scheduler, .kernel, .labels.topology] | @tsv' \
		<<<"$output")" = "$(printf 'x/default\ttrue\tsimple\t%s\t2,2,1,1' "$(uname -r)")" ]
}
