// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flock.h"
#include "locktable.h"
#include "lockscan.h"
#include "parse.h"
#include "paths.h"

struct entry {
	unsigned num; /* LLC index or CPU */
	char key[FLOCK_KEY_MAX + 1];
	char *path; /* owned */
};

struct section {
	enum flock_kind kind;
	const char *name; /* the snapshot member */
	struct entry *v;  /* owned */
	size_t n;
};

struct scan {
	const struct topo *t;
	struct locktable lt;
	bool lt_ok;
	json_t *errors;
};

static int add_error(json_t *errors, const char *path, const char *why)
{
	return json_array_append_new(errors, json_pack("{s:s, s:s}", "path", path, "error", why));
}

static int add_entry(struct section *s, const char *dir, const char *name, const char *key)
{
	struct entry *v = realloc(s->v, (s->n + 1) * sizeof(*v)), *e;

	if (!v)
		return -ENOMEM;
	s->v = v;
	e = &s->v[s->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	if (s->kind == FLOCK_LLC || s->kind == FLOCK_CPU)
		parse_uint(key, 0, UINT_MAX, &e->num, NULL);
	if (asprintf(&e->path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	s->n++;
	return 0;
}

/* Sort each file of dir into the first section whose naming it matches. */
static int scan_dir(struct scan *sc, const char *dir, struct section *const *secs, size_t nsecs,
		    bool missing_ok)
{
	char key[FLOCK_KEY_MAX + 1];
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;
	int rc = 0;

	if (!d) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return add_error(sc->errors, dir, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)))
		for (i = 0; i < nsecs; i++)
			if (flock_name_key(secs[i]->kind, de->d_name, key, sizeof(key)) == 0) {
				rc = add_entry(secs[i], dir, de->d_name, key);
				break;
			}
	closedir(d);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return strcmp(x->key, y->key);
}

static json_t *holders_json(const struct scan *sc, const char *path, const char **why)
{
	char cmd[LOCKTABLE_CMDLINE_MAX];
	struct lockholders h;
	json_t *arr = json_array();
	size_t i;
	int rc;

	lockholders_init(&h);
	rc = sc->lt_ok ? locktable_holders(&sc->lt, path, &h) : 0;
	if (rc < 0)
		*why = strerror(-rc);
	for (i = 0; arr && i < h.n; i++) {
		locktable_cmdline(h.v[i].pid, cmd, sizeof(cmd));
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s}", "pid", (json_int_t)h.v[i].pid,
						     "mode", h.v[i].exclusive ? "exclusive" : "shared",
						     "cmdline", cmd));
	}
	lockholders_release(&h);
	return arr;
}

/* null when the topology does not know the value. */
static json_t *opt_int(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *row_keys(const struct scan *sc, enum flock_kind kind, const struct entry *e)
{
	const struct topo *t = sc->t;
	bool known = t && e->num < t->nllcs;

	switch (kind) {
	case FLOCK_LLC:
		return json_pack("{s:i, s:o, s:o}", "llc_idx", (json_int_t)e->num, "numa_node",
				 known ? json_integer(t->llcs[e->num].node) : json_null(), "cpus",
				 known ? cpulist_to_json(&t->llcs[e->num].cpus) : json_null());
	case FLOCK_CPU:
		return json_pack("{s:i, s:o, s:o}", "cpu", (json_int_t)e->num, "numa_node",
				 opt_int(t ? topo_node_of_cpu(t, e->num) : -1), "llc_idx",
				 opt_int(t ? topo_llc_of_cpu(t, e->num) : -1));
	case FLOCK_CACHE:
		return json_pack("{s:s}", "cache_key", e->key);
	case FLOCK_RUN:
		return json_pack("{s:s}", "run_key", e->key);
	}
	return NULL;
}

static json_t *row_json(const struct scan *sc, enum flock_kind kind, const struct entry *e)
{
	json_t *row = row_keys(sc, kind, e), *holders = NULL;
	const char *why = NULL;
	struct stat st;

	if (!row)
		return NULL;
	if (stat(e->path, &st) < 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else
		holders = holders_json(sc, e->path, &why);
	if (json_object_set_new(row, "lockfile", json_string(e->path)) < 0 ||
	    json_object_set_new(row, "holders", holders ? holders : json_array()) < 0 ||
	    json_object_set_new(row, "error", why ? json_string(why) : json_null()) < 0) {
		json_decref(row);
		return NULL;
	}
	return row;
}

static int emit_section(json_t *snap, const struct scan *sc, struct section *s)
{
	json_t *arr = json_array(), *row;
	size_t i;

	if (!arr || json_object_set_new(snap, s->name, arr) < 0)
		return -ENOMEM;
	if (s->n) /* qsort(NULL, 0) is undefined */
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	for (i = 0; i < s->n; i++) {
		row = row_json(sc, s->kind, &s->v[i]);
		if (!row || json_array_append_new(arr, row) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int fill(json_t *snap, struct scan *sc, struct section *secs, size_t nsecs)
{
	struct section *in_lockdir[] = { &secs[0], &secs[1], &secs[3] }, *in_cache[] = { &secs[2] };
	char lockdir[PATH_MAX], cachedir[PATH_MAX];
	size_t i;
	int rc;

	if (flock_dir(FLOCK_LLC, lockdir, sizeof(lockdir)) < 0 ||
	    flock_dir(FLOCK_CACHE, cachedir, sizeof(cachedir)) < 0)
		return -ENAMETOOLONG;
	if (json_object_set_new(snap, "lock_dir", json_string(lockdir)) < 0 ||
	    json_object_set_new(snap, "cache_lock_dir", json_string(cachedir)) < 0)
		return -ENOMEM;
	/* a cache without .locks has simply not been used yet */
	rc = scan_dir(sc, lockdir, in_lockdir, 3, false);
	if (rc == 0)
		rc = scan_dir(sc, cachedir, in_cache, 1, true);
	for (i = 0; rc == 0 && i < nsecs; i++)
		rc = emit_section(snap, sc, &secs[i]);
	return rc;
}

json_t *lockscan_snapshot(const struct topo *t)
{
	struct section secs[] = {
		{ FLOCK_LLC, "llcs", NULL, 0 },
		{ FLOCK_CPU, "cpus", NULL, 0 },
		{ FLOCK_CACHE, "cache", NULL, 0 },
		{ FLOCK_RUN, "run_dirs", NULL, 0 },
	};
	struct scan sc = { .t = t, .errors = json_array() };
	json_t *snap = json_object();
	char procpath[PATH_MAX];
	struct kt_diag d;
	size_t i, j;
	int rc = -ENOMEM, lt_rc;

	locktable_init(&sc.lt);
	if (!snap || !sc.errors)
		goto out;
	lt_rc = locktable_load(&sc.lt, &d);
	sc.lt_ok = lt_rc == 0;
	snprintf(procpath, sizeof(procpath), "%s/locks", paths_proc());
	/* the entry names the path itself; d.msg would say it twice */
	if (!sc.lt_ok && add_error(sc.errors, procpath, strerror(-lt_rc)) < 0)
		goto out;
	rc = fill(snap, &sc, secs, sizeof(secs) / sizeof(secs[0]));
	if (rc == 0)
		rc = json_object_set(snap, "errors", sc.errors) < 0 ? -ENOMEM : 0;
out:
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		for (j = 0; j < secs[i].n; j++)
			free(secs[i].v[j].path);
		free(secs[i].v);
	}
	locktable_release(&sc.lt);
	json_decref(sc.errors);
	if (rc < 0) {
		json_decref(snap);
		errno = -rc;
		return NULL;
	}
	return snap;
}
