// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hst_report.h"

#define NCOLS 9
#define MAX_CELL 60 /* state texts longer than this are cut in the table, not in JSON */

static const char *const status_names[] = { "same", "changed", "appeared", "vanished" };

static const char *kind_name(enum hst_kind k)
{
	return k == HST_CUMULATIVE ? "cumulative" : k == HST_GAUGE ? "gauge" : "state";
}

/* ---- host facts that differ ---- */

static void add_change(json_t *out, const char *field, json_t *a, json_t *b)
{
	json_array_append_new(out, json_pack("{s:s, s:O, s:O}", "field", field, "baseline",
					     a ? a : json_null(), "candidate",
					     b ? b : json_null()));
}

/* Members of a and b that differ; objects are compared one level down ("sched_ext.ops"). */
static void diff_objects(json_t *out, const char *prefix, json_t *a, json_t *b, int depth)
{
	const char *key;
	json_t *va, *vb, *keys = json_array();
	char field[256];
	size_t i;

	json_object_foreach(a, key, va)
		json_array_append_new(keys, json_string(key));
	json_object_foreach(b, key, vb)
		if (!json_object_get(a, key))
			json_array_append_new(keys, json_string(key));
	for (i = 0; i < json_array_size(keys); i++) {
		key = json_string_value(json_array_get(keys, i));
		va = json_object_get(a, key);
		vb = json_object_get(b, key);
		snprintf(field, sizeof(field), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (depth == 0 && json_is_object(va) && json_is_object(vb))
			diff_objects(out, field, va, vb, 1);
		else if (!json_equal(va ? va : json_null(), vb ? vb : json_null()))
			add_change(out, field, va, vb);
	}
	json_decref(keys);
}

static json_t *host_changes(const struct hst_report *rep)
{
	json_t *out = json_array(), *empty = json_object();
	json_t *a = (json_t *)rep->snap[0]->host, *b = (json_t *)rep->snap[1]->host;

	diff_objects(out, "", a ? a : empty, b ? b : empty, 0);
	json_decref(empty);
	return out;
}

/* ---- text ---- */

/* Printable form of s: control characters escaped, cut at max characters with "...". */
static char *display(const char *s, size_t max)
{
	size_t n = strlen(s), chars = 0, o = 0;
	char *out = malloc(n * 4 + 4);
	const unsigned char *p;

	if (!out)
		return NULL;
	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) != 0x80 && chars++ == max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)sprintf(out + o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
	return out;
}

/* Characters on screen: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static char *value_cell(const struct hst_row *w, int side)
{
	if (hst_metrics[w->metric].kind == HST_STATE)
		return display(w->state[side] ? w->state[side] : "-", MAX_CELL);
	if (w->val[side] == HST_NONE)
		return fmt("-");
	return fmt("%" PRId64 "%s", w->val[side], w->missing[side] ? "*" : "");
}

static char *delta_cell(const struct hst_row *w)
{
	if (w->status == HST_APPEARED || w->status == HST_VANISHED)
		return fmt("%s", status_names[w->status]);
	if (hst_metrics[w->metric].kind == HST_STATE)
		return fmt("%s", status_names[w->status]);
	return w->has_delta ? fmt("%+" PRId64, w->delta) : fmt("-");
}

/* The cells of one row; key columns first (one or two). */
static int row_cells(const struct hst_row *w, int nkeys, char **c)
{
	int k, i = 0;

	for (k = 0; k < nkeys; k++)
		c[i++] = display(w->key[k] ? w->key[k] : "?", 1000);
	c[i++] = w->n[0] == w->n[1] ? fmt("%zu", w->n[0]) : fmt("%zu->%zu", w->n[0], w->n[1]);
	c[i++] = fmt("%s", hst_metrics[w->metric].name);
	c[i++] = value_cell(w, 0);
	c[i++] = value_cell(w, 1);
	c[i++] = delta_cell(w);
	c[i++] = w->has_pct ? fmt("%+.1f%%", w->pct) : fmt("-");
	for (k = 0; k < i; k++)
		if (!c[k])
			return -ENOMEM;
	return i;
}

