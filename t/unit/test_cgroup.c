// SPDX-License-Identifier: GPL-2.0
/*
 * Backend detection on fake trees; the tree operations on this machine's
 * real cgroups (as root), each in a private subtree that is removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgdir.h"
#include "cgroup.h"
#include "file.h"
#include "ktime.h"
#include "unit.h"

static char tmp[] = "/tmp/ktstr-cgtest-XXXXXX";

static void touch(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static enum cgroup_kind detect_in(const char *sub, struct cgroup_backend *b)
{
	char root[PATH_MAX];
	struct kt_diag d;

	snprintf(root, sizeof(root), "%s/%s", tmp, sub);
	mkdir(root, 0755);
	return cgroup_detect(root, b, &d) < 0 ? CGROUP_NONE : b->kind;
}

static void test_detect_fakes(void)
{
	struct cgroup_backend b;
	char path[PATH_MAX];

	/* pure cgroup2 with cpuset and cpu: what most users have */
	touch(tmp, "v2/cgroup.controllers", "cpuset cpu io memory pids\n");
	CHECK(detect_in("v2", &b) == CGROUP_V2 && b.has_cpu);
	snprintf(path, sizeof(path), "%s/v2", tmp);
	CHECK(strstr(b.main, path) != NULL);
	/* cgroup2 with cpuset but no cpu */
	touch(tmp, "v2c/cgroup.controllers", "cpuset io\n");
	CHECK(detect_in("v2c", &b) == CGROUP_V2 && !b.has_cpu);
	/* hybrid, as on this machine: v1 cpuset + cpu, unified without controllers */
	touch(tmp, "hy/unified/cgroup.controllers", "hugetlb\n");
	touch(tmp, "hy/cpuset/cgroup.procs", "");
	touch(tmp, "hy/cpuset/cpuset.cpus", "0-1\n");
	touch(tmp, "hy/cpu/cgroup.procs", "");
	touch(tmp, "hy/cpu/cpu.shares", "1024\n");
	CHECK(detect_in("hy", &b) == CGROUP_V1 && b.has_cpu);
	CHECK(strstr(b.main, "/hy/cpuset") && strstr(b.cpu, "/hy/cpu"));
	/* hybrid whose unified hierarchy has cpuset: v2 wins */
	touch(tmp, "hy2/unified/cgroup.controllers", "cpuset\n");
	touch(tmp, "hy2/cpuset/cgroup.procs", "");
	touch(tmp, "hy2/cpuset/cpuset.cpus", "0-1\n");
	CHECK(detect_in("hy2", &b) == CGROUP_V2 && strstr(b.main, "/hy2/unified"));
	/* v1 cpuset without a cpu hierarchy */
	touch(tmp, "v1/cpuset/cgroup.procs", "");
	touch(tmp, "v1/cpuset/cpuset.cpus", "0\n");
	CHECK(detect_in("v1", &b) == CGROUP_V1 && !b.has_cpu && b.cpu[0] == '\0');
	/* cgroup2 without cpuset: cgroups, but no cpusets */
	touch(tmp, "nocs/cgroup.controllers", "cpu memory\n");
	CHECK(detect_in("nocs", &b) == CGROUP_V2_NOCPUSET && b.has_cpu);
	touch(tmp, "nocs2/unified/cgroup.controllers", "\n");
	CHECK(detect_in("nocs2", &b) == CGROUP_V2_NOCPUSET && !b.has_cpu);
	/* nothing at all */
	CHECK(detect_in("empty", &b) == CGROUP_NONE);
	CHECK_STR(cgroup_kind_name(CGROUP_V2_NOCPUSET), "v2-nocpuset");
	CHECK_STR(cgroup_kind_name(CGROUP_NONE), "none");
}

/* ---- real cgroups ---------------------------------------------------- */

static int sh(const char *fmt, const char *arg)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg, arg);
	return system(cmd);
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void join(const char *dir, pid_t pid)
{
	char path[PATH_MAX + 16], s[16];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(s, sizeof(s), "%d", (int)pid);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	if (fd >= 0)
		close(fd);
}

static void read_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (file_read_str(path, buf, size) < 0)
		snprintf(buf, size, "?");
}

static const char *path_of(json_t *info, size_t i)
{
	return json_string_value(json_array_get(json_object_get(info, "paths"), i));
}

