/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "ktstr run" executes.  The dispatcher sorts the user's arguments by
 * destination; this module turns them into the pipeline's stages:
 *
 *   host           ktstr-topo | ktstr-cgroup run ARGS | ktstr-work | ktstr-check CHECK
 *   --scheduler P  ktstr-sched --scheduler P ... -- ktstr run --stream ARGS | ktstr-check CHECK
 *   --kernel K     ktstr-vm --kernel K --topology T [-i P] --idle-timeout D
 *                       --exec "[ktstr-sched ... --label topology=T --] ktstr run --stream ARGS"
 *                  | ktstr-check CHECK
 *   --stream       any of these without the ktstr-check stage: the records themselves
 *
 *   struct runplan p;
 *   runplan_init(&p);
 *   runplan_add(&p, RUNPLAN_CGROUP, arg);   each argument, in order, by its route;
 *   runplan_add(&p, RUNPLAN_CHECK, arg);    an option of our own (RUNPLAN_OWN) is added
 *   runplan_add(&p, RUNPLAN_OWN, arg);      with its value as the next argument
 *   if (runplan_build(&p, self, &diag) < 0) a usage error: diag says which option
 *   p.stage[0..nstage-1]                    argv arrays; argv[0] is a tool's name
 *   p.host                                  runs on this machine (needs root)
 *   runplan_release(&p);
 *
 * self is the path of the running ktstr, which ktstr-sched runs again with
 * --stream on the host.  A --scheduler that is not a path is looked up in
 * paths_sched_dir(), then on PATH.
 */
#ifndef KTSTR_RUNPLAN_H
#define KTSTR_RUNPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define RUNPLAN_MAX_ARGS 256
#define RUNPLAN_MAX_STAGES 4
#define RUNPLAN_TOPOLOGY_DEFAULT "1,1,1,1"

enum runplan_dest {
	RUNPLAN_CGROUP, /* ktstr-cgroup run's options */
	RUNPLAN_CHECK,	/* ktstr-check's options */
	RUNPLAN_OWN,	/* --kernel ID, --topology N,L,C,T, --timeout DUR, --scheduler PATH,
			   --scheduler-arg ARG, --attach-timeout DUR, --stream */
	RUNPLAN_NDEST,
};

struct runplan {
	char *arg[RUNPLAN_NDEST][RUNPLAN_MAX_ARGS]; /* borrowed */
	size_t narg[RUNPLAN_NDEST];
	char **stage[RUNPLAN_MAX_STAGES];	    /* owned argv arrays */
	size_t nstage;
	bool host;
	char **owned; /* strings the stages point to */
	size_t nowned;
};

void runplan_init(struct runplan *p);
void runplan_release(struct runplan *p);
/* -E2BIG when there are too many arguments. */
int runplan_add(struct runplan *p, enum runplan_dest dest, char *arg);
int runplan_build(struct runplan *p, const char *self, struct kt_diag *d);

#endif
