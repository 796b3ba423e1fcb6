/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-group statistics: pure functions of the group's worker reports.
 *
 *   struct group_stats s;
 *   stats_compute(&s, reports, n);     reports of one spawn group
 *   json_t *j = stats_to_json(&s);     field names of ktstr-check(1)
 *
 * Percentages are of wall time; latencies are pooled from every worker's
 * histogram (exact, see lib/hist.h), so a worker with many samples weighs
 * as much as its samples, not more.
 */
#ifndef KTSTR_STATS_H
#define KTSTR_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hist.h"
#include "wreport.h"

struct group_stats {
	size_t num_workers;
	size_t num_cpus;		    /* distinct CPUs used by any worker */
	size_t off_cpu_samples;		    /* workers with wall time > 0 */
	double avg_off_cpu_pct, min_off_cpu_pct, max_off_cpu_pct, spread;
	int64_t max_gap_ms, max_gap_cpu;    /* from the worker with the longest gap */
	int64_t total_migrations;
	double migration_ratio;		    /* migrations per iteration */
	int64_t total_iterations;
	double iterations_per_worker;
	double min_iterations_per_s;	    /* slowest worker's iteration rate */
	double mean_run_delay_us, worst_run_delay_us; /* -1 when unknown */
	int64_t voluntary_csw, involuntary_csw;
	double throughput_cv;		    /* of work units per CPU-second across workers */
	struct hist wake;		    /* pooled */
	double p50_wake_us, p90_wake_us, p99_wake_us, p999_wake_us, max_wake_us;
	double wake_cv, wake_tail_ratio;    /* p99 / p50 */
	size_t not_completed;
};

void stats_compute(struct group_stats *s, const struct wreport *w, size_t n);
json_t *stats_to_json(const struct group_stats *s);
/* Coefficient of variation (population) of n values; 0 when undefined. */
double stats_cv(const double *v, size_t n);

#endif
