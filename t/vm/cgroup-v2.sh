#!/bin/bash
# Check ktstr-cgroup on a pure cgroup2 host with the cpuset and cpu
# controllers (what most users have, and what this v1 build machine lacks):
# boot KERNEL under qemu with 8 vCPUs on 2 NUMA nodes, an initramfs holding
# busybox, bash, ktstr-topo, ktstr-cgroup and t/fixtures/cgroup/fake-work,
# and run real scenarios there.  Manual until ktstr-vm can do the booting;
# prints the guest's report and exits 1 if any check failed.
#   t/vm/cgroup-v2.sh /boot/vmlinuz-...   (a Debian cloud kernel works:
#   apt-get download linux-image-6.1.0-*-cloud-amd64; dpkg-deb -x ...)
set -eu
kernel=${1:?usage: t/vm/cgroup-v2.sh KERNEL}
cd "$(dirname "$0")/../.."
bin=${KTSTR_BIN:-$PWD/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ird=$work/ird
mkdir -p "$ird"/{bin,lib64,lib/x86_64-linux-gnu,proc,sys,dev,tmp}
cp /bin/busybox "$ird/bin/"
for a in sh mount mkdir cat ls sleep poweroff wc grep sed seq kill mkfifo head; do
	ln -s busybox "$ird/bin/$a"
done
cp /bin/bash "$bin/ktstr-topo" "$bin/ktstr-cgroup" t/fixtures/cgroup/fake-work "$ird/bin/"
for l in $( (ldd "$bin/ktstr-cgroup"; ldd "$bin/ktstr-topo"; ldd /bin/bash) | awk '/=>/ {print $3}' | sort -u); do
	cp -L "$l" "$ird/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$ird/lib64/"
cat >"$ird/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t cgroup2 none /sys/fs/cgroup
PATH=/bin exec /bin/bash /check.sh
INIT
cat >"$ird/check.sh" <<'CHECK'
set -u
fail() { echo "FAIL: $*"; bad=1; }
bad=0
ktstr-cgroup --backend | head -1 | grep -qx v2 || fail "backend is not v2"
ktstr-topo >/tmp/topo
# cpusets set, then cleared halfway, checked in the kernel's files while running
mkfifo /tmp/fifo
fake-work </tmp/fifo >/tmp/out &
f=$!
ktstr-cgroup run --scenario cgroup_cpuset_clear_midrun/default --settle 0 --duration 2s </tmp/topo >/tmp/fifo &
r=$!
for i in $(seq 100); do grep -q '"type":"start"' /tmp/out && break; sleep 0.1; done
sleep 0.2
[ "$(cat /sys/fs/cgroup/ktstr-$r/cg_0/cpuset.cpus.effective)" = 0-2 ] || fail "cg_0 cpuset"
[ "$(cat /sys/fs/cgroup/ktstr-$r/cg_1/cpuset.cpus.effective)" = 3-6 ] || fail "cg_1 cpuset"
[ "$(cat /sys/fs/cgroup/ktstr-$r/cg_1/cpuset.mems)" = 0-1 ] || fail "cg_1 mems"
[ "$(wc -l </sys/fs/cgroup/ktstr-$r/cg_0/cgroup.procs)" -eq 4 ] || fail "workers in cg_0"
grep -qw cpuset /sys/fs/cgroup/ktstr-$r/cgroup.subtree_control || fail "+cpuset"
for i in $(seq 100); do grep -q '"op":"cpuset","name":"cg_1"' /tmp/out && break; sleep 0.1; done
[ "$(cat /sys/fs/cgroup/ktstr-$r/cg_1/cpuset.cpus.effective)" = 0-7 ] || fail "cleared cpuset"
wait $r || fail "run exit $?"
wait $f
# every kind of change, one after another
ktstr-topo | ktstr-cgroup run --duration 1s --scenario cgroup_cpuset_numa_swap/default \
	--scenario nested_cgroup_task_move/default --scenario nested_cgroup_cpuset/default \
	--scenario nested_cgroup_rapid_churn/default --scenario cgroup_no_ctrl_task_migration/no-ctrl \
	--scenario cgroup_dsq_contention/default --scenario cgroup_cpuset_swap_disjoint/default \
	--scenario cgroup_exhaust_reuse/default | fake-work >/tmp/out2 || fail "runs exit"
[ "$(grep -c '"type":"scenario_end"' /tmp/out2)" -eq 8 ] || fail "8 scenarios"
grep '"type":"scenario_end"' /tmp/out2 | grep -v '"error":null' && fail "scenario errors"
grep -q '"op":"cpuset","name":"cg_0",[^}]*"cpus":\[4,5,6,7\],"mems":\[1\]' /tmp/out2 || fail "numa swap"
# stragglers are killed with cgroup.kill; nothing is left
ktstr-cgroup run --scenario stall_detect/default --duration 1s </tmp/topo >/tmp/out3 2>/dev/null &
r=$!
for i in $(seq 100); do [ -d /sys/fs/cgroup/ktstr-$r/cg_0 ] && break; sleep 0.1; done
sleep 1000 &
echo $! >/sys/fs/cgroup/ktstr-$r/cg_0/cgroup.procs
wait $r
grep -q '"killed":1' /tmp/out3 || fail "cgroup.kill"
ls -d /sys/fs/cgroup/ktstr* 2>/dev/null && fail "leftovers"
# a SIGKILLed run's leftovers go with cleanup
ktstr-cgroup run --scenario cgroup_steady/default --duration 30s </tmp/topo >/dev/null 2>&1 &
r=$!
for i in $(seq 100); do [ -d /sys/fs/cgroup/ktstr-$r/cg_1 ] && break; sleep 0.1; done
kill -KILL $r
wait $r
ktstr-cgroup cleanup | grep -qx "cleaned up /sys/fs/cgroup/ktstr-$r" || fail "cleanup"
ls -d /sys/fs/cgroup/ktstr* 2>/dev/null && fail "leftovers after cleanup"
[ $bad = 0 ] && echo "ALL CHECKS PASSED"
poweroff -f
CHECK
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"
timeout 600 qemu-system-x86_64 -accel tcg -smp 8 -m 1024 \
	-object memory-backend-ram,size=512M,id=m0 -object memory-backend-ram,size=512M,id=m1 \
	-numa node,memdev=m0,cpus=0-3,nodeid=0 -numa node,memdev=m1,cpus=4-7,nodeid=1 \
	-nographic -no-reboot -kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" </dev/null | tee "$work/log" | grep -E "FAIL|PASSED"
grep -q "ALL CHECKS PASSED" "$work/log"
