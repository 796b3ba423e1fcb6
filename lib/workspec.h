/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work specifications: which work type a worker runs and with which
 * parameters.  The catalog (names, parameters, defaults, group sizes) is the
 * one of ktstr-work(1); every value is range-checked here, once.
 *
 *   struct workspec ws;
 *   workspec_from_name(&ws, "Bursty", &diag);        defaults filled in
 *   workspec_set_param(&ws, "sleep_ms=20", &diag);    --param k=v
 *   workspec_from_json(&ws, spawn_work, &diag);        a spawn record's "work"
 *   workspec_parse_sequence(&ws, "spin:5ms,sleep:1ms", &diag);
 *   workspec_check_count(&ws, 8, &diag);              grouped types need a multiple
 *
 * A struct workspec is plain data (no pointers): it can be copied freely
 * and is inherited by forked workers as is.
 */
#ifndef KTSTR_WORKSPEC_H
#define KTSTR_WORKSPEC_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

enum work_type {
	WT_CPU_SPIN,
	WT_YIELD_HEAVY,
	WT_MIXED,
	WT_IO_SYNC,
	WT_BURSTY,
	WT_PIPE_IO,
	WT_FUTEX_PING_PONG,
	WT_CACHE_PRESSURE,
	WT_CACHE_YIELD,
	WT_CACHE_PIPE,
	WT_FUTEX_FAN_OUT,
	WT_FORK_EXIT,
	WT_NICE_SWEEP,
	WT_AFFINITY_CHURN,
	WT_POLICY_CHURN,
	WT_FAN_OUT_COMPUTE,
	WT_PAGE_FAULT_CHURN,
	WT_MUTEX_CONTENTION,
	WT_SEQUENCE,
	WT_COUNT,
};

/* Every parameter of every type; a type uses a few of them (see the catalog). */
enum work_param {
	WP_BURST_MS,
	WP_SLEEP_MS,
	WP_BURST_ITERS,
	WP_SPIN_ITERS,
	WP_SIZE_KB,
	WP_STRIDE,
	WP_FAN_OUT,
	WP_CACHE_FOOTPRINT_KB,
	WP_OPERATIONS,
	WP_SLEEP_USEC,
	WP_REGION_KB,
	WP_TOUCHES_PER_CYCLE,
	WP_CONTENDERS,
	WP_HOLD_ITERS,
	WP_WORK_ITERS,
	WP_WAKE_DELAY_US,
	WP_COUNT,
};

enum work_phase_kind {
	PHASE_SPIN,
	PHASE_SLEEP,
	PHASE_YIELD,
	PHASE_IO,
};

#define WORKSPEC_MAX_PHASES 32

struct work_phase {
	enum work_phase_kind kind;
	uint64_t ns;
};

struct workspec {
	enum work_type type;
	uint64_t param[WP_COUNT]; /* only the type's own parameters are meaningful */
	unsigned nphases;	  /* Sequence only */
	struct work_phase phase[WORKSPEC_MAX_PHASES];
};

/* Case-sensitive name lookup; the message suggests the closest name. */
int workspec_from_name(struct workspec *ws, const char *name, struct kt_diag *d);
const char *workspec_type_name(enum work_type t);
/* "k=v" with a decimal integer v, for a parameter of ws's type. */
int workspec_set_param(struct workspec *ws, const char *kv, struct kt_diag *d);
/* {"type":T,"params":{...}} or {"type":"Sequence","phases":[{"kind":K,"ns":N},...]} */
int workspec_from_json(struct workspec *ws, const json_t *work, struct kt_diag *d);
/* "spin:5ms,sleep:1ms,yield:2ms,io:1ms": makes ws a Sequence. */
int workspec_parse_sequence(struct workspec *ws, const char *s, struct kt_diag *d);
json_t *workspec_to_json(const struct workspec *ws);

/* Workers that share a pipe, futex word or lock: 1 for ungrouped types. */
unsigned workspec_group_size(const struct workspec *ws);
int workspec_check_count(const struct workspec *ws, unsigned count, struct kt_diag *d);
/* Does a worker of this type, in this role, ever wait to be woken? */
bool workspec_wakes(const struct workspec *ws, bool messenger);
/* Is worker `index` the messenger of a fan-out group? */
bool workspec_is_messenger(const struct workspec *ws, unsigned index);

#endif
