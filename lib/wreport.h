/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A "worker" record (ktstr-ndjson(5)) parsed into C, for ktstr-check.
 *
 *   struct wreport w;
 *   wreport_init(&w);
 *   if (wreport_from_json(&w, rec, &diag) < 0) ...   diag names the bad field
 *   ...
 *   wreport_release(&w);
 *
 * Unknown or null measurements are -1 (not 0), so a missing schedstat is
 * never mistaken for "no run delay".
 */
#ifndef KTSTR_WREPORT_H
#define KTSTR_WREPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "hist.h"

struct wreport {
	int64_t group;
	char *cgroup;	 /* owned; NULL when the worker had no cgroup */
	char *work_type; /* owned */
	int64_t index;
	int64_t pid;
	bool is_messenger;
	bool completed;
	int exit_code; /* -1 when it did not exit normally */
	int exit_signal; /* 0 when not killed */
	char *stop_reason; /* owned, may be NULL */
	int64_t work_units, iterations;
	int64_t cpu_time_ns, wall_time_ns, off_cpu_ns;
	int64_t run_delay_ns, timeslices; /* -1 when unknown */
	int64_t voluntary_csw, involuntary_csw;
	int64_t migrations;
	struct cpulist cpus_used;
	int64_t max_gap_ns, max_gap_cpu, max_gap_at_ns;
	struct hist *wake; /* owned; NULL for types that never wait */
};

void wreport_init(struct wreport *w);
void wreport_release(struct wreport *w);
int wreport_from_json(struct wreport *w, const json_t *rec, struct kt_diag *d);
/* "cg_0 worker 2 (pid 5125)": how messages name a worker. */
void wreport_name(const struct wreport *w, char *buf, size_t size);

#endif