static void test_v1_tree(void)
{
	struct cgroup_backend b;
	struct cgroup_tree *t;
	struct cpulist c0, c1, mems;
	struct kt_diag d;
	char root[PATH_MAX], priv[64], buf[PATH_MAX + 64], parent[PATH_MAX], sub[PATH_MAX];
	size_t moved, killed;
	json_t *info;
	pid_t pid;
	int st;

	if (geteuid() != 0 || !file_exists("/sys/fs/cgroup/cpuset/cpuset.cpus")) {
		unit_skip("needs root and a v1 cpuset hierarchy at /sys/fs/cgroup/cpuset");
		return;
	}
	/* a private subtree so nothing else on the machine is touched */
	snprintf(priv, sizeof(priv), "ktstr-unit-%d", (int)getpid());
	CHECK(sh("mkdir /sys/fs/cgroup/cpuset/%s /sys/fs/cgroup/cpu/%s && "
		 "cat /sys/fs/cgroup/cpuset/cpuset.cpus > /sys/fs/cgroup/cpuset/%s/cpuset.cpus && "
		 "cat /sys/fs/cgroup/cpuset/cpuset.mems > /sys/fs/cgroup/cpuset/%s/cpuset.mems",
		 priv) == 0);
	snprintf(root, sizeof(root), "%s/v1root", tmp);
	mkdir(root, 0755);
	snprintf(buf, sizeof(buf), "%s/cpuset", root);
	snprintf(parent, sizeof(parent), "/sys/fs/cgroup/cpuset/%s", priv);
	CHECK(symlink(parent, buf) == 0);
	snprintf(buf, sizeof(buf), "%s/cpu", root);
	snprintf(parent, sizeof(parent), "/sys/fs/cgroup/cpu/%s", priv);
	CHECK(symlink(parent, buf) == 0);

	CHECK(cgroup_detect(root, &b, &d) == 0 && b.kind == CGROUP_V1 && b.has_cpu);
	t = cgroup_tree_new(&b, "ktstr-1", &d);
	CHECK(t != NULL);
	if (!t)
		goto out;
	cpulist_init(&c0);
	cpulist_init(&c1);
	cpulist_init(&mems);
	cpulist_add(&c0, 0);
	cpulist_add(&c1, 1);
	cpulist_add(&mems, 0);
	/* a cpuset cgroup and a nested one without a cpuset of its own */
	CHECK(cgroup_create(t, "cg_0", &c0, &mems, false, &d) == 0);
	CHECK(cgroup_create(t, "cg_0/sub", NULL, NULL, false, &d) == 0);
	CHECK(cgroup_create(t, "cg_1", NULL, NULL, false, &d) == 0);
	CHECK(cgroup_create(t, "cg_0", NULL, NULL, false, &d) == -EEXIST);
	CHECK(cgroup_create(t, "nope/sub", NULL, NULL, false, &d) == -ENOENT);
	CHECK(cgroup_create(t, "../x", NULL, NULL, false, &d) == -EINVAL);
	info = cgroup_info(t, "cg_0/sub");
	snprintf(sub, sizeof(sub), "%s", path_of(info, 0));
	CHECK(json_array_size(json_object_get(info, "paths")) == 2);
	CHECK(json_is_null(json_object_get(info, "cpus")));
	json_decref(info);
	/* v1: the child got its parent's cpus and mems, so a task can join */
	read_file(sub, "cpuset.cpus", buf, sizeof(buf));
	CHECK_STR(buf, "0");
	read_file(sub, "cpuset.mems", buf, sizeof(buf));
	CHECK_STR(buf, "0");
	pid = sleeper();
	join(sub, pid);
	/* the parent moves to another CPU: the child follows, the task stays */
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		CHECK(cgroup_set_cpus(t, "cg_0", &c1, &mems, &d) == 0);
		read_file(sub, "cpuset.cpus", buf, sizeof(buf));
		CHECK_STR(buf, "1");
	}
	/* clearing on v1 gives back the parent's CPUs */
	CHECK(cgroup_set_cpus(t, "cg_0", NULL, NULL, &d) == 0);
	info = cgroup_info(t, "cg_0");
	read_file(path_of(info, 0), "cpuset.cpus", buf, sizeof(buf));
	CHECK(strcmp(buf, "") != 0);
	json_decref(info);
	/* move every task of cg_0/sub to cg_1 in both hierarchies */
	CHECK(cgroup_move_all(t, "cg_0/sub", "cg_1", &moved, &d) == 0 && moved == 1);
	CHECK(cgdir_is_empty(sub, false) == 1);
	/* removing cg_1 waits 200 ms for it to empty, then kills the sleeper */
	CHECK(cgroup_remove(t, "cg_1", 200, &killed, &d) == 0 && killed == 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(cgroup_info(t, "cg_1") == NULL);
	/* removing cg_0 takes cg_0/sub with it */
	CHECK(cgroup_remove(t, "cg_0", 200, &killed, &d) == 0 && killed == 0);
	CHECK(!file_exists(sub));
	CHECK(cgroup_create(t, "cg_2", NULL, NULL, false, &d) == 0);
	snprintf(parent, sizeof(parent), "%s", cgroup_tree_parent(t));
	cgroup_tree_free(t, 200, &d);
	CHECK(!file_exists(parent));
	cpulist_release(&c0);
	cpulist_release(&c1);
	cpulist_release(&mems);
out:
	CHECK(sh("rmdir /sys/fs/cgroup/cpuset/%s /sys/fs/cgroup/cpu/%s", priv) == 0);
}

