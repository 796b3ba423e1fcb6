/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU reservations between concurrent ktstr runs on one host, made of lock
 * files (lib/flock) and planned by lib/cpuplan.  The caller's steps:
 *
 *   1. Parse the options into struct reserve_flags and resolve them against
 *      the environment, so every tool applies the same rules:
 *        struct reserve_flags f = { .no_perf = opt_no_perf, .cpu_cap = opt_cap,
 *                                   .lock_timeout = opt_timeout };
 *        if (reserve_config_load(&cfg, &f, &diag) < 0)
 *                return cli_usage_error(usage, "%s", diag.msg);        exit 2
 *   2. Say what the run needs and acquire it:
 *        struct reserve_request q = { .exclusive = RESERVE_LLCS };   all LLCs
 *        reserve_init(&res);
 *        rc = reserve_acquire(&res, &cfg, &topo, &q, &diag);
 *        rc == -EBUSY: peers hold it (the diag names them), -ERANGE: the
 *        request exceeds this process's CPUs, -EINTR: a stop signal while
 *        waiting, other: the lock directory is unusable.  All exit 3.
 *        res.warning, when not empty, goes to stderr once.
 *   3. Confine the run to res.cpus (cpuset.cpus) and res.mems (cpuset.mems).
 *   4. reserve_release(&res) on every way out; it closes the lock files.
 *      Exit and death by any signal also drop the locks (the kernel does).
 *
 * Modes:
 *   perf mode (the default) takes q.exclusive:
 *     RESERVE_LLCS    whole LLCs, LOCK_EX on ktstr-llc-<i>.lock; q.count
 *                     LLCs (0 = every LLC with an allowed CPU)
 *     RESERVE_CPUS    q.count CPUs (0 = all allowed), LOCK_EX on each
 *                     ktstr-cpu-<c>.lock and LOCK_SH on their LLCs, packed
 *                     into as few LLCs as possible (for VMs that need CPUs,
 *                     not caches)
 *   no-perf mode (--no-perf-mode, KTSTR_NO_PERF_MODE=1) takes LOCK_SH on the
 *   LLCs of a CPU budget: --cpu-cap / KTSTR_CPU_CAP, else q.budget_cpus
 *   (0 = every allowed CPU).  Shared holders coexist; perf runs exclude them.
 *   The budget's CPUs fill whole LLCs first, NUMA-local, the last LLC partial
 *   (see lib/cpuplan.h for the order).
 *   KTSTR_BYPASS_LLC_LOCKS=1 takes no locks at all: the plan is made as if
 *   the host were idle, res.bypassed is set and res.warning says so.
 *
 * Contention: every attempt reads /proc/locks, plans around what peers
 * hold, then takes the locks without blocking, all or nothing.  A busy
 * attempt is retried once at once (a peer may have just let go), then every
 * 100 ms until the lock timeout (default 0: fail at once).  Giving up names
 * the holders: pid and command line.
 *
 * Environment, read by reserve_config_load() only (a flag wins over its variable):
 *   KTSTR_NO_PERF_MODE      1/true/yes/on: no-perf mode; 0/false/no/off or empty: not
 *   KTSTR_CPU_CAP           like --cpu-cap; empty counts as unset
 *   KTSTR_LOCK_TIMEOUT      like --lock-timeout (100ms, 5s, 2m)
 *   KTSTR_BYPASS_LLC_LOCKS  1/true/yes/on: take no locks
 * Rules (each error names the one broken): a cap is at least 1 CPU; a cap
 * needs no-perf mode (perf mode already holds whole LLCs); a cap and the
 * bypass are mutually exclusive (a cap is a reservation).
 */
#ifndef KTSTR_RESERVE_H
#define KTSTR_RESERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cpulist.h"
#include "err.h"
#include "topo.h"

#define RESERVE_TIMEOUT_MAX_NS (24ull * 3600 * 1000000000ull)

enum reserve_mode {
	RESERVE_LLCS,	/* perf: whole LLCs, exclusive */
	RESERVE_CPUS,	/* CPUs one by one, exclusive; their LLCs shared */
	RESERVE_SHARED, /* no-perf: a CPU budget on shared LLCs */
};

/* What the command line said; NULL / false when not given. */
struct reserve_flags {
	bool no_perf;		  /* --no-perf-mode */
	const char *cpu_cap;	  /* --cpu-cap N */
	const char *lock_timeout; /* --lock-timeout DURATION */
};

struct reserve_config {
	bool no_perf;
	unsigned cpu_cap; /* 0: no cap */
	bool bypass;
	uint64_t timeout_ns;
};

struct reserve_request {
	enum reserve_mode exclusive;   /* what perf mode takes: RESERVE_LLCS or RESERVE_CPUS */
	unsigned count;		       /* LLCs or CPUs for it; 0 = all */
	unsigned budget_cpus;	       /* no-perf mode without a cap; 0 = all allowed */
	const struct cpulist *allowed; /* NULL: sched_getaffinity() of this process */
};

struct reserve {
	enum reserve_mode mode;
	bool bypassed;
	struct cpulist cpus; /* confine the run to these */
	struct cpulist mems; /* and these NUMA nodes */
	struct cpulist llcs; /* LLC indices locked (or planned, when bypassed) */
	int *fds;	     /* owned, the lock files held */
	size_t nfds;
	char warning[256]; /* "" or one line for stderr */
};

int reserve_config_load(struct reserve_config *c, const struct reserve_flags *f,
			struct kt_diag *d);

void reserve_init(struct reserve *r);
int reserve_acquire(struct reserve *r, const struct reserve_config *c, const struct topo *t,
		    const struct reserve_request *q, struct kt_diag *d);
void reserve_release(struct reserve *r);

/* "perf", "cpus" or "no-perf". */
const char *reserve_mode_name(enum reserve_mode m);
/* {"mode":..,"bypassed":..,"cpus":[..],"mems":[..],"llcs":[..],"lock_dir":..} */
json_t *reserve_to_json(const struct reserve *r);

#endif
