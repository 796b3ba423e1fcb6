/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run the external programs a kernel build needs (make, curl, tar, git)
 * without a shell, keeping our stdout clean for the one line that matters.
 *
 *   struct krun r = { .cwd = src, .log_fd = fd, .label = "make" };
 *   rc = krun_run(argv, &r, &status);   0: ran, status is its exit code
 *                                       -EINTR: a stop signal; the child was killed
 *                                       other -errno: could not run it
 *   rc = krun_capture(argv, cwd, buf, size, &status);   stdout into buf
 *
 * krun_run sends the child's stdout and stderr to log_fd when it is >= 0
 * (and shows progress on stderr: a status line on a terminal, a heartbeat
 * line every minute otherwise), or straight to our stderr when it is -1.
 * The child gets its own process group and dies with us (PR_SET_PDEATHSIG).
 */
#ifndef KTSTR_KRUN_H
#define KTSTR_KRUN_H

#include <stddef.h>

struct krun {
	const char *cwd;   /* NULL: ours */
	int log_fd;	   /* -1: output to stderr */
	const char *label; /* progress prefix, e.g. "make" */
};

int krun_run(char *const argv[], const struct krun *r, int *status);
int krun_capture(char *const argv[], const char *cwd, char *buf, size_t size, int *status);

#endif