static int key_headers(const struct hst_report *rep, enum hst_section sec, const char **h)
{
	static const char *const by[][2] = {
		{ "PCOMM", "COMM" }, { "PCOMM", NULL }, { "COMM", NULL }, { "CGROUP", NULL },
	};

	if (sec == HST_SEC_CGROUPS) {
		h[0] = "HIERARCHY";
		h[1] = "PATH";
		return 2;
	}
	h[0] = by[rep->by][0];
	h[1] = by[rep->by][1];
	return h[1] ? 2 : 1;
}

static void print_line(FILE *f, char *const *c, int ncols, const size_t *wd)
{
	int k;

	for (k = 0; k < ncols; k++) {
		if (k == ncols - 1)
			fprintf(f, "%s\n", c[k]);
		else
			fprintf(f, "%s%*s", c[k], (int)(wd[k] - width(c[k]) + 2), "");
	}
}

/* One table: the rows of one section, columns as wide as their widest cell. */
static int print_table(FILE *f, const struct hst_report *rep, enum hst_section sec,
		       const struct hst_row *const *rows, size_t n)
{
	static const char *const tail[] = { "METRIC", "BASELINE", "CANDIDATE", "DELTA", "%" };
	const char *hk[2];
	int nkeys = key_headers(rep, sec, hk), ncols = nkeys + 6, k, rc = 0;
	char *head[NCOLS], **cells = calloc(n * NCOLS + 1, sizeof(*cells));
	size_t wd[NCOLS] = { 0 }, i;

	if (!cells)
		return -ENOMEM;
	for (k = 0; k < nkeys; k++)
		head[k] = (char *)hk[k];
	head[nkeys] = sec == HST_SEC_THREADS ? "THREADS" : "CGROUPS";
	for (k = 0; k < 5; k++)
		head[nkeys + 1 + k] = (char *)tail[k];
	for (k = 0; k < ncols; k++)
		wd[k] = width(head[k]);
	for (i = 0; i < n && rc >= 0; i++) {
		rc = row_cells(rows[i], nkeys, cells + i * NCOLS);
		for (k = 0; rc >= 0 && k < ncols; k++)
			if (width(cells[i * NCOLS + k]) > wd[k])
				wd[k] = width(cells[i * NCOLS + k]);
	}
	if (rc >= 0) {
		print_line(f, head, ncols, wd);
		for (i = 0; i < n; i++)
			print_line(f, cells + i * NCOLS, ncols, wd);
	}
	for (i = 0; i < n * NCOLS; i++)
		free(cells[i]);
	free(cells);
	return rc < 0 ? rc : 0;
}

static void print_when(FILE *f, const char *label, const struct hst_report *rep, int side)
{
	const struct hst_snap *s = rep->snap[side];
	time_t t = (time_t)(s->realtime_ns / 1000000000);
	struct tm tm;
	char when[64] = "unknown time";

	if (s->realtime_ns != HST_NONE && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "%-9s %s: %zu threads, captured %s", label, rep->path[side], s->nt, when);
	if (side == 1 && s->realtime_ns != HST_NONE && rep->snap[0]->realtime_ns != HST_NONE)
		fprintf(f, " (%+.3f s)",
			(double)(s->realtime_ns - rep->snap[0]->realtime_ns) / 1e9);
	fputc('\n', f);
}

static void print_host(FILE *f, json_t *changes)
{
	char *a, *b;
	json_t *c;
	size_t i;

	json_array_foreach(changes, i, c) {
		a = json_dumps(json_object_get(c, "baseline"), JSON_ENCODE_ANY);
		b = json_dumps(json_object_get(c, "candidate"), JSON_ENCODE_ANY);
		fprintf(f, "host      %s: %s -> %s\n",
			json_string_value(json_object_get(c, "field")), a ? a : "?", b ? b : "?");
		free(a);
		free(b);
	}
}

