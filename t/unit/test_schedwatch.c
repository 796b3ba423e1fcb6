// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "schedwatch.h"
#include "unit.h"

#define MS 1000000ull
#define RULE "========================================" \
	     "========================================\n"

static void test_alive_until_a_sign(void)
{
	struct schedwatch w;

	schedwatch_init(&w, "simple");
	schedwatch_state(&w, SCX_STATE_ENABLED, 1 * MS);
	schedwatch_kmsg(&w, "sched_ext: BPF scheduler \"other\" disabled (scx_bpf_error)", 2 * MS);
	schedwatch_kmsg(&w, "random line", 3 * MS);
	CHECK(!w.dead && !schedwatch_settled(&w, 10000 * MS));
	CHECK(json_array_size(w.kmsg) == 0);
	schedwatch_release(&w);
}

static void test_kmsg_reason_then_exit_settles(void)
{
	struct schedwatch_info info = { .scheduler = "scx_simple", .log_tail = "EXIT: x\n" };
	struct schedwatch w;
	json_t *r;

	schedwatch_init(&w, "simple");
	schedwatch_kmsg(&w, "sched_ext: BPF scheduler \"simple\" disabled (runnable task stall)",
			100 * MS);
	CHECK(w.dead && !strcmp(w.first_sign, "kmsg"));
	CHECK(!schedwatch_settled(&w, 101 * MS)); /* the process has not exited yet */
	schedwatch_kmsg(&w, "sched_ext: simple: kworker/1:1[30] failed to run for 3.0s", 101 * MS);
	schedwatch_kmsg(&w, "  scx_watchdog_workfn+0x1/0x2", 101 * MS);
	schedwatch_exited(&w, 150 * MS);
	CHECK(schedwatch_settled(&w, 150 * MS));
	info.exit = json_pack("{s:i}", "code", 0);
	r = schedwatch_died(&w, &info);
	CHECK_STR(json_string_value(json_object_get(r, "type")), "scheduler");
	CHECK_STR(json_string_value(json_object_get(r, "event")), "died");
	CHECK_STR(json_string_value(json_object_get(r, "exit_kind")), "stall");
	CHECK_STR(json_string_value(json_object_get(r, "reason")), "runnable task stall");
	CHECK_STR(json_string_value(json_object_get(r, "message")),
		  "kworker/1:1[30] failed to run for 3.0s");
	CHECK_STR(json_string_value(json_object_get(r, "seen")), "kmsg");
	CHECK(json_array_size(json_object_get(r, "kmsg")) == 3);
	CHECK(json_is_null(json_object_get(r, "dump")));
	CHECK(json_integer_value(json_object_get(json_object_get(r, "exit"), "code")) == 0);
	json_decref(info.exit);
	json_decref(r);
	schedwatch_release(&w);
}

static void test_state_alone_settles_after_the_grace(void)
{
	struct schedwatch_info info = { .scheduler = "s", .dump = "CPU 0\n", .dump_source = "log" };
	struct schedwatch w;
	json_t *r;

	schedwatch_init(&w, "s");
	schedwatch_state(&w, SCX_STATE_DISABLED, 1000 * MS);
	CHECK(w.dead && !strcmp(w.first_sign, "state"));
	CHECK(!schedwatch_settled(&w, 1000 * MS + SCHEDWATCH_GRACE_NS - 1));
	CHECK(schedwatch_settled(&w, 1000 * MS + SCHEDWATCH_GRACE_NS));
	info.exit = json_null();
	r = schedwatch_died(&w, &info);
	CHECK_STR(json_string_value(json_object_get(r, "exit_kind")), "unknown");
	CHECK(json_is_null(json_object_get(r, "reason")));
	CHECK_STR(json_string_value(json_object_get(r, "state")), "disabled");
	CHECK_STR(json_string_value(json_object_get(r, "dump")), "CPU 0\n");
	CHECK_STR(json_string_value(json_object_get(r, "dump_source")), "log");
	json_decref(info.exit);
	json_decref(r);
	schedwatch_release(&w);
}

static void test_log_dump_section(void)
{
	const char *log = "started\n\nDEBUG DUMP\n"
			  RULE "\n"
			  "CPU 0 : nr_run=1\n  R task[1]\n\n" RULE "\n"
			  "EXIT: scx_bpf_error (boom)\n";
	char *d = schedwatch_log_dump(log);

	CHECK(d && !strcmp(d, "CPU 0 : nr_run=1\n  R task[1]\n\n"));
	free(d);
	CHECK(schedwatch_log_dump("EXIT: unregistered from user space\n") == NULL);
	CHECK(schedwatch_log_dump(NULL) == NULL);
}

static void test_attached_record(void)
{
	json_t *labels = json_pack("{s:s}", "topology", "1,2,2,1");
	json_t *r = schedwatch_attached("simple", "scx_simple", 42, "6.12.117", labels, 5 * MS);

	CHECK_STR(json_string_value(json_object_get(r, "event")), "attached");
	CHECK_STR(json_string_value(json_object_get(r, "ops")), "simple");
	CHECK_STR(json_string_value(json_object_get(r, "kernel")), "6.12.117");
	CHECK(json_integer_value(json_object_get(r, "pid")) == 42);
	CHECK_STR(json_string_value(json_object_get(json_object_get(r, "labels"), "topology")),
		  "1,2,2,1");
	json_decref(r);
	json_decref(labels);
}

int main(void)
{
	RUN(test_alive_until_a_sign);
	RUN(test_kmsg_reason_then_exit_settles);
	RUN(test_state_alone_settles_after_the_grace);
	RUN(test_log_dump_section);
	RUN(test_attached_record);
	return unit_done();
}
