/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deciding that an attached BPF scheduler has left, and why, from the
 * evidence a supervisor gathers; and the "scheduler" records that report
 * it (man/ktstr-ndjson.5).  No I/O here: the caller feeds what it read.
 *
 *   struct schedwatch w;
 *   schedwatch_init(&w, "simple");          the attached ops name
 *   schedwatch_kmsg(&w, text, now_ns);      each kernel log message
 *   schedwatch_state(&w, state, now_ns);    each read of sched_ext/state
 *   schedwatch_exited(&w, now_ns);          the scheduler process exited
 *   if (schedwatch_settled(&w, now_ns))     dead, and the evidence is in
 *           rec = schedwatch_died(&w, &info);
 *   schedwatch_release(&w);
 *
 * Any one sign makes the scheduler dead: state no longer "enabled", the
 * process gone, or the kernel's "BPF scheduler "X" disabled (reason)" line.
 * The others usually follow within moments, so the verdict waits until the
 * reason is known and the process has exited (its last output often holds
 * the exit report and the debug dump), or SCHEDWATCH_GRACE_NS has passed.
 */
#ifndef KTSTR_SCHEDWATCH_H
#define KTSTR_SCHEDWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "scx.h"

#define SCHEDWATCH_GRACE_NS (2ull * 1000000000u)
#define SCHEDWATCH_KMSG_MAX 64 /* kernel lines kept from the exit on */

struct schedwatch {
	char ops[SCX_NAME_MAX];
	bool dead;
	uint64_t dead_ns;	     /* when the first sign came */
	const char *first_sign;	     /* "kmsg", "state" or "exit" */
	char reason[SCX_REASON_MAX]; /* the kernel's, "" until known */
	char *message;		     /* owned: the exit message line, NULL if none */
	enum scx_state state;
	bool state_known;
	bool exited;
	json_t *kmsg;		     /* owned: lines from the exit on */
};

/* What the supervisor knows besides the evidence, for the records. */
struct schedwatch_info {
	const char *scheduler;	/* the program's name */
	json_t *exit;		/* schedproc_exit_json(); borrowed */
	const char *log_tail;	/* the program's last output, or NULL */
	const char *dump;	/* the debug dump, or NULL */
	const char *dump_source; /* "trace" or "log" */
};

void schedwatch_init(struct schedwatch *w, const char *ops);
void schedwatch_release(struct schedwatch *w);
void schedwatch_kmsg(struct schedwatch *w, const char *text, uint64_t now_ns);
void schedwatch_state(struct schedwatch *w, enum scx_state st, uint64_t now_ns);
void schedwatch_exited(struct schedwatch *w, uint64_t now_ns);
bool schedwatch_settled(const struct schedwatch *w, uint64_t now_ns);

/* The "DEBUG DUMP" section of a scheduler's output (UEI_REPORT), malloc'ed; NULL if none. */
char *schedwatch_log_dump(const char *log);

/* Records: {"type":"scheduler","event":"attached"|"died"|"detached", ...}. */
json_t *schedwatch_attached(const char *ops, const char *scheduler, int pid, const char *kernel,
			    const json_t *labels, uint64_t attach_ns);
json_t *schedwatch_died(const struct schedwatch *w, const struct schedwatch_info *info);
json_t *schedwatch_detached(const struct schedwatch *w, const struct schedwatch_info *info,
			    bool killed);

#endif
