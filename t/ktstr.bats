#!/usr/bin/env bats
# ktstr: the dispatcher — lookup, pass-through, pipelines, prerequisites, completions.

load helper
bats_require_minimum_version 1.5.0

COMMANDS="run list topo cleanup kernel shell host-state locks completions help"

# A directory holding only a copy of ktstr, plus whatever fake tools a test adds.
lonely_ktstr() {
	mkdir -p "$BATS_TEST_TMPDIR/alone"
	cp "$KTSTR_BIN/ktstr" "$BATS_TEST_TMPDIR/alone/ktstr"
	echo "$BATS_TEST_TMPDIR/alone"
}

fake_tool() { # dir name script-body
	printf '#!/bin/sh\n%s\n' "$3" >"$1/$2"
	chmod +x "$1/$2"
}

@test "ktstr: --help lists every subcommand with a summary" {
	run -0 --separate-stderr ktstr --help
	for c in $COMMANDS; do
		grep -qE "^  $c +[a-z]" <<<"$output" || { echo "missing $c"; return 1; }
	done
}

@test "ktstr: --version names the version and libbpf" {
	run -0 ktstr --version
	[[ "$output" == "ktstr $(cat "$BATS_TEST_DIRNAME/../VERSION") (libbpf "* ]]
}

@test "ktstr: no command, an unknown option or a misspelt command exits 2" {
	run -2 --separate-stderr ktstr
	assert_error_from ktstr
	run -2 --separate-stderr ktstr --frobnicate
	assert_error_from ktstr
	run -2 --separate-stderr ktstr tpoo
	assert_error_from ktstr
	[[ "$stderr" == *"did you mean 'topo'?"* ]]
	run -2 --separate-stderr ktstr xyzzyplugh
	[[ "$stderr" != *"did you mean"* ]]
}

@test "ktstr: an empty command is no command, not a near miss" {
	run -2 --separate-stderr ktstr ""
	assert_error_from ktstr
	[[ "$stderr" == "ktstr: no command given"* && "$stderr" != *"did you mean"* ]]
	run -2 --separate-stderr ktstr help ""
	[[ "$stderr" == "ktstr: no command given"* ]]
	run -2 --separate-stderr ktstr-kernel ""
	[[ "$stderr" == "ktstr-kernel: no command given"* ]]
}

@test "ktstr: subcommand names match exactly, never by prefix" {
	run -2 --separate-stderr ktstr to
	[[ "$stderr" == *"unknown command 'to'"* ]]
}

@test "ktstr topo prints the text view, ktstr topo --json the record" {
	run -0 ktstr topo
	[ "$output" = "$(ktstr-topo --text)" ]
	run -0 --separate-stderr ktstr topo --json
	[ "$(jq -r .type <<<"$output")" = topo ]
	run -0 ktstr topo --topology 1,2,2,1
	[[ "$output" == *"LLC 1 (node 0, size unknown): 2-3"* ]]
}

@test "ktstr: a tool's exit status and stderr pass through" {
	run -2 --separate-stderr ktstr topo --topology 2,3,1,1
	[[ "$stderr" == ktstr-topo:* ]]
}

@test "ktstr: a subcommand whose tool is missing exits 2 saying so" {
	local dir
	dir=$(lonely_ktstr)
	PATH=/usr/bin:/bin run -2 --separate-stderr "$dir/ktstr" topo
	assert_error_from ktstr
	[[ "$stderr" == *"needs ktstr-topo, which is not built or installed yet"* ]]
}

@test "ktstr: tools are found next to ktstr, then in KTSTR_LIBEXEC_DIR, then on PATH" {
	local dir lib
	dir=$(lonely_ktstr)
	lib=$BATS_TEST_TMPDIR/libexec
	mkdir -p "$lib" "$BATS_TEST_TMPDIR/path"
	fake_tool "$dir" ktstr-locks 'echo next-to-ktstr'
	fake_tool "$lib" ktstr-locks 'echo libexec'
	fake_tool "$BATS_TEST_TMPDIR/path" ktstr-locks 'echo path'
	PATH=$BATS_TEST_TMPDIR/path:/usr/bin:/bin KTSTR_LIBEXEC_DIR=$lib run -0 "$dir/ktstr" locks
	[ "$output" = next-to-ktstr ]
	rm "$dir/ktstr-locks"
	PATH=$BATS_TEST_TMPDIR/path:/usr/bin:/bin KTSTR_LIBEXEC_DIR=$lib run -0 "$dir/ktstr" locks
	[ "$output" = libexec ]
	PATH=$BATS_TEST_TMPDIR/path:/usr/bin:/bin run -0 "$dir/ktstr" locks
	[ "$output" = path ]
}

