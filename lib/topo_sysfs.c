// SPDX-License-Identifier: GPL-2.0
/*
 * Topology discovery from sysfs (<root>/devices/system/{cpu,node}).
 *
 * Only the online CPU list is mandatory.  Everything else has a fallback
 * that is recorded as a warning: a CPU without a node link is on node 0, a
 * CPU without core_id is its own core, distances that do not form a square
 * matrix become 10 (self) / 20 (other), and when any online CPU lacks cache
 * information the LLCs are synthesized, one per NUMA node.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "parse.h"
#include "paths.h"
#include "topo.h"

struct cpu_info {
	unsigned cpu;
	unsigned node;
	unsigned core;
	long llc_id;	/* -1 when sysfs says nothing usable */
	long llc_size_kb;
};

struct scan {
	struct topo *t;
	const char *root;
	struct cpu_info *info;
	size_t ninfo;
};

/* Lowest "nodeN" entry in a directory, or -1. */
static long lowest_node_entry(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	unsigned v;
	long best = -1;

	if (!dp)
		return -1;
	while ((de = readdir(dp)))
		if (!strncmp(de->d_name, "node", 4) &&
		    !parse_uint(de->d_name + 4, 0, 1u << 16, &v, NULL) && (best < 0 || v < best))
			best = v;
	closedir(dp);
	return best;
}

/* "32768K" -> 32768, "8M" -> 8192, "1048576" (bytes) -> 1024. */
static long parse_cache_size(const char *s)
{
	uint64_t v;
	size_t n = strlen(s);
	char num[32];

	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	if (num[n - 1] == 'K' || num[n - 1] == 'M') {
		num[n - 1] = '\0';
		if (parse_u64(num, 0, 1ull << 40, &v, NULL) < 0)
			return -1;
		return (long)(s[n - 1] == 'M' ? v * 1024 : v);
	}
	if (parse_u64(num, 0, 1ull << 50, &v, NULL) < 0)
		return -1;
	return (long)((v + 1023) / 1024);
}

/* The cache index with the strictly highest level that caches data. */
static void find_llc(struct scan *s, struct cpu_info *ci)
{
	char path[4096], buf[256];
	struct cpulist shared;
	unsigned level, best_level = 0, idx;
	long best = -1;
	uint64_t id;

	for (idx = 0; idx < 16; idx++) {
		if (paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/cache/index%u/level",
			      s->root, ci->cpu, idx) < 0 ||
		    file_read_str(path, buf, sizeof(buf)) < 0 ||
		    parse_uint(buf, 0, 16, &level, NULL) < 0)
			continue;
		paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/cache/index%u/type",
			  s->root, ci->cpu, idx);
		if (file_read_str(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, "Instruction"))
			continue;
		if (level > best_level) {
			best_level = level;
			best = idx;
		}
	}
	if (best < 0)
		return;
	paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/cache/index%ld/id", s->root,
		  ci->cpu, best);
	if (file_read_u64(path, &id) >= 0 && id <= 1u << 30) {
		ci->llc_id = (long)id;
	} else {
		/* no id file: the lowest CPU sharing the cache names it */
		paths_fmt(path, sizeof(path),
			  "%s/devices/system/cpu/cpu%u/cache/index%ld/shared_cpu_list", s->root,
			  ci->cpu, best);
		cpulist_init(&shared);
		if (file_read_str(path, buf, sizeof(buf)) >= 0 &&
		    cpulist_parse(&shared, buf, CPULIST_STRICT, NULL) >= 0 && shared.n)
			ci->llc_id = shared.cpu[0];
		cpulist_release(&shared);
	}
	paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/cache/index%ld/size", s->root,
		  ci->cpu, best);
	if (ci->llc_id >= 0 && file_read_str(path, buf, sizeof(buf)) >= 0)
		ci->llc_size_kb = parse_cache_size(buf);
}

static int scan_cpu(struct scan *s, unsigned cpu, bool *lacks_cache)
{
	struct cpu_info *ci = &s->info[s->ninfo];
	char path[4096];
	uint64_t core, pkg;
	long node;

	if (paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u", s->root, cpu) < 0 ||
	    !file_is_dir(path))
		return topo_warn(s->t, "cpu%u is listed online but has no sysfs directory; ignoring it",
				 cpu);
	ci->cpu = cpu;
	ci->llc_id = -1;
	ci->llc_size_kb = -1;
	node = lowest_node_entry(path);
	ci->node = node < 0 ? 0 : (unsigned)node;
	paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/topology/core_id", s->root, cpu);
	if (file_read_u64(path, &core) < 0 || core >= 1u << 20) {
		core = cpu;
		if (topo_warn(s->t, "cpu%u: no readable topology/core_id; treating it as its own core",
			      cpu) < 0)
			return -ENOMEM;
	}
	/* core ids repeat across packages; the package makes them unique */
	paths_fmt(path, sizeof(path), "%s/devices/system/cpu/cpu%u/topology/physical_package_id",
		  s->root, cpu);
	if (file_read_u64(path, &pkg) < 0 || pkg > 4095)
		pkg = 0;
	ci->core = (unsigned)(pkg << 20 | core);
	find_llc(s, ci);
	if (ci->llc_id < 0)
		*lacks_cache = true;
	s->ninfo++;
	return 0;
}

