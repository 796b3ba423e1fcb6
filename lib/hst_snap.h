/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host-state snapshot as compare sees it: every thread's identity, its
 * counters indexed by the metric registry, and the per-cgroup counters.
 *
 *   struct hst_snap s;
 *   hst_snap_init(&s);
 *   rc = hst_snap_load(&s, "base.hst.zst", &diag);    errors as hst_file_load()
 *   s.t[i].v[m]       value of metric m for thread i, HST_NONE when unknown
 *   hst_snap_release(&s);
 *
 * The registry, hst_metrics[], fixes the metrics compare knows, in the order
 * reports list them.  Cumulative ones are counters since the thread (or
 * cgroup) was born: a difference between two snapshots is the activity in
 * between.  Gauges are levels at capture time; states are text compared for
 * equality.  Counters from /proc/<pid>/sched are found by the part of the
 * key after its last '.', so "stats.wait_sum" (6.x) and
 * "se.statistics.wait_sum" (older kernels) are the same metric.
 */
#ifndef KTSTR_HST_SNAP_H
#define KTSTR_HST_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define HST_NONE INT64_MIN

enum hst_kind {
	HST_CUMULATIVE,
	HST_GAUGE,
	HST_STATE,
};

enum hst_section {
	HST_SEC_THREADS,
	HST_SEC_CGROUPS,
};

/* State metrics: the only non-numeric ones, kept as text per thread. */
enum hst_state {
	HST_ST_POLICY,
	HST_ST_NICE,
	HST_ST_CPUS,
	HST_ST_CGROUP,
	HST_NSTATES,
};

struct hst_metric {
	const char *name;
	const char *unit;	/* "ns", "bytes" or "" (a count) */
	enum hst_kind kind;
	enum hst_section section;
	const char *source;	/* snapshot member, or "sched:<last key part>" */
	int state;		/* enum hst_state for HST_STATE, else -1 */
};

extern const struct hst_metric hst_metrics[];
extern const size_t hst_nmetrics;
#define HST_MAX_METRICS 64

/* Index of the metric called name, or -1. */
int hst_metric_find(const char *name);
/* The "threads" and "cgroups" gauges: group sizes, set by compare, not read. */
int hst_metric_count_index(enum hst_section sec);

struct hst_thread {
	int64_t tgid, tid;
	const char *pcomm, *comm; /* borrowed from the JSON; NULL when unknown */
	const char *state[HST_NSTATES]; /* NULL when unknown; nice as text */
	char nice_text[8];
	int64_t v[HST_MAX_METRICS];
};

struct hst_cgroup {
	const char *hierarchy, *path;
	int64_t v[HST_MAX_METRICS];
};

struct hst_snap {
	json_t *root; /* owned; the strings above point into it */
	struct hst_thread *t; /* owned */
	size_t nt;
	struct hst_cgroup *cg; /* owned */
	size_t ncg;
	int64_t realtime_ns;
	const json_t *host; /* borrowed from root, may be NULL */
};

void hst_snap_init(struct hst_snap *s);
void hst_snap_release(struct hst_snap *s);
/* Takes the reference to root, also on failure. */
int hst_snap_from_json(struct hst_snap *s, json_t *root, struct kt_diag *d);
int hst_snap_load(struct hst_snap *s, const char *path, struct kt_diag *d);

#endif
