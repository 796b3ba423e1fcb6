#!/bin/sh
# Install the Debian packages ktstr needs to build and test.  Idempotent and
# silent when everything is present; needs root only when something is missing.
# With arguments, install those packages instead (make check-kernel does).
set -u

# build: compiler and libraries; tests: jq, bats, mandoc, xmllint, col, perl
# (prove), and the shells whose completion scripts the tests parse.
PKGS="build-essential pkg-config libjansson-dev libbpf-dev libelf-dev libzstd-dev
libcap-dev jq bats mandoc libxml2-utils bsdextrautils perl zsh fish elvish"
# kernels: curl, xz-utils and tar fetch and unpack them (python3 serves a fake
# mirror in t/kernel.bats, git identifies source trees); bc, bison, flex,
# libssl-dev (also libcrypto for SHA-256), dwarves (pahole, for BTF) and cpio
# build them.
PKGS="$PKGS curl xz-utils python3 git bc bison flex libssl-dev dwarves cpio"
# flock(1) and script(1) for the lock tests
PKGS="$PKGS util-linux bsdutils"
# ktstr-hst: ps for bench/hst-capture.sh, the zstd tool for t/hst.bats
PKGS="$PKGS procps zstd"
# VMs (ktstr-vm): qemu, the guest's busybox, tmux to drive the interactive shell
PKGS="$PKGS qemu-system-x86 busybox-static tmux"
[ $# -gt 0 ] && PKGS="$*"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "make deps: not a Debian system; install the equivalents of: $(echo $PKGS)" >&2
	exit 0
fi

# bench: bench/work-wake.sh compares ktstr-work with `perf bench sched pipe`
PKGS="$PKGS linux-perf"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "make deps: missing packages:$missing; run 'sudo make deps' (or install them) and retry" >&2
	exit 3
fi
echo "make deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || { echo "make deps: apt-get update failed" >&2; exit 3; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 ||
	{ echo "make deps: apt-get install failed for:$missing" >&2; exit 3; }
