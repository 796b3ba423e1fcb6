// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "unit.h"

static int ntests, nfailed, cur_failed;
static const char *cur_skip;

void unit_check(bool ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	cur_failed++;
	printf("# %s:%d: CHECK(%s) failed\n", file, line, expr);
}

void unit_check_str(const char *got, const char *want, const char *expr, const char *file,
		    int line)
{
	if (got && want && !strcmp(got, want))
		return;
	cur_failed++;
	printf("# %s:%d: %s is \"%s\", want \"%s\"\n", file, line, expr, got ? got : "(null)",
	       want ? want : "(null)");
}

void unit_run(void (*fn)(void), const char *name)
{
	cur_failed = 0;
	cur_skip = NULL;
	fn();
	ntests++;
	if (cur_failed)
		nfailed++;
	if (cur_skip && !cur_failed)
		printf("ok %d - %s # SKIP %s\n", ntests, name, cur_skip);
	else
		printf("%s %d - %s\n", cur_failed ? "not ok" : "ok", ntests, name);
	fflush(stdout);
}

void unit_skip(const char *reason)
{
	cur_skip = reason;
}

int unit_done(void)
{
	printf("1..%d\n", ntests);
	return nfailed ? 1 : 0;
}
