// SPDX-License-Identifier: GPL-2.0
/*
 * The planner walks a validated scenario with a time cursor and a model of
 * the cgroups and worker groups that exist at that time, and appends one
 * event per action.  Mistakes the schema cannot see (a cgroup used before
 * it exists, a removal that would strand running workers) are found here,
 * before anything touches the system.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cpuspec.h"
#include "expr.h"
#include "ktime.h"
#include "plan_int.h"
#include "sig.h"

const char *plan_kind_name(enum plan_kind k)
{
	static const char *const names[] = { "create", "cpuset", "spawn", "start",
					     "op",     "stop",	 "move",  "remove" };

	return names[k];
}

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

static void ev_release(struct plan_ev *e)
{
	free(e->name);
	free(e->name2);
	cpulist_release(&e->cpus);
	cpulist_release(&e->mems);
	json_decref(e->rec);
}

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		ev_release(&p->ev[i]);
	free(p->ev);
	free(p->skip);
	json_decref(p->checks);
	json_decref(p->notes);
	plan_init(p);
}

struct plan_ev *pl_event(struct planner *pl, enum plan_kind kind, const char *name)
{
	struct plan *p = pl->p;
	struct plan_ev *nv, *e;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		nv = realloc(p->ev, p->cap * sizeof(*nv));
		if (!nv)
			return NULL;
		p->ev = nv;
	}
	e = &p->ev[p->n];
	memset(e, 0, sizeof(*e));
	cpulist_init(&e->cpus);
	cpulist_init(&e->mems);
	e->kind = kind;
	e->at_ns = pl->now;
	if (name && !(e->name = strdup(name)))
		return NULL;
	p->n++;
	return e;
}

/* ---- expressions ---------------------------------------------------------- */

static int lookup(void *ctx, const char *name, int64_t *val)
{
	struct planner *pl = ctx;
	const struct cpuspec *cs = &pl->cs;
	size_t i;

	if (!name[1]) {
		switch (name[0]) {
		case 'W': *val = pl->o->workers; return 0;
		case 'T': *val = (int64_t)cs->all.n; return 0;
		case 'U': *val = (int64_t)cs->usable.n; return 0;
		case 'L': *val = (int64_t)pl->t->nllcs; return 0;
		case 'N': *val = (int64_t)cs->nnodes; return 0;
		case 'S': *val = (int64_t)pl->o->settle_ms; return 0;
		case 'D': *val = (int64_t)pl->o->duration_ms; return 0;
		case 'i':
			if (!pl->ni)
				return -ENOENT;
			*val = pl->istack[pl->ni - 1];
			return 0;
		}
	}
	for (i = pl->nlet; i-- > 0;)
		if (!strcmp(pl->let[i].name, name)) {
			*val = pl->let[i].val;
			return 0;
		}
	return -ENOENT;
}

static int call(void *ctx, const char *fn, const int64_t *args, int nargs, int64_t *val)
{
	struct planner *pl = ctx;
	int64_t i = args[0];

	if (nargs != 1)
		return -EINVAL;
	if (!strcmp(fn, "llc_cpus")) {
		*val = i >= 0 && (size_t)i < pl->t->nllcs ? (int64_t)pl->t->llcs[i].cpus.n : 0;
		return 0;
	}
	if (!strcmp(fn, "node_cpus")) {
		*val = i >= 0 && (size_t)i < pl->cs.nnodes ? (int64_t)pl->cs.node[i].n : 0;
		return 0;
	}
	return -ENOENT;
}

int pl_eval(struct planner *pl, const json_t *e, int64_t *v)
{
	int rc;

	if (json_is_integer(e)) {
		*v = json_integer_value(e);
		return 0;
	}
	rc = expr_eval(json_string_value(e), &pl->env, v, pl->d);
	/* -ERANGE means "topology too small" to the caller; an overflow is a mistake */
	return rc == -ERANGE ? -EINVAL : rc;
}

