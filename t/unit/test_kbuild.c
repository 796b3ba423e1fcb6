// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "kbuild.h"
#include "unit.h"

#define TREE "t/fixtures/kernel/linux"

static void test_tree_identity(void)
{
	struct kt_diag d;
	char v[32];

	CHECK(kbuild_tree_check(TREE, &d) == 0);
	CHECK(kbuild_tree_check("t/fixtures", &d) == -ENOENT);
	CHECK(strstr(d.msg, "not a kernel source tree") != NULL);
	CHECK(kbuild_tree_check("t/fixtures/kernel/linux/Makefile", &d) == -EINVAL);
	CHECK(kbuild_tree_version(TREE, v, sizeof(v)) == 0);
	CHECK_STR(v, "6.12.8");
	CHECK(kbuild_tree_version("t/fixtures", v, sizeof(v)) == -ENOENT);
}

static void test_jobs_follow_the_affinity_mask(void)
{
	cpu_set_t set;

	sched_getaffinity(0, sizeof(set), &set);
	CHECK(kbuild_default_jobs() == (unsigned)CPU_COUNT(&set));
}

static void test_arch_names_an_image(void)
{
	const char *arch, *path, *name;

	CHECK(kbuild_arch(&arch, &path, &name) == 0);
	CHECK_STR(arch, "x86_64");
	CHECK_STR(path, "arch/x86/boot/bzImage");
}

int main(void)
{
	RUN(test_tree_identity);
	RUN(test_jobs_follow_the_affinity_mask);
	RUN(test_arch_names_an_image);
	return unit_done();
}