@test "ktstr: arguments reach the tool unchanged, including spaces" {
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-hst 'for a in "$@"; do echo "[$a]"; done'
	run -0 "$dir/ktstr" host-state capture -o "a b"
	[ "$output" = $'[capture]\n[-o]\n[a b]' ]
}

@test "ktstr: a root-only subcommand exits 3 naming the capability when unprivileged" {
	require_root
	require_cmd setpriv
	local dir
	# somewhere an unprivileged user can reach
	dir=$(mktemp -d /tmp/ktstr-test.XXXXXX)
	cp "$KTSTR_BIN/ktstr" "$dir/"
	fake_tool "$dir" ktstr-cgroup 'echo ran'
	chmod 755 "$dir"
	run -3 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$dir/ktstr" cleanup
	[[ "$stderr" == *"needs CAP_SYS_ADMIN"* ]]
	[ -z "$output" ]
	# --help needs no privilege
	run -0 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$dir/ktstr" cleanup --help
	[ "$output" = ran ]
	rm -rf "$dir"
}

@test "ktstr: a pipeline subcommand streams data through every stage" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	fake_tool "$dir" ktstr-cgroup 'cat; echo "{\"type\":\"args\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-work 'cat'
	fake_tool "$dir" ktstr-check 'jq -c -s "map(.type)"; echo "check: $*" >&2'
	run -0 --separate-stderr "$dir/ktstr" run --duration 1
	[ "$output" = '["topo","args"]' ]
}

@test "ktstr run: each option goes to the stage that takes it" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-cgroup 'cat; echo "{\"type\":\"cg\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-work 'cat; echo "{\"type\":\"work\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-check 'cat; echo "{\"type\":\"check\",\"argv\":\"$*\"}"'
	run -0 --separate-stderr "$dir/ktstr" run --duration=3 --json --filter steady \
		--junit r.xml --no-isolation --flags llc
	[ "$(jq -r 'select(.type=="topo") | .argv' <<<"$output")" = "" ]
	[ "$(jq -r 'select(.type=="cg") | .argv' <<<"$output")" = "run --duration=3 --filter steady --flags llc" ]
	[ "$(jq -r 'select(.type=="work") | .argv' <<<"$output")" = "" ]
	[ "$(jq -r 'select(.type=="check") | .argv' <<<"$output")" = "--json --junit r.xml --no-isolation" ]
}

@test "ktstr run: unknown options, missing values and probe options exit 2 before anything runs" {
	run -2 --separate-stderr ktstr run --bogus
	[[ "$stderr" == *"unknown option '--bogus' for 'run'"* ]]
	run -2 --separate-stderr ktstr run --duration
	[[ "$stderr" == *"option '--duration' needs a value"* ]]
	run -2 --separate-stderr ktstr run --repro
	[[ "$stderr" == *"'--repro' needs ktstr-probe"* ]]
	run -0 ktstr run --help
	[[ "$output" == *"--gap-limit-ms MS"* ]]
}

@test "ktstr run --stream: the records come out unjudged; ktstr-check options are refused" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	fake_tool "$dir" ktstr-cgroup 'cat; echo "{\"type\":\"cg\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-work 'cat'
	fake_tool "$dir" ktstr-check 'echo "{\"type\":\"judged\"}"'
	run -0 --separate-stderr "$dir/ktstr" run --stream --duration 2
	[ "$(jq -r .type <<<"$output" | tr '\n' ' ')" = "topo cg " ]
	[ "$(jq -r 'select(.type == "cg") | .argv' <<<"$output")" = "run --duration 2" ]
	run -2 --separate-stderr "$dir/ktstr" run --stream --json
	[[ "$stderr" == *"--stream writes the records unjudged, so '--json'"* ]]
	[ -z "$output" ]
}

