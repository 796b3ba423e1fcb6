#!/usr/bin/env bats
# ktstr-hst: capture on this machine and on fixture trees, compare, bad files.

load helper
bats_require_minimum_version 1.5.0

HELPERS=${KTSTR_HELPER_DIR:-$BATS_TEST_DIRNAME/../build/t/helpers}

setup() {
	pids=()
	dirs=()
}

teardown() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in "${dirs[@]}"; do
		rm -rf "$p"
	done
}

# "0-2,5" -> "0 1 2 5"
expand_cpus() {
	local part out=()
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		if [[ "$part" == *-* ]]; then
			out+=($(seq "${part%-*}" "${part#*-}"))
		else
			out+=("$part")
		fi
	done
	echo "${out[*]}"
}

# The snapshot as JSON, without what changes from run to run; $2 is cut off paths.
snapshot_json() {
	zstd -dc "$1" | jq --arg p "${2:-/nonexistent}/" \
		'(.. | strings) |= ltrimstr($p) | del(.realtime_ns, .monotonic_ns, .duration_ns, .counts.workers)'
}

# capture_fixture <case> <out>: capture a fixture tree (copied, so paths do not depend on it)
capture_fixture() {
	rm -rf "$BATS_TEST_TMPDIR/root"
	cp -r "$FIXTURES/hst/$1" "$BATS_TEST_TMPDIR/root"
	KTSTR_PROC_ROOT=$BATS_TEST_TMPDIR/root/proc KTSTR_SYSFS_ROOT=$BATS_TEST_TMPDIR/root/sys \
		KTSTR_CGROUP_ROOT=$BATS_TEST_TMPDIR/root/cgroup ktstr-hst capture -o "$2"
}

# start_threads <ready file> <helper args...>: a hst-threads process, waited for
start_threads() {
	local ready=$1 i
	shift
	[ -x "$HELPERS/hst-threads" ] || skip "needs $HELPERS/hst-threads (make unit)"
	"$HELPERS/hst-threads" "$@" >"$ready" &
	pids+=($!)
	for i in $(seq 100); do
		grep -q ready "$ready" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "hst-threads did not start" >&2
	return 1
}

@test "ktstr-hst: fixture trees give the documented snapshots" {
	local c
	for c in hybrid hybrid-later unified damaged; do
		capture_fixture "$c" "$BATS_TEST_TMPDIR/$c.hst.zst" 2>/dev/null
		diff -u "$FIXTURES/hst/$c/expected.json" \
			<(snapshot_json "$BATS_TEST_TMPDIR/$c.hst.zst" "$BATS_TEST_TMPDIR/root")
	done
}

@test "ktstr-hst: unreadable files are reported on stderr and recorded as null" {
	run -0 --separate-stderr capture_fixture damaged "$BATS_TEST_TMPDIR/d.hst.zst"
	[ -z "$output" ]
	[[ "$stderr" == *"ktstr-hst: cannot read 'io' of 2 thread(s): No such file or directory; recorded as null"* ]]
	[[ "$stderr" == *"cannot read 'sched' of 1 thread(s)"* ]]
	[[ "$stderr" == *"wrote '$BATS_TEST_TMPDIR/d.hst.zst': 2 threads of 2 processes"* ]]
	[ "$(zstd -dc "$BATS_TEST_TMPDIR/d.hst.zst" | jq -c '[.threads[] | .rchar]')" = "[null,null]" ]
}

@test "ktstr-hst: this machine's capture holds the test's own threads with plausible counters" {
	require_root
	local f=$BATS_TEST_TMPDIR/live.hst.zst t
	start_threads "$BATS_TEST_TMPDIR/ready" -n hst-probe 3
	run -0 ktstr-hst capture -o "$f"
	t=$(zstd -dc "$f" | jq -c --argjson p "${pids[0]}" '[.threads[] | select(.tgid == $p)]')
	[ "$(jq length <<<"$t")" -eq 4 ]
	[ "$(jq -r '[.[] | .pcomm, .comm] | unique | join(",")' <<<"$t")" = hst-probe ]
	# it ran (run time, start time, page faults) and sleeps now
	[ "$(jq '[.[] | select(.run_time_ns > 0 and .start_time_ns > 0)] | length' <<<"$t")" -eq 4 ]
	[ "$(jq '.[0].minflt > 0 and .[0].num_threads == 4' <<<"$t")" = true ]
	[ "$(expand_cpus "$(jq -r '.[0].cpus_allowed' <<<"$t")")" = \
		"$(expand_cpus "$(taskset -pc "${pids[0]}" | sed 's/.*: //')")" ]
	[ "$(jq -r '.[0].policy' <<<"$t")" = SCHED_OTHER ]
	# this shell is there too, and the counts add up
	[ "$(zstd -dc "$f" | jq --argjson p $$ '[.threads[] | select(.tid == $p)] | length')" -eq 1 ]
	[ "$(zstd -dc "$f" | jq '.counts.threads == (.threads | length)')" = true ]
	[ "$(zstd -dc "$f" | jq -r '.host.kernel_release')" = "$(uname -r)" ]
}

