#!/usr/bin/env bats
# ktstr-vm / ktstr shell: argument checks without booting, then real boots of
# a small Debian kernel under qemu (t/fetch-kernel.sh).  Each boot costs a
# few seconds under TCG, so each boot test checks one behaviour thoroughly.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	export KTSTR_CACHE_DIR="$BATS_FILE_TMPDIR/cache"
	if KERNEL=$("$BATS_TEST_DIRNAME/fetch-kernel.sh" 2>"$BATS_FILE_TMPDIR/kernel.err"); then
		export KERNEL
	else
		export KERNEL_ERR="no test kernel: $(cat "$BATS_FILE_TMPDIR/kernel.err")"
	fi
}

require_vm() {
	[ -n "${KERNEL:-}" ] || skip "${KERNEL_ERR:-no test kernel}"
	require_cmd qemu-system-x86_64
	[ -x /bin/busybox ] || skip "needs busybox-static (/bin/busybox)"
}

# A file that passes the bzImage check, for tests that never boot.
fake_kernel() {
	head -c 1024 /dev/zero >"$BATS_TEST_TMPDIR/bzImage"
	printf 'HdrS' | dd of="$BATS_TEST_TMPDIR/bzImage" bs=1 seek=514 conv=notrunc 2>/dev/null
	echo "$BATS_TEST_TMPDIR/bzImage"
}

@test "ktstr-vm: --help and --version go to stdout and exit 0" {
	run -0 ktstr-vm --help
	[[ "$output" == "usage: ktstr-vm --kernel id"* ]]
	[[ "$output" == *"--include-files"* ]]
	run -0 ktstr-vm --version
	[[ "$output" == "ktstr-vm "* ]]
	run -0 ktstr shell --help
	[[ "$output" == "usage: ktstr-vm"* ]]
}

@test "ktstr-vm: --kernel /nonexistent exits 2 naming it" {
	run -2 --separate-stderr ktstr-vm --kernel /nonexistent --exec true
	assert_error_from ktstr-vm
	[[ "$stderr" == *"'/nonexistent'"* ]]
}

@test "ktstr-vm: a --kernel that is not a bzImage exits 2" {
	echo "not a kernel" >"$BATS_TEST_TMPDIR/vmlinuz"
	run -2 --separate-stderr ktstr-vm --kernel "$BATS_TEST_TMPDIR/vmlinuz" --exec true
	assert_error_from ktstr-vm
	[[ "$stderr" == *"is not a bzImage"* ]]
}

@test "ktstr-vm: an id that is not a path goes to ktstr-kernel resolve, whose failure exits 2" {
	run -2 --separate-stderr ktstr-vm --kernel no-such-cache-key --exec true
	[[ "$stderr" == *"ktstr-kernel resolve' failed with status 2"* ]]
	[ -z "$output" ]
}

@test "ktstr-vm: a source directory without arch/x86/boot/bzImage exits 2" {
	run -2 --separate-stderr ktstr-vm --kernel "$BATS_TEST_TMPDIR" --exec true
	[[ "$stderr" == *"no arch/x86/boot/bzImage"* ]]
}

@test "ktstr-vm: without --kernel exits 2" {
	run -2 --separate-stderr ktstr-vm --exec true
	assert_error_from ktstr-vm
	[[ "$stderr" == *"--kernel is required"* ]]
}