static int pl_name(struct planner *pl, const json_t *o, const char *key, char **out)
{
	int rc = expr_template(json_string_value(json_object_get(o, key)), &pl->env, out, pl->d);

	return rc == -ERANGE ? -EINVAL : rc; /* as in pl_eval */
}

/* Once per step visited and per repetition: the limits of plan.h, and the stop flag. */
static int pl_tick(struct planner *pl)
{
	if (++pl->work > PLAN_MAX_WORK)
		return kt_diag_set(pl->d, E2BIG, "more than %d steps and repetitions to plan",
				   PLAN_MAX_WORK);
	if (pl->p->n > PLAN_MAX_EVENTS)
		return kt_diag_set(pl->d, E2BIG, "more than %d events", PLAN_MAX_EVENTS);
	/* every tick: a tick may evaluate several expressions, so a stride would delay SIGINT */
	if (kt_stopping())
		return kt_diag_set(pl->d, EINTR, "interrupted by a signal");
	return 0;
}

static int check_rounds(struct planner *pl, const char *what, int64_t n)
{
	if (n > PLAN_MAX_ROUNDS)
		return kt_diag_set(pl->d, E2BIG, "%s of %lld rounds; at most %d", what,
				   (long long)n, PLAN_MAX_ROUNDS);
	return 0;
}

static int push_i(struct planner *pl, int64_t i)
{
	if (pl->ni == PLAN_MAX_DEPTH)
		return kt_diag_set(pl->d, E2BIG, "loops and repeats nested more than %d deep",
				   PLAN_MAX_DEPTH);
	pl->istack[pl->ni++] = i;
	return 0;
}

/* ---- cgroups and groups --------------------------------------------------- */

struct pl_cgroup *pl_cgroup(struct planner *pl, const char *name)
{
	size_t i;

	for (i = 0; i < pl->ncg; i++)
		if (!strcmp(pl->cg[i].name, name))
			return &pl->cg[i];
	return NULL;
}

struct pl_cgroup *pl_need_cgroup(struct planner *pl, const char *name)
{
	struct pl_cgroup *c = pl_cgroup(pl, name);

	if (!c)
		kt_diag_set(pl->d, ENOENT, "cgroup '%s' does not exist at %llu ms", name,
			    (unsigned long long)(pl->now / KTIME_NS_PER_MS));
	return c;
}

/* Mark the cgroup as hosting real-time workers, on its create event. */
void pl_mark_rt(struct planner *pl, const char *name)
{
	struct pl_cgroup *c = name ? pl_cgroup(pl, name) : NULL;

	if (c)
		pl->p->ev[c->create_ev].rt = true;
}

static bool in_subtree(const char *root, const char *name)
{
	size_t n = strlen(root);

	return !strncmp(name, root, n) && (name[n] == '\0' || name[n] == '/');
}

static int cpus_event(struct planner *pl, struct plan_ev *e, const struct cpulist *cpus)
{
	int rc;

	e->has_cpus = cpus != NULL;
	if (!cpus)
		return 0;
	pl->p->uses_cpuset = true;
	if ((rc = cpulist_copy(&e->cpus, cpus)) < 0 ||
	    (rc = cpuspec_nodes(&pl->cs, cpus, &e->mems)) < 0)
		return kt_diag_set(pl->d, rc, "out of memory");
	return 0;
}

