// SPDX-License-Identifier: GPL-2.0
/* The "topo" record (see ktstr-ndjson(5)) and the text view of ktstr-topo --text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"
#include "topo.h"

static json_t *nullable_int(long long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *llc_to_json(const struct topo_llc *llc)
{
	json_t *cores = json_array();
	size_t i;

	for (i = 0; cores && i < llc->ncores; i++)
		json_array_append_new(cores, cpulist_to_json(&llc->cores[i]));
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "index", (json_int_t)llc->index, "id",
			 (json_int_t)llc->id, "node", (json_int_t)llc->node, "size_kb",
			 nullable_int(llc->size_kb), "cpus", cpulist_to_json(&llc->cpus), "cores",
			 cores);
}

static json_t *node_to_json(const struct topo_node *n)
{
	return json_pack("{s:I, s:o, s:b, s:o, s:o}", "id", (json_int_t)n->id, "cpus",
			 cpulist_to_json(&n->cpus), "memory_only", n->memory_only, "mem_total_kb",
			 nullable_int(n->mem_total_kb), "mem_free_kb", nullable_int(n->mem_free_kb));
}

json_t *topo_to_json(const struct topo *t)
{
	json_t *rec = ndjson_record("topo"), *llcs = json_array(), *nodes = json_array();
	json_t *dist = json_array(), *warn = json_array(), *row;
	char spec[64];
	size_t i, j;

	for (i = 0; i < t->nllcs; i++)
		json_array_append_new(llcs, llc_to_json(&t->llcs[i]));
	for (i = 0; i < t->nnodes; i++) {
		json_array_append_new(nodes, node_to_json(&t->nodes[i]));
		row = json_array();
		for (j = 0; j < t->nnodes; j++)
			json_array_append_new(row, json_integer(t->distance[i * t->nnodes + j]));
		json_array_append_new(dist, row);
	}
	for (i = 0; i < t->nwarnings; i++)
		json_array_append_new(warn, json_string(t->warnings[i]));
	if (json_object_update_new(
		    rec, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:b, s:o}",
				   "source", t->source, "llc_source",
				   t->llc_source == TOPO_LLC_SYSFS ? "sysfs" : "synthetic",
				   "num_cpus", (json_int_t)t->cpus.n, "num_cores",
				   (json_int_t)topo_ncores(t), "num_llcs", (json_int_t)t->nllcs,
				   "num_nodes", (json_int_t)t->nnodes, "cpus",
				   cpulist_to_json(&t->cpus), "llcs", llcs, "nodes", nodes,
				   "distances", dist, "distance_default", t->distance_default,
				   "warnings", warn)) < 0) {
		json_decref(rec);
		return NULL;
	}
	if (t->spec.nodes) {
		snprintf(spec, sizeof(spec), "%u,%u,%u,%u", t->spec.nodes, t->spec.llcs,
			 t->spec.cores, t->spec.threads);
		json_object_set_new(rec, "spec", json_string(spec));
	}
	return rec;
}

/* Read an optional integer member: null or absent gives -1. */
static int get_int(const json_t *o, const char *key, long long min, long long max,
		   long long *out, bool required)
{
	const json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v)) {
		*out = -1;
		return required ? -EINVAL : 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -EINVAL;
	*out = json_integer_value(v);
	return 0;
}

static int llc_from_json(struct topo *t, size_t i, const json_t *o, struct kt_diag *d)
{
	struct topo_llc *llc = &t->llcs[i];
	const json_t *cores = json_object_get(o, "cores"), *c;
	long long id, node, size;
	size_t k;

	cpulist_init(&llc->cpus);
	llc->index = (unsigned)i;
	if (get_int(o, "id", 0, 1ll << 40, &id, true) < 0 ||
	    get_int(o, "node", 0, 1 << 16, &node, true) < 0 ||
	    get_int(o, "size_kb", 0, 1ll << 40, &size, false) < 0)
		return kt_diag_set(d, EINVAL, "topo record: llcs[%zu]: bad id, node or size_kb", i);
	llc->id = (long)id;
	llc->node = (unsigned)node;
	llc->size_kb = (long)size;
	if (cpulist_from_json(&llc->cpus, json_object_get(o, "cpus"), d) < 0)
		return kt_diag_set(d, EINVAL, "topo record: llcs[%zu].cpus: %s", i, d->msg);
	if (!json_is_array(cores))
		return kt_diag_set(d, EINVAL, "topo record: llcs[%zu].cores is not an array", i);
	llc->cores = calloc(json_array_size(cores) + 1, sizeof(*llc->cores));
	if (!llc->cores)
		return kt_diag_set(d, ENOMEM, "out of memory");
	json_array_foreach(cores, k, c) {
		cpulist_init(&llc->cores[k]);
		llc->ncores++;
		if (cpulist_from_json(&llc->cores[k], c, d) < 0)
			return kt_diag_set(d, EINVAL, "topo record: llcs[%zu].cores[%zu]: %s", i, k,
					   d->msg);
	}
	return 0;
}