@test "ktstr-vm: bad topologies exit 2" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 2,3,1,1 --exec true
	[[ "$stderr" == *"cannot be split evenly over 2 NUMA nodes"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 0,1,1,1 --exec true
	assert_error_from ktstr-vm
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 1,1,1 --exec true
	assert_error_from ktstr-vm
}

@test "ktstr-vm: --cpu-cap needs --no-perf-mode" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --cpu-cap 1 --exec true
	[[ "$stderr" == *"--cpu-cap 1 requires no-perf mode"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --no-perf-mode --cpu-cap 0 \
		--exec true
	assert_error_from ktstr-vm
}

@test "ktstr-vm: --backend native is not implemented yet and exits 2" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --backend native --exec true
	[[ "$stderr" == *"not implemented yet"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --backend kvmtool --exec true
	assert_error_from ktstr-vm
}

@test "ktstr-vm: options given twice and stray arguments exit 2" {
	run -2 --separate-stderr ktstr-vm --kernel a --kernel b --exec true
	[[ "$stderr" == *"--kernel given more than once"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --exec echo hi
	[[ "$stderr" == *"unexpected argument 'hi'"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --memory-mb 64 --exec true
	assert_error_from ktstr-vm
}

@test "ktstr-vm: interactive mode without a terminal exits 2" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" </dev/null
	[[ "$stderr" == *"needs a terminal"* ]]
}

@test "ktstr-vm: a missing include exits 2 naming it" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" -i "$BATS_TEST_TMPDIR/nope" \
		--exec true
	assert_error_from ktstr-vm
	[[ "$stderr" == *"$BATS_TEST_TMPDIR/nope"* ]]
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" -i no-such-tool-xyz --exec true
	[[ "$stderr" == *"not found in the filesystem or PATH"* ]]
}

@test "ktstr-vm: an include with an unresolvable library exits 2 naming the library" {
	require_cmd cc
	cd "$BATS_TEST_TMPDIR"
	echo 'int ktstr_test_lib(void) { return 7; }' >lib.c
	echo 'int ktstr_test_lib(void); int main(void) { return ktstr_test_lib(); }' >main.c
	cc -shared -fPIC -o libktstrgone.so lib.c
	cc -o prog main.c -L. -lktstrgone
	rm libktstrgone.so
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" -i ./prog --exec true
	[[ "$stderr" == *"missing shared libraries: libktstrgone.so"* ]]
}

@test "ktstr-vm: --dry-run shows a directory include keeping its structure, \$ORIGIN libraries too" {
	require_cmd cc
	[ -x /bin/busybox ] || skip "needs busybox-static"
	cd "$BATS_TEST_TMPDIR"
	mkdir -p tree/bin tree/lib tree/empty tree/data/deep
	echo 'int ktstr_test_lib(void) { return 7; }' >lib.c
	echo 'int ktstr_test_lib(void); int main(void) { return ktstr_test_lib(); }' >main.c
	cc -shared -fPIC -o tree/lib/libktstrorigin.so lib.c
	cc -o tree/bin/prog main.c -Ltree/lib -lktstrorigin -Wl,-rpath,'$ORIGIN/../lib'
	echo hello >tree/data/deep/file.txt
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" -i tree --dry-run --exec true
	for p in include-files/tree/bin/prog include-files/tree/lib/libktstrorigin.so \
		include-files/tree/empty include-files/tree/data/deep/file.txt ktstr/exec ktstr/env; do
		grep -qx "boot /$p" <<<"$output" || { echo "missing $p"; return 1; }
	done
	# exit 0 above means $ORIGIN/../lib was resolved; the library is also at its real path
	grep -qx "boot $(realpath tree/lib/libktstrorigin.so)" <<<"$output"
}

@test "ktstr-vm: --dry-run maps nodes and LLCs onto qemu sockets and NUMA nodes" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 2,4,2,2 --dry-run \
		--exec true
	q=$(grep '^qemu ' <<<"$output")
	[[ "$q" == *" -smp 16,sockets=4,cores=2,threads=2 "* ]]
	[[ "$q" == *" -numa node,nodeid=0,cpus=0-7,memdev=m0 "* ]]
	[[ "$q" == *" -numa node,nodeid=1,cpus=8-15,memdev=m1 "* ]]
	[[ "$q" == *" -no-reboot "* ]]
	mem=$(sed -n 's/^memory_mb //p' <<<"$output")
	[ "$mem" -ge 256 ]
}

@test "ktstr-vm: --dry-run builds a qemu command line for 16 and 128 NUMA nodes" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 16,16,1,1 --dry-run \
		--exec true
	q=$(grep '^qemu ' <<<"$output")
	[[ "$q" == *" -numa node,nodeid=15,cpus=15-15,memdev=m15 "* ]]
	[[ "$q" == *" -serial chardev:s3" ]] # nothing after the nodes was lost
	[ "$(sed -n 's/^memory_mb //p' <<<"$output")" -ge 1024 ] # 64 MB a node
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 128,256,1,1 \
		--dry-run --exec true
	[[ "$output" == *" -numa node,nodeid=127,cpus=254-255,memdev=m127 "* ]]
}

@test "ktstr-vm: more NUMA nodes than qemu supports exits 2" {
	run -2 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --topology 129,129,1,1 \
		--dry-run --exec true
	assert_error_from ktstr-vm
	[[ "$stderr" == *"at most 128"* ]]
}

@test "ktstr-vm: a guest that cannot be launched exits 3 at once, not waiting for it" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	export KTSTR_QEMU=false # were it launched, it would stop at once too
	kernel=$(fake_kernel)
	hit=
	# few descriptors: the levels before the guest come up, its socket pairs do not
	for n in 6 8 10 12 14 16 18; do
		run -3 --separate-stderr bash -c "ulimit -n $n; exec timeout 20 ktstr-vm \
			--kernel '$kernel' --exec true"
		[[ "$stderr" == *"cannot create a "*"Too many open files"* ]] && hit=1
	done
	[ -n "$hit" ]
}

# A qemu stand-in: prints "$console" on the console, "init 0.5" on the control
# port when $init is set, then hangs without a word on the command's output.
fake_qemu() {
	cat >"$BATS_TEST_TMPDIR/qemu" <<'EOF'
#!/bin/bash
for a; do
	case $a in socket,id=s0,fd=*) con=${a##*fd=} ;; socket,id=s3,fd=*) ctl=${a##*fd=} ;; esac
done
[ -n "$console" ] && printf '%s\n' "$console" >&"$con"
[ -n "$init" ] && printf 'init 0.5\n' >&"$ctl"
exec sleep 600
EOF
	chmod +x "$BATS_TEST_TMPDIR/qemu"
	echo "$BATS_TEST_TMPDIR/qemu"
}

@test "ktstr-vm: --idle-timeout does not count boot time; --timeout then says /init had not started" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	KTSTR_QEMU=$(fake_qemu) console="booting slowly" \
		run -3 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --idle-timeout 1s \
		--timeout 3s --exec true
	[[ "$stderr" == *"did not finish within --timeout (it had not started /init"* ]]
	[[ "$stderr" == *"console's last lines:"*"booting slowly"* ]]
	[[ "$stderr" != *"wrote nothing"* ]]
}

@test "ktstr-vm: --idle-timeout counts from /init; an empty console is said to be empty" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	KTSTR_QEMU=$(fake_qemu) init=1 \
		run -3 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --idle-timeout 1s \
		--timeout 20s --exec true
	[[ "$stderr" == *"the guest command wrote nothing for 1 s (--idle-timeout)"* ]]
	[[ "$stderr" == *"the guest console printed nothing"* ]]
}