static int create_cgroup(struct planner *pl, const char *name, const struct cpulist *cpus,
			 unsigned owner)
{
	const char *slash = strrchr(name, '/');
	struct pl_cgroup *nv, *c;
	struct plan_ev *e;
	char parent[512];

	if (!cgroup_name_valid(name))
		return kt_diag_set(pl->d, EINVAL, "'%s' cannot be a cgroup name (ktstr-scenario(5))",
				   name);
	if (pl->ncg == PLAN_MAX_CGROUPS)
		return kt_diag_set(pl->d, E2BIG, "more than %d cgroups at once", PLAN_MAX_CGROUPS);
	if (pl_cgroup(pl, name))
		return kt_diag_set(pl->d, EEXIST, "cgroup '%s' is created twice", name);
	if (slash) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - name), name);
		if (!pl_cgroup(pl, parent))
			return kt_diag_set(pl->d, ENOENT, "cgroup '%s' is created before its parent "
							  "'%s'",
					   name, parent);
	}
	if (pl->ncg == pl->capcg) {
		pl->capcg = pl->capcg ? 2 * pl->capcg : 16;
		nv = realloc(pl->cg, pl->capcg * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		pl->cg = nv;
	}
	e = pl_event(pl, PLAN_CREATE, name);
	if (!e)
		return -ENOMEM;
	c = &pl->cg[pl->ncg++];
	memset(c, 0, sizeof(*c));
	cpulist_init(&c->cpus);
	c->owner = owner;
	c->create_ev = pl->p->n - 1;
	if (!(c->name = strdup(name)))
		return -ENOMEM;
	if (cpus && cpulist_copy(&c->cpus, cpus) < 0)
		return -ENOMEM;
	c->has_cpus = cpus != NULL;
	return cpus_event(pl, e, cpus);
}

int pl_set_cpus(struct planner *pl, struct pl_cgroup *c, const struct cpulist *cpus)
{
	struct plan_ev *e = pl_event(pl, PLAN_CPUSET, c->name);

	if (!e)
		return -ENOMEM;
	c->has_cpus = cpus != NULL;
	cpulist_clear(&c->cpus);
	if (cpus && cpulist_copy(&c->cpus, cpus) < 0)
		return -ENOMEM;
	return cpus_event(pl, e, cpus);
}

/* One stop record for the live groups that match; discard: no reports wanted. */
static int stop_groups(struct planner *pl, bool (*match)(const struct pl_group *, const void *),
		       const void *arg, bool discard)
{
	json_t *ids = json_array();
	struct plan_ev *e;
	size_t i;

	if (!ids)
		return -ENOMEM;
	for (i = 0; i < pl->ng; i++) {
		if (!pl->g[i].live || !match(&pl->g[i], arg))
			continue;
		pl->g[i].live = false;
		json_array_append_new(ids, json_integer(pl->g[i].id));
	}
	if (!json_array_size(ids)) {
		json_decref(ids);
		return 0;
	}
	e = pl_event(pl, PLAN_STOP, NULL);
	if (!e) {
		json_decref(ids);
		return -ENOMEM;
	}
	e->rec = json_pack("{s:o, s:b}", "groups", ids, "discard", discard);
	return e->rec ? 0 : -ENOMEM;
}

static bool in_cgroup(const struct pl_group *g, const void *name)
{
	return g->cgroup && !strcmp(g->cgroup, name);
}

static bool in_tree(const struct pl_group *g, const void *name)
{
	return g->cgroup && in_subtree(name, g->cgroup);
}

static bool owned_by(const struct pl_group *g, const void *owner)
{
	return g->owner == *(const unsigned *)owner;
}

static bool any(const struct pl_group *g, const void *arg)
{
	(void)g;
	(void)arg;
	return true;
}

/* Remove cgroups (deepest first); workers still inside would be stranded. */
static int remove_where(struct planner *pl, bool (*match)(const struct pl_cgroup *, const void *),
			const void *arg)
{
	struct pl_cgroup *c;
	size_t i, k;

	for (i = pl->ncg; i-- > 0;) {
		c = &pl->cg[i];
		if (!match(c, arg))
			continue;
		for (k = 0; k < pl->ng; k++)
			if (pl->g[k].live && in_tree(&pl->g[k], c->name))
				return kt_diag_set(pl->d, EBUSY, "cgroup '%s' is removed while group "
								 "%lld still runs in it",
						   c->name, (long long)pl->g[k].id);
		if (!pl_event(pl, PLAN_REMOVE, c->name))
			return -ENOMEM;
		free(c->name);
		cpulist_release(&c->cpus);
		memmove(c, c + 1, (pl->ncg - i - 1) * sizeof(*c));
		pl->ncg--;
	}
	return 0;
}

