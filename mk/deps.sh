#!/bin/sh
# Install the Debian packages ktstr needs to build and test.  Idempotent and
# silent when everything is present; needs root only when something is missing.
set -u

PKGS="build-essential pkg-config libjansson-dev libbpf-dev libelf-dev libzstd-dev
libcap-dev jq bats mandoc libxml2-utils"

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