@test "ktstr-vm: the base initramfs is cached and reused" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --dry-run --exec true
	base=$(sed -n 's/^base \([^ ]*\) .*/\1/p' <<<"$output")
	[ -f "$base" ]
	[[ "$base" == "$KTSTR_CACHE_DIR/.initramfs/base-"*.cpio ]]
	touch -d '2000-01-01' "$base"
	run -0 --separate-stderr ktstr-vm --kernel "$(fake_kernel)" --dry-run --exec true
	[ "$(sed -n 's/^base \([^ ]*\) .*/\1/p' <<<"$output")" = "$base" ]
	[ "$(stat -c %Y "$base")" -gt 946684800 ] # used: mtime refreshed, not rebuilt elsewhere
	! ls -a "$KTSTR_CACHE_DIR/.initramfs" | grep -q '^\.base-' # no temporaries left
}

boot_topology() {
	require_vm
	run -0 --separate-stderr ktstr-vm --kernel "$KERNEL" --topology "$1" --timeout 120 \
		--exec 'nproc; ktstr-topo'
	[ "$(sed -n 1p <<<"$output")" = "$2" ]
	topo=$(sed -n 2p <<<"$output")
	[ "$(jq '.cpus | length' <<<"$topo")" = "$2" ]
	[ "$(jq '.llcs | length' <<<"$topo")" = "$3" ]
	[ "$(jq '.nodes | length' <<<"$topo")" = "$4" ]
	[ "$(jq -r .llc_source <<<"$topo")" = sysfs ]
}

