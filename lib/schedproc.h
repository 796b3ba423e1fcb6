/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF scheduler's process, as ktstr-sched runs it: started with its
 * output in a log, watched through a pidfd, stopped politely then firmly.
 *
 *   struct schedproc sp;
 *   schedproc_init(&sp);
 *   schedproc_start(&sp, argv, &diag);   argv[0] is a path; stdin /dev/null,
 *                                        stdout+stderr into an anonymous log
 *   poll(sp.pidfd, POLLIN) -> schedproc_reap(&sp)   1 once it has exited
 *   tail = schedproc_log_tail(&sp, 4096);           malloc'ed, NUL-terminated
 *   schedproc_stop(&sp, grace_ns);       SIGINT, wait up to grace, SIGKILL
 *   schedproc_release(&sp);              kills what is left, closes fds
 *
 * The scheduler runs in a process group of its own, and stop and release
 * signal the whole group: a scheduler started through a wrapper script
 * (which runs the real one as its child) is stopped too, and nothing it
 * forked is left behind.  The scheduler dies with its parent
 * (PR_SET_PDEATHSIG), so a killed ktstr-sched never leaves a directly
 * started BPF scheduler attached.
 */
#ifndef KTSTR_SCHEDPROC_H
#define KTSTR_SCHEDPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "err.h"

struct schedproc {
	pid_t pid;     /* 0 before start */
	int pidfd;     /* readable once the process has exited; -1 when none */
	int log_fd;    /* the scheduler's stdout and stderr; -1 when none */
	bool exited;
	int status;    /* wait status, once exited */
};

void schedproc_init(struct schedproc *sp);
int schedproc_start(struct schedproc *sp, char *const argv[], struct kt_diag *d);
/* Reap without blocking: 1 when it has exited (now or before), 0 while it runs. */
int schedproc_reap(struct schedproc *sp);
/* Block until exited, at most timeout_ns (0: no limit); 1 when exited, 0 on timeout. */
int schedproc_wait(struct schedproc *sp, uint64_t timeout_ns);
/*
 * SIGINT to its group, up to grace_ns for the group to be gone, then
 * SIGKILL to the group; 1 if SIGKILL was needed.
 */
int schedproc_stop(struct schedproc *sp, uint64_t grace_ns);
/* The last max bytes of its output, from a line start; "" when it wrote nothing. */
char *schedproc_log_tail(const struct schedproc *sp, size_t max);
/* {"code":N} or {"signal":N} once exited, else null. */
json_t *schedproc_exit_json(const struct schedproc *sp);
void schedproc_release(struct schedproc *sp);

#endif
