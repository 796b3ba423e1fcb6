// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hst_compare.h"

static const char *const group_by_names[] = { "pcomm,comm", "pcomm", "comm", "cgroup" };

int hst_cmp_parse_group_by(const char *s, enum hst_group_by *by)
{
	size_t i;

	for (i = 0; i < sizeof(group_by_names) / sizeof(group_by_names[0]); i++)
		if (!strcmp(s, group_by_names[i])) {
			*by = (enum hst_group_by)i;
			return 0;
		}
	return -EINVAL;
}

const char *hst_cmp_group_by_name(enum hst_group_by by)
{
	return group_by_names[by];
}

int hst_cmp_add_flatten(struct hst_cmp_opts *o, const char *pattern, struct kt_diag *d)
{
	size_t n = strlen(pattern);
	char **p, *copy;

	while (n > 1 && pattern[n - 1] == '/')
		n--;
	if (pattern[0] != '/' || n < 2)
		return kt_diag_set(d, EINVAL, "'%s' is not a cgroup path pattern (it starts with "
					      "'/' and names at least one component)",
				   pattern);
	if (!(p = realloc(o->flatten, (o->nflatten + 1) * sizeof(*p))) ||
	    !(copy = strndup(pattern, n))) {
		if (p)
			o->flatten = p;
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	o->flatten = p;
	o->flatten[o->nflatten++] = copy;
	return 0;
}

void hst_cmp_opts_release(struct hst_cmp_opts *o)
{
	size_t i;

	for (i = 0; i < o->nflatten; i++)
		free(o->flatten[i]);
	free(o->flatten);
	o->flatten = NULL;
	o->nflatten = 0;
}

/* Length of the first k components of path ("/a/b/c", 2 -> 4), or 0 if it has fewer. */
static size_t components(const char *path, size_t k)
{
	const char *p = path;

	while (k--) {
		if (*p != '/' || !p[1])
			return 0;
		p = strchrnul(p + 1, '/');
	}
	return (size_t)(p - path);
}

const char *hst_cmp_flatten(const struct hst_cmp_opts *o, const char *path, char *buf,
			    size_t size)
{
	char prefix[4096];
	size_t i, k, len;
	const char *c;

	for (i = 0; path && i < o->nflatten; i++) {
		for (k = 0, c = o->flatten[i]; *c; c++)
			k += *c == '/';
		len = components(path, k);
		if (!len || len >= sizeof(prefix))
			continue;
		memcpy(prefix, path, len);
		prefix[len] = '\0';
		if (fnmatch(o->flatten[i], prefix, FNM_PATHNAME) != 0)
			continue;
		if ((size_t)snprintf(buf, size, "%s%s", o->flatten[i], path + len) >= size)
			continue;
		return buf;
	}
	return path;
}

void hst_result_init(struct hst_result *r)
{
	memset(r, 0, sizeof(*r));
	strtab_init(&r->strs);
}

void hst_result_release(struct hst_result *r)
{
	free(r->rows);
	strtab_release(&r->strs);
	memset(r, 0, sizeof(*r));
}

/* The result's own copy of s (NULL stays NULL); sets *err on failure. */
static const char *intern(struct hst_result *r, const char *s, int *err)
{
	int i;

	if (!s)
		return NULL;
	i = strtab_add(&r->strs, s, strlen(s));
	if (i < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	return strtab_get(&r->strs, i);
}

/* NULL (unknown) sorts before every string. */
static int cmp_key(const char *const a[2], const char *const b[2])
{
	int i, c;

	for (i = 0; i < 2; i++) {
		if (a[i] == b[i])
			continue;
		if (!a[i] || !b[i])
			return a[i] ? 1 : -1;
		if ((c = strcmp(a[i], b[i])))
			return c;
	}
	return 0;
}

struct member {
	const char *key[2];
	size_t idx;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = cmp_key(x->key, y->key);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

struct group {
	const char *key[2];
	size_t n;
	int64_t sum[HST_MAX_METRICS];
	size_t missing[HST_MAX_METRICS];
	const char *state[HST_NSTATES];
};

struct side {
	const struct hst_snap *s;
	enum hst_section sec;
	struct group *g; /* owned */
	size_t ng;
};

static void add_sat(int64_t *sum, int64_t v)
{
	*sum = *sum > INT64_MAX - v ? INT64_MAX : *sum + v;
}

static const int64_t *member_values(const struct side *sd, size_t idx)
{
	return sd->sec == HST_SEC_THREADS ? sd->s->t[idx].v : sd->s->cg[idx].v;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct values of one state over a run of members, sorted and joined. */
static const char *join_states(struct hst_result *r, const struct side *sd,
			       const struct member *m, size_t n, int st,
			       const struct hst_cmp_opts *o, int *err)
{
	const char **v = malloc(n * sizeof(*v)), *s;
	size_t i, k = 0, len = 0;
	char flat[4096], *text, *p;

	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		s = sd->s->t[m[i].idx].state[st];
		if (st == HST_ST_CGROUP && s)
			s = intern(r, hst_cmp_flatten(o, s, flat, sizeof(flat)), err);
		v[i] = s ? s : "?";
	}
	qsort(v, n, sizeof(*v), cmp_strp);
	for (i = 0; i < n; i++)
		if (!k || strcmp(v[i], v[k - 1])) {
			v[k++] = v[i];
			len += strlen(v[i]) + 3;
		}
	text = malloc(len + 1);
	if (!text) {
		free(v);
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0, p = text; i < k; i++)
		p += sprintf(p, "%s%s", i ? " | " : "", v[i]);
	s = intern(r, text, err);
	free(text);
	free(v);
	return s;
}

static void aggregate(struct hst_result *r, const struct side *sd, struct group *g,
		      const struct member *m, size_t n, const struct hst_cmp_opts *o, int *err)
{
	const int64_t *v;
	size_t i, k;
	int st;

	memset(g, 0, sizeof(*g));
	g->key[0] = m[0].key[0];
	g->key[1] = m[0].key[1];
	g->n = n;
	for (i = 0; i < n; i++) {
		v = member_values(sd, m[i].idx);
		for (k = 0; k < hst_nmetrics; k++) {
			/* states are joined below; the size gauges have no per-member value */
			if (hst_metrics[k].section != sd->sec || hst_metrics[k].kind == HST_STATE ||
			    !hst_metrics[k].source)
				continue;
			if (v[k] == HST_NONE)
				g->missing[k]++;
			else
				add_sat(&g->sum[k], v[k]);
		}
	}
	if (sd->sec == HST_SEC_THREADS)
		for (st = 0; st < HST_NSTATES; st++)
			g->state[st] = join_states(r, sd, m, n, st, o, err);
}

static void member_key(struct hst_result *r, const struct side *sd, size_t idx,
		       const struct hst_cmp_opts *o, struct member *m, int *err)
{
	const struct hst_thread *t;
	char flat[4096];

	m->idx = idx;
	m->key[1] = NULL;
	if (sd->sec == HST_SEC_CGROUPS) {
		m->key[0] = intern(r, sd->s->cg[idx].hierarchy, err);
		m->key[1] = intern(r, hst_cmp_flatten(o, sd->s->cg[idx].path, flat, sizeof(flat)),
				   err);
		return;
	}
	t = &sd->s->t[idx];
	switch (o->by) {
	case HST_BY_PCOMM_COMM:
		m->key[0] = intern(r, t->pcomm, err);
		m->key[1] = intern(r, t->comm, err);
		break;
	case HST_BY_PCOMM:
		m->key[0] = intern(r, t->pcomm, err);
		break;
	case HST_BY_COMM:
		m->key[0] = intern(r, t->comm, err);
		break;
	case HST_BY_CGROUP:
		m->key[0] = intern(
			r, hst_cmp_flatten(o, t->state[HST_ST_CGROUP], flat, sizeof(flat)), err);
		break;
	}
}

/* Sort one side's members by key and add up each run of equal keys. */
static int build_groups(struct hst_result *r, struct side *sd, const struct hst_cmp_opts *o)
{
	size_t n = sd->sec == HST_SEC_THREADS ? sd->s->nt : sd->s->ncg, i, j;
	struct member *m = malloc((n ? n : 1) * sizeof(*m));
	int err = 0;

	sd->g = malloc((n ? n : 1) * sizeof(*sd->g));
	sd->ng = 0;
	if (!m || !sd->g) {
		free(m);
		return -ENOMEM;
	}
	for (i = 0; i < n && !err; i++)
		member_key(r, sd, i, o, &m[i], &err);
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 0; i < n && !err; i = j) {
		for (j = i + 1; j < n && !cmp_key(m[i].key, m[j].key); j++)
			;
		aggregate(r, sd, &sd->g[sd->ng++], m + i, j - i, o, &err);
	}
	free(m);
	return err;
}

static struct hst_row *new_row(struct hst_result *r)
{
	struct hst_row *p;

	if (r->n == r->cap) {
		p = realloc(r->rows, (r->cap ? r->cap * 2 : 256) * sizeof(*p));
		if (!p)
			return NULL;
		r->rows = p;
		r->cap = r->cap ? r->cap * 2 : 256;
	}
	p = &r->rows[r->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void numeric_status(struct hst_row *w)
{
	if (w->val[0] != HST_NONE && w->val[1] != HST_NONE) {
		if (__builtin_sub_overflow(w->val[1], w->val[0], &w->delta))
			w->delta = w->val[1] > w->val[0] ? INT64_MAX : INT64_MIN + 1;
		w->has_delta = true;
		w->has_pct = w->val[0] != 0;
		if (w->has_pct)
			w->pct = 100.0 * (double)w->delta / (double)w->val[0];
		w->status = w->delta ? HST_CHANGED : HST_SAME;
	} else {
		w->status = w->val[0] == w->val[1] ? HST_SAME : HST_CHANGED;
	}
}

/* One row per metric of the section for a group on both sides. */
static int rows_both(struct hst_result *r, enum hst_section sec, const struct group *g[2])
{
	int count = hst_metric_count_index(sec), s;
	struct hst_row *w;
	size_t k;

	for (k = 0; k < hst_nmetrics; k++) {
		if (hst_metrics[k].section != sec)
			continue;
		if (!(w = new_row(r)))
			return -ENOMEM;
		w->section = sec;
		w->key[0] = g[0]->key[0];
		w->key[1] = g[0]->key[1];
		w->metric = (int)k;
		for (s = 0; s < 2; s++) {
			w->n[s] = g[s]->n;
			w->missing[s] = g[s]->missing[k];
			w->val[s] = (int)k == count ? (int64_t)g[s]->n
				    : g[s]->missing[k] == g[s]->n ? HST_NONE
								   : g[s]->sum[k];
			if (hst_metrics[k].kind == HST_STATE)
				w->state[s] = g[s]->state[hst_metrics[k].state];
		}
		if (hst_metrics[k].kind == HST_STATE) {
			w->val[0] = w->val[1] = HST_NONE;
			w->missing[0] = w->missing[1] = 0;
			/* interned: equal texts are the same pointer */
			w->status = w->state[0] == w->state[1] ? HST_SAME : HST_CHANGED;
		} else {
			numeric_status(w);
		}
	}
	return 0;
}

/* A group on one side only: its size row, appeared or vanished. */
static int row_one(struct hst_result *r, enum hst_section sec, const struct group *g, int side)
{
	struct hst_row *w = new_row(r);

	if (!w)
		return -ENOMEM;
	w->section = sec;
	w->key[0] = g->key[0];
	w->key[1] = g->key[1];
	w->metric = hst_metric_count_index(sec);
	w->n[side] = g->n;
	w->val[side] = (int64_t)g->n;
	w->val[!side] = HST_NONE;
	w->has_delta = true;
	w->delta = side ? (int64_t)g->n : -(int64_t)g->n;
	w->status = side ? HST_APPEARED : HST_VANISHED;
	return 0;
}

static int join(struct hst_result *r, enum hst_section sec, const struct side sd[2])
{
	size_t i = 0, j = 0;
	const struct group *g[2];
	int c, rc = 0;

	while (rc == 0 && (i < sd[0].ng || j < sd[1].ng)) {
		if (i == sd[0].ng)
			c = 1;
		else if (j == sd[1].ng)
			c = -1;
		else
			c = cmp_key(sd[0].g[i].key, sd[1].g[j].key);
		if (c < 0) {
			rc = row_one(r, sec, &sd[0].g[i++], 0);
		} else if (c > 0) {
			rc = row_one(r, sec, &sd[1].g[j++], 1);
		} else {
			g[0] = &sd[0].g[i++];
			g[1] = &sd[1].g[j++];
			rc = rows_both(r, sec, g);
		}
	}
	return rc;
}

int hst_compare(const struct hst_snap *base, const struct hst_snap *cand,
		const struct hst_cmp_opts *o, struct hst_result *r)
{
	enum hst_section sec;
	struct side sd[2];
	int rc = 0;

	for (sec = HST_SEC_THREADS; sec <= HST_SEC_CGROUPS && rc == 0; sec++) {
		sd[0] = (struct side){ base, sec, NULL, 0 };
		sd[1] = (struct side){ cand, sec, NULL, 0 };
		rc = build_groups(r, &sd[0], o);
		if (rc == 0)
			rc = build_groups(r, &sd[1], o);
		if (rc == 0)
			rc = join(r, sec, sd);
		free(sd[0].g);
		free(sd[1].g);
	}
	return rc;
}

static bool wanted(const struct hst_row *w, const struct hst_filter *f)
{
	size_t i;
	double mag;

	if (!f->all && w->status == HST_SAME)
		return false;
	if (f->nmetrics) {
		for (i = 0; i < f->nmetrics && f->metrics[i] != w->metric; i++)
			;
		if (i == f->nmetrics)
			return false;
	}
	/* the threshold is about numbers: state changes and unknowns are not held back */
	if (!f->has_min || !w->has_delta)
		return true;
	if (f->min_is_pct)
		mag = w->has_pct ? fabs(w->pct) : (w->delta ? INFINITY : 0);
	else
		mag = fabs((double)w->delta);
	return mag >= f->min_delta;
}

/*
 * The size of a change.  A cumulative counter only grows while its threads
 * live: a group's sum falls only when threads exit (or a restarted process
 * takes the key), so growth ranks first, the biggest on top, and a fall
 * after every growth.  A gauge moves both ways: its magnitude counts.
 */
static double size(const struct hst_row *w)
{
	double d = (double)w->delta;

	return hst_metrics[w->metric].kind == HST_CUMULATIVE ? d : fabs(d);
}

/* Section, then metric (registry order), then size of the change, then key. */
static int cmp_rows(const void *a, const void *b)
{
	const struct hst_row *x = *(const struct hst_row *const *)a;
	const struct hst_row *y = *(const struct hst_row *const *)b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	if (x->has_delta != y->has_delta)
		return x->has_delta ? -1 : 1;
	if (x->has_delta && size(x) != size(y))
		return size(x) > size(y) ? -1 : 1;
	if (x->has_pct != y->has_pct)
		return x->has_pct ? 1 : -1; /* from zero is the bigger change */
	if (x->has_pct && fabs(x->pct) != fabs(y->pct))
		return fabs(x->pct) > fabs(y->pct) ? -1 : 1;
	return cmp_key(x->key, y->key);
}

long hst_result_select(const struct hst_result *r, const struct hst_filter *f,
		       const struct hst_row ***out)
{
	const struct hst_row **v = malloc((r->n ? r->n : 1) * sizeof(*v));
	size_t i, n = 0, k = 0, run = 0;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->n; i++)
		if (wanted(&r->rows[i], f))
			v[n++] = &r->rows[i];
	qsort(v, n, sizeof(*v), cmp_rows);
	/* --top: the first rows of each metric */
	for (i = 0; i < n; i++) {
		run = i && v[i]->metric == v[i - 1]->metric ? run + 1 : 1;
		if (!f->top || run <= f->top)
			v[k++] = v[i];
	}
	*out = v;
	return (long)k;
}
