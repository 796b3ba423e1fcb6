// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "jsched.h"
#include "unit.h"

static void test_attached_annotates_verdicts(void)
{
	json_t *att = json_loads("{\"type\":\"scheduler\",\"event\":\"attached\","
				 "\"ops\":\"simple\","
				 "\"kernel\":\"6.12.117\",\"labels\":{\"topology\":\"1,2,2,1\"}}",
				 0, NULL);
	json_t *v = json_object();
	struct jsched js;

	jsched_init(&js);
	jsched_annotate(&js, v);
	CHECK(json_object_size(v) == 0); /* nothing known yet */
	CHECK(jsched_feed(&js, att) == JSCHED_ATTACHED);
	jsched_annotate(&js, v);
	CHECK_STR(json_string_value(json_object_get(v, "scheduler")), "simple");
	CHECK_STR(json_string_value(json_object_get(v, "kernel")), "6.12.117");
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "labels"), "topology")),
		  "1,2,2,1");
	json_decref(v);
	json_decref(att);
	jsched_release(&js);
}

static void test_events(void)
{
	json_t *d = json_pack("{s:s}", "event", "detached");
	json_t *x = json_pack("{s:s}", "event", "odd");
	json_t *none = json_object();
	struct jsched js;

	jsched_init(&js);
	CHECK(jsched_feed(&js, d) == JSCHED_DETACHED);
	CHECK(jsched_feed(&js, x) == JSCHED_NONE);
	CHECK(jsched_feed(&js, none) == JSCHED_NONE);
	CHECK(js.ops == NULL);
	json_decref(d);
	json_decref(x);
	json_decref(none);
	jsched_release(&js);
}

static void test_died_detail_carries_the_evidence(void)
{
	json_t *rec = json_loads("{\"type\":\"scheduler\",\"event\":\"died\",\"ops\":\"ktstr\","
				 "\"exit_kind\":\"error_bpf\",\"reason\":\"scx_bpf_error\","
				 "\"message\":\"boom\",\"dump\":\"CPU 0\",\"log_tail\":\"EXIT\","
				 "\"exit\":{\"code\":1}}", 0, NULL);
	json_t *d = jsched_died_detail(rec, "cgroup_steady/llc"), *between;

	CHECK_STR(json_string_value(json_object_get(d, "kind")), "SchedulerDied");
	CHECK_STR(json_string_value(json_object_get(d, "message")),
		  "scheduler 'ktstr' died during cgroup_steady/llc: error_bpf (scx_bpf_error): "
		  "boom");
	CHECK_STR(json_string_value(json_object_get(d, "exit_message")), "boom");
	CHECK_STR(json_string_value(json_object_get(d, "dump")), "CPU 0");
	CHECK_STR(json_string_value(json_object_get(d, "log_tail")), "EXIT");
	CHECK(json_integer_value(json_object_get(json_object_get(d, "exit"), "code")) == 1);
	between = jsched_died_detail(rec, NULL);
	CHECK(strstr(json_string_value(json_object_get(between, "message")),
		     "died between scenarios") != NULL);
	json_decref(between);
	json_decref(d);
	json_decref(rec);
}

int main(void)
{
	RUN(test_attached_annotates_verdicts);
	RUN(test_events);
	RUN(test_died_detail_carries_the_evidence);
	return unit_done();
}