int hst_report_text(FILE *f, const struct hst_report *rep, const struct hst_row *const *rows,
		    size_t n)
{
	json_t *changes = host_changes(rep);
	size_t split = 0, i;
	int rc = 0, partial = 0;

	print_when(f, "baseline", rep, 0);
	print_when(f, "candidate", rep, 1);
	print_host(f, changes);
	json_decref(changes);
	fputc('\n', f);
	if (!n) {
		fprintf(f, "no differences (--all lists unchanged rows too)\n");
		return 0;
	}
	while (split < n && rows[split]->section == HST_SEC_THREADS)
		split++;
	for (i = 0; i < n; i++)
		partial |= (rows[i]->val[0] != HST_NONE && rows[i]->missing[0]) ||
			   (rows[i]->val[1] != HST_NONE && rows[i]->missing[1]);
	if (split)
		rc = print_table(f, rep, HST_SEC_THREADS, rows, split);
	if (rc == 0 && split < n) {
		if (split)
			fputc('\n', f);
		rc = print_table(f, rep, HST_SEC_CGROUPS, rows + split, n - split);
	}
	if (rc == 0 && partial)
		fprintf(f, "\n* the sum leaves out members whose value could not be read\n");
	return rc;
}

/* ---- JSON ---- */

static json_t *side_json(const struct hst_report *rep, int side)
{
	const struct hst_snap *s = rep->snap[side];

	return json_pack("{s:s, s:o, s:I, s:I}", "path", rep->path[side], "realtime_ns",
			 s->realtime_ns == HST_NONE ? json_null() : json_integer(s->realtime_ns),
			 "threads", (json_int_t)s->nt, "cgroups", (json_int_t)s->ncg);
}

static json_t *num_or_null(int64_t v)
{
	return v == HST_NONE ? json_null() : json_integer(v);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void add_keys(json_t *o, const struct hst_report *rep, const struct hst_row *w)
{
	static const char *const names[][2] = {
		{ "pcomm", "comm" }, { "pcomm", NULL }, { "comm", NULL }, { "cgroup", NULL },
	};
	const char *const *k = names[rep->by];

	if (w->section == HST_SEC_CGROUPS) {
		json_object_set_new(o, "hierarchy", str_or_null(w->key[0]));
		json_object_set_new(o, "path", str_or_null(w->key[1]));
		return;
	}
	json_object_set_new(o, k[0], str_or_null(w->key[0]));
	if (k[1])
		json_object_set_new(o, k[1], str_or_null(w->key[1]));
}

static json_t *row_json(const struct hst_report *rep, const struct hst_row *w)
{
	const struct hst_metric *m = &hst_metrics[w->metric];
	json_t *o = json_object(), *b, *c;

	json_object_set_new(o, "section", json_string(w->section ? "cgroups" : "threads"));
	add_keys(o, rep, w);
	json_object_set_new(o, "metric", json_string(m->name));
	json_object_set_new(o, "kind", json_string(kind_name(m->kind)));
	json_object_set_new(o, "unit", json_string(m->unit));
	json_object_set_new(o, "members", json_pack("[I,I]", (json_int_t)w->n[0],
						     (json_int_t)w->n[1]));
	if (m->kind == HST_STATE) {
		b = str_or_null(w->state[0]);
		c = str_or_null(w->state[1]);
	} else {
		b = num_or_null(w->val[0]);
		c = num_or_null(w->val[1]);
	}
	json_object_set_new(o, "baseline", b);
	json_object_set_new(o, "candidate", c);
	json_object_set_new(o, "delta", w->has_delta ? json_integer(w->delta) : json_null());
	json_object_set_new(o, "percent", w->has_pct ? json_real(w->pct) : json_null());
	json_object_set_new(o, "missing", json_pack("[I,I]", (json_int_t)w->missing[0],
						    (json_int_t)w->missing[1]));
	json_object_set_new(o, "status", json_string(status_names[w->status]));
	return o;
}

int hst_report_json(FILE *f, const struct hst_report *rep, const struct hst_row *const *rows,
		    size_t n)
{
	json_t *root, *arr = json_array();
	size_t i;
	int rc;

	for (i = 0; arr && i < n; i++)
		json_array_append_new(arr, row_json(rep, rows[i]));
	root = json_pack("{s:o, s:o, s:s, s:o, s:o}", "baseline", side_json(rep, 0), "candidate",
			 side_json(rep, 1), "group_by", hst_cmp_group_by_name(rep->by),
			 "host_changes", host_changes(rep), "rows", arr);
	if (!root)
		return -ENOMEM;
	rc = json_dumpf(root, f, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(root);
	/* a failed write is the stream's error, for the caller to find there as with text */
	if (rc < 0 && !ferror(f))
		return -ENOMEM;
	fputc('\n', f);
	return 0;
}
