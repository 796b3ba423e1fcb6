// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "kfetch.h"
#include "unit.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const char sums[] = "-----BEGIN PGP SIGNED MESSAGE-----\n"
			   "Hash: SHA256\n\n" SHA_A "  linux-6.12.tar.xz\n" SHA_B
			   "  linux-6.12.10.tar.xz\n" SHA_C "  linux-6.12.9.tar.xz\n" SHA_C
			   "  linux-6.12.11.tar.gz\n" SHA_C "  patch-6.12.12.xz\n" SHA_A
			   "  linux-6.13.1.tar.xz\n"
			   "-----BEGIN PGP SIGNATURE-----\n";

static void test_versions_parse_strictly(void)
{
	struct kfetch_version v;
	struct kt_diag d;

	CHECK(kfetch_parse_version("6.12.8", &v, &d) == 0 && v.has_patch && v.patch == 8);
	CHECK(kfetch_parse_version("6.12", &v, &d) == 0 && !v.has_patch && v.minor == 12);
	CHECK(kfetch_parse_version("6", &v, &d) == -EINVAL);
	CHECK(kfetch_parse_version("6.12.", &v, &d) == -EINVAL);
	CHECK(kfetch_parse_version("6.12.8.1", &v, &d) == -EINVAL);
	CHECK(kfetch_parse_version("6.12-rc1", &v, &d) == -EINVAL);
	CHECK(kfetch_parse_version("v6.12", &v, &d) == -EINVAL);
	CHECK(strstr(d.msg, "MAJOR.MINOR") != NULL);
}

static void test_prefix_and_exact_matching(void)
{
	struct kfetch_version v;

	kfetch_parse_version("6.12", &v, NULL);
	CHECK(kfetch_matches(&v, "6.12.8") && kfetch_matches(&v, "6.12"));
	CHECK(!kfetch_matches(&v, "6.13.1") && !kfetch_matches(&v, "6.1.12"));
	kfetch_parse_version("6.12.0", &v, NULL);
	CHECK(kfetch_matches(&v, "6.12") && !kfetch_matches(&v, "6.12.1"));
	CHECK(kfetch_cmp("6.12.10", "6.12.9") > 0);
	CHECK(kfetch_cmp("6.9", "6.12") < 0);
}

static void test_pick_newest_release_of_a_series(void)
{
	struct kfetch_release r;
	struct kfetch_version v;
	struct kt_diag d;

	kfetch_parse_version("6.12", &v, NULL);
	CHECK(kfetch_pick(sums, &v, &r, &d) == 0);
	CHECK_STR(r.version, "6.12.10"); /* numeric, not string order; .tar.gz ignored */
	CHECK_STR(r.file, "linux-6.12.10.tar.xz");
	CHECK(!strncmp(r.sha256, "bbbb", 4)); /* lower-cased */
	kfetch_parse_version("6.12.0", &v, NULL);
	CHECK(kfetch_pick(sums, &v, &r, &d) == 0);
	CHECK_STR(r.file, "linux-6.12.tar.xz");
	kfetch_parse_version("6.12.11", &v, NULL);
	CHECK(kfetch_pick(sums, &v, &r, &d) == -ENOENT);
	CHECK(strstr(d.msg, "6.12.11") != NULL);
	kfetch_parse_version("6.14", &v, NULL);
	CHECK(kfetch_pick(sums, &v, &r, &d) == -ENOENT);
}

int main(void)
{
	RUN(test_versions_parse_strictly);
	RUN(test_prefix_and_exact_matching);
	RUN(test_pick_newest_release_of_a_series);
	return unit_done();
}
