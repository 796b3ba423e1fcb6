// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "topo.h"

void topo_init(struct topo *t)
{
	memset(t, 0, sizeof(*t));
	t->source = "none";
	cpulist_init(&t->cpus);
}

void topo_release(struct topo *t)
{
	size_t i, j;

	for (i = 0; i < t->nllcs; i++) {
		cpulist_release(&t->llcs[i].cpus);
		for (j = 0; j < t->llcs[i].ncores; j++)
			cpulist_release(&t->llcs[i].cores[j]);
		free(t->llcs[i].cores);
	}
	for (i = 0; i < t->nnodes; i++)
		cpulist_release(&t->nodes[i].cpus);
	for (i = 0; i < t->nwarnings; i++)
		free(t->warnings[i]);
	free(t->llcs);
	free(t->nodes);
	free(t->distance);
	free(t->warnings);
	cpulist_release(&t->cpus);
	topo_init(t);
}

int topo_warn(struct topo *t, const char *fmt, ...)
{
	char **w = realloc(t->warnings, (t->nwarnings + 1) * sizeof(*w));
	va_list ap;
	int n;

	if (!w)
		return -ENOMEM;
	t->warnings = w;
	va_start(ap, fmt);
	n = vasprintf(&w[t->nwarnings], fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	t->nwarnings++;
	return 0;
}

int topo_parse_spec(const char *s, struct topo_spec *spec, struct kt_diag *d)
{
	static const char form[] = "expected N,L,C,T (numa_nodes,llcs,cores_per_llc,"
				   "threads_per_core, each >= 1, L a multiple of N), e.g. 1,2,4,1";
	unsigned v[4];
	char buf[64], *tok, *save = NULL, *p;
	struct kt_diag pd;
	int i = 0, rc;

	if (!s || strlen(s) >= sizeof(buf))
		return kt_diag_set(d, EINVAL, "'%s': %s", s ? s : "", form);
	strcpy(buf, s);
	for (p = buf; (tok = strtok_r(p, ",", &save)) && i < 4; p = NULL, i++)
		if ((rc = parse_uint(tok, 1, TOPO_MAX_SYNTHETIC_CPUS, &v[i], &pd)) < 0)
			return kt_diag_set(d, -rc, "'%s': %s; %s", s, pd.msg, form);
	if (i != 4 || tok || s[strlen(s) - 1] == ',' || strstr(s, ",,") || *s == ',')
		return kt_diag_set(d, EINVAL, "'%s': %s", s, form);
	if (v[1] % v[0])
		return kt_diag_set(d, EINVAL, "'%s': %u LLCs cannot be split evenly over %u NUMA nodes; %s",
				   s, v[1], v[0], form);
	if ((unsigned long long)v[1] * v[2] * v[3] > TOPO_MAX_SYNTHETIC_CPUS)
		return kt_diag_set(d, ERANGE, "'%s': %llu CPUs is more than the %u supported", s,
				   (unsigned long long)v[1] * v[2] * v[3], TOPO_MAX_SYNTHETIC_CPUS);
	spec->nodes = v[0];
	spec->llcs = v[1];
	spec->cores = v[2];
	spec->threads = v[3];
	return 0;
}

static int synth_llc(struct topo *t, unsigned l, const struct topo_spec *sp)
{
	struct topo_llc *llc = &t->llcs[l];
	unsigned per_llc = sp->cores * sp->threads, first = l * per_llc, k;

	llc->index = l;
	llc->id = l;
	llc->node = l / (sp->llcs / sp->nodes);
	llc->size_kb = -1;
	cpulist_init(&llc->cpus);
	llc->cores = calloc(sp->cores, sizeof(*llc->cores));
	if (!llc->cores)
		return -ENOMEM;
	llc->ncores = sp->cores;
	if (cpulist_add_range(&llc->cpus, first, first + per_llc - 1) < 0)
		return -ENOMEM;
	for (k = 0; k < sp->cores; k++) {
		cpulist_init(&llc->cores[k]);
		if (cpulist_add_range(&llc->cores[k], first + k * sp->threads,
				      first + (k + 1) * sp->threads - 1) < 0)
			return -ENOMEM;
	}
	return 0;
}

int topo_synthetic(struct topo *t, const struct topo_spec *sp, struct kt_diag *d)
{
	unsigned l, i, j;

	topo_release(t);
	t->source = "synthetic";
	t->llc_source = TOPO_LLC_SYNTHETIC;
	t->spec = *sp;
	t->llcs = calloc(sp->llcs, sizeof(*t->llcs));
	t->nodes = calloc(sp->nodes, sizeof(*t->nodes));
	t->distance = calloc((size_t)sp->nodes * sp->nodes, sizeof(*t->distance));
	if (!t->llcs || !t->nodes || !t->distance)
		goto nomem;
	t->nllcs = sp->llcs;
	t->nnodes = sp->nodes;
	for (i = 0; i < sp->nodes; i++) {
		t->nodes[i].id = i;
		t->nodes[i].mem_total_kb = t->nodes[i].mem_free_kb = -1;
		cpulist_init(&t->nodes[i].cpus);
		for (j = 0; j < sp->nodes; j++)
			t->distance[i * sp->nodes + j] = i == j ? 10 : 20;
	}
	for (l = 0; l < sp->llcs; l++) {
		if (synth_llc(t, l, sp) < 0 ||
		    cpulist_merge(&t->nodes[t->llcs[l].node].cpus, &t->llcs[l].cpus) < 0 ||
		    cpulist_merge(&t->cpus, &t->llcs[l].cpus) < 0)
			goto nomem;
	}
	return 0;
nomem:
	topo_release(t);
	return kt_diag_set(d, ENOMEM, "out of memory");
}

size_t topo_ncores(const struct topo *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->nllcs; i++)
		n += t->llcs[i].ncores;
	return n;
}