@test "ktstr-hst: 2000 extra threads are all captured" {
	require_root
	local f=$BATS_TEST_TMPDIR/many.hst.zst
	start_threads "$BATS_TEST_TMPDIR/ready" 2000
	run -0 ktstr-hst capture -o "$f"
	[ "$(zstd -dc "$f" | jq --argjson p "${pids[0]}" '[.threads[] | select(.tgid == $p)] | length')" -eq 2001 ]
}

@test "ktstr-hst: compare around a busy thread shows its CPU time at the top" {
	require_root
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst row
	# four spinning threads: whatever else runs, this group gets most of the CPU
	start_threads "$BATS_TEST_TMPDIR/ready" -n hst-busy -b 4 0
	ktstr-hst capture -o "$a" 2>/dev/null
	sleep 1
	ktstr-hst capture -o "$b" 2>/dev/null
	run -0 ktstr-hst compare "$a" "$b"
	# the first row of the table
	row=$(printf '%s\n' "$output" | awk '/^PCOMM .* METRIC /{getline; print; exit}')
	printf '%s\n' "$output" | head -12 # shown if the test fails
	[[ "$row" =~ ^hst-busy\ +hst-busy\ +5\ +run_time_ns\ +[0-9]+\ +[0-9]+\ +\+[0-9]+ ]]
	run -0 ktstr-hst compare "$a" "$b" --json --metric run_time_ns --top 1
	[ "$(jq -r '.rows[0] | [.pcomm, .comm, .status] | join(" ")' <<<"$output")" = "hst-busy hst-busy changed" ]
	# more than half of the second it slept, on any of the CPUs
	[ "$(jq '.rows[0].delta > 500000000' <<<"$output")" = true ]
}

@test "ktstr-hst: compare of the fixture captures gives the documented table" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	run -0 --separate-stderr ktstr-hst compare "$a" "$b"
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "baseline  $a: 5 threads, captured "*" UTC" ]]
	diff -u "$FIXTURES/hst/compare-hybrid.txt" <(printf '%s\n' "$output" | tail -n +3)
}

@test "ktstr-hst: compare --json lists rows, appeared and vanished groups and host changes" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	run -0 ktstr-hst compare "$a" "$b" --json
	[ "$(jq -r '.group_by' <<<"$output")" = pcomm,comm ]
	[ "$(jq -c '.rows[0] | [.pcomm, .comm, .metric, .baseline, .candidate, .delta, .percent, .members]' <<<"$output")" = \
		'["hst-fix","hst-fix","run_time_ns",2000000000,3500000000,1500000000,75,[2,2]]' ]
	[ "$(jq -c '[.rows[] | select(.status == "appeared" or .status == "vanished") | [.pcomm, .status]]' <<<"$output")" = \
		'[["new-daemon","appeared"],["old-daemon","vanished"]]' ]
	[ "$(jq -c '[.host_changes[] | .field]' <<<"$output")" = '["sched_ext.ops","sched_ext.enable_seq"]' ]
	[ "$(jq -c '[.rows[] | select(.section == "cgroups")][0] | [.hierarchy, .path, .unit]' <<<"$output")" = \
		'["cpu,cpuacct","/ktstr","ns"]' ]
}

@test "ktstr-hst: compare into a full disk says only that it cannot write, and exits 3" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst fmt
	[ -w /dev/full ] || skip "needs /dev/full"
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	# --all: more than one stdio buffer, so the write fails inside the report
	for fmt in "--all --json" --all; do
		run -3 --separate-stderr bash -c 'ktstr-hst compare "$1" "$2" $3 >/dev/full' _ \
			"$a" "$b" "$fmt"
		[ "$stderr" = "ktstr-hst: cannot write standard output: No space left on device" ]
	done
}

