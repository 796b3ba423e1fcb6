/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to lib/workpool*.c: the pool's bookkeeping. */
#ifndef KTSTR_WORKPOOL_INT_H
#define KTSTR_WORKPOOL_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cpulist.h"
#include "worker.h"
#include "workpool.h"

struct wp_worker {
	pid_t pid;
	bool alive;	   /* forked and not reaped */
	bool stop_sent;	   /* asked to stop (before it died, if it did) */
	bool died_unasked; /* died before anyone asked it to stop */
	bool reported;
	int status;	   /* wait status, once reaped */
	struct rusage ru;
	uint64_t reaped_ns;
	struct worker_shm *shm; /* in the group's region */
	struct cpulist affinity;
	struct worker_setup setup;
};

struct wp_group {
	int id;
	char *scenario, *cgroup; /* owned; may be NULL */
	char **procs;		 /* owned: "<path>/cgroup.procs" */
	size_t nprocs;
	struct workspec spec;
	struct procattr_policy policy;
	int nice;
	struct procattr_mempolicy mempolicy;
	bool has_mempolicy;
	unsigned count;
	struct wp_worker *w; /* owned */
	unsigned char *region;	/* sync groups, then worker pages */
	size_t region_len;
	int *pipes; /* owned; the parent's copies until the workers are forked */
	size_t npipes;
	bool started, failed, released;
};

struct workpool {
	struct wp_group **g; /* owned */
	size_t ng, cap;
	struct worker_gate *gate;
	int sigfd;
	sigset_t oldmask;
	bool masked; /* SIGCHLD blocked by us; oldmask restores it */
	pid_t self;
	unsigned seed;
};

struct wp_group *wp_find_group(const struct workpool *p, int id);
bool wp_selected(const struct wp_group *g, const struct workpool_sel *sel);
void wp_group_close_pipes(struct wp_group *g);
void wp_group_release(struct wp_group *g);
void wp_group_free(struct wp_group *g);

#endif