@test "ktstr run --kernel: ktstr-vm runs ktstr-sched and ktstr run --stream in the guest, judged here, no root needed" {
	local dir
	dir=$(mktemp -d /tmp/ktstr-test.XXXXXX)
	cp "$KTSTR_BIN/ktstr" "$dir/"
	# the fake VM stage prints its arguments as one record per argument
	fake_tool "$dir" ktstr-vm 'for a in "$@"; do jq -cn --arg a "$a" "{type:\"arg\",a:\$a}"; done'
	fake_tool "$dir" ktstr-check 'jq -c -s "map(.a)"'
	mkdir "$dir/scheds"
	fake_tool "$dir/scheds" scx_fake 'exit 0'
	chmod -R a+rX "$dir"
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		env KTSTR_SCHED_DIR="$dir/scheds" "$dir/ktstr" run --kernel 6.12 --scheduler scx_fake \
		--scheduler-arg '-x y' --topology 1,2,2,1 --filter 'cgroup steady' --duration 5
	[ "$output" = "$(jq -cn --arg s "$dir/scheds/scx_fake" '["--kernel","6.12","--topology",
		"1,2,2,1","--idle-timeout","130s","-i",$s,"--exec",
		"ktstr-sched --scheduler /include-files/scx_fake --arg '"'"'-x y'"'"' --label topology=1,2,2,1 -- ktstr run --stream --filter '"'"'cgroup steady'"'"' --duration 5"]')" ]
	rm -rf "$dir"
}

@test "ktstr run --scheduler on this host wraps ktstr run --stream in ktstr-sched" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-sched 'echo "{\"type\":\"sched\",\"argv\":\"$*\"}"'
	fake_tool "$dir" ktstr-check 'cat'
	fake_tool "$dir" scx_fake 'exit 0'
	run -0 --separate-stderr "$dir/ktstr" run --scheduler "$dir/scx_fake" --attach-timeout 30s \
		--scenario x
	[ "$(jq -r .argv <<<"$output")" = \
		"--scheduler $dir/scx_fake --attach-timeout 30s -- $dir/ktstr run --stream --scenario x" ]
}

@test "ktstr run: VM and scheduler options out of place, or an unknown scheduler, exit 2" {
	run -2 --separate-stderr ktstr run --topology 1,2,2,1
	[[ "$stderr" == *"--topology needs --kernel"* ]]
	run -2 --separate-stderr ktstr run --timeout 1m
	[[ "$stderr" == *"--timeout needs --kernel"* ]]
	run -2 --separate-stderr ktstr run --scheduler-arg -v
	[[ "$stderr" == *"--scheduler-arg needs --scheduler"* ]]
	run -2 --separate-stderr env KTSTR_SCHED_DIR="$BATS_TEST_TMPDIR" ktstr run --kernel k \
		--scheduler scx_nowhere_to_be_found
	[[ "$stderr" == *"--scheduler 'scx_nowhere_to_be_found': not in '$BATS_TEST_TMPDIR' nor on PATH"* ]]
	run -2 --separate-stderr ktstr run --kernel k --topology 2,3,1,1
	[[ "$stderr" == *"--topology"* ]]
	run -2 --separate-stderr ktstr run --kernel a --kernel b
	[[ "$stderr" == *"--kernel given more than once"* ]]
}

@test "ktstr run --kernel: a failing VM is named as the failing stage" {
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-vm 'echo "ktstr-vm: the guest kernel panicked" >&2; exit 3'
	fake_tool "$dir" ktstr-check 'cat >/dev/null; exit 1'
	run -3 --separate-stderr "$dir/ktstr" run --kernel k
	[[ "$stderr" == *"the guest kernel panicked"* ]]
	[[ "$stderr" == *"'run' failed in stage 1 (ktstr-vm) with exit status 3"* ]]
}