@test "ktstr-vm: topology 1,1,1,1 boots one CPU, one LLC, one node" {
	boot_topology 1,1,1,1 1 1 1
}

@test "ktstr-vm: topology 1,2,2,1 gives two LLCs of two cores" {
	boot_topology 1,2,2,1 4 2 1
	[ "$(jq -c '[.llcs[].cpus]' <<<"$topo")" = "[[0,1],[2,3]]" ]
	[ "$(jq -c '[.llcs[].cores[]]' <<<"$topo")" = "[[0],[1],[2],[3]]" ]
}

@test "ktstr-vm: topology 2,2,1,2 gives two nodes, one LLC each, SMT pairs" {
	boot_topology 2,2,1,2 4 2 2
	[ "$(jq -c '[.llcs[] | {node, cpus, cores}]' <<<"$topo")" = \
		'[{"node":0,"cpus":[0,1],"cores":[[0,1]]},{"node":1,"cpus":[2,3],"cores":[[2,3]]}]' ]
}

@test "ktstr-vm: the guest command's exit status becomes ours" {
	require_vm
	run -7 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 120 --exec 'exit 7'
	[ -z "$output" ]
}

@test "ktstr-vm: guest stdout and stderr arrive apart, without kernel messages" {
	require_vm
	run -0 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 120 \
		--exec 'echo out; echo err >&2; printf "a\tb\n"; dmesg -n 8; echo kmsg >/dev/kmsg'
	[ "$output" = "$(printf 'out\na\tb')" ]
	[ "$stderr" = "err" ]
}

@test "ktstr shell --exec ktstr-topo streams NDJSON into a pipe" {
	require_vm
	run -0 bash -c "ktstr shell --kernel '$KERNEL' --timeout 120 --topology 1,2,1,1 \
		--exec ktstr-topo | jq -c '[.type, (.llcs | length)]'"
	[ "$output" = '["topo",2]' ]
}

@test "ktstr-vm: an included jq and a directory work in the guest, but never replace a ktstr tool" {
	require_vm
	mkdir -p "$BATS_TEST_TMPDIR/tree/sub/deeper" "$BATS_TEST_TMPDIR/tree/empty"
	echo deep >"$BATS_TEST_TMPDIR/tree/sub/deeper/file"
	printf '#!/bin/sh\necho script-ran\n' >"$BATS_TEST_TMPDIR/tree/sub/tool.sh"
	chmod +x "$BATS_TEST_TMPDIR/tree/sub/tool.sh"
	# a scheduler named like a tool, as "ktstr run --scheduler ./ktstr" includes it
	printf '#!/bin/sh\necho impostor\n' >"$BATS_TEST_TMPDIR/tree/sub/ktstr"
	chmod +x "$BATS_TEST_TMPDIR/tree/sub/ktstr"
	run -0 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 120 -i jq \
		-i "$BATS_TEST_TMPDIR/tree" \
		--exec 'jq -n -c "[1,2] | add"; cat /include-files/tree/sub/deeper/file;
			[ -d /include-files/tree/empty ] && echo empty-dir; tool.sh; command -v jq;
			command -v ktstr'
	[ "$output" = "$(printf '3\ndeep\nempty-dir\nscript-ran\n/include-files/jq\n/ktstr/bin/ktstr')" ]
}

@test "ktstr-vm: a guest kernel panic exits 3 with the panic and console tail" {
	require_vm
	run -3 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 120 \
		--exec 'echo c >/proc/sysrq-trigger'
	[[ "$stderr" == *"the guest kernel panicked: Kernel panic"* ]]
	[[ "$stderr" == *"console's last lines"* ]]
}

@test "ktstr-vm: --timeout kills a hung guest and exits 3" {
	require_vm
	run -3 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 10s --exec 'sleep 600'
	[[ "$stderr" == *"did not finish within --timeout"* ]]
}

@test "ktstr-vm: SIGTERM stops the VM, leaves no qemu behind, exits 130" {
	require_vm
	ktstr-vm -v --kernel "$KERNEL" --timeout 120 --exec 'sleep 600' \
		2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 600); do
		grep -q 'guest init started' "$BATS_TEST_TMPDIR/err" && break
		sleep 0.2
	done
	qpid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/err")
	[ -n "$qpid" ]
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ]
	! kill -0 "$qpid" 2>/dev/null
}