static bool cg_in_tree(const struct pl_cgroup *c, const void *root)
{
	return in_subtree(root, c->name);
}

static bool cg_owned(const struct pl_cgroup *c, const void *owner)
{
	return c->owner == *(const unsigned *)owner;
}

static bool cg_any(const struct pl_cgroup *c, const void *arg)
{
	(void)c;
	(void)arg;
	return true;
}

int pl_flush_start(struct planner *pl)
{
	struct plan_ev *e;

	if (!json_array_size(pl->pending))
		return 0;
	e = pl_event(pl, PLAN_START, NULL);
	if (!e)
		return -ENOMEM;
	e->rec = json_pack("{s:o}", "groups", pl->pending);
	pl->pending = json_array();
	return e->rec && pl->pending ? 0 : -ENOMEM;
}

/* ---- ops ------------------------------------------------------------------ */

static int resolve_cpus(struct planner *pl, const json_t *spec, struct cpulist *out)
{
	return cpuspec_resolve(&pl->cs, spec, &pl->env, out, pl->d);
}

static int op_add(struct planner *pl, const json_t *op, const char *name)
{
	const json_t *spec = json_object_get(op, "cpuset");
	struct cpulist cpus;
	int rc;

	cpulist_init(&cpus);
	rc = spec && !json_is_null(spec) ? resolve_cpus(pl, spec, &cpus) : 0;
	if (!rc)
		rc = create_cgroup(pl, name, spec && !json_is_null(spec) ? &cpus : NULL, 0);
	cpulist_release(&cpus);
	return rc;
}

static int op_swap(struct planner *pl, const json_t *op)
{
	char *an = NULL, *bn = NULL;
	struct pl_cgroup *a, *b;
	struct cpulist ac, bc;
	bool ah, bh;
	int rc;

	cpulist_init(&ac);
	cpulist_init(&bc);
	if ((rc = pl_name(pl, op, "a", &an)) < 0 || (rc = pl_name(pl, op, "b", &bn)) < 0)
		goto out;
	rc = -ENOENT;
	if (!(a = pl_need_cgroup(pl, an)) || !(b = pl_need_cgroup(pl, bn)))
		goto out;
	ah = a->has_cpus;
	bh = b->has_cpus;
	if ((rc = cpulist_copy(&ac, &a->cpus)) < 0 || (rc = cpulist_copy(&bc, &b->cpus)) < 0)
		goto out;
	/* a side without a cpuset gives nothing, as in the reference */
	if (bh && (rc = pl_set_cpus(pl, pl_cgroup(pl, an), &bc)) < 0)
		goto out;
	if (ah && (rc = pl_set_cpus(pl, pl_cgroup(pl, bn), &ac)) < 0)
		goto out;
out:
	cpulist_release(&ac);
	cpulist_release(&bc);
	free(an);
	free(bn);
	return rc;
}

static int op_move(struct planner *pl, const json_t *op)
{
	char *from = NULL, *to = NULL;
	struct plan_ev *e;
	bool rt = false;
	size_t i;
	int rc;

	if ((rc = pl_name(pl, op, "from", &from)) < 0 || (rc = pl_name(pl, op, "to", &to)) < 0)
		goto out;
	rc = -ENOENT;
	if (!pl_need_cgroup(pl, from) || !pl_need_cgroup(pl, to))
		goto out;
	rc = -ENOMEM;
	if (!(e = pl_event(pl, PLAN_MOVE, from)) || !(e->name2 = strdup(to)))
		goto out;
	for (i = 0; i < pl->ng; i++) {
		if (!pl->g[i].live || !in_cgroup(&pl->g[i], from))
			continue;
		free(pl->g[i].cgroup);
		if (!(pl->g[i].cgroup = strdup(to)))
			goto out;
		rt |= pl->g[i].rt;
	}
	if (rt)
		pl_mark_rt(pl, to);
	rc = 0;
out:
	free(from);
	free(to);
	return rc;
}

