/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks ktstr-check applies to a worker group, and their limits.
 *
 * Limits come in three layers, each overriding the one before where it is
 * set: built-in defaults (checks_defaults), the scenario's "checks" object
 * (checks_from_json) and the command line.  A limit < 0 is unset.
 *
 *   struct check_limits lim;
 *   checks_defaults(&lim);
 *   checks_overlay(&lim, &scenario);
 *   checks_overlay(&lim, &cli);
 *   checks_group(&lim, &info, reports, n, &stats, details);
 *
 * Every failing check appends {"kind": K, "message": M} to details, the
 * message naming the worker or group, the value and the limit.
 */
#ifndef KTSTR_CHECKS_H
#define KTSTR_CHECKS_H

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "stats.h"
#include "wreport.h"

#define CHECKS_DEFAULT_SPREAD_PCT 15.0
#define CHECKS_DEFAULT_GAP_MS 2000.0

struct check_limits {
	double max_spread_pct;	     /* off-CPU spread within a group, percentage points */
	double max_gap_ms;	     /* longest stall of any worker */
	int isolation;		     /* -1 unset, 0 off, 1 on: cpus_used within the cpuset */
	double max_wake_p99_us;	     /* pooled p99 wake latency */
	double max_wake_cv;	     /* pooled wake latency coefficient of variation */
	double max_throughput_cv;    /* work units per CPU-second across workers */
	double min_iterations_per_s; /* each worker's iteration rate */
};

struct check_group {
	int64_t id;
	const char *cgroup;    /* NULL: host workers */
	const char *work_type;
	/* CPUs the group's cgroups allowed; NULL when unrestricted or unknown */
	const struct cpulist *allowed;
};

void checks_unset(struct check_limits *l);
void checks_defaults(struct check_limits *l);
void checks_overlay(struct check_limits *dst, const struct check_limits *over);
/* The scenario_begin "checks" object; null members stay unset. */
int checks_from_json(struct check_limits *l, const json_t *o, struct kt_diag *d);
json_t *checks_to_json(const struct check_limits *l);

/* Append a failing check's detail. */
int checks_detail(json_t *details, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void checks_group(const struct check_limits *l, const struct check_group *g,
		  const struct wreport *w, size_t n, const struct group_stats *s, json_t *details);

#endif
