#!/usr/bin/env bats
# ktstr-kernel: the kernel cache against a fake kernel tree (t/fixtures/kernel/linux)
# and a fake kernel.org served on 127.0.0.1.  No real network, no real build.

load helper
bats_require_minimum_version 1.5.0

KTREE=$FIXTURES/kernel/linux

# A tarball of the fake tree as release $1, its sha256 line in the series' list.
make_release() {
	local v=$1 dir=$BATS_FILE_TMPDIR/rel/linux-$1 sub
	sub=${v#*.*.}
	[ "$sub" = "$v" ] && sub=0
	mkdir -p "$dir"
	cp -r "$KTREE"/. "$dir"/
	sed -i "s/^SUBLEVEL = .*/SUBLEVEL = $sub/" "$dir/Makefile"
	tar -C "$BATS_FILE_TMPDIR/rel" -cJf "$MIRROR_DIR/v6.x/linux-$v.tar.xz" "linux-$v"
	(cd "$MIRROR_DIR/v6.x" && sha256sum "linux-$v.tar.xz") >>"$MIRROR_DIR/v6.x/sums"
}

setup_file() {
	require_cmd python3
	MIRROR_DIR=$BATS_FILE_TMPDIR/mirror
	mkdir -p "$MIRROR_DIR/v6.x"
	make_release 6.12.3
	make_release 6.12.8
	make_release 6.11.2
	# 6.11.2 is published with a checksum that does not match its tarball
	sed -i 's/^[0-9a-f]\{8\}\(.*linux-6\.11\.2\.tar\.xz\)$/00000000\1/' "$MIRROR_DIR/v6.x/sums"
	{ printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n'
	  cat "$MIRROR_DIR/v6.x/sums"
	  printf -- '-----BEGIN PGP SIGNATURE-----\n'; } >"$MIRROR_DIR/v6.x/sha256sums.asc"
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$MIRROR_DIR" \
		>"$BATS_FILE_TMPDIR/http.log" 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/http.pid"
	local port= i
	for i in $(seq 50); do
		port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$BATS_FILE_TMPDIR/http.log")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ]
	echo "http://127.0.0.1:$port" >"$BATS_FILE_TMPDIR/mirror.url"
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/http.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/http.pid")" 2>/dev/null
	true
}

setup() {
	export KTSTR_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	export KTSTR_KERNEL_MIRROR
	KTSTR_KERNEL_MIRROR=$(cat "$BATS_FILE_TMPDIR/mirror.url")
	unset KTSTR_FAKE_UNMET KTSTR_FAKE_FAIL KTSTR_FAKE_BUILD_SECS KTSTR_FAKE_BUILD_LOG \
		KTSTR_FAKE_PIDFILE
	SRC=$BATS_TEST_TMPDIR/linux
	cp -r "$KTREE" "$SRC"
}

teardown() {
	# directories outside $BATS_TEST_TMPDIR, for tests that run as nobody
	[ -z "${mnt:-}" ] || umount "$mnt"
	[ -z "${scratch:-}" ] || rm -rf "$scratch"
	# whatever a test did, nothing half-written or locked may stay behind
	if [ -d "$KTSTR_CACHE_DIR" ]; then
		[ -z "$(find "$KTSTR_CACHE_DIR" -maxdepth 1 -name '.tmp-*')" ] ||
			{ echo "staging directories left"; return 1; }
	fi
}

git_tree() {
	git -C "$SRC" init -q
	git -C "$SRC" add -A
	git -C "$SRC" -c user.name=t -c user.email=t@t commit -qm fake
}

# A minimal bzImage: zeros with the "HdrS" boot header magic.
fake_image() {
	head -c 1024 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=514 conv=notrunc 2>/dev/null
}

# A directory that user nobody can reach (the test's own may be private).
nobody_dir() {
	scratch=$(mktemp -d /tmp/ktstr-kernel-nobody.XXXXXX)
	chmod 755 "$scratch"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$(command -v "$1")" "${@:2}"
}

key_of() {
	basename "$(dirname "$1")"
}

@test "ktstr-kernel: build --source caches image, vmlinux, config, log and metadata" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	img=$output
	[[ "$img" == "$KTSTR_CACHE_DIR"/local-6.12.8-p*-x86_64-kc*/bzImage ]]
	dir=$(dirname "$img")
	[ -f "$dir/vmlinux" ] && [ -f "$dir/config" ] && [ -f "$dir/build.log" ]
	grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$dir/config"
	grep -qx '# CONFIG_SOUND is not set' "$dir/config"
	jq -e '.version == "6.12.8" and .source.kind == "local" and .arch == "x86_64"
		and .has_vmlinux and (.fragment_hash | length) == 8 and .config_missing == []
		and (.created_at | test("Z$")) and .jobs >= 1' "$dir/metadata.json"
	[[ "$stderr" == *"cached kernel"* ]]
	# the lock files of the build are gone again
	[ -z "$(ls "$KTSTR_CACHE_DIR/.locks")" ]
}

