/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario cgroups on whatever the host offers.
 *
 * Backends, chosen by cgroup_detect() from the root R ($KTSTR_CGROUP_ROOT,
 * default /sys/fs/cgroup), first match wins:
 *   1. R is a cgroup2 directory whose cgroup.controllers has cpuset  -> v2 at R
 *   2. R/unified is one                                               -> v2 at R/unified
 *   3. R/cpuset is a cgroup v1 cpuset directory                       -> v1: R/cpuset, plus
 *      R/cpu when it is a v1 cpu directory (cpu.shares)
 *   4. R, else R/unified, is a cgroup2 directory                      -> v2-nocpuset
 * Each of these may be a mount point, a cgroup below one, or a symlink to
 * either, so tests can point R at a private subtree (e.g. a directory
 * holding symlinks cpuset -> /sys/fs/cgroup/cpuset/ktstr-test-1 and
 * cpu -> /sys/fs/cgroup/cpu/ktstr-test-1).
 *
 * A run's cgroups live under one parent, "ktstr-<pid>", made in every
 * hierarchy used (cpuset and cpu on v1).  Names below it are relative
 * paths ("cg_0", "cg_1/sub_a"); a cgroup's parent must exist first.
 *
 *   struct cgroup_backend b;
 *   cgroup_detect(paths_cgroup(), &b, &d);
 *   struct cgroup_tree *t = cgroup_tree_new(&b, "ktstr-4242", &d);
 *   cgroup_tree_set_cpu_ctrl(t, !no_ctrl, &d);     before each scenario
 *   cgroup_create(t, "cg_0", &cpus, &mems, rt, &d); cpus NULL: no cpuset of its own
 *   cgroup_set_cpus(t, "cg_0", NULL, NULL, &d);     NULL clears
 *   cgroup_move_all(t, "cg_0", "cg_1", &moved, &d);
 *   cgroup_remove(t, "cg_0", drain_ms, &killed, &d);  descendants too
 *   json_t *info = cgroup_info(t, "cg_0");          paths, cpus, mems, controllers
 *   cgroup_tree_free(t, drain_ms, &d);              everything, then the parent
 *
 * v1 rules are handled here: every cpuset cgroup gets cpuset.cpus and
 * cpuset.mems (its own CPUs and their nodes, else its parent's) before any
 * task can join; cgroups without a cpuset of their own follow their
 * parent's; a change keeps children inside their parent at every write.
 * "Clearing" a cpuset on v1 gives back the parent's CPUs.  On a v1 cpu
 * hierarchy with RT group scheduling, cgroups marked rt get a share of
 * real-time runtime so SCHED_FIFO/RR workers can run there.
 *
 * Every directory made goes on the tree's list at once, so an error or a
 * signal path removes exactly what exists.  Removal waits for the cgroup to
 * empty (its workers are stopped by whoever placed them), kills what is
 * left after drain_ms, then removes directories deepest first.  Writes,
 * mkdir and rmdir time out after FSOP_TIMEOUT_MS (lib/fsop).
 */
#ifndef KTSTR_CGROUP_H
#define KTSTR_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"

enum cgroup_kind {
	CGROUP_NONE,
	CGROUP_V2,
	CGROUP_V1,
	CGROUP_V2_NOCPUSET,
};

#define CGROUP_DRAIN_MS 5000u

struct cgroup_backend {
	enum cgroup_kind kind;
	char main[4096]; /* v2 directory, or the v1 cpuset directory */
	char cpu[4096];	 /* v1 cpu directory, "" when absent */
	bool has_cpu;	 /* a cpu controller is usable (v2 cpu, or v1 cpu hierarchy) */
};

int cgroup_detect(const char *root, struct cgroup_backend *b, struct kt_diag *d);
/* "v2", "v1", "v2-nocpuset" or "none". */
const char *cgroup_kind_name(enum cgroup_kind k);
/* CPUs the backend's top directory offers (its effective cpuset); all when unknown. */
int cgroup_available_cpus(const struct cgroup_backend *b, struct cpulist *out);

struct cgroup_tree;

struct cgroup_tree *cgroup_tree_new(const struct cgroup_backend *b, const char *parent,
				    struct kt_diag *d);
void cgroup_tree_free(struct cgroup_tree *t, unsigned drain_ms, struct kt_diag *d);
/* The parent directory in the main hierarchy. */
const char *cgroup_tree_parent(const struct cgroup_tree *t);
/*
 * Confine the run's parent (and so every cgroup below it) to a CPU
 * reservation, before any cgroup is created under it.  -EOPNOTSUPP when
 * the backend has no cpuset.
 */
int cgroup_tree_confine(struct cgroup_tree *t, const struct cpulist *cpus,
			const struct cpulist *mems, struct kt_diag *d);
int cgroup_tree_set_cpu_ctrl(struct cgroup_tree *t, bool on, struct kt_diag *d);
/* Total time removals spent waiting for cgroups to empty. */
uint64_t cgroup_tree_waited_ns(const struct cgroup_tree *t);

/*
 * mems: the NUMA nodes for cpuset.mems (NULL or empty: the parent's); only
 * used together with cpus.  rt: the cgroup will host SCHED_FIFO/RR tasks.
 */
int cgroup_create(struct cgroup_tree *t, const char *name, const struct cpulist *cpus,
		  const struct cpulist *mems, bool rt, struct kt_diag *d);
/*
 * Can cgroup_create make this name?  Parts separated by '/' of 1 to 64
 * letters, digits, '_', '-' and '.', none starting with '.' or named like
 * the kernel's files ("cgroup.procs", "cpuset.cpus", "tasks", ...).
 */
bool cgroup_name_valid(const char *name);
int cgroup_set_cpus(struct cgroup_tree *t, const char *name, const struct cpulist *cpus,
		    const struct cpulist *mems, struct kt_diag *d);
int cgroup_move_all(struct cgroup_tree *t, const char *from, const char *to, size_t *moved,
		    struct kt_diag *d);
int cgroup_remove(struct cgroup_tree *t, const char *name, unsigned drain_ms, size_t *killed,
		  struct kt_diag *d);
/* Remove every cgroup of the tree (not the parent), newest first. */
int cgroup_remove_all(struct cgroup_tree *t, unsigned drain_ms, struct kt_diag *d);
/*
 * {"paths":[...],"cpus":[...]|null,"mems":[...]|null,"controllers":[...]}
 * plus "rt_runtime_us" on a v1 cpu hierarchy with RT group scheduling;
 * NULL for an unknown name.
 */
json_t *cgroup_info(const struct cgroup_tree *t, const char *name);

#endif