static int op_record(struct planner *pl, const char *cg, const char *op, const char *key,
		     json_t *val)
{
	struct plan_ev *e = val ? pl_event(pl, PLAN_OP, NULL) : NULL;

	if (!e) {
		json_decref(val);
		return -ENOMEM;
	}
	e->rec = json_pack("{s:s, s:s, s:o}", "op", op, "cgroup", cg, key, val);
	return e->rec ? 0 : -ENOMEM;
}

static int op_target(struct planner *pl, const json_t *op, char *cg)
{
	const char *kind = json_string_value(json_object_get(op, "op"));
	struct pl_cgroup *c = pl_need_cgroup(pl, cg);
	json_t *aff;
	const char *pol;
	int rc;

	if (!c)
		return -ENOENT;
	if (!strcmp(kind, "set_affinity")) {
		rc = cpuspec_affinity(&pl->cs, json_object_get(op, "affinity"),
				      c->has_cpus ? &c->cpus : NULL, &pl->env, &aff, pl->d);
		return rc < 0 ? rc : op_record(pl, cg, kind, "affinity", aff);
	}
	if (!strcmp(kind, "set_policy")) {
		pol = json_string_value(json_object_get(op, "policy"));
		if (!strncmp(pol, "fifo:", 5) || !strncmp(pol, "rr:", 3))
			pl_mark_rt(pl, cg);
		return op_record(pl, cg, kind, "policy", json_string(pol));
	}
	if (!strcmp(kind, "set_nice"))
		return op_record(pl, cg, kind, "nice", json_copy(json_object_get(op, "nice")));
	if (!strcmp(kind, "stop_cgroup"))
		return stop_groups(pl, in_cgroup, cg, true);
	if (!strcmp(kind, "remove_cgroup")) {
		if ((rc = stop_groups(pl, in_tree, cg, true)) < 0)
			return rc;
		return remove_where(pl, cg_in_tree, cg);
	}
	if (!strcmp(kind, "clear_cpuset"))
		return pl_set_cpus(pl, c, NULL);
	return kt_diag_set(pl->d, EINVAL, "unknown op '%s'", kind);
}

static int do_op(struct planner *pl, const json_t *op, unsigned owner)
{
	const char *kind = json_string_value(json_object_get(op, "op"));
	struct cpulist cpus;
	char *name = NULL;
	int rc;

	(void)owner;
	if (!strcmp(kind, "swap_cpusets"))
		return op_swap(pl, op);
	if (!strcmp(kind, "move_all"))
		return op_move(pl, op);
	if (!strcmp(kind, "spawn_host"))
		return pl_spawn(pl, NULL, json_object_get(op, "work"), 0, false);
	rc = pl_name(pl, op, !strcmp(kind, "add_cgroup") ? "name" : "cgroup", &name);
	if (rc < 0)
		return rc;
	if (!strcmp(kind, "add_cgroup")) {
		rc = op_add(pl, op, name);
	} else if (!strcmp(kind, "spawn")) {
		rc = pl_need_cgroup(pl, name) ? pl_spawn(pl, name, json_object_get(op, "work"), 0, false)
					      : -ENOENT;
	} else if (!strcmp(kind, "set_cpuset")) {
		cpulist_init(&cpus);
		rc = resolve_cpus(pl, json_object_get(op, "cpus"), &cpus);
		if (!rc)
			rc = pl_need_cgroup(pl, name) ? pl_set_cpus(pl, pl_cgroup(pl, name), &cpus)
						      : -ENOENT;
		cpulist_release(&cpus);
	} else {
		rc = op_target(pl, op, name);
	}
	free(name);
	return rc;
}