int topo_llc_of_cpu(const struct topo *t, unsigned cpu)
{
	size_t i;

	for (i = 0; i < t->nllcs; i++)
		if (cpulist_has(&t->llcs[i].cpus, cpu))
			return (int)i;
	return -1;
}

int topo_node_of_cpu(const struct topo *t, unsigned cpu)
{
	size_t i;

	for (i = 0; i < t->nnodes; i++)
		if (cpulist_has(&t->nodes[i].cpus, cpu))
			return (int)t->nodes[i].id;
	return -1;
}

int topo_node_index(const struct topo *t, unsigned node_id)
{
	size_t i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].id == node_id)
			return (int)i;
	return -1;
}

unsigned topo_distance(const struct topo *t, unsigned a, unsigned b)
{
	int ia = topo_node_index(t, a), ib = topo_node_index(t, b);

	if (ia < 0 || ib < 0 || !t->distance)
		return 255;
	return t->distance[(size_t)ia * t->nnodes + (size_t)ib];
}

static void restrict_llc(struct topo_llc *llc, const struct cpulist *keep)
{
	size_t i, k = 0;

	cpulist_intersect(&llc->cpus, keep);
	for (i = 0; i < llc->ncores; i++) {
		cpulist_intersect(&llc->cores[i], keep);
		if (llc->cores[i].n)
			llc->cores[k++] = llc->cores[i];
		else
			cpulist_release(&llc->cores[i]);
	}
	llc->ncores = k;
}

static void drop_llc(struct topo_llc *llc)
{
	cpulist_release(&llc->cpus);
	free(llc->cores);
}

/* Keep the nodes that still have CPUs, or never had any (memory-only). */
static void restrict_nodes(struct topo *t, const struct cpulist *keep)
{
	size_t i, j, k = 0, n = t->nnodes;
	bool *live = calloc(n ? n : 1, sizeof(*live));
	unsigned *dist = t->distance;

	for (i = 0; i < n; i++) {
		cpulist_intersect(&t->nodes[i].cpus, keep);
		live[i] = t->nodes[i].cpus.n || t->nodes[i].memory_only;
	}
	for (i = 0, k = 0; i < n; i++) {
		if (!live[i]) {
			cpulist_release(&t->nodes[i].cpus);
			continue;
		}
		t->nodes[k++] = t->nodes[i];
	}
	/* the distance matrix keeps the rows and columns of the live nodes */
	for (i = 0, k = 0; i < n; i++)
		for (j = 0; live[i] && j < n; j++)
			if (live[j])
				dist[k++] = dist[i * n + j];
	for (i = 0, t->nnodes = 0; i < n; i++)
		t->nnodes += live[i];
	free(live);
}

int topo_restrict(struct topo *t, const struct cpulist *keep)
{
	size_t i, k = 0;

	cpulist_intersect(&t->cpus, keep);
	if (!t->cpus.n)
		return -ENOENT;
	for (i = 0; i < t->nllcs; i++) {
		restrict_llc(&t->llcs[i], keep);
		if (!t->llcs[i].cpus.n) {
			drop_llc(&t->llcs[i]);
			continue;
		}
		t->llcs[k] = t->llcs[i];
		t->llcs[k].index = (unsigned)k;
		k++;
	}
	t->nllcs = k;
	restrict_nodes(t, keep);
	return 0;
}
