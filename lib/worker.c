// SPDX-License-Identifier: GPL-2.0
/*
 * The worker's life: setup, ready, the start gate, the loop, the final
 * measurements.  The work types themselves are in lib/work_*.c.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "file.h"
#include "futex.h"
#include "ktime.h"
#include "paths.h"
#include "procstat.h"
#include "workctx.h"

#define PLACE_TRIES 5
#define PLACE_RETRY_NS (20 * 1000000ull)

int wk_fail(struct wctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->shm->fail_what, sizeof(c->shm->fail_what), fmt, ap);
	va_end(ap);
	c->shm->fail_errno = err < 0 ? -err : err;
	return err < 0 ? err : -err;
}

void wk_note_gap(struct wctx *c, uint64_t gap)
{
	c->shm->max_gap_ns = gap;
	c->shm->max_gap_cpu = c->cpu;
	c->shm->max_gap_at_ns = c->last_ns - c->shm->start_ns;
}

void worker_usage_from_rusage(struct worker_usage *u, const struct rusage *ru)
{
	u->cpu_ns = ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) * 1000000000u +
		    ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) * 1000u;
	u->vcsw = (uint64_t)ru->ru_nvcsw;
	u->ivcsw = (uint64_t)ru->ru_nivcsw;
	u->minflt = (uint64_t)ru->ru_minflt;
	u->majflt = (uint64_t)ru->ru_majflt;
}

size_t worker_sync_size(unsigned group_size)
{
	size_t n = sizeof(struct worker_sync) + group_size * sizeof(uint64_t);

	return (n + 63) & ~(size_t)63; /* each group on its own cache lines */
}

void wk_note_cpu(struct wctx *c, int cpu)
{
	if (c->cpu >= 0)
		c->shm->migrations++;
	if (cpu >= 0 && cpu < WORKER_CPU_WORDS * 64)
		c->shm->cpus_used[cpu / 64] |= 1ull << (cpu % 64);
	c->cpu = cpu;
	c->shm->last_cpu = cpu;
}

bool wk_sleep_until(struct wctx *c, uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000u),
			       .tv_nsec = (long)(deadline % 1000000000u) };
	uint64_t now;

	wk_block(c);
	if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
		wk_resume(c, 0);
		return false;
	}
	now = wk_now();
	wk_wake(c, now > deadline ? now - deadline : 0);
	wk_resume(c, deadline);
	return true;
}

void wk_yield(struct wctx *c)
{
	wk_block(c);
	sched_yield();
	wk_resume(c, 0);
}

static void on_stop_signal(int signo)
{
	(void)signo; /* only here to interrupt blocking calls; the flag is in shm */
}

