// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

double stats_cv(const double *v, size_t n)
{
	double sum = 0, sq = 0, mean;
	size_t i;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = sum / (double)n;
	if (mean <= 0)
		return 0;
	for (i = 0; i < n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	return sqrt(sq / (double)n) / mean;
}

static void off_cpu(struct group_stats *s, const struct wreport *w, size_t n)
{
	double pct, sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i].wall_time_ns <= 0 || w[i].off_cpu_ns < 0)
			continue;
		pct = 100.0 * (double)w[i].off_cpu_ns / (double)w[i].wall_time_ns;
		if (!s->off_cpu_samples || pct < s->min_off_cpu_pct)
			s->min_off_cpu_pct = pct;
		if (!s->off_cpu_samples || pct > s->max_off_cpu_pct)
			s->max_off_cpu_pct = pct;
		sum += pct;
		s->off_cpu_samples++;
	}
	if (s->off_cpu_samples) {
		s->avg_off_cpu_pct = sum / (double)s->off_cpu_samples;
		s->spread = s->max_off_cpu_pct - s->min_off_cpu_pct;
	}
}

static void run_delay(struct group_stats *s, const struct wreport *w, size_t n)
{
	double sum = 0, us;
	size_t i, known = 0;

	s->mean_run_delay_us = s->worst_run_delay_us = -1;
	for (i = 0; i < n; i++) {
		if (w[i].run_delay_ns < 0)
			continue;
		us = (double)w[i].run_delay_ns / 1e3;
		sum += us;
		if (us > s->worst_run_delay_us)
			s->worst_run_delay_us = us;
		known++;
	}
	if (known)
		s->mean_run_delay_us = sum / (double)known;
}

/* Throughput parity: work units per CPU-second of each worker that ran. */
static void throughput(struct group_stats *s, const struct wreport *w, size_t n)
{
	double *rate = calloc(n ? n : 1, sizeof(*rate)), r;
	size_t i, k = 0;

	s->min_iterations_per_s = -1;
	for (i = 0; i < n; i++) {
		if (w[i].wall_time_ns > 0 && w[i].iterations >= 0) {
			r = (double)w[i].iterations / ((double)w[i].wall_time_ns / 1e9);
			if (s->min_iterations_per_s < 0 || r < s->min_iterations_per_s)
				s->min_iterations_per_s = r;
		}
		if (rate && w[i].cpu_time_ns > 0 && w[i].work_units >= 0)
			rate[k++] = (double)w[i].work_units / ((double)w[i].cpu_time_ns / 1e9);
	}
	s->throughput_cv = rate ? stats_cv(rate, k) : 0;
	free(rate);
}

static void wake(struct group_stats *s)
{
	const double us = 1e3;

	s->p50_wake_us = (double)hist_percentile(&s->wake, 50) / us;
	s->p90_wake_us = (double)hist_percentile(&s->wake, 90) / us;
	s->p99_wake_us = (double)hist_percentile(&s->wake, 99) / us;
	s->p999_wake_us = (double)hist_percentile(&s->wake, 99.9) / us;
	s->max_wake_us = (double)s->wake.max / us;
	s->wake_cv = hist_cv(&s->wake);
	s->wake_tail_ratio = s->p50_wake_us > 0 ? s->p99_wake_us / s->p50_wake_us : 0;
}

void stats_compute(struct group_stats *s, const struct wreport *w, size_t n)
{
	struct cpulist all;
	size_t i;

	memset(s, 0, sizeof(*s));
	cpulist_init(&all);
	s->num_workers = n;
	s->max_gap_ms = s->max_gap_cpu = -1;
	for (i = 0; i < n; i++) {
		cpulist_merge(&all, &w[i].cpus_used);
		if (w[i].max_gap_ns >= 0 && w[i].max_gap_ns / 1000000 > s->max_gap_ms) {
			s->max_gap_ms = w[i].max_gap_ns / 1000000;
			s->max_gap_cpu = w[i].max_gap_cpu;
		}
		s->total_migrations += w[i].migrations > 0 ? w[i].migrations : 0;
		s->total_iterations += w[i].iterations > 0 ? w[i].iterations : 0;
		s->voluntary_csw += w[i].voluntary_csw > 0 ? w[i].voluntary_csw : 0;
		s->involuntary_csw += w[i].involuntary_csw > 0 ? w[i].involuntary_csw : 0;
		s->not_completed += !w[i].completed;
		if (w[i].wake)
			hist_merge(&s->wake, w[i].wake);
	}
	s->num_cpus = all.n;
	cpulist_release(&all);
	s->migration_ratio =
		s->total_iterations ? (double)s->total_migrations / (double)s->total_iterations : 0;
	s->iterations_per_worker = n ? (double)s->total_iterations / (double)n : 0;
	off_cpu(s, w, n);
	run_delay(s, w, n);
	throughput(s, w, n);
	wake(s);
}

static json_t *num_or_null(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

json_t *stats_to_json(const struct group_stats *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "num_workers", json_integer((json_int_t)s->num_workers));
	json_object_set_new(o, "num_cpus", json_integer((json_int_t)s->num_cpus));
	json_object_set_new(o, "avg_off_cpu_pct", json_real(s->avg_off_cpu_pct));
	json_object_set_new(o, "min_off_cpu_pct", json_real(s->min_off_cpu_pct));
	json_object_set_new(o, "max_off_cpu_pct", json_real(s->max_off_cpu_pct));
	json_object_set_new(o, "spread", json_real(s->spread));
	json_object_set_new(o, "max_gap_ms", json_integer(s->max_gap_ms > 0 ? s->max_gap_ms : 0));
	json_object_set_new(o, "max_gap_cpu", json_integer(s->max_gap_cpu > 0 ? s->max_gap_cpu : 0));
	json_object_set_new(o, "total_migrations", json_integer(s->total_migrations));
	json_object_set_new(o, "migration_ratio", json_real(s->migration_ratio));
	json_object_set_new(o, "p99_wake_latency_us", json_real(s->p99_wake_us));
	json_object_set_new(o, "median_wake_latency_us", json_real(s->p50_wake_us));
	json_object_set_new(o, "wake_latency_cv", json_real(s->wake_cv));
	json_object_set_new(o, "total_iterations", json_integer(s->total_iterations));
	json_object_set_new(o, "mean_run_delay_us", num_or_null(s->mean_run_delay_us));
	json_object_set_new(o, "worst_run_delay_us", num_or_null(s->worst_run_delay_us));
	json_object_set_new(o, "wake_latency_tail_ratio", json_real(s->wake_tail_ratio));
	json_object_set_new(o, "iterations_per_worker", json_real(s->iterations_per_worker));
	json_object_set_new(o, "p90_wake_latency_us", json_real(s->p90_wake_us));
	json_object_set_new(o, "p999_wake_latency_us", json_real(s->p999_wake_us));
	json_object_set_new(o, "max_wake_latency_us", json_real(s->max_wake_us));
	json_object_set_new(o, "wake_samples", json_integer((json_int_t)s->wake.count));
	json_object_set_new(o, "voluntary_csw", json_integer(s->voluntary_csw));
	json_object_set_new(o, "involuntary_csw", json_integer(s->involuntary_csw));
	json_object_set_new(o, "throughput_cv", json_real(s->throughput_cv));
	json_object_set_new(o, "min_iterations_per_s", num_or_null(s->min_iterations_per_s));
	json_object_set_new(o, "not_completed", json_integer((json_int_t)s->not_completed));
	return o;
}
