// SPDX-License-Identifier: GPL-2.0
/* Loading scenarios: the built-in catalog, files, and errors that name the field. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "scenario.h"
#include "unit.h"

static const char *load_err(const char *json)
{
	static struct kt_diag d;
	struct scenario_set set;
	int rc;

	scenario_set_init(&set);
	rc = scenario_set_load_text(&set, json, strlen(json), "f.json", &d);
	scenario_set_release(&set);
	return rc < 0 ? d.msg : "ok";
}

#define HEAD "{\"name\":\"x\",\"category\":\"c\",\"description\":\"d\","

static void test_builtin(void)
{
	struct scenario_set set;
	struct kt_diag d;
	const struct scenario *s;

	scenario_set_init(&set);
	CHECK(scenario_set_load_builtin(&set, &d) == 0);
	CHECK(set.n == 81);
	CHECK_STR(set.v[0].name, "cgroup_steady");
	CHECK_STR(set.v[80].name, "mutex_contention_heavy");
	s = scenario_find(&set, "cgroup_cpuset_cross_llc_race");
	CHECK(s && s->requires == (PROFILE_LLC | PROFILE_REBAL) && !s->steady);
	s = scenario_find(&set, "cgroup_affinity_change");
	CHECK(s && s->excludes == PROFILE_REJECT_PIN);
	CHECK(scenario_find(&set, "nope") == NULL);
	CHECK_STR(scenario_suggest(&set, "cgroup_stedy"), "cgroup_steady");
	scenario_set_release(&set);
}

static void test_ok(void)
{
	CHECK_STR(load_err(HEAD "\"steps\":[{\"hold\":1}]}"), "ok");
	CHECK_STR(load_err("[" HEAD "\"steps\":[{\"hold\":1}]}]"), "ok");
	CHECK_STR(load_err(HEAD "\"kind\":\"steady\",\"cgroups\":2,\"partition\":{\"type\":"
			   "\"overlap\",\"frac\":0.5},\"works\":[[\"CpuSpin\",{\"type\":\"Sequence\","
			   "\"phases\":[{\"kind\":\"spin\",\"ns\":1000}]}]]}"),
		  "ok");
}

static void test_errors_name_the_field(void)
{
	CHECK_STR(load_err(HEAD "\"stpes\":[]}"),
		  "f.json: scenario 'x': unknown field 'stpes'; did you mean 'steps'?");
	CHECK_STR(load_err(HEAD "\"steps\":[{\"hold\":1,\"ops\":[{\"op\":\"spawn\",\"cgroup\":"
			   "\"a\"}]}]}"),
		  "f.json: scenario 'x': steps[0].ops[0]: op 'spawn' needs 'work'");
	CHECK_STR(load_err(HEAD "\"steps\":[{\"loop\":{\"times\":2,\"for\":3},\"steps\":[]}]}"),
		  "f.json: scenario 'x': steps[0].loop: give either 'times' (a count) or 'for' "
		  "(milliseconds)");
	CHECK_STR(load_err(HEAD "\"kind\":\"steady\",\"cgroups\":2,\"works\":[{\"type\":"
			   "\"CpuSpin\",\"policy\":\"fifo:100\"}]}"),
		  "f.json: scenario 'x': works[0].policy: policy must be normal, batch, idle, "
		  "fifo:P or rr:P (P from 1 to 99)");
	CHECK_STR(load_err(HEAD "\"requires\":[\"steal\"],\"steps\":[{\"hold\":1}]}"), "ok");
	CHECK_STR(load_err(HEAD "\"requires\":[\"steal\"],\"excludes\":[\"llc\"],\"steps\":"
			   "[{\"hold\":1}]}"),
		  "f.json: scenario 'x': no flag profile satisfies 'requires' and 'excludes' "
		  "(steal needs llc)");
	CHECK_STR(load_err(HEAD "\"steps\":[{\"cgroups\":[{\"name\":\"a b\"}]}]}"),
		  "f.json: scenario 'x': steps[0].cgroups[0].name: ' ' cannot appear in a cgroup "
		  "name ('a b')");
	CHECK_STR(load_err(HEAD "\"let\":{\"W\":1},\"steps\":[{\"hold\":1}]}"),
		  "f.json: scenario 'x': let.W: 'W' is a built-in name");
	CHECK_STR(load_err(HEAD "\"let\":{\"a\":\"b\",\"b\":1},\"steps\":[{\"hold\":1}]}"),
		  "f.json: scenario 'x': let.a: unknown name at offset 0 in 'b'");
	CHECK_STR(load_err(HEAD "\"steps\":[{\"ops\":[{\"op\":\"set_cpuset\",\"cgroup\":\"a\","
			   "\"cpus\":{\"llc\":0,\"numa\":1}}]}]}"),
		  "f.json: scenario 'x': steps[0].ops[0].cpus: give one of llc, numa, range, "
		  "disjoint, overlap, exact, all, usable, partition; got 'llc' and 'numa'");
	CHECK_STR(load_err(HEAD "\"steps\":[{\"ops\":[{\"op\":\"set_cpuset\",\"cgroup\":\"a\","
			   "\"cpus\":{\"range\":[0.5,0.2]}}]}]}"),
		  "f.json: scenario 'x': steps[0].ops[0].cpus.range: needs 0 <= from < to <= 1, got "
		  "[0.5, 0.2]");
	CHECK_STR(load_err("{\"category\":\"c\"}"),
		  "f.json: scenario '(unnamed)': 'name' must be a non-empty string");
	CHECK_STR(load_err("[]"), "f.json: holds no scenarios");
	CHECK_STR(load_err("[" HEAD "\"steps\":[{\"hold\":1}]}," HEAD "\"steps\":[{\"hold\":1}]}]"),
		  "f.json: scenario 'x' is already defined in f.json");
}

static void test_list_json(void)
{
	struct scenario_set set;
	struct kt_diag d;
	char buf[4096];
	json_t *j;

	scenario_set_init(&set);
	scenario_set_load_builtin(&set, &d);
	j = scenario_list_json(scenario_find(&set, "cgroup_llc_overflow"));
	CHECK(json_array_size(json_object_get(j, "profiles")) == 16);
	CHECK_STR(json_string_value(json_object_get(j, "kind")), "steady");
	CHECK(scenario_profiles_text(scenario_find(&set, "cgroup_llc_overflow"), buf, sizeof(buf)) == 0);
	CHECK(!strncmp(buf, "llc+steal, llc+borrow+steal, llc+steal+rebal, ", 46));
	json_decref(j);
	scenario_set_release(&set);
}

int main(void)
{
	RUN(test_builtin);
	RUN(test_ok);
	RUN(test_errors_name_the_field);
	RUN(test_list_json);
	return unit_done();
}