@test "ktstr-kernel: -j sets make's job count" {
	export KTSTR_FAKE_BUILD_LOG=$BATS_TEST_TMPDIR/builds
	run -0 --separate-stderr ktstr-kernel build -j 3 --source "$SRC"
	jq -e '.jobs == 3' "$(dirname "$output")/metadata.json"
	grep -q 'make flags: .*j3' "$(dirname "$output")/build.log"
}

@test "ktstr-kernel: a clean git tree's key names its commit and a second build is a cache hit" {
	git_tree
	export KTSTR_FAKE_BUILD_LOG=$BATS_TEST_TMPDIR/builds
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	first=$output
	commit=$(git -C "$SRC" rev-parse HEAD)
	[ "$(key_of "$first")" = "local-6.12.8-g${commit:0:12}-x86_64-kc$(jq -r .fragment_hash "$(dirname "$first")/metadata.json")" ]
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	[ "$output" = "$first" ]
	[[ "$stderr" == *"use --force to rebuild"* ]]
	[ "$(wc -l <"$KTSTR_FAKE_BUILD_LOG")" -eq 1 ]
	run -0 --separate-stderr ktstr-kernel build --force --source "$SRC"
	[ "$(wc -l <"$KTSTR_FAKE_BUILD_LOG")" -eq 2 ]
}

@test "ktstr-kernel: a dirty git tree is keyed by its path and records the dirty state" {
	git_tree
	echo "# local change" >>"$SRC/Kconfig"
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	[[ "$(key_of "$output")" == local-6.12.8-p* ]]
	jq -e '.source.git_dirty == true and (.source.git_commit | length) == 40' \
		"$(dirname "$output")/metadata.json"
}

