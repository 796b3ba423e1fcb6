/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes shared by every ktstr tool.  No other value may leave a tool:
 * never an errno, never a negative number.  ktstr(1) documents them.
 */
#ifndef KTSTR_EXIT_H
#define KTSTR_EXIT_H

enum kt_exit {
	KT_EXIT_OK = 0,	     /* success */
	KT_EXIT_FAIL = 1,    /* scenarios failed, differences found */
	KT_EXIT_USAGE = 2,   /* bad command line or bad input */
	KT_EXIT_ENV = 3,     /* no privilege, no cgroup, no /dev/kvm, a write error */
	KT_EXIT_INTR = 130,  /* a signal, or downstream closed the pipe */
};

/*
 * Flush stdout and turn a write error into an exit code: EPIPE is an
 * interruption (130), anything else an environment error (3).  A pending
 * stop signal also turns success into 130.  Call as "return kt_finish_stdout(rc)".
 */
int kt_finish_stdout(int rc);
/*
 * The same, for a tool that saw a write to stdout fail earlier: write_errno
 * is that write's errno (0: none), which errno no longer holds by now.
 */
int kt_finish_stdout_errno(int rc, int write_errno);

#endif
