// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initramfs.h"
#include "unit.h"

static char tmpdir[] = "/tmp/ktstr-test-initramfs.XXXXXX";

static void write_file(const char *name, const char *content, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs(content, f);
	fclose(f);
}

/* Write ar into a fresh memfd and return a malloc'ed copy of the bytes. */
static char *archive_bytes(const struct initramfs *ar, uint64_t *len)
{
	struct kt_diag d;
	int fd = memfd_create("t", 0);
	char *buf;

	CHECK(initramfs_write(ar, fd, len, &d) == 0);
	buf = malloc(*len);
	CHECK(pread(fd, buf, *len, 0) == (ssize_t)*len);
	close(fd);
	return buf;
}

static void build(struct initramfs *ar, int reversed, const char *file)
{
	struct kt_diag d;

	initramfs_init(ar);
	if (reversed) {
		CHECK(initramfs_add_symlink(ar, "bin/sh", "busybox", &d) == 0);
		CHECK(initramfs_add_file(ar, "/bin/tool", file, 0755, &d) == 0);
		CHECK(initramfs_add_data(ar, "init", "#!/bin/sh\n", 10, 0755, &d) == 0);
		CHECK(initramfs_add_chardev(ar, "dev/console", 0600, 5, 1, &d) == 0);
	} else {
		CHECK(initramfs_add_chardev(ar, "dev/console", 0600, 5, 1, &d) == 0);
		CHECK(initramfs_add_data(ar, "init", "#!/bin/sh\n", 10, 0755, &d) == 0);
		CHECK(initramfs_add_file(ar, "bin/tool", file, 0755, &d) == 0);
		CHECK(initramfs_add_symlink(ar, "bin/sh", "busybox", &d) == 0);
	}
}

static void test_same_inputs_give_the_same_bytes(void)
{
	struct initramfs a, b;
	char file[256], *x, *y;
	uint64_t lx, ly, ha, hb;
	struct kt_diag d;

	write_file("tool", "hello tool\n", file, sizeof(file));
	build(&a, 0, file);
	build(&b, 1, file);
	x = archive_bytes(&a, &lx);
	y = archive_bytes(&b, &ly);
	CHECK(lx == ly && !memcmp(x, y, lx));
	CHECK(lx % 512 == 0);
	CHECK(lx == initramfs_bytes(&a));
	CHECK(initramfs_hash(&a, &ha, &d) == 0 && initramfs_hash(&b, &hb, &d) == 0);
	CHECK(ha == hb);
	free(x);
	free(y);
	initramfs_release(&a);
	initramfs_release(&b);
}

static unsigned field(const char *hdr, int i)
{
	char buf[9];

	memcpy(buf, hdr + 6 + 8 * i, 8);
	buf[8] = '\0';
	return (unsigned)strtoul(buf, NULL, 16);
}

/* Walk the newc headers: names in order, parents first, fields as promised. */
static void test_entries_are_sorted_newc_with_fixed_owners(void)
{
	static const char *const want[] = { "bin", "bin/sh", "bin/tool", "dev", "dev/console",
					    "init", "TRAILER!!!" };
	struct initramfs ar;
	char file[256], *buf;
	uint64_t len, off = 0;
	unsigned i, namesize, filesize, mode;

	write_file("tool", "hello tool\n", file, sizeof(file));
	build(&ar, 1, file);
	buf = archive_bytes(&ar, &len);
	for (i = 0; i < sizeof(want) / sizeof(want[0]) && off + 110 <= len; i++) {
		CHECK(!memcmp(buf + off, "070701", 6));
		mode = field(buf + off, 1);
		filesize = field(buf + off, 6);
		namesize = field(buf + off, 11);
		CHECK_STR(buf + off + 110, want[i]);
		CHECK(field(buf + off, 2) == 0 && field(buf + off, 3) == 0); /* uid, gid */
		CHECK(field(buf + off, 5) == 0);			     /* mtime */
		if (!strcmp(want[i], "bin/sh"))
			CHECK(mode == (S_IFLNK | 0777) && filesize == 7 &&
			      !memcmp(buf + off + 112 + 8, "busybox", 7));
		if (!strcmp(want[i], "bin/tool"))
			CHECK(mode == (S_IFREG | 0755) && filesize == 11);
		if (!strcmp(want[i], "dev/console"))
			CHECK(mode == (S_IFCHR | 0600) && field(buf + off, 9) == 5 &&
			      field(buf + off, 10) == 1);
		off += (110 + namesize + 3) & ~3u;
		off += (filesize + 3) & ~3u;
	}
	CHECK(i == sizeof(want) / sizeof(want[0]));
	for (; off < len; off++)
		CHECK(buf[off] == 0);
	free(buf);
	initramfs_release(&ar);
}

