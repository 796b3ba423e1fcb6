// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"
#include "parse.h"

void affinity_init(struct affinity *a)
{
	memset(a, 0, sizeof(*a));
	cpulist_init(&a->set);
}

void affinity_release(struct affinity *a)
{
	size_t i;

	cpulist_release(&a->set);
	for (i = 0; i < a->nper; i++)
		cpulist_release(&a->per[i]);
	free(a->per);
	affinity_init(a);
}

int affinity_parse(struct affinity *a, const char *s, struct kt_diag *d)
{
	struct kt_diag cd;

	affinity_release(a);
	if (!strcmp(s, "none"))
		return 0;
	if (!strcmp(s, "llc"))
		a->kind = AFFINITY_LLC;
	else if (!strcmp(s, "cpu"))
		a->kind = AFFINITY_CPU;
	else if (!strcmp(s, "random"))
		a->kind = AFFINITY_RANDOM;
	if (a->kind != AFFINITY_NONE)
		return 0;
	if (cpulist_parse(&a->set, s, CPULIST_STRICT, &cd) < 0)
		return kt_diag_set(d, EINVAL, "'%s' is not none, llc, cpu, random or a CPU list (%s)",
				   s, cd.msg);
	if (!a->set.n)
		return kt_diag_set(d, EINVAL, "empty CPU list");
	a->kind = AFFINITY_SET;
	return 0;
}

static int per_worker_from_json(struct affinity *a, const json_t *v, unsigned count,
				struct kt_diag *d)
{
	size_t n = json_array_size(v), i;
	struct kt_diag cd;

	if (count && n != count)
		return kt_diag_set(d, EINVAL, "affinity has %zu per-worker sets for %u workers", n,
				   count);
	a->per = calloc(n, sizeof(*a->per));
	if (!a->per)
		return -ENOMEM;
	a->nper = n;
	a->kind = AFFINITY_PER_WORKER;
	for (i = 0; i < n; i++) {
		cpulist_init(&a->per[i]);
		if (cpulist_from_json(&a->per[i], json_array_get(v, i), &cd) < 0)
			return kt_diag_set(d, EINVAL, "affinity set %zu: %s", i, cd.msg);
		if (!a->per[i].n)
			return kt_diag_set(d, EINVAL, "affinity set %zu is empty", i);
	}
	return 0;
}

static int random_from_json(struct affinity *a, const json_t *r, struct kt_diag *d)
{
	const json_t *pool = json_object_get(r, "pool"), *count = json_object_get(r, "count");
	struct kt_diag cd;

	if (!json_is_array(pool) || !json_is_integer(count) || json_integer_value(count) < 1 ||
	    json_integer_value(count) > CPULIST_MAX_CPU + 1)
		return kt_diag_set(d, EINVAL,
				   "random_subset needs a \"pool\" array and a \"count\" >= 1");
	if (cpulist_from_json(&a->set, pool, &cd) < 0)
		return kt_diag_set(d, EINVAL, "random_subset pool: %s", cd.msg);
	if (!a->set.n)
		return kt_diag_set(d, EINVAL, "random_subset pool is empty");
	a->count = (unsigned)json_integer_value(count);
	a->kind = AFFINITY_RANDOM;
	return 0;
}

int affinity_from_json(struct affinity *a, const json_t *v, unsigned count, struct kt_diag *d)
{
	const json_t *r = json_object_get(v, "random_subset");
	struct kt_diag cd;

	affinity_release(a);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_object(v) && r && json_object_size(v) == 1)
		return random_from_json(a, r, d);
	if (!json_is_array(v) || !json_array_size(v))
		return kt_diag_set(d, EINVAL,
				   "affinity is not null, a CPU array, an array of CPU arrays or "
				   "{\"random_subset\":{...}}");
	if (json_is_array(json_array_get(v, 0)))
		return per_worker_from_json(a, v, count, d);
	if (cpulist_from_json(&a->set, v, &cd) < 0)
		return kt_diag_set(d, EINVAL, "affinity: %s", cd.msg);
	a->kind = AFFINITY_SET;
	return 0;
}

int affinity_needs_topo(const struct affinity *a)
{
	return a->kind == AFFINITY_LLC || a->kind == AFFINITY_CPU ||
	       (a->kind == AFFINITY_RANDOM && !a->set.n);
}

/* xorshift32: good enough to scatter workers, and reproducible from a seed. */
static unsigned next_rand(unsigned *seed)
{
	unsigned x = *seed ? *seed : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *seed = x;
}

/* A uniform random subset of k CPUs of pool (partial Fisher-Yates). */
static int random_subset(const struct cpulist *pool, unsigned k, unsigned *seed,
			 struct cpulist *out)
{
	unsigned *c = malloc(pool->n * sizeof(*c)), tmp;
	size_t i, j;
	int rc = 0;

	if (!c)
		return -ENOMEM;
	memcpy(c, pool->cpu, pool->n * sizeof(*c));
	if (k > pool->n)
		k = (unsigned)pool->n;
	for (i = 0; i < k && !rc; i++) {
		j = i + next_rand(seed) % (pool->n - i);
		tmp = c[i], c[i] = c[j], c[j] = tmp;
		rc = cpulist_add(out, c[i]);
	}
	free(c);
	return rc;
}

int affinity_resolve(const struct affinity *a, const struct topo *t, unsigned index,
		     unsigned group_size, unsigned *seed, struct cpulist *out)
{
	const struct cpulist *pool;
	unsigned k;

	cpulist_clear(out);
	switch (a->kind) {
	case AFFINITY_NONE:
		return 0;
	case AFFINITY_SET:
		return cpulist_copy(out, &a->set);
	case AFFINITY_PER_WORKER:
		return cpulist_copy(out, &a->per[index % a->nper]);
	case AFFINITY_LLC:
		if (!t || !t->nllcs)
			return -EINVAL;
		return cpulist_copy(out, &t->llcs[(index / (group_size ? group_size : 1)) %
						  t->nllcs].cpus);
	case AFFINITY_CPU:
		if (!t || !t->cpus.n)
			return -EINVAL;
		return cpulist_add(out, t->cpus.cpu[index % t->cpus.n]);
	case AFFINITY_RANDOM:
		pool = a->set.n ? &a->set : t ? &t->cpus : NULL;
		if (!pool || !pool->n)
			return -EINVAL;
		k = a->count ? a->count : (unsigned)(pool->n / 2 ? pool->n / 2 : 1);
		return random_subset(pool, k, seed, out);
	}
	return -EINVAL;
}
