// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "paths.h"
#include "unit.h"

/* Roots are read once per process, so every case sets the environment first. */
static void test_overrides_and_defaults(void)
{
	setenv("KTSTR_SYSFS_ROOT", "/tmp/fake-sys/", 1);
	setenv("KTSTR_PROC_ROOT", "", 1);
	unsetenv("KTSTR_CGROUP_ROOT");
	setenv("KTSTR_LOCK_DIR", "/run/locks", 1);
	unsetenv("KTSTR_CACHE_DIR");
	unsetenv("KTSTR_SCHED_DIR");
	unsetenv("KTSTR_DEV_ROOT");
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	CHECK_STR(paths_sysfs(), "/tmp/fake-sys");
	CHECK_STR(paths_proc(), "/proc");
	CHECK_STR(paths_cgroup(), "/sys/fs/cgroup");
	CHECK_STR(paths_lock_dir(), "/run/locks");
	CHECK_STR(paths_cache_dir(), "/x/cache/ktstr/kernels");
	CHECK_STR(paths_sched_dir(), "/x/cache/ktstr/schedulers");
	CHECK_STR(paths_dev(), "/dev");
	/* read once: later changes do not move a running tool */
	setenv("KTSTR_SYSFS_ROOT", "/elsewhere", 1);
	CHECK_STR(paths_sysfs(), "/tmp/fake-sys");
}

static void test_fmt_refuses_to_truncate(void)
{
	char buf[8];

	CHECK(paths_fmt(buf, sizeof(buf), "%s/%s", "abc", "def") == 0);
	CHECK_STR(buf, "abc/def");
	CHECK(paths_fmt(buf, sizeof(buf), "%s/%s", "abcd", "efgh") == -ENAMETOOLONG);
}

int main(void)
{
	RUN(test_overrides_and_defaults);
	RUN(test_fmt_refuses_to_truncate);
	return unit_done();
}
