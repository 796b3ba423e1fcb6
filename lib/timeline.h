/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Carrying out a plan on the clock: each event at its time (cgroup changes
 * done, records written), input records passed through in between.
 *
 *   struct timeline tl;
 *   timeline_init(&tl, &writer, &reader, tree);    tree NULL: dry run
 *   rc = timeline_run(&tl, begin, &plan, &d);
 *   timeline_release(&tl);
 *
 * timeline_run writes begin (a scenario_begin record; t_ns is set here)
 * at time 0, every event's records when due, and scenario_end.  A failed
 * cgroup operation ends the scenario early: its workers are stopped, its
 * cgroups removed, and scenario_end carries the error; the return is 0 so
 * the run goes on.  It returns < 0 only when the whole run must stop:
 * -EINTR (a stop signal), -EPIPE (downstream has gone), -EBADMSG (bad
 * input; d names the line).  Everything it created is removed first.
 *
 * In a dry run nothing is touched and nobody waits: records come out at
 * once, stamped with the time they would have had, and paths are what
 * they would have been (from the backend given to timeline_set_dry_paths).
 *
 * Measurements of the last scenario, also written into scenario_end:
 * setup_ns (doing the events at time 0), teardown_ns (the final stop
 * until scenario_end), drain_wait_ns (the part of teardown spent waiting
 * for workers to leave their cgroups: the consumer's time, not ours),
 * max_late_ns (the latest any event after time 0 and before the final
 * stop began after its due time).
 */
#ifndef KTSTR_TIMELINE_H
#define KTSTR_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cgroup.h"
#include "err.h"
#include "ndjson.h"
#include "plan.h"

struct timeline {
	struct ndjson_writer *out;
	struct ndjson_reader *in; /* NULL once the input has ended */
	struct cgroup_tree *tree; /* NULL: dry run */
	char dry_parent[2][4096]; /* dry run: parents per hierarchy, "" if none */
	unsigned drain_ms;
	bool rt_warned;
	json_t *live;		  /* group ids started and not stopped */
	uint64_t setup_ns, teardown_ns, max_late_ns, drain_wait_ns;
};

void timeline_init(struct timeline *tl, struct ndjson_writer *out, struct ndjson_reader *in,
		   struct cgroup_tree *tree);
void timeline_release(struct timeline *tl);
/* Dry run: where the parent would be, in each hierarchy (cpu may be NULL). */
void timeline_set_dry_paths(struct timeline *tl, const char *main, const char *cpu);
int timeline_run(struct timeline *tl, json_t *begin, const struct plan *p, struct kt_diag *d);
/*
 * Pass input records through until input ends or deadline_ns (0: do not
 * wait); for the gaps between scenarios.  Same returns as timeline_run.
 */
int timeline_forward(struct timeline *tl, uint64_t deadline_ns, struct kt_diag *d);

#endif
