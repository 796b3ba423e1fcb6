// SPDX-License-Identifier: GPL-2.0
/*
 * Backend detection: which cgroup hierarchies this host offers.  Only
 * looks at files, so fake trees under t/fixtures exercise every case.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "file.h"
#include "paths.h"

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return paths_fmt(path, sizeof(path), "%s/%s", dir, name) == 0 && file_exists(path);
}

static bool is_v2(const char *dir)
{
	return has_file(dir, "cgroup.controllers");
}

/* Is ctrl listed in dir's cgroup.controllers? */
static bool v2_offers(const char *dir, const char *ctrl)
{
	char path[PATH_MAX], buf[1024], *tok, *save = NULL;

	if (paths_fmt(path, sizeof(path), "%s/cgroup.controllers", dir) < 0 ||
	    file_read_str(path, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, ctrl))
			return true;
	return false;
}

static bool is_v1(const char *dir, const char *probe)
{
	return !is_v2(dir) && has_file(dir, "cgroup.procs") && has_file(dir, probe);
}

/* Store dir resolved through symlinks, so records name the real place. */
static int set_dir(char *dst, const char *dir)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		snprintf(real, sizeof(real), "%s", dir);
	return paths_fmt(dst, 4096, "%s", real);
}

static int try_v2(const char *dir, bool need_cpuset, struct cgroup_backend *b)
{
	if (!file_is_dir(dir) || !is_v2(dir) || (need_cpuset && !v2_offers(dir, "cpuset")))
		return 0;
	b->kind = need_cpuset ? CGROUP_V2 : CGROUP_V2_NOCPUSET;
	b->has_cpu = v2_offers(dir, "cpu");
	return set_dir(b->main, dir) < 0 ? -ENAMETOOLONG : 1;
}

static int try_v1(const char *root, struct cgroup_backend *b)
{
	char cpuset[PATH_MAX], cpu[PATH_MAX];

	if (paths_fmt(cpuset, sizeof(cpuset), "%s/cpuset", root) < 0 ||
	    paths_fmt(cpu, sizeof(cpu), "%s/cpu", root) < 0)
		return -ENAMETOOLONG;
	if (!file_is_dir(cpuset) || !is_v1(cpuset, "cpuset.cpus"))
		return 0;
	b->kind = CGROUP_V1;
	if (set_dir(b->main, cpuset) < 0)
		return -ENAMETOOLONG;
	if (file_is_dir(cpu) && is_v1(cpu, "cpu.shares")) {
		b->has_cpu = true;
		if (set_dir(b->cpu, cpu) < 0)
			return -ENAMETOOLONG;
	}
	return 1;
}

int cgroup_detect(const char *root, struct cgroup_backend *b, struct kt_diag *d)
{
	char unified[PATH_MAX];
	int rc;

	memset(b, 0, sizeof(*b));
	if (paths_fmt(unified, sizeof(unified), "%s/unified", root) < 0)
		return kt_diag_set(d, ENAMETOOLONG, "cgroup root '%s' is too long", root);
	if ((rc = try_v2(root, true, b)) || (rc = try_v2(unified, true, b)) ||
	    (rc = try_v1(root, b)) || (rc = try_v2(root, false, b)) ||
	    (rc = try_v2(unified, false, b))) {
		if (rc < 0)
			return kt_diag_set(d, rc, "cgroup path under '%s' is too long", root);
		return 0;
	}
	memset(b, 0, sizeof(*b));
	return kt_diag_set(d, ENOENT,
			   "no cgroup file system at '%s' (looked for cgroup2 there and in "
			   "'unified', and for a v1 'cpuset' hierarchy)",
			   root);
}

const char *cgroup_kind_name(enum cgroup_kind k)
{
	switch (k) {
	case CGROUP_V2:
		return "v2";
	case CGROUP_V1:
		return "v1";
	case CGROUP_V2_NOCPUSET:
		return "v2-nocpuset";
	default:
		return "none";
	}
}

int cgroup_available_cpus(const struct cgroup_backend *b, struct cpulist *out)
{
	char path[PATH_MAX], buf[8192];
	const char *file = b->kind == CGROUP_V1 ? "cpuset.effective_cpus" : "cpuset.cpus.effective";
	int rc;

	cpulist_clear(out);
	if (b->kind != CGROUP_V1 && b->kind != CGROUP_V2)
		return -EOPNOTSUPP;
	if ((rc = paths_fmt(path, sizeof(path), "%s/%s", b->main, file)) < 0)
		return rc;
	if ((rc = file_read_str(path, buf, sizeof(buf))) < 0)
		return rc;
	return cpulist_parse(out, buf, CPULIST_STRICT, NULL);
}
