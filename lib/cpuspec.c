// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuspec.h"

int cpuspec_init(struct cpuspec *cs, const struct topo *t)
{
	size_t i;
	int rc;

	memset(cs, 0, sizeof(*cs));
	cs->t = t;
	cpulist_init(&cs->all);
	cpulist_init(&cs->usable);
	if ((rc = cpulist_copy(&cs->all, &t->cpus)) < 0 ||
	    (rc = cpulist_copy(&cs->usable, &t->cpus)) < 0)
		return rc;
	/* the highest CPU stays with the rest of the system when there are more than two */
	if (cs->usable.n > 2)
		cs->usable.n--;
	cs->node = calloc(t->nnodes ? t->nnodes : 1, sizeof(*cs->node));
	if (!cs->node)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++) {
		if (!t->nodes[i].cpus.n)
			continue;
		cpulist_init(&cs->node[cs->nnodes]);
		if ((rc = cpulist_copy(&cs->node[cs->nnodes++], &t->nodes[i].cpus)) < 0)
			return rc;
	}
	return 0;
}

void cpuspec_release(struct cpuspec *cs)
{
	size_t i;

	for (i = 0; i < cs->nnodes; i++)
		cpulist_release(&cs->node[i]);
	free(cs->node);
	cpulist_release(&cs->all);
	cpulist_release(&cs->usable);
	memset(cs, 0, sizeof(*cs));
}

/* dst = src[lo..hi), positions clamped to the list. */
static int slice(struct cpulist *dst, const struct cpulist *src, int64_t lo, int64_t hi)
{
	int64_t i;
	int rc;

	cpulist_clear(dst);
	if (lo < 0)
		lo = 0;
	if (hi > (int64_t)src->n)
		hi = (int64_t)src->n;
	for (i = lo; i < hi; i++)
		if ((rc = cpulist_add(dst, src->cpu[i])) < 0)
			return rc;
	return 0;
}

