#!/usr/bin/env bats
# Documentation stays true: man pages lint clean, every tool has one.

load helper
bats_require_minimum_version 1.5.0

MAN=$BATS_TEST_DIRNAME/../man

@test "man pages pass mandoc -Tlint at warning level" {
	require_cmd mandoc
	run -0 mandoc -Tlint -Wwarning "$MAN"/*.1 "$MAN"/*.5
	[ -z "$output" ]
}

@test "every built tool has a man page and every man page a tool" {
	local t
	for t in "$KTSTR_BIN"/ktstr*; do
		[ -e "$MAN/$(basename "$t").1" ] || { echo "no man page for $t"; return 1; }
	done
	for t in "$MAN"/*.1; do
		[ -x "$KTSTR_BIN/$(basename "$t" .1)" ] || { echo "no tool for $t"; return 1; }
	done
}

@test "every tool's --help and --version exit 0 on stdout" {
	local t
	for t in "$KTSTR_BIN"/ktstr*; do
		run -0 --separate-stderr "$t" --help
		[ -n "$output" ] && [ -z "$stderr" ] || { echo "$t --help"; return 1; }
		run -0 --separate-stderr "$t" --version
		[[ "$output" == "$(basename "$t") "* ]] || { echo "$t --version: $output"; return 1; }
	done
}

to_full() {
	"$@" >/dev/full
}

# the write error is reported, and only once
said_once() {
	[ "$(grep -c 'cannot write standard output' <<<"$1")" -eq 1 ] && [ "$(wc -l <<<"$1")" -eq 1 ]
}

@test "every --help and --version, top-level and per subcommand, exits 3 on a full stdout" {
	[ -w /dev/full ] || skip "needs /dev/full"
	local t a cmd
	for t in "$KTSTR_BIN"/ktstr*; do
		for a in --help -h --version -V; do
			run -3 --separate-stderr to_full "$t" "$a" ||
				{ echo "$t $a: status $status"; return 1; }
			said_once "$stderr" || { echo "$t $a: $stderr"; return 1; }
		done
	done
	for cmd in "ktstr-kernel list" "ktstr-kernel build" "ktstr-kernel clean" \
		"ktstr-kernel resolve" "ktstr-kernel add" "ktstr-kernel help" "ktstr-cgroup run" \
		"ktstr-cgroup list" "ktstr-cgroup cleanup" "ktstr-hst capture" "ktstr-hst compare" \
		"ktstr help" "ktstr help help" "ktstr help run" "ktstr run" "ktstr completions"; do
		for a in --help -h; do
			# shellcheck disable=SC2086 # the command is words
			run -3 --separate-stderr to_full $cmd "$a" ||
				{ echo "$cmd $a: status $status"; return 1; }
			said_once "$stderr" || { echo "$cmd $a: $stderr"; return 1; }
		done
	done
	# help as a command, not an option: the dispatcher flushes its stdout once
	for cmd in "ktstr help" "ktstr help run" "ktstr help help" "ktstr help completions"; do
		# shellcheck disable=SC2086 # the command is words
		run -3 --separate-stderr to_full $cmd || { echo "$cmd: status $status"; return 1; }
		said_once "$stderr" || { echo "$cmd: $stderr"; return 1; }
	done
}

@test "ktstr(1) gives locks' options as ktstr-locks(1) does: --watch without --json" {
	require_cmd mandoc
	run -0 sh -c "MANWIDTH=200 mandoc -Tutf8 '$MAN/ktstr.1' | col -b"
	[[ "$output" == *"locks [--json] [--watch duration]"* ]]
}

@test "each tool's usage text equals its man page SYNOPSIS" {
	local t name usage syn
	for t in "$KTSTR_BIN"/ktstr*; do
		name=$(basename "$t")
		usage=$("$t" --help | sed '/^$/q' | sed 's/^usage: //' | tr -s ' \t\n' ' ' | sed 's/ $//')
		syn=$(MANWIDTH=200 mandoc -Tutf8 "$MAN/$name.1" | col -b |
			awk '/^SYNOPSIS/ {on=1; next} /^[A-Z]/ {on=0} on' |
			tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//')
		[ "$usage" = "$syn" ] || { echo "$name: usage '$usage' != SYNOPSIS '$syn'"; return 1; }
	done
}
