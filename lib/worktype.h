/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work types: their names, parameters with defaults, and group sizes
 * (how many workers one instance needs: 2 for a pipe pair, fan_out + 1 for
 * a fan-out, contenders for a mutex).  One table for every tool, so a
 * scenario file, --work-type and a spawn record agree on what a name means.
 *
 *   const struct worktype *wt = worktype_find("Bursty");
 *   json_t *params;
 *   worktype_params(wt, given, &params, &diag);   given: object or NULL;
 *                                                 unknown keys are errors,
 *                                                 defaults fill the rest
 *   unsigned g = worktype_group_size(wt, params);  1 for ungrouped types
 *
 * "Sequence" is a type too (its phases live outside "params"); it cannot
 * be chosen with --work-type.
 */
#ifndef KTSTR_WORKTYPE_H
#define KTSTR_WORKTYPE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define WORKTYPE_MAX_PARAMS 4

struct worktype_param {
	const char *name;
	long long dflt;
};

struct worktype {
	const char *name;
	struct worktype_param params[WORKTYPE_MAX_PARAMS];
	const char *group_param; /* group size = this param (+ group_add); NULL: fixed */
	unsigned group_add;
	unsigned group_fixed;	 /* when group_param is NULL: 1 or 2 */
	bool overridable;	 /* may be chosen with --work-type */
};

const struct worktype *worktype_find(const char *name);
/* The known name closest to a misspelt one, or NULL. */
const char *worktype_suggest(const char *name);
/* Every name, comma-separated, for error messages ("CpuSpin, YieldHeavy, ..."). */
const char *worktype_names(void);
int worktype_params(const struct worktype *wt, const json_t *given, json_t **out,
		    struct kt_diag *d);
unsigned worktype_group_size(const struct worktype *wt, const json_t *params);

#endif
