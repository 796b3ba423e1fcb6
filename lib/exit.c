// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "err.h"
#include "exit.h"
#include "sig.h"

int kt_finish_stdout(int rc)
{
	return kt_finish_stdout_errno(rc, 0);
}

int kt_finish_stdout_errno(int rc, int write_errno)
{
	int bad = fflush(stdout) != 0 || ferror(stdout) || write_errno;
	int e = write_errno ? write_errno : errno;

	if (kt_stopping() && rc == KT_EXIT_OK)
		rc = KT_EXIT_INTR;
	if (!bad)
		return rc;
	/* Downstream went away: that is an interruption, not a failure. */
	if (e == EPIPE)
		return KT_EXIT_INTR;
	kt_warnc(e, NULL, "cannot write standard output");
	return rc == KT_EXIT_OK ? KT_EXIT_ENV : rc;
}
