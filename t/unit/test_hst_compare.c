// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hst_compare.h"
#include "hst_report.h"
#include "hst_snap.h"
#include "unit.h"

/* A snapshot from a JSON text, with only what a test cares about. */
static void snap(struct hst_snap *s, const char *threads, const char *cgroups)
{
	char text[8192];
	struct kt_diag d;
	json_t *root;

	snprintf(text, sizeof(text),
		 "{\"format\":\"ktstr-hst\",\"version\":1,\"realtime_ns\":1000000000,"
		 "\"host\":{\"kernel_release\":\"6.12\",\"sched_ext\":{\"ops\":\"simple\"}},"
		 "\"threads\":[%s],\"cgroups\":[%s]}",
		 threads, cgroups);
	root = json_loads(text, 0, NULL);
	hst_snap_init(s);
	if (!root || hst_snap_from_json(s, root, &d) < 0)
		printf("# bad test snapshot: %s\n", root ? d.msg : text);
}

static const struct hst_row *find(const struct hst_result *r, const char *k0, const char *k1,
				  const char *metric)
{
	int m = hst_metric_find(metric);
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->rows[i].metric == m && r->rows[i].key[0] && !strcmp(r->rows[i].key[0], k0) &&
		    (!k1 || (r->rows[i].key[1] && !strcmp(r->rows[i].key[1], k1))))
			return &r->rows[i];
	return NULL;
}

static void test_flatten(void)
{
	struct hst_cmp_opts o = { 0 };
	struct kt_diag d;
	char buf[256];

	CHECK(hst_cmp_add_flatten(&o, "relative/*", &d) == -EINVAL);
	CHECK(hst_cmp_add_flatten(&o, "/", &d) == -EINVAL);
	CHECK(hst_cmp_add_flatten(&o, "/user.slice/user-*.slice/", &d) == 0);
	CHECK(hst_cmp_add_flatten(&o, "/*", &d) == 0);
	/* leading components match, the rest is kept; '*' never crosses a '/' */
	CHECK_STR(hst_cmp_flatten(&o, "/user.slice/user-1000.slice/session-3.scope", buf,
				  sizeof(buf)),
		  "/user.slice/user-*.slice/session-3.scope");
	CHECK_STR(hst_cmp_flatten(&o, "/user.slice/user-1000.slice", buf, sizeof(buf)),
		  "/user.slice/user-*.slice");
	CHECK_STR(hst_cmp_flatten(&o, "/system.slice/a", buf, sizeof(buf)), "/*/a");
	CHECK_STR(hst_cmp_flatten(&o, "/", buf, sizeof(buf)), "/");
	hst_cmp_opts_release(&o);
	CHECK(hst_cmp_add_flatten(&o, "/a/b*", &d) == 0);
	CHECK_STR(hst_cmp_flatten(&o, "/a/x/b1", buf, sizeof(buf)), "/a/x/b1");
	CHECK_STR(hst_cmp_flatten(&o, "/a", buf, sizeof(buf)), "/a");
	hst_cmp_opts_release(&o);
}

/* One thread object; extra adds members. */
#define T(tgid, tid, pcomm, comm, run, extra)                                                     \
	"{\"tgid\":" #tgid ",\"tid\":" #tid ",\"pcomm\":\"" pcomm "\",\"comm\":\"" comm           \
	"\",\"run_time_ns\":" #run ",\"nice\":0,\"policy\":\"SCHED_OTHER\","                        \
	"\"cpus_allowed\":\"0-3\"" extra "}"

