#!/usr/bin/env bats
# ktstr run in VMs under real sched_ext schedulers: the ktstr kernel built
# from Debian's linux-source-6.12, the tree's example schedulers and our
# fixture scheduler scx_ktstr (bpf/), all built once by mk/sched-kernel.sh
# and cached (the first run on a fresh machine builds the kernel: minutes).
# Each test boots one VM (several seconds under TCG), so each checks a lot.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	local out
	if out=$(sh "$BATS_TEST_DIRNAME/../mk/sched-kernel.sh" 2>"$BATS_FILE_TMPDIR/build.err"); then
		KERNEL=$(sed -n 's/^kernel //p' <<<"$out")
		KTSTR_SCHED_DIR=$(sed -n 's/^schedulers //p' <<<"$out")
		export KERNEL KTSTR_SCHED_DIR
	else
		export NO_KERNEL="no sched_ext kernel: $(tail -n 3 "$BATS_FILE_TMPDIR/build.err")"
	fi
}

require_sched_vm() {
	[ -z "${NO_KERNEL:-}" ] || skip "$NO_KERNEL"
	require_cmd qemu-system-x86_64
	[ -x /bin/busybox ] || skip "needs busybox-static (/bin/busybox)"
	[ -x "$KTSTR_BIN/ktstr-work" ] || skip "needs ktstr-work, which is not built yet"
}

# Verdicts of $output (a --json array) as "scenario kinds..." lines.
kinds() {
	jq -r '.[] | "\(.scenario_name) \([.details[].kind] | join(","))"' <<<"$output"
}

@test "vmrun: every fixture scheduler loads and attaches in the ktstr kernel" {
	require_sched_vm
	local s cmd=""
	for s in scx_simple scx_qmap scx_central scx_flatcg scx_ktstr; do
		cmd="$cmd ktstr-sched --scheduler /include-files/$s --attach-timeout 60s -- true;"
	done
	# one CPU: scx_central must initialise on its central CPU, which 6.12 does not ensure
	run -0 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 300 \
		-i "$KTSTR_SCHED_DIR/scx_simple" -i "$KTSTR_SCHED_DIR/scx_qmap" \
		-i "$KTSTR_SCHED_DIR/scx_central" -i "$KTSTR_SCHED_DIR/scx_flatcg" \
		-i "$KTSTR_SCHED_DIR/scx_ktstr" --exec "$cmd"
	[ "$(jq -r 'select(.event == "attached") | .ops' <<<"$output" | tr '\n' ' ')" = \
		"simple qmap central flatcg ktstr " ]
	[ "$(jq -r 'select(.event == "detached") | .exit_kind' <<<"$output" | sort -u)" = unregistered ]
	[ "$(jq -r 'select(.type == "scheduler") | .kernel // empty' <<<"$output" | sort -u)" = \
		"$(basename "$(dirname "$KERNEL")" | sed 's/^local-\([0-9.]*\)-.*/\1/')" ]
}

@test "vmrun: scx_simple on 1,2,2,1 passes cgroup_steady --flags llc and the verdicts name it" {
	require_sched_vm
	run -0 --separate-stderr ktstr run --kernel "$KERNEL" --scheduler scx_simple \
		--topology 1,2,2,1 --filter cgroup_steady --flags llc --duration 5 --json
	[ "$(kinds)" = "$(printf 'cgroup_steady/llc \nnested_cgroup_steady/llc ')" ]
	[ "$(jq -r '[.[] | [.passed, .scheduler, .labels.topology]] | unique | .[] | @tsv' \
		<<<"$output")" = "$(printf 'true\tsimple\t1,2,2,1')" ]
	[[ "$(jq -r '.[0].kernel' <<<"$output")" == 6.12.* ]]
	[ "$(jq -r '.[0].stats.total_workers' <<<"$output")" -eq 8 ]
}

@test "vmrun: scx_ktstr without a fault passes the basic category" {
	require_sched_vm
	run -0 --separate-stderr ktstr run --kernel "$KERNEL" --scheduler scx_ktstr \
		--topology 1,2,2,1 --category basic --flags default --duration 3 --text
	[[ "$output" == *"[PASS] cgroup_steady/default"*"[ktstr, 6.12."*", topology=1,2,2,1]"* ]]
	[[ "$output" == *"[PASS] cgroup_cpuset_llc_steady/default"* ]]
	[[ "$output" == *"[PASS] cgroup_cpuset_cross_llc_steady/default"* ]]
	[[ "$output" == *"3/3 passed"* ]]
}

