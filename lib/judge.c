// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "ktime.h"
#include "ndjson.h"
#include "stats.h"
#include "wreport.h"

#define IMPLICIT "(no scenario)" /* the scenario of records outside any scenario */

struct jgroup {
	int64_t id;
	bool checked;
	char *work_type;	/* owned; from spawn or the first worker */
	char **cgroups;		/* owned; every cgroup the group has been in */
	size_t ncgroups;
	struct wreport *w;	/* owned */
	size_t nw;
};

struct jcgroup {
	char *name;		/* owned */
	struct cpulist cpus;	/* union of every cpuset it had */
	bool unrestricted;	/* had no cpuset of its own at some point: inherited */
};

struct judge_scenario {
	char *name, *scenario, *profile, *category; /* owned */
	uint64_t begin_ns, duration_ns;
	struct check_limits limits;
	json_t *details;	/* errors met during the scenario */
	struct jgroup *g;
	size_t ng;
	struct jcgroup *cg;
	size_t ncg;
	struct cpulist run_cpus; /* the run's CPUs, from scenario_begin; empty if unknown */
	char *not_run;		 /* owned: why it counts as not run (the scheduler died), or NULL */
	bool implicit;		 /* records outside any scenario: ends at the next
				    scenario_begin or with the input */
};

void judge_init(struct judge *j, const struct check_limits *cli)
{
	memset(j, 0, sizeof(*j));
	j->cli = *cli;
	jsched_init(&j->sched);
}

static void scenario_free(struct judge_scenario *s)
{
	size_t i, k;

	if (!s)
		return;
	for (i = 0; i < s->ng; i++) {
		for (k = 0; k < s->g[i].nw; k++)
			wreport_release(&s->g[i].w[k]);
		for (k = 0; k < s->g[i].ncgroups; k++)
			free(s->g[i].cgroups[k]);
		free(s->g[i].cgroups);
		free(s->g[i].w);
		free(s->g[i].work_type);
	}
	for (i = 0; i < s->ncg; i++) {
		free(s->cg[i].name);
		cpulist_release(&s->cg[i].cpus);
	}
	free(s->g);
	free(s->cg);
	cpulist_release(&s->run_cpus);
	free(s->name);
	free(s->scenario);
	free(s->profile);
	free(s->category);
	free(s->not_run);
	json_decref(s->details);
	free(s);
}

void judge_release(struct judge *j)
{
	scenario_free(j->cur);
	j->cur = NULL;
	jsched_release(&j->sched);
	free(j->dead);
	free(j->last);
	j->dead = j->last = NULL;
}

static char *dup_or(const json_t *rec, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return strdup(s ? s : dflt);
}

/* Records that open a scenario (scenario_begin, skip) must say which. */
static const char *record_name(const json_t *rec, struct kt_diag *d)
{
	const char *name = json_string_value(json_object_get(rec, "name"));

	if (!name || !*name)
		kt_diag_set(d, EINVAL, "%s record needs a non-empty string \"name\"",
			    ndjson_type(rec));
	return name && *name ? name : NULL;
}

