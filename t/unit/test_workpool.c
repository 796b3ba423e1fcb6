// SPDX-License-Identifier: GPL-2.0
/* The pool and the workers together: real forks, real signals. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ktime.h"
#include "unit.h"
#include "workpool.h"
#include "workpool_int.h"

static int collect(void *arg, json_t *rec)
{
	return json_array_append_new(arg, rec);
}

static struct workpool_spawn req_of(int group, const char *type, unsigned count)
{
	struct workpool_spawn r = { .group = group, .count = count };
	struct kt_diag d;

	workspec_from_name(&r.spec, type, &d);
	return r;
}

static void nap_ms(unsigned ms)
{
	ktime_sleep_until_ns(ktime_now_ns() + ms * 1000000ull);
}

static json_int_t num(json_t *recs, size_t i, const char *key)
{
	return json_integer_value(json_object_get(json_array_get(recs, i), key));
}

static const char *str(json_t *recs, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(recs, i), key));
}

static bool gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static void test_run_and_stop_reports_every_worker(void)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	struct workpool_spawn r = req_of(1, "CpuSpin", 2);
	struct workpool *p = workpool_new(NULL);
	json_t *recs = json_array();
	struct kt_diag d;

	CHECK(workpool_spawn(p, &r, &d) == 0);
	CHECK(workpool_start(p, NULL, 0, &d) == 0);
	nap_ms(200);
	CHECK(workpool_stop(p, &all, "stop", false, collect, recs) == 0);
	CHECK(json_array_size(recs) == 2);
	CHECK(json_is_true(json_object_get(json_array_get(recs, 1), "completed")));
	CHECK(num(recs, 0, "iterations") > 0 && num(recs, 1, "index") == 1);
	CHECK(num(recs, 0, "work_units") == num(recs, 0, "iterations") * 1024);
	CHECK(num(recs, 0, "cpu_time_ns") > 0 && num(recs, 0, "wall_time_ns") > 0);
	CHECK_STR(str(recs, 0, "stop_reason"), "stop");
	CHECK(json_is_null(json_object_get(json_array_get(recs, 0), "wake")));
	CHECK(gone((pid_t)num(recs, 0, "pid")) && gone((pid_t)num(recs, 1, "pid")));
	json_decref(recs);
	workpool_free(p);
}

static void test_a_killed_worker_keeps_its_partial_numbers(void)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	struct workpool_spawn r = req_of(3, "CpuSpin", 2);
	struct workpool *p = workpool_new(NULL);
	json_t *recs = json_array(), *ex;
	struct kt_diag d;
	int i;

	workpool_spawn(p, &r, &d);
	workpool_start(p, NULL, 0, &d);
	nap_ms(100);
	kill(p->g[0]->w[0].pid, SIGKILL);
	for (i = 0; i < 100 && p->g[0]->w[0].alive; i++) {
		nap_ms(10);
		workpool_reap(p);
	}
	CHECK(!p->g[0]->w[0].alive && p->g[0]->w[1].alive);
	nap_ms(50);
	CHECK(workpool_stop(p, &all, "stop", false, collect, recs) == 1);
	ex = json_object_get(json_array_get(recs, 0), "exit");
	CHECK(json_is_false(json_object_get(json_array_get(recs, 0), "completed")));
	CHECK(json_integer_value(json_object_get(ex, "signal")) == SIGKILL);
	CHECK_STR(str(recs, 0, "stop_reason"), "killed");
	CHECK(json_is_true(json_object_get(json_array_get(recs, 0), "partial")));
	CHECK(num(recs, 0, "iterations") > 0 && num(recs, 0, "cpu_time_ns") > 0);
	CHECK(json_is_null(json_object_get(json_array_get(recs, 0), "run_delay_ns")));
	CHECK(json_is_true(json_object_get(json_array_get(recs, 1), "completed")));
	CHECK(num(recs, 1, "iterations") > num(recs, 0, "iterations"));
	json_decref(recs);
	workpool_free(p);
}

static void test_stop_before_start_and_discard(void)
{
	struct workpool_sel g1 = { .kind = WORKPOOL_SEL_GROUPS, .groups = (int[]){ 1 },
				   .ngroups = 1 };
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	struct workpool_spawn a = req_of(1, "Mixed", 1), b = req_of(2, "YieldHeavy", 2);
	struct workpool *p = workpool_new(NULL);
	json_t *recs = json_array();
	struct kt_diag d;
	pid_t pid;

	CHECK(workpool_spawn(p, &a, &d) == 0 && workpool_spawn(p, &b, &d) == 0);
	CHECK(workpool_spawn(p, &a, &d) == -EEXIST);
	CHECK(workpool_stop(p, &g1, "stop", false, collect, recs) == 1);
	CHECK(json_array_size(recs) == 1 && num(recs, 0, "iterations") == 0);
	CHECK(json_is_false(json_object_get(json_array_get(recs, 0), "completed")));
	pid = p->g[1]->w[0].pid;
	workpool_start(p, NULL, 0, &d);
	CHECK(workpool_stop(p, &all, "stop", true, collect, recs) == 0);
	CHECK(json_array_size(recs) == 1);
	CHECK(gone(pid));
	json_decref(recs);
	workpool_free(p);
}

static void test_setup_failure_is_reported(void)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	const char *paths[] = { "/nonexistent/ktstr" };
	struct workpool_spawn r = req_of(1, "CpuSpin", 1);
	struct workpool *p = workpool_new(NULL);
	json_t *recs = json_array();
	struct kt_diag d;

	r.paths = paths;
	r.npaths = 1;
	CHECK(workpool_spawn(p, &r, &d) == -ENOENT);
	CHECK(strstr(d.msg, "/nonexistent/ktstr/cgroup.procs") != NULL);
	workpool_start(p, NULL, 0, &d);
	CHECK(workpool_stop(p, &all, "stop", false, collect, recs) == 1);
	CHECK_STR(str(recs, 0, "stop_reason"), "failed");
	CHECK(strstr(str(recs, 0, "error"), "cgroup.procs") != NULL);
	json_decref(recs);
	workpool_free(p);
}

static void test_grouped_counts_are_refused(void)
{
	struct workpool_spawn r = req_of(1, "FutexPingPong", 3);
	struct workpool *p = workpool_new(NULL);
	struct kt_diag d;

	CHECK(workpool_spawn(p, &r, &d) == -EINVAL);
	CHECK(strstr(d.msg, "groups of 2") != NULL);
	workpool_free(p);
}

/* A stopped (SIGSTOP) worker cannot answer: it is killed at the 5 s deadline. */
static void test_a_straggler_is_killed_at_the_deadline(void)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	struct workpool_spawn r = req_of(1, "FutexPingPong", 2);
	struct workpool *p = workpool_new(NULL);
	json_t *recs = json_array();
	struct kt_diag d;
	uint64_t t0;

	workpool_spawn(p, &r, &d);
	workpool_start(p, NULL, 0, &d);
	nap_ms(100);
	kill(p->g[0]->w[1].pid, SIGSTOP);
	t0 = ktime_now_ns();
	CHECK(workpool_stop(p, &all, "stop", false, collect, recs) == 1);
	CHECK(ktime_now_ns() - t0 >= WORKPOOL_STOP_DEADLINE_NS);
	CHECK(json_is_true(json_object_get(json_array_get(recs, 0), "completed")));
	CHECK(json_is_false(json_object_get(json_array_get(recs, 1), "completed")));
	CHECK_STR(str(recs, 1, "stop_reason"), "stop");
	CHECK(json_integer_value(json_object_get(json_object_get(json_array_get(recs, 1), "exit"),
						 "signal")) == SIGKILL);
	CHECK(json_integer_value(json_object_get(json_object_get(json_array_get(recs, 0), "wake"),
						 "samples")) > 0);
	json_decref(recs);
	workpool_free(p);
}

int main(void)
{
	RUN(test_run_and_stop_reports_every_worker);
	RUN(test_a_killed_worker_keeps_its_partial_numbers);
	RUN(test_stop_before_start_and_discard);
	RUN(test_setup_failure_is_reported);
	RUN(test_grouped_counts_are_refused);
	RUN(test_a_straggler_is_killed_at_the_deadline);
	return unit_done();
}
