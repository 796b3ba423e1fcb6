/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "worker" record (ktstr-ndjson(5)) from what a worker left in its
 * shared page and what wait4(2) said about it.
 *
 *   struct workreport r = { .shm = shm, .status = st, .ru = &ru, ... };
 *   json_t *rec = workreport_json(&r);
 *
 * A worker that finished its loop (shm->state WORKER_DONE) reports its own
 * loop deltas.  One that was killed mid-run keeps its live numbers (units,
 * iterations, gaps, CPUs, wake histogram); its CPU time, context switches
 * and faults come from wait4(2) minus its loop-start usage, its wall time
 * runs to when it was reaped, and schedstat and NUMA pages are null.
 */
#ifndef KTSTR_WORKREPORT_H
#define KTSTR_WORKREPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <jansson.h>

#include "procattr.h"
#include "worker.h"
#include "workspec.h"

struct workreport {
	const char *scenario; /* NULL: none */
	int group;
	const char *cgroup; /* NULL: none */
	unsigned index;
	pid_t pid;
	const struct workspec *spec;
	const struct procattr_policy *policy;
	int nice;
	const struct worker_shm *shm;
	int status;		/* from wait4() */
	const struct rusage *ru; /* from wait4() */
	uint64_t reaped_ns;
	const char *stop_reason;
	bool completed;
};

json_t *workreport_json(const struct workreport *r);

#endif
