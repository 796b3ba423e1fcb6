// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "unit.h"

static const char frag[] = "# a comment\n"
			   "CONFIG_A=y\n"
			   "CONFIG_B=64\n"
			   "# CONFIG_C is not set\n"
			   "CONFIG_A=m\n"
			   "# ktstr-require: CONFIG_A\n"
			   "\n";

static void test_parse_keeps_the_last_assignment_and_marks_required(void)
{
	struct kconfig_frag f;
	struct kt_diag d;

	CHECK(kconfig_parse(frag, &f, &d) == 0);
	CHECK(f.n == 3);
	CHECK_STR(f.opts[0].name, "CONFIG_A");
	CHECK_STR(f.opts[0].value, "m");
	CHECK(f.opts[0].required);
	CHECK_STR(f.opts[1].value, "64");
	CHECK(!f.opts[1].required);
	CHECK(f.opts[2].value == NULL);
	kconfig_release(&f);
}

static void test_parse_rejects_garbage_and_unknown_requirements(void)
{
	struct kconfig_frag f;
	struct kt_diag d;

	CHECK(kconfig_parse("CONFIG_A=y\nhello\n", &f, &d) == -EINVAL);
	CHECK(strstr(d.msg, "line 2") != NULL);
	CHECK(kconfig_parse("CONFIG_A=\n", &f, &d) == -EINVAL);
	CHECK(kconfig_parse("CONFIG_A=y\n# ktstr-require: CONFIG_Z\n", &f, &d) == -EINVAL);
	CHECK(strstr(d.msg, "CONFIG_Z") != NULL);
}

static void test_base_target(void)
{
	struct kconfig_frag f;
	struct kt_diag d;

	CHECK(kconfig_parse(frag, &f, &d) == 0);
	CHECK(f.base == NULL); /* defconfig */
	kconfig_release(&f);
	CHECK(kconfig_parse("# ktstr-base: allnoconfig \nCONFIG_A=y\n", &f, &d) == 0);
	CHECK(f.base && !strcmp(f.base, "allnoconfig"));
	kconfig_release(&f);
	CHECK(f.base == NULL);
	CHECK(kconfig_parse("# ktstr-base: randconfig\n", &f, &d) == -EINVAL);
	CHECK(strstr(d.msg, "line 1") && strstr(d.msg, "randconfig"));
	CHECK(kconfig_parse("# ktstr-base: tinyconfig\n# ktstr-base: defconfig\n", &f, &d) ==
	      -EINVAL);
	CHECK(strstr(d.msg, "line 2") != NULL);
}

static void test_check_finds_each_miss(void)
{
	struct kconfig_frag f;
	struct kt_diag d;
	size_t *miss, n;

	CHECK(kconfig_parse(frag, &f, &d) == 0);
	/* A wrong value, B right, C set although it must not be */
	CHECK(kconfig_check(&f, "CONFIG_A=y\nCONFIG_B=64\nCONFIG_C=y\n", &miss, &n) == 0);
	CHECK(n == 2);
	CHECK(n == 2 && miss[0] == 0 && miss[1] == 2);
	free(miss);
	/* "is not set" and absence both honour "# CONFIG_C is not set" */
	CHECK(kconfig_check(&f, "CONFIG_A=m\nCONFIG_B=64\n# CONFIG_C is not set\n", &miss, &n) ==
	      0);
	CHECK(n == 0 && miss == NULL);
	CHECK(kconfig_check(&f, "CONFIG_A=m\nCONFIG_B=64\n", &miss, &n) == 0 && n == 0);
	/* CONFIG_AB=m must not pass for CONFIG_A */
	CHECK(kconfig_check(&f, "CONFIG_AB=m\nCONFIG_B=64\n", &miss, &n) == 0 && n == 1);
	free(miss);
	kconfig_release(&f);
}

static void test_embedded_fragment_parses_and_hashes_stably(void)
{
	char h1[KCONFIG_HASH_LEN], h2[KCONFIG_HASH_LEN];
	struct kconfig_frag f;
	struct kt_diag d;
	size_t i;
	bool ext = false;

	CHECK(kconfig_parse(kconfig_fragment(), &f, &d) == 0);
	for (i = 0; i < f.n; i++)
		if (!strcmp(f.opts[i].name, "CONFIG_SCHED_CLASS_EXT"))
			ext = f.opts[i].required && !strcmp(f.opts[i].value, "y");
	CHECK(ext);
	kconfig_release(&f);
	kconfig_hash(kconfig_fragment(), h1);
	kconfig_hash(kconfig_fragment(), h2);
	CHECK_STR(h1, h2);
	CHECK(strlen(h1) == 8);
	kconfig_hash("CONFIG_A=y\n", h2);
	CHECK(strcmp(h1, h2) != 0);
}

static void test_explain_reads_the_trees_kconfig(void)
{
	struct kconfig_opt ext = { .name = "CONFIG_SCHED_CLASS_EXT", .value = "y" };
	struct kconfig_opt nope = { .name = "CONFIG_NOPE", .value = "y" };
	char why[512];

	kconfig_explain("t/fixtures/kernel/linux", "CONFIG_BPF_SYSCALL=y\n", &ext, why,
			sizeof(why));
	CHECK(strstr(why, "depends on BPF_SYSCALL && DEBUG_INFO_BTF") != NULL);
	CHECK(strstr(why, "BPF_SYSCALL=y") != NULL);
	CHECK(strstr(why, "DEBUG_INFO_BTF unset") != NULL);
	kconfig_explain("t/fixtures/kernel/linux", "", &nope, why, sizeof(why));
	CHECK(strstr(why, "not defined") != NULL);
	/* several depends lines keep their own precedence; comments go */
	ext.name = "CONFIG_DEBUG_INFO_BTF";
	kconfig_explain("t/fixtures/kernel/linux", "CONFIG_PAHOLE_VERSION=120\n", &ext, why,
			sizeof(why));
	CHECK(strstr(why, "depends on !DEBUG_INFO_SPLIT && (DEBUG_INFO_DWARF4 || PAHOLE_VERSION "
			  ">= 121) (now:") != NULL);
	CHECK(strstr(why, "PAHOLE_VERSION=120") != NULL);
	CHECK(strstr(why, "pahole") != NULL);
	/* an option whose prompt is hidden keeps its default */
	nope.name = "CONFIG_VGA_CONSOLE";
	nope.value = NULL;
	kconfig_explain("t/fixtures/kernel/linux", "CONFIG_X86=y\n", &nope, why, sizeof(why));
	CHECK(strstr(why, "only if (EXPERT || !X86) (now: EXPERT unset, X86=y)") != NULL);
}

static void test_value_lookup(void)
{
	char v[16];

	CHECK(kconfig_value("CONFIG_X=y\nCONFIG_XY=5\n", "CONFIG_XY", v, sizeof(v)) == 1);
	CHECK_STR(v, "5");
	CHECK(kconfig_value("# CONFIG_X is not set\n", "CONFIG_X", v, sizeof(v)) == 0);
}

int main(void)
{
	RUN(test_parse_keeps_the_last_assignment_and_marks_required);
	RUN(test_parse_rejects_garbage_and_unknown_requirements);
	RUN(test_base_target);
	RUN(test_check_finds_each_miss);
	RUN(test_embedded_fragment_parses_and_hashes_stably);
	RUN(test_explain_reads_the_trees_kconfig);
	RUN(test_value_lookup);
	return unit_done();
}
