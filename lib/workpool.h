/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parent side of the workers: spawn groups of workers (fork, place,
 * wait until ready), release them at one instant, change them while they
 * run, stop them, reap them and report each one as a "worker" record.
 *
 *   struct workpool *p = workpool_new(&diag);   blocks SIGCHLD: children
 *                                               are noticed through workpool_fd()
 *   workpool_spawn(p, &req, &diag);             fork req.count workers; returns
 *                                               once each is ready or failed
 *   workpool_start(p, groups, n, &diag);        n == 0: every group not started
 *   poll(... workpool_fd(p) ...) -> workpool_reap(p);
 *   workpool_change(p, &sel, &change, &diag);   affinity, policy, nice
 *   workpool_rename_cgroup(p, "cg_0", "cg_1");  a "cgroup" move happened
 *   workpool_stop(p, &sel, "stop", false, emit, arg);
 *                                               stop request, 5 s deadline, SIGKILL
 *                                               for stragglers, then one record
 *                                               per worker through emit()
 *   workpool_free(p);                           kills and reaps whatever is left
 *
 * A worker killed by someone else is reaped when it dies and reported at
 * the next stop that covers it, with stop_reason "killed".  A worker whose
 * setup failed (placement, policy, ...) is reported with completed false
 * and its "error".  Nothing outlives workpool_free(): processes (and their
 * process groups), shared memory and pipes are released on every path.
 */
#ifndef KTSTR_WORKPOOL_H
#define KTSTR_WORKPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "affinity.h"
#include "err.h"
#include "procattr.h"
#include "topo.h"
#include "workspec.h"

#define WORKPOOL_MAX_WORKERS 4096u /* per spawn */
#define WORKPOOL_STOP_DEADLINE_NS (5ull * 1000000000u)

struct workpool;

struct workpool_spawn {
	int group;
	const char *scenario;		 /* NULL outside a scenario */
	const char *cgroup;		 /* name for the records, NULL for none */
	const char *const *paths;	 /* cgroup directories to join, in order */
	size_t npaths;
	struct workspec spec;
	unsigned count;
	struct procattr_policy policy;
	int nice;
	const struct affinity *affinity; /* NULL: inherit */
	const struct procattr_mempolicy *mempolicy; /* NULL: default */
	const struct topo *topo;	 /* for llc/cpu/random affinity */
};

enum workpool_sel_kind {
	WORKPOOL_SEL_ALL,
	WORKPOOL_SEL_GROUPS,
	WORKPOOL_SEL_CGROUP,
	WORKPOOL_SEL_SCENARIO,
};

struct workpool_sel {
	enum workpool_sel_kind kind;
	const int *groups;
	size_t ngroups;
	const char *name; /* cgroup or scenario */
};

enum workpool_change_kind {
	WORKPOOL_SET_AFFINITY,
	WORKPOOL_SET_POLICY,
	WORKPOOL_SET_NICE,
};

struct workpool_change {
	enum workpool_change_kind kind;
	const struct affinity *affinity;
	const struct topo *topo;
	struct procattr_policy policy;
	int nice;
};

/* Receives each worker record (the reference passes to the callee); 0 or -errno. */
typedef int (*workpool_emit_fn)(void *arg, json_t *rec);

struct workpool *workpool_new(struct kt_diag *d);
void workpool_free(struct workpool *p);
int workpool_fd(const struct workpool *p);

/* -EEXIST for a known group; other errors leave the group known but failed. */
int workpool_spawn(struct workpool *p, const struct workpool_spawn *req, struct kt_diag *d);
int workpool_start(struct workpool *p, const int *groups, size_t n, struct kt_diag *d);
int workpool_reap(struct workpool *p);
/* -ENOENT (with a message) when the selection names no known group or cgroup. */
int workpool_check_sel(const struct workpool *p, const struct workpool_sel *sel,
		       struct kt_diag *d);
int workpool_change(struct workpool *p, const struct workpool_sel *sel,
		    const struct workpool_change *ch, struct kt_diag *d);
void workpool_rename_cgroup(struct workpool *p, const char *from, const char *to);
/*
 * reason: "stop", "duration", "signal" or "eof".  Returns the number of
 * reported workers that did not complete, or -errno from emit().
 */
int workpool_stop(struct workpool *p, const struct workpool_sel *sel, const char *reason,
		  bool discard, workpool_emit_fn emit, void *arg);

#endif
