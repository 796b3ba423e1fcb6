/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run commands connected by pipes, like a shell's "a | b | c", without a
 * shell and without temp files, and report how each stage ended.
 *
 *   char *const *stages[] = { argv_a, argv_b, argv_c };
 *   struct pipeline_status st[3];
 *   pipeline_run(stages, 3, st);            0, or -errno if a fork failed
 *   rc = pipeline_exit_code(st, 3, &who);   the code to exit with
 *
 * Each argv[0] is a path or a name looked up on PATH.  stdin of the first
 * stage and stdout of the last are the caller's.  While stages run, a
 * SIGINT or SIGTERM does not kill the caller: it is forwarded to every
 * stage still running (each stops, cleans up and exits 130), so a signal
 * sent to the caller alone stops the pipeline as Ctrl-C to the whole
 * process group does, and the caller then reports how the stages ended.  The
 * caller becomes a child subreaper: processes a stage leaves behind are
 * reaped when the stages are done (for up to 2 s), never left as zombies.
 */
#ifndef KTSTR_PIPELINE_H
#define KTSTR_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pipeline_status {
	pid_t pid;
	int exit_code; /* 0..255, or 128 + signal */
	int signo;     /* signal that ended the stage, 0 if it exited */
	int exec_errno; /* the stage could not be started */
	bool done;
};

int pipeline_run(char *const *const stages[], size_t n, struct pipeline_status *st);
/*
 * The pipeline's exit code: the first stage (from the left) that failed
 * with a code other than 0 or 130 wins, because the stages after it only
 * saw its input end; otherwise the last stage's code.  *failed is the index
 * of that failed stage, to be named, or -1 when none failed: every code is
 * 0 or 130, or the last stage's is 1, its verdict (KT_EXIT_FAIL).
 */
int pipeline_exit_code(const struct pipeline_status *st, size_t n, int *failed);

#endif
