// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "worktype.h"

static void test_find(void)
{
	CHECK(worktype_find("CpuSpin") != NULL);
	CHECK(worktype_find("cpuspin") == NULL);
	CHECK(worktype_find(NULL) == NULL);
	CHECK(strstr(worktype_names(), "CpuSpin, YieldHeavy, Mixed") == worktype_names());
	CHECK(strstr(worktype_names(), "MutexContention") != NULL);
	CHECK(strstr(worktype_names(), "Sequence") == NULL);
}

static void test_params(void)
{
	const struct worktype *wt = worktype_find("Bursty");
	json_t *given = json_pack("{s:i}", "burst_ms", 500), *out = NULL;
	struct kt_diag d;

	CHECK(worktype_params(wt, given, &out, &d) == 0);
	CHECK(json_integer_value(json_object_get(out, "burst_ms")) == 500);
	CHECK(json_integer_value(json_object_get(out, "sleep_ms")) == 100);
	json_decref(out);
	json_decref(given);
	given = json_pack("{s:i}", "burst_mss", 5);
	CHECK(worktype_params(wt, given, &out, &d) == -EINVAL);
	CHECK(strstr(d.msg, "did you mean 'burst_ms'") != NULL);
	json_decref(given);
	given = json_pack("{s:i}", "burst_ms", 0);
	CHECK(worktype_params(wt, given, &out, &d) == -EINVAL);
	json_decref(given);
	given = json_pack("{s:i}", "x", 1);
	CHECK(worktype_params(worktype_find("CpuSpin"), given, &out, &d) == -EINVAL);
	CHECK(strstr(d.msg, "takes no parameters") != NULL);
	json_decref(given);
}

static void test_groups(void)
{
	json_t *p = NULL;
	json_t *given = json_pack("{s:i}", "fan_out", 6);
	struct kt_diag d;

	CHECK(worktype_group_size(worktype_find("CpuSpin"), NULL) == 1);
	CHECK(worktype_group_size(worktype_find("PipeIo"), NULL) == 2);
	CHECK(worktype_params(worktype_find("FutexFanOut"), NULL, &p, &d) == 0);
	CHECK(worktype_group_size(worktype_find("FutexFanOut"), p) == 5);
	json_decref(p);
	CHECK(worktype_params(worktype_find("FanOutCompute"), given, &p, &d) == 0);
	CHECK(worktype_group_size(worktype_find("FanOutCompute"), p) == 7);
	json_decref(p);
	json_decref(given);
	CHECK(worktype_params(worktype_find("MutexContention"), NULL, &p, &d) == 0);
	CHECK(worktype_group_size(worktype_find("MutexContention"), p) == 4);
	json_decref(p);
}

int main(void)
{
	RUN(test_find);
	RUN(test_params);
	RUN(test_groups);
	return unit_done();
}
