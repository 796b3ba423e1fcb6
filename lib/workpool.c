// SPDX-License-Identifier: GPL-2.0
/*
 * Worker groups: spawning, the start gate, changes while running.  Stopping,
 * reaping and reporting are in workpool_stop.c; the shared struct is in
 * workpool_int.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "futex.h"
#include "ktime.h"
#include "workpool_int.h"

#define READY_DEADLINE_NS (10ull * 1000000000u)
#define READY_POLL_NS (20ull * 1000000u)

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

static void group_close_pipes(struct wp_group *g)
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

	group_close_pipes(g);
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

static int add_group(struct workpool *p, struct wp_group *g)
{
	struct wp_group **n;

	if (p->ng == p->cap) {
		n = realloc(p->g, (p->cap ? p->cap * 2 : 8) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->g = n;
		p->cap = p->cap ? p->cap * 2 : 8;
	}
	p->g[p->ng++] = g;
	return 0;
}

static char *dup_or_null(const char *s, int *bad)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		*bad = 1;
	return r;
}

static struct wp_group *group_new(const struct workpool_spawn *req)
{
	struct wp_group *g = calloc(1, sizeof(*g));
	int bad = 0;
	size_t i;

	if (!g)
		return NULL;
	g->id = req->group;
	g->spec = req->spec;
	g->policy = req->policy;
	g->nice = req->nice;
	if (req->mempolicy) {
		g->mempolicy = *req->mempolicy;
		g->has_mempolicy = true;
	}
	g->scenario = dup_or_null(req->scenario, &bad);
	g->cgroup = dup_or_null(req->cgroup, &bad);
	g->procs = calloc(req->npaths + 1, sizeof(*g->procs));
	bad |= !g->procs;
	for (i = 0; !bad && i < req->npaths; i++) {
		if (asprintf(&g->procs[i], "%s/cgroup.procs", req->paths[i]) < 0) {
			g->procs[i] = NULL;
			bad = 1;
		}
		g->nprocs = i + 1;
	}
	if (bad) {
		wp_group_free(g);
		return NULL;
	}
	return g;
}

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

/* Types whose workers share a futex word (the pipes need no shared memory). */
static bool uses_sync(const struct workspec *ws)
{
	return ws->type == WT_FUTEX_PING_PONG || ws->type == WT_FUTEX_FAN_OUT ||
	       ws->type == WT_FAN_OUT_COMPUTE || ws->type == WT_MUTEX_CONTENTION;
}

static bool uses_pipes(const struct workspec *ws)
{
	return ws->type == WT_PIPE_IO || ws->type == WT_CACHE_PIPE;
}

