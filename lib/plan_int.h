/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to plan.c and plan_work.c: the planner's state while it walks a
 * scenario.  Users of the planner include plan.h only.
 */
#ifndef KTSTR_PLAN_INT_H
#define KTSTR_PLAN_INT_H

#include "cpuspec.h"
#include "expr.h"
#include "plan.h"

#define PLAN_MAX_DEPTH 16
#define PLAN_MAX_LETS 32

/* A cgroup that exists at the planner's current time. */
struct pl_cgroup {
	char *name;	     /* owned */
	bool has_cpus;
	struct cpulist cpus; /* its cpuset now */
	unsigned owner;	     /* step that removes it at its end; 0: the scenario's end */
	size_t create_ev;    /* index of its create event */
};

/* A group of workers spawned together (one spawn record). */
struct pl_group {
	int64_t id;
	char *cgroup;	/* owned; where it is now; NULL for host workers */
	unsigned owner; /* step whose end stops it; 0: the scenario's end */
	bool rt;
	bool live;
};

struct planner {
	const struct scenario *s;
	const struct topo *t;
	const struct plan_opts *o;
	struct plan *p;
	struct kt_diag *d;
	struct cpuspec cs;
	struct expr_env env;
	struct {
		const char *name; /* borrowed from the scenario */
		int64_t val;
	} let[PLAN_MAX_LETS];
	size_t nlet;
	int64_t istack[PLAN_MAX_DEPTH]; /* values of 'i', innermost last */
	int ni;
	uint64_t now;	/* ns from the scenario start */
	uint64_t limit; /* end of the innermost "for" loop */
	unsigned serial; /* steps taken so far; names a step's own things */
	uint64_t work;	 /* steps visited and items repeated: PLAN_MAX_WORK */
	struct pl_cgroup *cg; /* owned, in creation order */
	size_t ncg, capcg;
	struct pl_group *g; /* owned */
	size_t ng, capg;
	json_t *pending; /* group ids spawned and not yet started */
};

struct plan_ev *pl_event(struct planner *pl, enum plan_kind kind, const char *name);
int pl_eval(struct planner *pl, const json_t *e, int64_t *v);
struct pl_cgroup *pl_cgroup(struct planner *pl, const char *name);
struct pl_cgroup *pl_need_cgroup(struct planner *pl, const char *name);
void pl_mark_rt(struct planner *pl, const char *name);
int pl_flush_start(struct planner *pl);
/* plan_work.c: a spawn event for one work entry; steady: --work-type applies. */
int pl_spawn(struct planner *pl, const char *cgroup, const json_t *work, unsigned owner,
	     bool steady);

#endif