@test "ktstr-hst: --group-by cgroup with --cgroup-flatten merges the job cgroups" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	run -0 ktstr-hst compare "$a" "$b" --group-by cgroup --json
	# without flattening, "worker 2" moved from g0 to g1: g1 appears
	[ "$(jq -c '[.rows[] | select(.metric == "threads") | [.cgroup, .status]]' <<<"$output")" = \
		'[["/ktstr/g1","appeared"],["/ktstr/g0","changed"]]' ]
	run -0 ktstr-hst compare "$a" "$b" --group-by cgroup --cgroup-flatten '/ktstr/g*' --json \
		--metric threads --metric run_time_ns
	[ "$(jq -c '[.rows[] | [.cgroup, .metric, .members]]' <<<"$output")" = \
		'[["/ktstr/g*","run_time_ns",[3,3]],["/","run_time_ns",[2,2]]]' ]
}

@test "ktstr-hst: --fail-on-change exits 1 only when a listed row changed" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	run -1 ktstr-hst compare "$a" "$b" --fail-on-change
	run -0 ktstr-hst compare "$a" "$a" --fail-on-change
	[[ "$output" == *"no differences"* ]]
	run -0 ktstr-hst compare "$a" "$b" --fail-on-change --metric wait_time_ns
	run -1 ktstr-hst compare "$a" "$b" --fail-on-change --metric run_time_ns --min-delta 1000000000
	run -0 ktstr-hst compare "$a" "$b" --fail-on-change --metric run_time_ns --min-delta 2000000000
	run -0 ktstr-hst compare "$a" "$b" --fail-on-change --metric minflt --min-delta 30%
	run -1 ktstr-hst compare "$a" "$b" --fail-on-change --metric minflt --min-delta 25%
	# --all lists unchanged rows, which do not count as changes
	run -0 ktstr-hst compare "$a" "$a" --all --fail-on-change --metric policy
	[[ "$output" == *"SCHED_OTHER"*"same"* ]]
}

@test "ktstr-hst: --top keeps the biggest changes of each metric" {
	local a=$BATS_TEST_TMPDIR/a.hst.zst b=$BATS_TEST_TMPDIR/b.hst.zst
	capture_fixture hybrid "$a" 2>/dev/null
	capture_fixture hybrid-later "$b" 2>/dev/null
	run -0 ktstr-hst compare "$a" "$b" --json --top 1
	[ "$(jq '[.rows[] | select(.metric == "threads")] | length' <<<"$output")" -eq 1 ]
	[ "$(jq '[.rows[] | select(.metric == "cpu_usage_ns")][0].hierarchy' <<<"$output")" = '"cpu,cpuacct"' ]
}

@test "ktstr-hst: corrupt, truncated, non-zstd, non-snapshot and wrong-version files exit 2 naming the file" {
	local good=$BATS_TEST_TMPDIR/good.hst.zst d=$BATS_TEST_TMPDIR f
	capture_fixture unified "$good" 2>/dev/null
	echo hello >"$d/text"
	: >"$d/empty"
	head -c 300 "$good" >"$d/truncated"
	cp "$good" "$d/corrupt"
	printf '\xff\xff\xff\xff' | dd of="$d/corrupt" bs=1 seek=200 conv=notrunc 2>/dev/null
	zstd -dc "$good" | jq -c '.version = 2' | zstd -q >"$d/v2"
	echo '{"a":1}' | zstd -q >"$d/other"
	echo '{"format":' | zstd -q >"$d/badjson"
	zstd -dc "$good" | jq -c '.threads[0].tid = "x"' | zstd -q >"$d/badfield"
	for f in text empty truncated corrupt v2 other badjson badfield; do
		run -2 --separate-stderr ktstr-hst compare "$good" "$d/$f"
		assert_error_from ktstr-hst
		[[ "$stderr" == "ktstr-hst: cannot load '$d/$f': "* ]]
	done
	run -2 --separate-stderr ktstr-hst compare "$d/v2" "$good"
	[[ "$stderr" == *"version 2 is not supported"* ]]
	run -2 --separate-stderr ktstr-hst compare "$d/truncated" "$good"
	[[ "$stderr" == *"truncated"* ]]
	run -2 --separate-stderr ktstr-hst compare "$d/corrupt" "$good"
	[[ "$stderr" == *"corrupt"* ]]
	run -2 --separate-stderr ktstr-hst compare "$d/missing" "$good"
	[[ "$stderr" == *"No such file"* ]]
}