/* One region: the sync groups first, then one page-aligned worker_shm per worker. */
static int group_alloc(struct wp_group *g, unsigned count, struct kt_diag *d)
{
	unsigned gsize = workspec_group_size(&g->spec), i;
	size_t sync = uses_sync(&g->spec) ? page_round((count / gsize) * worker_sync_size(gsize))
					  : 0;
	size_t slot = page_round(sizeof(struct worker_shm));

	g->w = calloc(count, sizeof(*g->w));
	if (!g->w)
		return kt_diag_set(d, ENOMEM, "out of memory");
	g->count = count;
	for (i = 0; i < count; i++)
		cpulist_init(&g->w[i].affinity);
	g->region_len = sync + count * slot;
	g->region = mmap(NULL, g->region_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (g->region == MAP_FAILED) {
		g->region = NULL;
		return kt_diag_set(d, errno, "cannot map %zu bytes of worker memory: %s",
				   g->region_len, strerror(errno));
	}
	for (i = 0; i < count; i++) {
		g->w[i].shm = (struct worker_shm *)(g->region + sync + i * slot);
		if (sync)
			g->w[i].setup.sync = (struct worker_sync *)(g->region +
								    (i / gsize) *
									    worker_sync_size(gsize));
		g->w[i].setup.role = i % gsize;
	}
	return 0;
}

/* Two pipes per pair: A writes ab and reads ba, B the other way round. */
static int group_pipes(struct wp_group *g, struct kt_diag *d)
{
	unsigned pair, n = g->count / 2;
	int *ab, *ba;

	g->pipes = malloc(4 * n * sizeof(int));
	if (!g->pipes)
		return kt_diag_set(d, ENOMEM, "out of memory");
	for (pair = 0; pair < n; pair++) {
		ab = &g->pipes[4 * pair];
		ba = ab + 2;
		if (pipe2(ab, O_CLOEXEC) < 0 || (g->npipes += 2, pipe2(ba, O_CLOEXEC) < 0))
			return kt_diag_set(d, errno, "cannot create pipes for %u workers: %s",
					   g->count, strerror(errno));
		g->npipes += 2;
		g->w[2 * pair].setup.wfd = ab[1];
		g->w[2 * pair].setup.rfd = ba[0];
		g->w[2 * pair + 1].setup.wfd = ba[1];
		g->w[2 * pair + 1].setup.rfd = ab[0];
	}
	return 0;
}

static int group_setups(struct workpool *p, struct wp_group *g, const struct workpool_spawn *req,
			struct kt_diag *d)
{
	unsigned gsize = workspec_group_size(&g->spec), i;
	struct worker_setup *s;
	int rc;

	for (i = 0; i < g->count; i++) {
		s = &g->w[i].setup;
		s->spec = &g->spec;
		s->index = i;
		s->shm = g->w[i].shm;
		s->gate = p->gate;
		if (!uses_pipes(&g->spec))
			s->rfd = s->wfd = -1;
		s->procs = g->procs;
		s->nprocs = g->nprocs;
		s->policy = g->policy;
		s->nice = g->nice;
		s->mempolicy = g->has_mempolicy ? &g->mempolicy : NULL;
		s->affinity = &g->w[i].affinity;
		if (!req->affinity)
			continue;
		rc = affinity_resolve(req->affinity, req->topo, i, gsize, &p->seed,
				      &g->w[i].affinity);
		if (rc < 0)
			return kt_diag_set(d, rc, "cannot resolve the affinity of worker %u: %s",
					   i, rc == -EINVAL ? "no topology" : strerror(-rc));
	}
	return 0;
}

/* Keep 0-2 (0 and 1 on /dev/null) and this worker's pipe ends; close the rest. */
static void child_fds(const struct worker_setup *s)
{
	int keep[2] = { s->rfd < s->wfd ? s->rfd : s->wfd, s->rfd < s->wfd ? s->wfd : s->rfd };
	int null = open("/dev/null", O_RDWR);
	unsigned from = 3, i;

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	for (i = 0; i < 2; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static _Noreturn void child(struct workpool *p, struct wp_group *g, unsigned i)
{
	size_t k;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != p->self)
		_exit(0); /* the parent died before PDEATHSIG was armed */
	setpgid(0, 0); /* its own group, so killpg() also takes whatever it forks */
	child_fds(&g->w[i].setup);
	for (k = 0; k < p->ng; k++)
		if (p->g[k] != g && p->g[k]->region)
			munmap(p->g[k]->region, p->g[k]->region_len);
	worker_main(&g->w[i].setup);
}

static int group_fork(struct workpool *p, struct wp_group *g, struct kt_diag *d)
{
	unsigned i;
	pid_t pid;

	for (i = 0; i < g->count; i++) {
		pid = fork();
		if (pid < 0)
			return kt_diag_set(d, errno, "cannot fork worker %u of %u: %s", i, g->count,
					   strerror(errno));
		if (pid == 0)
			child(p, g, i);
		g->w[i].pid = pid;
		g->w[i].alive = true;
	}
	return 0;
}

static bool settled(const struct wp_worker *w)
{
	return !w->alive || atomic_load(&w->shm->state) >= WORKER_READY;
}

/* Wait until every worker is ready, failed or dead; then say why any failed. */
static int group_wait_ready(struct workpool *p, struct wp_group *g, struct kt_diag *d)
{
	uint64_t deadline = ktime_now_ns() + READY_DEADLINE_NS;
	unsigned i = 0;
	uint32_t seen;

	while (i < g->count) {
		seen = atomic_load(&p->gate->ready);
		workpool_reap(p);
		for (; i < g->count && settled(&g->w[i]); i++)
			;
		if (i == g->count)
			break;
		if (ktime_now_ns() > deadline)
			return kt_diag_set(d, ETIMEDOUT, "worker %u (pid %d) was not ready after %llu s",
					   i, (int)g->w[i].pid, READY_DEADLINE_NS / 1000000000u);
		futex_wait(&p->gate->ready, seen, READY_POLL_NS);
	}
	for (i = 0; i < g->count; i++) {
		const struct worker_shm *shm = g->w[i].shm;

		if (atomic_load(&shm->state) == WORKER_FAILED)
			return kt_diag_set(d, shm->fail_errno, "worker %u (pid %d): %s: %s", i,
					   (int)g->w[i].pid, shm->fail_what,
					   strerror(shm->fail_errno));
		if (!g->w[i].alive)
			return kt_diag_set(d, ECHILD, "worker %u (pid %d) died during setup", i,
					   (int)g->w[i].pid);
	}
	return 0;
}

int workpool_spawn(struct workpool *p, const struct workpool_spawn *req, struct kt_diag *d)
{
	struct wp_group *g;
	int rc;

	if (wp_find_group(p, req->group))
		return kt_diag_set(d, EEXIST, "group %d was already spawned", req->group);
	rc = workspec_check_count(&req->spec, req->count, d);
	if (rc < 0)
		return rc;
	if (req->count > WORKPOOL_MAX_WORKERS)
		return kt_diag_set(d, E2BIG, "%u workers in one group; at most %u", req->count,
				   WORKPOOL_MAX_WORKERS);
	g = group_new(req);
	if (!g)
		return kt_diag_set(d, ENOMEM, "out of memory");
	if (add_group(p, g) < 0) {
		wp_group_free(g);
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	rc = group_alloc(g, req->count, d);
	if (!rc && uses_pipes(&g->spec))
		rc = group_pipes(g, d);
	if (!rc)
		rc = group_setups(p, g, req, d);
	if (!rc)
		rc = group_fork(p, g, d);
	group_close_pipes(g); /* the workers hold their own ends now */
	if (!rc)
		rc = group_wait_ready(p, g, d);
	if (rc < 0)
		g->failed = true;
	return rc;
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
