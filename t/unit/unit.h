/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit-test harness that speaks TAP, so t/run counts unit tests and
 * bats tests the same way.
 *
 *   static void test_parse_empty(void) { CHECK(cpulist_parse(...) == 0); }
 *   int main(void) { RUN(test_parse_empty); return unit_done(); }
 *
 * CHECK records a failure with file and line and carries on; RUN prints one
 * "ok"/"not ok" line per test function; unit_skip() turns it into "ok ... # SKIP why".
 */
#ifndef KTSTR_UNIT_H
#define KTSTR_UNIT_H

#include <stdbool.h>
#include <string.h>

void unit_check(bool ok, const char *expr, const char *file, int line);
void unit_check_str(const char *got, const char *want, const char *expr, const char *file,
		    int line);
void unit_run(void (*fn)(void), const char *name);
/* Mark the running test skipped (it must return at once), e.g. "needs root". */
void unit_skip(const char *reason);
int unit_done(void);

#define CHECK(cond) unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(got, want) unit_check_str((got), (want), #got, __FILE__, __LINE__)
#define RUN(fn) unit_run(fn, #fn)

#endif
