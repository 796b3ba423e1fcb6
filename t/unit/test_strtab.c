// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strtab.h"
#include "unit.h"

static void test_intern(void)
{
	struct strtab t;
	char buf[32];
	int i, a, b;

	strtab_init(&t);
	CHECK(strtab_find(&t, "x", 1) == -ENOENT);
	a = strtab_add(&t, "cpu:/a", 6);
	b = strtab_add(&t, "cpu:/ab", 6); /* only the first 6 bytes count */
	CHECK(a == 0 && b == 0);
	CHECK(strtab_add(&t, "cpu:/ab", 7) == 1);
	CHECK_STR(strtab_get(&t, 1), "cpu:/ab");
	CHECK(strtab_get(&t, 2) == NULL && strtab_get(&t, -1) == NULL);
	/* enough strings to rehash several times; indexes stay put */
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		CHECK(strtab_add(&t, buf, strlen(buf)) == i + 2);
	}
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		CHECK(strtab_find(&t, buf, strlen(buf)) == i + 2);
	}
	CHECK(strtab_count(&t) == 1002);
	CHECK(strtab_find(&t, "cpu:/a", 6) == 0);
	strtab_release(&t);
	CHECK(strtab_count(&t) == 0);
}

int main(void)
{
	RUN(test_intern);
	return unit_done();
}
