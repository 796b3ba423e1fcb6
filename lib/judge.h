/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judging a record stream: ktstr-check's state machine.
 *
 *   struct judge j;
 *   judge_init(&j, &cli_limits);
 *   for each record:  rc = judge_feed(&j, rec, &v, &diag);  v: a verdict when
 *                     a scenario ends or is skipped, else NULL; rc < 0 on a
 *                     record it must understand but cannot (diag says why,
 *                     without the line number): the stream is not valid
 *   at end of input:  v = judge_finish(&j, NULL);   verdict of an unfinished scenario
 *   or, when the rest of the stream is not judged (a bad record, a bad line):
 *                     v = judge_finish(&j, "line 7: why");   it fails saying so
 *   s = judge_summary(&j);
 *   judge_release(&j);
 *
 * A scenario runs from scenario_begin to the scenario_end of the same
 * "name"; a scenario_begin or skip without a name, or a scenario_end that
 * closes no scenario or another one, is refused.  Groups come from
 * spawn and worker records; cpusets from cgroup records (a cgroup without
 * a cpuset of its own inherits its parent's, and isolation is judged
 * against every cpuset a group's cgroups had during the scenario).
 * Worker records outside any scenario form an implicit scenario that ends
 * at the next scenario_begin or with the input, judged on its workers (a
 * record refused there opens none).
 *
 * "scheduler" records (from ktstr-sched) name the scheduler, the kernel and
 * the run's labels, which every later verdict and the summary carry.  A
 * "died" event fails the scenario in progress with a SchedulerDied detail
 * (or, between scenarios, a verdict of its own named "(scheduler)"), and
 * every scenario that begins after it fails with NotRun: it ran without
 * the scheduler under test.  Skips stay skips.
 */
#ifndef KTSTR_JUDGE_H
#define KTSTR_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "checks.h"
#include "err.h"
#include "jsched.h"

struct judge_scenario;

struct judge {
	struct check_limits cli;
	struct judge_scenario *cur; /* owned, NULL between scenarios */
	uint64_t first_ns;	    /* monotonic time of the first record seen */
	uint64_t last_t_ns;	    /* the latest "t_ns" in the stream: the producer's clock,
				       which in a VM is not ours */
	unsigned passed, failed, skipped;
	/* progress: from the last scenario_begin */
	long index, total;
	struct jsched sched;
	char *dead; /* owned: "during X", "after X" once the scheduler died, else NULL */
	char *last; /* owned: the last scenario that ended */
};

void judge_init(struct judge *j, const struct check_limits *cli);
void judge_release(struct judge *j);
int judge_feed(struct judge *j, const json_t *rec, json_t **verdict, struct kt_diag *d);
json_t *judge_finish(struct judge *j, const char *why);
json_t *judge_summary(const struct judge *j);
/* The scenario in progress: its name and expected duration (0 if none). */
const char *judge_current(const struct judge *j, uint64_t *begin_ns, uint64_t *duration_ns);

#endif