# scx_ktstr with one fault per run, all in one VM; each run's verdicts carry its fault label.
@test "vmrun: each scx_ktstr fault fails with its own detail: Starved, stall, BPF error, killed, cpuset" {
	require_sched_vm
	local s=/include-files/scx_ktstr cmd="" f
	fault() { # label scenario scheduler-args...
		local label=$1 scenario=$2 a=""
		shift 2
		for f in "$@"; do a="$a --arg $f"; done
		cmd="$cmd ktstr-sched --scheduler $s $a --label fault=$label -- \
			ktstr run --stream --scenario $scenario --duration 5;"
	}
	fault starve cgroup_steady/llc --fault=starve --cgroup=cg_0
	fault stall cgroup_steady/llc --fault=stall --cgroup=cg_0
	fault error cgroup_steady/llc --fault=error --cgroup=cg_0 --after=1s
	fault exit cgroup_steady/llc --fault=exit --cgroup=cg_0 --after=1s
	fault outside cgroup_cpuset_llc_steady/default --fault=outside-cpuset --cgroup=cg_0
	run -1 --separate-stderr bash -c "ktstr-vm --kernel '$KERNEL' --topology 1,2,2,1 \
		--timeout 600 -i '$KTSTR_SCHED_DIR/scx_ktstr' --exec '$cmd' | ktstr-check --json"
	v() { jq -c --arg f "$1" '[.[] | select(.labels.fault == $f)]' <<<"$output"; }
	# the first SchedulerDied detail under a fault, wherever the death landed
	died() { jq -c --arg f "$1" '[.[] | select(.labels.fault == $f) | .details[] |
		select(.kind == "SchedulerDied")][0]' <<<"$output"; }
	# starve: cg_0's four workers did nothing, the scheduler stayed
	[ "$(v starve | jq -r '[.[0].details[] | select(.kind == "Starved")] | length')" -eq 4 ]
	[[ "$(v starve | jq -r '.[0].details[0].message')" == "cg_0 worker "*"starved: 0 work units"* ]]
	[ "$(died starve)" = null ]
	# stall: the sched_ext watchdog
	[ "$(died stall | jq -r '[.exit_kind, .reason] | @tsv')" = \
		"$(printf 'stall\trunnable task stall')" ]
	[[ "$(died stall | jq -r .exit_message)" == *"failed to run for"* ]]
	# scx_bpf_error(), with the kernel's debug dump
	[ "$(died error | jq -r '[.exit_kind, .reason] | @tsv')" = "$(printf 'error_bpf\tscx_bpf_error')" ]
	[[ "$(died error | jq -r .exit_message)" == "ktstr fault: scx_bpf_error"* ]]
	[[ "$(died error | jq -r .dump)" == *"CPU states"* ]]
	# the scheduler killed mid-run: the kernel unregisters it
	[ "$(died exit | jq -r '[.exit_kind, .reason, .exit.signal] | @tsv')" = \
		"$(printf 'unregistered\tunregistered from user space\t9')" ]
	# a task sent outside its cpuset: the kernel refuses and ends the scheduler
	[ "$(died outside | jq -r .exit_kind)" = error ]
	[[ "$(died outside | jq -r .exit_message)" == *"not allowed for"* ]]
	# and a death always fails a verdict of its fault
	for f in stall error exit outside; do
		[ "$(v "$f" | jq -r '[.[] | .passed] | all')" = false ] || { echo "$f passed"; return 1; }
	done
}

@test "vmrun: a VM that goes silent is killed after --timeout; the scenario fails and ktstr-vm is named" {
	require_sched_vm
	run -3 --separate-stderr ktstr run --kernel "$KERNEL" --scheduler scx_simple \
		--scenario cgroup_steady/default --duration 120 --timeout 20s --json
	[[ "$stderr" == *"wrote nothing for 20 s (--idle-timeout)"* ]]
	[[ "$stderr" == *"'run' failed in stage 1 (ktstr-vm) with exit status 3"* ]]
	[ "$(kinds)" = "cgroup_steady/default Other" ]
	[[ "$(jq -r '.[0].details[0].message' <<<"$output")" == *"input ended before the scenario did"* ]]
	[ "$(jq -r '.[0].scheduler' <<<"$output")" = simple ]
}
