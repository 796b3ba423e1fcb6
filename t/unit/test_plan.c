// SPDX-License-Identifier: GPL-2.0
/* Planning: timelines, lifetimes, loops, skips and the mistakes planning catches. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "plan.h"
#include "unit.h"

static struct scenario_set set;
static struct topo topo;
static const struct plan_opts opts = { .duration_ms = 1000, .settle_ms = 100, .workers = 2,
				       .first_group = 1 };

static void use_topo(const char *spec)
{
	struct topo_spec ts;
	struct kt_diag d;

	topo_release(&topo);
	topo_init(&topo);
	topo_parse_spec(spec, &ts, &d);
	topo_synthetic(&topo, &ts, &d);
}

static const struct scenario *add(const char *json)
{
	struct kt_diag d;
	json_t *j = json_loads(json, 0, NULL);
	const struct scenario *s;

	if (scenario_set_load_text(&set, json, strlen(json), "test", &d) < 0)
		printf("# load: %s\n", d.msg);
	s = scenario_find(&set, json_string_value(json_object_get(j, "name")));
	json_decref(j);
	return s;
}

/* "ms:kind:name" for each event, space separated. */
static const char *timeline(const struct plan *p)
{
	static char buf[4096];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && n < sizeof(buf) - 64; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%llu:%s:%s", i ? " " : "",
				      (unsigned long long)(p->ev[i].at_ns / KTIME_NS_PER_MS),
				      plan_kind_name(p->ev[i].kind), p->ev[i].name ? p->ev[i].name : "");
	return buf;
}

static int build(const struct scenario *s, struct plan *p, struct kt_diag *d)
{
	plan_init(p);
	return s ? plan_build(s, &topo, &opts, p, d) : -ENOENT;
}

static void test_steady(void)
{
	struct plan p;
	struct kt_diag d;

	use_topo("1,1,4,1");
	CHECK(build(scenario_find(&set, "cgroup_steady"), &p, &d) == 0);
	CHECK_STR(timeline(&p), "0:create:cg_0 0:spawn:cg_0 0:create:cg_1 0:spawn:cg_1 100:start: "
				"1100:stop: 1100:remove:cg_1 1100:remove:cg_0");
	CHECK(p.length_ns == 1100 * KTIME_NS_PER_MS && p.next_group == 3 && !p.uses_cpuset);
	plan_release(&p);
}

static void test_step_lifetimes(void)
{
	const struct scenario *s = add(
		"{\"name\":\"life\",\"category\":\"t\",\"description\":\"d\","
		"\"backdrop\":{\"cgroups\":[{\"name\":\"a\",\"works\":[\"CpuSpin\"]}]},"
		"\"steps\":[{\"hold\":100,\"cgroups\":[{\"name\":\"b\",\"works\":[\"CpuSpin\"]}]},"
		"{\"hold\":\"D/2\",\"ops\":[{\"op\":\"add_cgroup\",\"name\":\"c\"},"
		"{\"op\":\"spawn\",\"cgroup\":\"c\",\"work\":{\"type\":\"CpuSpin\",\"count\":1}}]}]}");
	struct plan p;
	struct kt_diag d;

	CHECK(build(s, &p, &d) == 0);
	/* b ends with its step; c (made by an op) lasts to the end */
	CHECK_STR(timeline(&p), "0:create:a 0:spawn:a 0:start: 0:create:b 0:spawn:b 0:start: "
				"100:stop: 100:remove:b 100:create:c 100:spawn:c 100:start: "
				"600:stop: 600:remove:c 600:remove:a");
	plan_release(&p);
}

static void test_for_loop_cut(void)
{
	const struct scenario *s = add(
		"{\"name\":\"churn\",\"category\":\"t\",\"description\":\"d\","
		"\"steps\":[{\"loop\":{\"for\":250},\"steps\":[{\"hold\":100,"
		"\"cgroups\":[{\"name\":\"e_{i}\"}]}]}]}");
	struct plan p;
	struct kt_diag d;

	CHECK(build(s, &p, &d) == 0);
	/* the third round is cut off at 250 ms */
	CHECK_STR(timeline(&p), "0:create:e_0 100:remove:e_0 100:create:e_1 200:remove:e_1 "
				"200:create:e_2 250:remove:e_2");
	plan_release(&p);
	s = add("{\"name\":\"spin\",\"category\":\"t\",\"description\":\"d\","
		"\"steps\":[{\"loop\":{\"for\":\"D\"},\"steps\":[{\"hold\":0}]}]}");
	CHECK(build(s, &p, &d) == -EINVAL && strstr(d.msg, "hold no time"));
	plan_release(&p);
}

