// SPDX-License-Identifier: GPL-2.0
/*
 * The pool and its groups: creation, the start gate, changes while workers
 * run.  Spawning is in workpool_spawn.c; stopping, reaping and reporting in
 * workpool_stop.c; the shared structs in workpool_int.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "futex.h"
#include "ktime.h"
#include "workpool_int.h"

/* Pipes must never land on 0-2, and workers get /dev/null there. */
static int std_fds_open(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

struct workpool *workpool_new(struct kt_diag *d)
{
	struct workpool *p = calloc(1, sizeof(*p));
	sigset_t chld;
	int rc;

	if (!p)
		return NULL;
	p->sigfd = -1;
	p->self = getpid();
	p->seed = (unsigned)ktime_now_ns() ^ (unsigned)p->self;
	rc = std_fds_open();
	if (rc < 0) {
		kt_diag_set(d, rc, "cannot open /dev/null: %s", strerror(-rc));
		goto fail;
	}
	p->gate = mmap(NULL, sizeof(*p->gate), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (p->gate == MAP_FAILED) {
		p->gate = NULL;
		kt_diag_set(d, errno, "cannot map the start gate: %s", strerror(errno));
		goto fail;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &p->oldmask);
	p->masked = true;
	p->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (p->sigfd < 0) {
		kt_diag_set(d, errno, "cannot make a signalfd for SIGCHLD: %s", strerror(errno));
		goto fail;
	}
	return p;
fail:
	workpool_free(p);
	return NULL;
}

int workpool_fd(const struct workpool *p)
{
	return p->sigfd;
}

struct wp_group *wp_find_group(const struct workpool *p, int id)
{
	size_t i;

	for (i = 0; i < p->ng; i++)
		if (p->g[i]->id == id)
			return p->g[i];
	return NULL;
}

void wp_group_close_pipes(struct wp_group *g)
{
	size_t i;

	for (i = 0; i < g->npipes; i++)
		if (g->pipes[i] >= 0)
			close(g->pipes[i]);
	free(g->pipes);
	g->pipes = NULL;
	g->npipes = 0;
}

/* Drop the memory and fds of a group whose workers are all reaped and reported. */
void wp_group_release(struct wp_group *g)
{
	unsigned i;

	wp_group_close_pipes(g);
	if (g->region)
		munmap(g->region, g->region_len);
	g->region = NULL;
	for (i = 0; g->w && i < g->count; i++)
		cpulist_release(&g->w[i].affinity);
	free(g->w);
	g->w = NULL;
	g->count = 0;
	g->released = true;
}

void wp_group_free(struct wp_group *g)
{
	size_t i;

	if (!g)
		return;
	wp_group_release(g);
	for (i = 0; i < g->nprocs; i++)
		free(g->procs[i]);
	free(g->procs);
	free(g->scenario);
	free(g->cgroup);
	free(g);
}

int workpool_start(struct workpool *p, const int *groups, size_t n, struct kt_diag *d)
{
	struct wp_group *g;
	size_t i, k;
	unsigned j;

	for (k = 0; k < n; k++)
		if (!wp_find_group(p, groups[k]))
			return kt_diag_set(d, ENOENT, "start names group %d, which was never spawned",
					   groups[k]);
	for (i = 0; i < p->ng; i++) {
		g = p->g[i];
		for (k = 0; k < n && g->id != groups[k]; k++)
			;
		if (g->started || g->released || (n && k == n))
			continue;
		g->started = true;
		for (j = 0; j < g->count; j++)
			atomic_store(&g->w[j].shm->release, 1);
	}
	/* one bump and one wake: every released worker leaves the gate at once */
	atomic_fetch_add(&p->gate->gate, 1);
	futex_wake(&p->gate->gate, INT_MAX);
	return 0;
}

bool wp_selected(const struct wp_group *g, const struct workpool_sel *sel)
{
	size_t k;

	switch (sel->kind) {
	case WORKPOOL_SEL_ALL:
		return true;
	case WORKPOOL_SEL_GROUPS:
		for (k = 0; k < sel->ngroups; k++)
			if (sel->groups[k] == g->id)
				return true;
		return false;
	case WORKPOOL_SEL_CGROUP:
		return g->cgroup && !strcmp(g->cgroup, sel->name);
	case WORKPOOL_SEL_SCENARIO:
		return g->scenario && !strcmp(g->scenario, sel->name);
	}
	return false;
}

int workpool_check_sel(const struct workpool *p, const struct workpool_sel *sel,
		       struct kt_diag *d)
{
	size_t i, k;

	if (sel->kind == WORKPOOL_SEL_GROUPS) {
		for (k = 0; k < sel->ngroups; k++)
			if (!wp_find_group(p, sel->groups[k]))
				return kt_diag_set(d, ENOENT, "no group %d was spawned",
						   sel->groups[k]);
		return 0;
	}
	if (sel->kind != WORKPOOL_SEL_CGROUP)
		return 0;
	for (i = 0; i < p->ng; i++)
		if (wp_selected(p->g[i], sel))
			return 0;
	return kt_diag_set(d, ENOENT, "no workers were spawned in cgroup '%s'", sel->name);
}

static int change_one(struct workpool *p, struct wp_group *g, unsigned i,
		      const struct workpool_change *ch, struct cpulist *set)
{
	pid_t pid = g->w[i].pid;
	int rc;

	switch (ch->kind) {
	case WORKPOOL_SET_POLICY:
		return procattr_policy_apply(pid, &ch->policy);
	case WORKPOOL_SET_NICE:
		return procattr_nice_apply(pid, ch->nice);
	case WORKPOOL_SET_AFFINITY:
		break;
	}
	rc = affinity_resolve(ch->affinity, ch->topo, i, workspec_group_size(&g->spec), &p->seed,
			      set);
	if (rc < 0 || !set->n)
		return rc;
	return procattr_affinity_apply(pid, set);
}

int workpool_change(struct workpool *p, const struct workpool_sel *sel,
		    const struct workpool_change *ch, struct kt_diag *d)
{
	struct cpulist set;
	size_t i;
	unsigned j;
	int rc = 0, r;

	cpulist_init(&set);
	for (i = 0; i < p->ng; i++) {
		if (!wp_selected(p->g[i], sel))
			continue;
		/* the records show what the workers run with at stop time */
		if (ch->kind == WORKPOOL_SET_NICE)
			p->g[i]->nice = ch->nice;
		else if (ch->kind == WORKPOOL_SET_POLICY)
			p->g[i]->policy = ch->policy;
		for (j = 0; j < p->g[i]->count; j++) {
			if (!p->g[i]->w[j].alive || p->g[i]->w[j].reported)
				continue;
			r = change_one(p, p->g[i], j, ch, &set);
			/* ESRCH: it died in between; it is reported at stop */
			if (r < 0 && r != -ESRCH && !rc)
				rc = kt_diag_set(d, r, "cannot change worker %u of group %d (pid %d): %s",
						 j, p->g[i]->id, (int)p->g[i]->w[j].pid,
						 strerror(-r));
		}
	}
	cpulist_release(&set);
	return rc;
}

void workpool_rename_cgroup(struct workpool *p, const char *from, const char *to)
{
	char *n;
	size_t i;

	for (i = 0; i < p->ng; i++) {
		if (!p->g[i]->cgroup || strcmp(p->g[i]->cgroup, from))
			continue;
		n = strdup(to);
		if (!n)
			continue; /* keeps the old name; only the records would show it */
		free(p->g[i]->cgroup);
		p->g[i]->cgroup = n;
	}
}
