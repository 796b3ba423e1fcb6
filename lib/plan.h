/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario made concrete: for one topology and one set of options, the
 * list of timed events ktstr-cgroup carries out and reports.  Planning is
 * pure (no file system, no clock), so every scenario can be expanded on
 * any topology in a test, and `ktstr-cgroup run --dry-run` shows the plan.
 *
 *   struct plan p;
 *   plan_init(&p);
 *   rc = plan_build(scenario, &topo, &opts, &p, &d);
 *       rc < 0: the scenario cannot be carried out (d says why: a name used
 *               twice, a grouped work type with a bad count, ...)
 *       rc == 0 and p.skip: it does not fit this topology (p.skip says what
 *               is missing: "needs >= 2 LLCs, have 1")
 *       rc == 0: p.ev[0..n) in time order, p.length_ns the time of the last
 *   plan_release(&p);
 *
 * Timeline model (ktstr-scenario(5)): time 0 is the scenario start.  A
 * steady scenario creates its cgroups and spawns its workers at 0, starts
 * them at S (the settle time) and stops them at S + D.  An ops scenario
 * applies its backdrop at 0, then its steps one after another: a step's
 * ops, then its cgroups, then a start for the workers it spawned, then its
 * hold; at the step's end its own cgroups are stopped and removed.  At the
 * end every remaining worker is stopped and every cgroup removed, newest
 * first.
 *
 * Limits, so that a scenario file cannot keep the planner busy for hours
 * (each is an error for that scenario, -E2BIG): a "repeat" or a loop of
 * more than PLAN_MAX_ROUNDS rounds, more than PLAN_MAX_CGROUPS cgroups at
 * once, more than PLAN_MAX_EVENTS events, more than PLAN_MAX_WORK steps
 * and repetitions in all.  A stop signal (lib/sig) ends planning with
 * -EINTR.
 */
#ifndef KTSTR_PLAN_H
#define KTSTR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "scenario.h"
#include "topo.h"

#define PLAN_MAX_ROUNDS 1000000
#define PLAN_MAX_CGROUPS 10000
#define PLAN_MAX_EVENTS 2000000
#define PLAN_MAX_WORK 10000000

struct plan_opts {
	uint64_t duration_ms;	/* D */
	uint64_t settle_ms;	/* S */
	unsigned workers;	/* W */
	const char *work_type;	/* --work-type for steady scenarios, or NULL */
	int64_t first_group;	/* group ids are unique within a run */
};

enum plan_kind {
	PLAN_CREATE, /* name, cpus/mems when has_cpus, rt */
	PLAN_CPUSET, /* name, cpus/mems, or has_cpus false to clear */
	PLAN_SPAWN,  /* rec: the spawn record's members after "paths" */
	PLAN_START,  /* rec: {"groups": [...]} */
	PLAN_OP,     /* rec: the op record's members */
	PLAN_STOP,   /* rec: {"groups": [...], "discard": bool} */
	PLAN_MOVE,   /* name (from), name2 (to) */
	PLAN_REMOVE, /* name */
};

struct plan_ev {
	enum plan_kind kind;
	uint64_t at_ns;
	char *name;  /* owned */
	char *name2; /* owned */
	bool has_cpus;
	bool rt;     /* PLAN_CREATE: the cgroup will host real-time workers */
	struct cpulist cpus;
	struct cpulist mems;
	json_t *rec; /* owned */
};

struct plan {
	struct plan_ev *ev; /* owned */
	size_t n, cap;
	uint64_t length_ns;
	char *skip;	    /* owned; NULL when the plan runs */
	json_t *checks;	    /* owned; scenario_begin "checks" */
	json_t *notes;	    /* owned; array of strings for stderr (--work-type left alone) */
	bool uses_cpuset;
	int64_t next_group; /* first unused group id */
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);
int plan_build(const struct scenario *s, const struct topo *t, const struct plan_opts *o,
	       struct plan *p, struct kt_diag *d);
const char *plan_kind_name(enum plan_kind k);

#endif
