/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-sched's supervisor: run a command under a BPF scheduler and report
 * the scheduler's life in the command's record stream.
 *
 *   struct schedsup_opts o = { .sched_argv = ..., .cmd_argv = ..., ... };
 *   struct schedsup_result res;
 *   rc = schedsup_run(&o, stdout, &res, &diag);
 *
 * Steps: check that the kernel has sched_ext and no scheduler attached;
 * start the scheduler (output to a log); wait until sched_ext's state is
 * "enabled" and root/ops names a scheduler; write a "scheduler" record
 * (event "attached"); run the command with its stdout on a pipe and copy
 * every byte of it to out, writing records of our own only between lines;
 * watch the scheduler meanwhile (state, its process, the kernel log, the
 * debug dump) and report its death (event "died"); when the command ends,
 * stop the scheduler (SIGINT, then SIGKILL after stop_timeout_ns) and
 * report event "detached".
 *
 * Returns 0 when the command ran (res.cmd_status is its exit status,
 * 128 + signal when killed), or -errno before that with the reason in the
 * diag and an "error" record on out (the scheduler's output in its
 * "log_tail"): -ENOTSUP without sched_ext, -EBUSY when another scheduler
 * is attached, -ETIMEDOUT when it did not attach, -ECHILD when it exited
 * first, -EINTR on a stop signal.  A stop signal during the command is
 * passed on to it; res.interrupted says so.  A write error on out stops the
 * command and the scheduler, SIGINT then SIGKILL as at the end
 * (res.out_errno, the write's errno); when the attached record itself
 * cannot be written, the command never runs (res.cmd_status -1) and 0 is
 * returned all the same.
 */
#ifndef KTSTR_SCHEDSUP_H
#define KTSTR_SCHEDSUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

#define SCHEDSUP_LOG_TAIL 4096

struct schedsup_opts {
	char *const *sched_argv;  /* the scheduler: path, then its arguments */
	const char *scheduler;	  /* its name in records and messages */
	uint64_t attach_timeout_ns;
	uint64_t stop_timeout_ns;
	const json_t *labels;	  /* object of string labels for the attached record */
	char *const *cmd_argv;	  /* the command, looked up on PATH */
};

struct schedsup_result {
	bool attached;
	int cmd_status;	 /* -1 when the command never ran */
	bool died;	 /* a "died" record was written */
	bool interrupted;
	int out_errno;
	int kmsg_errno;	 /* /dev/kmsg could not be read: no exit reasons */
	char *log_tail;	 /* owned: set when the scheduler did not attach */
};

int schedsup_run(const struct schedsup_opts *o, FILE *out, struct schedsup_result *res,
		 struct kt_diag *d);
void schedsup_result_release(struct schedsup_result *res);

#endif