@test "ktstr: a failing middle stage decides the exit status and is named" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	fake_tool "$dir" ktstr-cgroup 'cat >/dev/null; echo "ktstr-cgroup: boom" >&2; exit 3'
	fake_tool "$dir" ktstr-work 'cat'
	fake_tool "$dir" ktstr-check 'cat >/dev/null; exit 1'
	run -3 --separate-stderr "$dir/ktstr" run
	[[ "$stderr" == *"ktstr-cgroup: boom"* ]]
	[[ "$stderr" == *"stage 2 (ktstr-cgroup) with exit status 3"* ]]
}

@test "ktstr run: a failing ktstr-check is named like any stage, but its verdict is not" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	fake_tool "$dir" ktstr-cgroup 'cat'
	fake_tool "$dir" ktstr-work 'cat'
	fake_tool "$dir" ktstr-check 'echo "ktstr-check: cannot write x" >&2; exit 3'
	run -3 --separate-stderr "$dir/ktstr" run --junit /nonexistent/j.xml
	[[ "$stderr" == *"'run' failed in stage 4 (ktstr-check) with exit status 3"* ]]
	# a usage error: ktstr-check leaves at once, and upstream sees a closed pipe
	fake_tool "$dir" ktstr-check 'exit 2'
	fake_tool "$dir" ktstr-work 'sleep 0.2; cat || exit 130'
	run -2 --separate-stderr "$dir/ktstr" run --spread-limit -1
	[[ "$stderr" == *"'run' failed in stage 4 (ktstr-check) with exit status 2"* ]]
	fake_tool "$dir" ktstr-check 'cat >/dev/null; exit 1'
	run -1 --separate-stderr "$dir/ktstr" run
	[[ "$stderr" != *"failed in stage"* ]]
}

@test "ktstr run: a usage error upstream writes no results; a run of no scenarios says none ran" {
	require_root
	local dir
	dir=$(lonely_ktstr)
	cp "$KTSTR_BIN/ktstr-check" "$dir/"
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	fake_tool "$dir" ktstr-cgroup 'echo "ktstr-cgroup: --duration: bad" >&2; exit 2'
	fake_tool "$dir" ktstr-work 'cat'
	run -2 --separate-stderr "$dir/ktstr" run --duration abc --text
	[ -z "$output" ]
	[[ "$stderr" == *"'run' failed in stage 2 (ktstr-cgroup) with exit status 2"* ]]
	fake_tool "$dir" ktstr-cgroup 'cat'
	run -0 --separate-stderr "$dir/ktstr" run --text
	[[ "$output" == "0/0 passed (0 failed, 0 skipped) in "* ]]
}

