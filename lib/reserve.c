// SPDX-License-Identifier: GPL-2.0
/*
 * reserve_acquire(): snapshot what peers hold, plan around it, take the
 * locks all or nothing, retry until the timeout, and name the holders when
 * giving up.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuplan.h"
#include "flock.h"
#include "ktime.h"
#include "locktable.h"
#include "paths.h"
#include "reserve.h"
#include "sig.h"

/* What the planner needs to know about peers, from one /proc/locks snapshot. */
struct peers {
	unsigned *shared; /* per LLC index */
	bool *blocked;	  /* per LLC index */
	struct cpulist busy;
};

/* The request in planner terms. */
struct want {
	enum reserve_mode mode;
	enum cpuplan_unit unit;
	unsigned n;
};

void reserve_init(struct reserve *r)
{
	memset(r, 0, sizeof(*r));
	cpulist_init(&r->cpus);
	cpulist_init(&r->mems);
	cpulist_init(&r->llcs);
}

static void drop_locks(struct reserve *r)
{
	size_t i;

	for (i = 0; i < r->nfds; i++)
		flock_drop(&r->fds[i]);
	free(r->fds);
	r->fds = NULL;
	r->nfds = 0;
}

void reserve_release(struct reserve *r)
{
	drop_locks(r);
	cpulist_release(&r->cpus);
	cpulist_release(&r->mems);
	cpulist_release(&r->llcs);
	reserve_init(r);
}

const char *reserve_mode_name(enum reserve_mode m)
{
	return m == RESERVE_LLCS ? "perf" : m == RESERVE_CPUS ? "cpus" : "no-perf";
}

static int lock_path(enum flock_kind kind, unsigned idx, char *buf, size_t size)
{
	char key[16];

	snprintf(key, sizeof(key), "%u", idx);
	return flock_path(kind, key, buf, size, NULL);
}

static int get_allowed(const struct reserve_request *q, struct cpulist *out, struct kt_diag *d)
{
	size_t size = CPU_ALLOC_SIZE(CPULIST_MAX_CPU + 1);
	cpu_set_t *set;
	unsigned cpu;
	int rc = 0;

	if (q->allowed)
		return cpulist_copy(out, q->allowed) < 0 ? kt_diag_set(d, ENOMEM, "out of memory") : 0;
	set = CPU_ALLOC(CPULIST_MAX_CPU + 1);
	if (!set)
		return kt_diag_set(d, ENOMEM, "out of memory");
	if (sched_getaffinity(0, size, set) < 0)
		rc = kt_diag_set(d, errno, "cannot read this process's CPU affinity: %s",
				 strerror(errno));
	for (cpu = 0; rc == 0 && cpu <= CPULIST_MAX_CPU; cpu++)
		if (CPU_ISSET_S(cpu, size, set) && cpulist_add(out, cpu) < 0)
			rc = kt_diag_set(d, ENOMEM, "out of memory");
	CPU_FREE(set);
	return rc;
}

/* Does a holder conflict with what mode wants?  Perf mode shares with nobody. */
static bool conflicts(enum reserve_mode mode, const struct lockholder *h)
{
	return mode == RESERVE_LLCS || h->exclusive;
}

static int read_peers(struct peers *p, const struct locktable *lt, const struct topo *t,
		      enum reserve_mode mode, const struct cpulist *allowed)
{
	char path[PATH_MAX];
	struct lockholders h;
	size_t i, j;
	int rc = 0;

	lockholders_init(&h);
	for (i = 0; i < t->nllcs; i++) {
		if (lock_path(FLOCK_LLC, (unsigned)i, path, sizeof(path)) < 0 ||
		    locktable_holders(lt, path, &h) < 0)
			continue; /* no file: nobody holds it */
		for (j = 0; j < h.n; j++) {
			if (conflicts(mode, &h.v[j]))
				p->blocked[i] = true;
			else
				p->shared[i]++;
		}
	}
	for (i = 0; mode == RESERVE_CPUS && i < allowed->n && rc == 0; i++)
		if (lock_path(FLOCK_CPU, allowed->cpu[i], path, sizeof(path)) == 0 &&
		    locktable_holders(lt, path, &h) == 0 && h.n)
			rc = cpulist_add(&p->busy, allowed->cpu[i]);
	lockholders_release(&h);
	return rc;
}