@test "ktstr-vm: a kernel from the cache is held while the VM runs, so clean skips it" {
	require_vm
	run -0 --separate-stderr ktstr-kernel add "$KERNEL" --name held
	ktstr-vm -v --kernel held --timeout 120 --exec 'sleep 600' 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 600); do
		grep -q 'guest init started' "$BATS_TEST_TMPDIR/err" && break
		sleep 0.2
	done
	run -0 ktstr-locks --json
	[ "$(jq --argjson p "$pid" '[.cache[] | select(.cache_key == "held") | .holders[]
		| select(.pid == $p and .mode == "shared")] | length' <<<"$output")" -eq 1 ]
	run -0 --separate-stderr ktstr-kernel clean --force
	[[ "$stderr" == *"skipping 'held': in use by pid $pid 'ktstr-vm "*"(shared)"* ]]
	kill -TERM "$pid"
	wait "$pid" || true
	[ -f "$KTSTR_CACHE_DIR/held/bzImage" ]
	# the VM gone, nothing holds it
	run -0 --separate-stderr ktstr-kernel clean --force
	[ ! -e "$KTSTR_CACHE_DIR/held" ]
}

@test "ktstr-vm: --dmesg copies the kernel console to stderr" {
	require_vm
	run -0 --separate-stderr ktstr-vm --kernel "$KERNEL" --timeout 120 --dmesg --exec 'echo out'
	[ "$output" = out ]
	[[ "$stderr" == *"Linux version"* ]]
	[[ "$stderr" == *"Run /init as init process"* ]]
}

@test "ktstr-vm: a closed stdout stops the VM and exits 130" {
	require_vm
	run -0 bash -c "ktstr-vm --kernel '$KERNEL' --timeout 120 --exec yes | head -n 2;
		echo rc=\${PIPESTATUS[0]}"
	[ "$output" = "$(printf 'y\ny\nrc=130')" ]
}

# Start an interactive ktstr-vm in tmux whose pid lands in $BATS_TEST_TMPDIR/pid;
# the terminal settings before and after go to files 'before' and 'after'.
interactive_start() {
	sock="$BATS_TEST_TMPDIR/tmux.sock"
	tmux -S "$sock" new-session -d -s vm -x 100 -y 30 "bash --norc --noprofile"
	tmux -S "$sock" send-keys -t vm "cd '$BATS_TEST_TMPDIR'; stty -g >before; \
bash -c 'echo \$\$ >pid; exec ktstr shell --kernel \"$KERNEL\" --timeout 120'; \
echo rc=\$? >rc; stty -g >after" Enter
	for _ in $(seq 600); do
		tmux -S "$sock" capture-pane -p -t vm | grep -q 'ktstr shell: Linux' && break
		sleep 0.2
	done
	sleep 1
}

interactive_finish() {
	for _ in $(seq 300); do
		[ -s "$BATS_TEST_TMPDIR/after" ] && break
		sleep 0.2
	done
	screen=$(tmux -S "$sock" capture-pane -p -J -S -1000 -t vm)
	tmux -S "$sock" kill-server
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "ktstr shell: interactive through tmux: echo hi, poweroff, terminal restored" {
	require_vm
	require_cmd tmux
	interactive_start
	tmux -S "$sock" send-keys -t vm 'echo h""i; poweroff' Enter
	interactive_finish
	grep -qx 'hi' <<<"$screen"
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = rc=0 ]
}

@test "ktstr shell: interactive terminal is restored after a guest crash and after SIGTERM" {
	require_vm
	require_cmd tmux
	interactive_start
	tmux -S "$sock" send-keys -t vm 'echo c >/proc/sysrq-trigger' Enter
	interactive_finish
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = rc=3 ]
	[[ "$screen" == *"the guest kernel panicked"* ]]
	rm -f "$BATS_TEST_TMPDIR/after"
	interactive_start
	kill -TERM "$(cat "$BATS_TEST_TMPDIR/pid")"
	interactive_finish
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = rc=130 ]
}
