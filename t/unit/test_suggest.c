// SPDX-License-Identifier: GPL-2.0
#include "suggest.h"
#include "unit.h"

static void test_distance(void)
{
	CHECK(suggest_distance("", "") == 0);
	CHECK(suggest_distance("abc", "") == 3);
	CHECK(suggest_distance("kitten", "sitting") == 3);
	CHECK(suggest_distance("topo", "topo") == 0);
	CHECK(suggest_distance("rnu", "run") == 2);
}

static void test_closest(void)
{
	static const char *const cmds[] = { "run", "list", "topo", "cleanup", "locks" };

	CHECK_STR(suggest_closest("rnu", cmds, 5), "run");
	CHECK_STR(suggest_closest("lock", cmds, 5), "locks");
	CHECK_STR(suggest_closest("clenaup", cmds, 5), "cleanup");
	CHECK(suggest_closest("zzzzzzzzzzzz", cmds, 5) == NULL);
	/* ties go to the earliest candidate */
	CHECK_STR(suggest_closest("abab", (const char *const[]){ "aaaa", "bbbb" }, 2), "aaaa");
}

int main(void)
{
	RUN(test_distance);
	RUN(test_closest);
	return unit_done();
}
