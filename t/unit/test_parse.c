// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>

#include "parse.h"
#include "unit.h"

static void test_u64(void)
{
	uint64_t v;
	struct kt_diag d;

	CHECK(parse_u64("42", 0, 100, &v, &d) == 0 && v == 42);
	CHECK(parse_u64("0", 1, 100, &v, &d) == -ERANGE);
	CHECK(strstr(d.msg, "'0' is out of range 1..100") != NULL);
	CHECK(parse_u64("-1", 0, 100, &v, &d) == -EINVAL);
	CHECK(parse_u64("", 0, 100, &v, &d) == -EINVAL);
	CHECK(parse_u64(" 1", 0, 100, &v, &d) == -EINVAL);
	CHECK(parse_u64("1x", 0, 100, &v, &d) == -EINVAL);
	CHECK(parse_u64("18446744073709551616", 0, UINT64_MAX, &v, &d) == -ERANGE);
	CHECK(parse_u64("18446744073709551615", 0, UINT64_MAX, &v, &d) == 0 && v == UINT64_MAX);
}

static void test_int(void)
{
	int v;

	CHECK(parse_int("-20", -20, 19, &v, NULL) == 0 && v == -20);
	CHECK(parse_int("20", -20, 19, &v, NULL) == -ERANGE);
	CHECK(parse_int("--1", -20, 19, &v, NULL) == -EINVAL);
	CHECK(parse_int("-", -20, 19, &v, NULL) == -EINVAL);
}

static void test_double(void)
{
	struct kt_diag d;
	double v;

	CHECK(parse_double("0.5", 0, 1, &v, NULL) == 0 && v == 0.5);
	CHECK(parse_double("15", 0, 100, &v, NULL) == 0 && v == 15);
	CHECK(parse_double("nan", 0, 1, &v, NULL) == -EINVAL);
	CHECK(parse_double("1e3", 0, 1e9, &v, &d) == -EINVAL);
	/* the bounds as typed, not as "1e+09" */
	CHECK_STR(d.msg, "'1e3' is not a decimal number (digits with an optional point) in "
			 "0..1000000000");
	CHECK(parse_double("2", 0, 1, &v, NULL) == -ERANGE);
	CHECK(parse_double("20000000000", 0.5, 1e10, &v, &d) == -ERANGE);
	CHECK_STR(d.msg, "'20000000000' is out of range 0.5..10000000000");
}

static void test_duration(void)
{
	uint64_t ns;
	struct kt_diag d;

	CHECK(parse_duration_ns("100ms", 0, UINT64_MAX, &ns, &d) == 0 && ns == 100000000ull);
	CHECK(parse_duration_ns("1s", 0, UINT64_MAX, &ns, &d) == 0 && ns == 1000000000ull);
	CHECK(parse_duration_ns("5m", 0, UINT64_MAX, &ns, &d) == 0 && ns == 300000000000ull);
	CHECK(parse_duration_ns("1h30m", 0, UINT64_MAX, &ns, &d) == 0 && ns == 5400000000000ull);
	CHECK(parse_duration_ns("1.5s", 0, UINT64_MAX, &ns, &d) == 0 && ns == 1500000000ull);
	CHECK(parse_duration_ns("250us", 0, UINT64_MAX, &ns, &d) == 0 && ns == 250000ull);
	CHECK(parse_duration_ns("20", 0, UINT64_MAX, &ns, &d) == 0 && ns == 20000000000ull);
	CHECK(parse_duration_ns("1m 2s", 0, UINT64_MAX, &ns, &d) == 0 && ns == 62000000000ull);
	CHECK(parse_duration_ns("", 0, UINT64_MAX, &ns, &d) == -EINVAL);
	CHECK(parse_duration_ns("s", 0, UINT64_MAX, &ns, &d) == -EINVAL);
	CHECK(parse_duration_ns("1x", 0, UINT64_MAX, &ns, &d) == -EINVAL);
	CHECK(parse_duration_ns("1s5", 0, UINT64_MAX, &ns, &d) == -EINVAL);
	CHECK(parse_duration_ns("-1s", 0, UINT64_MAX, &ns, &d) == -EINVAL);
	CHECK(parse_duration_ns("0s", 1, UINT64_MAX, &ns, &d) == -ERANGE);
	CHECK(parse_duration_ns("99999999999999999d", 0, UINT64_MAX, &ns, &d) == -ERANGE);
	/* the range in the units an option is written in */
	CHECK(parse_duration_ns("5ms", 10000000, 86400000000000ull, &ns, &d) == -ERANGE);
	CHECK_STR(d.msg, "duration '5ms' is out of range 10ms..1d");
	CHECK(parse_duration_ns("2h", 0, 5400000000000ull, &ns, &d) == -ERANGE);
	CHECK_STR(d.msg, "duration '2h' is out of range 0..90m");
	CHECK(parse_duration_ns("1s", 1500, 2500000, &ns, &d) == -ERANGE);
	CHECK_STR(d.msg, "duration '1s' is out of range 1500ns..2500us");
}

static void test_size(void)
{
	struct kt_diag d;
	uint64_t b;

	CHECK(parse_size_bytes("4096", 0, UINT64_MAX, &b, NULL) == 0 && b == 4096);
	CHECK(parse_size_bytes("64K", 0, UINT64_MAX, &b, NULL) == 0 && b == 65536);
	CHECK(parse_size_bytes("2MiB", 0, UINT64_MAX, &b, NULL) == 0 && b == 2097152);
	CHECK(parse_size_bytes("1G", 0, UINT64_MAX, &b, NULL) == 0 && b == 1073741824ull);
	CHECK(parse_size_bytes("1Q", 0, UINT64_MAX, &b, NULL) == -EINVAL);
	CHECK(parse_size_bytes("2K", 0, 1024, &b, &d) == -ERANGE);
	CHECK_STR(d.msg, "size '2K' is out of range 0..1K");
	CHECK(parse_size_bytes("1T", 1048576, 17179869184ull, &b, &d) == -ERANGE);
	CHECK_STR(d.msg, "size '1T' is out of range 1M..16G");
	CHECK(parse_size_bytes("1", 1000, 1000000, &b, &d) == -ERANGE);
	CHECK_STR(d.msg, "size '1' is out of range 1000..1000000");
}

static void test_bool(void)
{
	int v = -1;

	CHECK(parse_bool("1", &v, NULL) == 0 && v == 1);
	CHECK(parse_bool("TRUE", &v, NULL) == 0 && v == 1);
	CHECK(parse_bool("0", &v, NULL) == 0 && v == 0);
	CHECK(parse_bool("", &v, NULL) == 0 && v == 0);
	CHECK(parse_bool("maybe", &v, NULL) == -EINVAL);
}

int main(void)
{
	RUN(test_u64);
	RUN(test_int);
	RUN(test_double);
	RUN(test_duration);
	RUN(test_size);
	RUN(test_bool);
	return unit_done();
}