static void test_v2_nocpuset_tree(void)
{
	struct cgroup_backend b;
	struct cgroup_tree *t;
	struct cpulist c0;
	struct kt_diag d;
	char root[PATH_MAX], priv[64], dir[PATH_MAX];
	size_t killed;
	json_t *info;
	pid_t pid;
	uint64_t t0;
	int st;

	if (geteuid() != 0 || !file_exists("/sys/fs/cgroup/unified/cgroup.procs")) {
		unit_skip("needs root and a cgroup2 mount at /sys/fs/cgroup/unified");
		return;
	}
	snprintf(priv, sizeof(priv), "ktstr-unit-%d", (int)getpid());
	snprintf(root, sizeof(root), "/sys/fs/cgroup/unified/%s", priv);
	CHECK(mkdir(root, 0755) == 0);
	CHECK(cgroup_detect(root, &b, &d) == 0);
	if (b.kind == CGROUP_V2) {
		unit_skip("the cgroup2 mount here has cpuset; this test is for one without");
		rmdir(root);
		return;
	}
	CHECK(b.kind == CGROUP_V2_NOCPUSET);
	t = cgroup_tree_new(&b, "ktstr-1", &d);
	CHECK(t != NULL);
	if (!t) {
		rmdir(root);
		return;
	}
	cpulist_init(&c0);
	cpulist_add(&c0, 0);
	CHECK(cgroup_create(t, "cg_0", &c0, NULL, false, &d) == -EOPNOTSUPP);
	CHECK(strstr(d.msg, "no cpuset controller") != NULL);
	CHECK(cgroup_create(t, "cg_0", NULL, NULL, false, &d) == 0);
	info = cgroup_info(t, "cg_0");
	snprintf(dir, sizeof(dir), "%s", path_of(info, 0));
	json_decref(info);
	pid = sleeper();
	join(dir, pid);
	CHECK(cgdir_is_empty(dir, true) == 0);
	/* cgroup.kill after the drain deadline, then rmdir */
	t0 = ktime_now_ns();
	CHECK(cgroup_remove(t, "cg_0", 100, &killed, &d) == 0 && killed == 1);
	CHECK(ktime_now_ns() - t0 < 2000 * KTIME_NS_PER_MS);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
	cgroup_tree_free(t, 100, &d);
	cpulist_release(&c0);
	CHECK(rmdir(root) == 0);
}

/* A cgroup whose task exits on its own is removed as soon as it empties. */
static void test_name_valid(void)
{
	CHECK(cgroup_name_valid("cg_0"));
	CHECK(cgroup_name_valid("cg_1/sub_a"));
	CHECK(cgroup_name_valid("cg.1"));
	CHECK(cgroup_name_valid("my.cpu"));
	CHECK(cgroup_name_valid("cpuset_0"));
	CHECK(!cgroup_name_valid("."));
	CHECK(!cgroup_name_valid(".hidden"));
	CHECK(!cgroup_name_valid("cgroup.procs"));
	CHECK(!cgroup_name_valid("cpuset.cpus"));
	CHECK(!cgroup_name_valid("cg_0/cpu.max"));
	CHECK(!cgroup_name_valid("cg_0/tasks"));
	CHECK(!cgroup_name_valid("notify_on_release"));
	CHECK(!cgroup_name_valid("cg_0//x"));
	CHECK(!cgroup_name_valid("a b"));
}

static void test_wait_empty_is_prompt(void)
{
	char dir[PATH_MAX];
	uint64_t t0, dt;
	pid_t pid;
	int st;

	if (geteuid() != 0 || !file_exists("/sys/fs/cgroup/unified/cgroup.procs")) {
		unit_skip("needs root and a cgroup2 mount at /sys/fs/cgroup/unified");
		return;
	}
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/unified/ktstr-unit-%d", (int)getpid());
	CHECK(mkdir(dir, 0755) == 0);
	pid = sleeper();
	join(dir, pid);
	t0 = ktime_now_ns();
	kill(pid, SIGTERM);
	CHECK(cgdir_wait_empty(dir, true, t0 + 5000 * KTIME_NS_PER_MS) == 0);
	dt = ktime_now_ns() - t0;
	CHECK(dt < 1000 * KTIME_NS_PER_MS);
	waitpid(pid, &st, 0);
	CHECK(rmdir(dir) == 0);
}

int main(void)
{
	char cmd[PATH_MAX + 16];
	int rc;

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_detect_fakes);
	RUN(test_v1_tree);
	RUN(test_v2_nocpuset_tree);
	RUN(test_wait_empty_is_prompt);
	RUN(test_name_valid);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	rc = system(cmd);
	(void)rc;
	return unit_done();
}
