// SPDX-License-Identifier: GPL-2.0
/* Partitions and cpuset descriptions against synthetic topologies (ktstr-run.md §1.3, §5.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuspec.h"
#include "unit.h"

static struct topo topo;
static struct cpuspec cs;

static void use(const char *spec)
{
	struct topo_spec ts;
	struct kt_diag d;

	cpuspec_release(&cs);
	topo_release(&topo);
	topo_init(&topo);
	topo_parse_spec(spec, &ts, &d);
	topo_synthetic(&topo, &ts, &d);
	cpuspec_init(&cs, &topo);
}

static char *fmt(const struct cpulist *cl)
{
	static char buf[8][128];
	static int k;
	char *s = cpulist_format(cl);

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s", s ? s : "?");
	free(s);
	return buf[k];
}

/* Partition into n sets; returns "a|b|c", or the skip reason prefixed by "skip: ". */
static const char *part(const char *json, size_t n)
{
	static char out[600];
	struct cpulist sets[8];
	struct kt_diag d;
	json_t *p = json_loads(json, 0, NULL);
	size_t i, len = 0;
	int rc;

	for (i = 0; i < n; i++)
		cpulist_init(&sets[i]);
	rc = cpuspec_partition(&cs, p, n, sets, &d);
	if (rc == -ERANGE)
		snprintf(out, sizeof(out), "skip: %s", d.msg);
	else if (rc < 0)
		snprintf(out, sizeof(out), "error: %s", d.msg);
	else if (rc == 1)
		snprintf(out, sizeof(out), "none");
	else
		for (out[0] = '\0', i = 0; i < n; i++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? "|" : "",
						fmt(&sets[i]));
	for (i = 0; i < n; i++)
		cpulist_release(&sets[i]);
	json_decref(p);
	return out;
}

static const char *spec(const char *json)
{
	static char out[600];
	struct expr_env env = { 0 };
	struct cpulist cl;
	struct kt_diag d;
	json_t *s = json_loads(json, 0, NULL);
	int rc;

	cpulist_init(&cl);
	rc = cpuspec_resolve(&cs, s, &env, &cl, &d);
	if (rc == -ERANGE)
		snprintf(out, sizeof(out), "skip: %s", d.msg);
	else if (rc < 0)
		snprintf(out, sizeof(out), "error: %s", d.msg);
	else
		snprintf(out, sizeof(out), "%s", fmt(&cl));
	cpulist_release(&cl);
	json_decref(s);
	return out;
}

static void test_usable(void)
{
	use("1,1,2,1");
	CHECK(cs.usable.n == 2); /* two CPUs: both usable */
	use("1,1,8,1");
	CHECK(cs.usable.n == 7 && cs.usable.cpu[6] == 6);
}

static void test_partitions(void)
{
	use("1,2,4,1"); /* LLC 0 = 0-3, LLC 1 = 4-7, usable 0-6 */
	CHECK_STR(part("{\"type\":\"none\"}", 2), "none");
	CHECK_STR(part("{\"type\":\"llc_aligned\"}", 2), "0-3|4-6");
	CHECK_STR(part("{\"type\":\"split_half\"}", 2), "0-2|3-6");
	CHECK_STR(part("{\"type\":\"split_misaligned\"}", 2), "0-1|2-6");
	CHECK_STR(part("{\"type\":\"uneven\",\"frac\":0.75}", 2), "0-4|5-6");
	CHECK_STR(part("{\"type\":\"holdback\",\"frac\":0.33}", 2), "0-2|3-5");
	/* overlap over all 8: base 2, ov ceil(1) = 1, stride 1 */
	CHECK_STR(part("{\"type\":\"overlap\",\"frac\":0.5}", 3), "0-1|1-2|2-3");
	use("1,1,1,1");
	CHECK_STR(part("{\"type\":\"llc_aligned\"}", 2), "skip: needs >= 2 LLCs, have 1");
	CHECK_STR(part("{\"type\":\"split_half\"}", 2), "skip: needs >= 2 usable CPUs, have 1");
	CHECK_STR(part("{\"type\":\"overlap\",\"frac\":0.5}", 3), "0|0|0");
	CHECK(!strncmp(part("{\"type\":\"holdback\",\"frac\":0.33}", 2), "skip: ", 6));
	use("1,1,4,1");
	CHECK(!strncmp(part("{\"type\":\"split_half\"}", 3), "error: ", 7));
}