@test "ktstr run: SIGINT or SIGTERM sent to ktstr alone reaches every stage, exit 130" {
	require_root
	local dir sig pid st i
	dir=$(lonely_ktstr)
	# each stage says which signal stopped it, or ends by itself after 5 s
	fake_tool "$dir" ktstr-topo 'echo "{\"type\":\"topo\"}"'
	for t in ktstr-cgroup ktstr-work ktstr-check; do
		fake_tool "$dir" "$t" "trap 'echo $t: INT >&2; exit 130' INT; trap 'echo $t: TERM >&2; exit 130' TERM
			i=0; while [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done"
	done
	for sig in INT TERM; do
		"$dir/ktstr" run >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		for i in $(seq 100); do
			[ "$(pgrep -c -P "$pid")" -ge 3 ] && break
			sleep 0.05
		done
		sleep 0.2
		st=0
		kill -"$sig" "$pid"
		wait "$pid" || st=$?
		[ "$st" -eq 130 ] || { echo "$sig: exit $st"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
		for t in ktstr-cgroup ktstr-work ktstr-check; do
			grep -qx "$t: $sig" "$BATS_TEST_TMPDIR/err" || { echo "$t did not get SIG$sig"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
		done
	done
}

@test "ktstr completions: bash, zsh and fish scripts parse" {
	require_cmd zsh
	require_cmd fish
	ktstr completions bash | bash -n
	ktstr completions zsh | zsh -n
	ktstr completions fish | fish -n
}

@test "ktstr completions: elvish script compiles" {
	require_cmd elvish
	local f=$BATS_TEST_TMPDIR/k.elv
	# edit: exists only in interactive elvish; bind the completer to a plain variable
	ktstr completions elvish |
		sed 's/^set edit:completion:arg-completer\[ktstr\] = /var completer = /; s/edit:complete-filename/put/' >"$f"
	printf '%s\n' '$completer ktstr run --work-type ""' >>"$f"
	run -0 elvish "$f"
	[[ "$output" == *PipeIo* && "$output" == *MutexContention* ]]
}

@test "ktstr completions: powershell script is printed" {
	run -0 ktstr completions powershell
	[[ "$output" == *"Register-ArgumentCompleter -Native -CommandName ktstr"* ]]
}

@test "ktstr completions: bash completes subcommands, flags, work types and flag lists" {
	source <(ktstr completions bash)
	COMP_WORDS=(ktstr ho); COMP_CWORD=1; _ktstr
	[ "${COMPREPLY[*]}" = host-state ]
	COMP_WORDS=(ktstr run --work-type Fu); COMP_CWORD=3; _ktstr
	[ "${COMPREPLY[*]}" = "FutexPingPong FutexFanOut" ]
	COMP_WORDS=(ktstr run --flags llc,bo); COMP_CWORD=3; _ktstr
	[ "${COMPREPLY[*]}" = "llc,borrow" ]
	COMP_WORDS=(ktstr topo --to); COMP_CWORD=2; _ktstr
	[ "${COMPREPLY[*]}" = --topology ]
	COMP_WORDS=(ktstr completions f); COMP_CWORD=2; _ktstr
	[ "${COMPREPLY[*]}" = fish ]
}

@test "ktstr completions: an unknown or missing shell exits 2" {
	run -2 --separate-stderr ktstr completions tcsh
	[[ "$stderr" == *"unknown shell 'tcsh'"* ]]
	run -2 ktstr completions
}

@test "ktstr completions and ktstr(1) name exactly the commands of ktstr --help" {
	local want f c
	want=$(ktstr --help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}' | sort)
	[ "$(echo "$want" | wc -l)" -eq 10 ]
	for f in "$BATS_TEST_DIRNAME"/../completions/*; do
		for c in $want; do
			grep -qw -- "$c" "$f" || { echo "$f lacks $c"; return 1; }
		done
	done
	for c in $want; do
		grep -q "^\.It Cm $c" "$BATS_TEST_DIRNAME/../man/ktstr.1" ||
			{ echo "ktstr.1 lacks $c"; return 1; }
	done
}

@test "ktstr completions offer exactly the long options each installed tool accepts" {
	local c flags want got f
	source <(ktstr completions bash)
	for c in run list topo cleanup kernel shell host-state locks; do
		ktstr help "$c" >/dev/null 2>&1 || continue # tool not built yet
		want=$(ktstr help "$c" | grep -oE -- '--[a-z][a-z0-9-]+' | grep -v -- '--version' | sort -u)
		got=$(_ktstr_options "$c" | tr ' \t' '\n\n' | grep -E -- '^--' | sort -u)
		diff -u <(echo "$want") <(echo "$got") || { echo "bash: $c"; return 1; }
		for f in "$BATS_TEST_DIRNAME"/../completions/*; do
			for flag in $want; do
				grep -q -- "$flag\|'${flag#--}'\|-l ${flag#--}\b" "$f" ||
					{ echo "$f lacks $c $flag"; return 1; }
			done
		done
	done
}

@test "ktstr help CMD shows the tool's own help" {
	run -0 ktstr help topo
	[[ "$output" == "usage: ktstr-topo"* ]]
	run -0 ktstr help completions
	[[ "$output" == *"bash|zsh|fish|elvish|powershell"* ]]
	run -2 ktstr help nosuch
}

@test "ktstr help --help and ktstr help help show help's own help" {
	run -0 --separate-stderr ktstr help --help
	[[ "$output" == "usage: ktstr help [command]"* ]] && [ -z "$stderr" ]
	run -0 --separate-stderr ktstr help help
	[[ "$output" == "usage: ktstr help [command]"* ]] && [ -z "$stderr" ]
	run -0 --separate-stderr ktstr help -h
}
