// SPDX-License-Identifier: GPL-2.0
/*
 * One work entry of a scenario becomes one spawn record: the worker count
 * evaluated, defaults filled in, the affinity resolved against the cgroup's
 * cpuset at that time, and --work-type applied where the reference applies
 * it (CpuSpin work of steady scenarios, when the group size divides).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"
#include "workpool.h"
#include "worktype.h"

static int add_group(struct planner *pl, int64_t id, const char *cgroup, unsigned owner,
		     bool rt)
{
	struct pl_group *nv, *g;

	if (pl->ng == pl->capg) {
		pl->capg = pl->capg ? 2 * pl->capg : 16;
		nv = realloc(pl->g, pl->capg * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		pl->g = nv;
	}
	g = &pl->g[pl->ng];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->owner = owner;
	g->rt = rt;
	g->live = true;
	if (cgroup && !(g->cgroup = strdup(cgroup)))
		return -ENOMEM;
	pl->ng++;
	return json_array_append_new(pl->pending, json_integer(id)) ? -ENOMEM : 0;
}

/* --work-type: replace CpuSpin when the new type's group size divides the count. */
static const struct worktype *override(struct planner *pl, const char *cgroup,
				       const struct worktype *wt, int64_t count)
{
	const struct worktype *nt = pl->o->work_type ? worktype_find(pl->o->work_type) : NULL;
	unsigned gs;
	char note[256];

	if (!nt || strcmp(wt->name, "CpuSpin"))
		return wt;
	gs = worktype_group_size(nt, NULL);
	if (count % gs == 0)
		return nt;
	snprintf(note, sizeof(note),
		 "%s: cgroup '%s' keeps CpuSpin: --work-type %s needs a multiple of %u workers, "
		 "it has %lld",
		 pl->s->name, cgroup, nt->name, gs, (long long)count);
	json_array_append_new(pl->p->notes, json_string(note));
	return wt;
}

static bool is_rt(const struct worktype *wt, const char *policy)
{
	return !strcmp(wt->name, "PolicyChurn") || !strncmp(policy, "fifo:", 5) ||
	       !strncmp(policy, "rr:", 3);
}

static json_t *work_json(const struct worktype *wt, const json_t *params, const json_t *work)
{
	json_t *w = json_pack("{s:s, s:O}", "type", wt->name, "params", params);
	const json_t *phases = json_object_get(work, "phases");

	if (w && phases)
		json_object_set_new(w, "phases", json_copy((json_t *)phases));
	return w;
}

static int count_of(struct planner *pl, const char *cgroup, const json_t *work, int64_t *count)
{
	const json_t *c = json_is_object(work) ? json_object_get(work, "count") : NULL;
	char expr[64];
	int rc;

	*count = pl->o->workers;
	if (c && (rc = pl_eval(pl, c, count)) < 0)
		return rc;
	if (*count > WORKPOOL_MAX_WORKERS)
		return kt_diag_set(pl->d, E2BIG, "%lld workers in one group; at most %u",
				   (long long)*count, WORKPOOL_MAX_WORKERS);
	if (*count >= 1)
		return 0;
	if (json_is_integer(c))
		snprintf(expr, sizeof(expr), "%lld", (long long)json_integer_value(c));
	else
		snprintf(expr, sizeof(expr), "%s", json_string_value(c));
	/* a count derived from the topology that comes out empty: too small a host */
	return kt_diag_set(pl->d, ERANGE, "%s %s: worker count '%s' is %lld with %zu CPUs",
			   cgroup ? "cgroup" : "host", cgroup ? cgroup : "workers", expr,
			   (long long)*count, pl->cs.all.n);
}

int pl_spawn(struct planner *pl, const char *cgroup, const json_t *work, unsigned owner,
	     bool steady)
{
	const char *type = json_is_string(work) ? json_string_value(work)
						: json_string_value(json_object_get(work, "type"));
	const json_t *o = json_is_object(work) ? work : NULL;
	const char *policy = o && json_object_get(o, "policy")
				     ? json_string_value(json_object_get(o, "policy"))
				     : "normal";
	const struct worktype *wt = worktype_find(type);
	struct pl_cgroup *c = cgroup ? pl_cgroup(pl, cgroup) : NULL;
	json_t *params = NULL, *aff = NULL, *rec;
	struct plan_ev *e;
	int64_t count, id;
	unsigned gs;
	int rc;

	if ((rc = count_of(pl, cgroup, work, &count)) < 0)
		return rc;
	if (steady)
		wt = override(pl, cgroup, wt, count);
	rc = worktype_params(wt, wt == worktype_find(type) && o ? json_object_get(o, "params") : NULL,
			     &params, pl->d);
	if (rc < 0)
		return rc;
	gs = worktype_group_size(wt, params);
	if (count % gs) {
		json_decref(params);
		return kt_diag_set(pl->d, EINVAL, "%s needs workers in multiples of %u, got %lld",
				   wt->name, gs, (long long)count);
	}
	rc = cpuspec_affinity(&pl->cs, o ? json_object_get(o, "affinity") : NULL,
			      c && c->has_cpus ? &c->cpus : NULL, &pl->env, &aff, pl->d);
	if (rc < 0) {
		json_decref(params);
		return rc;
	}
	id = pl->p->next_group++;
	rec = json_pack("{s:I, s:o, s:o, s:I, s:s, s:I, s:o, s:O, s:b}", "group", (json_int_t)id,
			"cgroup", cgroup ? json_string(cgroup) : json_null(), "work",
			work_json(wt, params, o), "count", (json_int_t)count, "policy", policy,
			"nice", (json_int_t)(o ? json_integer_value(json_object_get(o, "nice")) : 0),
			"affinity", aff, "mempolicy",
			o && json_object_get(o, "mempolicy") ? json_object_get(o, "mempolicy")
							     : json_null(),
			"checked", !o || !json_is_false(json_object_get(o, "checked")));
	json_decref(params);
	if (rec && o && json_object_get(o, "checks"))
		json_object_set(rec, "checks", json_object_get(o, "checks"));
	e = rec ? pl_event(pl, PLAN_SPAWN, cgroup) : NULL;
	if (!e) {
		json_decref(rec);
		return -ENOMEM;
	}
	e->rec = rec;
	if (is_rt(wt, policy))
		pl_mark_rt(pl, cgroup);
	return add_group(pl, id, cgroup, owner, is_rt(wt, policy));
}