static int take(struct reserve *r, enum flock_kind kind, unsigned idx, enum flock_mode m,
		struct kt_diag *d)
{
	char path[PATH_MAX];
	int fd = -1, *v, rc;

	rc = lock_path(kind, idx, path, sizeof(path));
	if (rc < 0)
		return kt_diag_set(d, rc, "lock file path for %u is too long", idx);
	v = realloc(r->fds, (r->nfds + 1) * sizeof(*v));
	if (!v)
		return kt_diag_set(d, ENOMEM, "out of memory");
	r->fds = v;
	rc = flock_take(path, m, &fd, d);
	if (rc < 0)
		return rc == -EWOULDBLOCK ? -EBUSY : rc;
	r->fds[r->nfds++] = fd;
	return 0;
}

/* LLC files in ascending order, then (RESERVE_CPUS) each CPU's file. */
static int lock_plan(struct reserve *r, const struct cpuplan *p, struct kt_diag *d)
{
	enum flock_mode m = r->mode == RESERVE_LLCS ? FLOCK_EXCLUSIVE : FLOCK_SHARED;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->llcs.n && rc == 0; i++)
		rc = take(r, FLOCK_LLC, r->llcs.cpu[i], m, d);
	for (i = 0; r->mode == RESERVE_CPUS && i < p->cpus.n && rc == 0; i++)
		rc = take(r, FLOCK_CPU, p->cpus.cpu[i], FLOCK_EXCLUSIVE, d);
	if (rc < 0)
		drop_locks(r);
	return rc;
}

/* The plan's LLC indices as a sorted set, and its CPUs and nodes, into r. */
static int adopt_plan(struct reserve *r, const struct cpuplan *p)
{
	size_t i;

	cpulist_clear(&r->llcs);
	for (i = 0; i < p->nllcs; i++)
		if (cpulist_add(&r->llcs, p->llcs[i]) < 0)
			return -ENOMEM;
	if (cpulist_copy(&r->cpus, &p->cpus) < 0 || cpulist_copy(&r->mems, &p->mems) < 0)
		return -ENOMEM;
	return 0;
}

/* One attempt: snapshot, plan, lock.  -EBUSY means "try again later". */
static int try_once(struct reserve *r, const struct topo *t, const struct cpulist *allowed,
		    const struct want *w, bool take_locks, struct kt_diag *d)
{
	struct peers p = { 0 };
	struct locktable lt;
	struct cpuplan plan;
	struct cpuplan_state st;
	int rc = -ENOMEM;

	locktable_init(&lt);
	cpuplan_init(&plan);
	cpulist_init(&p.busy);
	p.shared = calloc(t->nllcs + 1, sizeof(*p.shared));
	p.blocked = calloc(t->nllcs + 1, sizeof(*p.blocked));
	if (!p.shared || !p.blocked)
		goto out;
	/* without /proc/locks the plan is blind, but flock itself still excludes */
	if (take_locks && locktable_load(&lt, NULL) == 0 &&
	    read_peers(&p, &lt, t, w->mode, allowed) < 0)
		goto out;
	st = (struct cpuplan_state){ p.shared, p.blocked, &p.busy };
	rc = cpuplan_make(&plan, t, allowed, &st, w->unit, w->n, d);
	if (rc == 0)
		rc = adopt_plan(r, &plan);
	if (rc == 0 && take_locks)
		rc = lock_plan(r, &plan, d);
out:
	if (rc == -ENOMEM)
		kt_diag_set(d, ENOMEM, "out of memory");
	cpuplan_release(&plan);
	locktable_release(&lt);
	cpulist_release(&p.busy);
	free(p.shared);
	free(p.blocked);
	return rc;
}

