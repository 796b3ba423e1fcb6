# Shared setup for the CLI tests (bats >= 1.5).  Each .bats file starts with
#   load helper
#   bats_require_minimum_version 1.5.0
#
# Binaries come from $KTSTR_BIN (make check sets it; ASan builds point it at
# build/asan/bin), test helper programs from $KTSTR_HELPER_DIR.  Tests that need privileges or hardware call require_*,
# which skips with the reason when it is missing.

KTSTR_BIN=${KTSTR_BIN:-$BATS_TEST_DIRNAME/../bin}
PATH=$KTSTR_BIN:$PATH
FIXTURES=$BATS_TEST_DIRNAME/fixtures
# Programs built from t/helpers/ (make check sets this; ASan builds have their own).
HELPERS=${KTSTR_HELPER_DIR:-$BATS_TEST_DIRNAME/../build/t/helpers}
export PATH FIXTURES HELPERS

# CPU reservations of tests stay among themselves, not in the host's /tmp
# (tests about the lock directory set their own).
KTSTR_LOCK_DIR=${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/locks
mkdir -p "$KTSTR_LOCK_DIR"
export KTSTR_LOCK_DIR

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

require_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "needs $1"
}

require_kvm() {
	[ -w /dev/kvm ] || skip "needs a usable /dev/kvm"
}

# Drop the time stamp from records so outputs can be compared.
strip_times() {
	jq -c 'del(.t_ns)'
}

# Compare a command's stdout with an expected file, showing the difference.
assert_same() {
	diff -u "$1" "$2"
}

# Assert that the last 'run' printed nothing on stdout and named the program on stderr.
assert_error_from() {
	[ -z "$output" ] || { echo "stdout not empty: $output"; return 1; }
	[[ "$stderr" == "$1:"* ]] || { echo "stderr does not start with '$1:': $stderr"; return 1; }
}