/* begin names the scenario (the caller checked it has a "name"); 0 or -errno. */
static int scenario_new(const json_t *begin, struct judge_scenario **out, struct kt_diag *d)
{
	struct judge_scenario *s = calloc(1, sizeof(*s));
	const char *name = json_string_value(json_object_get(begin, "name"));
	json_int_t t = json_integer_value(json_object_get(begin, "t_ns"));
	int rc;

	*out = NULL;
	if (!s)
		return kt_diag_set(d, ENOMEM, "out of memory");
	s->name = strdup(name);
	s->scenario = dup_or(begin, "scenario", s->name);
	s->profile = dup_or(begin, "profile", "default");
	s->category = dup_or(begin, "category", "");
	s->details = json_array();
	cpulist_init(&s->run_cpus);
	if (json_is_array(json_object_get(begin, "cpus")))
		cpulist_from_json(&s->run_cpus, json_object_get(begin, "cpus"), NULL);
	s->begin_ns = t > 0 ? (uint64_t)t : ktime_now_ns();
	s->duration_ns = (uint64_t)json_integer_value(json_object_get(begin, "duration_ns"));
	if (!s->name || !s->scenario || !s->profile || !s->category || !s->details)
		rc = kt_diag_set(d, ENOMEM, "out of memory");
	else
		rc = checks_from_json(&s->limits, json_object_get(begin, "checks"), d);
	if (rc < 0) {
		scenario_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static struct jgroup *find_group(struct judge_scenario *s, int64_t id, bool create)
{
	struct jgroup *g;
	size_t i;

	for (i = 0; i < s->ng; i++)
		if (s->g[i].id == id)
			return &s->g[i];
	if (!create)
		return NULL;
	g = realloc(s->g, (s->ng + 1) * sizeof(*g));
	if (!g)
		return NULL;
	s->g = g;
	g = &s->g[s->ng++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->checked = true;
	return g;
}

static int group_visit(struct jgroup *g, const char *cgroup)
{
	char **v;
	size_t i;

	if (!cgroup)
		return 0;
	for (i = 0; i < g->ncgroups; i++)
		if (!strcmp(g->cgroups[i], cgroup))
			return 0;
	v = realloc(g->cgroups, (g->ncgroups + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	g->cgroups = v;
	v[g->ncgroups] = strdup(cgroup);
	return v[g->ncgroups++] ? 0 : -ENOMEM;
}

static struct jcgroup *find_cgroup(struct judge_scenario *s, const char *name, bool create)
{
	struct jcgroup *c;
	size_t i;

	for (i = 0; i < s->ncg; i++)
		if (!strcmp(s->cg[i].name, name))
			return &s->cg[i];
	if (!create)
		return NULL;
	c = realloc(s->cg, (s->ncg + 1) * sizeof(*c));
	if (!c)
		return NULL;
	s->cg = c;
	c = &s->cg[s->ncg++];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	cpulist_init(&c->cpus);
	return c;
}

/* cgroup records: remember every cpuset each cgroup had; moves re-home groups. */
static int on_cgroup(struct judge_scenario *s, const json_t *rec, struct kt_diag *d)
{
	const char *op = json_string_value(json_object_get(rec, "op"));
	const char *name = json_string_value(json_object_get(rec, "name"));
	const json_t *cpus = json_object_get(rec, "cpus");
	struct cpulist cl;
	struct jcgroup *c;
	size_t i, k;

	if (!op || !name)
		return kt_diag_set(d, EINVAL, "cgroup record needs \"op\" and \"name\"");
	if (!strcmp(op, "move")) {
		const char *from = json_string_value(json_object_get(rec, "from"));
		const char *to = json_string_value(json_object_get(rec, "to"));

		for (i = 0; from && to && i < s->ng; i++)
			for (k = 0; k < s->g[i].ncgroups; k++)
				if (!strcmp(s->g[i].cgroups[k], from) && group_visit(&s->g[i], to) < 0)
					return -ENOMEM;
		return 0;
	}
	if (strcmp(op, "create") && strcmp(op, "cpuset"))
		return 0;
	c = find_cgroup(s, name, true);
	if (!c)
		return -ENOMEM;
	if (!cpus || json_is_null(cpus)) {
		c->unrestricted = true;
		return 0;
	}
	cpulist_init(&cl);
	if (cpulist_from_json(&cl, cpus, d) < 0) {
		cpulist_release(&cl);
		return -EINVAL;
	}
	cpulist_merge(&c->cpus, &cl);
	cpulist_release(&cl);
	return 0;
}

static int on_spawn(struct judge_scenario *s, const json_t *rec, struct kt_diag *d)
{
	const json_t *id = json_object_get(rec, "group");
	const char *type = json_string_value(json_object_get(json_object_get(rec, "work"), "type"));
	struct jgroup *g;

	if (!json_is_integer(id))
		return kt_diag_set(d, EINVAL, "spawn record needs an integer \"group\"");
	g = find_group(s, json_integer_value(id), true);
	if (!g)
		return -ENOMEM;
	g->checked = !json_is_false(json_object_get(rec, "checked"));
	if (type && !g->work_type)
		g->work_type = strdup(type);
	return group_visit(g, json_string_value(json_object_get(rec, "cgroup")));
}

static int on_worker(struct judge_scenario *s, const json_t *rec, struct kt_diag *d)
{
	struct wreport w, *arr;
	struct jgroup *g;
	int rc;

	wreport_init(&w);
	if ((rc = wreport_from_json(&w, rec, d)) < 0) {
		wreport_release(&w);
		return rc;
	}
	g = find_group(s, w.group, true);
	arr = g ? realloc(g->w, (g->nw + 1) * sizeof(*arr)) : NULL;
	if (!arr) {
		wreport_release(&w);
		return -ENOMEM;
	}
	g->w = arr;
	if (!g->work_type)
		g->work_type = strdup(w.work_type);
	if (group_visit(g, w.cgroup) < 0) {
		wreport_release(&w);
		return -ENOMEM;
	}
	g->w[g->nw++] = w;
	return 0;
}

/*
 * The CPUs a cgroup could use: its own cpusets, else its nearest ancestor's
 * ("cg_0/sub" inherits "cg_0"), else the run's CPUs.  Returns false when it
 * was unrestricted.
 */
static bool cgroup_allowed(struct judge_scenario *s, const char *name, struct cpulist *out)
{
	char path[512], *slash;
	struct jcgroup *c;

	snprintf(path, sizeof(path), "%s", name);
	for (;;) {
		c = find_cgroup(s, path, false);
		if (c) {
			cpulist_merge(out, &c->cpus);
			/* a cgroup that always had its own cpuset never used its parent's */
			if (c->cpus.n && !c->unrestricted)
				return true;
		}
		slash = strrchr(path, '/');
		if (!slash) {
			if (!s->run_cpus.n)
				return false;
			cpulist_merge(out, &s->run_cpus);
			return true;
		}
		*slash = '\0';
	}
}

static json_t *judge_group(struct judge_scenario *s, const struct check_limits *lim,
			   struct jgroup *g, json_t *details)
{
	struct group_stats *st = malloc(sizeof(*st));
	struct check_group cg = { .id = g->id, .work_type = g->work_type ? g->work_type : "?" };
	struct cpulist allowed;
	bool restricted = g->ncgroups > 0;
	json_t *j;
	size_t i;

	if (!st)
		return NULL;
	cpulist_init(&allowed);
	for (i = 0; i < g->ncgroups; i++)
		restricted = restricted && cgroup_allowed(s, g->cgroups[i], &allowed);
	cg.cgroup = g->nw && g->w[0].cgroup ? g->w[0].cgroup
					    : (g->ncgroups ? g->cgroups[0] : NULL);
	cg.allowed = restricted ? &allowed : NULL;
	stats_compute(st, g->w, g->nw);
	checks_group(lim, &cg, g->w, g->nw, st, details);
	j = stats_to_json(st);
	json_object_set_new(j, "group", json_integer(g->id));
	json_object_set_new(j, "cgroup", cg.cgroup ? json_string(cg.cgroup) : json_null());
	json_object_set_new(j, "work_type", json_string(cg.work_type));
	free(st);
	cpulist_release(&allowed);
	return j;
}

static double maxd(double a, double b)
{
	return a > b ? a : b;
}

/* Scenario totals in the reference's "worst_*" shape, from the group stats. */
static json_t *totals(json_t *groups)
{
	double spread = 0, mr = 0, p99 = 0, p50 = 0, cv = 0, mrd = 0, wrd = 0, tail = 0, ipw = -1;
	json_int_t workers = 0, cpus = 0, migr = 0, iters = 0, gap = 0, gap_cpu = 0;
	json_t *g, *o;
	size_t i;

	json_array_foreach(groups, i, g) {
		workers += json_integer_value(json_object_get(g, "num_workers"));
		cpus += json_integer_value(json_object_get(g, "num_cpus"));
		migr += json_integer_value(json_object_get(g, "total_migrations"));
		iters += json_integer_value(json_object_get(g, "total_iterations"));
		if (json_integer_value(json_object_get(g, "max_gap_ms")) > gap) {
			gap = json_integer_value(json_object_get(g, "max_gap_ms"));
			gap_cpu = json_integer_value(json_object_get(g, "max_gap_cpu"));
		}
		spread = maxd(spread, json_number_value(json_object_get(g, "spread")));
		mr = maxd(mr, json_number_value(json_object_get(g, "migration_ratio")));
		p99 = maxd(p99, json_number_value(json_object_get(g, "p99_wake_latency_us")));
		p50 = maxd(p50, json_number_value(json_object_get(g, "median_wake_latency_us")));
		cv = maxd(cv, json_number_value(json_object_get(g, "wake_latency_cv")));
		mrd = maxd(mrd, json_number_value(json_object_get(g, "mean_run_delay_us")));
		wrd = maxd(wrd, json_number_value(json_object_get(g, "worst_run_delay_us")));
		tail = maxd(tail, json_number_value(json_object_get(g, "wake_latency_tail_ratio")));
		if (json_number_value(json_object_get(g, "iterations_per_worker")) > 0 &&
		    (ipw < 0 || json_number_value(json_object_get(g, "iterations_per_worker")) < ipw))
			ipw = json_number_value(json_object_get(g, "iterations_per_worker"));
	}
	o = json_pack("{s:O, s:I, s:I, s:I, s:f, s:I, s:I, s:f, s:f, s:f, s:f, s:I, s:f, s:f, s:f, s:f}",
		      "cgroups", groups, "total_workers", workers, "total_cpus", cpus,
		      "total_migrations", migr, "worst_spread", spread, "worst_gap_ms", gap,
		      "worst_gap_cpu", gap_cpu, "worst_migration_ratio", mr,
		      "worst_p99_wake_latency_us", p99, "worst_median_wake_latency_us", p50,
		      "worst_wake_latency_cv", cv, "total_iterations", iters,
		      "worst_mean_run_delay_us", mrd, "worst_run_delay_us", wrd,
		      "worst_wake_latency_tail_ratio", tail, "worst_iterations_per_worker",
		      ipw < 0 ? 0.0 : ipw);
	return o;
}

static json_t *verdict_new(struct judge *j, struct judge_scenario *s, bool skipped,
			   double duration_s, json_t *details, json_t *stats)
{
	bool passed = skipped || json_array_size(details) == 0;
	json_t *v = ndjson_record("verdict");

	if (skipped)
		j->skipped++;
	else if (passed)
		j->passed++;
	else
		j->failed++;
	json_object_update_new(v, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:f, s:o, s:o}",
					    "scenario_name", s->name, "scenario", s->scenario,
					    "profile", s->profile, "category", s->category, "passed",
					    passed, "skipped", skipped, "duration_s", duration_s,
					    "details", details, "stats", stats));
	jsched_annotate(&j->sched, v);
	return v;
}

static json_t *close_scenario(struct judge *j, const json_t *end, const char *unfinished)
{
	struct judge_scenario *s = j->cur;
	struct check_limits lim;
	json_t *details = json_array(), *groups = json_array(), *v;
	const char *err = json_string_value(json_object_get(end, "error"));
	json_int_t elapsed = json_integer_value(json_object_get(end, "elapsed_ns"));
	uint64_t now = end ? (uint64_t)json_integer_value(json_object_get(end, "t_ns")) : 0;
	size_t i;

	checks_defaults(&lim);
	checks_overlay(&lim, &s->limits);
	checks_overlay(&lim, &j->cli);
	json_array_extend(details, s->details);
	/* without the scheduler under test its results mean nothing: only say so */
	for (i = 0; !s->not_run && i < s->ng; i++)
		if (s->g[i].checked && s->g[i].nw)
			json_array_append_new(groups, judge_group(s, &lim, &s->g[i], details));
	if (s->not_run)
		checks_detail(details, "NotRun", "not run: the scheduler died %s", s->not_run);
	if (err)
		checks_detail(details, "Other", "scenario failed: %s", err);
	if (unfinished)
		checks_detail(details, "Other", "%s", unfinished);
	/* no end record: as far as the stream went, on the stream's own clock */
	if (!now)
		now = j->last_t_ns;
	if (!elapsed && now > s->begin_ns)
		elapsed = (json_int_t)(now - s->begin_ns);
	v = verdict_new(j, s, false, (double)elapsed / 1e9, details, totals(groups));
	json_decref(groups);
	free(j->last);
	j->last = strdup(s->name);
	scenario_free(s);
	j->cur = NULL;
	return v;
}

static int on_skip(struct judge *j, const json_t *rec, json_t **verdict, struct kt_diag *d)
{
	struct judge_scenario *s;
	json_t *details;
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	int rc;

	if (!record_name(rec, d))
		return -EINVAL;
	if ((rc = scenario_new(rec, &s, d)) < 0)
		return rc;
	details = json_array();
	checks_detail(details, "Skip", "%s", reason ? reason : "skipped");
	*verdict = verdict_new(j, s, true, 0.0, details, json_object());
	scenario_free(s);
	return *verdict ? 0 : kt_diag_set(d, ENOMEM, "out of memory");
}

static int ensure_scenario(struct judge *j, struct kt_diag *d)
{
	json_t *implicit;
	int rc;

	if (j->cur)
		return 0;
	implicit = json_pack("{s:s}", "name", IMPLICIT);
	if (!implicit)
		return kt_diag_set(d, ENOMEM, "out of memory");
	rc = scenario_new(implicit, &j->cur, d);
	json_decref(implicit);
	if (j->cur)
		j->cur->implicit = true;
	return rc;
}

static char *dead_where(const char *how, const char *name)
{
	char *s = NULL;

	if (asprintf(&s, "%s %s", how, name) < 0)
		return NULL;
	return s;
}

/* A death between scenarios fails a verdict of its own, so it is never lost. */
static json_t *died_between(struct judge *j, json_t *detail)
{
	json_t *begin = json_pack("{s:s, s:s}", "name", "(scheduler)", "category", "");
	struct judge_scenario *s = NULL;
	json_t *details, *v;

	if (begin)
		scenario_new(begin, &s, NULL);
	json_decref(begin);
	if (!s) {
		json_decref(detail);
		return NULL;
	}
	details = json_array();
	json_array_append_new(details, detail);
	v = verdict_new(j, s, false, 0.0, details, json_object());
	scenario_free(s);
	return v;
}

static int on_scheduler(struct judge *j, const json_t *rec, json_t **verdict)
{
	json_t *detail;

	switch (jsched_feed(&j->sched, rec)) {
	case JSCHED_ATTACHED: /* a new scheduler: what follows runs under it */
		free(j->dead);
		j->dead = NULL;
		return 0;
	case JSCHED_DIED:
		break;
	default:
		return 0;
	}
	detail = jsched_died_detail(rec, j->cur ? j->cur->name : NULL);
	if (!detail)
		return -ENOMEM;
	free(j->dead);
	if (j->cur) {
		j->dead = dead_where("during", j->cur->name);
		json_array_append_new(j->cur->details, detail);
	} else {
		j->dead = j->last ? dead_where("after", j->last) : strdup("before the first scenario");
		*verdict = died_between(j, detail);
	}
	return j->dead ? 0 : -ENOMEM;
}

/* An error record is a failing detail of the scenario it came in; keep what it carries. */
static int on_error(struct judge_scenario *s, const json_t *rec)
{
	const json_t *tail = json_object_get(rec, "log_tail");
	int rc = checks_detail(s->details, "Other", "%s: %s",
			       json_string_value(json_object_get(rec, "tool")) ?: "?",
			       json_string_value(json_object_get(rec, "message")) ?: "error");

	if (!rc && json_string_length(tail))
		json_object_set(json_array_get(s->details, json_array_size(s->details) - 1),
				"log_tail", (json_t *)tail);
	return rc;
}

/*
 * scenario_begin: a scenario still open ends failed, as its end never came;
 * the implicit one has no end to miss, so it ends here and is judged as it is.
 */
static int on_begin(struct judge *j, const json_t *rec, json_t **verdict, struct kt_diag *d)
{
	struct judge_scenario *s;
	int rc;

	if (!record_name(rec, d))
		return -EINVAL;
	if ((rc = scenario_new(rec, &s, d)) < 0)
		return rc;
	if (j->dead && !(s->not_run = strdup(j->dead))) {
		scenario_free(s);
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	if (j->cur)
		*verdict = close_scenario(j, NULL, j->cur->implicit ? NULL
					   : "scenario ended without scenario_end");
	j->cur = s;
	j->index = (long)json_integer_value(json_object_get(rec, "index"));
	j->total = (long)json_integer_value(json_object_get(rec, "total"));
	return 0;
}

/* scenario_end closes, by name, the scenario its scenario_begin opened. */
static int on_end(struct judge *j, const json_t *rec, json_t **verdict, struct kt_diag *d)
{
	const char *name = json_string_value(json_object_get(rec, "name"));

	if (!name)
		return kt_diag_set(d, EINVAL, "scenario_end record needs a string \"name\"");
	if (!j->cur || j->cur->implicit)
		return kt_diag_set(d, EINVAL, "scenario_end '%s' without a scenario_begin", name);
	if (strcmp(name, j->cur->name))
		return kt_diag_set(d, EINVAL, "scenario_end '%s' does not match scenario_begin '%s'",
				   name, j->cur->name);
	*verdict = close_scenario(j, rec, NULL);
	return 0;
}

/* Records that belong to a scenario: outside one, they open the implicit one. */
static int on_member(struct judge *j, const char *type, const json_t *rec, struct kt_diag *d)
{
	bool fresh = !j->cur;
	int rc;

	if ((rc = ensure_scenario(j, d)) < 0)
		return rc;
	if (!strcmp(type, "cgroup"))
		rc = on_cgroup(j->cur, rec, d);
	else if (!strcmp(type, "spawn"))
		rc = on_spawn(j->cur, rec, d);
	else if (!strcmp(type, "worker"))
		rc = on_worker(j->cur, rec, d);
	else
		rc = on_error(j->cur, rec);
	/* a refused record is judged nowhere, and opens nothing */
	if (rc < 0 && fresh) {
		scenario_free(j->cur);
		j->cur = NULL;
	}
	return rc;
}

int judge_feed(struct judge *j, const json_t *rec, json_t **verdict, struct kt_diag *d)
{
	const char *type = ndjson_type(rec);

	*verdict = NULL;
	if (!j->first_ns)
		j->first_ns = ktime_now_ns();
	if (json_integer_value(json_object_get(rec, "t_ns")) > 0)
		j->last_t_ns = (uint64_t)json_integer_value(json_object_get(rec, "t_ns"));
	if (!strcmp(type, "scenario_begin"))
		return on_begin(j, rec, verdict, d);
	if (!strcmp(type, "scenario_end"))
		return on_end(j, rec, verdict, d);
	if (!strcmp(type, "scheduler"))
		return on_scheduler(j, rec, verdict) < 0 ? kt_diag_set(d, ENOMEM, "out of memory")
							 : 0;
	if (!strcmp(type, "skip"))
		return on_skip(j, rec, verdict, d);
	if (!strcmp(type, "cgroup") || !strcmp(type, "spawn") || !strcmp(type, "worker") ||
	    !strcmp(type, "error"))
		return on_member(j, type, rec, d);
	return 0;
}

json_t *judge_finish(struct judge *j, const char *why)
{
	char msg[sizeof(((struct kt_diag *)0)->msg) + 32];

	if (!j->cur)
		return NULL;
	if (why) {
		snprintf(msg, sizeof(msg), "stopped judging: %s", why);
		return close_scenario(j, NULL, msg);
	}
	/* records outside any scenario end with the input by definition */
	if (j->cur->implicit)
		return close_scenario(j, NULL, NULL);
	return close_scenario(j, NULL, "input ended before the scenario did (a stage failed or was interrupted)");
}

json_t *judge_summary(const struct judge *j)
{
	json_t *s = ndjson_record("summary");
	uint64_t now = ktime_now_ns();

	json_object_update_new(s, json_pack("{s:i, s:i, s:i, s:i, s:f}", "passed", j->passed,
					    "failed", j->failed, "skipped", j->skipped, "total",
					    j->passed + j->failed + j->skipped, "duration_s",
					    j->first_ns ? (double)(now - j->first_ns) / 1e9 : 0.0));
	jsched_annotate(&j->sched, s);
	return s;
}

const char *judge_current(const struct judge *j, uint64_t *begin_ns, uint64_t *duration_ns)
{
	if (!j->cur)
		return NULL;
	*begin_ns = j->cur->begin_ns;
	*duration_ns = j->cur->duration_ns;
	return j->cur->name;
}
