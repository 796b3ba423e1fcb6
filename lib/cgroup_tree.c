// SPDX-License-Identifier: GPL-2.0
/*
 * A run's cgroup tree: the parent directory (per hierarchy) and every
 * cgroup below it, kept in creation order, which is also the order in
 * which removal must go backwards.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgdir.h"
#include "cgroup.h"
#include "file.h"
#include "fsop.h"
#include "ktime.h"
#include "parse.h"
#include "paths.h"

#define NHIER 2 /* 0: cpuset (or the only v2 one), 1: v1 cpu */
#define RT_SHARE_DIV 4 /* each RT cgroup may take a quarter of its parent's RT runtime */

struct cg_node {
	char *name;	     /* owned; relative to the parent */
	char *dir[NHIER];    /* owned; NULL where the cgroup does not exist */
	bool own;	     /* has a cpuset of its own */
	struct cpulist spec; /* its own CPUs and nodes, as asked */
	struct cpulist spec_mems;
	struct cpulist eff; /* v1: what cpuset.cpus/mems hold */
	struct cpulist eff_mems;
	long rt_us;	/* v1 RT runtime granted, -1 never asked */
};

struct cgroup_tree {
	struct cgroup_backend b;
	char *pdir[NHIER];	  /* owned; the run's parent, NULL if not made */
	struct cpulist pcpus;	  /* v1: the parent's cpuset.cpus/mems */
	struct cpulist pmems;
	long prt_us;		  /* v1: the parent's RT runtime, 0 if none */
	bool rt_sched;		  /* v1 cpu hierarchy has RT group scheduling */
	bool cpu_ctrl;		  /* this scenario wants the cpu controller */
	bool v2_cpu_on;		  /* "+cpu" is in the parent's subtree_control */
	uint64_t waited_ns;	  /* removals' time spent waiting for cgroups to empty */
	struct cg_node *n;	  /* owned, in creation order */
	size_t nn, cap;
};

static bool is_v1(const struct cgroup_tree *t)
{
	return t->b.kind == CGROUP_V1;
}

static bool is_v2(const struct cgroup_tree *t)
{
	return t->b.kind == CGROUP_V2 || t->b.kind == CGROUP_V2_NOCPUSET;
}

static int wr(const char *dir, const char *file, const char *val, struct kt_diag *d)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = paths_fmt(path, sizeof(path), "%s/%s", dir, file)) < 0)
		return kt_diag_set(d, rc, "path too long: '%s/%s'", dir, file);
	rc = fsop_write(path, val, FSOP_TIMEOUT_MS);
	if (rc == -ETIMEDOUT)
		return kt_diag_set(d, rc, "writing '%s' to '%s' did not finish within %u ms", val,
				   path, FSOP_TIMEOUT_MS);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot write '%s' to '%s': %s", val, path,
				   strerror(-rc));
	return 0;
}

static int wr_cpus(const char *dir, const char *file, const struct cpulist *cl,
		   struct kt_diag *d)
{
	char *s = cpulist_format(cl);
	int rc;

	if (!s)
		return kt_diag_set(d, ENOMEM, "out of memory");
	rc = wr(dir, file, s, d);
	free(s);
	return rc;
}

static int rd_list(const char *dir, const char *file, struct cpulist *out)
{
	char path[PATH_MAX], buf[8192];
	int rc;

	cpulist_clear(out);
	if ((rc = paths_fmt(path, sizeof(path), "%s/%s", dir, file)) < 0 ||
	    (rc = file_read_str(path, buf, sizeof(buf))) < 0)
		return rc;
	return cpulist_parse(out, buf, CPULIST_LENIENT, NULL);
}

static long rd_long(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[64];
	int64_t v;

	if (paths_fmt(path, sizeof(path), "%s/%s", dir, file) < 0 ||
	    file_read_str(path, buf, sizeof(buf)) < 0 ||
	    parse_i64(buf, -1, INT64_MAX, &v, NULL) < 0)
		return -1;
	return (long)v;
}

static int mkd(const char *path, struct kt_diag *d)
{
	int rc = fsop_mkdir(path, FSOP_TIMEOUT_MS);

	if (rc == -ETIMEDOUT)
		return kt_diag_set(d, rc, "mkdir '%s' did not finish within %u ms", path,
				   FSOP_TIMEOUT_MS);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot create cgroup '%s': %s", path, strerror(-rc));
	return 0;
}

