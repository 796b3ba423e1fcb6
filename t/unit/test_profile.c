// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "profile.h"
#include "unit.h"

static const char *name_of(unsigned m)
{
	static char buf[PROFILE_NAME_MAX];

	return profile_name(m, buf, sizeof(buf)) == 0 ? buf : "?";
}

static void test_counts(void)
{
	unsigned out[PROFILE_MAX];

	CHECK(profile_expand(0, 0, out) == 48);
	CHECK(profile_expand(PROFILE_BORROW, 0, out) == 24);
	CHECK(profile_expand(PROFILE_LLC | PROFILE_STEAL, 0, out) == 16);
	CHECK(profile_expand(PROFILE_REBAL, 0, out) == 24);
	CHECK(profile_expand(PROFILE_LLC, 0, out) == 32);
	CHECK(profile_expand(0, PROFILE_REJECT_PIN, out) == 24);
	CHECK(profile_expand(PROFILE_REJECT_PIN, 0, out) == 24);
	CHECK(profile_expand(PROFILE_NO_CTRL, 0, out) == 24);
	CHECK(profile_expand(PROFILE_BORROW | PROFILE_REBAL, 0, out) == 12);
	CHECK(profile_expand(PROFILE_NO_CTRL | PROFILE_BORROW, 0, out) == 12);
	CHECK(profile_expand(PROFILE_NO_CTRL | PROFILE_REBAL, 0, out) == 12);
	CHECK(profile_expand(PROFILE_LLC | PROFILE_REBAL, 0, out) == 16);
}

static void test_mask_order(void)
{
	static const char *const want[] = { "default",	   "llc",
					    "borrow",	   "llc+borrow",
					    "llc+steal",   "llc+borrow+steal",
					    "rebal",	   "llc+rebal",
					    "borrow+rebal", "llc+borrow+rebal",
					    "llc+steal+rebal" };
	unsigned out[PROFILE_MAX];
	size_t i;

	profile_expand(0, 0, out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(name_of(out[i]), want[i]);
	CHECK_STR(name_of(out[47]), "llc+borrow+steal+rebal+reject-pin+no-ctrl");
	/* required flags appear in every profile, excluded ones in none */
	profile_expand(PROFILE_REBAL, PROFILE_REJECT_PIN, out);
	CHECK_STR(name_of(out[0]), "rebal");
	CHECK_STR(name_of(out[1]), "llc+rebal");
}

static void test_names(void)
{
	unsigned m;

	CHECK(profile_from_name("default", &m) == 0 && m == 0);
	CHECK(profile_from_name("llc+borrow", &m) == 0 && m == (PROFILE_LLC | PROFILE_BORROW));
	CHECK(profile_from_name("borrow+llc", &m) == -EINVAL);
	CHECK(profile_from_name("llc+llc", &m) == -EINVAL);
	CHECK(profile_from_name("nope", &m) == -EINVAL);
}

static void test_parse(void)
{
	struct kt_diag d;
	unsigned m = 0;

	CHECK(profile_parse(&m, "borrow,llc", &d) == 0);
	CHECK_STR(name_of(m), "llc+borrow");
	m = 0;
	CHECK(profile_parse(&m, "llc,llc", &d) == 0 && m == PROFILE_LLC);
	m = 0;
	CHECK(profile_parse(&m, "default", &d) == 0 && m == 0);
	CHECK(profile_parse(&m, "lcl", &d) == -EINVAL);
	CHECK(strstr(d.msg, "unknown flag 'lcl'") && strstr(d.msg, "did you mean 'llc'"));
	CHECK(strstr(d.msg, "reject-pin, no-ctrl") != NULL);
	m = 0;
	CHECK(profile_parse(&m, "steal", &d) == -EINVAL);
	CHECK(strstr(d.msg, "'steal' needs flag 'llc'") != NULL);
	m = 0;
	CHECK(profile_parse(&m, "default,llc", &d) == -EINVAL);
	CHECK(profile_parse(&m, "", &d) == -EINVAL);
	CHECK(profile_parse(&m, ",", &d) == -EINVAL);
	CHECK(profile_parse(&m, "LLC", &d) == -EINVAL);
}

static void test_check(void)
{
	char why[128];

	CHECK(profile_check(PROFILE_BORROW, PROFILE_BORROW, 0, why, sizeof(why)) == 0);
	CHECK(profile_check(0, PROFILE_BORROW | PROFILE_REBAL, 0, why, sizeof(why)) == -EINVAL);
	CHECK_STR(why, "scenario requires flags borrow,rebal");
	CHECK(profile_check(PROFILE_REJECT_PIN, 0, PROFILE_REJECT_PIN, why, sizeof(why)) ==
	      -EINVAL);
	CHECK_STR(why, "scenario excludes flag reject-pin");
}

int main(void)
{
	RUN(test_counts);
	RUN(test_mask_order);
	RUN(test_names);
	RUN(test_parse);
	RUN(test_check);
	return unit_done();
}
