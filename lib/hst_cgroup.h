/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup side of a host-state capture: where each hierarchy named in
 * /proc/<pid>/cgroup lives, which one is a thread's "cgroup", and the
 * per-cgroup counters.
 *
 *   struct hst_cgroup_layout l;
 *   hst_cgroup_layout_detect(&l, paths_cgroup());
 *   for each "<id>:<controllers>:<path>" line of a thread:
 *           hst_cgroup_hierarchy(controllers)     "v2", "cpu,cpuacct", "name=systemd"
 *           hst_cgroup_is_primary(&l, controllers)
 *           hst_cgroup_has_stats(controllers)
 *   once per distinct (hierarchy, path): hst_cgroup_write_stats(&l, &w, hier, path, ...)
 *
 * Layout, by what the cgroup root (KTSTR_CGROUP_ROOT, default /sys/fs/cgroup)
 * holds: cgroup2 at the root when it has cgroup.controllers (unified), else
 * at <root>/unified (systemd's hybrid layout); a v1 hierarchy with
 * controllers "a,b" at <root>/a,b, else <root>/a (systemd's symlinks).
 *
 * The primary hierarchy, whose path becomes a thread's "cgroup", is the one
 * that places tasks on CPUs, as in ktstr-cgroup: cgroup2 if it offers
 * cpuset, else the v1 cpuset hierarchy, else cgroup2, else none.
 */
#ifndef KTSTR_HST_CGROUP_H
#define KTSTR_HST_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "jsonw.h"
#include "procfs.h"

struct hst_cgroup_layout {
	char root[PATH_MAX];	/* cgroup root; v1 hierarchies are under it */
	char v2_root[PATH_MAX]; /* "" when there is no cgroup2 */
	char v2_controllers[256];
	char primary[64];	/* "v2", a v1 controller ("cpuset"), or "" */
};

void hst_cgroup_layout_detect(struct hst_cgroup_layout *l, const char *cgroup_root);
/* The "cgroup_layout" member of the host object. */
void hst_cgroup_write_layout(const struct hst_cgroup_layout *l, struct jsonw *w);

const char *hst_cgroup_hierarchy(const char *controllers);
bool hst_cgroup_is_primary(const struct hst_cgroup_layout *l, const char *controllers);
bool hst_cgroup_has_stats(const char *controllers);

/*
 * One element of the "cgroups" array: hierarchy, path and the counters,
 * null where this hierarchy has no such file or it cannot be read.
 * clk_tck converts v1 cpuacct.stat ticks to nanoseconds.
 */
void hst_cgroup_write_stats(const struct hst_cgroup_layout *l, struct jsonw *w, const char *hier,
			    const char *path, long clk_tck, struct procfs_buf *b);

#endif
