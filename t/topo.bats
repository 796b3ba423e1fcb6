#!/usr/bin/env bats
# ktstr-topo: discovery from sysfs fixtures, synthetic topologies, errors.

load helper
bats_require_minimum_version 1.5.0

fixture_case() {
	local c=$1
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/$c/sys run --separate-stderr ktstr-topo
	[ "$status" -eq 0 ]
	diff -u "$FIXTURES/topo/$c/expected.ndjson" <(printf '%s\n' "$output" | strip_times)
	if [ -e "$FIXTURES/topo/$c/expected.stderr" ]; then
		diff -u "$FIXTURES/topo/$c/expected.stderr" <(printf '%s\n' "$stderr")
	else
		[ -z "$stderr" ]
	fi
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/$c/sys run --separate-stderr ktstr-topo --text
	[ "$status" -eq 0 ]
	diff -u "$FIXTURES/topo/$c/expected.txt" <(printf '%s\n' "$output")
}

@test "ktstr-topo: one-cpu fixture gives the pinned record and text" {
	fixture_case one-cpu
}

@test "ktstr-topo: 2-LLC SMT desktop orders LLCs by cache id, not first CPU" {
	fixture_case desktop-2llc-smt
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/desktop-2llc-smt/sys run -0 --separate-stderr ktstr-topo
	[ "$(jq -c '.llcs[0].cpus' <<<"$output")" = "[2,3,6,7]" ]
	[ "$(jq -c '.llcs[0].cores' <<<"$output")" = "[[2,6],[3,7]]" ]
}

@test "ktstr-topo: NUMA server has a memory-only node and real distances" {
	fixture_case numa-server
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/numa-server/sys run -0 --separate-stderr ktstr-topo
	[ "$(jq -c '[.nodes[] | select(.memory_only) | .id]' <<<"$output")" = "[2]" ]
	[ "$(jq -c '.distances[0]' <<<"$output")" = "[10,21,17]" ]
}

@test "ktstr-topo: offline CPUs and holes are skipped, a missing cpu dir is warned about" {
	fixture_case offline-holes
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/offline-holes/sys run -0 --separate-stderr ktstr-topo
	[ "$(jq -c '.cpus' <<<"$output")" = "[0,1,4,6,7]" ]
	# the second LLC has no id file: named after its lowest shared CPU
	[ "$(jq -c '.llcs[1].id' <<<"$output")" = "4" ]
}

@test "ktstr-topo: garbled files fall back loudly, in the record and on stderr" {
	fixture_case garbled
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/garbled/sys run -0 --separate-stderr ktstr-topo
	[ "$(jq -r '.llc_source' <<<"$output")" = synthetic ]
	[ "$(jq -r '.distance_default' <<<"$output")" = true ]
}

@test "ktstr-topo: a sysfs tree without cpu/online exits 3 naming the file" {
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/no-online/sys run -3 --separate-stderr ktstr-topo
	assert_error_from ktstr-topo
	[[ "$stderr" == *"devices/system/cpu/online"* ]]
}

@test "ktstr-topo: a missing sysfs root exits 3" {
	KTSTR_SYSFS_ROOT=$BATS_TEST_TMPDIR/nothing run -3 --separate-stderr ktstr-topo
	assert_error_from ktstr-topo
}

@test "ktstr-topo: garbage in every sysfs file never crashes it" {
	local root=$BATS_TEST_TMPDIR/sys f
	cp -r "$FIXTURES/topo/numa-server/sys" "$root"
	while IFS= read -r f; do
		head -c 64 /dev/urandom >"$f"
	done < <(find "$root" -type f ! -name online)
	KTSTR_SYSFS_ROOT=$root run ktstr-topo
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	printf '01\xff\n' >"$root/devices/system/cpu/online"
	KTSTR_SYSFS_ROOT=$root run -3 ktstr-topo
}

@test "ktstr-topo: this machine's topology matches sysfs" {
	run -0 ktstr-topo
	[ "$(jq -r '.num_cpus' <<<"$output")" -eq "$(getconf _NPROCESSORS_ONLN)" ]
	online=$(cat /sys/devices/system/cpu/online)
	[ "$(jq -r '.cpus | length' <<<"$output")" -eq "$(ktstr-topo | jq '.num_cpus')" ]
	[ -n "$online" ]
}

@test "ktstr-topo: --topology 2,4,4,2 is 32 CPUs in 4 LLCs on 2 nodes with 16 cores" {
	run -0 ktstr-topo --topology 2,4,4,2
	[ "$(jq -c '[.num_cpus, .num_llcs, .num_nodes, .num_cores]' <<<"$output")" = "[32,4,2,16]" ]
	[ "$(jq -c '.llcs[1] | [.node, .cpus[0], .cpus[-1]]' <<<"$output")" = "[0,8,15]" ]
	[ "$(jq -c '.llcs[2].node' <<<"$output")" = "1" ]
	[ "$(jq -c '.llcs[0].cores[1]' <<<"$output")" = "[2,3]" ]
	[ "$(jq -r '.spec' <<<"$output")" = "2,4,4,2" ]
}

@test "ktstr-topo: --topology with LLCs not a multiple of nodes exits 2 and shows the form" {
	run -2 --separate-stderr ktstr-topo --topology 2,3,1,1
	assert_error_from ktstr-topo
	[[ "$stderr" == *"N,L,C,T"* ]]
}

@test "ktstr-topo: --topology rejects zero, missing and extra fields" {
	local bad
	for bad in 0,1,1,1 1,1,1 1,1,1,1,1 1,,1,1 a,b,c,d 1,1,1,1, "" 99999,1,1,1 1,64,64,2; do
		run -2 --separate-stderr ktstr-topo --topology "$bad"
		assert_error_from ktstr-topo
	done
}

@test "ktstr-topo: a --topology count past the limit says the range, not the form" {
	run -2 --separate-stderr ktstr-topo --topology 1,1,4097,1
	[[ "$stderr" == "ktstr-topo: --topology '1,1,4097,1': '4097' is out of range 1..4096; expected N,L,C,T"* ]]
}

@test "ktstr-topo: --json and --text together, twice, or an unknown option exit 2" {
	run -2 --separate-stderr ktstr-topo --json --text
	[[ "$stderr" == *"more than once"* ]]
	run -2 --separate-stderr ktstr-topo --bogus
	[[ "$stderr" == *"unknown option '--bogus'"* ]]
	run -2 --separate-stderr ktstr-topo stray
	[[ "$stderr" == *"unexpected argument"* ]]
}

@test "ktstr-topo: --help and --version go to stdout and exit 0" {
	run -0 --separate-stderr ktstr-topo --help
	[[ "$output" == *"--topology"* ]] && [ -z "$stderr" ]
	run -0 ktstr-topo --version
	[[ "$output" == "ktstr-topo "*libbpf* ]]
}

@test "ktstr-topo: a closed stdout is an interruption, not a crash" {
	run bash -c 'ktstr-topo --topology 1,64,8,2 | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"'
	[ "$output" = 0 ] || [ "$output" = 130 ]
}

@test "ktstr-topo: a four-node ring keeps each node's own distance row" {
	fixture_case numa-4node
	KTSTR_SYSFS_ROOT=$FIXTURES/topo/numa-4node/sys run -0 --separate-stderr ktstr-topo
	[ "$(jq -c '.distances[1]' <<<"$output")" = "[16,10,12,22]" ]
	[ "$(jq -c '[.llcs[] | .node]' <<<"$output")" = "[0,0,1,1,2,2,3,3]" ]
}