static void test_groups_and_rows(void)
{
	struct hst_cmp_opts o = { .by = HST_BY_PCOMM_COMM };
	struct hst_snap a, b;
	struct hst_result r;
	const struct hst_row *w;

	snap(&a,
	     T(1, 1, "db", "db", 100, ",\"cgroup\":\"/x\",\"sched\":{\"stats.wait_sum\":5}") ","
	     T(1, 2, "db", "db", 50, ",\"cgroup\":\"/x\"") ","
	     T(1, 3, "db", "io", null, ",\"cgroup\":\"/x\"") ","
	     T(9, 9, "old", "old", 1, ""),
	     "{\"hierarchy\":\"v2\",\"path\":\"/x\",\"cpu_usage_ns\":10}");
	snap(&b,
	     T(2, 2, "db", "db", 400,
	       ",\"cgroup\":\"/x\",\"sched\":{\"se.statistics.wait_sum\":9}") ","
	     T(2, 4, "db", "db", 0, ",\"cgroup\":\"/y\",\"cpus_allowed\":\"1\"") ","
	     T(2, 5, "db", "io", 7, ",\"cgroup\":\"/x\"") ","
	     T(8, 8, "new", "new", 1, ""),
	     "{\"hierarchy\":\"v2\",\"path\":\"/x\",\"cpu_usage_ns\":25}");
	hst_result_init(&r);
	CHECK(hst_compare(&a, &b, &o, &r) == 0);
	/* duplicates within a key add up, across pids */
	w = find(&r, "db", "db", "run_time_ns");
	CHECK(w && w->val[0] == 150 && w->val[1] == 400 && w->delta == 250);
	CHECK(w && w->n[0] == 2 && w->n[1] == 2 && w->has_pct &&
	      fabs(w->pct - 166.666666) < 1e-5);
	/* both spellings of a sched key are one metric */
	w = find(&r, "db", "db", "wait_sum_ns");
	CHECK(w && w->val[0] == 5 && w->val[1] == 9 && w->missing[0] == 1);
	/* unknown on one side: changed, no delta */
	w = find(&r, "db", "io", "run_time_ns");
	CHECK(w && w->val[0] == HST_NONE && w->val[1] == 7 && !w->has_delta &&
	      w->status == HST_CHANGED);
	/* states: the set of distinct values */
	w = find(&r, "db", "db", "cpus_allowed");
	CHECK(w && !strcmp(w->state[0], "0-3") && !strcmp(w->state[1], "0-3 | 1") &&
	      w->status == HST_CHANGED);
	w = find(&r, "db", "db", "policy");
	CHECK(w && w->status == HST_SAME);
	/* one side only */
	w = find(&r, "old", "old", "threads");
	CHECK(w && w->status == HST_VANISHED && w->val[1] == HST_NONE && w->delta == -1);
	w = find(&r, "new", "new", "threads");
	CHECK(w && w->status == HST_APPEARED && w->val[1] == 1);
	CHECK(find(&r, "new", "new", "run_time_ns") == NULL);
	w = find(&r, "v2", "/x", "cpu_usage_ns");
	CHECK(w && w->delta == 15 && w->section == HST_SEC_CGROUPS);
	hst_result_release(&r);

	/* --group-by cgroup */
	o.by = HST_BY_CGROUP;
	hst_result_init(&r);
	CHECK(hst_compare(&a, &b, &o, &r) == 0);
	w = find(&r, "/x", NULL, "run_time_ns");
	CHECK(w && w->val[0] == 150 && w->val[1] == 407 && w->missing[0] == 1);
	w = find(&r, "/y", NULL, "threads");
	CHECK(w && w->status == HST_APPEARED);
	hst_result_release(&r);
	hst_snap_release(&a);
	hst_snap_release(&b);
}

static void test_select(void)
{
	struct hst_cmp_opts o = { .by = HST_BY_COMM };
	int metric = hst_metric_find("run_time_ns");
	struct hst_filter f = { 0 };
	const struct hst_row **rows;
	struct hst_snap a, b;
	struct hst_result r;
	long n;

	snap(&a, T(1, 1, "p", "a", 1000, "") "," T(1, 2, "p", "b", 10, "") ","
		 T(1, 3, "p", "c", 0, "") "," T(1, 4, "p", "d", 5, ""), "");
	snap(&b, T(1, 1, "p", "a", 1500, "") "," T(1, 2, "p", "b", 100, "") ","
		 T(1, 3, "p", "c", 20, "") "," T(1, 4, "p", "d", 5, ""), "");
	hst_result_init(&r);
	CHECK(hst_compare(&a, &b, &o, &r) == 0);
	/* unchanged rows are left out; the biggest change comes first */
	n = hst_result_select(&r, &f, &rows);
	CHECK(n == 3 && !strcmp(rows[0]->key[0], "a") && !strcmp(rows[1]->key[0], "b") &&
	      !strcmp(rows[2]->key[0], "c"));
	free(rows);
	f.all = true;
	f.metrics = &metric;
	f.nmetrics = 1;
	n = hst_result_select(&r, &f, &rows);
	CHECK(n == 4 && !strcmp(rows[3]->key[0], "d"));
	free(rows);
	f.all = false;
	f.has_min = true;
	f.min_delta = 100;
	n = hst_result_select(&r, &f, &rows);
	CHECK(n == 1 && !strcmp(rows[0]->key[0], "a"));
	free(rows);
	f.min_is_pct = true; /* a +50%, b +900%, c from zero */
	n = hst_result_select(&r, &f, &rows);
	CHECK(n == 2 && !strcmp(rows[0]->key[0], "b") && !strcmp(rows[1]->key[0], "c"));
	free(rows);
	f.has_min = false;
	f.top = 2;
	n = hst_result_select(&r, &f, &rows);
	CHECK(n == 2);
	free(rows);
	hst_result_release(&r);
	hst_snap_release(&a);
	hst_snap_release(&b);
}

