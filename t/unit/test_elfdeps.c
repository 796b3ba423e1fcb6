// SPDX-License-Identifier: GPL-2.0
/* Resolution against this system's own binaries (jq and busybox come from mk/deps.sh). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfdeps.h"
#include "unit.h"

static size_t count_base(const struct elfdeps *deps, const char *base)
{
	const char *slash;
	size_t i, n = 0;

	for (i = 0; i < deps->n; i++) {
		slash = strrchr(deps->lib[i].found, '/');
		n += !strcmp(slash ? slash + 1 : deps->lib[i].found, base);
	}
	return n;
}

static void test_jq_brings_interpreter_and_libraries(void)
{
	struct elfdeps deps;
	struct kt_diag d;
	struct stat st;
	size_t i;

	elfdeps_init(&deps);
	CHECK(elfdeps_add(&deps, "/usr/bin/jq", &d) == 1);
	CHECK(count_base(&deps, "ld-linux-x86-64.so.2") >= 1);
	CHECK(count_base(&deps, "libjq.so.1") == 1);
	CHECK(count_base(&deps, "libonig.so.5") == 1); /* a dependency of libjq, not of jq */
	CHECK(count_base(&deps, "libc.so.6") == 1);
	for (i = 0; i < deps.n; i++) {
		CHECK(deps.lib[i].found[0] == '/' && deps.lib[i].real[0] == '/');
		CHECK(stat(deps.lib[i].real, &st) == 0 && S_ISREG(st.st_mode));
	}
	elfdeps_release(&deps);
}

static void test_shared_libraries_are_listed_once(void)
{
	struct elfdeps deps;
	struct kt_diag d;
	size_t n;

	elfdeps_init(&deps);
	CHECK(elfdeps_add(&deps, "/usr/bin/jq", &d) == 1);
	n = deps.n;
	CHECK(elfdeps_add(&deps, "/usr/bin/jq", &d) == 1);
	CHECK(deps.n == n);
	CHECK(elfdeps_add(&deps, "/bin/ls", &d) == 1);
	CHECK(count_base(&deps, "libc.so.6") == 1);
	elfdeps_release(&deps);
}

static void test_default_dirs_without_ld_so_cache(void)
{
	struct elfdeps deps;
	struct kt_diag d;

	elfdeps_init(&deps);
	deps.ldcache_path = "/nonexistent/ld.so.cache";
	CHECK(elfdeps_add(&deps, "/usr/bin/jq", &d) == 1);
	CHECK(count_base(&deps, "libjq.so.1") == 1);
	elfdeps_release(&deps);
}

static void test_static_and_non_elf_files_need_nothing(void)
{
	struct elfdeps deps;
	struct kt_diag d;

	elfdeps_init(&deps);
	if (access("/bin/busybox", R_OK) == 0)
		CHECK(elfdeps_add(&deps, "/bin/busybox", &d) == 0); /* busybox-static */
	CHECK(elfdeps_add(&deps, "/etc/passwd", &d) == 0);
	CHECK(deps.n == 0);
	CHECK(elfdeps_is_elf("/etc/passwd") == 0);
	CHECK(elfdeps_is_elf("/usr/bin/jq") == 1);
	CHECK(elfdeps_add(&deps, "/nonexistent/prog", &d) == -ENOENT);
	CHECK(strstr(d.msg, "/nonexistent/prog") != NULL);
	elfdeps_release(&deps);
}

int main(void)
{
	RUN(test_jq_brings_interpreter_and_libraries);
	RUN(test_shared_libraries_are_listed_once);
	RUN(test_default_dirs_without_ld_so_cache);
	RUN(test_static_and_non_elf_files_need_nothing);
	return unit_done();
}
