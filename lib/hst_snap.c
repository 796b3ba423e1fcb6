// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hst_file.h"
#include "hst_snap.h"

#define CUM(name, unit, src) { name, unit, HST_CUMULATIVE, HST_SEC_THREADS, src, -1 }
#define CG_CUM(name, unit) { name, unit, HST_CUMULATIVE, HST_SEC_CGROUPS, name, -1 }

const struct hst_metric hst_metrics[] = {
	CUM("run_time_ns", "ns", "run_time_ns"),
	CUM("wait_time_ns", "ns", "wait_time_ns"),
	CUM("timeslices", "", "timeslices"),
	CUM("utime_ns", "ns", "utime_ns"),
	CUM("stime_ns", "ns", "stime_ns"),
	CUM("voluntary_csw", "", "voluntary_csw"),
	CUM("nonvoluntary_csw", "", "nonvoluntary_csw"),
	CUM("nr_migrations", "", "sched:nr_migrations"),
	CUM("wait_sum_ns", "ns", "sched:wait_sum"),
	CUM("wait_count", "", "sched:wait_count"),
	CUM("sleep_sum_ns", "ns", "sched:sum_sleep_runtime"),
	CUM("block_sum_ns", "ns", "sched:sum_block_runtime"),
	CUM("iowait_sum_ns", "ns", "sched:iowait_sum"),
	CUM("iowait_count", "", "sched:iowait_count"),
	CUM("nr_wakeups", "", "sched:nr_wakeups"),
	CUM("nr_wakeups_sync", "", "sched:nr_wakeups_sync"),
	CUM("nr_wakeups_migrate", "", "sched:nr_wakeups_migrate"),
	CUM("nr_wakeups_local", "", "sched:nr_wakeups_local"),
	CUM("nr_wakeups_remote", "", "sched:nr_wakeups_remote"),
	CUM("nr_wakeups_affine", "", "sched:nr_wakeups_affine"),
	CUM("nr_wakeups_affine_attempts", "", "sched:nr_wakeups_affine_attempts"),
	CUM("nr_wakeups_passive", "", "sched:nr_wakeups_passive"),
	CUM("nr_wakeups_idle", "", "sched:nr_wakeups_idle"),
	CUM("nr_migrations_cold", "", "sched:nr_migrations_cold"),
	CUM("nr_failed_migrations_affine", "", "sched:nr_failed_migrations_affine"),
	CUM("nr_failed_migrations_running", "", "sched:nr_failed_migrations_running"),
	CUM("nr_failed_migrations_hot", "", "sched:nr_failed_migrations_hot"),
	CUM("nr_forced_migrations", "", "sched:nr_forced_migrations"),
	CUM("minflt", "", "minflt"),
	CUM("majflt", "", "majflt"),
	CUM("rchar", "bytes", "rchar"),
	CUM("wchar", "bytes", "wchar"),
	CUM("syscr", "", "syscr"),
	CUM("syscw", "", "syscw"),
	CUM("read_bytes", "bytes", "read_bytes"),
	CUM("write_bytes", "bytes", "write_bytes"),
	CUM("cancelled_write_bytes", "bytes", "cancelled_write_bytes"),
	{ "threads", "", HST_GAUGE, HST_SEC_THREADS, NULL, -1 },
	{ "policy", "", HST_STATE, HST_SEC_THREADS, "policy", HST_ST_POLICY },
	{ "nice", "", HST_STATE, HST_SEC_THREADS, "nice", HST_ST_NICE },
	{ "cpus_allowed", "", HST_STATE, HST_SEC_THREADS, "cpus_allowed", HST_ST_CPUS },
	{ "cgroup", "", HST_STATE, HST_SEC_THREADS, "cgroup", HST_ST_CGROUP },
	CG_CUM("cpu_usage_ns", "ns"),
	CG_CUM("cpu_user_ns", "ns"),
	CG_CUM("cpu_system_ns", "ns"),
	CG_CUM("nr_periods", ""),
	CG_CUM("nr_throttled", ""),
	CG_CUM("throttled_ns", "ns"),
	{ "memory_current_bytes", "bytes", HST_GAUGE, HST_SEC_CGROUPS, "memory_current_bytes", -1 },
	{ "cgroups", "", HST_GAUGE, HST_SEC_CGROUPS, NULL, -1 },
};