/* Is tok one of the space-separated words of s? */
static bool has_token(const char *s, const char *tok)
{
	size_t n = strlen(tok);
	const char *p;

	for (p = strstr(s, tok); p; p = strstr(p + 1, tok))
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* ---- names ---------------------------------------------------------- */

/*
 * The kernel's own files in a cgroup directory are "<controller>.<file>"
 * (and "tasks", "notify_on_release" on v1): a cgroup by such a name could
 * not be made, or would be taken for the file.
 */
static bool kernel_file_name(const char *s, size_t n)
{
	static const char *const prefixes[] = { "cgroup", "cpuset", "cpu", "cpuacct", "io",
						"blkio", "memory", "pids", "rdma", "hugetlb",
						"misc", "freezer", "devices", "net_cls",
						"net_prio", "perf_event", NULL };
	const char *dot = memchr(s, '.', n);
	size_t i;

	if ((n == 5 && !strncmp(s, "tasks", 5)) || (n == 17 && !strncmp(s, "notify_on_release", 17)))
		return true;
	for (i = 0; dot && prefixes[i]; i++)
		if (strlen(prefixes[i]) == (size_t)(dot - s) && !strncmp(s, prefixes[i], dot - s))
			return true;
	return false;
}

static bool valid_component(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 64 || s[0] == '.' || kernel_file_name(s, n))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

bool cgroup_name_valid(const char *name)
{
	const char *p = name, *slash;

	do {
		slash = strchr(p, '/');
		if (!valid_component(p, slash ? (size_t)(slash - p) : strlen(p)))
			return false;
		p = slash + 1;
	} while (slash);
	return true;
}

static struct cg_node *find(const struct cgroup_tree *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nn; i++)
		if (!strcmp(t->n[i].name, name))
			return &t->n[i];
	return NULL;
}

/* The node of name's parent cgroup, NULL for a top-level name. */
static struct cg_node *parent_of(const struct cgroup_tree *t, const char *name)
{
	const char *slash = strrchr(name, '/');
	char buf[PATH_MAX];

	if (!slash || (size_t)(slash - name) >= sizeof(buf))
		return NULL;
	memcpy(buf, name, (size_t)(slash - name));
	buf[slash - name] = '\0';
	return find(t, buf);
}

static bool is_child(const char *parent, const char *name)
{
	size_t n = strlen(parent);

	return !strncmp(name, parent, n) && name[n] == '/' && !strchr(name + n + 1, '/');
}

static bool is_descendant(const char *anc, const char *name)
{
	size_t n = strlen(anc);

	return !strncmp(name, anc, n) && name[n] == '/';
}

static void node_release(struct cg_node *c)
{
	size_t h;

	free(c->name);
	for (h = 0; h < NHIER; h++)
		free(c->dir[h]);
	cpulist_release(&c->spec);
	cpulist_release(&c->spec_mems);
	cpulist_release(&c->eff);
	cpulist_release(&c->eff_mems);
}

static void node_drop(struct cgroup_tree *t, struct cg_node *c)
{
	size_t i = (size_t)(c - t->n);

	node_release(c);
	memmove(&t->n[i], &t->n[i + 1], (t->nn - i - 1) * sizeof(*c));
	t->nn--;
}

/* ---- cpusets ---------------------------------------------------------- */

/* What a v1 cgroup's cpus/mems must hold given its parent's (v1 needs both non-empty). */
static int v1_effective(const struct cg_node *c, const struct cpulist *pcpus,
			const struct cpulist *pmems, struct cpulist *cpus, struct cpulist *mems)
{
	int rc;

	if ((rc = cpulist_copy(cpus, c->own ? &c->spec : pcpus)) < 0)
		return rc;
	cpulist_intersect(cpus, pcpus);
	if (!cpus->n && (rc = cpulist_copy(cpus, pcpus)) < 0)
		return rc;
	if ((rc = cpulist_copy(mems, c->own && c->spec_mems.n ? &c->spec_mems : pmems)) < 0)
		return rc;
	cpulist_intersect(mems, pmems);
	if (!mems->n && (rc = cpulist_copy(mems, pmems)) < 0)
		return rc;
	return 0;
}

static void parent_sets(const struct cgroup_tree *t, const struct cg_node *c,
			const struct cpulist **cpus, const struct cpulist **mems)
{
	const struct cg_node *p = parent_of(t, c->name);

	*cpus = p ? &p->eff : &t->pcpus;
	*mems = p ? &p->eff_mems : &t->pmems;
}

