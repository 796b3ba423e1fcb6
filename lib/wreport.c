// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wreport.h"

void wreport_init(struct wreport *w)
{
	memset(w, 0, sizeof(*w));
	cpulist_init(&w->cpus_used);
	w->exit_code = -1;
}

void wreport_release(struct wreport *w)
{
	free(w->cgroup);
	free(w->work_type);
	free(w->stop_reason);
	free(w->wake);
	cpulist_release(&w->cpus_used);
	wreport_init(w);
}

/* An integer member: absent or null gives -1; anything else non-integer is an error. */
static int get_i64(const json_t *rec, const char *key, int64_t *out, struct kt_diag *d)
{
	const json_t *v = json_object_get(rec, key);

	if (!v || json_is_null(v)) {
		*out = -1;
		return 0;
	}
	if (!json_is_integer(v))
		return kt_diag_set(d, EINVAL, "worker record: \"%s\" is not an integer", key);
	*out = json_integer_value(v);
	return 0;
}

static char *dup_string(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? strdup(s) : NULL;
}

static int parse_exit(struct wreport *w, const json_t *rec)
{
	const json_t *ex = json_object_get(rec, "exit");
	const json_t *code = json_object_get(ex, "code"), *sig = json_object_get(ex, "signal");

	if (json_is_integer(code))
		w->exit_code = (int)json_integer_value(code);
	if (json_is_integer(sig))
		w->exit_signal = (int)json_integer_value(sig);
	return 0;
}

static int parse_wake(struct wreport *w, const json_t *rec, struct kt_diag *d)
{
	const json_t *wake = json_object_get(rec, "wake"), *h;

	if (!wake || json_is_null(wake))
		return 0;
	h = json_object_get(wake, "hist");
	if (!h)
		return kt_diag_set(d, EINVAL, "worker record: \"wake\" has no \"hist\"");
	w->wake = malloc(sizeof(*w->wake));
	if (!w->wake)
		return kt_diag_set(d, ENOMEM, "out of memory");
	return hist_from_json(w->wake, h, d);
}

int wreport_from_json(struct wreport *w, const json_t *rec, struct kt_diag *d)
{
	static const struct {
		const char *key;
		size_t off;
	} ints[] = {
		{ "group", offsetof(struct wreport, group) },
		{ "index", offsetof(struct wreport, index) },
		{ "pid", offsetof(struct wreport, pid) },
		{ "work_units", offsetof(struct wreport, work_units) },
		{ "iterations", offsetof(struct wreport, iterations) },
		{ "cpu_time_ns", offsetof(struct wreport, cpu_time_ns) },
		{ "wall_time_ns", offsetof(struct wreport, wall_time_ns) },
		{ "off_cpu_ns", offsetof(struct wreport, off_cpu_ns) },
		{ "run_delay_ns", offsetof(struct wreport, run_delay_ns) },
		{ "timeslices", offsetof(struct wreport, timeslices) },
		{ "voluntary_csw", offsetof(struct wreport, voluntary_csw) },
		{ "involuntary_csw", offsetof(struct wreport, involuntary_csw) },
		{ "migrations", offsetof(struct wreport, migrations) },
		{ "max_gap_ns", offsetof(struct wreport, max_gap_ns) },
		{ "max_gap_cpu", offsetof(struct wreport, max_gap_cpu) },
		{ "max_gap_at_ns", offsetof(struct wreport, max_gap_at_ns) },
	};
	const json_t *cpus = json_object_get(rec, "cpus_used");
	struct kt_diag sub;
	size_t i;
	int rc;

	wreport_release(w);
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if ((rc = get_i64(rec, ints[i].key, (int64_t *)((char *)w + ints[i].off), d)) < 0)
			return rc;
	if (w->group < 0)
		return kt_diag_set(d, EINVAL, "worker record: needs an integer \"group\"");
	w->cgroup = dup_string(rec, "cgroup");
	w->work_type = dup_string(rec, "work_type");
	w->stop_reason = dup_string(rec, "stop_reason");
	if (!w->work_type)
		return kt_diag_set(d, EINVAL, "worker record: needs a string \"work_type\"");
	w->is_messenger = json_is_true(json_object_get(rec, "is_messenger"));
	w->completed = json_is_true(json_object_get(rec, "completed"));
	parse_exit(w, rec);
	if (cpus && !json_is_null(cpus) && cpulist_from_json(&w->cpus_used, cpus, &sub) < 0)
		return kt_diag_set(d, EINVAL, "worker record: \"cpus_used\": %s", sub.msg);
	return parse_wake(w, rec, d);
}

void wreport_name(const struct wreport *w, char *buf, size_t size)
{
	snprintf(buf, size, "%s worker %lld (pid %lld)", w->cgroup ? w->cgroup : "host",
		 (long long)w->index, (long long)w->pid);
}
