// SPDX-License-Identifier: GPL-2.0
/* Finding leftovers: names, hierarchies, live runs (fake trees; removal is tested as root in bats). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgclean.h"
#include "unit.h"

static char tmp[] = "/tmp/ktstr-cgclean-XXXXXX";

static void mk(const char *rel, const char *file_content)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (slash = strchr(path + strlen(tmp) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (file_content && (f = fopen(path, "w"))) {
		fputs(file_content, f);
		fclose(f);
	} else if (!file_content) {
		mkdir(path, 0755);
	}
}

static void test_scan_hybrid(void)
{
	struct cgclean_item *v;
	char root[PATH_MAX], want[PATH_MAX];
	size_t n;

	/* two v1 hierarchies below a plain directory */
	mk("cg/cpuset/cgroup.procs", "");
	mk("cg/cpuset/ktstr", NULL);
	mk("cg/cpuset/ktstr-123", NULL);
	mk("cg/cpuset/ktstr-456", NULL);
	mk("cg/cpuset/ktstr-abc", NULL);
	mk("cg/cpuset/ktstr-test", NULL);
	mk("cg/cpuset/system", NULL);
	mk("cg/cpu/cgroup.procs", "");
	mk("cg/cpu/ktstr-456", NULL);
	mk("cg/notacgroup/ktstr-9", NULL);
	mk("proc/123/comm", "ktstr-cgroup\n");
	mk("proc/456/comm", "bash\n");
	snprintf(root, sizeof(root), "%s/cg", tmp);
	CHECK(cgclean_scan(root, &v, &n) == 0);
	CHECK(n == 4);
	if (n == 4) {
		snprintf(want, sizeof(want), "%s/cg/cpu/ktstr-456", tmp);
		CHECK_STR(v[0].path, want);
		CHECK(v[0].live_pid == 0); /* pid 456 is not a ktstr tool */
		snprintf(want, sizeof(want), "%s/cg/cpuset/ktstr", tmp);
		CHECK_STR(v[1].path, want);
		CHECK(v[2].live_pid == 123 && !strcmp(v[2].comm, "ktstr-cgroup"));
		CHECK(v[3].live_pid == 0);
	}
	cgclean_free(v, n);
}

static void test_scan_v2_and_empty(void)
{
	struct cgclean_item *v;
	char root[PATH_MAX];
	size_t n;

	/* a cgroup2 root: only its own children count */
	mk("v2/cgroup.procs", "");
	mk("v2/ktstr-77", NULL);
	mk("v2/user.slice/ktstr-78", NULL);
	snprintf(root, sizeof(root), "%s/v2", tmp);
	CHECK(cgclean_scan(root, &v, &n) == 0 && n == 1);
	cgclean_free(v, n);
	mk("empty", NULL);
	snprintf(root, sizeof(root), "%s/empty", tmp);
	CHECK(cgclean_scan(root, &v, &n) == 0 && n == 0);
	cgclean_free(v, n);
	snprintf(root, sizeof(root), "%s/missing", tmp);
	CHECK(cgclean_scan(root, &v, &n) == -ENOENT);
}

static void test_check_path(void)
{
	struct kt_diag d;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/cg/cpuset/ktstr-123", tmp);
	CHECK(cgclean_check_path(path, &d) == -EINVAL && strstr(d.msg, "not on a cgroup file system"));
	snprintf(path, sizeof(path), "%s/cg/cpuset/system", tmp);
	CHECK(cgclean_check_path(path, &d) == -EINVAL && strstr(d.msg, "must start with 'ktstr'"));
	CHECK(cgclean_check_path("/nonexistent/ktstr-1", &d) == -ENOENT);
}

int main(void)
{
	char proc[PATH_MAX + 8], cmd[PATH_MAX + 16];
	int rc;

	if (!mkdtemp(tmp))
		return 1;
	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	setenv("KTSTR_PROC_ROOT", proc, 1);
	RUN(test_scan_hybrid);
	RUN(test_scan_v2_and_empty);
	RUN(test_check_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	rc = system(cmd);
	(void)rc;
	return unit_done();
}
