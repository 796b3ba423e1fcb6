// SPDX-License-Identifier: GPL-2.0
/*
 * Work types that keep changing how the kernel sees them: ForkExit,
 * NiceSweep, AffinityChurn, PolicyChurn.  See ktstr-work(1).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work_types.h"

static int no_setup(struct wctx *c)
{
	(void)c;
	return 0;
}

/*
 * Fork a child that exits at once and reap it.  Waiting for the child is an
 * intended wait; it is not a wake-latency sample, because the child's exit
 * cannot be stamped from user space (its exit work comes after its last
 * instruction), so the type reports "wake": null.
 */
static void fork_exit_run(struct wctx *c)
{
	pid_t pid;

	while (!wk_stopping(c)) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0) {
			wk_block(c);
			/* reap it even when a stop signal interrupts the wait */
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			wk_resume(c, 0);
		}
		c->units++;
		wk_iter(c);
	}
}

/* May we go below nice 0?  Probe once, as the reference does, then go back. */
static int nice_setup(struct wctx *c)
{
	c->nice_min = setpriority(PRIO_PROCESS, 0, PROCATTR_NICE_MIN) < 0 ? 0 : PROCATTR_NICE_MIN;
	if (procattr_nice_apply(0, c->s->nice) < 0)
		return wk_fail(c, -errno, "cannot restore nice %d", c->s->nice);
	return 0;
}

static void nice_sweep_run(struct wctx *c)
{
	int span = PROCATTR_NICE_MAX + 1 - c->nice_min, nice;

	while (!wk_stopping(c)) {
		nice = c->nice_min + (int)(c->shm->iterations % (uint64_t)span);
		wk_spin(c, 512);
		setpriority(PRIO_PROCESS, 0, nice);
		wk_yield(c);
		wk_iter(c);
	}
}

static void nice_teardown(struct wctx *c)
{
	procattr_nice_apply(0, c->s->nice);
}

static int affinity_setup(struct wctx *c)
{
	cpu_set_t set;
	unsigned cpu;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return wk_fail(c, -errno, "cannot read the CPU affinity");
	c->cpus = malloc(CPU_SETSIZE * sizeof(*c->cpus));
	if (!c->cpus)
		return wk_fail(c, -ENOMEM, "cannot allocate the CPU list");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			c->cpus[c->ncpus++] = cpu;
	c->rng = (uint64_t)getpid() * 2654435761u | 1;
	return 0;
}

static unsigned next_cpu(struct wctx *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->cpus[c->rng % c->ncpus];
}

/* Pin to a random allowed CPU, then yield: moving is the point, so it is an intended wait. */
static void affinity_churn_run(struct wctx *c)
{
	cpu_set_t set;

	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_SPIN_ITERS]);
		CPU_ZERO(&set);
		CPU_SET(next_cpu(c), &set);
		wk_block(c);
		sched_setaffinity(0, sizeof(set), &set);
		sched_yield();
		wk_resume(c, 0);
		wk_iter(c);
	}
}

static void affinity_teardown(struct wctx *c)
{
	free(c->cpus);
	c->cpus = NULL;
}

/* normal, batch, idle, and fifo:1 and rr:1 when a trial switch to fifo:1 works. */
static int policy_setup(struct wctx *c)
{
	static const struct procattr_policy base[] = {
		{ SCHED_OTHER, 0 }, { SCHED_BATCH, 0 }, { SCHED_IDLE, 0 },
		{ SCHED_FIFO, 1 },  { SCHED_RR, 1 },
	};
	unsigned i;

	for (i = 0; i < 5; i++)
		c->policies[i] = base[i];
	c->npolicies = procattr_policy_apply(0, &base[3]) == 0 ? 5 : 3;
	if (procattr_policy_apply(0, &c->s->policy) < 0)
		return wk_fail(c, -errno, "cannot restore the scheduling policy");
	return 0;
}

static void policy_churn_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_SPIN_ITERS]);
		procattr_policy_apply(0, &c->policies[c->shm->iterations % c->npolicies]);
		wk_yield(c);
		wk_iter(c);
	}
}

static void policy_teardown(struct wctx *c)
{
	procattr_policy_apply(0, &c->s->policy);
}

const struct work_ops work_fork_exit_ops = { no_setup, fork_exit_run, work_no_teardown };
const struct work_ops work_nice_sweep_ops = { nice_setup, nice_sweep_run, nice_teardown };
const struct work_ops work_affinity_churn_ops = { affinity_setup, affinity_churn_run,
						  affinity_teardown };
const struct work_ops work_policy_churn_ops = { policy_setup, policy_churn_run, policy_teardown };
