/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work types' ops, one per type, and the helpers the type files share.
 * Internal to lib/work_*.c and lib/work_types.c (the table).
 *
 *   work_cpu.c     CpuSpin YieldHeavy Mixed CachePressure CacheYield PageFaultChurn
 *   work_churn.c   ForkExit NiceSweep AffinityChurn PolicyChurn
 *   work_timed.c   IoSync Bursty Sequence
 *   work_sync.c    PipeIo CachePipe FutexPingPong FutexFanOut FanOutCompute MutexContention
 */
#ifndef KTSTR_WORK_TYPES_H
#define KTSTR_WORK_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "workctx.h"

extern const struct work_ops work_cpu_spin_ops, work_yield_heavy_ops, work_mixed_ops,
	work_cache_pressure_ops, work_cache_yield_ops, work_page_fault_churn_ops;
extern const struct work_ops work_fork_exit_ops, work_nice_sweep_ops, work_affinity_churn_ops,
	work_policy_churn_ops;
extern const struct work_ops work_io_sync_ops, work_bursty_ops, work_sequence_ops;
extern const struct work_ops work_pipe_io_ops, work_cache_pipe_ops, work_futex_ping_pong_ops,
	work_futex_fan_out_ops, work_fan_out_compute_ops, work_mutex_contention_ops;

void work_no_teardown(struct wctx *c);
int work_alloc_buf(struct wctx *c, size_t len, bool prefault);
void work_free_buf(struct wctx *c);
void work_rmw(struct wctx *c, size_t stride, uint64_t steps);
int work_matrix_setup(struct wctx *c);
void work_matrix_free(struct wctx *c);
void work_matmul(struct wctx *c);
/* Nothing left to do (a partner died): sleep in 100 ms steps until told to stop. */
void work_idle(struct wctx *c);

#endif
