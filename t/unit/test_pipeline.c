// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exit.h"
#include "pipeline.h"
#include "unit.h"

static char *const echo_argv[] = { "sh", "-c", "printf 'a\\nb\\nc\\n'", NULL };
static char *const count_argv[] = { "sh", "-c", "test \"$(wc -l)\" -eq 3", NULL };
static char *const fail3_argv[] = { "sh", "-c", "cat >/dev/null; exit 3", NULL };
static char *const exit1_argv[] = { "sh", "-c", "cat >/dev/null; exit 1", NULL };
static char *const missing_argv[] = { "/nonexistent/ktstr-nothing", NULL };

static void test_data_flows_through(void)
{
	char *const *stages[] = { echo_argv, count_argv };
	struct pipeline_status st[2];
	int who;

	CHECK(pipeline_run(stages, 2, st) == 0);
	CHECK(st[0].exit_code == 0 && st[1].exit_code == 0);
	CHECK(pipeline_exit_code(st, 2, &who) == 0 && who == -1);
}

static void test_failing_middle_stage_decides(void)
{
	char *const *stages[] = { echo_argv, fail3_argv, exit1_argv };
	struct pipeline_status st[3];
	int who;

	CHECK(pipeline_run(stages, 3, st) == 0);
	CHECK(pipeline_exit_code(st, 3, &who) == 3 && who == 1);
}

static void test_last_stage_code_passes_through(void)
{
	char *const *stages[] = { echo_argv, exit1_argv };
	struct pipeline_status st[2];
	int who;

	CHECK(pipeline_run(stages, 2, st) == 0);
	CHECK(pipeline_exit_code(st, 2, &who) == 1 && who == -1);
}

static void test_missing_program_is_reported(void)
{
	char *const *stages[] = { echo_argv, missing_argv };
	struct pipeline_status st[2];
	int who;

	CHECK(pipeline_run(stages, 2, st) == 0);
	CHECK(st[1].exec_errno == ENOENT && st[1].exit_code == 127);
	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_ENV);
}

static void test_interrupted_stages_give_130(void)
{
	struct pipeline_status st[2] = { { .exit_code = KT_EXIT_INTR }, { .exit_code = 0 } };
	int who;

	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_INTR);
	st[0].exit_code = 128 + 13; /* SIGPIPE */
	st[1].exit_code = 2;
	CHECK(pipeline_exit_code(st, 2, &who) == 2);
}

/* The last stage's verdict (1) is not a failure; any other code of it is, and is named. */
static void test_failing_last_stage_is_named(void)
{
	struct pipeline_status st[2] = { { .exit_code = KT_EXIT_INTR }, { .exit_code = KT_EXIT_USAGE } };
	int who;

	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_USAGE && who == 1);
	st[0].exit_code = 0;
	st[1].exit_code = KT_EXIT_ENV;
	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_ENV && who == 1);
	st[1].exit_code = KT_EXIT_FAIL;
	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_FAIL && who == -1);
	st[1].exit_code = KT_EXIT_INTR;
	CHECK(pipeline_exit_code(st, 2, &who) == KT_EXIT_INTR && who == -1);
}

static void test_no_descriptor_leaks(void)
{
	char *const *stages[] = { echo_argv, count_argv };
	struct pipeline_status st[2];
	int before = dup(0), after;

	close(before);
	pipeline_run(stages, 2, st);
	after = dup(0);
	close(after);
	CHECK(after == before);
}

int main(void)
{
	RUN(test_data_flows_through);
	RUN(test_failing_middle_stage_decides);
	RUN(test_last_stage_code_passes_through);
	RUN(test_missing_program_is_reported);
	RUN(test_interrupted_stages_give_130);
	RUN(test_failing_last_stage_is_named);
	RUN(test_no_descriptor_leaks);
	return unit_done();
}
