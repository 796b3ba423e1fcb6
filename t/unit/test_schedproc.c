// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schedproc.h"
#include "unit.h"

#define MS 1000000ull

static void test_output_goes_to_the_log(void)
{
	char *const argv[] = { "/bin/sh", "-c", "echo hello; echo err >&2; exit 3", NULL };
	struct schedproc sp;
	struct kt_diag d;
	char *tail;
	json_t *e;

	schedproc_init(&sp);
	CHECK(schedproc_start(&sp, argv, &d) == 0);
	CHECK(schedproc_wait(&sp, 5000 * MS) == 1);
	CHECK(schedproc_reap(&sp) == 1);
	tail = schedproc_log_tail(&sp, 4096);
	CHECK_STR(tail, "hello\nerr\n");
	free(tail);
	e = schedproc_exit_json(&sp);
	CHECK(json_integer_value(json_object_get(e, "code")) == 3);
	json_decref(e);
	schedproc_release(&sp);
}

static void test_tail_starts_at_a_line(void)
{
	char *const argv[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 200 ]; do echo line$i; "
						"i=$((i + 1)); done", NULL };
	struct schedproc sp;
	struct kt_diag d;
	char *tail;

	schedproc_init(&sp);
	CHECK(schedproc_start(&sp, argv, &d) == 0);
	CHECK(schedproc_wait(&sp, 5000 * MS) == 1);
	tail = schedproc_log_tail(&sp, 30);
	CHECK(tail && !strncmp(tail, "line", 4) && strlen(tail) <= 30);
	CHECK(tail && strstr(tail, "line199\n"));
	free(tail);
	schedproc_release(&sp);
}

static void test_stop_politely_then_firmly(void)
{
	char *const polite[] = { "/bin/sh", "-c", "trap 'echo got-int; exit 0' INT; "
						  "while :; do sleep 0.05; done", NULL };
	char *const stubborn[] = { "/bin/sh", "-c", "trap '' INT; while :; do sleep 0.05; done",
				   NULL };
	struct schedproc sp;
	struct kt_diag d;
	char *tail;
	json_t *e;

	schedproc_init(&sp);
	CHECK(schedproc_start(&sp, polite, &d) == 0);
	CHECK(schedproc_reap(&sp) == 0);
	usleep(200000); /* let the shell set its trap */
	CHECK(schedproc_stop(&sp, 5000 * MS) == 0);
	tail = schedproc_log_tail(&sp, 4096);
	CHECK(tail && strstr(tail, "got-int"));
	free(tail);
	schedproc_release(&sp);

	schedproc_init(&sp);
	CHECK(schedproc_start(&sp, stubborn, &d) == 0);
	usleep(200000);
	CHECK(schedproc_stop(&sp, 200 * MS) == 1);
	e = schedproc_exit_json(&sp);
	CHECK(json_integer_value(json_object_get(e, "signal")) == SIGKILL);
	json_decref(e);
	schedproc_release(&sp);
}

static void test_a_missing_program_is_an_error(void)
{
	char *const argv[] = { "/nonexistent/scx_nothing", NULL };
	struct schedproc sp;
	struct kt_diag d;

	schedproc_init(&sp);
	CHECK(schedproc_start(&sp, argv, &d) == -ENOENT);
	CHECK(strstr(d.msg, "/nonexistent/scx_nothing") != NULL);
	schedproc_release(&sp);
}

int main(void)
{
	RUN(test_output_goes_to_the_log);
	RUN(test_tail_starts_at_a_line);
	RUN(test_stop_politely_then_firmly);
	RUN(test_a_missing_program_is_an_error);
	return unit_done();
}