static int do_def(struct planner *pl, const json_t *def, unsigned owner)
{
	const json_t *spec = json_object_get(def, "cpuset"), *w;
	bool has = spec && !json_is_null(spec);
	struct cpulist cpus;
	char *name = NULL;
	size_t i;
	int rc;

	cpulist_init(&cpus);
	rc = pl_name(pl, def, "name", &name);
	if (!rc && has)
		rc = resolve_cpus(pl, spec, &cpus);
	if (!rc)
		rc = create_cgroup(pl, name, has ? &cpus : NULL, owner);
	json_array_foreach(json_object_get(def, "works"), i, w)
		if (!rc)
			rc = pl_spawn(pl, name, w, owner, false);
	cpulist_release(&cpus);
	free(name);
	return rc;
}

/* An op or a cgroup with optional "repeat" (binding i) and "when". */
static int do_item(struct planner *pl, const json_t *item, unsigned owner,
		   int (*fn)(struct planner *, const json_t *, unsigned))
{
	const json_t *rep = json_object_get(item, "repeat"), *when = json_object_get(item, "when");
	int64_t n = 1, k, ok;
	int rc = 0;

	if (rep && ((rc = pl_eval(pl, rep, &n)) < 0 || (rc = check_rounds(pl, "a repeat", n)) < 0))
		return rc;
	for (k = 0; k < n && !rc; k++) {
		if ((rc = pl_tick(pl)) < 0 || (rep && (rc = push_i(pl, k)) < 0))
			return rc;
		ok = 1;
		if (when)
			rc = pl_eval(pl, when, &ok);
		if (!rc && ok)
			rc = fn(pl, item, owner);
		if (rep)
			pl->ni--;
	}
	return rc;
}

/* ---- steps ---------------------------------------------------------------- */

static int do_steps(struct planner *pl, const json_t *steps);

static int do_loop(struct planner *pl, const json_t *st)
{
	const json_t *lp = json_object_get(st, "loop"), *steps = json_object_get(st, "steps");
	uint64_t saved = pl->limit, before;
	int64_t v, k;
	int rc = 0;

	if ((rc = pl_eval(pl, json_object_get(lp, json_object_get(lp, "times") ? "times" : "for"),
			  &v)) < 0)
		return rc;
	if (v < 0)
		return kt_diag_set(pl->d, EINVAL, "a loop of %lld", (long long)v);
	if (json_object_get(lp, "times")) {
		if ((rc = check_rounds(pl, "a loop", v)) < 0)
			return rc;
		for (k = 0; k < v && !rc; k++) {
			if ((rc = push_i(pl, k)) < 0)
				return rc;
			rc = do_steps(pl, steps);
			pl->ni--;
		}
		return rc;
	}
	/* "for": repeat until the time is up; the last round is cut off there */
	if (pl->now + (uint64_t)v * KTIME_NS_PER_MS < pl->limit)
		pl->limit = pl->now + (uint64_t)v * KTIME_NS_PER_MS;
	for (k = 0; pl->now < pl->limit && !rc; k++) {
		if (k == PLAN_MAX_ROUNDS)
			return kt_diag_set(pl->d, E2BIG, "a loop ran %d times", PLAN_MAX_ROUNDS);
		before = pl->now;
		if ((rc = push_i(pl, k)) < 0)
			return rc;
		rc = do_steps(pl, steps);
		pl->ni--;
		if (!rc && pl->now == before)
			rc = kt_diag_set(pl->d, EINVAL, "a 'for' loop whose steps hold no time");
	}
	pl->limit = saved;
	return rc;
}

