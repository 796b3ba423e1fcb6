// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "workspec.h"

static void test_every_reference_name_has_its_defaults(void)
{
	static const char *const names[] = {
		"CpuSpin",	 "YieldHeavy",	  "Mixed",	   "IoSync",	     "Bursty",
		"PipeIo",	 "FutexPingPong", "CachePressure", "CacheYield",    "CachePipe",
		"FutexFanOut",	 "ForkExit",	  "NiceSweep",	   "AffinityChurn", "PolicyChurn",
		"FanOutCompute", "PageFaultChurn", "MutexContention",
	};
	struct workspec ws;
	struct kt_diag d;
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CHECK(workspec_from_name(&ws, names[i], &d) == 0);
		CHECK_STR(workspec_type_name(ws.type), names[i]);
	}
	CHECK(workspec_from_name(&ws, "Bursty", &d) == 0);
	CHECK(ws.param[WP_BURST_MS] == 50 && ws.param[WP_SLEEP_MS] == 100);
	CHECK(workspec_from_name(&ws, "FanOutCompute", &d) == 0);
	CHECK(ws.param[WP_FAN_OUT] == 4 && ws.param[WP_CACHE_FOOTPRINT_KB] == 256 &&
	      ws.param[WP_OPERATIONS] == 5 && ws.param[WP_SLEEP_USEC] == 100);
	CHECK(workspec_from_name(&ws, "PageFaultChurn", &d) == 0);
	CHECK(ws.param[WP_REGION_KB] == 4096 && ws.param[WP_TOUCHES_PER_CYCLE] == 256 &&
	      ws.param[WP_SPIN_ITERS] == 64);
	CHECK(workspec_from_name(&ws, "MutexContention", &d) == 0);
	CHECK(ws.param[WP_CONTENDERS] == 4 && ws.param[WP_HOLD_ITERS] == 256 &&
	      ws.param[WP_WORK_ITERS] == 1024);
}

static void test_names_are_case_sensitive_and_suggested(void)
{
	struct workspec ws;
	struct kt_diag d;

	CHECK(workspec_from_name(&ws, "cpuspin", &d) == -EINVAL);
	CHECK(strstr(d.msg, "did you mean 'CpuSpin'") != NULL);
	CHECK(workspec_from_name(&ws, "Nonsense", &d) == -EINVAL);
}

static void test_params_are_checked_by_name_and_range(void)
{
	struct workspec ws;
	struct kt_diag d;

	workspec_from_name(&ws, "Bursty", &d);
	CHECK(workspec_set_param(&ws, "sleep_ms=20", &d) == 0);
	CHECK(ws.param[WP_SLEEP_MS] == 20);
	CHECK(workspec_set_param(&ws, "spin_iters=5", &d) == -EINVAL);
	CHECK(strstr(d.msg, "spin_iters") && strstr(d.msg, "burst_ms, sleep_ms"));
	CHECK(workspec_set_param(&ws, "sleep_ms=-1", &d) == -EINVAL);
	CHECK(workspec_set_param(&ws, "sleep_ms", &d) == -EINVAL);
	CHECK(workspec_set_param(&ws, "sleep_ms=99999999999", &d) == -EINVAL);
	workspec_from_name(&ws, "CpuSpin", &d);
	CHECK(workspec_set_param(&ws, "x=1", &d) == -EINVAL);
	CHECK(strstr(d.msg, "takes no parameters") != NULL);
}

static void test_group_sizes_and_counts(void)
{
	struct workspec ws;
	struct kt_diag d;

	workspec_from_name(&ws, "PipeIo", &d);
	CHECK(workspec_group_size(&ws) == 2);
	CHECK(workspec_check_count(&ws, 4, &d) == 0);
	CHECK(workspec_check_count(&ws, 3, &d) == -EINVAL);
	CHECK(strstr(d.msg, "groups of 2") != NULL);
	workspec_from_name(&ws, "FutexFanOut", &d);
	CHECK(workspec_group_size(&ws) == 5);
	workspec_set_param(&ws, "fan_out=2", &d);
	CHECK(workspec_group_size(&ws) == 3);
	CHECK(workspec_check_count(&ws, 6, &d) == 0);
	CHECK(workspec_is_messenger(&ws, 3) && !workspec_is_messenger(&ws, 4));
	CHECK(!workspec_wakes(&ws, true) && workspec_wakes(&ws, false));
	workspec_from_name(&ws, "MutexContention", &d);
	CHECK(workspec_group_size(&ws) == 4);
	CHECK(workspec_check_count(&ws, 0, &d) == -EINVAL);
	workspec_from_name(&ws, "CpuSpin", &d);
	CHECK(workspec_group_size(&ws) == 1 && !workspec_wakes(&ws, false));
}

static void test_sequence_syntax(void)
{
	struct workspec ws;
	struct kt_diag d;

	CHECK(workspec_parse_sequence(&ws, "spin:5ms,sleep:1ms,yield:2ms,io:1ms", &d) == 0);
	CHECK(ws.type == WT_SEQUENCE && ws.nphases == 4);
	CHECK(ws.phase[0].kind == PHASE_SPIN && ws.phase[0].ns == 5000000);
	CHECK(ws.phase[3].kind == PHASE_IO && ws.phase[3].ns == 1000000);
	CHECK(workspec_wakes(&ws, false));
	CHECK(workspec_parse_sequence(&ws, "spin:5ms", &d) == 0 && !workspec_wakes(&ws, false));
	CHECK(workspec_parse_sequence(&ws, "run:5ms", &d) == -EINVAL);
	CHECK(workspec_parse_sequence(&ws, "spin", &d) == -EINVAL);
	CHECK(workspec_parse_sequence(&ws, "spin:soon", &d) == -EINVAL);
	CHECK(workspec_parse_sequence(&ws, "", &d) == -EINVAL);
}

static void test_json_round_trip(void)
{
	struct workspec ws, back;
	struct kt_diag d;
	json_t *j;

	workspec_from_name(&ws, "CachePipe", &d);
	workspec_set_param(&ws, "size_kb=64", &d);
	j = workspec_to_json(&ws);
	CHECK(workspec_from_json(&back, j, &d) == 0);
	CHECK(memcmp(&ws, &back, sizeof(ws)) == 0);
	json_decref(j);
	workspec_parse_sequence(&ws, "spin:1ms,sleep:2ms", &d);
	j = workspec_to_json(&ws);
	memset(&back, 0xff, sizeof(back));
	CHECK(workspec_from_json(&back, j, &d) == 0);
	CHECK(back.nphases == 2 && back.phase[1].kind == PHASE_SLEEP && back.phase[1].ns == 2000000);
	json_decref(j);
	j = json_pack("{s:s, s:{s:s}}", "type", "Bursty", "params", "burst_ms", "5");
	CHECK(workspec_from_json(&back, j, &d) == -EINVAL);
	json_decref(j);
	j = json_pack("{s:s, s:[{s:s, s:i}]}", "type", "Sequence", "phases", "kind", "nap", "ns", 5);
	CHECK(workspec_from_json(&back, j, &d) == -EINVAL);
	json_decref(j);
}

int main(void)
{
	RUN(test_every_reference_name_has_its_defaults);
	RUN(test_names_are_case_sensitive_and_suggested);
	RUN(test_params_are_checked_by_name_and_range);
	RUN(test_group_sizes_and_counts);
	RUN(test_sequence_syntax);
	RUN(test_json_round_trip);
	return unit_done();
}