/* Write one list if it changed. */
static int v1_put(const char *dir, const char *file, struct cpulist *cur,
		  const struct cpulist *want, struct kt_diag *d)
{
	int rc;

	if (cpulist_equal(cur, want))
		return 0;
	if ((rc = wr_cpus(dir, file, want, d)) < 0)
		return rc;
	return cpulist_copy(cur, want);
}

/*
 * Move a v1 cgroup and its subtree to new cpusets, given the sets its
 * parent is heading for.  v1 insists that a child stays inside its parent
 * at every write and that a cgroup with tasks never goes empty: so widen to
 * old | new first, settle the children inside new, then narrow.
 */
static int v1_apply(struct cgroup_tree *t, struct cg_node *c, const struct cpulist *pcpus,
		    const struct cpulist *pmems, struct kt_diag *d)
{
	struct cpulist ncpus, nmems, wide, widem;
	size_t i;
	int rc;

	cpulist_init(&ncpus);
	cpulist_init(&nmems);
	cpulist_init(&wide);
	cpulist_init(&widem);
	if ((rc = v1_effective(c, pcpus, pmems, &ncpus, &nmems)) < 0 ||
	    (rc = cpulist_copy(&wide, &c->eff)) < 0 || (rc = cpulist_merge(&wide, &ncpus)) < 0 ||
	    (rc = cpulist_copy(&widem, &c->eff_mems)) < 0 ||
	    (rc = cpulist_merge(&widem, &nmems)) < 0) {
		rc = kt_diag_set(d, rc, "out of memory");
		goto out;
	}
	if ((rc = v1_put(c->dir[0], "cpuset.cpus", &c->eff, &wide, d)) < 0 ||
	    (rc = v1_put(c->dir[0], "cpuset.mems", &c->eff_mems, &widem, d)) < 0)
		goto out;
	for (i = 0; i < t->nn; i++)
		if (is_child(c->name, t->n[i].name) &&
		    (rc = v1_apply(t, &t->n[i], &ncpus, &nmems, d)) < 0)
			goto out;
	if ((rc = v1_put(c->dir[0], "cpuset.cpus", &c->eff, &ncpus, d)) < 0 ||
	    (rc = v1_put(c->dir[0], "cpuset.mems", &c->eff_mems, &nmems, d)) < 0)
		goto out;
out:
	cpulist_release(&ncpus);
	cpulist_release(&nmems);
	cpulist_release(&wide);
	cpulist_release(&widem);
	return rc;
}

static int v1_update(struct cgroup_tree *t, struct cg_node *c, struct kt_diag *d)
{
	const struct cpulist *pcpus, *pmems;

	parent_sets(t, c, &pcpus, &pmems);
	return v1_apply(t, c, pcpus, pmems, d);
}

static int set_spec(struct cg_node *c, const struct cpulist *cpus, const struct cpulist *mems)
{
	int rc = 0;

	c->own = cpus != NULL;
	cpulist_clear(&c->spec);
	cpulist_clear(&c->spec_mems);
	if (cpus)
		rc = cpulist_copy(&c->spec, cpus);
	if (!rc && cpus && mems)
		rc = cpulist_copy(&c->spec_mems, mems);
	return rc;
}

/*
 * Clear a v2 cpuset file.  An empty write means "follow the parent", but a
 * zero-length write does nothing, so it is a newline; and kernels before
 * 6.x refuse to empty a populated cpuset (ENOSPC), so then the parent's
 * effective set is written instead, which is the same set today.
 */
static int v2_clear(struct cgroup_tree *t, struct cg_node *c, const char *file,
		    const char *parent_file, struct kt_diag *d)
{
	const struct cg_node *p = parent_of(t, c->name);
	struct cpulist eff;
	int rc = wr(c->dir[0], file, "\n", NULL);

	if (rc != -ENOSPC)
		return rc < 0 ? wr(c->dir[0], file, "\n", d) : 0;
	cpulist_init(&eff);
	rc = rd_list(p ? p->dir[0] : t->pdir[0], parent_file, &eff);
	rc = rc < 0 ? kt_diag_set(d, rc, "cannot read the parent of '%s': %s", c->dir[0],
				  strerror(-rc))
		    : wr_cpus(c->dir[0], file, &eff, d);
	cpulist_release(&eff);
	return rc;
}

