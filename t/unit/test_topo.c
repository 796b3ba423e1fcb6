// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "topo.h"
#include "unit.h"

static void make(struct topo *t, const char *spec)
{
	struct topo_spec sp;

	topo_init(t);
	CHECK(topo_parse_spec(spec, &sp, NULL) == 0);
	CHECK(topo_synthetic(t, &sp, NULL) == 0);
}

static void test_synthetic_numbering(void)
{
	struct topo t;

	make(&t, "2,4,2,2");
	CHECK(t.cpus.n == 16 && t.nllcs == 4 && t.nnodes == 2 && topo_ncores(&t) == 8);
	CHECK(topo_llc_of_cpu(&t, 5) == 1 && topo_node_of_cpu(&t, 9) == 1);
	CHECK(topo_distance(&t, 0, 1) == 20 && topo_distance(&t, 1, 1) == 10);
	CHECK(topo_distance(&t, 0, 7) == 255);
	topo_release(&t);
}

static void test_json_roundtrip(void)
{
	struct topo a, b;
	struct kt_diag d;
	json_t *j;

	make(&a, "2,2,2,1");
	topo_init(&b);
	j = topo_to_json(&a);
	CHECK(topo_from_json(&b, j, &d) == 0);
	CHECK(cpulist_equal(&a.cpus, &b.cpus) && b.nllcs == 2 && b.nnodes == 2);
	CHECK(cpulist_equal(&a.llcs[1].cores[1], &b.llcs[1].cores[1]));
	json_object_set_new(j, "distances", json_loads("[[10]]", 0, NULL));
	CHECK(topo_from_json(&b, j, &d) < 0);
	json_decref(j);
	topo_release(&a);
	topo_release(&b);
}

static void test_restrict_drops_empty_llcs_and_nodes(void)
{
	struct topo t;
	struct cpulist keep;

	make(&t, "2,4,2,1"); /* LLCs 0-1,2-3 on node 0; 4-5,6-7 on node 1 */
	cpulist_init(&keep);
	cpulist_parse(&keep, "1-3", CPULIST_STRICT, NULL);
	CHECK(topo_restrict(&t, &keep) == 0);
	CHECK(t.cpus.n == 3 && t.nllcs == 2 && t.nnodes == 1);
	CHECK(t.llcs[0].ncores == 1 && t.llcs[0].cpus.cpu[0] == 1 && t.llcs[1].index == 1);
	CHECK(topo_distance(&t, 0, 0) == 10);
	cpulist_parse(&keep, "100", CPULIST_STRICT, NULL);
	CHECK(topo_restrict(&t, &keep) < 0);
	cpulist_release(&keep);
	topo_release(&t);
}

static void test_restrict_keeps_far_node_distances(void)
{
	struct topo t;
	struct cpulist keep;

	make(&t, "3,3,1,1");
	t.distance[0 * 3 + 2] = 31;
	cpulist_init(&keep);
	cpulist_parse(&keep, "0,2", CPULIST_STRICT, NULL);
	CHECK(topo_restrict(&t, &keep) == 0);
	CHECK(t.nnodes == 2 && t.nodes[1].id == 2);
	CHECK(topo_distance(&t, 0, 2) == 31);
	cpulist_release(&keep);
	topo_release(&t);
}

int main(void)
{
	RUN(test_synthetic_numbering);
	RUN(test_json_roundtrip);
	RUN(test_restrict_drops_empty_llcs_and_nodes);
	RUN(test_restrict_keeps_far_node_distances);
	return unit_done();
}
