// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

void checks_unset(struct check_limits *l)
{
	l->max_spread_pct = l->max_gap_ms = -1;
	l->isolation = -1;
	l->max_wake_p99_us = l->max_wake_cv = l->max_throughput_cv = -1;
	l->min_iterations_per_s = -1;
}

void checks_defaults(struct check_limits *l)
{
	checks_unset(l);
	l->max_spread_pct = CHECKS_DEFAULT_SPREAD_PCT;
	l->max_gap_ms = CHECKS_DEFAULT_GAP_MS;
	l->isolation = 1;
}

static void take(double *dst, double v)
{
	if (v >= 0)
		*dst = v;
}

void checks_overlay(struct check_limits *dst, const struct check_limits *o)
{
	take(&dst->max_spread_pct, o->max_spread_pct);
	take(&dst->max_gap_ms, o->max_gap_ms);
	if (o->isolation >= 0)
		dst->isolation = o->isolation;
	take(&dst->max_wake_p99_us, o->max_wake_p99_us);
	take(&dst->max_wake_cv, o->max_wake_cv);
	take(&dst->max_throughput_cv, o->max_throughput_cv);
	take(&dst->min_iterations_per_s, o->min_iterations_per_s);
}

static const struct {
	const char *key;
	size_t off;
} limit_keys[] = {
	{ "max_spread_pct", offsetof(struct check_limits, max_spread_pct) },
	{ "max_gap_ms", offsetof(struct check_limits, max_gap_ms) },
	{ "max_wake_p99_us", offsetof(struct check_limits, max_wake_p99_us) },
	{ "max_wake_cv", offsetof(struct check_limits, max_wake_cv) },
	{ "max_throughput_cv", offsetof(struct check_limits, max_throughput_cv) },
	{ "min_iterations_per_s", offsetof(struct check_limits, min_iterations_per_s) },
};

#define NLIMIT_KEYS (sizeof(limit_keys) / sizeof(limit_keys[0]))

int checks_from_json(struct check_limits *l, const json_t *o, struct kt_diag *d)
{
	const json_t *v;
	size_t i;

	checks_unset(l);
	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return kt_diag_set(d, EINVAL, "\"checks\" is not an object");
	for (i = 0; i < NLIMIT_KEYS; i++) {
		v = json_object_get(o, limit_keys[i].key);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_number(v) || json_number_value(v) < 0)
			return kt_diag_set(d, EINVAL, "\"checks.%s\" is not a number >= 0",
					   limit_keys[i].key);
		*(double *)((char *)l + limit_keys[i].off) = json_number_value(v);
	}
	v = json_object_get(o, "isolation");
	if (json_is_boolean(v))
		l->isolation = json_is_true(v);
	else if (v && !json_is_null(v))
		return kt_diag_set(d, EINVAL, "\"checks.isolation\" is not a boolean");
	return 0;
}

json_t *checks_to_json(const struct check_limits *l)
{
	json_t *o = json_object();
	double v;
	size_t i;

	for (i = 0; i < NLIMIT_KEYS; i++) {
		v = *(const double *)((const char *)l + limit_keys[i].off);
		json_object_set_new(o, limit_keys[i].key, v < 0 ? json_null() : json_real(v));
	}
	json_object_set_new(o, "isolation", l->isolation < 0 ? json_null()
							      : json_boolean(l->isolation));
	return o;
}

int checks_detail(json_t *details, const char *kind, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	n = json_array_append_new(details, json_pack("{s:s, s:s}", "kind", kind, "message", msg));
	free(msg);
	return n < 0 ? -ENOMEM : 0;
}

static void group_name(const struct check_group *g, char *buf, size_t size)
{
	snprintf(buf, size, "%s [%s]", g->cgroup ? g->cgroup : "host", g->work_type);
}

