// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "include.h"
#include "unit.h"

static char dir[] = "/tmp/ktstr-test-include.XXXXXX";

static void sh(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg, arg);
	CHECK(system(cmd) == 0);
}

static void test_directory_keeps_structure_and_skips_fifos(void)
{
	struct initramfs ar;
	struct include inc;
	struct kt_diag d;
	char path[256];

	sh("mkdir -p %s/tree/a/b %s/tree/empty && echo x >%s/tree/a/b/f && mkfifo %s/tree/fifo", dir);
	initramfs_init(&ar);
	include_init(&inc, &ar, NULL);
	snprintf(path, sizeof(path), "%s/tree/", dir); /* a trailing slash names it all the same */
	CHECK(include_add(&inc, path, &d) == 0);
	CHECK(include_finish(&inc, &d) == 0);
	CHECK(initramfs_find(&ar, "include-files/tree/a/b/f") != NULL);
	CHECK(initramfs_find(&ar, "include-files/tree/empty")->kind == INITRAMFS_DIR);
	CHECK(initramfs_find(&ar, "include-files/tree/fifo") == NULL);
	CHECK(inc.skipped == 1);
	include_release(&inc);
	initramfs_release(&ar);
}

static void test_bare_names_come_from_path_with_libraries(void)
{
	struct initramfs ar, base;
	struct include inc;
	struct kt_diag d;
	size_t i, files = 0;

	initramfs_init(&ar);
	initramfs_init(&base);
	setenv("PATH", "/nonexistent:/usr/bin:/bin", 1);
	CHECK(chdir(dir) == 0); /* no "jq" here, so PATH decides */
	include_init(&inc, &ar, &base);
	CHECK(include_add(&inc, "jq", &d) == 0);
	CHECK(include_finish(&inc, &d) == 0);
	CHECK(initramfs_find(&ar, "include-files/jq")->mode == 0755);
	for (i = 0; i < ar.n; i++)
		files += strstr(ar.ent[i].path, "libjq.so") != NULL;
	CHECK(files >= 1);
	CHECK(include_add(&inc, "no-such-tool-xyz", &d) == -ENOENT);
	CHECK(strstr(d.msg, "not found in the filesystem or PATH") != NULL);
	include_release(&inc);
	initramfs_release(&ar);
	initramfs_release(&base);
}

static void test_two_sources_for_one_name_conflict(void)
{
	struct initramfs ar;
	struct include inc;
	struct kt_diag d;
	char p1[256], p2[256];

	sh("mkdir -p %s/one %s/two && echo 1 >%s/one/same && echo 2 >%s/two/same", dir);
	snprintf(p1, sizeof(p1), "%s/one/same", dir);
	snprintf(p2, sizeof(p2), "%s/two/same", dir);
	initramfs_init(&ar);
	include_init(&inc, &ar, NULL);
	CHECK(include_add(&inc, p1, &d) == 0);
	CHECK(include_add(&inc, p2, &d) == -EEXIST);
	CHECK(strstr(d.msg, p1) && strstr(d.msg, p2));
	CHECK(include_add(&inc, "./missing-file", &d) == -ENOENT);
	include_release(&inc);
	initramfs_release(&ar);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_directory_keeps_structure_and_skips_fifos);
	RUN(test_bare_names_come_from_path_with_libraries);
	RUN(test_two_sources_for_one_name_conflict);
	sh("rm -rf '%s'", dir);
	return unit_done();
}