static void test_repeat_when_let(void)
{
	const struct scenario *s = add(
		"{\"name\":\"rep\",\"category\":\"t\",\"description\":\"d\",\"let\":{\"k\":\"T - 1\"},"
		"\"backdrop\":{\"cgroups\":[{\"name\":\"g_{i}\",\"repeat\":\"k\",\"when\":\"i != 1\"}]},"
		"\"steps\":[{\"hold\":1}]}");
	struct plan p;
	struct kt_diag d;

	use_topo("1,1,4,1");
	CHECK(build(s, &p, &d) == 0);
	CHECK_STR(timeline(&p), "0:create:g_0 0:create:g_2 1:remove:g_2 1:remove:g_0");
	plan_release(&p);
}

static void test_mistakes(void)
{
	struct plan p;
	struct kt_diag d;
	const struct scenario *s;

	s = add("{\"name\":\"orphan\",\"category\":\"t\",\"description\":\"d\","
		"\"steps\":[{\"ops\":[{\"op\":\"add_cgroup\",\"name\":\"x/y\"}]}]}");
	CHECK(build(s, &p, &d) == -ENOENT && strstr(d.msg, "before its parent 'x'"));
	plan_release(&p);
	s = add("{\"name\":\"twice\",\"category\":\"t\",\"description\":\"d\","
		"\"steps\":[{\"ops\":[{\"op\":\"add_cgroup\",\"name\":\"x\",\"repeat\":2}]}]}");
	CHECK(build(s, &p, &d) == -EEXIST && strstr(d.msg, "'x' is created twice"));
	plan_release(&p);
	/* a step's cgroup removed at its end while a scenario-long group was moved in */
	s = add("{\"name\":\"strand\",\"category\":\"t\",\"description\":\"d\","
		"\"backdrop\":{\"cgroups\":[{\"name\":\"a\",\"works\":[\"CpuSpin\"]}]},"
		"\"steps\":[{\"hold\":1,\"cgroups\":[{\"name\":\"b\"}],"
		"\"ops\":[{\"op\":\"add_cgroup\",\"name\":\"z\"}]},"
		"{\"hold\":1,\"cgroups\":[{\"name\":\"q\"}],"
		"\"ops\":[{\"op\":\"move_all\",\"from\":\"a\",\"to\":\"z\"}]},"
		"{\"hold\":1,\"cgroups\":[{\"name\":\"r\"}],"
		"\"ops\":[{\"op\":\"move_all\",\"from\":\"z\",\"to\":\"q\"}]}]}");
	CHECK(build(s, &p, &d) == -ENOENT && strstr(d.msg, "'q' does not exist"));
	plan_release(&p);
	s = add("{\"name\":\"stranded\",\"category\":\"t\",\"description\":\"d\","
		"\"backdrop\":{\"cgroups\":[{\"name\":\"a\",\"works\":[\"CpuSpin\"]}]},"
		"\"steps\":[{\"hold\":1,\"cgroups\":[{\"name\":\"b\"}],"
		"\"ops\":[{\"op\":\"add_cgroup\",\"name\":\"c\"}]},"
		"{\"hold\":1,\"cgroups\":[{\"name\":\"q\"}]},"
		"{\"hold\":1,\"ops\":[{\"op\":\"move_all\",\"from\":\"a\",\"to\":\"c\"}]},"
		"{\"hold\":1,\"ops\":[{\"op\":\"remove_cgroup\",\"cgroup\":\"c\"}]}]}");
	/* remove_cgroup stops what runs inside: fine */
	CHECK(build(s, &p, &d) == 0);
	plan_release(&p);
	s = add("{\"name\":\"grp\",\"category\":\"t\",\"description\":\"d\",\"kind\":\"steady\","
		"\"cgroups\":1,\"works\":[{\"type\":\"PipeIo\",\"count\":\"W - 1\"}]}");
	CHECK(build(s, &p, &d) == -EINVAL && strstr(d.msg, "multiples of 2"));
	plan_release(&p);
}