const size_t hst_nmetrics = sizeof(hst_metrics) / sizeof(hst_metrics[0]);

_Static_assert(sizeof(hst_metrics) / sizeof(hst_metrics[0]) <= HST_MAX_METRICS,
	       "raise HST_MAX_METRICS");

int hst_metric_find(const char *name)
{
	size_t i;

	for (i = 0; i < hst_nmetrics; i++)
		if (!strcmp(hst_metrics[i].name, name))
			return (int)i;
	return -1;
}

int hst_metric_count_index(enum hst_section sec)
{
	return hst_metric_find(sec == HST_SEC_THREADS ? "threads" : "cgroups");
}

void hst_snap_init(struct hst_snap *s)
{
	memset(s, 0, sizeof(*s));
}

void hst_snap_release(struct hst_snap *s)
{
	free(s->t);
	free(s->cg);
	json_decref(s->root);
	hst_snap_init(s);
}

static void fill_none(int64_t *v)
{
	size_t i;

	for (i = 0; i < HST_MAX_METRICS; i++)
		v[i] = HST_NONE;
}

/*
 * A member that must be an integer in min..max, or null (or absent, which is
 * null too): capture writes null for what it could not read.
 */
static int get_int(const json_t *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const json_t *v = json_object_get(o, key);
	int64_t n;

	*out = HST_NONE;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -EINVAL;
	n = json_integer_value(v);
	if (n < min || n > max)
		return -ERANGE;
	*out = n;
	return 0;
}

/* Counters and sizes count up from 0; a negative one is a damaged file, not a value. */
static int get_count(const json_t *o, const char *key, int64_t *out)
{
	return get_int(o, key, 0, INT64_MAX, out);
}

/* A member that must be a string or null; *out is NULL for null. */
static int get_str(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	*out = json_string_value(v);
	return 0;
}

static int bad(struct kt_diag *d, const char *what, size_t i, const char *key, const char *type)
{
	return kt_diag_set(d, EINVAL, "%s %zu: \"%s\" is not %s", what, i, key, type);
}

/* The /proc/<pid>/sched map: each value an integer, metrics found by the last key part. */
static int load_sched(struct hst_thread *t, const json_t *sched, size_t i, struct kt_diag *d)
{
	const char *key, *last;
	json_t *val;
	size_t m;

	if (!sched || json_is_null(sched))
		return 0;
	if (!json_is_object(sched))
		return bad(d, "thread", i, "sched", "an object");
	json_object_foreach((json_t *)sched, key, val) {
		if (!json_is_integer(val))
			return bad(d, "thread", i, key, "an integer");
		last = strrchr(key, '.');
		last = last ? last + 1 : key;
		/* other lines may be negative (numa_preferred_nid -1); the metrics are counters */
		for (m = 0; m < hst_nmetrics; m++) {
			if (!hst_metrics[m].source || strncmp(hst_metrics[m].source, "sched:", 6) ||
			    strcmp(hst_metrics[m].source + 6, last))
				continue;
			if (json_integer_value(val) < 0)
				return bad(d, "thread", i, key, "a non-negative integer");
			t->v[m] = json_integer_value(val);
		}
	}
	return 0;
}

