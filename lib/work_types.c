// SPDX-License-Identifier: GPL-2.0
/* Which ops run which work type. */
#include <stddef.h>

#include "work_types.h"

static const struct work_ops *const ops[WT_COUNT] = {
	[WT_CPU_SPIN] = &work_cpu_spin_ops,
	[WT_YIELD_HEAVY] = &work_yield_heavy_ops,
	[WT_MIXED] = &work_mixed_ops,
	[WT_IO_SYNC] = &work_io_sync_ops,
	[WT_BURSTY] = &work_bursty_ops,
	[WT_PIPE_IO] = &work_pipe_io_ops,
	[WT_FUTEX_PING_PONG] = &work_futex_ping_pong_ops,
	[WT_CACHE_PRESSURE] = &work_cache_pressure_ops,
	[WT_CACHE_YIELD] = &work_cache_yield_ops,
	[WT_CACHE_PIPE] = &work_cache_pipe_ops,
	[WT_FUTEX_FAN_OUT] = &work_futex_fan_out_ops,
	[WT_FORK_EXIT] = &work_fork_exit_ops,
	[WT_NICE_SWEEP] = &work_nice_sweep_ops,
	[WT_AFFINITY_CHURN] = &work_affinity_churn_ops,
	[WT_POLICY_CHURN] = &work_policy_churn_ops,
	[WT_FAN_OUT_COMPUTE] = &work_fan_out_compute_ops,
	[WT_PAGE_FAULT_CHURN] = &work_page_fault_churn_ops,
	[WT_MUTEX_CONTENTION] = &work_mutex_contention_ops,
	[WT_SEQUENCE] = &work_sequence_ops,
};

const struct work_ops *work_ops_get(enum work_type t)
{
	return t < WT_COUNT ? ops[t] : NULL;
}

void work_no_teardown(struct wctx *c)
{
	(void)c;
}