static int v2_write_spec(struct cgroup_tree *t, struct cg_node *c, struct kt_diag *d)
{
	int rc;

	if (t->b.kind != CGROUP_V2)
		return kt_diag_set(d, EOPNOTSUPP, "cannot give '%s' a cpuset: the cgroup2 "
					       "hierarchy at '%s' has no cpuset controller",
				   c->name, t->b.main);
	if (!c->own) {
		rc = v2_clear(t, c, "cpuset.cpus", "cpuset.cpus.effective", d);
		return rc < 0 ? rc : v2_clear(t, c, "cpuset.mems", "cpuset.mems.effective", d);
	}
	if ((rc = wr_cpus(c->dir[0], "cpuset.cpus", &c->spec, d)) < 0)
		return rc;
	return c->spec_mems.n ? wr_cpus(c->dir[0], "cpuset.mems", &c->spec_mems, d) : 0;
}

/* ---- v2 controllers --------------------------------------------------- */

/* Controllers the scenario's cgroups should get: "+cpuset +cpu" or less. */
static void v2_wanted(const struct cgroup_tree *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", t->b.kind == CGROUP_V2 ? "+cpuset" : "",
		 t->b.kind == CGROUP_V2 && t->b.has_cpu && t->cpu_ctrl ? " " : "",
		 t->b.has_cpu && t->cpu_ctrl ? "+cpu" : "");
}

/*
 * Let a nested cgroup's children have the controllers.  Allowed only while
 * the cgroup has no tasks of its own (no-internal-process rule); when it
 * has, the children go without, which cgroup_info reports.
 */
static void v2_enable_below(struct cgroup_tree *t, struct cg_node *p)
{
	char want[32];

	v2_wanted(t, want, sizeof(want));
	if (want[0] && cgdir_is_empty(p->dir[0], true) == 1)
		wr(p->dir[0], "cgroup.subtree_control", want, NULL);
}

/* Before tasks move into c: internal processes need an empty subtree_control. */
static int v2_disable_below(struct cg_node *c, struct kt_diag *d)
{
	char path[PATH_MAX], buf[256], off[300], *tok, *save = NULL;
	size_t n = 0;

	if (paths_fmt(path, sizeof(path), "%s/cgroup.subtree_control", c->dir[0]) < 0 ||
	    file_read_str(path, buf, sizeof(buf)) <= 0)
		return 0;
	off[0] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		n += (size_t)snprintf(off + n, sizeof(off) - n, "%s-%s", n ? " " : "", tok);
	return n ? wr(c->dir[0], "cgroup.subtree_control", off, d) : 0;
}

/* ---- RT runtime (v1 cpu hierarchy with RT group scheduling) ------------ */

/* Half of what the hierarchy's top directory has not handed to its children. */
static long rt_free_half(const char *top)
{
	char path[PATH_MAX];
	struct dirent *e;
	long total = rd_long(top, "cpu.rt_runtime_us"), used = 0, v;
	DIR *dir;

	if (total <= 0 || !(dir = opendir(top)))
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' ||
		    paths_fmt(path, sizeof(path), "%s/%s", top, e->d_name) < 0 || !file_is_dir(path))
			continue;
		v = rd_long(path, "cpu.rt_runtime_us");
		if (v > 0)
			used += v;
	}
	closedir(dir);
	return total > used ? (total - used) / 2 : 0;
}

static long rt_budget(struct cgroup_tree *t, struct cg_node *c);

static long rt_siblings(const struct cgroup_tree *t, const struct cg_node *c)
{
	const struct cg_node *p = parent_of(t, c->name);
	long used = 0;
	size_t i;

	for (i = 0; i < t->nn; i++) {
		const struct cg_node *s = &t->n[i];

		if (s != c && s->rt_us > 0 &&
		    (p ? is_child(p->name, s->name) : !strchr(s->name, '/')))
			used += s->rt_us;
	}
	return used;
}

