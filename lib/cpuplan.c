// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuplan.h"

struct cand {
	unsigned idx, node, peers;
	struct cpulist avail; /* allowed and not busy */
};

struct census {
	struct cand *c; /* usable LLCs, ranked */
	size_t n;
	unsigned allowed_cpus, allowed_llcs; /* ignoring what peers hold */
	unsigned free_cpus;		     /* in usable LLCs */
};

void cpuplan_init(struct cpuplan *p)
{
	memset(p, 0, sizeof(*p));
	cpulist_init(&p->cpus);
	cpulist_init(&p->mems);
}

void cpuplan_release(struct cpuplan *p)
{
	free(p->llcs);
	cpulist_release(&p->cpus);
	cpulist_release(&p->mems);
	cpuplan_init(p);
}

static void census_release(struct census *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		cpulist_release(&cs->c[i].avail);
	free(cs->c);
}

/* Rank: most shared holders first, then lowest index. */
static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->peers != y->peers)
		return x->peers > y->peers ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Fill c->avail with the LLC's allowed CPUs that nobody holds; returns how many were allowed. */
static int llc_avail(struct cand *c, const struct topo_llc *llc, const struct cpulist *allowed,
		     const struct cpulist *busy)
{
	unsigned cpu;
	size_t k;
	int nallowed = 0;

	for (k = 0; k < llc->cpus.n; k++) {
		cpu = llc->cpus.cpu[k];
		if (!cpulist_has(allowed, cpu))
			continue;
		nallowed++;
		if (busy && cpulist_has(busy, cpu))
			continue;
		if (cpulist_add(&c->avail, cpu) < 0)
			return -ENOMEM;
	}
	return nallowed;
}

static int take_census(struct census *cs, const struct topo *t, const struct cpulist *allowed,
		       const struct cpuplan_state *st)
{
	struct cand *c;
	size_t i;
	int n;

	memset(cs, 0, sizeof(*cs));
	cs->c = calloc(t->nllcs ? t->nllcs : 1, sizeof(*cs->c));
	if (!cs->c)
		return -ENOMEM;
	for (i = 0; i < t->nllcs; i++) {
		c = &cs->c[cs->n];
		cpulist_init(&c->avail);
		n = llc_avail(c, &t->llcs[i], allowed, st->busy_cpus);
		if (n < 0) {
			cpulist_release(&c->avail);
			return n;
		}
		if (n) {
			cs->allowed_cpus += (unsigned)n;
			cs->allowed_llcs++;
		}
		if (!c->avail.n || (st->llc_blocked && st->llc_blocked[i])) {
			cpulist_release(&c->avail);
			continue;
		}
		c->idx = (unsigned)i;
		c->node = t->llcs[i].node;
		c->peers = st->llc_peers ? st->llc_peers[i] : 0;
		cs->free_cpus += (unsigned)c->avail.n;
		cs->n++;
	}
	qsort(cs->c, cs->n, sizeof(*cs->c), cand_cmp);
	return 0;
}

/* The nodes of the candidates, nearest to the seed first (ties by id). */
static size_t node_order(const struct topo *t, const struct census *cs, unsigned *order)
{
	unsigned seed = cs->c[0].node, x;
	size_t n = 0, i, j;

	for (i = 0; i < cs->n; i++) {
		for (j = 0; j < n && order[j] != cs->c[i].node; j++)
			;
		if (j == n)
			order[n++] = cs->c[i].node;
	}
	for (i = 1; i < n; i++) /* insertion sort: a handful of nodes */
		for (j = i; j > 0; j--) {
			unsigned da = topo_distance(t, seed, order[j - 1]);
			unsigned db = topo_distance(t, seed, order[j]);

			if (order[j - 1] == seed || da < db || (da == db && order[j - 1] < order[j]))
				break;
			x = order[j], order[j] = order[j - 1], order[j - 1] = x;
		}
	return n;
}