@test "ktstr-kernel: a missing required option fails the build, naming it and why" {
	export KTSTR_FAKE_UNMET=CONFIG_SCHED_CLASS_EXT
	run -1 --separate-stderr ktstr-kernel build --source "$SRC"
	[ -z "$output" ]
	[[ "$stderr" == *"CONFIG_SCHED_CLASS_EXT=y (required): depends on BPF_SYSCALL && DEBUG_INFO_BTF"* ]]
	[[ "$stderr" == *"required config options did not end up set"* ]]
	[ -z "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
}

@test "ktstr-kernel: an optional option that does not stick is reported and recorded" {
	export KTSTR_FAKE_UNMET=CONFIG_SCHEDSTATS
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	[[ "$stderr" == *"config option not as asked: CONFIG_SCHEDSTATS=y: not defined by this tree's Kconfig files"* ]]
	jq -e '.config_missing | length == 1' "$(dirname "$output")/metadata.json"
}

@test "ktstr-kernel: a failing make exits 1 and keeps the log, caching nothing" {
	export KTSTR_FAKE_FAIL=1
	run -1 --separate-stderr ktstr-kernel build --source "$SRC"
	[[ "$stderr" == *"make bzImage failed"* ]]
	[[ "$stderr" == *"fake compiler error"* ]]
	ls "$KTSTR_CACHE_DIR"/.logs/local-6.12.8-p*.log
	[ -z "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
}

@test "ktstr-kernel: build VERSION downloads, verifies and builds the release" {
	run -0 --separate-stderr ktstr-kernel build 6.12.8
	[[ "$(key_of "$output")" == 6.12.8-tarball-x86_64-kc* ]]
	jq -e '.source.kind == "tarball" and (.source.url | endswith("/v6.x/linux-6.12.8.tar.xz"))
		and (.source.sha256 | length) == 64' "$(dirname "$output")/metadata.json"
	# the entry holds the products, not the source tree or the tarball
	[ ! -e "$(dirname "$output")/src" ]
	[ -z "$(ls "$(dirname "$output")" | grep tar)" ]
}

@test "ktstr-kernel: build MAJOR.MINOR picks the newest release of the series" {
	run -0 --separate-stderr ktstr-kernel build 6.12
	[[ "$(key_of "$output")" == 6.12.8-tarball-* ]]
}

@test "ktstr-kernel: a download that does not match its published checksum is rejected" {
	run -1 --separate-stderr ktstr-kernel build 6.11.2
	[ -z "$output" ]
	[[ "$stderr" == *"linux-6.11.2.tar.xz' is corrupt"* ]]
	[ -z "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
}

@test "ktstr-kernel: a release the mirror does not publish exits 2" {
	run -2 --separate-stderr ktstr-kernel build 6.12.99
	[[ "$stderr" == *"release 6.12.99 is not published"* ]]
}

@test "ktstr-kernel: two concurrent builds of one key build once; the second waits" {
	export KTSTR_FAKE_BUILD_LOG=$BATS_TEST_TMPDIR/builds KTSTR_FAKE_BUILD_SECS=3
	ktstr-kernel build 6.12.8 >"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err" &
	a=$!
	ktstr-kernel build 6.12.8 >"$BATS_TEST_TMPDIR/b.out" 2>"$BATS_TEST_TMPDIR/b.err" &
	b=$!
	wait $a
	wait $b
	[ "$(wc -l <"$KTSTR_FAKE_BUILD_LOG")" -eq 1 ]
	cmp "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out"
	cat "$BATS_TEST_TMPDIR/a.err" "$BATS_TEST_TMPDIR/b.err" | grep -q "waiting for another build"
}

@test "ktstr-kernel: list shows entries with version, source and config state" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	run -0 --separate-stderr ktstr-kernel build 6.12.3
	run -0 --separate-stderr ktstr-kernel list
	[[ "$stderr" == *"cache: $KTSTR_CACHE_DIR"* ]]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	# newest first
	[[ "$(printf '%s\n' "$output" | sed -n 2p)" == "6.12.3-tarball-"*" 6.12.3 "*" tarball "*matches ]]
	[[ "$(printf '%s\n' "$output" | sed -n 3p)" == "local-6.12.8-"*" local "*matches ]]
}

@test "ktstr-kernel: list --json gives every entry, and marks stale and corrupt ones" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	dir=$(dirname "$output")
	jq '.fragment_hash = "00000000"' "$dir/metadata.json" >"$dir/m" && mv "$dir/m" "$dir/metadata.json"
	mkdir "$KTSTR_CACHE_DIR/broken"
	run -0 --separate-stderr ktstr-kernel list --json
	[ -z "$stderr" ]
	jq -e --arg d "$KTSTR_CACHE_DIR" '.cache_dir == $d and (.entries | length) == 2
		and .entries[0].kconfig_status == "stale" and .entries[0].image_path != null
		and .entries[1].key == "broken" and (.entries[1].corrupt | test("missing"))' <<<"$output"
	run -0 --separate-stderr ktstr-kernel list
	[[ "$output" == *"stale"* && "$output" == *"corrupt: metadata.json: missing"* ]]
}

@test "ktstr-kernel: a copied entry, whose metadata names another key, is corrupt" {
	fake_image "$BATS_TEST_TMPDIR/bz"
	run -0 --separate-stderr ktstr-kernel add "$BATS_TEST_TMPDIR/bz" --name mykern
	cp -r "$KTSTR_CACHE_DIR/mykern" "$KTSTR_CACHE_DIR/copy"
	run -0 --separate-stderr ktstr-kernel list --json
	jq -e '[.entries[].key] == ["mykern", "copy"]
		and (.entries[1].corrupt | test("names key .mykern., not .copy."))' <<<"$output"
	run -0 --separate-stderr ktstr-kernel list
	[[ "$output" == *"copy "*"corrupt: metadata.json names key 'mykern'"* ]]
	run -2 --separate-stderr ktstr-kernel resolve copy
	[[ "$stderr" == *"corrupt"* ]]
}

@test "ktstr-kernel: an empty or missing cache lists nothing" {
	run -0 --separate-stderr ktstr-kernel list --json
	jq -e '.entries == []' <<<"$output"
	[ ! -e "$KTSTR_CACHE_DIR" ]
}

@test "ktstr-kernel: clean --keep 1 removes all but the newest entry and corrupt ones" {
	run -0 --separate-stderr ktstr-kernel build 6.12.3
	old=$(key_of "$output")
	run -0 --separate-stderr ktstr-kernel build 6.12.8
	new=$(key_of "$output")
	mkdir "$KTSTR_CACHE_DIR/broken"
	m=$KTSTR_CACHE_DIR/$old/metadata.json
	jq '.created_s -= 86400' "$m" >"$m.new" && mv "$m.new" "$m"
	run -0 --separate-stderr ktstr-kernel clean --keep 1 --force
	[ -d "$KTSTR_CACHE_DIR/$new" ]
	[ ! -e "$KTSTR_CACHE_DIR/$old" ] && [ ! -e "$KTSTR_CACHE_DIR/broken" ]
	[[ "$stderr" == *"removed 2"* ]]
	[ -z "$(ls "$KTSTR_CACHE_DIR/.locks")" ]
}

@test "ktstr-kernel: clean never removes an entry someone holds" {
	require_cmd flock
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	key=$(key_of "$output")
	# the way a VM holds its kernel: a shared lock for as long as it runs
	flock -s -o "$KTSTR_CACHE_DIR/.locks/$key.lock" sleep 30 &
	holder=$!
	sleep 0.5
	run -0 --separate-stderr ktstr-kernel clean --force
	pkill -P "$holder" sleep
	kill "$holder" 2>/dev/null || true # flock may be gone with its child already
	wait "$holder" || true
	[ -f "$KTSTR_CACHE_DIR/$key/bzImage" ]
	[[ "$stderr" == *"skipping '$key': in use by pid $holder 'flock -s "*"' (shared)"* ]]
	# once released, it goes
	run -0 --separate-stderr ktstr-kernel clean --force
	[ ! -e "$KTSTR_CACHE_DIR/$key" ]
}

@test "ktstr-kernel: clean that cannot lock an entry says why and exits 3, not 'in use'" {
	require_root
	require_cmd setpriv
	nobody_dir
	export KTSTR_CACHE_DIR=$scratch/cache
	fake_image "$scratch/bz"
	run -0 --separate-stderr ktstr-kernel add "$scratch/bz" --name k1
	run -3 --separate-stderr as_nobody ktstr-kernel clean --force
	[[ "$stderr" == *"cannot lock '$KTSTR_CACHE_DIR/.locks/k1.lock': Permission denied"* ]]
	[[ "$stderr" != *"skipping"* ]]
	[ -f "$KTSTR_CACHE_DIR/k1/bzImage" ]
}

@test "ktstr-kernel: clean without --force refuses when it cannot ask" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	run -2 --separate-stderr ktstr-kernel clean </dev/null
	[[ "$stderr" == *"use --force"* ]]
	[ -f "$output" ] || [ -n "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
}

@test "ktstr-kernel: clean removes staging directories of killed builds" {
	mkdir -p "$KTSTR_CACHE_DIR/.tmp-x-tarball-123"
	run -0 --separate-stderr ktstr-kernel clean --force
	[ ! -e "$KTSTR_CACHE_DIR/.tmp-x-tarball-123" ]
}

@test "ktstr-kernel: resolve takes an image file, an entry directory and a cache key" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	img=$output
	run -0 --separate-stderr ktstr-kernel resolve "$img"
	[ "$output" = "$img" ]
	run -0 --separate-stderr ktstr-kernel resolve "$(dirname "$img")"
	[ "$output" = "$img" ]
	run -0 --separate-stderr ktstr-kernel resolve "$(key_of "$img")"
	[ "$output" = "$img" ]
}

