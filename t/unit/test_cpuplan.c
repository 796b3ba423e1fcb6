// SPDX-License-Identifier: GPL-2.0
/*
 * The reservation planner against the topology fixtures in t/fixtures/topo
 * (unit tests run from the top of the tree).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpuplan.h"
#include "topo.h"
#include "unit.h"

static struct topo topo;
static struct cpulist allowed;

static void load(const char *fixture, const char *allowed_list)
{
	char path[256];
	struct kt_diag d;

	topo_release(&topo);
	snprintf(path, sizeof(path), "t/fixtures/topo/%s/sys", fixture);
	CHECK(topo_load_sysfs(&topo, path, &d) == 0);
	cpulist_clear(&allowed);
	CHECK(cpulist_parse(&allowed, allowed_list, CPULIST_STRICT, &d) == 0);
}

/* "2,3,6" style for comparisons; NULL for an empty list. */
static char *fmt(const struct cpulist *cl)
{
	return cpulist_format(cl);
}

static char *llc_order(const struct cpuplan *p)
{
	static char buf[128];
	size_t i, w = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nllcs && w < sizeof(buf); i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%u", i ? " " : "", p->llcs[i]);
	return buf;
}

/* Plan and compare CPUs, nodes and LLC pick order ("" skips a comparison). */
static void expect(const struct cpuplan_state *st, enum cpuplan_unit unit, unsigned want,
		   const char *cpus, const char *mems, const char *llcs)
{
	struct cpuplan p;
	struct kt_diag d;
	char *s;

	cpuplan_init(&p);
	CHECK(cpuplan_make(&p, &topo, &allowed, st, unit, want, &d) == 0);
	s = fmt(&p.cpus);
	CHECK_STR(s, cpus);
	free(s);
	if (*mems) {
		s = fmt(&p.mems);
		CHECK_STR(s, mems);
		free(s);
	}
	if (*llcs)
		CHECK_STR(llc_order(&p), llcs);
	if (unit == CPUPLAN_CPUS && want)
		CHECK(p.cpus.n == want);
	cpuplan_release(&p);
}

static void expect_err(const struct cpuplan_state *st, enum cpuplan_unit unit, unsigned want,
		       int err, const char *needle)
{
	struct cpuplan p;
	struct kt_diag d = { "" };

	cpuplan_init(&p);
	CHECK(cpuplan_make(&p, &topo, &allowed, st, unit, want, &d) == -err);
	CHECK(strstr(d.msg, needle) != NULL);
	if (!strstr(d.msg, needle))
		printf("# diag: %s\n", d.msg);
	CHECK(p.cpus.n == 0 && p.nllcs == 0);
	cpuplan_release(&p);
}

static void test_one_cpu(void)
{
	load("one-cpu", "0");
	expect(NULL, CPUPLAN_CPUS, 1, "0", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 0, "0", "0", "0");
	expect_err(NULL, CPUPLAN_CPUS, 2, ERANGE, "wants 2 CPUs, but this process may only use 1");
}

/* LLC index 0 is CPUs 2,3,6,7 (lower cache id); index 1 is 0,1,4,5. */
static void test_desktop_counts(void)
{
	load("desktop-2llc-smt", "0-7");
	expect(NULL, CPUPLAN_CPUS, 1, "2", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 3, "2-3,6", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 4, "2-3,6-7", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 5, "0,2-3,6-7", "0", "0 1");
	expect(NULL, CPUPLAN_CPUS, 8, "0-7", "0", "0 1");
	expect(NULL, CPUPLAN_CPUS, 0, "0-7", "0", "0 1");
	expect_err(NULL, CPUPLAN_CPUS, 9, ERANGE, "(CPUs 0-7)");
	expect(NULL, CPUPLAN_LLCS, 1, "2-3,6-7", "0", "0");
	expect(NULL, CPUPLAN_LLCS, 0, "0-7", "0", "0 1");
	expect_err(NULL, CPUPLAN_LLCS, 3, ERANGE, "wants 3 LLCs");
}

/* Shared holders pull a plan onto their LLC; the partial LLC is the last picked. */
static void test_consolidates_onto_shared_llcs(void)
{
	unsigned peers[2] = { 0, 2 };
	struct cpuplan_state st = { .llc_peers = peers };

	load("desktop-2llc-smt", "0-7");
	expect(&st, CPUPLAN_CPUS, 3, "0-1,4", "", "1");
	expect(&st, CPUPLAN_CPUS, 5, "0-2,4-5", "", "1 0");
}

