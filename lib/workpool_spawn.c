// SPDX-License-Identifier: GPL-2.0
/*
 * Spawning a group: one shared region (sync words, then one page per
 * worker), pipes for the pair types, fork, and the wait until every worker
 * is ready or has failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "futex.h"
#include "ktime.h"
#include "workpool_int.h"

#define READY_DEADLINE_NS (10ull * 1000000000u)
#define READY_POLL_NS (20ull * 1000000u)

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
	wp_group_close_pipes(g); /* the workers hold their own ends now */
	if (!rc)
		rc = group_wait_ready(p, g, d);
	if (rc < 0)
		g->failed = true;
	return rc;
}