@test "ktstr-kernel: resolve of a source directory builds it when needed" {
	export KTSTR_FAKE_BUILD_LOG=$BATS_TEST_TMPDIR/builds
	run -0 --separate-stderr ktstr-kernel resolve "$SRC"
	[[ "$(key_of "$output")" == local-6.12.8-p* ]]
	[ "$(wc -l <"$KTSTR_FAKE_BUILD_LOG")" -eq 1 ]
	run -0 --separate-stderr ktstr-kernel resolve "$SRC"
	[[ "$stderr" == *"is up to date"* ]]
}

@test "ktstr-kernel: resolve of a version uses the cache before the network" {
	run -0 --separate-stderr ktstr-kernel build 6.12.3
	img=$output
	KTSTR_KERNEL_MIRROR=http://127.0.0.1:1 run -0 --separate-stderr ktstr-kernel resolve 6.12
	[ "$output" = "$img" ]
	KTSTR_KERNEL_MIRROR=http://127.0.0.1:1 run -0 --separate-stderr ktstr-kernel resolve 6.12.3
	[ "$output" = "$img" ]
	# a miss goes to the mirror
	run -0 --separate-stderr ktstr-kernel resolve 6.12.8
	[[ "$(key_of "$output")" == 6.12.8-tarball-* ]]
}

