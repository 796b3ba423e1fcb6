#!/bin/busybox sh
# ktstr guest init: PID 1 in every VM that ktstr-vm boots (packed as /init).
#
# A busybox script rather than C: it runs before /proc exists, so it needs no
# dynamic loader and works the same when the ktstr tools in the guest are
# sanitizer builds; and each step below is one line to read or change.
#
# Channels are the four ISA serial ports (the 8250 driver is built into every
# x86 kernel we boot, where virtio-console is often a module):
#   ttyS0  kernel console            ttyS1  command stdout, or the interactive terminal
#   ttyS2  command stderr            ttyS3  control lines for the host:
#          "init <uptime seconds>"   first thing, for boot-time measurement
#          "warn <text>"             a step that failed; the host prints it
#          "exit <status>"           last thing before power-off
# The per-boot archive adds /ktstr/env (KTSTR_MODE, KTSTR_TOPO, TERM, ROWS,
# COLS) and, for --exec, /ktstr/exec (the command, run with sh).
export PATH=/ktstr/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
ctl=/dev/ttyS3

mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
stty -F $ctl raw -echo
read -r up _ </proc/uptime
echo "init $up" >$ctl

warn() {
	echo "warn $*" >$ctl
}

need() {
	"$@" 2>/dev/null || warn "'$*' failed"
}

need mount -t sysfs sysfs /sys
need mount -t tmpfs -o mode=1777 tmpfs /tmp
need mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
need mount -t devpts devpts /dev/pts
need mount -t tmpfs tmpfs /dev/shm
need mount -t debugfs debugfs /sys/kernel/debug
need mount -t tracefs tracefs /sys/kernel/tracing
need mount -t bpf bpf /sys/fs/bpf
need mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "+cpuset +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
	warn "cannot enable the cpuset and cpu controllers in /sys/fs/cgroup"
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr

# PATH: the ktstr tools, then every directory under /include-files that holds
# an executable file, then busybox.  The harness's own commands ("ktstr run
# --stream" of a VM run) must not find an included file of the same name (a
# scheduler called ktstr); included programs still override busybox applets.
inc=$(find /include-files -type f -perm -100 2>/dev/null | sed 's|/[^/]*$||' | sort -u |
	tr '\n' ':')
export PATH="/ktstr/bin:$inc${PATH#/ktstr/bin:}"
[ -r /ktstr/env ] && . /ktstr/env

# busybox poweroff/reboot/halt signal PID 1; end the command and report then.
stop=
trap 'stop=1' USR1 USR2 TERM

# The command's stdout and stderr are pipes, as on the host side, so programs
# neither color their output nor take it for a terminal; cat copies each pipe
# to its port, which stays raw so every byte arrives as written.
run_exec() {
	sh /ktstr/exec </dev/null
	echo $? >/run/ktstr-status
}

if [ -r /ktstr/exec ]; then
	stty -F /dev/ttyS1 raw -echo
	stty -F /dev/ttyS2 raw -echo
	{ run_exec | cat >/dev/ttyS1; } 2>&1 | cat >/dev/ttyS2 &
else
	stty -F /dev/ttyS1 sane
	[ -n "$ROWS" ] && stty -F /dev/ttyS1 rows "$ROWS" cols "$COLS"
	export PS1='\w # '
	{
		echo "ktstr shell: Linux $(uname -r), $(nproc) CPUs (topology $KTSTR_TOPO)," \
			"$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MB"
		echo "included files are in /include-files; 'exit' or 'poweroff' ends the VM," \
			"Ctrl-A x kills it"
	} >/dev/ttyS1
	setsid -c sh </dev/ttyS1 >/dev/ttyS1 2>&1 &
fi
pid=$!
wait $pid
status=$?
[ -r /run/ktstr-status ] && read -r status </run/ktstr-status
if [ -n "$stop" ]; then
	kill -HUP $pid 2>/dev/null
	status=0
fi

# Nothing else may write to the ports now; setting a mode with stty waits
# (TCSADRAIN) until a port has sent everything, so no output is lost.
kill -KILL -1 2>/dev/null
stty -F /dev/ttyS1 -echo
stty -F /dev/ttyS2 -echo
echo "exit $status" >$ctl
stty -F $ctl -echo
poweroff -f
