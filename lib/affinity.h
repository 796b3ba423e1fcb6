/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU affinity requests for workers, and their resolution to one CPU set
 * per worker.
 *
 *   struct affinity a;
 *   affinity_init(&a);
 *   affinity_parse(&a, "llc", &diag);          none|llc|cpu|random|CPULIST (command line)
 *   affinity_from_json(&a, v, count, &diag);   a spawn/op record's "affinity"
 *   affinity_resolve(&a, &topo, i, group_size, &seed, &set);
 *                                              set empty: inherit (no call)
 *   affinity_release(&a);
 *
 * Resolution per worker i:
 *   none             inherit
 *   CPULIST, [..]    that set for every worker
 *   [[..],[..],..]   the i-th set
 *   llc              the CPUs of LLC (i / group_size) mod #LLCs, so the
 *                    workers that share a pipe or futex share a cache
 *   cpu              CPU number (i mod #CPUs) of the topology
 *   random           a fresh random subset of max(1, #CPUs / 2) CPUs
 *   random_subset    a fresh random subset of count CPUs of the pool
 */
#ifndef KTSTR_AFFINITY_H
#define KTSTR_AFFINITY_H

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "topo.h"

enum affinity_kind {
	AFFINITY_NONE,
	AFFINITY_SET,
	AFFINITY_PER_WORKER,
	AFFINITY_LLC,
	AFFINITY_CPU,
	AFFINITY_RANDOM,
};

struct affinity {
	enum affinity_kind kind;
	struct cpulist set;	  /* AFFINITY_SET; AFFINITY_RANDOM's pool (empty: all CPUs) */
	struct cpulist *per;	  /* owned; AFFINITY_PER_WORKER */
	size_t nper;
	unsigned count;		  /* AFFINITY_RANDOM: CPUs per worker, 0 = half the pool */
};

void affinity_init(struct affinity *a);
void affinity_release(struct affinity *a);
int affinity_parse(struct affinity *a, const char *s, struct kt_diag *d);
/* count: the number of workers, which a per-worker array must match (0: any). */
int affinity_from_json(struct affinity *a, const json_t *v, unsigned count, struct kt_diag *d);
/* Does resolving need a topology (llc, cpu, random with no pool)? */
int affinity_needs_topo(const struct affinity *a);
int affinity_resolve(const struct affinity *a, const struct topo *t, unsigned index,
		     unsigned group_size, unsigned *seed, struct cpulist *out);

#endif