static void check_worker(const struct check_limits *l, const struct check_group *g,
			 const struct wreport *w, json_t *details)
{
	char who[160], *outside, *allowed;
	struct cpulist extra;

	wreport_name(w, who, sizeof(who));
	if (w->work_units == 0)
		checks_detail(details, "Starved", "%s: starved: 0 work units in %.1f s", who,
			      w->wall_time_ns > 0 ? (double)w->wall_time_ns / 1e9 : 0.0);
	if (l->max_gap_ms >= 0 && w->max_gap_ns >= 0 &&
	    (double)w->max_gap_ns / 1e6 > l->max_gap_ms)
		checks_detail(details, "Stuck", "%s: stuck %.0f ms on cpu %lld at +%.0f ms, limit %.0f ms",
			      who, (double)w->max_gap_ns / 1e6, (long long)w->max_gap_cpu,
			      w->max_gap_at_ns >= 0 ? (double)w->max_gap_at_ns / 1e6 : 0.0,
			      l->max_gap_ms);
	if (!w->completed) {
		char how[64];

		if (w->exit_signal)
			snprintf(how, sizeof(how), "killed by signal %d", w->exit_signal);
		else
			snprintf(how, sizeof(how), "exit status %d", w->exit_code);
		checks_detail(details, "NotCompleted", "%s: did not complete: %s (stop reason: %s)",
			      who, how, w->stop_reason ? w->stop_reason : "unknown");
	}
	if (l->isolation == 1 && g->allowed && !cpulist_subset(&w->cpus_used, g->allowed)) {
		cpulist_init(&extra);
		cpulist_copy(&extra, &w->cpus_used);
		cpulist_subtract(&extra, g->allowed);
		outside = cpulist_format(&extra);
		allowed = cpulist_format(g->allowed);
		checks_detail(details, "Isolation", "%s: ran on CPU %s outside cpuset %s", who,
			      outside ? outside : "?", allowed ? allowed : "?");
		free(outside);
		free(allowed);
		cpulist_release(&extra);
	}
	if (l->min_iterations_per_s >= 0 && w->wall_time_ns > 0 &&
	    (double)w->iterations / ((double)w->wall_time_ns / 1e9) < l->min_iterations_per_s)
		checks_detail(details, "Benchmark", "%s: %.1f iterations/s, limit %.1f", who,
			      (double)w->iterations / ((double)w->wall_time_ns / 1e9),
			      l->min_iterations_per_s);
}

void checks_group(const struct check_limits *l, const struct check_group *g,
		  const struct wreport *w, size_t n, const struct group_stats *s, json_t *details)
{
	char name[160];
	size_t i;

	group_name(g, name, sizeof(name));
	for (i = 0; i < n; i++)
		check_worker(l, g, &w[i], details);
	if (l->max_spread_pct >= 0 && s->off_cpu_samples >= 2 && s->spread > l->max_spread_pct)
		checks_detail(details, "Unfair",
			      "%s: unfair: off-CPU spread %.1f points (%.1f%%-%.1f%%) over %zu workers on %zu CPUs, limit %.1f",
			      name, s->spread, s->min_off_cpu_pct, s->max_off_cpu_pct,
			      s->num_workers, s->num_cpus, l->max_spread_pct);
	if (l->max_wake_p99_us >= 0 && s->wake.count && s->p99_wake_us > l->max_wake_p99_us)
		checks_detail(details, "Benchmark",
			      "%s: wake latency p99 %.1f us over %llu samples, limit %.1f us", name,
			      s->p99_wake_us, (unsigned long long)s->wake.count, l->max_wake_p99_us);
	if (l->max_wake_cv >= 0 && s->wake.count >= 2 && s->wake_cv > l->max_wake_cv)
		checks_detail(details, "Benchmark", "%s: wake latency CV %.3f, limit %.3f", name,
			      s->wake_cv, l->max_wake_cv);
	if (l->max_throughput_cv >= 0 && n >= 2 && s->throughput_cv > l->max_throughput_cv)
		checks_detail(details, "Benchmark", "%s: throughput CV %.3f, limit %.3f", name,
			      s->throughput_cv, l->max_throughput_cv);
}