/* Scenarios that would keep the planner busy for minutes end with an error at once. */
static void test_limits(void)
{
	const struct scenario *s;
	struct plan p;
	struct kt_diag d;

	use_topo("1,1,2,1");
	s = add("{\"name\":\"manycg\",\"category\":\"t\",\"description\":\"d\",\"steps\":[{\"ops\":"
		"[{\"op\":\"add_cgroup\",\"name\":\"a{i}\",\"repeat\":1000000}]}]}");
	CHECK(build(s, &p, &d) == -E2BIG && strstr(d.msg, "more than 10000 cgroups at once"));
	plan_release(&p);
	s = add("{\"name\":\"bigrep\",\"category\":\"t\",\"description\":\"d\",\"steps\":[{\"ops\":"
		"[{\"op\":\"add_cgroup\",\"name\":\"a{i}\",\"repeat\":\"1000001\"}]}]}");
	CHECK(build(s, &p, &d) == -E2BIG && strstr(d.msg, "a repeat of 1000001 rounds"));
	plan_release(&p);
	s = add("{\"name\":\"bigloop\",\"category\":\"t\",\"description\":\"d\",\"steps\":"
		"[{\"loop\":{\"times\":100000000},\"steps\":[{\"hold\":0}]}]}");
	CHECK(build(s, &p, &d) == -E2BIG && strstr(d.msg, "a loop of 100000000 rounds"));
	plan_release(&p);
	s = add("{\"name\":\"bignest\",\"category\":\"t\",\"description\":\"d\",\"steps\":"
		"[{\"loop\":{\"times\":1000000},\"steps\":[{\"loop\":{\"times\":1000000},"
		"\"steps\":[{\"when\":0}]}]}]}");
	CHECK(build(s, &p, &d) == -E2BIG && strstr(d.msg, "more than 10000000 steps"));
	plan_release(&p);
}

static void test_skips(void)
{
	struct plan p;
	struct kt_diag d;

	use_topo("1,1,1,1");
	CHECK(build(scenario_find(&set, "cgroup_cpuset_workload_imbalance"), &p, &d) == 0);
	CHECK_STR(p.skip, "needs >= 2 usable CPUs, have 1");
	CHECK(p.n == 0 && p.next_group == 1);
	plan_release(&p);
	/* a count that comes out 0 on this topology is a skip, not an error */
	CHECK(build(add("{\"name\":\"zero\",\"category\":\"t\",\"description\":\"d\",\"kind\":"
			"\"steady\",\"cgroups\":1,\"works\":[{\"type\":\"CpuSpin\",\"count\":\"T - 1\"}]}"),
		    &p, &d) == 0);
	CHECK(p.skip && strstr(p.skip, "worker count 'T - 1' is 0 with 1 CPUs"));
	plan_release(&p);
}

static void test_rt_and_checks(void)
{
	struct plan p;
	struct kt_diag d;
	size_t i;
	int rt = 0;

	use_topo("1,1,4,1");
	CHECK(build(scenario_find(&set, "sched_mixed"), &p, &d) == 0);
	for (i = 0; i < p.n; i++)
		rt += p.ev[i].kind == PLAN_CREATE && p.ev[i].rt;
	CHECK(rt == 2);
	plan_release(&p);
	CHECK(build(scenario_find(&set, "cgroup_cpuset_clear_midrun"), &p, &d) == 0);
	CHECK(json_is_true(json_object_get(p.checks, "isolation")));
	CHECK(json_is_null(json_object_get(p.checks, "max_spread_pct")));
	plan_release(&p);
}

int main(void)
{
	struct kt_diag d;

	topo_init(&topo);
	use_topo("1,1,4,1");
	scenario_set_init(&set);
	if (scenario_set_load_builtin(&set, &d) < 0) {
		printf("# %s\n", d.msg);
		return 1;
	}
	RUN(test_steady);
	RUN(test_step_lifetimes);
	RUN(test_for_loop_cut);
	RUN(test_repeat_when_let);
	RUN(test_mistakes);
	RUN(test_limits);
	RUN(test_skips);
	RUN(test_rt_and_checks);
	scenario_set_release(&set);
	topo_release(&topo);
	return unit_done();
}