static void test_blocked_and_busy(void)
{
	bool blocked[2] = { true, false };
	struct cpuplan_state st = { .llc_blocked = blocked };
	struct cpulist busy;
	struct kt_diag d;

	load("desktop-2llc-smt", "0-7");
	expect(&st, CPUPLAN_CPUS, 4, "0-1,4-5", "", "1");
	expect_err(&st, CPUPLAN_CPUS, 5, EBUSY, "only 4 of 8 CPUs are free");
	expect_err(&st, CPUPLAN_LLCS, 0, EBUSY, "only 1 of 2 LLCs are free");
	cpulist_init(&busy);
	CHECK(cpulist_parse(&busy, "2-3", CPULIST_STRICT, &d) == 0);
	st = (struct cpuplan_state){ .busy_cpus = &busy };
	expect(&st, CPUPLAN_CPUS, 3, "0,6-7", "", "0 1");
	cpulist_release(&busy);
}

/* Only CPUs the process may use count, and the error names them. */
static void test_allowed_subset(void)
{
	load("desktop-2llc-smt", "0-2");
	expect(NULL, CPUPLAN_CPUS, 3, "0-2", "", "0 1");
	expect(NULL, CPUPLAN_LLCS, 0, "0-2", "", "0 1");
	expect_err(NULL, CPUPLAN_CPUS, 4, ERANGE, "may only use 3 (CPUs 0-2)");
	load("desktop-2llc-smt", "20-21");
	expect_err(NULL, CPUPLAN_CPUS, 1, EINVAL, "none of the CPUs");
}

/* Two sockets, one LLC each; node 2 has memory only and never shows up. */
static void test_numa_server(void)
{
	bool blocked[2] = { true, false };
	struct cpuplan_state st = { .llc_blocked = blocked };

	load("numa-server", "0-7");
	expect(NULL, CPUPLAN_CPUS, 1, "0", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 3, "0-2", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 5, "0-4", "0-1", "0 1");
	expect(NULL, CPUPLAN_CPUS, 8, "0-7", "0-1", "0 1");
	expect_err(NULL, CPUPLAN_CPUS, 9, ERANGE, "wants 9 CPUs");
	expect(&st, CPUPLAN_CPUS, 3, "4-6", "1", "1");
}

/*
 * numa-4node: node n has LLCs 2n, 2n+1.  From node 0 the nearest node is 3
 * (12), then 1 (16), then 2 (22); from node 1: 2, then 0, then 3.
 */
static void test_nodes_by_distance(void)
{
	unsigned peers[8] = { 0, 0, 0, 1, 0, 0, 0, 0 };
	struct cpuplan_state st = { .llc_peers = peers };

	load("numa-4node", "0-15");
	expect(NULL, CPUPLAN_CPUS, 1, "0", "0", "0");
	expect(NULL, CPUPLAN_CPUS, 3, "0-2", "0", "0 1");
	expect(NULL, CPUPLAN_CPUS, 5, "0-3,12", "0,3", "0 1 6");
	expect(NULL, CPUPLAN_CPUS, 9, "0-4,12-15", "0-1,3", "0 1 6 7 2");
	expect(NULL, CPUPLAN_CPUS, 16, "0-15", "0-3", "");
	expect_err(NULL, CPUPLAN_CPUS, 17, ERANGE, "wants 17 CPUs");
	expect(NULL, CPUPLAN_LLCS, 3, "0-3,12-13", "0,3", "0 1 6");
	/* a shared holder on LLC 3 makes node 1 the seed: then node 2, not node 0 */
	expect(&st, CPUPLAN_CPUS, 5, "4-8", "1-2", "3 2 4");
	expect(&st, CPUPLAN_CPUS, 6, "4-9", "1-2", "3 2 4");
}

int main(void)
{
	topo_init(&topo);
	cpulist_init(&allowed);
	RUN(test_one_cpu);
	RUN(test_desktop_counts);
	RUN(test_consolidates_onto_shared_llcs);
	RUN(test_blocked_and_busy);
	RUN(test_allowed_subset);
	RUN(test_numa_server);
	RUN(test_nodes_by_distance);
	topo_release(&topo);
	cpulist_release(&allowed);
	return unit_done();
}
