/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compare two host-state snapshots: group threads by a key, add up each
 * group on both sides, and make one row per (group, metric).
 *
 *   struct hst_cmp_opts o = { .by = HST_BY_PCOMM_COMM };
 *   hst_cmp_add_flatten(&o, "/system.slice/docker-*.scope", &diag);   repeatable
 *   struct hst_result r;
 *   hst_result_init(&r);
 *   rc = hst_compare(&base, &cand, &o, &r);            0 or -ENOMEM
 *   n = hst_result_select(&r, &filter, &rows);         rows to show, in order
 *   hst_result_release(&r); hst_cmp_opts_release(&o);
 *
 * Groups: threads with equal keys (by default the pair pcomm, comm; or one
 * of pcomm, comm, cgroup) form a group, on each side independently, so a
 * workload is followed across restarts and pids.  Cumulative metrics and
 * gauges are summed over the group (threads with an unknown value are left
 * out and counted as missing); a state metric's value is the sorted set of
 * distinct values, joined with " | ".  A group on both sides gives a row
 * per metric; a group on one side only gives one "threads" row, appeared
 * or vanished.  Cgroups go the same way, keyed by (hierarchy, path), with a
 * "cgroups" row for one-sided ones.
 *
 * --cgroup-flatten patterns (fnmatch(3) with FNM_PATHNAME, so '*' stays
 * within one path component) are matched against the leading components of
 * a cgroup path, in the order given; the first match replaces those
 * components with the pattern text and keeps the rest: with the pattern
 * "/a/job-[0-9]*", "/a/job-17/w" and "/a/job-18/w" both become
 * "/a/job-[0-9]*" followed by "/w", one group.
 */
#ifndef KTSTR_HST_COMPARE_H
#define KTSTR_HST_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hst_snap.h"
#include "strtab.h"

enum hst_group_by {
	HST_BY_PCOMM_COMM,
	HST_BY_PCOMM,
	HST_BY_COMM,
	HST_BY_CGROUP,
};

struct hst_cmp_opts {
	enum hst_group_by by;
	char **flatten; /* owned */
	size_t nflatten;
};

enum hst_status {
	HST_SAME,
	HST_CHANGED,
	HST_APPEARED,
	HST_VANISHED,
};

struct hst_row {
	enum hst_section section;
	const char *key[2];	/* group key; key[1] only for (pcomm, comm) and cgroups */
	int metric;		/* index into hst_metrics */
	size_t n[2];		/* threads (or cgroups) in the group: baseline, candidate */
	int64_t val[2];		/* sums, HST_NONE when no member had a value */
	size_t missing[2];	/* members without a value */
	const char *state[2];	/* state metrics: the distinct values, or NULL */
	bool has_delta, has_pct;
	int64_t delta;		/* candidate - baseline */
	double pct;		/* 100 * delta / baseline */
	enum hst_status status;
};

struct hst_result {
	struct hst_row *rows; /* owned */
	size_t n, cap;
	struct strtab strs; /* keys and state texts the rows point at */
};

struct hst_filter {
	bool all;		/* include unchanged rows */
	const int *metrics;	/* only these metric indexes, when nmetrics > 0 */
	size_t nmetrics;
	size_t top;		/* at most this many rows per metric, 0 for no limit */
	bool has_min;
	double min_delta;	/* |delta| >= min_delta, or |percent| >= it when min_is_pct */
	bool min_is_pct;
};

int hst_cmp_parse_group_by(const char *s, enum hst_group_by *by);
const char *hst_cmp_group_by_name(enum hst_group_by by);
int hst_cmp_add_flatten(struct hst_cmp_opts *o, const char *pattern, struct kt_diag *d);
void hst_cmp_opts_release(struct hst_cmp_opts *o);
/* The flattened form of path: a new string in buf, or path itself. */
const char *hst_cmp_flatten(const struct hst_cmp_opts *o, const char *path, char *buf,
			    size_t size);

void hst_result_init(struct hst_result *r);
void hst_result_release(struct hst_result *r);
int hst_compare(const struct hst_snap *base, const struct hst_snap *cand,
		const struct hst_cmp_opts *o, struct hst_result *r);
/* The rows that pass the filter, in report order, in a malloc'ed array; count or -ENOMEM. */
long hst_result_select(const struct hst_result *r, const struct hst_filter *f,
		       const struct hst_row ***out);

#endif