static int do_step(struct planner *pl, const json_t *st)
{
	const json_t *when = json_object_get(st, "when"), *item;
	unsigned serial;
	int64_t ok = 1, hold = 0;
	size_t i;
	int rc;

	if (pl->now >= pl->limit)
		return 0;
	if ((rc = pl_tick(pl)) < 0)
		return rc;
	if (when && (rc = pl_eval(pl, when, &ok)) < 0)
		return rc;
	if (!ok)
		return 0;
	if (json_object_get(st, "loop"))
		return do_loop(pl, st);
	serial = ++pl->serial;
	json_array_foreach(json_object_get(st, "ops"), i, item)
		if ((rc = do_item(pl, item, serial, do_op)) < 0)
			return rc;
	json_array_foreach(json_object_get(st, "cgroups"), i, item)
		if ((rc = do_item(pl, item, serial, do_def)) < 0)
			return rc;
	if ((rc = pl_flush_start(pl)) < 0)
		return rc;
	if (json_object_get(st, "hold") && (rc = pl_eval(pl, json_object_get(st, "hold"), &hold)) < 0)
		return rc;
	if (hold < 0)
		return kt_diag_set(pl->d, EINVAL, "a hold of %lld ms", (long long)hold);
	pl->now += (uint64_t)hold * KTIME_NS_PER_MS;
	if (pl->now > pl->limit)
		pl->now = pl->limit;
	/* the step's own cgroups and workers end with it */
	if ((rc = stop_groups(pl, owned_by, &serial, false)) < 0)
		return rc;
	return remove_where(pl, cg_owned, &serial);
}

static int do_steps(struct planner *pl, const json_t *steps)
{
	const json_t *st;
	size_t i;
	int rc;

	json_array_foreach(steps, i, st)
		if ((rc = do_step(pl, st)) < 0)
			return rc;
	return 0;
}

static int plan_ops(struct planner *pl)
{
	const json_t *bd = json_object_get(pl->s->def, "backdrop"), *item;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(bd, "ops"), i, item)
		if ((rc = do_item(pl, item, 0, do_op)) < 0)
			return rc;
	json_array_foreach(json_object_get(bd, "cgroups"), i, item)
		if ((rc = do_item(pl, item, 0, do_def)) < 0)
			return rc;
	if ((rc = pl_flush_start(pl)) < 0)
		return rc;
	return do_steps(pl, json_object_get(pl->s->def, "steps"));
}

static int plan_steady(struct planner *pl)
{
	const json_t *def = pl->s->def, *works = json_object_get(def, "works"), *entry, *w;
	size_t n = (size_t)json_integer_value(json_object_get(def, "cgroups")), i, k;
	struct cpulist *sets = calloc(n, sizeof(*sets));
	char name[32];
	int part, rc = 0;

	if (!sets)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		cpulist_init(&sets[i]);
	part = cpuspec_partition(&pl->cs, json_object_get(def, "partition"), n, sets, pl->d);
	for (i = 0; part >= 0 && !rc && i < n; i++) {
		snprintf(name, sizeof(name), "cg_%zu", i);
		rc = create_cgroup(pl, name, part == 0 ? &sets[i] : NULL, 0);
		/* cgroup i takes works[i], or works[0] when there are fewer */
		entry = json_array_get(works, i < json_array_size(works) ? i : 0);
		if (json_is_array(entry)) {
			json_array_foreach(entry, k, w)
				if (!rc)
					rc = pl_spawn(pl, name, w, 0, true);
		} else if (!rc) {
			rc = pl_spawn(pl, name, entry, 0, true);
		}
	}
	for (i = 0; i < n; i++)
		cpulist_release(&sets[i]);
	free(sets);
	if (part < 0)
		return part;
	if (rc < 0)
		return rc;
	/* workers wait at the start barrier while the system settles */
	pl->now = pl->o->settle_ms * KTIME_NS_PER_MS;
	if ((rc = pl_flush_start(pl)) < 0)
		return rc;
	pl->now += pl->o->duration_ms * KTIME_NS_PER_MS;
	return 0;
}

static int check_guards(struct planner *pl)
{
	static const struct {
		const char *key, *what;
	} g[] = { { "min_cpus", "CPUs" },
		  { "min_usable_cpus", "usable CPUs" },
		  { "min_llcs", "LLCs" },
		  { "min_nodes", "NUMA nodes with CPUs" } };
	const json_t *guards = json_object_get(pl->s->def, "guards");
	int64_t have[4] = { (int64_t)pl->cs.all.n, (int64_t)pl->cs.usable.n,
			    (int64_t)pl->t->nllcs, (int64_t)pl->cs.nnodes };
	json_int_t need;
	size_t i;

	for (i = 0; i < 4; i++) {
		need = json_integer_value(json_object_get(guards, g[i].key));
		if (need > have[i])
			return kt_diag_set(pl->d, ERANGE, "needs >= %lld %s, have %lld",
					   (long long)need, g[i].what, (long long)have[i]);
	}
	return 0;
}