@test "ktstr-kernel: resolve of an unknown id exits 2 and suggests a key" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	key=$(key_of "$output")
	run -2 --separate-stderr ktstr-kernel resolve "${key%?}"
	assert_error_from ktstr-kernel
	[[ "$stderr" == *"did you mean '$key'"* ]]
	run -2 --separate-stderr ktstr-kernel resolve ./no/such/thing
	[[ "$stderr" == *"no such file or directory"* ]]
	run -2 --separate-stderr ktstr-kernel resolve "$BATS_TEST_TMPDIR"
	[[ "$stderr" == *"not a kernel source tree"* ]]
}

@test "ktstr-kernel: add registers an image under a name, with vmlinux and config" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	built=$(dirname "$output")
	run -0 --separate-stderr ktstr-kernel add "$built/bzImage" --vmlinux "$built/vmlinux" \
		--config "$built/config" --name mine
	[ "$output" = "$KTSTR_CACHE_DIR/mine/bzImage" ]
	jq -e '.source.kind == "added" and .version == "6.12.8-fake" and .has_vmlinux
		and .fragment_hash == null and .config_missing == []' "$KTSTR_CACHE_DIR/mine/metadata.json"
	run -0 --separate-stderr ktstr-kernel list
	[[ "$output" == *"mine "*untracked* ]]
	run -2 --separate-stderr ktstr-kernel add "$built/bzImage" --name mine
	[[ "$stderr" == *"use --force"* ]]
	run -0 --separate-stderr ktstr-kernel add --force "$built/bzImage" --name mine
}

@test "ktstr-kernel: add refuses a file that is not a bzImage and a version as a name" {
	echo "hello" >"$BATS_TEST_TMPDIR/img"
	run -2 --separate-stderr ktstr-kernel add "$BATS_TEST_TMPDIR/img"
	[[ "$stderr" == *"is not a bzImage"* ]]
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	img=$output
	run -2 --separate-stderr ktstr-kernel add "$img" --name 6.12.8
	[[ "$stderr" == *"looks like a version"* ]]
	run -2 --separate-stderr ktstr-kernel add "$img" --name a/b
	[[ "$stderr" == *"'/'"* ]]
}

@test "ktstr-kernel: add refuses a directory as IMAGE with exit 2" {
	run -2 --separate-stderr ktstr-kernel add "$BATS_TEST_TMPDIR"
	[[ "$stderr" == *"'$BATS_TEST_TMPDIR' is a directory, not a bzImage"* ]]
	fake_image "$BATS_TEST_TMPDIR/bz"
	run -2 --separate-stderr ktstr-kernel add "$BATS_TEST_TMPDIR/bz/x"
	[[ "$stderr" == *"No such file or directory"* ]]
}

@test "ktstr-kernel: add into a cache that is a file exits 3 naming the path and the reason" {
	fake_image "$BATS_TEST_TMPDIR/bz"
	touch "$BATS_TEST_TMPDIR/file"
	KTSTR_CACHE_DIR=$BATS_TEST_TMPDIR/file run -3 --separate-stderr ktstr-kernel add \
		"$BATS_TEST_TMPDIR/bz"
	[[ "$stderr" == "ktstr-kernel: cannot lock '$BATS_TEST_TMPDIR/file/.locks/"*"': Not a directory" ]]
}