static void signals_reset(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN; /* a partner's death shows as EPIPE, not as our death */
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: waits return EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Write our pid to each cgroup.procs; a cgroup being set up may say EBUSY for a moment. */
static int place(struct wctx *c)
{
	const struct worker_setup *s = c->s;
	char pid[24];
	size_t i;
	int rc = 0, try;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (i = 0; i < s->nprocs; i++) {
		for (try = 0; try < PLACE_TRIES; try++) {
			rc = file_write_str(s->procs[i], pid);
			if (rc != -EBUSY)
				break;
			ktime_sleep_until_ns(wk_now() + PLACE_RETRY_NS);
		}
		if (rc < 0)
			return wk_fail(c, rc, "cannot write the worker's pid to '%s'", s->procs[i]);
	}
	return 0;
}

static int apply_attrs(struct wctx *c)
{
	const struct worker_setup *s = c->s;
	int rc;

	if (s->affinity && s->affinity->n) {
		rc = procattr_affinity_apply(0, s->affinity);
		if (rc < 0)
			return wk_fail(c, rc, "cannot set the CPU affinity");
	}
	rc = procattr_policy_apply(0, &s->policy);
	if (rc < 0)
		return wk_fail(c, rc, "cannot set the scheduling policy");
	rc = procattr_nice_apply(0, s->nice);
	if (rc < 0)
		return wk_fail(c, rc, "cannot set nice %d", s->nice);
	rc = s->mempolicy ? procattr_mempolicy_apply(s->mempolicy) : 0;
	if (rc < 0)
		return wk_fail(c, rc, "cannot set the memory policy");
	return 0;
}

/* Ready: tell the parent, then sleep on the gate until released (true) or stopped. */
static bool wait_for_start(struct wctx *c)
{
	struct worker_gate *g = c->s->gate;
	uint32_t seen;

	atomic_store(&c->shm->state, WORKER_READY);
	atomic_fetch_add(&g->ready, 1);
	futex_wake(&g->ready, 1);
	for (;;) {
		seen = atomic_load(&g->gate);
		if (atomic_load(&c->shm->release))
			return true;
		if (atomic_load(&c->shm->stop))
			return false;
		futex_wait(&g->gate, seen, 0);
	}
}

/* Add one getrusage(2) view to u. */
static void usage_add(int who, struct worker_usage *u)
{
	struct rusage ru;
	struct worker_usage x;

	getrusage(who, &ru);
	worker_usage_from_rusage(&x, &ru);
	u->cpu_ns += x.cpu_ns;
	u->vcsw += x.vcsw;
	u->ivcsw += x.ivcsw;
	u->minflt += x.minflt;
	u->majflt += x.majflt;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct snapshot {
	uint64_t cpu_ns;
	struct procstat_sched sched;
	bool sched_ok;
	struct worker_usage self;
};

static void snapshot_take(struct snapshot *s, const char *schedstat)
{
	s->sched_ok = procstat_schedstat_read(schedstat, &s->sched) == 0;
	memset(&s->self, 0, sizeof(s->self));
	usage_add(RUSAGE_SELF, &s->self);
	s->cpu_ns = thread_cpu_ns();
}

/* The loop's deltas, the peak RSS and the NUMA placement, into shm->res. */
static void finish(struct wctx *c, const struct snapshot *s0, const char *schedstat,
		   const char *numa_maps)
{
	struct worker_result *r = &c->shm->res;
	uint64_t end = wk_now();
	struct snapshot s1;
	struct rusage ru;

	snapshot_take(&s1, schedstat);
	r->wall_time_ns = end - c->shm->start_ns;
	r->cpu_time_ns = s1.cpu_ns - s0->cpu_ns;
	r->schedstat_ok = s0->sched_ok && s1.sched_ok;
	r->run_delay_ns = s1.sched.run_delay_ns - s0->sched.run_delay_ns;
	r->timeslices = s1.sched.timeslices - s0->sched.timeslices;
	r->vcsw = s1.self.vcsw - s0->self.vcsw;
	r->ivcsw = s1.self.ivcsw - s0->self.ivcsw;
	r->minflt = s1.self.minflt - s0->self.minflt;
	r->majflt = s1.self.majflt - s0->self.majflt;
	getrusage(RUSAGE_SELF, &ru);
	r->rss_kb = (uint64_t)ru.ru_maxrss;
	r->numa_ok = procstat_numa_pages_read(numa_maps, r->numa_pages, WORKER_MAX_NODES) == 0;
	c->shm->work_units = c->units;
}

static void ctx_init(struct wctx *c, const struct worker_setup *s)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->ws = s->spec;
	c->shm = s->shm;
	c->io_fd = -1;
	c->cpu = -1;
}

_Noreturn void worker_main(const struct worker_setup *s)
{
	const struct work_ops *ops = work_ops_get(s->spec->type);
	char schedstat[256], numa_maps[256];
	struct snapshot s0;
	struct wctx c;

	ctx_init(&c, s);
	signals_reset();
	prctl(PR_SET_TIMERSLACK, 1ul); /* timer slack would pad every sleep's wake-up */
	snprintf(schedstat, sizeof(schedstat), "%s/self/schedstat", paths_proc());
	snprintf(numa_maps, sizeof(numa_maps), "%s/self/numa_maps", paths_proc());
	if (place(&c) < 0 || apply_attrs(&c) < 0 || ops->setup(&c) < 0) {
		atomic_store(&c.shm->state, WORKER_FAILED);
		futex_wake(&s->gate->ready, 1);
		_exit(3);
	}
	if (!wait_for_start(&c)) {
		ops->teardown(&c);
		_exit(0);
	}
	/* wait4() reports self + reaped children, so the killed-worker path needs both */
	usage_add(RUSAGE_SELF, &c.shm->start_all);
	usage_add(RUSAGE_CHILDREN, &c.shm->start_all);
	snapshot_take(&s0, schedstat);
	c.shm->start_ns = c.last_ns = wk_now();
	wk_note_cpu(&c, sched_getcpu());
	atomic_store(&c.shm->state, WORKER_RUNNING);
	ops->run(&c);
	finish(&c, &s0, schedstat, numa_maps);
	ops->teardown(&c);
	atomic_store(&c.shm->state, WORKER_DONE);
	_exit(0);
}
