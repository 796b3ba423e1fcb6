// SPDX-License-Identifier: GPL-2.0
/*
 * Capture into memory: the fixture trees of t/fixtures/hst (the same ones
 * t/hst.bats checks field by field) and this machine's /proc with enough
 * extra threads to split the walk between workers.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hst_capture.h"
#include "sig.h"
#include "unit.h"

#define FX "t/fixtures/hst/"

struct mem {
	char *buf;
	size_t len;
};

static int mem_write(void *arg, const void *buf, size_t len, struct kt_diag *d)
{
	struct mem *m = arg;
	char *p = realloc(m->buf, m->len + len + 1);

	if (!p)
		return -ENOMEM;
	memcpy(p + m->len, buf, len);
	m->buf = p;
	m->len += len;
	m->buf[m->len] = '\0';
	return 0;
}

static json_t *capture(const char *proc, const char *sys, const char *cg, size_t workers,
		       struct hst_capture_stats *st, int *rc)
{
	struct hst_capture_opts o = { proc, sys, cg, workers };
	struct mem m = { NULL, 0 };
	struct hst_sink sink = { mem_write, &m };
	struct kt_diag d;
	json_t *j = NULL;

	*rc = hst_capture_run(&o, &sink, st, &d);
	if (*rc == 0)
		j = json_loadb(m.buf, m.len, JSON_REJECT_DUPLICATES, NULL);
	free(m.buf);
	return j;
}

static json_t *thread(json_t *snap, json_int_t tid)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(snap, "threads"), i, t)
		if (json_integer_value(json_object_get(t, "tid")) == tid)
			return t;
	return NULL;
}

static json_int_t num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void test_fixture_damaged(void)
{
	struct hst_capture_stats st;
	json_t *j, *t;
	int rc;

	j = capture(FX "damaged/proc", FX "damaged/sys", FX "damaged/cgroup", 0, &st, &rc);
	CHECK(rc == 0 && j);
	CHECK(st.threads == 2 && st.vanished_threads == 1 && st.vanished_processes == 1);
	CHECK(st.unreadable[HST_F_IO] == 2 && st.unreadable_errno[HST_F_IO] == ENOENT);
	t = thread(j, 200);
	/* garbage is null, never 0; what did parse is kept */
	CHECK(t && json_is_null(json_object_get(t, "comm")));
	CHECK(t && json_is_null(json_object_get(t, "run_time_ns")));
	CHECK(t && json_is_null(json_object_get(t, "voluntary_csw")) &&
	      num(t, "nonvoluntary_csw") == 7);
	CHECK(t && json_is_null(json_object_get(t, "cpus_allowed")));
	CHECK(t && num(json_object_get(t, "sched"), "se.nr_migrations") == 4);
	t = thread(j, 400);
	CHECK(t && !strcmp(json_string_value(json_object_get(t, "comm")), "we(ird) \\xff"));
	CHECK(t && json_is_null(json_object_get(t, "nice")) && num(t, "majflt") == 6);
	CHECK(t && json_is_null(json_object_get(t, "rchar")));
	CHECK(thread(j, 201) == NULL);
	json_decref(j);
}

static void test_fixture_unified(void)
{
	struct hst_capture_stats st;
	json_t *j, *t, *cg;
	int rc;

	j = capture(FX "unified/proc", FX "unified/sys", FX "unified/cgroup", 0, &st, &rc);
	CHECK(rc == 0 && j);
	t = thread(j, 10);
	CHECK(t && !strcmp(json_string_value(json_object_get(t, "cgroup")), "/work/a"));
	CHECK(t && num(t, "nice") == -5 && num(t, "run_time_ns") == 123456789);
	cg = json_array_get(json_object_get(j, "cgroups"), 0);
	CHECK(cg && num(cg, "cpu_usage_ns") == 2000000 && num(cg, "throttled_ns") == 30000);
	CHECK(cg && num(cg, "memory_current_bytes") == 65536);
	json_decref(j);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int release;

static void *idle(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!release)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

/* This machine: our own extra threads appear once each, in order, split between workers. */
static void test_live_proc(void)
{
	enum { N = 600 };
	static pthread_t th[N];
	struct hst_capture_stats st;
	pthread_attr_t at;
	json_int_t last_tgid = 0, last_tid = 0, ours = 0;
	json_t *j, *t;
	size_t i, started = 0;
	int rc, ordered = 1;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (i = 0; i < N && pthread_create(&th[i], &at, idle, NULL) == 0; i++)
		started++;
	CHECK(started == N);
	/* three workers: the slices must join in order, each thread once */
	j = capture("/proc", "/sys", "/sys/fs/cgroup", 3, &st, &rc);
	CHECK(rc == 0 && j);
	json_array_foreach(json_object_get(j, "threads"), i, t) {
		if (num(t, "tgid") < last_tgid ||
		    (num(t, "tgid") == last_tgid && num(t, "tid") <= last_tid))
			ordered = 0;
		last_tgid = num(t, "tgid");
		last_tid = num(t, "tid");
		ours += last_tgid == getpid();
	}
	CHECK(ordered);
	CHECK(ours == N + 1);
	CHECK(st.workers == 3);
	t = thread(j, (json_int_t)syscall(SYS_gettid));
	CHECK(t && !strcmp(json_string_value(json_object_get(t, "comm")), "test_hst_captur"));
	CHECK(t && num(t, "run_time_ns") > 0 && num(t, "minflt") > 0);
	json_decref(j);
	pthread_mutex_lock(&lock);
	release = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

static void test_stop_flag(void)
{
	struct hst_capture_stats st;
	int rc;

	kt_stop_request(SIGINT);
	CHECK(!capture(FX "unified/proc", FX "unified/sys", FX "unified/cgroup", 0, &st, &rc));
	CHECK(rc == -EINTR);
}

int main(void)
{
	RUN(test_fixture_damaged);
	RUN(test_fixture_unified);
	RUN(test_live_proc);
	RUN(test_stop_flag); /* last: the stop flag stays raised */
	return unit_done();
}
