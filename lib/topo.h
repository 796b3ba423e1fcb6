/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU topology: CPUs, last-level caches (LLCs), cores, NUMA nodes.
 *
 *   struct topo t;
 *   topo_init(&t);
 *   topo_load_sysfs(&t, paths_sysfs(), &diag);   or topo_synthetic(&t, spec, &diag)
 *                                                or topo_from_json(&t, rec, &diag)
 *   json_t *rec = topo_to_json(&t);               the "topo" record
 *   topo_release(&t);
 *
 * LLCs are ordered by their sysfs cache id; an LLC's *index* is its position
 * in that order and is what lock files, cpuset partitions and records use.
 * When sysfs has no usable cache information the LLCs are synthesized, one
 * per NUMA node, and llc_source says so.  Discovery never fails for a
 * garbled optional file: it falls back, and each fallback is recorded in
 * t.warnings (printed by the tool, carried in the record).
 *
 * Implementation: topo.c (model, synthetic, lookups), topo_sysfs.c
 * (discovery), topo_json.c (record and text).
 */
#ifndef KTSTR_TOPO_H
#define KTSTR_TOPO_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"

#define TOPO_MAX_SYNTHETIC_CPUS 4096u

enum topo_llc_source {
	TOPO_LLC_SYSFS,
	TOPO_LLC_SYNTHETIC,
};

struct topo_llc {
	unsigned index;
	long id;	      /* sysfs cache id, or the node id when synthetic */
	unsigned node;
	long size_kb;	      /* -1 when unknown */
	struct cpulist cpus;
	struct cpulist *cores; /* owned; one SMT sibling set per core */
	size_t ncores;
};

struct topo_node {
	unsigned id;
	struct cpulist cpus;
	bool memory_only;
	long long mem_total_kb; /* -1 when unknown */
	long long mem_free_kb;
};

struct topo_spec {
	unsigned nodes, llcs, cores, threads;
};

struct topo {
	const char *source; /* "sysfs", "synthetic" or "record" */
	enum topo_llc_source llc_source;
	struct topo_spec spec; /* set when synthetic */
	struct cpulist cpus;
	struct topo_llc *llcs; /* owned, by index */
	size_t nllcs;
	struct topo_node *nodes; /* owned, by ascending id */
	size_t nnodes;
	unsigned *distance; /* owned, nnodes x nnodes, rows in node order */
	bool distance_default;
	char **warnings; /* owned */
	size_t nwarnings;
};

void topo_init(struct topo *t);
void topo_release(struct topo *t);

int topo_load_sysfs(struct topo *t, const char *sysfs_root, struct kt_diag *d);
/* "N,L,C,T": numa nodes, LLCs in total, cores per LLC, threads per core. */
int topo_parse_spec(const char *s, struct topo_spec *spec, struct kt_diag *d);
int topo_synthetic(struct topo *t, const struct topo_spec *spec, struct kt_diag *d);

json_t *topo_to_json(const struct topo *t);
int topo_from_json(struct topo *t, const json_t *rec, struct kt_diag *d);
void topo_print_text(const struct topo *t, FILE *f);

/*
 * Keep only the CPUs in keep (a CPU reservation): LLCs and cores shrink,
 * empty LLCs go and the rest are indexed anew, nodes left without CPUs go
 * (memory-only nodes stay).  -ENOENT when no CPU is left.
 */
int topo_restrict(struct topo *t, const struct cpulist *keep);

size_t topo_ncores(const struct topo *t);
int topo_llc_of_cpu(const struct topo *t, unsigned cpu);	 /* index or -1 */
int topo_node_of_cpu(const struct topo *t, unsigned cpu);	 /* node id or -1 */
int topo_node_index(const struct topo *t, unsigned node_id);	 /* position or -1 */
unsigned topo_distance(const struct topo *t, unsigned a, unsigned b); /* 255 if unknown */

/* Internal to topo*.c: append a formatted warning. */
int topo_warn(struct topo *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
