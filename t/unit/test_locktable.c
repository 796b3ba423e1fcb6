// SPDX-License-Identifier: GPL-2.0
/*
 * Holder lookup against a fake $KTSTR_PROC_ROOT: a hand-written locks
 * table and mountinfo naming a real temporary file, and fake /proc/<pid>
 * entries for command lines.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "locktable.h"
#include "unit.h"

static char root[64];	  /* the fake proc root */
static char lockfile[96]; /* a real file the fake table talks about */
static struct stat lst;

static void put(const char *rel, const void *data, size_t len)
{
	char path[256], dir[256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir(dir, 0755);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

static void puts_file(const char *rel, const char *s)
{
	put(rel, s, strlen(s));
}

/*
 * The lock file sits on a mount with a device (0:99) that differs from its
 * st_dev, as on overlay or btrfs.  A sibling mount point whose name merely
 * starts with the same characters must not capture it.
 */
static void write_tables(void)
{
	unsigned M = major(lst.st_dev), m = minor(lst.st_dev);
	unsigned long long ino = (unsigned long long)lst.st_ino;
	char buf[2048], dir[96];

	snprintf(dir, sizeof(dir), "%s", lockfile);
	*strrchr(dir, '/') = '\0';
	snprintf(buf, sizeof(buf),
		 "1 0 0:1 / / rw - ext4 /dev/root rw\n"
		 "2 1 0:77 / %s-other rw - tmpfs t rw\n"
		 "3 1 0:98 / %s rw - overlay o rw\n"
		 "4 3 0:99 / %s rw - overlay o rw\n",
		 dir, dir, dir);
	puts_file("self/mountinfo", buf);
	snprintf(buf, sizeof(buf),
		 "1: FLOCK  ADVISORY  WRITE 100 00:63:%llu 0 EOF\n"
		 "2: FLOCK  ADVISORY  READ  101 %02x:%02x:%llu 0 EOF\n"
		 "3: POSIX  ADVISORY  WRITE 102 00:63:%llu 0 EOF\n"
		 "3: -> FLOCK  ADVISORY  WRITE 103 00:63:%llu 0 EOF\n"
		 "4: FLOCK  ADVISORY  WRITE 104 00:63:%llu 0 EOF\n"
		 "5: FLOCK  ADVISORY  READ  105 00:63:%llu 0 EOF\n"
		 "6: FLOCK  ADVISORY  WRITE 105 00:63:%llu 0 EOF\n"
		 "7: FLOCK  ADVISORY  WRITE 106 00:4d:%llu 0 EOF\n"
		 "8: FLOCK  ADVISORY  WRITE 107 00:62:%llu 0 EOF\n"
		 "9: garbage line\n",
		 ino, M, m, ino, ino, ino, ino + 1, ino, ino, ino, ino);
	puts_file("locks", buf);
}

static void test_holders_by_mount_or_st_dev(void)
{
	struct locktable lt;
	struct lockholders h;
	struct kt_diag d;

	write_tables();
	locktable_init(&lt);
	lockholders_init(&h);
	CHECK(locktable_load(&lt, &d) == 0);
	CHECK(locktable_holders(&lt, lockfile, &h) == 0);
	/* 100 by the mount's device, 101 by st_dev, 105 twice; not 102-104, 106, 107 */
	CHECK(h.n == 3);
	if (h.n == 3) {
		CHECK(h.v[0].pid == 100 && h.v[0].exclusive);
		CHECK(h.v[1].pid == 101 && !h.v[1].exclusive);
		CHECK(h.v[2].pid == 105 && h.v[2].exclusive);
	}
	CHECK(locktable_holders(&lt, "/nonexistent/x.lock", &h) == -ENOENT);
	CHECK(h.n == 0);
	lockholders_release(&h);
	locktable_release(&lt);
}

static void cmdline_is(int pid, const char *want)
{
	char buf[LOCKTABLE_CMDLINE_MAX];

	locktable_cmdline(pid, buf, sizeof(buf));
	CHECK_STR(buf, want);
}

static void test_cmdline_for_people(void)
{
	char longcmd[300], want[512];
	int i;
	static const char argv[] = "flock\0-x\0/tmp/ktstr-llc-0.lock\0sleep\0" "60";

	put("100/cmdline", argv, sizeof(argv)); /* the kernel ends each word with NUL */
	cmdline_is(100, "flock -x /tmp/ktstr-llc-0.lock sleep 60");
	/* control characters and bytes that are not UTF-8 become '?'; UTF-8 stays */
	put("101/cmdline", "a\tb\xff\xc3\xa9z\0", 8);
	cmdline_is(101, "a?b?\xc3\xa9z");
	memset(longcmd, 'x', sizeof(longcmd));
	put("102/cmdline", longcmd, sizeof(longcmd));
	memset(want, 'x', 100);
	memcpy(want + 100, "\xe2\x80\xa6", 4);
	cmdline_is(102, want);
	/* exactly 100 characters: no ellipsis */
	put("103/cmdline", longcmd, 100);
	want[100] = '\0';
	cmdline_is(103, want);
	/* characters, not bytes: 150 two-byte ones keep 100, none split */
	for (i = 0; i < 150; i++)
		memcpy(longcmd + 2 * i, "\xc3\xa9", 2);
	put("105/cmdline", longcmd, 300);
	for (i = 0; i < 100; i++)
		memcpy(want + 2 * i, "\xc3\xa9", 2);
	memcpy(want + 200, "\xe2\x80\xa6", 4);
	cmdline_is(105, want);
	put("104/cmdline", "", 0);
	puts_file("104/comm", "kworker/0:1\n");
	cmdline_is(104, "[kworker/0:1]");
	cmdline_is(999, "<cmdline unavailable>");
}

static void test_describe(void)
{
	struct locktable lt;
	struct kt_diag d;
	char buf[512], small[120];

	write_tables();
	locktable_init(&lt);
	CHECK(locktable_load(&lt, &d) == 0);
	locktable_describe(&lt, lockfile, buf, sizeof(buf));
	CHECK(strstr(buf, "pid 100 'flock -x /tmp/ktstr-llc-0.lock sleep 60' (exclusive)") == buf);
	CHECK(strstr(buf, "pid 101 ") != NULL && strstr(buf, "(shared)") != NULL);
	locktable_describe(&lt, lockfile, small, sizeof(small));
	CHECK(strstr(small, "and ") != NULL && strstr(small, " more") != NULL);
	locktable_describe(&lt, "/nonexistent", buf, sizeof(buf));
	CHECK(strstr(buf, "holder unknown") == buf);
	locktable_release(&lt);
}

static void test_missing_locks_table(void)
{
	struct locktable lt;
	struct kt_diag d = { "" };
	char path[128];

	snprintf(path, sizeof(path), "%s/locks", root);
	unlink(path);
	locktable_init(&lt);
	CHECK(locktable_load(&lt, &d) == -ENOENT);
	CHECK(strstr(d.msg, path) != NULL);
	locktable_release(&lt);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	int fd;

	snprintf(root, sizeof(root), "/tmp/ktstr-unit-proc.XXXXXX");
	snprintf(lockfile, sizeof(lockfile), "/tmp/ktstr-unit-lockdir.XXXXXX");
	if (!mkdtemp(root) || !mkdtemp(lockfile))
		return 1;
	strcat(lockfile, "/ktstr-llc-0.lock");
	fd = open(lockfile, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || fstat(fd, &lst) < 0)
		return 1;
	close(fd);
	setenv("KTSTR_PROC_ROOT", root, 1);
	RUN(test_holders_by_mount_or_st_dev);
	RUN(test_cmdline_for_people);
	RUN(test_describe);
	RUN(test_missing_locks_table);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	*strrchr(lockfile, '/') = '\0';
	nftw(lockfile, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return unit_done();
}
