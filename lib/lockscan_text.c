// SPDX-License-Identifier: GPL-2.0
/* lockscan_print_text(): the snapshot as tables for people, built from the JSON itself. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "lockscan.h"

#define MAX_COLS 4

struct table {
	const char *title;
	const char *member;		/* in the snapshot */
	const char *keys[MAX_COLS];	/* row members, one column each */
	const char *heads[MAX_COLS + 1]; /* and HOLDERS last */
	size_t ncols;
};

static const struct table tables[] = {
	{ "LLC locks", "llcs", { "llc_idx", "numa_node", "cpus", "lockfile" },
	  { "LLC", "NODE", "CPUS", "LOCKFILE", "HOLDERS" }, 4 },
	{ "Per-CPU locks", "cpus", { "cpu", "numa_node", "llc_idx", "lockfile" },
	  { "CPU", "NODE", "LLC", "LOCKFILE", "HOLDERS" }, 4 },
	{ "Cache-entry locks", "cache", { "cache_key", "lockfile" },
	  { "KEY", "LOCKFILE", "HOLDERS" }, 2 },
	{ "Run-dir locks", "run_dirs", { "run_key", "lockfile" }, { "KEY", "LOCKFILE", "HOLDERS" },
	  2 },
};

/* One cell: numbers as numbers, CPU arrays as lists, unknown as '?'. */
static void cell(const json_t *row, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(row, key);
	struct cpulist cl;
	char *s;

	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	} else if (json_is_string(v)) {
		snprintf(buf, size, "%s", json_string_value(v));
	} else if (json_is_array(v)) {
		cpulist_init(&cl);
		s = cpulist_from_json(&cl, v, NULL) == 0 ? cpulist_format(&cl) : NULL;
		snprintf(buf, size, "%s", s ? s : "?");
		free(s);
		cpulist_release(&cl);
	} else {
		snprintf(buf, size, "?");
	}
}

static void widths(const struct table *tb, const json_t *rows, size_t *w)
{
	char buf[PATH_MAX];
	const json_t *row;
	size_t i, c;

	for (c = 0; c < tb->ncols; c++)
		w[c] = strlen(tb->heads[c]);
	json_array_foreach(rows, i, row)
		for (c = 0; c < tb->ncols; c++) {
			cell(row, tb->keys[c], buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
}

/* The HOLDERS column: one holder per line, aligned under the first. */
static void print_holders(const json_t *row, size_t indent, FILE *f)
{
	const json_t *h, *holders = json_object_get(row, "holders");
	const char *err = json_string_value(json_object_get(row, "error"));
	size_t i;

	if (err) {
		fprintf(f, "error: %s\n", err);
		return;
	}
	if (!json_array_size(holders)) {
		fprintf(f, "none\n");
		return;
	}
	json_array_foreach(holders, i, h)
		fprintf(f, "%*s%lld %-9s %s\n", i ? (int)indent : 0, "",
			(long long)json_integer_value(json_object_get(h, "pid")),
			json_string_value(json_object_get(h, "mode")),
			json_string_value(json_object_get(h, "cmdline")));
}

static void print_table(const struct table *tb, const json_t *snap, FILE *f)
{
	const json_t *rows = json_object_get(snap, tb->member), *row;
	size_t w[MAX_COLS], i, c, indent = 2;
	char buf[PATH_MAX];

	fprintf(f, "%s:\n", tb->title);
	if (!json_array_size(rows)) {
		fprintf(f, "  (none)\n");
		return;
	}
	widths(tb, rows, w);
	for (c = 0; c < tb->ncols; c++)
		indent += w[c] + 2;
	fprintf(f, "  ");
	for (c = 0; c < tb->ncols; c++)
		fprintf(f, "%-*s  ", (int)w[c], tb->heads[c]);
	fprintf(f, "%s\n", tb->heads[tb->ncols]);
	json_array_foreach(rows, i, row) {
		fprintf(f, "  ");
		for (c = 0; c < tb->ncols; c++) {
			cell(row, tb->keys[c], buf, sizeof(buf));
			fprintf(f, "%-*s  ", (int)w[c], buf);
		}
		print_holders(row, indent, f);
	}
}

void lockscan_print_text(const json_t *snap, FILE *f)
{
	const json_t *errors = json_object_get(snap, "errors"), *e;
	size_t i;

	fprintf(f, "Lock directory: %s\n\n", json_string_value(json_object_get(snap, "lock_dir")));
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (i)
			fputc('\n', f);
		print_table(&tables[i], snap, f);
	}
	if (!json_array_size(errors))
		return;
	fprintf(f, "\nErrors:\n");
	json_array_foreach(errors, i, e)
		fprintf(f, "  %s: %s\n", json_string_value(json_object_get(e, "path")),
			json_string_value(json_object_get(e, "error")));
}
