// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgclean.h"
#include "cgdir.h"
#include "file.h"
#include "fsop.h"
#include "parse.h"
#include "paths.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static bool is_cgroup_dir(const char *dir)
{
	char path[PATH_MAX];

	return paths_fmt(path, sizeof(path), "%s/cgroup.procs", dir) == 0 && file_exists(path);
}

/* "ktstr" (pid 0) or "ktstr-<digits>"; -1 for anything else. */
static int leftover_pid(const char *name)
{
	int pid;

	if (!strcmp(name, "ktstr"))
		return 0;
	if (strncmp(name, "ktstr-", 6) || !isdigit((unsigned char)name[6]))
		return -1;
	return parse_int(name + 6, 1, INT32_MAX, &pid, NULL) < 0 ? -1 : pid;
}

static void live_check(struct cgclean_item *it, int pid)
{
	char path[PATH_MAX];

	if (pid <= 0 || paths_fmt(path, sizeof(path), "%s/%d/comm", paths_proc(), pid) < 0 ||
	    file_read_str(path, it->comm, sizeof(it->comm)) < 0)
		return;
	if (!strncmp(it->comm, "ktstr", 5) || !strcmp(it->comm, "cargo-ktstr"))
		it->live_pid = pid;
}

static int add_item(struct cgclean_item **v, size_t *n, const char *path, int pid)
{
	struct cgclean_item *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	if (!(nv[*n].path = strdup(path)))
		return -ENOMEM;
	live_check(&nv[*n], pid);
	(*n)++;
	return 0;
}

static int scan_hierarchy(const char *top, struct cgclean_item **v, size_t *n)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir = opendir(top);
	int pid, rc = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (e = readdir(dir))) {
		pid = leftover_pid(e->d_name);
		if (pid < 0 || paths_fmt(path, sizeof(path), "%s/%s", top, e->d_name) < 0 ||
		    !file_is_dir(path))
			continue;
		rc = add_item(v, n, path, pid);
	}
	closedir(dir);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cgclean_item *)a)->path, ((const struct cgclean_item *)b)->path);
}

int cgclean_scan(const char *root, struct cgclean_item **items, size_t *n)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int rc = 0;

	*items = NULL;
	*n = 0;
	if (is_cgroup_dir(root)) {
		rc = scan_hierarchy(root, items, n);
	} else if ((dir = opendir(root))) {
		while (!rc && (e = readdir(dir))) {
			if (e->d_name[0] == '.' ||
			    paths_fmt(path, sizeof(path), "%s/%s", root, e->d_name) < 0 ||
			    !file_is_dir(path) || !is_cgroup_dir(path))
				continue;
			rc = scan_hierarchy(path, items, n);
		}
		closedir(dir);
	} else {
		rc = -errno;
	}
	if (rc < 0) {
		cgclean_free(*items, *n);
		*items = NULL;
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(*items, *n, sizeof(**items), by_path);
	return 0;
}

void cgclean_free(struct cgclean_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i].path);
	free(items);
}

/* The top cgroup of dir's hierarchy: walk up while the parent is a cgroup. */
static int hierarchy_root(const char *dir, char *out, size_t size)
{
	char cur[PATH_MAX], up[PATH_MAX];

	if (!realpath(dir, cur))
		return -errno;
	for (;;) {
		snprintf(up, sizeof(up), "%s", cur);
		dirname(up);
		if (!strcmp(up, cur) || !is_cgroup_dir(up))
			break;
		snprintf(cur, sizeof(cur), "%s", up);
	}
	return paths_fmt(out, size, "%s/cgroup.procs", cur);
}

static int remove_tree(const char *dir, const char *root_procs, size_t *moved,
		       struct kt_diag *d)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t m = 0;
	DIR *dh = opendir(dir);
	int rc = 0, tries;

	if (!dh)
		return errno == ENOENT ? 0 : kt_diag_set(d, errno, "cannot read '%s': %s", dir,
							   strerror(errno));
	while (!rc && (e = readdir(dh))) {
		if (e->d_name[0] == '.' ||
		    paths_fmt(path, sizeof(path), "%s/%s", dir, e->d_name) < 0)
			continue;
		/* every subdirectory of a cgroup is a child cgroup */
		if (file_is_dir(path))
			rc = remove_tree(path, root_procs, moved, d);
	}
	closedir(dh);
	if (rc < 0)
		return rc;
	for (tries = 0; tries < 5; tries++) {
		if ((rc = cgdir_move_all(dir, root_procs, &m)) < 0)
			return kt_diag_set(d, rc, "cannot move the tasks of '%s' out: %s", dir,
					   strerror(-rc));
		*moved += m;
		rc = fsop_rmdir(dir, FSOP_TIMEOUT_MS);
		if (rc == 0 || rc == -ENOENT)
			return 0;
		if (rc != -EBUSY)
			break;
		usleep(10000); /* an exiting task can keep it busy for a moment */
	}
	return kt_diag_set(d, rc, "cannot remove '%s': %s", dir, strerror(-rc));
}

int cgclean_remove(const char *path, size_t *moved, struct kt_diag *d)
{
	char root_procs[PATH_MAX];
	int rc;

	*moved = 0;
	if (!file_is_dir(path))
		return 0;
	if ((rc = hierarchy_root(path, root_procs, sizeof(root_procs))) < 0)
		return kt_diag_set(d, rc, "cannot resolve '%s': %s", path, strerror(-rc));
	return remove_tree(path, root_procs, moved, d);
}

int cgclean_check_path(const char *path, struct kt_diag *d)
{
	char copy[PATH_MAX], up[PATH_MAX];
	struct statfs fs;
	const char *base;

	snprintf(copy, sizeof(copy), "%s", path);
	base = basename(copy);
	if (strncmp(base, "ktstr", 5))
		return kt_diag_set(d, EINVAL, "'%s' is not a ktstr cgroup (its name must start "
					      "with 'ktstr')",
				   path);
	if (statfs(path, &fs) < 0)
		return kt_diag_set(d, errno, "cgroup path not found: '%s': %s", path,
				   strerror(errno));
	if (fs.f_type != CGROUP_SUPER_MAGIC && fs.f_type != CGROUP2_SUPER_MAGIC)
		return kt_diag_set(d, EINVAL, "'%s' is not on a cgroup file system", path);
	snprintf(up, sizeof(up), "%s", path);
	dirname(up);
	if (!file_is_dir(path) || !is_cgroup_dir(path) || !is_cgroup_dir(up))
		return kt_diag_set(d, EINVAL, "'%s' is not a cgroup below a hierarchy's root",
				   path);
	return 0;
}