@test "ktstr-hst: out-of-range counters and a missing host exit 2 naming file, thread and member" {
	local good=$BATS_TEST_TMPDIR/good.hst.zst d=$BATS_TEST_TMPDIR
	capture_fixture unified "$good" 2>/dev/null
	zstd -dc "$good" | jq -c '.threads[0].run_time_ns = -5' | zstd -q >"$d/neg"
	run -2 --separate-stderr ktstr-hst compare "$good" "$d/neg" --metric run_time_ns
	[ -z "$output" ]
	[[ "$stderr" == "ktstr-hst: cannot load '$d/neg': thread 0: \"run_time_ns\" is not a non-negative integer;"* ]]
	zstd -dc "$good" | jq -c '.host = null' | zstd -q >"$d/nohost"
	run -2 --separate-stderr ktstr-hst compare "$good" "$d/nohost"
	[[ "$stderr" == "ktstr-hst: cannot load '$d/nohost': snapshot \"host\" is not an object;"* ]]
	# what capture writes for an unreadable comm is accepted
	zstd -dc "$good" | jq -c '.threads[0].comm = null | .threads[0].pcomm = null' | zstd -q >"$d/nullcomm"
	run -0 ktstr-hst compare "$good" "$d/nullcomm" --group-by comm
}

@test "ktstr-hst: a decompression bomb stops at the cap" {
	head -c 600000000 /dev/zero | zstd -q -3 >"$BATS_TEST_TMPDIR/bomb"
	run -2 --separate-stderr ktstr-hst compare "$BATS_TEST_TMPDIR/bomb" "$BATS_TEST_TMPDIR/bomb"
	[[ "$stderr" == *"more than 512 MiB"*"bomb"* ]]
}

@test "ktstr-hst: capture replaces an existing file atomically and leaves no temporary file" {
	local d=$BATS_TEST_TMPDIR/out
	mkdir "$d"
	echo old >"$d/s.hst.zst"
	ln "$d/s.hst.zst" "$d/old-link"
	capture_fixture unified "$d/s.hst.zst" 2>/dev/null
	# a new file took the name (rename), the old one is untouched under its other name
	[ "$(cat "$d/old-link")" = old ]
	[ "$(zstd -dc "$d/s.hst.zst" | jq -r .format)" = ktstr-hst ]
	[ "$(ls -A "$d" | sort | tr '\n' ' ')" = "old-link s.hst.zst " ]
}

@test "ktstr-hst: a failed capture keeps the old file and leaves nothing behind" {
	local d=$BATS_TEST_TMPDIR/out
	mkdir "$d"
	echo old >"$d/s.hst.zst"
	KTSTR_PROC_ROOT=$BATS_TEST_TMPDIR/no-proc run -3 --separate-stderr ktstr-hst capture -o "$d/s.hst.zst"
	assert_error_from ktstr-hst
	[[ "$stderr" == *"no-proc"* ]]
	[ "$(cat "$d/s.hst.zst")" = old ]
	[ "$(ls -A "$d")" = s.hst.zst ]
}

@test "ktstr-hst: a capture stopped by SIGTERM exits 130 and leaves no file, or finished" {
	require_root
	local d=$BATS_TEST_TMPDIR/out rc=0 p
	mkdir "$d"
	start_threads "$BATS_TEST_TMPDIR/ready" 2000
	ktstr-hst capture -o "$d/s.hst.zst" 2>/dev/null &
	p=$!
	sleep 0.05
	kill -TERM "$p" 2>/dev/null || true
	wait "$p" || rc=$?
	# however the race went, never a temporary file, never half a snapshot
	if [ "$rc" -eq 130 ]; then
		[ -z "$(ls -A "$d")" ]
	else
		[ "$rc" -eq 0 ]
		[ "$(ls -A "$d")" = s.hst.zst ]
		zstd -dc "$d/s.hst.zst" | jq -e '.counts.threads > 2000' >/dev/null
	fi
}

@test "ktstr-hst: capture into a missing directory or onto a directory exits 3" {
	run -3 --separate-stderr ktstr-hst capture -o "$BATS_TEST_TMPDIR/no/such/dir/x.hst.zst"
	assert_error_from ktstr-hst
	[[ "$stderr" == *"No such file or directory"* ]]
	run -3 --separate-stderr ktstr-hst capture -o "$BATS_TEST_TMPDIR"
	[[ "$stderr" == *"is a directory"* ]]
}

