/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside a worker: the context the work types run with, and the cheap
 * per-iteration instrumentation they call.  Only lib/worker.c and the
 * work type files (lib/work_*.c) include this.
 *
 * A work type provides setup (before the worker reports ready), run (the
 * loop, until wk_stopping()) and teardown.  Its loop calls:
 *
 *   wk_spin(c, n)         n units of CPU work, with checkpoints every 1024
 *   wk_checkpoint(c)      progress: the gap clock, CPU and migration tracking
 *   wk_iter(c)            end of one iteration (counts it, then checkpoints)
 *   wk_checkpoint_now(c, now), wk_iter_now(c, now)
 *                         the same with a clock value just read, on hot paths
 *   wk_block(c)           about to wait on purpose (sleep, yield, pipe, futex):
 *                         a checkpoint that also returns "now"
 *   wk_resume(c, at)      back from the wait; "at" is when the worker became
 *                         runnable (the waker's stamp, the timer's expiry), or
 *                         0 for a yield: the gap clock restarts there, so
 *                         intended waiting never counts as a stall but a
 *                         woken worker that is not run does
 *   wk_wake(c, ns)        one wake-latency sample
 *
 * The gap (stall) metric: the longest interval between two checkpoints
 * that is not an intended wait.  Every work type checkpoints at least
 * every 1024 units or one bounded syscall, far below 1 ms.
 */
#ifndef KTSTR_WORKCTX_H
#define KTSTR_WORKCTX_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hist.h"
#include "spin.h"
#include "worker.h"

#define WK_SPIN_CHUNK 1024
#define WK_STOP_POLL_NS (100 * 1000000ull)

struct wctx {
	const struct worker_setup *s;
	const struct workspec *ws;
	struct worker_shm *shm;
	uint64_t units;	  /* published to shm at every checkpoint */
	uint64_t last_ns; /* the gap clock */
	int cpu;
	/* per-type state, set up before the start */
	int io_fd;
	unsigned char *buf;
	size_t buf_len;
	uint64_t *mat;
	unsigned mat_n;
	uint64_t rng;
	int nice_min;
	unsigned *cpus;
	unsigned ncpus;
	struct procattr_policy policies[5];
	unsigned npolicies;
};

struct work_ops {
	int (*setup)(struct wctx *c); /* 0 or -errno with shm->fail_what filled */
	void (*run)(struct wctx *c);
	void (*teardown)(struct wctx *c);
};

/* lib/work_types.c: the ops of each type. */
const struct work_ops *work_ops_get(enum work_type t);

/* lib/worker.c: the slow paths of a checkpoint, and setup failure reports. */
void wk_note_gap(struct wctx *c, uint64_t gap);
void wk_note_cpu(struct wctx *c, int cpu);
int wk_fail(struct wctx *c, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline uint64_t wk_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline bool wk_stopping(const struct wctx *c)
{
	return atomic_load_explicit(&c->shm->stop, memory_order_relaxed) != 0;
}

/* A checkpoint at a time the caller has just read (saves a clock read on hot paths). */
static inline void wk_checkpoint_now(struct wctx *c, uint64_t now)
{
	uint64_t gap = now - c->last_ns;
	int cpu = sched_getcpu();

	if (gap > c->shm->max_gap_ns && now > c->last_ns)
		wk_note_gap(c, gap);
	if (cpu != c->cpu)
		wk_note_cpu(c, cpu);
	c->last_ns = now;
	c->shm->work_units = c->units;
}

static inline uint64_t wk_checkpoint_at(struct wctx *c)
{
	uint64_t now = wk_now();

	wk_checkpoint_now(c, now);
	return now;
}

static inline void wk_checkpoint(struct wctx *c)
{
	wk_checkpoint_at(c);
}

static inline void wk_iter(struct wctx *c)
{
	c->shm->iterations++;
	wk_checkpoint_at(c);
}

static inline void wk_iter_now(struct wctx *c, uint64_t now)
{
	c->shm->iterations++;
	wk_checkpoint_now(c, now);
}

static inline uint64_t wk_block(struct wctx *c)
{
	return wk_checkpoint_at(c);
}

static inline void wk_resume(struct wctx *c, uint64_t at)
{
	if (!at)
		at = wk_now();
	if (at > c->last_ns)
		c->last_ns = at;
}

static inline void wk_wake(struct wctx *c, uint64_t ns)
{
	hist_add(&c->shm->wake, ns);
}

/* n units in chunks, checkpointing between chunks; stops early when asked to. */
static inline void wk_spin(struct wctx *c, uint64_t n)
{
	uint64_t k;

	while (n) {
		k = n < WK_SPIN_CHUNK ? n : WK_SPIN_CHUNK;
		c->units = spin_units(c->units, k);
		n -= k;
		if (n) {
			wk_checkpoint(c);
			if (wk_stopping(c))
				return;
		}
	}
}

/*
 * Sleep until deadline (CLOCK_MONOTONIC); a signal (the stop request) cuts
 * it short.  Returns true when it slept the whole time, after recording the
 * overshoot past the deadline as a wake sample.
 */
bool wk_sleep_until(struct wctx *c, uint64_t deadline);
/* Yield the CPU; the time away is an intended wait. */
void wk_yield(struct wctx *c);

#endif
