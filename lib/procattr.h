/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process attributes a worker runs with: scheduling policy, nice value and
 * NUMA memory policy.  Parsed once (from a command line or a spawn record),
 * applied to a pid (or to the caller for the memory policy).
 *
 *   struct procattr_policy pol;
 *   procattr_policy_parse(&pol, "fifo:10", &diag);   normal|batch|idle|fifo:P|rr:P
 *   procattr_policy_apply(pid, &pol);                -errno (EPERM without CAP_SYS_NICE)
 *   procattr_policy_format(&pol, buf, sizeof(buf));  back to "fifo:10"
 *   procattr_nice_apply(pid, -5);
 *   procattr_affinity_apply(pid, &cpus);             sched_setaffinity from a CPU list
 *
 *   struct procattr_mempolicy mp;
 *   procattr_mempolicy_from_json(&mp, spawn_mempolicy, &diag);  null = default
 *   procattr_mempolicy_apply(&mp);                    the calling process
 */
#ifndef KTSTR_PROCATTR_H
#define KTSTR_PROCATTR_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"

#define PROCATTR_NICE_MIN (-20)
#define PROCATTR_NICE_MAX 19
#define PROCATTR_MAX_NODES 1024

struct procattr_policy {
	int policy; /* SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR */
	int prio;   /* 1..99 for FIFO and RR, else 0 */
};

int procattr_policy_parse(struct procattr_policy *p, const char *s, struct kt_diag *d);
void procattr_policy_format(const struct procattr_policy *p, char *buf, size_t size);
int procattr_policy_apply(pid_t pid, const struct procattr_policy *p);
int procattr_nice_apply(pid_t pid, int nice);
int procattr_affinity_apply(pid_t pid, const struct cpulist *cpus);

enum procattr_mpol_mode {
	MPOL_MODE_DEFAULT, /* leave the memory policy alone */
	MPOL_MODE_BIND,
	MPOL_MODE_PREFERRED,
	MPOL_MODE_INTERLEAVE,
	MPOL_MODE_LOCAL,
};

struct procattr_mempolicy {
	enum procattr_mpol_mode mode;
	unsigned long nodes[PROCATTR_MAX_NODES / (8 * sizeof(unsigned long))];
};

int procattr_mempolicy_from_json(struct procattr_mempolicy *mp, const json_t *v,
				 struct kt_diag *d);
int procattr_mempolicy_apply(const struct procattr_mempolicy *mp);

#endif
