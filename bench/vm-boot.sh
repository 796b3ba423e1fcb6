#!/bin/bash
# VM boot benchmarks (ktstr-vm, qemu backend), medians of $KTSTR_BENCH_RUNS runs:
#  1. 'ktstr shell --exec true' wall time against the bare qemu command that
#     boots the same kernel and the same initramfs with the same memory and
#     CPUs (goal: ratio <= 1.15);
#  2. boot-to-init inside the guest: the kernel's uptime when /init started,
#     and the host time from launch until init reported in;
#  3. building the per-boot archive with a 20 MiB include set (goal <= 100 ms),
#     as 'ktstr-vm --dry-run' time with and without the include.
# Needs qemu, busybox-static and the test kernel (t/fetch-kernel.sh).
set -eu
cd "$(dirname "$0")/.."
bin=${KTSTR_BIN:-$PWD/bin}
runs=${KTSTR_BENCH_RUNS:-5}
kernel=${KTSTR_BENCH_KERNEL:-$(t/fetch-kernel.sh)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export KTSTR_CACHE_DIR="$tmp/cache"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The bare command: ktstr-vm's own qemu line with the initrd in a file and
# the serial ports discarded; the initrd is the cached base plus a boot
# archive holding the same command, made with busybox cpio.
"$bin/ktstr-vm" --kernel "$kernel" --dry-run --exec true >"$tmp/dry"
base=$(sed -n 's/^base \([^ ]*\) .*/\1/p' "$tmp/dry")
mkdir -p "$tmp/boot/ktstr"
echo true >"$tmp/boot/ktstr/exec"
printf 'KTSTR_MODE=exec\nKTSTR_TOPO=1,1,1,1\n' >"$tmp/boot/ktstr/env"
(cd "$tmp/boot" && find ktstr | busybox cpio -o -H newc 2>/dev/null) >"$tmp/boot.cpio"
cat "$base" "$tmp/boot.cpio" >"$tmp/initrd.cpio"
qemu=$(sed -n 's/^qemu //p' "$tmp/dry" |
	sed "s|-initrd /proc/self/fd/[0-9]*|-initrd $tmp/initrd.cpio|; s|socket,id=\(s[0-9]\),fd=-1|null,id=\1|g")

: >"$tmp/ktstr" >"$tmp/bare" >"$tmp/uptime" >"$tmp/launch"
for _ in $(seq "$runs"); do
	t0=$(now)
	"$bin/ktstr" shell -v --kernel "$kernel" --exec true 2>"$tmp/err"
	t1=$(now)
	eval "$qemu"
	t2=$(now)
	calc "$t1 - $t0" >>"$tmp/ktstr"
	calc "$t2 - $t1" >>"$tmp/bare"
	sed -n 's/.*kernel uptime \([0-9.]*\) s, \([0-9.]*\) s after launch.*/\1 \2/p' "$tmp/err" |
		while read -r up launch; do
			echo "$up" >>"$tmp/uptime"
			echo "$launch" >>"$tmp/launch"
		done
done
k=$(median <"$tmp/ktstr")
b=$(median <"$tmp/bare")
printf 'vm-boot: ktstr shell --exec true: median %.2f s (%s runs: %s)\n' "$k" "$runs" \
	"$(sort -g "$tmp/ktstr" | xargs printf '%.2f ')"
printf 'vm-boot: bare qemu, same kernel, initramfs, memory, CPUs: median %.2f s (%s)\n' "$b" \
	"$(sort -g "$tmp/bare" | xargs printf '%.2f ')"
printf 'vm-boot: ratio %.3f (goal <= 1.15)\n' "$(calc "$k / $b")"
printf 'vm-boot: /init started at kernel uptime median %.2f s, %.2f s after launch\n' \
	"$(median <"$tmp/uptime")" "$(median <"$tmp/launch")"

mkdir -p "$tmp/inc20"
for i in $(seq 20); do head -c 1048576 /dev/urandom >"$tmp/inc20/f$i"; done
: >"$tmp/with" >"$tmp/without"
for _ in $(seq "$runs"); do
	t0=$(now)
	"$bin/ktstr-vm" --kernel "$kernel" --dry-run --exec true >/dev/null
	t1=$(now)
	"$bin/ktstr-vm" --kernel "$kernel" --dry-run -i "$tmp/inc20" --exec true >/dev/null
	t2=$(now)
	calc "($t1 - $t0) * 1000" >>"$tmp/without"
	calc "($t2 - $t1) * 1000" >>"$tmp/with"
done
printf 'vm-boot: cached base + per-boot archive with 20 MiB of includes: median %.1f ms' \
	"$(median <"$tmp/with")"
printf ' (%.1f ms without includes; goal <= 100 ms)\n' "$(median <"$tmp/without")"
