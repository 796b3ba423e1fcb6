// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cpulist.h"
#include "ndjson.h"
#include "workreport.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *exit_json(int status)
{
	if (WIFSIGNALED(status))
		return json_pack("{s:i}", "signal", WTERMSIG(status));
	return json_pack("{s:i}", "code", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static json_t *cpus_json(const struct worker_shm *shm)
{
	json_t *a = json_array();
	unsigned cpu;

	for (cpu = 0; a && cpu < WORKER_CPU_WORDS * 64; cpu++)
		if (shm->cpus_used[cpu / 64] & (1ull << (cpu % 64)))
			json_array_append_new(a, json_integer(cpu));
	return a;
}

static json_t *pct_or_null(const struct hist *h, double p)
{
	return h->count ? json_integer((json_int_t)hist_percentile(h, p)) : json_null();
}

static json_t *wake_json(const struct workreport *r)
{
	const struct hist *h = &r->shm->wake;
	bool messenger = workspec_is_messenger(r->spec, r->index);

	if (!workspec_wakes(r->spec, messenger))
		return json_null();
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "samples",
			 (json_int_t)h->count, "p50_ns", pct_or_null(h, 50), "p90_ns",
			 pct_or_null(h, 90), "p99_ns", pct_or_null(h, 99), "p999_ns",
			 pct_or_null(h, 99.9), "max_ns",
			 h->count ? json_integer((json_int_t)h->max) : json_null(), "mean_ns",
			 h->count ? json_integer((json_int_t)(hist_mean(h) + 0.5)) : json_null(),
			 "hist", hist_to_json(h));
}

static json_t *numa_json(const struct worker_result *res)
{
	json_t *o = json_object();
	char key[16];
	unsigned n;

	for (n = 0; o && n < WORKER_MAX_NODES; n++) {
		if (!res->numa_pages[n])
			continue;
		snprintf(key, sizeof(key), "%u", n);
		json_object_set_new(o, key, json_integer((json_int_t)res->numa_pages[n]));
	}
	return o;
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* Loop numbers: the worker's own when it finished, else wait4()'s. */
static json_t *usage_json(const struct workreport *r)
{
	const struct worker_shm *shm = r->shm;
	const struct worker_result *res = &shm->res;
	struct worker_usage end = { 0 }, d = { 0 };
	uint64_t wall = 0;
	bool started = shm->state >= WORKER_RUNNING && shm->start_ns;

	if (shm->state == WORKER_DONE) {
		return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
				 "cpu_time_ns", u64(res->cpu_time_ns), "wall_time_ns",
				 u64(res->wall_time_ns), "off_cpu_ns",
				 u64(res->wall_time_ns > res->cpu_time_ns
					     ? res->wall_time_ns - res->cpu_time_ns
					     : 0),
				 "run_delay_ns",
				 res->schedstat_ok ? u64(res->run_delay_ns) : json_null(),
				 "timeslices", res->schedstat_ok ? u64(res->timeslices) : json_null(),
				 "voluntary_csw", u64(res->vcsw), "involuntary_csw", u64(res->ivcsw),
				 "minor_faults", u64(res->minflt), "major_faults", u64(res->majflt),
				 "numa_pages", res->numa_ok ? numa_json(res) : json_null(), "rss_kb",
				 u64(res->rss_kb), "partial", json_false());
	}
	if (started) {
		worker_usage_from_rusage(&end, r->ru);
		d.cpu_ns = end.cpu_ns - shm->start_all.cpu_ns;
		d.vcsw = end.vcsw - shm->start_all.vcsw;
		d.ivcsw = end.ivcsw - shm->start_all.ivcsw;
		d.minflt = end.minflt - shm->start_all.minflt;
		d.majflt = end.majflt - shm->start_all.majflt;
		wall = r->reaped_ns > shm->start_ns ? r->reaped_ns - shm->start_ns : 0;
	}
	return json_pack("{s:o, s:o, s:o, s:n, s:n, s:o, s:o, s:o, s:o, s:n, s:I, s:b}",
			 "cpu_time_ns", u64(d.cpu_ns), "wall_time_ns", u64(wall), "off_cpu_ns",
			 u64(wall > d.cpu_ns ? wall - d.cpu_ns : 0), "run_delay_ns", "timeslices",
			 "voluntary_csw", u64(d.vcsw), "involuntary_csw", u64(d.ivcsw),
			 "minor_faults", u64(d.minflt), "major_faults", u64(d.majflt),
			 "numa_pages", "rss_kb", (json_int_t)r->ru->ru_maxrss, "partial", started);
}

/* Why setup failed, as "what: strerror", or null. */
static json_t *error_json(const struct worker_shm *shm)
{
	char buf[sizeof(shm->fail_what) + 64];

	if (shm->state != WORKER_FAILED)
		return json_null();
	snprintf(buf, sizeof(buf), "%s: %s", shm->fail_what, strerror(shm->fail_errno));
	return json_string(buf);
}

static json_t *identity_json(const struct workreport *r)
{
	char pol[32];

	procattr_policy_format(r->policy, pol, sizeof(pol));
	return json_pack("{s:o, s:i, s:o, s:I, s:I, s:s, s:b, s:s, s:i, s:b, s:o, s:s, s:o}",
			 "scenario", str_or_null(r->scenario), "group", r->group, "cgroup",
			 str_or_null(r->cgroup), "index", (json_int_t)r->index, "pid",
			 (json_int_t)r->pid, "work_type", workspec_type_name(r->spec->type),
			 "is_messenger", workspec_is_messenger(r->spec, r->index), "policy", pol,
			 "nice", r->nice, "completed", r->completed, "exit", exit_json(r->status),
			 "stop_reason", r->stop_reason, "error", error_json(r->shm));
}

static json_t *progress_json(const struct workreport *r)
{
	const struct worker_shm *shm = r->shm;
	bool ran = shm->iterations || shm->max_gap_ns;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "work_units",
			 u64(shm->work_units), "iterations", u64(shm->iterations), "migrations",
			 u64(shm->migrations), "cpus_used", cpus_json(shm), "max_gap_ns",
			 u64(shm->max_gap_ns), "max_gap_cpu",
			 ran ? json_integer(shm->max_gap_cpu) : json_null(), "max_gap_at_ns",
			 ran ? u64(shm->max_gap_at_ns) : json_null(), "wake", wake_json(r));
}

json_t *workreport_json(const struct workreport *r)
{
	json_t *rec = ndjson_record("worker");

	if (!rec || json_object_update_new(rec, identity_json(r)) < 0 ||
	    json_object_update_new(rec, progress_json(r)) < 0 ||
	    json_object_update_new(rec, usage_json(r)) < 0) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}