static int too_small(struct kt_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int too_small(struct kt_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return -ERANGE;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- steady partitions (the reference's CpusetPartition) ---------------- */

static int two_sets(const struct cpulist *src, size_t k, size_t n, struct cpulist *sets,
		    const char *what, struct kt_diag *d)
{
	if (n != 2)
		return kt_diag_set(d, EINVAL, "partition %s makes 2 cpusets, the scenario has %zu "
					      "cgroups",
				   what, n);
	if (!k || k >= src->n)
		return too_small(d, "partition %s needs more than %zu usable %s", what, src->n,
				 plural(src->n, "CPU", "CPUs"));
	if (slice(&sets[0], src, 0, (int64_t)k) < 0 ||
	    slice(&sets[1], src, (int64_t)k, (int64_t)src->n) < 0)
		return -ENOMEM;
	return 0;
}

static int part_llc(const struct cpuspec *cs, size_t n, struct cpulist *sets, struct kt_diag *d)
{
	const struct topo *t = cs->t;
	unsigned top = cs->all.n ? cs->all.cpu[cs->all.n - 1] : 0;
	struct cpulist *last;
	size_t i, k;

	if (t->nllcs < 2 || t->nllcs < n)
		return too_small(d, "needs >= %zu LLCs, have %zu", n < 2 ? (size_t)2 : n, t->nllcs);
	for (i = 0; i < n; i++)
		if (cpulist_copy(&sets[i], &t->llcs[i].cpus) < 0)
			return -ENOMEM;
	/* leave the highest CPU to the system, as the usable set does */
	last = &sets[n - 1];
	if (last->n > 1 && cpulist_has(last, top)) {
		for (k = 0; last->cpu[k] != top; k++)
			;
		memmove(&last->cpu[k], &last->cpu[k + 1], (last->n - k - 1) * sizeof(unsigned));
		last->n--;
	}
	return 0;
}

static int part_overlap(const struct cpuspec *cs, size_t n, double f, struct cpulist *sets)
{
	size_t T = cs->all.n, base = T / n, ov = (size_t)ceil((double)base * f), stride, i, j;

	stride = base > ov ? base - ov : 1;
	for (i = 0; i < n; i++) {
		cpulist_clear(&sets[i]);
		for (j = 0; j < (base ? base : 1); j++)
			if (cpulist_add(&sets[i], cs->all.cpu[(i * stride + j) % T]) < 0)
				return -ENOMEM;
	}
	return 0;
}

int cpuspec_partition(const struct cpuspec *cs, const json_t *part, size_t n,
		      struct cpulist *sets, struct kt_diag *d)
{
	const char *type = json_string_value(json_object_get(part, "type"));
	double f = json_number_value(json_object_get(part, "frac"));
	const struct cpulist *U = &cs->usable, *A = &cs->all;
	size_t k, keep;

	if (!type || !strcmp(type, "none"))
		return 1;
	if (!n)
		return kt_diag_set(d, EINVAL, "a partition needs at least one cgroup");
	if (!strcmp(type, "llc_aligned"))
		return part_llc(cs, n, sets, d);
	if (!strcmp(type, "overlap"))
		return part_overlap(cs, n, f, sets);
	if (!strcmp(type, "split_half")) {
		if (U->n < 2)
			return too_small(d, "needs >= 2 usable CPUs, have %zu", U->n);
		return two_sets(U, U->n / 2, n, sets, type, d);
	}
	if (!strcmp(type, "split_misaligned")) {
		k = cs->t->nllcs > 1 ? cs->t->llcs[0].cpus.n / 2 : U->n / 2;
		if (!k || k >= U->n)
			return too_small(d, "cannot split %zu usable %s at half of LLC 0 (%zu %s)",
					 U->n, plural(U->n, "CPU", "CPUs"), cs->t->llcs[0].cpus.n,
					 plural(cs->t->llcs[0].cpus.n, "CPU", "CPUs"));
		return two_sets(U, k, n, sets, type, d);
	}
	if (!strcmp(type, "uneven")) {
		if (U->n < 2)
			return too_small(d, "needs >= 2 usable CPUs, have %zu", U->n);
		k = (size_t)floor((double)U->n * f);
		return two_sets(U, k ? k : 1, n, sets, type, d);
	}
	if (!strcmp(type, "holdback")) {
		keep = A->n - (size_t)floor((double)A->n * f);
		k = keep / 2 ? keep / 2 : 1;
		if (keep <= k)
			return too_small(d, "needs >= 2 CPUs after holding back %g of them, have %zu",
					 f, A->n);
		if (n != 2)
			return kt_diag_set(d, EINVAL, "partition holdback makes 2 cpusets, the "
						      "scenario has %zu cgroups",
					   n);
		if (slice(&sets[0], A, 0, (int64_t)k) < 0 ||
		    slice(&sets[1], A, (int64_t)k, (int64_t)keep) < 0)
			return -ENOMEM;
		return 0;
	}
	return kt_diag_set(d, EINVAL, "unknown partition '%s'", type);
}

/* ---- cpuset descriptions ------------------------------------------------- */

static int eval(const json_t *e, const struct expr_env *env, int64_t *v, struct kt_diag *d)
{
	int rc;

	if (json_is_integer(e)) {
		*v = json_integer_value(e);
		return 0;
	}
	rc = expr_eval(json_string_value(e), env, v, d);
	return rc == -ERANGE ? -EINVAL : rc; /* -ERANGE is reserved for "too small a topology" */
}

static int eval2(const json_t *a, const struct expr_env *env, int64_t *x, int64_t *y,
		 struct kt_diag *d)
{
	int rc = eval(json_array_get(a, 0), env, x, d);

	return rc < 0 ? rc : eval(json_array_get(a, 1), env, y, d);
}

/* Chunk i of n over the usable CPUs, widened by f of a chunk on the inner sides. */
static int chunk(const struct cpuspec *cs, int64_t i, int64_t n, double f, struct cpulist *out,
		 struct kt_diag *d)
{
	const struct cpulist *U = &cs->usable;
	int64_t c, o, lo, hi;

	if (n < 1 || i < 0 || i >= n)
		return kt_diag_set(d, EINVAL, "cpuset part %lld of %lld does not exist", (long long)i,
				   (long long)n);
	if ((int64_t)U->n < n)
		return too_small(d, "needs >= %lld usable CPUs to split them %lld ways, have %zu",
				 (long long)n, (long long)n, U->n);
	c = (int64_t)U->n / n;
	o = (int64_t)floor((double)c * f);
	lo = i == 0 ? 0 : i * c - o;
	hi = i == n - 1 ? (int64_t)U->n : (i + 1) * c + o;
	return slice(out, U, lo, hi);
}

static int by_index(const struct cpuspec *cs, const char *what, int64_t i, struct cpulist *out,
		    struct kt_diag *d)
{
	size_t have = !strcmp(what, "llc") ? cs->t->nllcs : cs->nnodes;

	if (i < 0)
		return kt_diag_set(d, EINVAL, "%s index %lld is negative", what, (long long)i);
	if ((size_t)i >= have)
		return too_small(d, "needs >= %lld %s, have %zu", (long long)i + 1,
				 !strcmp(what, "llc") ? "LLCs" : "NUMA nodes with CPUs", have);
	return cpulist_copy(out, !strcmp(what, "llc") ? &cs->t->llcs[i].cpus : &cs->node[i]);
}

static int resolve_base(const struct cpuspec *cs, const json_t *spec, const struct expr_env *env,
			struct cpulist *out, struct kt_diag *d)
{
	const json_t *v;
	int64_t a, b;
	size_t i, n;
	int rc;

	if ((v = json_object_get(spec, "llc")) || (v = json_object_get(spec, "numa"))) {
		if ((rc = eval(v, env, &a, d)) < 0)
			return rc;
		return by_index(cs, json_object_get(spec, "llc") ? "llc" : "numa", a, out, d);
	}
	if ((v = json_object_get(spec, "range"))) {
		n = cs->usable.n;
		return slice(out, &cs->usable,
			     (int64_t)floor((double)n * json_number_value(json_array_get(v, 0))),
			     (int64_t)floor((double)n * json_number_value(json_array_get(v, 1))));
	}
	if ((v = json_object_get(spec, "disjoint")) || (v = json_object_get(spec, "overlap"))) {
		if ((rc = eval2(v, env, &a, &b, d)) < 0)
			return rc;
		return chunk(cs, a, b, json_number_value(json_array_get(v, 2)), out, d);
	}
	if ((v = json_object_get(spec, "all")) || (v = json_object_get(spec, "usable"))) {
		if ((rc = eval2(v, env, &a, &b, d)) < 0)
			return rc;
		return slice(out, json_object_get(spec, "all") ? &cs->all : &cs->usable, a, b);
	}
	if ((v = json_object_get(spec, "exact"))) {
		cpulist_clear(out);
		for (i = 0; i < json_array_size(v); i++) {
			unsigned c = (unsigned)json_integer_value(json_array_get(v, i));

			if (!cpulist_has(&cs->all, c))
				return too_small(d, "needs CPU %u, which this topology does not have", c);
			if ((rc = cpulist_add(out, c)) < 0)
				return rc;
		}
		return 0;
	}
	if ((v = json_object_get(spec, "partition"))) {
		struct cpulist *sets;

		if ((rc = eval(json_object_get(spec, "index"), env, &a, d)) < 0 ||
		    (rc = eval(json_object_get(spec, "of"), env, &b, d)) < 0)
			return rc;
		if (b < 1 || b > 64 || a < 0 || a >= b)
			return kt_diag_set(d, EINVAL, "partition cpuset %lld of %lld does not exist",
					   (long long)a, (long long)b);
		sets = calloc((size_t)b, sizeof(*sets));
		if (!sets)
			return -ENOMEM;
		for (i = 0; i < (size_t)b; i++)
			cpulist_init(&sets[i]);
		rc = cpuspec_partition(cs, v, (size_t)b, sets, d);
		if (rc == 0)
			rc = cpulist_copy(out, &sets[a]);
		else if (rc == 1)
			rc = kt_diag_set(d, EINVAL, "a 'none' partition gives no cpuset");
		for (i = 0; i < (size_t)b; i++)
			cpulist_release(&sets[i]);
		free(sets);
		return rc;
	}
	return kt_diag_set(d, EINVAL, "not a cpuset description");
}

/* 'n' for slice bounds, everything else from the caller's environment. */
struct slice_env {
	const struct expr_env *outer;
	int64_t n;
};

static int slice_lookup(void *ctx, const char *name, int64_t *val)
{
	struct slice_env *se = ctx;

	if (!strcmp(name, "n")) {
		*val = se->n;
		return 0;
	}
	return se->outer->lookup ? se->outer->lookup(se->outer->ctx, name, val) : -ENOENT;
}

static int slice_call(void *ctx, const char *fn, const int64_t *args, int nargs, int64_t *val)
{
	struct slice_env *se = ctx;

	return se->outer->call ? se->outer->call(se->outer->ctx, fn, args, nargs, val) : -ENOENT;
}

int cpuspec_resolve(const struct cpuspec *cs, const json_t *spec, const struct expr_env *env,
		    struct cpulist *out, struct kt_diag *d)
{
	const json_t *sl = json_object_get(spec, "slice");
	struct slice_env se = { env, 0 };
	struct expr_env senv = { slice_lookup, slice_call, &se, false };
	struct cpulist whole;
	int64_t lo, hi;
	int rc;

	if ((rc = resolve_base(cs, spec, env, out, d)) < 0)
		return rc;
	if (sl) {
		cpulist_init(&whole);
		se.n = (int64_t)out->n;
		rc = cpulist_copy(&whole, out);
		if (!rc)
			rc = eval2(sl, &senv, &lo, &hi, d);
		if (!rc)
			rc = slice(out, &whole, lo, hi);
		cpulist_release(&whole);
		if (rc < 0)
			return rc;
	}
	if (!out->n) {
		char *s = json_dumps(spec, JSON_COMPACT);

		rc = too_small(d, "cpuset %s is empty with %zu CPUs (%zu usable)", s ? s : "?",
			       cs->all.n, cs->usable.n);
		free(s);
		return rc;
	}
	return 0;
}

int cpuspec_nodes(const struct cpuspec *cs, const struct cpulist *cpus, struct cpulist *nodes)
{
	size_t i;
	int node, rc;

	cpulist_clear(nodes);
	for (i = 0; i < cpus->n; i++) {
		node = topo_node_of_cpu(cs->t, cpus->cpu[i]);
		if (node >= 0 && (rc = cpulist_add(nodes, (unsigned)node)) < 0)
			return rc;
	}
	return 0;
}

/* The LLC sharing most CPUs with pool (the first on a tie), intersected with pool. */
static json_t *llc_aligned(const struct cpuspec *cs, const struct cpulist *pool)
{
	struct cpulist best, tmp;
	size_t i, bestn = 0;
	json_t *a = NULL;

	cpulist_init(&best);
	cpulist_init(&tmp);
	for (i = 0; i < cs->t->nllcs; i++) {
		if (cpulist_copy(&tmp, &cs->t->llcs[i].cpus) < 0)
			goto out;
		cpulist_intersect(&tmp, pool);
		if (tmp.n > bestn) {
			bestn = tmp.n;
			if (cpulist_copy(&best, &tmp) < 0)
				goto out;
		}
	}
	a = best.n ? cpulist_to_json(&best) : json_null();
out:
	cpulist_release(&best);
	cpulist_release(&tmp);
	return a;
}

int cpuspec_affinity(const struct cpuspec *cs, const json_t *aff,
		     const struct cpulist *cgroup_cpus, const struct expr_env *env, json_t **out,
		     struct kt_diag *d)
{
	const struct cpulist *pool = cgroup_cpus ? cgroup_cpus : &cs->all;
	const char *kind = json_string_value(aff);
	struct cpulist set;
	int rc;

	*out = NULL;
	if (!aff || (kind && !strcmp(kind, "inherit")))
		*out = json_null();
	else if (kind && !strcmp(kind, "random_subset"))
		*out = json_pack("{s:{s:o, s:I}}", "random_subset", "pool", cpulist_to_json(pool),
				 "count", (json_int_t)(pool->n / 2 ? pool->n / 2 : 1));
	else if (kind && !strcmp(kind, "llc_aligned"))
		*out = llc_aligned(cs, pool);
	else if (kind && !strcmp(kind, "cross_cgroup"))
		*out = cpulist_to_json(&cs->all);
	else if (kind && !strcmp(kind, "single_cpu"))
		*out = pool->n ? json_pack("[I]", (json_int_t)pool->cpu[0]) : json_null();
	if (*out || kind)
		return *out ? 0 : -ENOMEM;
	/* {"cpus": spec}: within the cgroup's cpuset when it has one */
	cpulist_init(&set);
	rc = cpuspec_resolve(cs, json_object_get(aff, "cpus"), env, &set, d);
	if (!rc) {
		if (cgroup_cpus)
			cpulist_intersect(&set, cgroup_cpus);
		*out = set.n ? cpulist_to_json(&set) : json_null();
		rc = *out ? 0 : -ENOMEM;
	}
	cpulist_release(&set);
	return rc;
}