static void test_bad_snapshots(void)
{
	static const char *const bad[] = {
		"{\"tgid\":\"1\",\"tid\":1}",
		"{\"tgid\":1}",
		"{\"tgid\":1,\"tid\":1,\"comm\":5}",
		"{\"tgid\":1,\"tid\":1,\"run_time_ns\":1.5}",
		"{\"tgid\":1,\"tid\":1,\"sched\":{\"wait_sum\":\"x\"}}",
		"{\"tgid\":1,\"tid\":1,\"sched\":[]}",
		"7",
		/* out of range: counters count up from 0 */
		"{\"tgid\":1,\"tid\":1,\"run_time_ns\":-5}",
		"{\"tgid\":1,\"tid\":1,\"sched\":{\"stats.wait_sum\":-1}}",
		"{\"tgid\":1,\"tid\":1,\"nice\":20}",
		"{\"tgid\":0,\"tid\":1}",
		"{\"tgid\":1,\"tid\":1,\"pcomm\":5}",
	};
	static const char *const bad_top[] = {
		"\"host\":null,\"threads\":[]",
		"\"threads\":[]",
		"\"host\":5,\"threads\":[]",
		"\"host\":{},\"realtime_ns\":-1,\"threads\":[]",
		"\"host\":{},\"threads\":[],\"cgroups\":[{\"hierarchy\":\"v2\",\"path\":\"/\","
		"\"cpu_usage_ns\":-1}]",
	};
	struct kt_diag d;
	struct hst_snap s;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"format\":\"ktstr-hst\",\"version\":1,\"host\":{},\"threads\":[%s]}",
			 bad[i]);
		hst_snap_init(&s);
		CHECK(hst_snap_from_json(&s, json_loads(text, 0, NULL), &d) == -EINVAL);
		CHECK(strstr(d.msg, "thread 0") != NULL);
	}
	CHECK(strstr(d.msg, "\"pcomm\" is not a string") != NULL);
	for (i = 0; i < sizeof(bad_top) / sizeof(bad_top[0]); i++) {
		snprintf(text, sizeof(text), "{\"format\":\"ktstr-hst\",\"version\":1,%s}",
			 bad_top[i]);
		hst_snap_init(&s);
		CHECK(hst_snap_from_json(&s, json_loads(text, 0, NULL), &d) == -EINVAL);
	}
	CHECK_STR(d.msg, "cgroup 0: \"cpu_usage_ns\" is not a non-negative integer");
}

/* What capture writes for files it could not read: null, accepted and unknown. */
static void test_null_members(void)
{
	struct kt_diag d;
	struct hst_snap s;

	hst_snap_init(&s);
	CHECK(hst_snap_from_json(&s,
				 json_loads("{\"host\":{},\"realtime_ns\":1,\"threads\":[{\"tgid\":1,"
					    "\"tid\":2,\"pcomm\":null,\"comm\":null,\"nice\":-20,"
					    "\"run_time_ns\":null,\"sched\":{\"numa_preferred_nid\":-1,"
					    "\"stats.wait_sum\":0}}]}",
					    0, NULL),
				 &d) == 0);
	CHECK(s.nt == 1 && !s.t[0].pcomm && !s.t[0].comm);
	CHECK(s.t[0].v[hst_metric_find("run_time_ns")] == HST_NONE);
	CHECK(s.t[0].v[hst_metric_find("wait_sum_ns")] == 0);
	CHECK_STR(s.t[0].state[HST_ST_NICE], "-20");
	hst_snap_release(&s);
}

static void test_report(void)
{
	struct hst_cmp_opts o = { .by = HST_BY_PCOMM_COMM };
	struct hst_filter f = { 0 };
	const struct hst_row **rows;
	struct hst_snap a, b;
	struct hst_result r;
	struct hst_report rep = { { "a", "b" }, { &a, &b }, HST_BY_PCOMM_COMM };
	char *out = NULL;
	size_t len;
	json_t *j;
	FILE *f2;
	long n;

	snap(&a, T(1, 1, "p", "t\\n1", 10, ""), "");
	snap(&b, T(1, 1, "p", "t\\n1", 30, ""), "");
	hst_result_init(&r);
	CHECK(hst_compare(&a, &b, &o, &r) == 0);
	n = hst_result_select(&r, &f, &rows);
	f2 = open_memstream(&out, &len);
	CHECK(hst_report_text(f2, &rep, rows, (size_t)n) == 0);
	fclose(f2);
	/* the newline in the comm is escaped, the columns line up */
	CHECK(out && strstr(out, "PCOMM  COMM    THREADS  METRIC       BASELINE  CANDIDATE  "
				 "DELTA  %\n") != NULL);
	CHECK(out && strstr(out, "p      t\\x0a1  1        run_time_ns  10        30         "
				 "+20    +200.0%\n") != NULL);
	free(out);
	f2 = open_memstream(&out, &len);
	CHECK(hst_report_json(f2, &rep, rows, (size_t)n) == 0);
	fclose(f2);
	j = json_loads(out, 0, NULL);
	CHECK(j && json_array_size(json_object_get(j, "rows")) == 1);
	CHECK(j && json_integer_value(json_object_get(
			   json_array_get(json_object_get(j, "rows"), 0), "delta")) == 20);
	CHECK(j && json_array_size(json_object_get(j, "host_changes")) == 0);
	json_decref(j);
	free(out);
	free(rows);
	hst_result_release(&r);
	hst_snap_release(&a);
	hst_snap_release(&b);
}

int main(void)
{
	RUN(test_flatten);
	RUN(test_groups_and_rows);
	RUN(test_select);
	RUN(test_bad_snapshots);
	RUN(test_null_members);
	RUN(test_report);
	return unit_done();
}