/* Append "LLC 3: pid 12 'cmd' (exclusive)" for a lock file with a conflicting holder. */
static int describe_one(const struct locktable *lt, enum flock_kind kind, unsigned idx,
			enum reserve_mode mode, char *buf, size_t size, size_t *w, int *shown)
{
	char path[PATH_MAX], who[240];
	struct lockholders h;
	size_t i;
	int hit = 0;

	lockholders_init(&h);
	if (lock_path(kind, idx, path, sizeof(path)) == 0 && locktable_holders(lt, path, &h) == 0)
		for (i = 0; i < h.n; i++)
			hit |= kind == FLOCK_CPU || conflicts(mode, &h.v[i]);
	lockholders_release(&h);
	if (!hit)
		return 0;
	if ((*shown)++ < 2 && *w < size) {
		locktable_describe(lt, path, who, sizeof(who));
		*w += (size_t)snprintf(buf + *w, size - *w, "%s%s %u held by %s", *w ? "; " : "",
				       kind == FLOCK_CPU ? "CPU" : "LLC", idx, who);
	}
	return 1;
}

static bool llc_allowed(const struct topo_llc *llc, const struct cpulist *allowed)
{
	size_t i;

	for (i = 0; i < llc->cpus.n; i++)
		if (cpulist_has(allowed, llc->cpus.cpu[i]))
			return true;
	return false;
}

static void describe_blockers(const struct topo *t, const struct cpulist *allowed,
			      enum reserve_mode mode, char *buf, size_t size)
{
	struct locktable lt;
	struct kt_diag ld;
	size_t i, w = 0;
	int shown = 0, total = 0;

	buf[0] = '\0';
	locktable_init(&lt);
	if (locktable_load(&lt, &ld) < 0) {
		snprintf(buf, size, "holders unknown (%.200s)", ld.msg);
		return;
	}
	for (i = 0; i < t->nllcs; i++)
		if (llc_allowed(&t->llcs[i], allowed))
			total += describe_one(&lt, FLOCK_LLC, (unsigned)i, mode, buf, size, &w,
					      &shown);
	for (i = 0; mode == RESERVE_CPUS && i < allowed->n; i++)
		total += describe_one(&lt, FLOCK_CPU, allowed->cpu[i], mode, buf, size, &w, &shown);
	if (total > shown && w < size)
		snprintf(buf + w, size - w, "; and %d more", total - shown);
	else if (!total)
		snprintf(buf, size, "no holder found (it has just gone)");
	locktable_release(&lt);
}

static void set_warning(struct reserve *r)
{
	char *cpus = cpulist_format(&r->cpus), *mems = cpulist_format(&r->mems);

	if (r->bypassed)
		snprintf(r->warning, sizeof(r->warning),
			 "KTSTR_BYPASS_LLC_LOCKS is set: CPUs %s are not reserved and concurrent "
			 "runs may overlap",
			 cpus ? cpus : "?");
	else if (r->mems.n > 1)
		snprintf(r->warning, sizeof(r->warning),
			 "the reservation (CPUs %s) spans NUMA nodes %s", cpus ? cpus : "?",
			 mems ? mems : "?");
	free(cpus);
	free(mems);
}

static struct want want_of(const struct reserve_config *c, const struct reserve_request *q)
{
	if (c->no_perf)
		return (struct want){ RESERVE_SHARED, CPUPLAN_CPUS,
				      c->cpu_cap ? c->cpu_cap : q->budget_cpus };
	if (q->exclusive == RESERVE_CPUS)
		return (struct want){ RESERVE_CPUS, CPUPLAN_CPUS, q->count };
	return (struct want){ RESERVE_LLCS, CPUPLAN_LLCS, q->count };
}

