/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU sets described by scenarios, made concrete for one topology.
 *
 *   struct cpuspec cs;
 *   cpuspec_init(&cs, &topo);                 ALL, usable, LLC and node lists
 *   cpuspec_partition(&cs, part, n, sets, &d);   a steady scenario's n cpusets
 *   cpuspec_resolve(&cs, spec, &env, &out, &d);  one cpuset description
 *   cpuspec_nodes(&cs, &cpus, &nodes);        NUMA node ids of those CPUs
 *   cpuspec_affinity(&cs, aff, cgroup_cpus, &env, &json, &d);  a record's "affinity"
 *   cpuspec_release(&cs);
 *
 * Vocabulary (ktstr-scenario(5)): ALL is every CPU, sorted; the usable CPUs
 * U are ALL without its highest CPU when there are more than two (that one
 * is left to the rest of the system); LLC i and NUMA node i count from 0 in
 * topology order (nodes without CPUs are not counted).
 *
 * Resolution fails with -ERANGE when this topology is too small for the
 * description: the diag then holds a reason fit for a "skip" record
 * ("needs >= 2 LLCs, have 1").  Other failures (-EINVAL) are mistakes in
 * the description itself.
 */
#ifndef KTSTR_CPUSPEC_H
#define KTSTR_CPUSPEC_H

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "expr.h"
#include "topo.h"

struct cpuspec {
	const struct topo *t;
	struct cpulist all;
	struct cpulist usable;
	struct cpulist *node; /* owned; CPUs of the i-th node with CPUs */
	size_t nnodes;
};

int cpuspec_init(struct cpuspec *cs, const struct topo *t);
void cpuspec_release(struct cpuspec *cs);
/* sets[0..n) are filled; a "none" partition returns 1 and fills nothing. */
int cpuspec_partition(const struct cpuspec *cs, const json_t *part, size_t n,
		      struct cpulist *sets, struct kt_diag *d);
int cpuspec_resolve(const struct cpuspec *cs, const json_t *spec, const struct expr_env *env,
		    struct cpulist *out, struct kt_diag *d);
int cpuspec_nodes(const struct cpuspec *cs, const struct cpulist *cpus, struct cpulist *nodes);
/* A spawn or op record's "affinity"; cgroup_cpus NULL when the cgroup has no cpuset. */
int cpuspec_affinity(const struct cpuspec *cs, const json_t *aff,
		     const struct cpulist *cgroup_cpus, const struct expr_env *env, json_t **out,
		     struct kt_diag *d);

#endif
