#!/bin/sh
# Print the path of a small Debian kernel (linux-image-*-cloud-amd64) for the
# VM tests and benchmarks.  The first call downloads the package with
# apt-get and keeps only its vmlinuz under build/test-kernel (make clean
# removes it); later calls reuse it.  Exits 1 with the reason on stderr.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${KTSTR_TEST_KERNEL_DIR:-$root/build/test-kernel}

for f in "$dir"/vmlinuz-*; do
	[ -f "$f" ] && { echo "$f"; exit 0; }
done

resolve() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(resolve)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "cannot resolve linux-image-cloud-amd64 with apt-cache" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
apt-get download "$pkg" >/dev/null 2>&1 || apt-get download "$pkg-unsigned" >/dev/null 2>&1 ||
	{ echo "apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile ./*.deb | tar -x ./boot ||
	{ echo "cannot unpack $pkg" >&2; exit 1; }
mkdir -p "$dir"
for f in boot/vmlinuz-*; do
	[ -f "$f" ] || { echo "$pkg has no vmlinuz" >&2; exit 1; }
	mv "$f" "$dir/.vmlinuz.$$" # then rename: readers never see half a file
	mv "$dir/.vmlinuz.$$" "$dir/$(basename "$f")"
	echo "$dir/$(basename "$f")"
done
