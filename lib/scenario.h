/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios as data: the built-in catalog (scenarios/catalog.json, embedded
 * at build time) and user files, in the one schema of ktstr-scenario(5).
 *
 *   struct scenario_set set;
 *   scenario_set_init(&set);
 *   scenario_set_load_builtin(&set, &d);
 *   scenario_set_load_file(&set, "mine.json", &d);
 *       on error the diag names the file, the scenario and the field:
 *       "mine.json: scenario 'x': steps[1].hold: unknown name at offset 0 in 'Q'"
 *   const struct scenario *s = scenario_find(&set, "cgroup_steady");
 *   json_t *l = scenario_list_json(&set.v[i]);   what `list --json` shows
 *   scenario_set_release(&set);
 *
 * Every scenario is validated completely when it is loaded (unknown fields,
 * types, names, expressions), so a run never starts with a broken one.
 * A file holds one scenario object or an array of them; a name may not be
 * used twice across the catalog and all files.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct scenario {
	const char *name;	 /* borrowed from def */
	const char *category;
	const char *description;
	unsigned requires;	 /* profile flag masks (lib/profile) */
	unsigned excludes;
	bool steady;
	json_t *def;		 /* owned; the validated scenario object */
	const char *origin;	 /* "built-in" or the file name; owned by the set */
};

struct scenario_set {
	struct scenario *v; /* owned, in load order: the catalog first */
	size_t n, cap;
	char **origins;	    /* owned */
	size_t norigins;
};

void scenario_set_init(struct scenario_set *set);
void scenario_set_release(struct scenario_set *set);
int scenario_set_load_builtin(struct scenario_set *set, struct kt_diag *d);
int scenario_set_load_file(struct scenario_set *set, const char *path, struct kt_diag *d);
int scenario_set_load_text(struct scenario_set *set, const char *text, size_t len,
			   const char *origin, struct kt_diag *d);
const struct scenario *scenario_find(const struct scenario_set *set, const char *name);
/* The name closest to a misspelt one, or NULL. */
const char *scenario_suggest(const struct scenario_set *set, const char *name);

/* {"name","category","description","kind","requires","excludes","needs","profiles"} */
json_t *scenario_list_json(const struct scenario *s);
/* Profile names in mask order joined by ", " into buf. */
int scenario_profiles_text(const struct scenario *s, char *buf, size_t size);

/* Internal to scenario*.c: validate one scenario object. */
int scenario_validate(const json_t *def, const char *origin, struct kt_diag *d);

#endif
