// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "hst_file.h"
#include "unit.h"

static char dir[] = "/tmp/ktstr-hst-file.XXXXXX";

static const char snap[] = "{\"format\":\"ktstr-hst\",\"version\":1,\"threads\":[]}";

static int write_snapshot(const char *path, const char *text)
{
	struct hst_file_out o;
	struct kt_diag d;
	int rc = hst_file_create(&o, path, &d);

	if (rc < 0)
		return rc;
	if ((rc = hst_file_write(&o, text, strlen(text), &d)) < 0) {
		hst_file_abort(&o);
		return rc;
	}
	return hst_file_commit(&o, &d);
}

static size_t entries(void)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_roundtrip_and_replace(void)
{
	char path[128];
	struct kt_diag d;
	json_t *root;

	snprintf(path, sizeof(path), "%s/a.hst.zst", dir);
	CHECK(write_snapshot(path, "{\"format\":\"ktstr-hst\",\"version\":1,"
				   "\"threads\":[1]}") == 0);
	CHECK(write_snapshot(path, snap) == 0);
	/* replaced, and no temporary file is left next to it */
	CHECK(entries() == 1);
	CHECK(hst_file_load(path, &root, &d) == 0);
	CHECK(json_array_size(json_object_get(root, "threads")) == 0);
	json_decref(root);
	unlink(path);
}

static void test_abort_leaves_nothing(void)
{
	struct hst_file_out o;
	char path[128];
	struct kt_diag d;

	snprintf(path, sizeof(path), "%s/b.hst.zst", dir);
	CHECK(hst_file_create(&o, path, &d) == 0);
	CHECK(hst_file_write(&o, snap, sizeof(snap) - 1, &d) == 0);
	CHECK(entries() == 1); /* the temporary file */
	hst_file_abort(&o);
	CHECK(entries() == 0);
	CHECK(hst_file_create(&o, dir, &d) == -EISDIR);
}

/* As ktstr-hst writes them: with a content checksum. */
static size_t compress(char *out, size_t cap, const void *in, size_t len, int sized)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t n;

	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, sized);
	n = ZSTD_compress2(c, out, cap, in, len);
	ZSTD_freeCCtx(c);
	return n;
}

static void test_decompress_errors(void)
{
	char in[256], *out = NULL, big[4096];
	size_t n, outlen;
	struct kt_diag d;

	CHECK(hst_file_decompress("hello", 5, 1024, &out, &outlen, &d) == -EINVAL);
	CHECK(strstr(d.msg, "not a zstd file") != NULL);
	n = compress(in, sizeof(in), snap, sizeof(snap) - 1, 1);
	CHECK(!ZSTD_isError(n));
	CHECK(hst_file_decompress(in, n, 1024, &out, &outlen, &d) == 0);
	CHECK(outlen == sizeof(snap) - 1 && !strcmp(out, snap));
	free(out);
	CHECK(hst_file_decompress(in, n - 3, 1024, &out, &outlen, &d) == -EINVAL);
	CHECK(strstr(d.msg, "truncated") != NULL);
	in[n - 2] ^= 0x55; /* in the checksum */
	CHECK(hst_file_decompress(in, n, 1024, &out, &outlen, &d) == -EINVAL);
	CHECK(strstr(d.msg, "corrupt") != NULL);
	/* a bomb: 4 KiB of zeros against a 1 KiB cap, with and without a declared size */
	memset(big, 0, sizeof(big));
	n = compress(in, sizeof(in), big, sizeof(big), 1);
	CHECK(hst_file_decompress(in, n, 1024, &out, &outlen, &d) == -EFBIG);
	CHECK(strstr(d.msg, "bomb") != NULL);
	n = compress(in, sizeof(in), big, sizeof(big), 0);
	CHECK(hst_file_decompress(in, n, 1024, &out, &outlen, &d) == -EFBIG);
	CHECK(hst_file_decompress(in, n, 8192, &out, &outlen, &d) == 0 && outlen == 4096);
	free(out);
}

static void test_load_checks(void)
{
	static const char *const bad[] = {
		"{\"format\":\"other\",\"version\":1,\"threads\":[]}",
		"{\"format\":\"ktstr-hst\",\"threads\":[]}",
		"{\"format\":\"ktstr-hst\",\"version\":1}",
		"[1,2]",
		"{\"format\":\"ktstr-hst\",\"format\":\"ktstr-hst\",\"version\":1,\"threads\":[]}",
	};
	char path[128];
	struct kt_diag d;
	json_t *root;
	size_t i;

	snprintf(path, sizeof(path), "%s/c.hst.zst", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(write_snapshot(path, bad[i]) == 0);
		CHECK(hst_file_load(path, &root, &d) == -EINVAL);
	}
	CHECK(write_snapshot(path, "{\"format\":\"ktstr-hst\",\"version\":2,\"threads\":[]}") == 0);
	CHECK(hst_file_load(path, &root, &d) == -EPROTO);
	CHECK(strstr(d.msg, "version 2") != NULL);
	unlink(path);
	CHECK(hst_file_load(path, &root, &d) == -ENOENT);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_roundtrip_and_replace);
	RUN(test_abort_leaves_nothing);
	RUN(test_decompress_errors);
	RUN(test_load_checks);
	rmdir(dir);
	return unit_done();
}
