/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The worker: the child side of ktstr-work.  A worker is a forked process
 * that places itself, gets ready, waits at the start gate, runs its work
 * type's loop until asked to stop, measures itself and exits.  It never
 * writes to a pipe to report: every number lives in its own MAP_SHARED
 * page (struct worker_shm), updated as it runs, so the parent can report
 * even a worker that was killed mid-run.
 *
 * Parent's steps (lib/workpool.c does them):
 *   1. mmap (MAP_SHARED) one struct worker_gate for the pool, one
 *      worker_shm per worker (page-aligned, zeroed) and one worker_sync per
 *      group of workers that share a futex word or pipes.
 *   2. fork(); in the child: PR_SET_PDEATHSIG, own process group, drop
 *      what belongs to other workers, then worker_main(&setup).
 *   3. wait until shm->state is WORKER_READY (gate.ready is bumped and
 *      woken each time a worker gets there) or the worker died.
 *   4. start: set shm->release of each worker to start, then bump
 *      gate.gate and FUTEX_WAKE it once: all of them go at one instant.
 *   5. stop: set shm->stop and send SIGUSR1 (it interrupts sleeps and
 *      waits); repeat the signal every 100 ms until the worker exits.
 *   6. reap; read shm (state WORKER_DONE: final numbers in shm->res).
 *
 * Exit codes of a worker: 0 done (or stopped before it started), 3 setup
 * failed (shm->fail_errno and shm->fail_what say why).
 */
#ifndef KTSTR_WORKER_H
#define KTSTR_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpulist.h"
#include "hist.h"
#include "procattr.h"
#include "workspec.h"

#define WORKER_MAX_NODES 64
#define WORKER_CPU_WORDS 64 /* cpus_used covers CPUs 0..4095 */

enum worker_state {
	WORKER_FORKED,
	WORKER_READY,
	WORKER_RUNNING,
	WORKER_DONE,
	WORKER_FAILED,
};

struct worker_gate {
	_Atomic uint32_t gate;	/* bumped once per start; waiting workers sleep on it */
	_Atomic uint32_t ready; /* bumped by each worker that is ready; the parent sleeps on it */
};

/*
 * Shared by the workers of one pair, fan-out group or lock: the futex word
 * and the CLOCK_MONOTONIC stamps wakers store just before they wake, one
 * per member (by role).  worker_sync_size() gives the bytes for a group.
 */
struct worker_sync {
	_Atomic uint32_t word; /* turn, generation or lock */
	uint32_t pad;
	_Atomic uint64_t stamp[];
};

size_t worker_sync_size(unsigned group_size);

/* Resource usage at one instant (getrusage(2) or wait4(2)). */
struct worker_usage {
	uint64_t cpu_ns; /* user + system */
	uint64_t vcsw, ivcsw;
	uint64_t minflt, majflt;
};

/* Final numbers, valid once state is WORKER_DONE. */
struct worker_result {
	uint64_t cpu_time_ns, wall_time_ns;
	uint64_t run_delay_ns, timeslices;
	uint64_t vcsw, ivcsw, minflt, majflt;
	uint64_t rss_kb;
	bool schedstat_ok, numa_ok;
	uint64_t numa_pages[WORKER_MAX_NODES];
};

struct worker_shm {
	/* parent -> worker */
	_Atomic uint32_t stop;
	_Atomic uint32_t release;
	/* worker -> parent */
	_Atomic uint32_t state;
	int32_t fail_errno;
	char fail_what[160];
	uint64_t start_ns;		/* CLOCK_MONOTONIC when the loop started */
	struct worker_usage start_all;	/* self + reaped children, for wait4() deltas */
	/* live: updated at every checkpoint, so a killed worker still has them */
	uint64_t work_units __attribute__((aligned(64)));
	uint64_t iterations;
	uint64_t max_gap_ns, max_gap_at_ns;
	int32_t max_gap_cpu, last_cpu;
	uint64_t migrations;
	uint64_t cpus_used[WORKER_CPU_WORDS];
	struct worker_result res;
	/* last and big: only the pages a waking worker touches become resident */
	struct hist wake;
};

struct worker_setup {
	const struct workspec *spec;
	unsigned index;		  /* in the spawn group */
	struct worker_shm *shm;
	struct worker_gate *gate;
	struct worker_sync *sync; /* the worker's pair/group/lock, or NULL */
	unsigned role;		  /* index within the sync group: 0 is A or the messenger */
	int rfd, wfd;		  /* pipe ends for PipeIo and CachePipe, else -1 */
	char *const *procs;	  /* cgroup.procs files to write the pid to, in order */
	size_t nprocs;
	const struct cpulist *affinity; /* empty: inherit */
	struct procattr_policy policy;
	int nice;
	const struct procattr_mempolicy *mempolicy;
};

_Noreturn void worker_main(const struct worker_setup *s);
/* The parent reads a killed worker's usage from wait4(2) in the same units. */
struct rusage;
void worker_usage_from_rusage(struct worker_usage *u, const struct rusage *ru);

#endif