@test "ktstr-hst: capture through a link replaces its target and keeps its mode; a device or FIFO is written, not replaced" {
	local d=$BATS_TEST_TMPDIR
	echo old >"$d/real"
	chmod 600 "$d/real"
	ln -s real "$d/link"
	run -0 --separate-stderr ktstr-hst capture -o "$d/link"
	[ -L "$d/link" ]
	[ "$(stat -c %a "$d/real")" = 600 ]
	zstd -dc "$d/real" | jq -e '.format == "ktstr-hst"' >/dev/null
	[ -z "$(find "$d" -name '.*.tmp')" ]
	# a FIFO: its reader gets the snapshot, and it is still a FIFO
	mkfifo "$d/fifo"
	zstd -dc <"$d/fifo" >"$d/from-fifo" &
	reader=$!
	run -0 --separate-stderr ktstr-hst capture -o "$d/fifo"
	wait "$reader"
	[ -p "$d/fifo" ]
	jq -e '.format == "ktstr-hst"' "$d/from-fifo" >/dev/null
	# standard output, as a path
	ktstr-hst capture -o /dev/stdout 2>/dev/null | zstd -dc | jq -e '.counts.threads > 0' >/dev/null
	if [ "$(id -u)" -eq 0 ]; then
		mknod -m 666 "$d/full" c 1 7
		run -3 --separate-stderr ktstr-hst capture -o "$d/full"
		[ "$stderr" = "ktstr-hst: cannot write '$d/full': No space left on device" ]
		[ -c "$d/full" ]
	fi
}

@test "ktstr-hst: as an unprivileged user, other users' io is null and the warning says why" {
	require_root
	require_cmd setpriv
	local d
	# somewhere user nobody can write: the test's own directory may be private
	d=$(mktemp -d /tmp/ktstr-hst-nobody.XXXXXX)
	dirs+=("$d")
	chmod 777 "$d"
	start_threads "$BATS_TEST_TMPDIR/ready" -n hst-root 1
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$(command -v ktstr-hst)" capture -o "$d/s.hst.zst"
	[[ "$stderr" == *"cannot read 'io' of "*"Permission denied; recorded as null; run as root to read them"* ]]
	[ "$(zstd -dc "$d/s.hst.zst" | jq --argjson p "${pids[0]}" '[.threads[] | select(.tgid == $p) | .rchar] | unique')" = "[
  null
]" ]
}

@test "ktstr-hst: bad command lines exit 2 with the synopsis" {
	run -2 --separate-stderr ktstr-hst
	assert_error_from ktstr-hst
	run -2 --separate-stderr ktstr-hst captur
	[[ "$stderr" == *"did you mean 'capture'"* ]]
	run -2 --separate-stderr ktstr-hst capture
	[[ "$stderr" == *"capture needs -o FILE"*"usage: ktstr-hst capture -o FILE"* ]]
	run -2 --separate-stderr ktstr-hst capture -o a -o b
	[[ "$stderr" == *"--output given more than once"* ]]
	run -2 --separate-stderr ktstr-hst compare onlyone
	[[ "$stderr" == *"two snapshots"* ]]
	run -2 --separate-stderr ktstr-hst compare a b --metric run_time
	[[ "$stderr" == *"unknown metric 'run_time'; did you mean 'run_time_ns'?"* ]]
	run -2 --separate-stderr ktstr-hst compare a b --group-by pid
	[[ "$stderr" == *"--group-by 'pid'"* ]]
	run -2 --separate-stderr ktstr-hst compare a b --top 0
	run -2 --separate-stderr ktstr-hst compare a b --min-delta x%
	run -2 --separate-stderr ktstr-hst compare a b --cgroup-flatten 'relative/*'
	run -2 --separate-stderr ktstr-hst compare a b --json --json
	[[ "$stderr" == *"--json given more than once"* ]]
	[ -z "$output" ]
}

@test "ktstr-hst: --help and --version go to stdout and exit 0; ktstr host-state runs it" {
	run -0 --separate-stderr ktstr-hst --help
	[[ "$output" == *"capture"*"compare"* ]] && [ -z "$stderr" ]
	run -0 ktstr-hst capture --help
	[[ "$output" == *"--output FILE"* ]]
	run -0 ktstr-hst compare --help
	[[ "$output" == *"--cgroup-flatten GLOB"* ]]
	run -0 ktstr-hst --version
	[[ "$output" == "ktstr-hst "*libbpf* ]]
	run -0 ktstr host-state compare --help
	[[ "$output" == *"--fail-on-change"* ]]
	capture_fixture unified "$BATS_TEST_TMPDIR/u.hst.zst" 2>/dev/null
	run -0 ktstr host-state compare "$BATS_TEST_TMPDIR/u.hst.zst" "$BATS_TEST_TMPDIR/u.hst.zst"
	[[ "$output" == *"no differences"* ]]
}
