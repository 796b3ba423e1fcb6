// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "kcache.h"
#include "kimage.h"
#include "kstore.h"
#include "unit.h"

static char root[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Stage and publish an entry with one fake image. */
static int store(const char *key, const char *image_text)
{
	char src[128];
	struct kstore s;
	json_t *meta;
	int rc;

	snprintf(src, sizeof(src), "%s/img.src", root);
	write_file(src, image_text);
	if (kstore_begin(&s, root, key) < 0)
		return -1;
	rc = kstore_put(&s, src, "bzImage", false);
	meta = json_pack("{s:s, s:s, s:{s:s}}", "image", "bzImage", "arch", "x86_64", "source",
			 "kind", "local");
	if (rc == 0)
		rc = kstore_commit(&s, meta);
	else
		kstore_abort(&s);
	json_decref(meta);
	unlink(src);
	return rc;
}

static void test_keys_are_plain_names(void)
{
	struct kt_diag d;

	CHECK(kcache_key_check("6.12.8-tarball-x86_64-kc0123abcd", &d) == 0);
	CHECK(kcache_key_check("my_kernel+1", &d) == 0);
	CHECK(kcache_key_check("", &d) == -EINVAL);
	CHECK(kcache_key_check(".tmp-x", &d) == -EINVAL);
	CHECK(kcache_key_check("a/b", &d) == -EINVAL);
	CHECK(strstr(d.msg, "'/'") != NULL);
	CHECK(kcache_key_check("a b", &d) == -EINVAL);
}

static void test_store_list_and_replace(void)
{
	struct kcache_entry *v;
	char *text;
	size_t n;

	CHECK(store("one", "first") == 0);
	CHECK(store("two", "second") == 0);
	CHECK(kcache_list(root, &v, &n) == 0);
	CHECK(n == 2);
	CHECK(n == 2 && !v[0].corrupt[0] && !v[1].corrupt[0]);
	CHECK(n == 2 && strstr(v[0].image, "/bzImage") != NULL);
	kcache_list_free(v, n);
	/* replacing swaps the whole directory */
	CHECK(store("one", "again") == 0);
	CHECK(file_read_alloc("one/bzImage", 100, &text, NULL) == -ENOENT); /* relative: no */
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/one/bzImage", root);
		CHECK(file_read_alloc(p, 100, &text, NULL) == 0);
		CHECK_STR(text, "again");
		free(text);
	}
	CHECK(kcache_list(root, &v, &n) == 0 && n == 2);
	kcache_list_free(v, n);
}

static void test_corrupt_entries_are_reported_and_last(void)
{
	struct kcache_entry *v;
	char dir[128];
	size_t n;

	snprintf(dir, sizeof(dir), "%s/broken", root);
	mkdir(dir, 0755);
	CHECK(kcache_list(root, &v, &n) == 0);
	CHECK(n == 3);
	CHECK(n == 3 && !strcmp(v[2].key, "broken") && strstr(v[2].corrupt, "missing"));
	CHECK(n == 3 && v[2].meta == NULL && v[2].image[0] == '\0');
	kcache_list_free(v, n);
}

static void test_locks_exclude_and_removal_is_safe(void)
{
	char who[384], want[32];
	int sh, ex, ex2;

	CHECK(kcache_lock(root, "", "one", KLOCK_SHARED, &sh) == 0);
	/* flock conflicts between open files, even in one process */
	CHECK(kcache_lock(root, "", "one", KLOCK_TRY_EXCL, &ex) == -EWOULDBLOCK);
	snprintf(want, sizeof(want), "pid %d '", (int)getpid());
	kcache_lock_describe(root, "", "one", who, sizeof(who));
	CHECK(strstr(who, want) == who);
	CHECK(strstr(who, "(shared)") != NULL);
	klock_release(sh);
	CHECK(kcache_lock(root, "", "one", KLOCK_TRY_EXCL, &ex) == 0);
	CHECK(kcache_remove(root, "one", ex) == 0);
	CHECK(kcache_entry_load(root, "one", &(struct kcache_entry){ 0 }) == -ENOENT);
	/* the lock file went with it, and taking it again makes a new one */
	CHECK(kcache_lock(root, "", "one", KLOCK_TRY_EXCL, &ex2) == 0);
	kcache_unlock(root, "", "one", ex2);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/.locks/one.lock", root);
		CHECK(!file_exists(p));
	}
}

static void test_sweep_removes_only_orphans(void)
{
	struct kstore live;
	char orphan[128];

	snprintf(orphan, sizeof(orphan), "%s/.tmp-dead-1", root);
	mkdir(orphan, 0755);
	CHECK(kstore_begin(&live, root, "live") == 0);
	CHECK(kstore_sweep(root) == 1);
	CHECK(!file_exists(orphan));
	CHECK(file_is_dir(live.tmp));
	kstore_abort(&live);
	CHECK(!file_exists(live.tmp));
}

static void test_image_probe(void)
{
	char path[128], v[64];
	unsigned char hdr[0x300] = { 0 };
	struct kt_diag d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/img", root);
	write_file(path, "not a kernel at all, just text");
	CHECK(kimage_probe(path, v, sizeof(v), &d) == -EINVAL);
	CHECK(strstr(d.msg, "HdrS") != NULL);
	memcpy(hdr + 0x202, "HdrS", 4);
	hdr[0x20e] = 0x10; /* version string at 0x210 */
	strcpy((char *)hdr + 0x210, "6.1.0-28-amd64 (debian) #1 SMP");
	f = fopen(path, "w");
	if (f) {
		fwrite(hdr, 1, sizeof(hdr), f);
		fclose(f);
	}
	CHECK(kimage_probe(path, v, sizeof(v), &d) == 0);
	CHECK_STR(v, "6.1.0-28-amd64");
	unlink(path);
}

int main(void)
{
	int rc;

	snprintf(root, sizeof(root), "/tmp/ktstr-test-kcache-%d", (int)getpid());
	mkdir(root, 0755);
	RUN(test_keys_are_plain_names);
	RUN(test_store_list_and_replace);
	RUN(test_corrupt_entries_are_reported_and_last);
	RUN(test_locks_exclude_and_removal_is_safe);
	RUN(test_sweep_removes_only_orphans);
	RUN(test_image_probe);
	rc = unit_done();
	kcache_rmtree(root);
	return rc;
}
