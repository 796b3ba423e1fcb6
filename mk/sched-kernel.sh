#!/bin/sh
# The sched_ext kernel and schedulers the VM run tests use (t/vmrun.bats),
# found in the caches or built once:
#
#   1. Debian's linux-source-6.12, unpacked into $KTSTR_SCHED_SRC (a tree of
#      our own, so its config is the ktstr config and nothing else);
#   2. the kernel, with "ktstr-kernel build --source" into the kernel cache
#      (a cache hit when the tree and the config fragment have not changed);
#   3. the tree's example schedulers (scx_simple, scx_qmap, scx_central,
#      scx_flatcg), built with clang-19 into $KTSTR_SCHED_DIR when missing;
#   4. our fixture scheduler scx_ktstr (bpf/), rebuilt when its sources or
#      the kernel's BTF are newer than the binary.
#
# Prints "kernel <image>" and "schedulers <dir>" on stdout; progress and
# errors go to stderr.  Exits 3 when something cannot be had (no Debian
# package, no compiler), 1 when a build fails.  Builds run at nice 19.
#
#   KTSTR_BIN        the ktstr tools (default: bin)
#   KTSTR_SCHED_SRC  the kernel tree (default: ~/.cache/ktstr/src/linux-source-6.12)
#   KTSTR_SCHED_DIR  the schedulers (default: ~/.cache/ktstr/schedulers)
#   KTSTR_CACHE_DIR  the kernel cache (ktstr-kernel's default)
set -eu
# Run from make (make check, make asan), we must not hand our make's
# variables (O=build/asan ...) to the kernel's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

root=$(cd "$(dirname "$0")/.." && pwd)
BIN=${KTSTR_BIN:-$root/bin}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ktstr
SRC=${KTSTR_SCHED_SRC:-$cache/src/linux-source-6.12}
SCHED_DIR=${KTSTR_SCHED_DIR:-$cache/schedulers}
TARBALL=/usr/src/linux-source-6.12.tar.xz
TREE_SCHEDS="scx_simple scx_qmap scx_central scx_flatcg"
CLANG=clang-19

say() { echo "sched-kernel: $*" >&2; }
die() { say "$2"; exit "$1"; }
quiet() { nice -n 19 "$@" >&2; }

sh "$root/mk/deps.sh" linux-source-6.12 clang-19 llvm-19 lld-19 bc bison flex libssl-dev \
	libelf-dev dwarves cpio zlib1g-dev || die 3 "cannot install the kernel build packages"
command -v $CLANG >/dev/null || die 3 "no $CLANG"

# 1. the tree
if [ ! -f "$SRC/Makefile" ]; then
	[ -f "$TARBALL" ] || die 3 "no $TARBALL (Debian package linux-source-6.12)"
	say "unpacking $TARBALL into $(dirname "$SRC")"
	mkdir -p "$(dirname "$SRC")"
	tmp=$(mktemp -d "$(dirname "$SRC")/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM
	tar -xaf "$TARBALL" -C "$tmp"
	mv "$tmp/$(basename "$SRC")" "$SRC" 2>/dev/null || mv "$tmp"/linux-source-* "$SRC"
	rm -rf "$tmp"
	trap - EXIT INT TERM
fi

# 2. the kernel
t0=$(date +%s)
image=$(nice -n 19 "$BIN/ktstr-kernel" build --source "$SRC") || die 1 "the kernel build failed"
say "kernel: $image ($(($(date +%s) - t0)) s)"
vmlinux=$(dirname "$image")/vmlinux
[ -f "$vmlinux" ] || vmlinux=$SRC/vmlinux

# 3. the tree's schedulers, with its own libbpf and bpftool (Debian's libbpf 1.1
#    lacks the struct_ops links sched_ext needs)
scx=$SRC/tools/sched_ext
mkdir -p "$SCHED_DIR"
missing=
for s in $TREE_SCHEDS; do
	[ -x "$SCHED_DIR/$s" ] || missing="$missing $s"
done
if [ -n "$missing" ] || [ ! -f "$scx/build/obj/libbpf/libbpf.a" ]; then
	t0=$(date +%s)
	quiet make -s -C "$scx" CC=$CLANG LLVM=-19 BPF_CLANG=$CLANG $TREE_SCHEDS ||
		die 1 "building$missing in $scx failed"
	for s in $missing; do
		cp "$scx/build/bin/$s" "$SCHED_DIR/.$s.$$" && mv "$SCHED_DIR/.$s.$$" "$SCHED_DIR/$s"
	done
	say "tree schedulers: $(($(date +%s) - t0)) s"
fi

# 4. scx_ktstr
out=$SCHED_DIR/scx_ktstr
newer=$(find "$root/bpf" "$root/lib/parse.c" "$root/lib/err.c" "$vmlinux" -newer "$out" \
	-type f 2>/dev/null | head -n 1 || true)
if [ ! -x "$out" ] || [ -n "$newer" ]; then
	t0=$(date +%s)
	obj=$(mktemp -d "${TMPDIR:-/tmp}/scx_ktstr.XXXXXX")
	trap 'rm -rf "$obj"' EXIT INT TERM
	bpftool=$scx/build/sbin/bpftool
	"$bpftool" btf dump file "$vmlinux" format c >"$obj/vmlinux.h"
	sysinc=$($CLANG -v -E - </dev/null 2>&1 |
		sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
	# shellcheck disable=SC2086
	quiet $CLANG -g -O2 -mcpu=v3 -target bpf -D__TARGET_ARCH_x86 -mlittle-endian \
		-I"$obj" -I"$scx/include" -I"$scx/include/bpf-compat" -I"$scx/build/include" \
		-I"$SRC/tools/include/uapi" -I"$root/bpf" $sysinc -Wall \
		-Wno-compare-distinct-pointer-types \
		-c "$root/bpf/scx_ktstr.bpf.c" -o "$obj/scx_ktstr.bpf.o" ||
		die 1 "compiling bpf/scx_ktstr.bpf.c failed"
	"$bpftool" gen object "$obj/scx_ktstr.linked.o" "$obj/scx_ktstr.bpf.o"
	"$bpftool" gen skeleton "$obj/scx_ktstr.linked.o" name scx_ktstr >"$obj/scx_ktstr.bpf.skel.h"
	quiet $CLANG -g -O2 -Wall -Werror -D_GNU_SOURCE -I"$obj" -I"$scx/build/include" \
		-I"$root/bpf" -I"$root/lib" -o "$obj/scx_ktstr" "$root/bpf/scx_ktstr.c" \
		"$root/lib/parse.c" "$root/lib/err.c" "$scx/build/obj/libbpf/libbpf.a" \
		-lelf -lz -lm -lpthread || die 1 "linking scx_ktstr failed"
	mv "$obj/scx_ktstr" "$out"
	rm -rf "$obj"
	trap - EXIT INT TERM
	say "scx_ktstr: $(($(date +%s) - t0)) s"
fi

echo "kernel $image"
echo "schedulers $SCHED_DIR"
