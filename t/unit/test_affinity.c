// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "affinity.h"
#include "unit.h"

static void test_parse_command_line_forms(void)
{
	struct affinity a;
	struct kt_diag d;

	affinity_init(&a);
	CHECK(affinity_parse(&a, "none", &d) == 0 && a.kind == AFFINITY_NONE);
	CHECK(affinity_parse(&a, "llc", &d) == 0 && a.kind == AFFINITY_LLC);
	CHECK(affinity_needs_topo(&a));
	CHECK(affinity_parse(&a, "cpu", &d) == 0 && a.kind == AFFINITY_CPU);
	CHECK(affinity_parse(&a, "random", &d) == 0 && a.kind == AFFINITY_RANDOM);
	CHECK(affinity_parse(&a, "0-2,5", &d) == 0 && a.kind == AFFINITY_SET && a.set.n == 4);
	CHECK(!affinity_needs_topo(&a));
	CHECK(affinity_parse(&a, "everywhere", &d) == -EINVAL);
	CHECK(strstr(d.msg, "everywhere") != NULL);
	affinity_release(&a);
}

static void test_resolve_per_llc_keeps_groups_together(void)
{
	struct topo_spec spec = { 1, 2, 2, 1 };
	struct cpulist out;
	struct affinity a;
	struct kt_diag d;
	unsigned seed = 1;
	struct topo t;

	topo_init(&t);
	CHECK(topo_synthetic(&t, &spec, &d) == 0);
	affinity_init(&a);
	cpulist_init(&out);
	affinity_parse(&a, "llc", &d);
	/* pairs: workers 0,1 -> LLC 0; 2,3 -> LLC 1; 4,5 -> LLC 0 */
	CHECK(affinity_resolve(&a, &t, 1, 2, &seed, &out) == 0 && cpulist_equal(&out, &t.llcs[0].cpus));
	CHECK(affinity_resolve(&a, &t, 2, 2, &seed, &out) == 0 && cpulist_equal(&out, &t.llcs[1].cpus));
	CHECK(affinity_resolve(&a, &t, 5, 2, &seed, &out) == 0 && cpulist_equal(&out, &t.llcs[0].cpus));
	affinity_parse(&a, "cpu", &d);
	CHECK(affinity_resolve(&a, &t, 5, 1, &seed, &out) == 0 && out.n == 1 && out.cpu[0] == 1);
	affinity_parse(&a, "random", &d);
	CHECK(affinity_resolve(&a, &t, 0, 1, &seed, &out) == 0 && out.n == 2);
	CHECK(cpulist_subset(&out, &t.cpus));
	CHECK(affinity_resolve(&a, NULL, 0, 1, &seed, &out) == -EINVAL);
	affinity_parse(&a, "none", &d);
	CHECK(affinity_resolve(&a, &t, 0, 1, &seed, &out) == 0 && out.n == 0);
	cpulist_release(&out);
	affinity_release(&a);
	topo_release(&t);
}

static void test_json_forms(void)
{
	struct cpulist out;
	struct affinity a;
	struct kt_diag d;
	unsigned seed = 7, i;
	json_t *j;

	affinity_init(&a);
	cpulist_init(&out);
	CHECK(affinity_from_json(&a, json_null(), 2, &d) == 0 && a.kind == AFFINITY_NONE);
	j = json_pack("[i,i]", 2, 3);
	CHECK(affinity_from_json(&a, j, 2, &d) == 0 && a.kind == AFFINITY_SET);
	json_decref(j);
	j = json_pack("[[i],[i]]", 0, 1);
	CHECK(affinity_from_json(&a, j, 2, &d) == 0 && a.kind == AFFINITY_PER_WORKER);
	CHECK(affinity_resolve(&a, NULL, 1, 1, &seed, &out) == 0 && out.n == 1 && out.cpu[0] == 1);
	CHECK(affinity_from_json(&a, j, 3, &d) == -EINVAL);
	json_decref(j);
	j = json_pack("{s:{s:[i,i,i,i], s:i}}", "random_subset", "pool", 4, 5, 6, 7, "count", 2);
	CHECK(affinity_from_json(&a, j, 0, &d) == 0 && a.kind == AFFINITY_RANDOM);
	CHECK(!affinity_needs_topo(&a));
	for (i = 0; i < 20; i++) {
		CHECK(affinity_resolve(&a, NULL, i, 1, &seed, &out) == 0 && out.n == 2);
		CHECK(out.cpu[0] >= 4 && out.cpu[1] <= 7);
	}
	json_decref(j);
	j = json_pack("{s:{s:[], s:i}}", "random_subset", "pool", "count", 2);
	CHECK(affinity_from_json(&a, j, 0, &d) == -EINVAL);
	json_decref(j);
	j = json_pack("{s:i}", "llc", 0);
	CHECK(affinity_from_json(&a, j, 0, &d) == -EINVAL);
	json_decref(j);
	cpulist_release(&out);
	affinity_release(&a);
}

int main(void)
{
	RUN(test_parse_command_line_forms);
	RUN(test_resolve_per_llc_keeps_groups_together);
	RUN(test_json_forms);
	return unit_done();
}