@test "ktstr-kernel: add into a cache nobody may write exits 3 with the reason" {
	require_root
	require_cmd setpriv
	nobody_dir
	export KTSTR_CACHE_DIR=$scratch/cache
	mkdir "$KTSTR_CACHE_DIR"
	fake_image "$scratch/bz"
	run -3 --separate-stderr as_nobody ktstr-kernel add "$scratch/bz"
	[[ "$stderr" == "ktstr-kernel: cannot lock '$KTSTR_CACHE_DIR/.locks/"*"': Permission denied" ]]
}

@test "ktstr-kernel: add into a full cache says 'No space left on device' and exits 3" {
	require_root
	nobody_dir
	mount -t tmpfs -o size=64k tmpfs "$scratch" || skip "cannot mount a tmpfs"
	mnt=$scratch
	export KTSTR_CACHE_DIR=$scratch/cache
	fake_image "$BATS_TEST_TMPDIR/bz"
	head -c 200000 /dev/zero >>"$BATS_TEST_TMPDIR/bz"
	run -3 --separate-stderr ktstr-kernel add "$BATS_TEST_TMPDIR/bz"
	[ "$stderr" = "ktstr-kernel: cannot copy '$BATS_TEST_TMPDIR/bz': No space left on device" ]
	[ -z "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
}

@test "ktstr-kernel: SIGTERM during a build stops make and leaves nothing behind" {
	export KTSTR_FAKE_BUILD_SECS=60 KTSTR_FAKE_PIDFILE=$BATS_TEST_TMPDIR/sleeper
	ktstr-kernel build --source "$SRC" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		[ -s "$KTSTR_FAKE_PIDFILE" ] && break
		sleep 0.1
	done
	sleeper=$(cat "$KTSTR_FAKE_PIDFILE")
	kill -0 "$sleeper"
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	[ "$status" -eq 130 ]
	# make and what it ran are gone too
	! kill -0 "$sleeper" 2>/dev/null
	[ -z "$(ls "$KTSTR_CACHE_DIR" | grep -v '^\.')" ]
	[ -z "$(ls "$KTSTR_CACHE_DIR/.locks")" ]
}

@test "ktstr-kernel: usage errors exit 2 with the synopsis" {
	run -2 --separate-stderr ktstr-kernel
	[[ "$stderr" == *"usage: ktstr-kernel list"* ]]
	run -2 --separate-stderr ktstr-kernel frobnicate
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
	run -2 --separate-stderr ktstr-kernel build 6.12 --source "$SRC"
	run -2 --separate-stderr ktstr-kernel build
	run -2 --separate-stderr ktstr-kernel build -j 0 6.12
	[[ "$stderr" == *"--jobs"* ]]
	run -2 --separate-stderr ktstr-kernel clean --keep many --force
	run -2 --separate-stderr ktstr-kernel list --force
	[[ "$stderr" == *"'list' does not take --force"* ]]
	run -2 --separate-stderr ktstr-kernel build --force --force 6.12
	[[ "$stderr" == *"more than once"* ]]
	run -2 --separate-stderr ktstr-kernel build 6.x
	[[ "$stderr" == *"not a version"* ]]
}

@test "ktstr-kernel: --help and --version go to stdout and exit 0" {
	run -0 --separate-stderr ktstr-kernel --help
	[[ "$output" == *"resolve ID"* ]] && [ -z "$stderr" ]
	run -0 --separate-stderr ktstr-kernel build --help
	[[ "$output" == *"usage: ktstr-kernel"* ]]
	run -0 --separate-stderr ktstr-kernel --version
	[[ "$output" == "ktstr-kernel "* ]]
}

@test "ktstr-kernel: ktstr kernel runs it through the dispatcher" {
	run -0 --separate-stderr ktstr-kernel build --source "$SRC"
	img=$output
	run -0 --separate-stderr ktstr kernel resolve "$(key_of "$img")"
	[ "$output" = "$img" ]
}
