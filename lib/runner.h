/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ktstr-cgroup run`: which scenario runs to make, and making them.
 *
 *   struct runner r;
 *   runner_init(&r, &set, &opts);
 *   runner_select(&r, &d);          --filter/--scenario/--flags -> r.items
 *   runner_read_topo(&r, &d);       forward input until the topo record
 *   runner_check_topo(&r, &d);      unless a dry run: are its CPUs ours?
 *   runner_run(&r, tree, &d);       tree NULL: dry run
 *   runner_release(&r);
 *
 * Order of runs: scenario by scenario in catalog order (then the scenario
 * files in the order given), and for each scenario its profiles in mask
 * order, so the runs of one scenario sit together.  (The reference sorts
 * all runs by profile name instead.)  With --flags, each scenario runs that
 * one profile, or gets a skip record saying which of its required or
 * excluded flags the profile violates.
 */
#ifndef KTSTR_RUNNER_H
#define KTSTR_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "err.h"
#include "ndjson.h"
#include "scenario.h"
#include "topo.h"

struct runner_opts {
	uint64_t duration_ms;
	uint64_t settle_ms;
	unsigned workers;
	const char *work_type;	/* NULL: as the scenarios say */
	bool flags_given;
	unsigned flags;		/* the --flags profile */
	const char *filter;	/* substring of the name, or NULL */
	const char *category;	/* exactly this category, or NULL */
	const char *parent;	/* the run's parent cgroup name, "ktstr-<pid>" */
	char **names;		/* --scenario NAME or NAME/PROFILE, exact */
	size_t nnames;
	bool dry_run;
};

struct runner_item {
	const struct scenario *s;
	unsigned mask;
	char why[128]; /* non-empty: the profile does not fit the scenario */
};

struct runner {
	const struct scenario_set *set;
	const struct runner_opts *o;
	struct runner_item *items; /* owned */
	size_t n;
	struct topo topo;
	bool have_topo;
	struct cgroup_backend backend;
	struct ndjson_reader in;
	struct ndjson_writer out;
	unsigned errors;	    /* scenarios that could not be carried out */
};

void runner_init(struct runner *r, const struct scenario_set *set, const struct runner_opts *o);
void runner_release(struct runner *r);
int runner_select(struct runner *r, struct kt_diag *d);
int runner_read_topo(struct runner *r, struct kt_diag *d);
/* A real run needs the topology's CPUs to be ones this host's cgroups offer. */
int runner_check_topo(const struct runner *r, struct kt_diag *d);
/* 0 when every run was made (check r->errors), else -EINTR, -EPIPE, -EBADMSG. */
int runner_run(struct runner *r, struct cgroup_tree *tree, struct kt_diag *d);

#endif
