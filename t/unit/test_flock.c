// SPDX-License-Identifier: GPL-2.0
/* Lock files in a temporary $KTSTR_LOCK_DIR and $KTSTR_CACHE_DIR, with the real /proc. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flock.h"
#include "ktime.h"
#include "unit.h"

static char dir[64];

static void path_is(enum flock_kind kind, const char *key, const char *rel)
{
	char got[PATH_MAX], want[PATH_MAX];
	struct kt_diag d;

	snprintf(want, sizeof(want), "%s/%s", dir, rel);
	CHECK(flock_path(kind, key, got, sizeof(got), &d) == 0);
	CHECK_STR(got, want);
}

static void bad_key(enum flock_kind kind, const char *key)
{
	char got[PATH_MAX];
	struct kt_diag d = { "" };

	CHECK(flock_path(kind, key, got, sizeof(got), &d) == -EINVAL);
	CHECK(d.msg[0] != '\0');
}

static void test_paths_and_keys(void)
{
	char big[FLOCK_KEY_MAX + 2];

	path_is(FLOCK_LLC, "3", "ktstr-llc-3.lock");
	path_is(FLOCK_CPU, "0", "ktstr-cpu-0.lock");
	path_is(FLOCK_RUN, "6.12-abc1234", "ktstr-run-6.12-abc1234.lock");
	path_is(FLOCK_CACHE, "source-0a1b2c3d", "cache/.locks/source-0a1b2c3d.lock");
	bad_key(FLOCK_LLC, "03");
	bad_key(FLOCK_LLC, "x");
	bad_key(FLOCK_CPU, "65536");
	bad_key(FLOCK_CACHE, ".hidden");
	bad_key(FLOCK_CACHE, "a/b");
	bad_key(FLOCK_RUN, "");
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bad_key(FLOCK_RUN, big);
}

static void test_name_keys(void)
{
	char key[FLOCK_KEY_MAX + 1];

	CHECK(flock_name_key(FLOCK_LLC, "ktstr-llc-12.lock", key, sizeof(key)) == 0);
	CHECK_STR(key, "12");
	CHECK(flock_name_key(FLOCK_LLC, "ktstr-llc-x.lock", key, sizeof(key)) == -EINVAL);
	CHECK(flock_name_key(FLOCK_LLC, "ktstr-llc-.lock", key, sizeof(key)) == -EINVAL);
	CHECK(flock_name_key(FLOCK_LLC, "ktstr-cpu-1.lock", key, sizeof(key)) == -EINVAL);
	CHECK(flock_name_key(FLOCK_CPU, "ktstr-cpu-1.lock.bak", key, sizeof(key)) == -EINVAL);
	CHECK(flock_name_key(FLOCK_RUN, "ktstr-run-k1.lock", key, sizeof(key)) == 0);
	CHECK_STR(key, "k1");
	CHECK(flock_name_key(FLOCK_CACHE, "6.12-x86.lock", key, sizeof(key)) == 0);
	CHECK_STR(key, "6.12-x86");
	CHECK(flock_name_key(FLOCK_CACHE, ".lock", key, sizeof(key)) == -EINVAL);
}

static void lock_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void test_exclusive_and_shared(void)
{
	char p[PATH_MAX];
	struct kt_diag d;
	struct stat st;
	int a = -1, b = -1;

	lock_path("ktstr-llc-0.lock", p, sizeof(p));
	umask(022);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &a, &d) == 0);
	/* other users must be able to take the same lock despite our umask */
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0666);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &b, &d) == -EWOULDBLOCK && b == -1);
	CHECK(flock_take(p, FLOCK_SHARED, &b, &d) == -EWOULDBLOCK);
	CHECK(strstr(d.msg, p) != NULL);
	flock_drop(&a);
	CHECK(a == -1);
	CHECK(flock_take(p, FLOCK_SHARED, &a, &d) == 0);
	CHECK(flock_take(p, FLOCK_SHARED, &b, &d) == 0);
	flock_drop(&a);
	flock_drop(&b);
	flock_drop(&b); /* a no-op */
	/* released, never deleted */
	CHECK(access(p, F_OK) == 0);
}

