/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_ext as user space sees it: the sysfs directory and the kernel's log
 * lines.  No BPF here; this is what a supervisor reads to know whether a
 * BPF scheduler is attached and, when it leaves, why.
 *
 *   enum scx_state st;
 *   scx_state_read(&st);                 -ENOENT: the kernel has no sched_ext
 *   scx_ops_read(name, sizeof(name));    the attached scheduler's ops name,
 *                                        -ENOENT when none is attached
 *
 *   struct scx_kmsg m;
 *   if (scx_kmsg_parse("sched_ext: BPF scheduler \"simple\" disabled (scx_bpf_error)", &m))
 *           m.kind == SCX_KMSG_DISABLED, m.ops "simple", m.reason "scx_bpf_error"
 *   scx_exit_kind("scx_bpf_error")       "error_bpf"
 *
 * Paths are under paths_sysfs() (KTSTR_SYSFS_ROOT), so tests use fake trees.
 * The reason strings and their exit kinds are the kernel's
 * (kernel/sched/ext.c, scx_exit_reason()); an unknown reason is kind
 * "unknown", never a guess.
 */
#ifndef KTSTR_SCX_H
#define KTSTR_SCX_H

#include <stdbool.h>
#include <stddef.h>

enum scx_state {
	SCX_STATE_DISABLED,
	SCX_STATE_ENABLING,
	SCX_STATE_ENABLED,
	SCX_STATE_DISABLING,
	SCX_STATE_UNKNOWN, /* a word this code does not know */
};

#define SCX_NAME_MAX 128
#define SCX_REASON_MAX 128

/* /sys/kernel/sched_ext/state; 0, -ENOENT without sched_ext, or -errno. */
int scx_state_read(enum scx_state *st);
const char *scx_state_name(enum scx_state st);
/* /sys/kernel/sched_ext/root/ops into buf; -ENOENT when no scheduler is attached. */
int scx_ops_read(char *buf, size_t size);

/* The exit kind for one of the kernel's reason strings: "error_bpf", ..., or "unknown". */
const char *scx_exit_kind(const char *reason);
/* Does a kind mean the scheduler failed (error, error_bpf, stall), as opposed to leaving? */
bool scx_exit_kind_is_error(const char *kind);

enum scx_kmsg_kind {
	SCX_KMSG_NONE,	   /* not a sched_ext line */
	SCX_KMSG_ENABLED,  /* BPF scheduler "X" enabled */
	SCX_KMSG_DISABLED, /* BPF scheduler "X" disabled (reason) */
	SCX_KMSG_MESSAGE,  /* "X: message": the exit message after an error */
	SCX_KMSG_OTHER,	   /* any other "sched_ext: ..." line */
};

struct scx_kmsg {
	enum scx_kmsg_kind kind;
	char ops[SCX_NAME_MAX];	     /* ENABLED, DISABLED, MESSAGE */
	char reason[SCX_REASON_MAX]; /* DISABLED */
	const char *text;	     /* MESSAGE: points into the parsed line */
};

/* Classify one kernel log message (the text after the kmsg header); returns m->kind. */
enum scx_kmsg_kind scx_kmsg_parse(const char *line, struct scx_kmsg *m);

#endif