static int node_from_json(struct topo *t, size_t i, const json_t *o, struct kt_diag *d)
{
	struct topo_node *n = &t->nodes[i];
	long long id;

	cpulist_init(&n->cpus);
	if (get_int(o, "id", 0, 1 << 16, &id, true) < 0 ||
	    get_int(o, "mem_total_kb", 0, 1ll << 50, &n->mem_total_kb, false) < 0 ||
	    get_int(o, "mem_free_kb", 0, 1ll << 50, &n->mem_free_kb, false) < 0)
		return kt_diag_set(d, EINVAL, "topo record: nodes[%zu]: bad id or memory", i);
	n->id = (unsigned)id;
	n->memory_only = json_is_true(json_object_get(o, "memory_only"));
	if (cpulist_from_json(&n->cpus, json_object_get(o, "cpus"), d) < 0)
		return kt_diag_set(d, EINVAL, "topo record: nodes[%zu].cpus: %s", i, d->msg);
	if (i && n->id <= t->nodes[i - 1].id)
		return kt_diag_set(d, EINVAL, "topo record: nodes are not sorted by id");
	return 0;
}

static int distances_from_json(struct topo *t, const json_t *dist, struct kt_diag *d)
{
	size_t i, j;
	const json_t *row, *v;

	t->distance = calloc(t->nnodes * t->nnodes + 1, sizeof(*t->distance));
	if (!t->distance)
		return kt_diag_set(d, ENOMEM, "out of memory");
	if (!json_is_array(dist) || json_array_size(dist) != t->nnodes)
		return kt_diag_set(d, EINVAL, "topo record: distances is not a %zux%zu matrix",
				   t->nnodes, t->nnodes);
	json_array_foreach(dist, i, row) {
		if (!json_is_array(row) || json_array_size(row) != t->nnodes)
			return kt_diag_set(d, EINVAL, "topo record: distances[%zu] has the wrong size", i);
		json_array_foreach(row, j, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 255)
				return kt_diag_set(d, EINVAL, "topo record: distances[%zu][%zu] is not 0..255",
						   i, j);
			t->distance[i * t->nnodes + j] = (unsigned)json_integer_value(v);
		}
	}
	return 0;
}

int topo_from_json(struct topo *t, const json_t *rec, struct kt_diag *d)
{
	const json_t *llcs = json_object_get(rec, "llcs"), *nodes = json_object_get(rec, "nodes");
	const json_t *v;
	const char *src = json_string_value(json_object_get(rec, "llc_source"));
	size_t i;
	int rc = 0;

	topo_release(t);
	t->source = "record";
	if (!json_is_array(llcs) || !json_array_size(llcs) || !json_is_array(nodes) ||
	    !json_array_size(nodes))
		return kt_diag_set(d, EINVAL, "topo record: needs non-empty \"llcs\" and \"nodes\" arrays");
	t->llc_source = src && !strcmp(src, "synthetic") ? TOPO_LLC_SYNTHETIC : TOPO_LLC_SYSFS;
	t->llcs = calloc(json_array_size(llcs), sizeof(*t->llcs));
	t->nodes = calloc(json_array_size(nodes), sizeof(*t->nodes));
	if (!t->llcs || !t->nodes) {
		rc = kt_diag_set(d, ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(llcs, i, v) {
		t->nllcs++;
		if ((rc = llc_from_json(t, i, v, d)) < 0)
			goto out;
		if ((rc = cpulist_merge(&t->cpus, &t->llcs[i].cpus)) < 0)
			goto out;
	}
	json_array_foreach(nodes, i, v) {
		t->nnodes++;
		if ((rc = node_from_json(t, i, v, d)) < 0)
			goto out;
	}
	rc = distances_from_json(t, json_object_get(rec, "distances"), d);
	t->distance_default = json_is_true(json_object_get(rec, "distance_default"));
out:
	if (rc < 0)
		topo_release(t);
	return rc;
}

static void fmt_size(char *buf, size_t n, long kb)
{
	if (kb < 0)
		snprintf(buf, n, "size unknown");
	else if (kb >= 1024 && kb % 1024 == 0)
		snprintf(buf, n, "%ldM", kb / 1024);
	else
		snprintf(buf, n, "%ldK", kb);
}

void topo_print_text(const struct topo *t, FILE *f)
{
	char size[32], *cpus;
	size_t i;

	fprintf(f, "%-12s%zu\n", "CPUs:", t->cpus.n);
	fprintf(f, "%-12s%zu\n", "Cores:", topo_ncores(t));
	fprintf(f, "%-12s%zu%s\n", "LLCs:", t->nllcs,
		t->llc_source == TOPO_LLC_SYNTHETIC ? " (synthetic)" : "");
	fprintf(f, "%-12s%zu\n", "NUMA nodes:", t->nnodes);
	for (i = 0; i < t->nllcs; i++) {
		fmt_size(size, sizeof(size), t->llcs[i].size_kb);
		cpus = cpulist_format(&t->llcs[i].cpus);
		fprintf(f, "  LLC %u (node %u, %s): %s\n", t->llcs[i].index, t->llcs[i].node, size,
			cpus ? cpus : "?");
		free(cpus);
	}
	for (i = 0; t->nnodes > 1 && i < t->nnodes; i++) {
		cpus = cpulist_format(&t->nodes[i].cpus);
		fprintf(f, "  node %u: %s", t->nodes[i].id,
			t->nodes[i].memory_only ? "memory only" : cpus ? cpus : "?");
		if (t->nodes[i].mem_total_kb >= 0)
			fprintf(f, ", %lld MiB", t->nodes[i].mem_total_kb / 1024);
		fputc('\n', f);
		free(cpus);
	}
}
