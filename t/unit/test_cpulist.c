// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "cpulist.h"
#include "unit.h"

/* Parse strictly and format back; NULL means "must be rejected". */
static void roundtrip(const char *in, const char *want)
{
	struct cpulist cl;
	struct kt_diag d;
	char *s;
	int rc;

	cpulist_init(&cl);
	rc = cpulist_parse(&cl, in, CPULIST_STRICT, &d);
	if (!want) {
		CHECK(rc < 0);
		if (rc >= 0)
			printf("# '%s' was accepted\n", in);
	} else {
		CHECK(rc == 0);
		s = cpulist_format(&cl);
		CHECK_STR(s, want);
		free(s);
	}
	cpulist_release(&cl);
}

static void test_strict_valid(void)
{
	roundtrip("0", "0");
	roundtrip("0-3,5,7-9", "0-3,5,7-9");
	roundtrip("7-9,0-3,5", "0-3,5,7-9");
	roundtrip("0,1,2,3", "0-3");
	roundtrip("0-3,2-5", "0-5");
	roundtrip("0-3\n", "0-3");
	roundtrip("  1 ", "1");
	roundtrip("0-15:2/4", "0-1,4-5,8-9,12-13");
	roundtrip("65535", "65535");
}

static void test_empty(void)
{
	roundtrip("", "");
	roundtrip("\n", "");
}

static void test_strict_rejects(void)
{
	roundtrip("3-1", NULL);
	roundtrip("a", NULL);
	roundtrip("1,", NULL);
	roundtrip(",1", NULL);
	roundtrip("1,,2", NULL);
	roundtrip("-1", NULL);
	roundtrip("1-", NULL);
	roundtrip("1 2", NULL);
	roundtrip("0-3:0/4", NULL);
	roundtrip("0-3:5/4", NULL);
}

static void test_huge_numbers(void)
{
	struct cpulist cl;
	struct kt_diag d;

	cpulist_init(&cl);
	CHECK(cpulist_parse(&cl, "65536", CPULIST_STRICT, &d) == -ERANGE);
	CHECK(cpulist_parse(&cl, "0-4294967295", CPULIST_STRICT, &d) == -ERANGE);
	CHECK(cpulist_parse(&cl, "99999999999999999999999", CPULIST_STRICT, &d) == -ERANGE);
	CHECK(strstr(d.msg, "above") != NULL);
	cpulist_release(&cl);
}

static void test_lenient_skips_bad_terms(void)
{
	struct cpulist cl;
	char *s;

	cpulist_init(&cl);
	CHECK(cpulist_parse(&cl, "0-1,x,3-2,4,99999999", CPULIST_LENIENT, NULL) == 0);
	s = cpulist_format(&cl);
	CHECK_STR(s, "0-1,4");
	free(s);
	cpulist_release(&cl);
}

static void test_set_operations(void)
{
	struct cpulist a, b, c;

	cpulist_init(&a);
	cpulist_init(&b);
	cpulist_init(&c);
	cpulist_parse(&a, "0-7", CPULIST_STRICT, NULL);
	cpulist_parse(&b, "4-11", CPULIST_STRICT, NULL);
	CHECK(cpulist_copy(&c, &a) == 0);
	cpulist_intersect(&c, &b);
	CHECK(c.n == 4 && c.cpu[0] == 4 && c.cpu[3] == 7);
	CHECK(cpulist_subset(&c, &a) && cpulist_subset(&c, &b) && !cpulist_subset(&a, &b));
	CHECK(cpulist_merge(&c, &b) == 0 && cpulist_equal(&c, &b));
	cpulist_subtract(&c, &a);
	CHECK(c.n == 4 && c.cpu[0] == 8 && c.cpu[3] == 11);
	CHECK(cpulist_has(&a, 0) && !cpulist_has(&a, 8));
	CHECK(cpulist_add(&a, CPULIST_MAX_CPU + 1) == -ERANGE);
	cpulist_release(&a);
	cpulist_release(&b);
	cpulist_release(&c);
}

static void test_json(void)
{
	struct cpulist cl;
	json_t *arr;
	struct kt_diag d;

	cpulist_init(&cl);
	cpulist_parse(&cl, "1,3-4", CPULIST_STRICT, NULL);
	arr = cpulist_to_json(&cl);
	CHECK(json_array_size(arr) == 3);
	CHECK(cpulist_from_json(&cl, arr, &d) == 0 && cl.n == 3);
	json_array_append_new(arr, json_string("x"));
	CHECK(cpulist_from_json(&cl, arr, &d) < 0);
	json_decref(arr);
	cpulist_release(&cl);
}

int main(void)
{
	RUN(test_strict_valid);
	RUN(test_empty);
	RUN(test_strict_rejects);
	RUN(test_huge_numbers);
	RUN(test_lenient_skips_bad_terms);
	RUN(test_set_operations);
	RUN(test_json);
	return unit_done();
}