static void test_refuses_links_fifos_and_missing_dirs(void)
{
	char p[PATH_MAX], target[PATH_MAX];
	struct kt_diag d = { "" };
	int fd = -1;

	lock_path("target", target, sizeof(target));
	lock_path("ktstr-llc-5.lock", p, sizeof(p));
	CHECK(symlink(target, p) == 0);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &fd, &d) == -ELOOP);
	CHECK(strstr(d.msg, "symbolic link") != NULL);
	CHECK(access(target, F_OK) < 0); /* the link was not followed to create it */
	lock_path("ktstr-llc-6.lock", p, sizeof(p));
	CHECK(mkfifo(p, 0600) == 0);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &fd, &d) == -EINVAL);
	CHECK(strstr(d.msg, "not a regular file") != NULL);
	snprintf(p, sizeof(p), "%s/nodir/ktstr-llc-0.lock", dir);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &fd, &d) == -ENOENT);
	CHECK(strstr(d.msg, "does not exist") != NULL && fd == -1);
}

/* A cache's .locks directory appears on first use. */
static void test_cache_dir_made_on_demand(void)
{
	char p[PATH_MAX], sub[PATH_MAX];
	struct kt_diag d;
	int fd = -1;

	snprintf(sub, sizeof(sub), "%s/cache", dir);
	CHECK(mkdir(sub, 0755) == 0);
	CHECK(flock_path(FLOCK_CACHE, "k", p, sizeof(p), &d) == 0);
	CHECK(flock_take(p, FLOCK_EXCLUSIVE, &fd, &d) == 0);
	flock_drop(&fd);
	snprintf(sub, sizeof(sub), "%s/cache/.locks", dir);
	CHECK(access(sub, F_OK) == 0);
}

/* A child holds the lock, tells us, and lets go after a while. */
static pid_t hold_in_child(const char *p, unsigned hold_ms)
{
	struct kt_diag d;
	int pfd[2], fd = -1;
	pid_t pid;
	char c;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (flock_take(p, FLOCK_EXCLUSIVE, &fd, &d) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		usleep(hold_ms * 1000);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		pid = -1;
	close(pfd[0]);
	return pid;
}

static void test_timed_wait_names_holder_then_succeeds(void)
{
	char p[PATH_MAX], needle[32];
	struct kt_diag d = { "" };
	int fd = -1, status;
	pid_t pid;

	lock_path("ktstr-llc-1.lock", p, sizeof(p));
	pid = hold_in_child(p, 300);
	CHECK(pid > 0);
	CHECK(flock_take_timed(p, FLOCK_SHARED, 0, &fd, &d) == -EWOULDBLOCK);
	snprintf(needle, sizeof(needle), "pid %d '", (int)pid);
	CHECK(strstr(d.msg, needle) != NULL);
	CHECK(strstr(d.msg, "(exclusive)") != NULL);
	if (!strstr(d.msg, needle))
		printf("# diag: %s\n", d.msg);
	/* generous: the child lets go after 300 ms even on a loaded machine */
	CHECK(flock_take_timed(p, FLOCK_SHARED, 60 * KTIME_NS_PER_SEC, &fd, &d) == 0);
	flock_drop(&fd);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_local_fs_is_accepted(void)
{
	struct kt_diag d;

	CHECK(flock_fs_check(dir, &d) == 0);
	CHECK(flock_fs_check("/nonexistent-ktstr", &d) == -ENOENT);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	char cache[96];

	snprintf(dir, sizeof(dir), "/tmp/ktstr-unit-flock.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("KTSTR_LOCK_DIR", dir, 1);
	setenv("KTSTR_CACHE_DIR", cache, 1);
	RUN(test_paths_and_keys);
	RUN(test_name_keys);
	RUN(test_exclusive_and_shared);
	RUN(test_refuses_links_fifos_and_missing_dirs);
	RUN(test_cache_dir_made_on_demand);
	RUN(test_timed_wait_names_holder_then_succeeds);
	RUN(test_local_fs_is_accepted);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return unit_done();
}