/* Take candidates node by node until got >= target. */
static int pick(struct cpuplan *p, const struct topo *t, const struct census *cs,
		enum cpuplan_unit unit, unsigned target)
{
	unsigned *order = calloc(cs->n, sizeof(*order)), got = 0;
	size_t nn, i, k;

	p->llcs = calloc(cs->n, sizeof(*p->llcs));
	if (!order || !p->llcs) {
		free(order);
		return -ENOMEM;
	}
	nn = node_order(t, cs, order);
	for (k = 0; k < nn && got < target; k++)
		for (i = 0; i < cs->n && got < target; i++) {
			if (cs->c[i].node != order[k])
				continue;
			p->llcs[p->nllcs++] = cs->c[i].idx;
			got += unit == CPUPLAN_CPUS ? (unsigned)cs->c[i].avail.n : 1;
		}
	free(order);
	return 0;
}

static const struct cand *cand_of(const struct census *cs, unsigned idx)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].idx == idx)
			return &cs->c[i];
	return NULL;
}

/* CPUs of the picked LLCs in pick order; in CPU units stop at exactly target. */
static int fill_cpus(struct cpuplan *p, const struct topo *t, const struct census *cs,
		     enum cpuplan_unit unit, unsigned target)
{
	const struct cand *c;
	size_t i, k;
	int node;

	for (i = 0; i < p->nllcs; i++) {
		c = cand_of(cs, p->llcs[i]);
		for (k = 0; c && k < c->avail.n; k++) {
			if (unit == CPUPLAN_CPUS && p->cpus.n == target)
				return 0;
			if (cpulist_add(&p->cpus, c->avail.cpu[k]) < 0)
				return -ENOMEM;
			node = topo_node_of_cpu(t, c->avail.cpu[k]);
			if (node >= 0 && cpulist_add(&p->mems, (unsigned)node) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static const char *unit_name(enum cpuplan_unit unit, unsigned n)
{
	if (unit == CPUPLAN_CPUS)
		return n == 1 ? "CPU" : "CPUs";
	return n == 1 ? "LLC" : "LLCs";
}

static int check_size(const struct census *cs, const struct cpulist *allowed,
		      enum cpuplan_unit unit, unsigned target, struct kt_diag *d)
{
	unsigned all = unit == CPUPLAN_CPUS ? cs->allowed_cpus : cs->allowed_llcs;
	unsigned now = unit == CPUPLAN_CPUS ? cs->free_cpus : (unsigned)cs->n;
	char *list;

	if (target > all) {
		list = cpulist_format(allowed);
		kt_diag_set(d, ERANGE, "wants %u %s, but this process may only use %u (CPUs %s)",
			    target, unit_name(unit, target), all, list ? list : "?");
		free(list);
		return -ERANGE;
	}
	if (target > now)
		return kt_diag_set(d, EBUSY, "only %u of %u %s are free", now, all,
				   unit_name(unit, 2));
	return 0;
}

int cpuplan_make(struct cpuplan *p, const struct topo *t, const struct cpulist *allowed,
		 const struct cpuplan_state *st, enum cpuplan_unit unit, unsigned want,
		 struct kt_diag *d)
{
	static const struct cpuplan_state none;
	struct census cs;
	unsigned target;
	int rc;

	cpuplan_release(p);
	rc = take_census(&cs, t, allowed, st ? st : &none);
	if (rc < 0)
		goto out;
	if (!cs.allowed_cpus) {
		rc = kt_diag_set(d, EINVAL, "none of the CPUs this process may use is in the topology");
		goto out;
	}
	target = want ? want : unit == CPUPLAN_CPUS ? cs.allowed_cpus : cs.allowed_llcs;
	rc = check_size(&cs, allowed, unit, target, d);
	if (rc < 0)
		goto out;
	rc = pick(p, t, &cs, unit, target);
	if (rc == 0)
		rc = fill_cpus(p, t, &cs, unit, target);
out:
	if (rc == -ENOMEM)
		kt_diag_set(d, ENOMEM, "out of memory");
	if (rc < 0)
		cpuplan_release(p);
	census_release(&cs);
	return rc;
}