static int eval_lets(struct planner *pl)
{
	const char *key;
	json_t *val;
	int rc;

	json_object_foreach(json_object_get(pl->s->def, "let"), key, val) {
		if (pl->nlet == PLAN_MAX_LETS)
			return kt_diag_set(pl->d, E2BIG, "too many names in 'let'");
		pl->let[pl->nlet].name = key;
		if ((rc = pl_eval(pl, val, &pl->let[pl->nlet].val)) < 0)
			return rc;
		pl->nlet++;
	}
	return 0;
}

/* scenario_begin "checks": every limit, null where the checker's default applies. */
static json_t *make_checks(const struct planner *pl)
{
	static const char *const keys[] = { "max_spread_pct", "max_gap_ms",	  "isolation",
					    "max_wake_cv",    "max_throughput_cv", "max_wake_p99_us",
					    "min_iterations_per_s" };
	const json_t *over = json_object_get(pl->s->def, "checks"), *v;
	json_t *c = json_object();
	size_t i;

	for (i = 0; c && i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(over, keys[i]);
		if (!v && !strcmp(keys[i], "isolation") && pl->p->uses_cpuset)
			json_object_set_new(c, keys[i], json_true()); /* cpusets are checked */
		else
			json_object_set_new(c, keys[i], v ? json_copy((json_t *)v) : json_null());
	}
	return c;
}

static void planner_release(struct planner *pl)
{
	size_t i;

	for (i = 0; i < pl->ncg; i++) {
		free(pl->cg[i].name);
		cpulist_release(&pl->cg[i].cpus);
	}
	for (i = 0; i < pl->ng; i++)
		free(pl->g[i].cgroup);
	free(pl->cg);
	free(pl->g);
	json_decref(pl->pending);
	cpuspec_release(&pl->cs);
}

int plan_build(const struct scenario *s, const struct topo *t, const struct plan_opts *o,
	       struct plan *p, struct kt_diag *d)
{
	struct planner pl = { .s = s, .t = t, .o = o, .p = p, .d = d, .limit = UINT64_MAX };
	struct kt_diag local;
	int rc;

	plan_release(p);
	if (!d)
		pl.d = d = &local;
	pl.env = (struct expr_env){ lookup, call, &pl, false };
	p->next_group = o->first_group;
	p->notes = json_array();
	pl.pending = json_array();
	rc = !p->notes || !pl.pending ? -ENOMEM : cpuspec_init(&pl.cs, t);
	if (!rc)
		rc = check_guards(&pl);
	if (!rc)
		rc = eval_lets(&pl);
	if (!rc)
		rc = s->steady ? plan_steady(&pl) : plan_ops(&pl);
	/* the end: every worker stopped at once, every cgroup removed, newest first */
	if (!rc)
		rc = stop_groups(&pl, any, NULL, false);
	p->length_ns = pl.now;
	if (!rc)
		rc = remove_where(&pl, cg_any, NULL);
	if (!rc)
		p->checks = make_checks(&pl);
	planner_release(&pl);
	if (rc == -ERANGE) {
		/* too small a topology is not an error: the run is skipped */
		json_t *notes = json_incref(p->notes);

		plan_release(p);
		p->notes = notes;
		p->skip = strdup(d->msg);
		p->next_group = o->first_group;
		return p->skip ? 0 : -ENOMEM;
	}
	if (rc == -ENOMEM)
		kt_diag_set(d, ENOMEM, "out of memory");
	return rc < 0 ? rc : 0;
}