static void test_specs(void)
{
	use("2,4,4,1"); /* 16 CPUs, LLCs of 4, nodes 0-7 and 8-15; usable 0-14 */
	CHECK_STR(spec("{\"llc\":1}"), "4-7");
	CHECK_STR(spec("{\"numa\":1}"), "8-15");
	CHECK_STR(spec("{\"llc\":4}"), "skip: needs >= 5 LLCs, have 4");
	CHECK_STR(spec("{\"numa\":2}"), "skip: needs >= 3 NUMA nodes with CPUs, have 2");
	CHECK_STR(spec("{\"range\":[0,0.5]}"), "0-6");
	CHECK_STR(spec("{\"range\":[0.5,1]}"), "7-14");
	CHECK_STR(spec("{\"disjoint\":[0,3]}"), "0-4");
	CHECK_STR(spec("{\"disjoint\":[2,3]}"), "10-14");
	CHECK_STR(spec("{\"disjoint\":[2,2]}"), "error: cpuset part 2 of 2 does not exist");
	CHECK_STR(spec("{\"overlap\":[1,3,0.4]}"), "3-11");
	CHECK_STR(spec("{\"all\":[3,5]}"), "3-4");
	CHECK_STR(spec("{\"all\":[14,99]}"), "14-15");
	CHECK_STR(spec("{\"usable\":[14,99]}"), "14");
	CHECK_STR(spec("{\"exact\":[1,9]}"), "1,9");
	CHECK_STR(spec("{\"exact\":[16]}"), "skip: needs CPU 16, which this topology does not have");
	CHECK_STR(spec("{\"llc\":0,\"slice\":[1,\"n\"]}"), "1-3");
	CHECK_STR(spec("{\"usable\":[0,\"7\"],\"slice\":[0,2]}"), "0-1");
	CHECK_STR(spec("{\"partition\":{\"type\":\"split_half\"},\"index\":1,\"of\":2}"), "7-14");
	CHECK(!strncmp(spec("{\"all\":[3,3]}"), "skip: cpuset ", 13));
	use("1,1,1,1");
	CHECK_STR(spec("{\"disjoint\":[0,2]}"),
		  "skip: needs >= 2 usable CPUs to split them 2 ways, have 1");
}

static void test_affinity(void)
{
	struct expr_env env = { 0 };
	struct cpulist pool;
	struct kt_diag d;
	json_t *a = NULL, *k;
	char *s;

	use("1,2,4,1");
	cpulist_init(&pool);
	cpulist_add_range(&pool, 2, 5);
	k = json_string("llc_aligned");
	CHECK(cpuspec_affinity(&cs, k, &pool, &env, &a, &d) == 0);
	s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK_STR(s, "[2,3]"); /* tie 2:2 -> the first LLC */
	free(s);
	json_decref(a);
	json_decref(k);
	k = json_string("random_subset");
	CHECK(cpuspec_affinity(&cs, k, &pool, &env, &a, &d) == 0);
	s = json_dumps(a, JSON_COMPACT);
	CHECK_STR(s, "{\"random_subset\":{\"pool\":[2,3,4,5],\"count\":2}}");
	free(s);
	json_decref(a);
	json_decref(k);
	k = json_pack("{s:{s:[i,i]}}", "cpus", "all", 0, 3);
	CHECK(cpuspec_affinity(&cs, k, &pool, &env, &a, &d) == 0);
	s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK_STR(s, "[2]"); /* within the cgroup's cpuset */
	free(s);
	json_decref(a);
	CHECK(cpuspec_affinity(&cs, k, NULL, &env, &a, &d) == 0);
	s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK_STR(s, "[0,1,2]");
	free(s);
	json_decref(a);
	json_decref(k);
	CHECK(cpuspec_affinity(&cs, NULL, NULL, &env, &a, &d) == 0 && json_is_null(a));
	cpulist_release(&pool);
}

int main(void)
{
	topo_init(&topo);
	memset(&cs, 0, sizeof(cs));
	RUN(test_usable);
	RUN(test_partitions);
	RUN(test_specs);
	RUN(test_affinity);
	cpuspec_release(&cs);
	topo_release(&topo);
	return unit_done();
}