static void test_conflicts_and_duplicates(void)
{
	struct initramfs ar;
	char f1[256], f2[256];
	struct kt_diag d;

	write_file("one", "1", f1, sizeof(f1));
	write_file("two", "2", f2, sizeof(f2));
	initramfs_init(&ar);
	CHECK(initramfs_add_file(&ar, "x/a", f1, 0644, &d) == 0);
	CHECK(initramfs_add_file(&ar, "x/a", f1, 0644, &d) == 0); /* the same: fine */
	CHECK(initramfs_add_file(&ar, "x/a", f2, 0644, &d) == -EEXIST);
	CHECK(strstr(d.msg, f1) && strstr(d.msg, f2));
	CHECK(initramfs_add_symlink(&ar, "x", "y", &d) == -EEXIST); /* x is a directory */
	CHECK(initramfs_add_dir(&ar, "x", 0755, &d) == 0);
	CHECK(initramfs_add_data(&ar, "../etc", "", 0, 0644, &d) == -EINVAL);
	CHECK(initramfs_add_data(&ar, "a//b", "", 0, 0644, &d) == -EINVAL);
	CHECK(initramfs_add_data(&ar, "a/./b", "", 0, 0644, &d) == -EINVAL);
	CHECK(initramfs_add_file(&ar, "nope", "/nonexistent/file", 0644, &d) == -ENOENT);
	CHECK(strstr(d.msg, "/nonexistent/file") != NULL);
	CHECK(initramfs_find(&ar, "/x/a") && initramfs_find(&ar, "x")->kind == INITRAMFS_DIR);
	CHECK(ar.n == 2);
	initramfs_release(&ar);
}

static void test_hash_follows_content(void)
{
	struct initramfs ar;
	char f[256];
	uint64_t h1, h2, h3;
	struct kt_diag d;

	write_file("c", "content A", f, sizeof(f));
	initramfs_init(&ar);
	CHECK(initramfs_add_file(&ar, "c", f, 0644, &d) == 0);
	CHECK(initramfs_hash(&ar, &h1, &d) == 0);
	write_file("c", "content B", f, sizeof(f)); /* same size, other bytes */
	CHECK(initramfs_hash(&ar, &h2, &d) == 0);
	write_file("c", "content A", f, sizeof(f));
	CHECK(initramfs_hash(&ar, &h3, &d) == 0);
	CHECK(h1 != h2 && h1 == h3);
	initramfs_release(&ar);
}

static void test_a_file_that_shrank_is_an_error(void)
{
	struct initramfs ar;
	char f[256];
	uint64_t len;
	struct kt_diag d;
	int fd = memfd_create("t", 0);

	write_file("s", "0123456789", f, sizeof(f));
	initramfs_init(&ar);
	CHECK(initramfs_add_file(&ar, "s", f, 0644, &d) == 0);
	write_file("s", "01", f, sizeof(f));
	CHECK(initramfs_write(&ar, fd, &len, &d) == -ESTALE);
	CHECK(strstr(d.msg, "shrank") != NULL);
	close(fd);
	initramfs_release(&ar);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(tmpdir))
		return 1;
	RUN(test_same_inputs_give_the_same_bytes);
	RUN(test_entries_are_sorted_newc_with_fixed_owners);
	RUN(test_conflicts_and_duplicates);
	RUN(test_hash_follows_content);
	RUN(test_a_file_that_shrank_is_an_error);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return unit_done();
}