/* "2 whole LLCs (perf mode)", "every allowed CPU (no-perf mode)": the request, for messages. */
static void want_text(const struct want *w, char *buf, size_t size)
{
	const char *unit = w->unit == CPUPLAN_LLCS ? "whole LLC" : "CPU";

	if (w->n)
		snprintf(buf, size, "%u %s%s (%s mode)", w->n, unit, w->n == 1 ? "" : "s",
			 reserve_mode_name(w->mode));
	else
		snprintf(buf, size, "every allowed %s (%s mode)",
			 w->unit == CPUPLAN_LLCS ? "LLC" : "CPU", reserve_mode_name(w->mode));
}

static int give_up(const struct topo *t, const struct cpulist *allowed, const struct want *w,
		   const struct reserve_config *c, uint64_t waited_ns, const char *why,
		   struct kt_diag *d)
{
	char who[400], what[64];

	want_text(w, what, sizeof(what));
	describe_blockers(t, allowed, w->mode, who, sizeof(who));
	return kt_diag_set(d, EBUSY,
			   "cannot reserve %s: %s; %s; gave up after %.1f s; raise --lock-timeout "
			   "(now %.1f s) to wait longer, 'ktstr locks' lists every reservation",
			   what, why, who, (double)waited_ns / 1e9, (double)c->timeout_ns / 1e9);
}

static int fail(const struct want *w, const char *why, int rc, struct kt_diag *d)
{
	char what[64];

	want_text(w, what, sizeof(what));
	return kt_diag_set(d, rc, "cannot reserve %s: %s", what, why);
}

static int wait_loop(struct reserve *r, const struct reserve_config *c, const struct topo *t,
		     const struct cpulist *allowed, const struct want *w, struct kt_diag *d)
{
	uint64_t start = ktime_now_ns(), now, next;
	struct kt_diag why;
	int rc, attempt;

	for (attempt = 0;; attempt++) {
		rc = try_once(r, t, allowed, w, true, &why);
		if (rc != -EBUSY)
			return rc < 0 ? fail(w, why.msg, rc, d) : 0;
		now = ktime_now_ns();
		if (attempt >= 1 && now - start >= c->timeout_ns)
			return give_up(t, allowed, w, c, now - start, why.msg, d);
		if (kt_stopping())
			return kt_diag_set(d, EINTR, "interrupted while waiting for a CPU reservation");
		/* the first retry is at once: a peer may just have let go */
		next = now + FLOCK_POLL_NS;
		if (attempt >= 1)
			ktime_sleep_until_ns(next < start + c->timeout_ns ? next
									  : start + c->timeout_ns);
	}
}

int reserve_acquire(struct reserve *r, const struct reserve_config *c, const struct topo *t,
		    const struct reserve_request *q, struct kt_diag *d)
{
	struct want w = want_of(c, q);
	struct cpulist allowed;
	struct kt_diag why;
	int rc;

	reserve_release(r);
	r->mode = w.mode;
	if (!strcmp(t->source, "synthetic"))
		return kt_diag_set(d, EINVAL,
				   "cannot reserve CPUs of a synthetic topology: its LLCs are not "
				   "the host's");
	cpulist_init(&allowed);
	rc = get_allowed(q, &allowed, d);
	if (rc == 0 && c->bypass) {
		r->bypassed = true;
		rc = try_once(r, t, &allowed, &w, false, &why);
		if (rc < 0)
			fail(&w, why.msg, rc, d);
	} else if (rc == 0) {
		rc = flock_fs_check(paths_lock_dir(), d);
		if (rc == 0)
			rc = wait_loop(r, c, t, &allowed, &w, d);
	}
	cpulist_release(&allowed);
	if (rc < 0) {
		reserve_release(r);
		return rc;
	}
	set_warning(r);
	return 0;
}

json_t *reserve_to_json(const struct reserve *r)
{
	return json_pack("{s:s, s:b, s:o, s:o, s:o, s:s}", "mode", reserve_mode_name(r->mode),
			 "bypassed", r->bypassed, "cpus", cpulist_to_json(&r->cpus), "mems",
			 cpulist_to_json(&r->mems), "llcs", cpulist_to_json(&r->llcs), "lock_dir",
			 paths_lock_dir());
}