static int load_thread(struct hst_thread *t, const json_t *o, size_t i, struct kt_diag *d)
{
	const struct hst_metric *m;
	int64_t nice;
	size_t k;

	fill_none(t->v);
	if (!json_is_object(o))
		return kt_diag_set(d, EINVAL, "thread %zu is not an object", i);
	if (get_int(o, "tgid", 1, UINT32_MAX, &t->tgid) < 0 || t->tgid == HST_NONE)
		return bad(d, "thread", i, "tgid", "a positive integer");
	if (get_int(o, "tid", 1, UINT32_MAX, &t->tid) < 0 || t->tid == HST_NONE)
		return bad(d, "thread", i, "tid", "a positive integer");
	if (get_str(o, "pcomm", &t->pcomm) < 0)
		return bad(d, "thread", i, "pcomm", "a string");
	if (get_str(o, "comm", &t->comm) < 0)
		return bad(d, "thread", i, "comm", "a string");
	if (get_int(o, "nice", -20, 19, &nice) < 0)
		return bad(d, "thread", i, "nice", "an integer in -20..19");
	t->state[HST_ST_NICE] = NULL;
	if (nice != HST_NONE) {
		snprintf(t->nice_text, sizeof(t->nice_text), "%d", (int)nice);
		t->state[HST_ST_NICE] = t->nice_text;
	}
	for (k = 0; k < hst_nmetrics; k++) {
		m = &hst_metrics[k];
		if (m->section != HST_SEC_THREADS || !m->source || !strncmp(m->source, "sched:", 6))
			continue;
		if (m->kind == HST_STATE && m->state != HST_ST_NICE &&
		    get_str(o, m->source, &t->state[m->state]) < 0)
			return bad(d, "thread", i, m->source, "a string");
		if (m->kind != HST_STATE && get_count(o, m->source, &t->v[k]) < 0)
			return bad(d, "thread", i, m->source, "a non-negative integer");
	}
	return load_sched(t, json_object_get(o, "sched"), i, d);
}

static int load_cgroup(struct hst_cgroup *c, const json_t *o, size_t i, struct kt_diag *d)
{
	size_t k;

	fill_none(c->v);
	if (!json_is_object(o))
		return kt_diag_set(d, EINVAL, "cgroup %zu is not an object", i);
	if (get_str(o, "hierarchy", &c->hierarchy) < 0 || !c->hierarchy)
		return bad(d, "cgroup", i, "hierarchy", "a string");
	if (get_str(o, "path", &c->path) < 0 || !c->path)
		return bad(d, "cgroup", i, "path", "a string");
	for (k = 0; k < hst_nmetrics; k++)
		if (hst_metrics[k].section == HST_SEC_CGROUPS && hst_metrics[k].source &&
		    get_count(o, hst_metrics[k].source, &c->v[k]) < 0)
			return bad(d, "cgroup", i, hst_metrics[k].source, "a non-negative integer");
	return 0;
}

static int load_arrays(struct hst_snap *s, struct kt_diag *d)
{
	const json_t *threads = json_object_get(s->root, "threads");
	const json_t *cgroups = json_object_get(s->root, "cgroups");
	size_t i;
	int rc;

	if (!json_is_array(threads))
		return kt_diag_set(d, EINVAL, "snapshot has no \"threads\" array");
	if (cgroups && !json_is_array(cgroups) && !json_is_null(cgroups))
		return kt_diag_set(d, EINVAL, "snapshot \"cgroups\" is not an array");
	s->nt = json_array_size(threads);
	s->ncg = json_array_size(cgroups);
	s->t = calloc(s->nt ? s->nt : 1, sizeof(*s->t));
	s->cg = calloc(s->ncg ? s->ncg : 1, sizeof(*s->cg));
	if (!s->t || !s->cg)
		return kt_diag_set(d, ENOMEM, "out of memory");
	for (i = 0; i < s->nt; i++)
		if ((rc = load_thread(&s->t[i], json_array_get(threads, i), i, d)) < 0)
			return rc;
	for (i = 0; i < s->ncg; i++)
		if ((rc = load_cgroup(&s->cg[i], json_array_get(cgroups, i), i, d)) < 0)
			return rc;
	return 0;
}

int hst_snap_from_json(struct hst_snap *s, json_t *root, struct kt_diag *d)
{
	int rc;

	hst_snap_release(s);
	s->root = root;
	s->host = json_object_get(root, "host");
	if (get_count(root, "realtime_ns", &s->realtime_ns) < 0)
		rc = kt_diag_set(d, EINVAL,
				 "snapshot \"realtime_ns\" is not a non-negative integer");
	else if (!json_is_object(s->host)) /* capture always writes it; compare shows it */
		rc = kt_diag_set(d, EINVAL, "snapshot \"host\" is not an object");
	else
		rc = load_arrays(s, d);
	if (rc < 0) {
		hst_snap_release(s);
		return rc;
	}
	return 0;
}

int hst_snap_load(struct hst_snap *s, const char *path, struct kt_diag *d)
{
	json_t *root;
	int rc;

	if ((rc = hst_file_load(path, &root, d)) < 0)
		return rc;
	return hst_snap_from_json(s, root, d);
}
