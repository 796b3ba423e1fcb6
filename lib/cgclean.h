/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cgroups left behind by runs that were killed (what `ktstr cleanup` does).
 *
 *   struct cgclean_item *v; size_t n;
 *   cgclean_scan(paths_cgroup(), &v, &n);   sorted candidates; v[i].live_pid > 0
 *                                           when its pid is a live ktstr tool
 *   cgclean_remove(v[i].path, &moved, &d);  depth-first; tasks still inside
 *                                           are moved to the hierarchy's root
 *                                           cgroup, never killed
 *   cgclean_free(v, n);
 *   cgclean_check_path(path, &d);           is it acceptable for --parent-cgroup?
 *
 * Where it looks: if the root is itself a cgroup directory (pure cgroup2),
 * its children; otherwise the children of every hierarchy mounted directly
 * below it (cpuset, cpu, unified, ... on a v1 or hybrid host), so leftovers
 * of any backend are found.  Candidates are named "ktstr" or "ktstr-<pid>";
 * a ktstr-<pid> whose pid runs a program named ktstr* or cargo-ktstr
 * (/proc/<pid>/comm) belongs to a live run.
 */
#ifndef KTSTR_CGCLEAN_H
#define KTSTR_CGCLEAN_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct cgclean_item {
	char *path; /* owned */
	pid_t live_pid;
	char comm[32];
};

int cgclean_scan(const char *root, struct cgclean_item **items, size_t *n);
void cgclean_free(struct cgclean_item *items, size_t n);
int cgclean_remove(const char *path, size_t *moved, struct kt_diag *d);
int cgclean_check_path(const char *path, struct kt_diag *d);

#endif
