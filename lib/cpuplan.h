/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which CPUs a reservation takes: a pure function of the topology, the CPUs
 * this process may use and what other ktstr runs hold right now.  No locks,
 * no files: lib/reserve gathers the state and takes the locks.
 *
 *   struct cpuplan_state st = { .llc_peers = peers, .llc_blocked = blocked };
 *   struct cpuplan p;
 *   cpuplan_init(&p);
 *   rc = cpuplan_make(&p, &topo, &allowed, &st, CPUPLAN_CPUS, 3, &diag);
 *        p.llcs   the LLC indices picked, in the order they were picked
 *        p.cpus   exactly 3 CPUs: whole LLCs first, the last LLC partial
 *        p.mems   the NUMA nodes of those CPUs
 *   cpuplan_release(&p);
 *
 * The order: an LLC is usable when it has an allowed CPU that is not busy
 * and it is not blocked.  Usable LLCs are ranked by shared holders, most
 * first (no-perf runs pile onto LLCs that are shared already, which keeps
 * whole LLCs free for perf runs), then by index.  The first-ranked LLC's
 * node is the seed; nodes are visited by their distance from the seed
 * (then by id), and within a node LLCs are taken in rank order until the
 * request is met.  So the CPUs stay on as few LLCs and as near NUMA nodes
 * as the host allows.  Within an LLC, CPUs are taken in ascending order.
 *
 * With want == 0 the request is "everything allowed": every LLC with an
 * allowed CPU (CPUPLAN_LLCS) or every allowed CPU (CPUPLAN_CPUS).
 *
 * Errors, each with the rule in the diag:
 *   -EINVAL  no allowed CPU is in the topology
 *   -ERANGE  the request exceeds what the process may use at all, so
 *            waiting cannot help ("wants 9 CPUs, only 8 are allowed (0-7)")
 *   -EBUSY   enough exists but peers hold too much of it right now
 */
#ifndef KTSTR_CPUPLAN_H
#define KTSTR_CPUPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "cpulist.h"
#include "err.h"
#include "topo.h"

enum cpuplan_unit {
	CPUPLAN_CPUS, /* want counts CPUs; the last LLC may be partial */
	CPUPLAN_LLCS, /* want counts whole LLCs */
};

/* What peers hold; every member may be NULL (nothing held). */
struct cpuplan_state {
	const unsigned *llc_peers;	 /* per LLC index: processes holding it shared */
	const bool *llc_blocked;	 /* per LLC index: unusable (held exclusively) */
	const struct cpulist *busy_cpus; /* CPUs held one by one */
};

struct cpuplan {
	unsigned *llcs; /* owned, pick order */
	size_t nllcs;
	struct cpulist cpus;
	struct cpulist mems; /* NUMA node ids */
};

void cpuplan_init(struct cpuplan *p);
void cpuplan_release(struct cpuplan *p);
int cpuplan_make(struct cpuplan *p, const struct topo *t, const struct cpulist *allowed,
		 const struct cpuplan_state *st, enum cpuplan_unit unit, unsigned want,
		 struct kt_diag *d);

#endif