/* Grant c (and its ancestors, first) a share of RT runtime; returns it, 0 if none. */
static long rt_budget(struct cgroup_tree *t, struct cg_node *c)
{
	struct cg_node *p = parent_of(t, c->name);
	long pb = p ? rt_budget(t, p) : t->prt_us, share, left;
	char buf[32];

	if (c->rt_us > 0)
		return c->rt_us;
	left = pb - rt_siblings(t, c);
	share = pb / RT_SHARE_DIV < left ? pb / RT_SHARE_DIV : left;
	if (share <= 0 || !c->dir[1])
		return c->rt_us = 0;
	snprintf(buf, sizeof(buf), "%ld", share);
	return c->rt_us = wr(c->dir[1], "cpu.rt_runtime_us", buf, NULL) == 0 ? share : 0;
}

/* ---- tree ------------------------------------------------------------- */

static int v2_prepare_top(struct cgroup_tree *t, struct kt_diag *d)
{
	char path[PATH_MAX], buf[256];
	bool has_cpuset, has_cpu;
	int rc;

	if ((rc = paths_fmt(path, sizeof(path), "%s/cgroup.subtree_control", t->b.main)) < 0)
		return kt_diag_set(d, rc, "path too long");
	if (file_read_str(path, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	has_cpuset = has_token(buf, "cpuset");
	has_cpu = has_token(buf, "cpu");
	if (t->b.kind == CGROUP_V2 && !has_cpuset &&
	    (rc = wr(t->b.main, "cgroup.subtree_control", "+cpuset", d)) < 0)
		return rc;
	/* without +cpu at the top the scenarios still run, just without cpu weights */
	if (t->b.has_cpu && !has_cpu && wr(t->b.main, "cgroup.subtree_control", "+cpu", NULL) < 0)
		t->b.has_cpu = false;
	return 0;
}

static int make_parent(struct cgroup_tree *t, const char *parent, struct kt_diag *d)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = paths_fmt(path, sizeof(path), "%s/%s", t->b.main, parent)) < 0)
		return kt_diag_set(d, rc, "path too long");
	if ((rc = mkd(path, d)) < 0)
		return rc == -EEXIST ? kt_diag_set(d, rc, "cgroup '%s' exists already; run 'ktstr "
							 "cleanup' to remove leftovers",
						   path)
				     : rc;
	if (!(t->pdir[0] = strdup(path)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	if (is_v1(t)) {
		if ((rc = rd_list(t->b.main, "cpuset.effective_cpus", &t->pcpus)) < 0 ||
		    (rc = rd_list(t->b.main, "cpuset.effective_mems", &t->pmems)) < 0)
			return kt_diag_set(d, rc, "cannot read the cpuset of '%s': %s", t->b.main,
					   strerror(-rc));
		if ((rc = wr_cpus(t->pdir[0], "cpuset.cpus", &t->pcpus, d)) < 0 ||
		    (rc = wr_cpus(t->pdir[0], "cpuset.mems", &t->pmems, d)) < 0)
			return rc;
	}
	if (is_v1(t) && t->b.has_cpu) {
		if ((rc = paths_fmt(path, sizeof(path), "%s/%s", t->b.cpu, parent)) < 0)
			return kt_diag_set(d, rc, "path too long");
		if ((rc = mkd(path, d)) < 0)
			return rc;
		if (!(t->pdir[1] = strdup(path)))
			return kt_diag_set(d, ENOMEM, "out of memory");
		t->rt_sched = rd_long(path, "cpu.rt_runtime_us") >= 0;
		if (t->rt_sched && (t->prt_us = rt_free_half(t->b.cpu)) > 0) {
			snprintf(path, sizeof(path), "%ld", t->prt_us);
			if (wr(t->pdir[1], "cpu.rt_runtime_us", path, NULL) < 0)
				t->prt_us = 0;
		}
	}
	return 0;
}

struct cgroup_tree *cgroup_tree_new(const struct cgroup_backend *b, const char *parent,
				    struct kt_diag *d)
{
	struct cgroup_tree *t = calloc(1, sizeof(*t));
	char want[32];

	if (!t) {
		kt_diag_set(d, ENOMEM, "out of memory");
		return NULL;
	}
	t->b = *b;
	t->cpu_ctrl = true;
	cpulist_init(&t->pcpus);
	cpulist_init(&t->pmems);
	if (b->kind == CGROUP_NONE) {
		kt_diag_set(d, ENOENT, "no cgroup backend");
		goto fail;
	}
	if (!cgroup_name_valid(parent)) {
		kt_diag_set(d, EINVAL, "bad cgroup name '%s'", parent);
		goto fail;
	}
	if (is_v2(t) && v2_prepare_top(t, d) < 0)
		goto fail;
	if (make_parent(t, parent, d) < 0)
		goto fail;
	if (is_v2(t)) {
		v2_wanted(t, want, sizeof(want));
		if (want[0] && wr(t->pdir[0], "cgroup.subtree_control", want, d) < 0)
			goto fail;
		t->v2_cpu_on = t->b.has_cpu;
	}
	return t;
fail:
	cgroup_tree_free(t, 0, NULL);
	return NULL;
}

int cgroup_tree_confine(struct cgroup_tree *t, const struct cpulist *cpus,
			const struct cpulist *mems, struct kt_diag *d)
{
	int rc;

	if (t->b.kind == CGROUP_V2_NOCPUSET)
		return kt_diag_set(d, EOPNOTSUPP, "cgroup2 here has no cpuset controller");
	if (is_v2(t)) {
		if ((rc = wr_cpus(t->pdir[0], "cpuset.cpus", cpus, d)) < 0)
			return rc;
		return mems->n ? wr_cpus(t->pdir[0], "cpuset.mems", mems, d) : 0;
	}
	cpulist_intersect(&t->pcpus, cpus);
	if (mems->n)
		cpulist_intersect(&t->pmems, mems);
	if (!t->pcpus.n || !t->pmems.n)
		return kt_diag_set(d, EINVAL, "the reserved CPUs are outside '%s'", t->b.main);
	if ((rc = wr_cpus(t->pdir[0], "cpuset.cpus", &t->pcpus, d)) < 0)
		return rc;
	return wr_cpus(t->pdir[0], "cpuset.mems", &t->pmems, d);
}

uint64_t cgroup_tree_waited_ns(const struct cgroup_tree *t)
{
	return t->waited_ns;
}

const char *cgroup_tree_parent(const struct cgroup_tree *t)
{
	return t->pdir[0];
}

int cgroup_tree_set_cpu_ctrl(struct cgroup_tree *t, bool on, struct kt_diag *d)
{
	int rc;

	t->cpu_ctrl = on;
	if (!is_v2(t) || !t->b.has_cpu || t->v2_cpu_on == on)
		return 0;
	/* only possible while the parent has no children: the caller calls between scenarios */
	if ((rc = wr(t->pdir[0], "cgroup.subtree_control", on ? "+cpu" : "-cpu", d)) < 0)
		return rc;
	t->v2_cpu_on = on;
	return 0;
}

static struct cg_node *add_node(struct cgroup_tree *t, const char *name)
{
	struct cg_node *nv, *c;

	if (t->nn == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		nv = realloc(t->n, t->cap * sizeof(*nv));
		if (!nv)
			return NULL;
		t->n = nv;
	}
	c = &t->n[t->nn];
	memset(c, 0, sizeof(*c));
	c->rt_us = -1;
	cpulist_init(&c->spec);
	cpulist_init(&c->spec_mems);
	cpulist_init(&c->eff);
	cpulist_init(&c->eff_mems);
	if (!(c->name = strdup(name)))
		return NULL;
	t->nn++;
	return c;
}

/* mkdir the cgroup in one hierarchy; the node owns the path once it exists. */
static int make_dir(struct cg_node *c, const struct cg_node *p, const char *top, size_t h,
		    struct kt_diag *d)
{
	char path[PATH_MAX];
	const char *leaf = strrchr(c->name, '/');
	int rc;

	leaf = leaf ? leaf + 1 : c->name;
	if ((rc = paths_fmt(path, sizeof(path), "%s/%s", p ? p->dir[h] : top, leaf)) < 0)
		return kt_diag_set(d, rc, "path too long");
	if ((rc = mkd(path, d)) < 0)
		return rc;
	if (!(c->dir[h] = strdup(path))) {
		fsop_rmdir(path, FSOP_TIMEOUT_MS);
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	return 0;
}

int cgroup_create(struct cgroup_tree *t, const char *name, const struct cpulist *cpus,
		  const struct cpulist *mems, bool rt, struct kt_diag *d)
{
	struct cg_node *p, *c;
	size_t pi;
	int rc;

	if (!cgroup_name_valid(name))
		return kt_diag_set(d, EINVAL, "bad cgroup name '%s'", name);
	if (find(t, name))
		return kt_diag_set(d, EEXIST, "cgroup '%s' exists already", name);
	p = parent_of(t, name);
	if (strchr(name, '/') && !p)
		return kt_diag_set(d, ENOENT, "cannot create '%s': its parent does not exist", name);
	if (cpus && t->b.kind != CGROUP_V1 && t->b.kind != CGROUP_V2)
		return kt_diag_set(d, EOPNOTSUPP, "cannot give '%s' a cpuset: the cgroup2 "
						  "hierarchy at '%s' has no cpuset controller",
				   name, t->b.main);
	pi = p ? (size_t)(p - t->n) : 0;
	if (p && is_v2(t))
		v2_enable_below(t, p);
	if (!(c = add_node(t, name)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	p = p ? &t->n[pi] : NULL; /* add_node may have moved the array */
	if ((rc = set_spec(c, cpus, mems)) < 0)
		return kt_diag_set(d, rc, "out of memory");
	if ((rc = make_dir(c, p, t->pdir[0], 0, d)) < 0) {
		node_drop(t, c);
		return rc;
	}
	if (t->pdir[1] && t->cpu_ctrl && (!p || p->dir[1]) &&
	    (rc = make_dir(c, p, t->pdir[1], 1, d)) < 0)
		return rc;
	if (is_v1(t) && (rc = v1_update(t, c, d)) < 0)
		return rc;
	if (t->b.kind == CGROUP_V2 && cpus && (rc = v2_write_spec(t, c, d)) < 0)
		return rc;
	if (rt && t->rt_sched)
		rt_budget(t, c);
	return 0;
}

int cgroup_set_cpus(struct cgroup_tree *t, const char *name, const struct cpulist *cpus,
		    const struct cpulist *mems, struct kt_diag *d)
{
	struct cg_node *c = find(t, name);
	int rc;

	if (!c)
		return kt_diag_set(d, ENOENT, "no cgroup '%s'", name);
	if ((rc = set_spec(c, cpus, mems)) < 0)
		return kt_diag_set(d, rc, "out of memory");
	if (is_v1(t))
		return v1_update(t, c, d);
	return v2_write_spec(t, c, d);
}

int cgroup_move_all(struct cgroup_tree *t, const char *from, const char *to, size_t *moved,
		    struct kt_diag *d)
{
	struct cg_node *a = find(t, from), *b = find(t, to);
	char procs[PATH_MAX];
	size_t h, n;
	int rc;

	*moved = 0;
	if (!a || !b)
		return kt_diag_set(d, ENOENT, "no cgroup '%s'", a ? to : from);
	if (is_v2(t) && (rc = v2_disable_below(b, d)) < 0)
		return rc;
	for (h = 0; h < NHIER; h++) {
		if (!a->dir[h] || !b->dir[h])
			continue;
		if ((rc = paths_fmt(procs, sizeof(procs), "%s/cgroup.procs", b->dir[h])) < 0)
			return kt_diag_set(d, rc, "path too long");
		rc = cgdir_move_all(a->dir[h], procs, &n);
		if (rc < 0)
			return kt_diag_set(d, rc, "cannot move the tasks of '%s' to '%s': %s",
					   a->dir[h], b->dir[h], strerror(-rc));
		if (h == 0)
			*moved = n;
	}
	return 0;
}

/* Empty one directory (wait, then kill) and remove it. */
static int remove_dir(const char *dir, bool v2, unsigned drain_ms, size_t *killed,
		      uint64_t *waited, struct kt_diag *d)
{
	uint64_t t0 = ktime_now_ns(), deadline = t0 + (uint64_t)drain_ms * KTIME_NS_PER_MS;
	size_t k = 0;
	int rc, tries, w;

	for (tries = 0;; tries++) {
		w = cgdir_wait_empty(dir, v2, deadline);
		*waited += ktime_now_ns() - t0;
		if (w == -ETIMEDOUT) {
			if (cgdir_kill(dir, v2, &k) == 0)
				*killed += k;
			/* SIGKILL is not instant: give the exits a moment */
			cgdir_wait_empty(dir, v2, ktime_now_ns() + CGDIR_STOP_GRACE_MS * KTIME_NS_PER_MS);
		}
		rc = fsop_rmdir(dir, FSOP_TIMEOUT_MS);
		if (rc == 0 || rc == -ENOENT)
			return 0;
		/* a task joined after the check, or an exit was still settling */
		if (rc != -EBUSY || tries == 3)
			break;
		t0 = deadline = ktime_now_ns();
	}
	return kt_diag_set(d, rc, "cannot remove cgroup '%s': %s%s", dir, strerror(-rc),
			   rc == -EBUSY ? "; tasks or child cgroups remain in it" : "");
}

static int remove_node(struct cgroup_tree *t, struct cg_node *c, unsigned drain_ms,
		       size_t *killed, struct kt_diag *d)
{
	size_t h;
	int rc;

	for (h = NHIER; h-- > 0;) {
		if (!c->dir[h])
			continue;
		if ((rc = remove_dir(c->dir[h], is_v2(t), drain_ms, killed, &t->waited_ns, d)) < 0)
			return rc;
		free(c->dir[h]);
		c->dir[h] = NULL;
	}
	node_drop(t, c);
	return 0;
}

int cgroup_remove(struct cgroup_tree *t, const char *name, unsigned drain_ms, size_t *killed,
		  struct kt_diag *d)
{
	size_t i;
	int rc;

	*killed = 0;
	if (!find(t, name))
		return kt_diag_set(d, ENOENT, "no cgroup '%s'", name);
	/* descendants were made after their ancestors: newest first is deepest first */
	for (i = t->nn; i-- > 0;) {
		if (strcmp(t->n[i].name, name) && !is_descendant(name, t->n[i].name))
			continue;
		if ((rc = remove_node(t, &t->n[i], drain_ms, killed, d)) < 0)
			return rc;
	}
	return 0;
}

int cgroup_remove_all(struct cgroup_tree *t, unsigned drain_ms, struct kt_diag *d)
{
	size_t killed = 0;
	int rc = 0, e;

	/* keep going past a failure: remove everything that can be removed */
	while (t->nn) {
		e = remove_node(t, &t->n[t->nn - 1], drain_ms, &killed, rc ? NULL : d);
		if (e < 0) {
			rc = rc ? rc : e;
			node_release(&t->n[t->nn - 1]);
			t->nn--;
		}
	}
	return rc;
}

void cgroup_tree_free(struct cgroup_tree *t, unsigned drain_ms, struct kt_diag *d)
{
	size_t h, killed = 0;
	int rc = 0;

	if (!t)
		return;
	if (t->nn)
		rc = cgroup_remove_all(t, drain_ms, d);
	for (h = NHIER; h-- > 0;) {
		if (!t->pdir[h])
			continue;
		if (remove_dir(t->pdir[h], is_v2(t), drain_ms, &killed, &t->waited_ns, rc ? NULL : d) < 0)
			rc = -EBUSY;
		free(t->pdir[h]);
	}
	free(t->n);
	cpulist_release(&t->pcpus);
	cpulist_release(&t->pmems);
	free(t);
}

static json_t *controllers(const struct cgroup_tree *t, const struct cg_node *c)
{
	char path[PATH_MAX], buf[256], *tok, *save = NULL;
	json_t *a = json_array();

	if (is_v1(t)) {
		json_array_append_new(a, json_string("cpuset"));
		if (c->dir[1])
			json_array_append_new(a, json_string("cpu"));
		return a;
	}
	if (paths_fmt(path, sizeof(path), "%s/cgroup.controllers", c->dir[0]) == 0 &&
	    file_read_str(path, buf, sizeof(buf)) >= 0)
		for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			if (!strcmp(tok, "cpuset") || !strcmp(tok, "cpu"))
				json_array_append_new(a, json_string(tok));
	return a;
}

json_t *cgroup_info(const struct cgroup_tree *t, const char *name)
{
	const struct cg_node *c = find(t, name);
	json_t *o, *paths;
	size_t h;

	if (!c)
		return NULL;
	paths = json_array();
	for (h = 0; h < NHIER; h++)
		if (c->dir[h])
			json_array_append_new(paths, json_string(c->dir[h]));
	o = json_pack("{s:o, s:o, s:o, s:o}", "paths", paths, "cpus",
		      c->own ? cpulist_to_json(&c->spec) : json_null(), "mems",
		      !c->own		    ? json_null()
		      : is_v1(t)	    ? cpulist_to_json(&c->eff_mems)
		      : c->spec_mems.n ? cpulist_to_json(&c->spec_mems)
					    : json_null(),
		      "controllers", controllers(t, c));
	if (o && t->rt_sched && c->dir[1] && c->rt_us >= 0)
		json_object_set_new(o, "rt_runtime_us", json_integer(c->rt_us > 0 ? c->rt_us : 0));
	return o;
}