static int cmp_info(const void *a, const void *b)
{
	const struct cpu_info *x = a, *y = b;

	if (x->llc_id != y->llc_id)
		return x->llc_id < y->llc_id ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* CPUs of one LLC arrive in CPU order; a CPU joins the core of an earlier sibling. */
static int add_to_core(struct topo_llc *llc, const struct cpu_info *first,
		       const struct cpu_info *ci)
{
	const struct cpu_info *p;
	struct cpulist *c;

	for (p = first; p < ci; p++)
		if (p->core == ci->core)
			for (c = llc->cores; c < llc->cores + llc->ncores; c++)
				if (cpulist_has(c, p->cpu))
					return cpulist_add(c, ci->cpu);
	c = &llc->cores[llc->ncores++];
	cpulist_init(c);
	return cpulist_add(c, ci->cpu);
}

static int build_llcs(struct scan *s)
{
	struct topo *t = s->t;
	struct topo_llc *llc = NULL;
	size_t i, start = 0;

	qsort(s->info, s->ninfo, sizeof(*s->info), cmp_info);
	t->llcs = calloc(s->ninfo, sizeof(*t->llcs));
	if (!t->llcs)
		return -ENOMEM;
	for (i = 0; i < s->ninfo; i++) {
		if (!llc || s->info[i].llc_id != llc->id) {
			llc = &t->llcs[t->nllcs];
			llc->index = (unsigned)t->nllcs++;
			llc->id = s->info[i].llc_id;
			llc->node = s->info[i].node;
			llc->size_kb = s->info[i].llc_size_kb;
			cpulist_init(&llc->cpus);
			llc->cores = calloc(s->ninfo - i, sizeof(*llc->cores));
			if (!llc->cores)
				return -ENOMEM;
			start = i;
		}
		if (cpulist_add(&llc->cpus, s->info[i].cpu) < 0 ||
		    add_to_core(llc, s->info + start, s->info + i) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int add_node(struct topo *t, unsigned id)
{
	struct topo_node *n;

	if (topo_node_index(t, id) >= 0)
		return 0;
	n = realloc(t->nodes, (t->nnodes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->nodes = n;
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	n->id = id;
	n->mem_total_kb = n->mem_free_kb = -1;
	cpulist_init(&n->cpus);
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	const struct topo_node *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void read_meminfo(struct scan *s, struct topo_node *n)
{
	char path[4096], *buf = NULL, *line, *save = NULL;
	long long kb;
	unsigned node;
	char key[64];

	if (paths_fmt(path, sizeof(path), "%s/devices/system/node/node%u/meminfo", s->root, n->id) <
		    0 ||
	    file_read_alloc(path, 1 << 20, &buf, NULL) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "Node %u %63[^:]: %lld kB", &node, key, &kb) != 3 || kb < 0)
			continue;
		if (!strcmp(key, "MemTotal"))
			n->mem_total_kb = kb;
		else if (!strcmp(key, "MemFree"))
			n->mem_free_kb = kb;
	}
	free(buf);
}

static int scan_node_dirs(struct scan *s)
{
	char path[4096];
	DIR *dp;
	struct dirent *de;
	unsigned id;
	int rc = 0;

	if (paths_fmt(path, sizeof(path), "%s/devices/system/node", s->root) < 0)
		return 0;
	dp = opendir(path);
	if (!dp)
		return 0; /* kernels without NUMA have no node directory */
	while (!rc && (de = readdir(dp)))
		if (!strncmp(de->d_name, "node", 4) &&
		    !parse_uint(de->d_name + 4, 0, 1u << 16, &id, NULL))
			rc = add_node(s->t, id);
	closedir(dp);
	return rc;
}

static int build_nodes(struct scan *s)
{
	struct topo *t = s->t;
	char path[4096], buf[4096];
	size_t i;
	int rc = scan_node_dirs(s);

	for (i = 0; !rc && i < s->ninfo; i++)
		rc = add_node(t, s->info[i].node);
	if (!rc && !t->nnodes)
		rc = add_node(t, 0);
	if (rc)
		return rc;
	qsort(t->nodes, t->nnodes, sizeof(*t->nodes), cmp_node);
	for (i = 0; i < s->ninfo; i++)
		if (cpulist_add(&t->nodes[topo_node_index(t, s->info[i].node)].cpus,
				s->info[i].cpu) < 0)
			return -ENOMEM;
	for (i = 0; i < t->nnodes; i++) {
		struct topo_node *n = &t->nodes[i];

		paths_fmt(path, sizeof(path), "%s/devices/system/node/node%u/cpulist", s->root,
			  n->id);
		n->memory_only = !n->cpus.n && file_read_str(path, buf, sizeof(buf)) == 0;
		read_meminfo(s, n);
	}
	return 0;
}

/* Read every node's distance row; anything short of a square matrix is replaced. */
static int build_distances(struct scan *s)
{
	struct topo *t = s->t;
	char path[4096], buf[4096], *tok, *save;
	size_t i, j;
	unsigned v;

	t->distance = calloc(t->nnodes * t->nnodes, sizeof(*t->distance));
	if (!t->distance)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++) {
		paths_fmt(path, sizeof(path), "%s/devices/system/node/node%u/distance", s->root,
			  t->nodes[i].id);
		if (file_read_str(path, buf, sizeof(buf)) < 0)
			goto fallback;
		save = NULL;
		for (j = 0, tok = strtok_r(buf, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save), j++)
			if (j >= t->nnodes || parse_uint(tok, 1, 255, &v, NULL) < 0)
				goto fallback;
			else
				t->distance[i * t->nnodes + j] = v;
		if (j != t->nnodes)
			goto fallback;
	}
	return 0;
fallback:
	t->distance_default = true;
	for (i = 0; i < t->nnodes; i++)
		for (j = 0; j < t->nnodes; j++)
			t->distance[i * t->nnodes + j] = i == j ? 10 : 20;
	return t->nnodes > 1 ? topo_warn(t, "node distances missing or malformed in sysfs; "
					    "assuming 10 within a node and 20 between nodes")
			     : 0;
}

static int synthesize_llcs(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->ninfo; i++) {
		s->info[i].llc_id = s->info[i].node;
		s->info[i].llc_size_kb = -1;
	}
	s->t->llc_source = TOPO_LLC_SYNTHETIC;
	return topo_warn(s->t, "sysfs has no cache information for every CPU; "
			       "assuming one LLC per NUMA node");
}

int topo_load_sysfs(struct topo *t, const char *root, struct kt_diag *d)
{
	struct scan s = { .t = t, .root = root };
	struct kt_diag why;
	struct cpulist online;
	char path[4096], *buf = NULL;
	bool lacks_cache = false;
	size_t i;
	int rc;

	topo_release(t);
	t->source = "sysfs";
	cpulist_init(&online);
	if (paths_fmt(path, sizeof(path), "%s/devices/system/cpu/online", root) < 0)
		return kt_diag_set(d, ENAMETOOLONG, "sysfs root '%s' is too long", root);
	rc = file_read_alloc(path, 1 << 20, &buf, NULL);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot read '%s': %s", path, strerror(-rc));
	rc = cpulist_parse(&online, buf, CPULIST_STRICT, &why);
	free(buf);
	if (rc < 0) {
		cpulist_release(&online);
		return kt_diag_set(d, EINVAL, "malformed '%s': %s", path, why.msg);
	}
	s.info = calloc(online.n ? online.n : 1, sizeof(*s.info));
	if (!s.info) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < online.n; i++)
		if ((rc = scan_cpu(&s, online.cpu[i], &lacks_cache)) < 0)
			goto out;
	if (!s.ninfo) {
		rc = kt_diag_set(d, ENODEV, "no usable online CPU under '%s/devices/system/cpu'",
				 root);
		goto out;
	}
	if (lacks_cache && (rc = synthesize_llcs(&s)) < 0)
		goto out;
	for (i = 0; i < s.ninfo; i++)
		if ((rc = cpulist_add(&t->cpus, s.info[i].cpu)) < 0)
			goto out;
	if ((rc = build_llcs(&s)) < 0 || (rc = build_nodes(&s)) < 0 ||
	    (rc = build_distances(&s)) < 0)
		goto out;
out:
	if (rc == -ENOMEM)
		kt_diag_set(d, ENOMEM, "out of memory");
	free(s.info);
	cpulist_release(&online);
	if (rc < 0) {
		const char *keep = t->source;

		topo_release(t);
		t->source = keep;
	}
	return rc;
}
