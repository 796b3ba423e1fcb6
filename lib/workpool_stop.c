// SPDX-License-Identifier: GPL-2.0
/* Stopping, reaping and reporting workers; tearing the pool down. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktime.h"
#include "workpool_int.h"
#include "workreport.h"

#define RESIGNAL_NS (100ull * 1000000u)

static struct wp_worker *find_pid(struct workpool *p, pid_t pid)
{
	size_t i;
	unsigned j;

	for (i = 0; i < p->ng; i++)
		for (j = 0; j < p->g[i]->count; j++)
			if (p->g[i]->w[j].alive && p->g[i]->w[j].pid == pid)
				return &p->g[i]->w[j];
	return NULL;
}

/*
 * Reap one exited worker.  Its process group is killed first, while the
 * zombie still holds the group id, so nothing it forked survives it.
 */
static void reap_pid(struct workpool *p, pid_t pid)
{
	struct wp_worker *w = find_pid(p, pid);
	struct rusage ru;
	int status;

	kill(-pid, SIGKILL);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return;
	if (!w)
		return;
	w->alive = false;
	w->status = status;
	w->ru = ru;
	w->reaped_ns = ktime_now_ns();
	if (!w->stop_sent)
		w->died_unasked = true;
}

int workpool_reap(struct workpool *p)
{
	struct signalfd_siginfo si;
	siginfo_t info;
	int n = 0;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	for (;;) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || !info.si_pid)
			break;
		reap_pid(p, info.si_pid);
		n++;
	}
	return n;
}

static bool target(const struct wp_group *g, const struct wp_worker *w,
		   const struct workpool_sel *sel)
{
	return !g->released && !w->reported && wp_selected(g, sel);
}

static void kill_now(struct workpool *p, struct wp_worker *w)
{
	kill(-w->pid, SIGKILL);
	kill(w->pid, SIGKILL);
	reap_pid(p, w->pid);
}

/* Ask (again): the flag is what counts, the signal interrupts sleeps and waits. */
static void ask(struct workpool *p, const struct workpool_sel *sel)
{
	struct wp_worker *w;
	size_t i;
	unsigned j;

	for (i = 0; i < p->ng; i++) {
		for (j = 0; j < p->g[i]->count; j++) {
			w = &p->g[i]->w[j];
			if (!target(p->g[i], w, sel) || !w->alive)
				continue;
			w->stop_sent = true;
			atomic_store(&w->shm->stop, 1);
			kill(w->pid, SIGUSR1);
		}
	}
}

static bool any_alive(const struct workpool *p, const struct workpool_sel *sel)
{
	size_t i;
	unsigned j;

	for (i = 0; i < p->ng; i++)
		for (j = 0; j < p->g[i]->count; j++)
			if (target(p->g[i], &p->g[i]->w[j], sel) && p->g[i]->w[j].alive)
				return true;
	return false;
}

/* Stop requests until all are gone or the deadline passes; then SIGKILL. */
static void stop_and_wait(struct workpool *p, const struct workpool_sel *sel)
{
	uint64_t now = ktime_now_ns(), deadline = now + WORKPOOL_STOP_DEADLINE_NS;
	uint64_t next = now + RESIGNAL_NS;
	struct pollfd pfd = { .fd = p->sigfd, .events = POLLIN };
	size_t i;
	unsigned j;

	ask(p, sel);
	workpool_reap(p);
	while (any_alive(p, sel) && (now = ktime_now_ns()) < deadline) {
		if (now >= next) {
			ask(p, sel);
			next = now + RESIGNAL_NS;
		}
		poll(&pfd, 1, (int)((next < deadline ? next : deadline) - now) / 1000000 + 1);
		workpool_reap(p);
	}
	for (i = 0; i < p->ng; i++)
		for (j = 0; j < p->g[i]->count; j++)
			if (target(p->g[i], &p->g[i]->w[j], sel) && p->g[i]->w[j].alive)
				kill_now(p, &p->g[i]->w[j]);
}

static const char *reason_of(const struct wp_worker *w, const char *reason)
{
	if (atomic_load(&w->shm->state) == WORKER_FAILED)
		return "failed";
	return w->died_unasked ? "killed" : reason;
}

static bool completed(const struct wp_worker *w)
{
	return !w->died_unasked && WIFEXITED(w->status) && WEXITSTATUS(w->status) == 0 &&
	       atomic_load(&w->shm->state) == WORKER_DONE;
}

static int report(struct wp_group *g, unsigned i, const char *reason, workpool_emit_fn emit,
		  void *arg)
{
	struct wp_worker *w = &g->w[i];
	struct workreport r = {
		.scenario = g->scenario,
		.group = g->id,
		.cgroup = g->cgroup,
		.index = i,
		.pid = w->pid,
		.spec = &g->spec,
		.policy = &g->policy,
		.nice = g->nice,
		.shm = w->shm,
		.status = w->status,
		.ru = &w->ru,
		.reaped_ns = w->reaped_ns,
		.stop_reason = reason_of(w, reason),
		.completed = completed(w),
	};
	json_t *rec = workreport_json(&r);

	return rec ? emit(arg, rec) : -ENOMEM;
}

static bool all_reported(const struct wp_group *g)
{
	unsigned j;

	for (j = 0; j < g->count; j++)
		if (!g->w[j].reported)
			return false;
	return true;
}

int workpool_stop(struct workpool *p, const struct workpool_sel *sel, const char *reason,
		  bool discard, workpool_emit_fn emit, void *arg)
{
	int incomplete = 0, rc = 0, r;
	struct wp_group *g;
	size_t i;
	unsigned j;

	if (!discard)
		stop_and_wait(p, sel);
	for (i = 0; i < p->ng; i++) {
		g = p->g[i];
		for (j = 0; j < g->count; j++) {
			if (!target(g, &g->w[j], sel))
				continue;
			if (g->w[j].alive)
				kill_now(p, &g->w[j]);
			if (!discard) {
				incomplete += !completed(&g->w[j]);
				r = report(g, j, reason, emit, arg);
				if (r < 0 && !rc)
					rc = r;
			}
			g->w[j].reported = true;
		}
		if (!g->released && all_reported(g))
			wp_group_release(g);
	}
	return rc < 0 ? rc : incomplete;
}

void workpool_free(struct workpool *p)
{
	size_t i;
	unsigned j;

	if (!p)
		return;
	for (i = 0; i < p->ng; i++) {
		for (j = 0; j < p->g[i]->count; j++)
			if (p->g[i]->w[j].alive)
				kill_now(p, &p->g[i]->w[j]);
		wp_group_free(p->g[i]);
	}
	free(p->g);
	if (p->gate)
		munmap(p->gate, sizeof(*p->gate));
	if (p->sigfd >= 0)
		close(p->sigfd);
	if (p->masked)
		sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
	free(p);
}
