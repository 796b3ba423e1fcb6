// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "hst_file.h"
#include "paths.h"

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "<dir>/.<base>.<pid>.<n>.tmp": hidden, next to the target, on the same file system. */
static int open_temp(struct hst_file_out *o, struct kt_diag *d)
{
	char copy1[PATH_MAX], copy2[PATH_MAX];
	const char *dir, *base;
	unsigned n;
	int rc;

	snprintf(copy1, sizeof(copy1), "%s", o->path);
	snprintf(copy2, sizeof(copy2), "%s", o->path);
	dir = dirname(copy1);
	base = basename(copy2);
	for (n = 0; n < 100; n++) {
		rc = paths_fmt(o->tmp, sizeof(o->tmp), "%s/.%s.%d.%u.tmp", dir, base, (int)getpid(),
			       n);
		if (rc < 0)
			return kt_diag_set(d, -rc, "cannot write '%.200s...': path too long", o->path);
		/* 0666 and the umask, like any file the user creates */
		o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (o->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return kt_diag_set(d, errno, "cannot create a temporary file in '%s': %s",
					   dir, strerror(errno));
	}
	return kt_diag_set(d, EEXIST, "cannot create a temporary file in '%s': %s", dir,
			   strerror(EEXIST));
}

/*
 * Decide how to write path: through a temporary beside the real target, or
 * directly into something that is not a regular file (renaming over a
 * device or a FIFO would destroy it; a dangling link is created through).
 */
static int pick_target(struct hst_file_out *o, const char *path, struct kt_diag *d)
{
	struct stat st, lst;
	char real[PATH_MAX];
	int rc;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return kt_diag_set(d, EISDIR, "'%s' is a directory; name a file", path);
		if (!S_ISREG(st.st_mode) || !realpath(path, real))
			o->direct = true;
		else
			path = real;
		o->keep = true;
		o->mode = st.st_mode & 07777;
		o->uid = st.st_uid;
		o->gid = st.st_gid;
	} else if (errno == ENOENT && lstat(path, &lst) == 0) {
		o->direct = true;
	} else if (errno != ENOENT) {
		return kt_diag_set(d, errno, "cannot write '%s': %s", path, strerror(errno));
	}
	if ((rc = paths_fmt(o->path, sizeof(o->path), "%s", path)) < 0)
		return kt_diag_set(d, -rc, "cannot write '%.200s...': path too long", path);
	return 0;
}

static int open_direct(struct hst_file_out *o, struct kt_diag *d)
{
	o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
	if (o->fd < 0)
		return kt_diag_set(d, errno, "cannot write '%s': %s", o->path, strerror(errno));
	return 0;
}

int hst_file_create(struct hst_file_out *o, const char *path, struct kt_diag *d)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if ((rc = pick_target(o, path, d)) < 0)
		return rc;
	if ((rc = o->direct ? open_direct(o, d) : open_temp(o, d)) < 0)
		return rc;
	o->cctx = ZSTD_createCCtx();
	o->zcap = ZSTD_CStreamOutSize();
	o->zbuf = malloc(o->zcap);
	if (!o->cctx || !o->zbuf) {
		hst_file_abort(o);
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	/* the checksum turns a flipped bit into an error instead of odd numbers */
	ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_compressionLevel, HST_FILE_ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_checksumFlag, 1);
	return 0;
}

static int pump(struct hst_file_out *o, const void *buf, size_t len, ZSTD_EndDirective mode,
		struct kt_diag *d)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	ZSTD_outBuffer out;
	size_t left;
	int rc;

	do {
		out = (ZSTD_outBuffer){ o->zbuf, o->zcap, 0 };
		left = ZSTD_compressStream2(o->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			o->write_failed = true;
			return kt_diag_set(d, EIO, "zstd: %s", ZSTD_getErrorName(left));
		}
		if ((rc = write_all(o->fd, o->zbuf, out.pos)) < 0) {
			o->write_failed = true;
			return kt_diag_set(d, -rc, "cannot write '%s': %s", o->path,
					   strerror(-rc));
		}
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

int hst_file_write(struct hst_file_out *o, const void *buf, size_t len, struct kt_diag *d)
{
	return len ? pump(o, buf, len, ZSTD_e_continue, d) : 0;
}

/* The replacement looks like what it replaces: mode, and owner when we may set it. */
static void keep_attributes(const struct hst_file_out *o)
{
	if (!o->keep)
		return;
	(void)fchmod(o->fd, o->mode);
	if (geteuid() == 0)
		(void)fchown(o->fd, o->uid, o->gid);
}

int hst_file_commit(struct hst_file_out *o, struct kt_diag *d)
{
	int rc;

	if ((rc = pump(o, NULL, 0, ZSTD_e_end, d)) < 0)
		goto fail;
	if (!o->direct)
		keep_attributes(o);
	/* durable before visible: after a crash the old file or the whole new one */
	if ((!o->direct && fsync(o->fd) < 0) || close(o->fd) < 0) {
		rc = kt_diag_set(d, errno, "cannot write '%s': %s", o->path, strerror(errno));
		o->fd = -1;
		goto fail;
	}
	o->fd = -1;
	if (!o->direct && rename(o->tmp, o->path) < 0) {
		rc = kt_diag_set(d, errno, "cannot rename '%s' to '%s': %s", o->tmp, o->path,
				 strerror(errno));
		goto fail;
	}
	o->tmp[0] = '\0';
	hst_file_abort(o);
	return 0;
fail:
	hst_file_abort(o);
	return rc;
}

void hst_file_abort(struct hst_file_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = '\0';
	ZSTD_freeCCtx(o->cctx);
	o->cctx = NULL;
	free(o->zbuf);
	o->zbuf = NULL;
}

static int grow_out(char **buf, size_t *cap, size_t max)
{
	size_t n = *cap ? *cap * 2 : 1u << 20;
	char *p;

	if (*cap >= max)
		return -EFBIG;
	if (n > max)
		n = max;
	p = realloc(*buf, n + 1);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

int hst_file_decompress(const void *in, size_t inlen, size_t max_out, char **out,
			size_t *outlen, struct kt_diag *d)
{
	static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob;
	size_t left = 1, cap = 0, len = 0;
	char *buf = NULL;
	int rc = 0;

	if (inlen < 4 || memcmp(in, zstd_magic, 4))
		return kt_diag_set(d, EINVAL, "not a zstd file (a snapshot starts with the zstd "
					      "magic bytes 28 b5 2f fd)");
	/* a frame that declares its size gives a bomb away before any work */
	left = ZSTD_getFrameContentSize(in, inlen);
	if (left != ZSTD_CONTENTSIZE_UNKNOWN && left != ZSTD_CONTENTSIZE_ERROR && left > max_out)
		return kt_diag_set(d, EFBIG, "decompresses to more than %zu MiB; not a snapshot, "
					     "or a decompression bomb",
				   max_out >> 20);
	left = 1;
	if (!(dctx = ZSTD_createDCtx()))
		return kt_diag_set(d, ENOMEM, "out of memory");
	for (;;) {
		if (len == cap && (rc = grow_out(&buf, &cap, max_out)) < 0) {
			if (rc == -EFBIG)
				kt_diag_set(d, EFBIG, "decompresses to more than %zu MiB; not a "
						      "snapshot, or a decompression bomb",
					    max_out >> 20);
			else
				kt_diag_set(d, ENOMEM, "out of memory");
			goto out;
		}
		ob = (ZSTD_outBuffer){ buf, cap, len };
		left = ZSTD_decompressStream(dctx, &ob, &ib);
		len = ob.pos;
		if (ZSTD_isError(left)) {
			rc = kt_diag_set(d, EINVAL, "corrupt zstd data: %s",
					 ZSTD_getErrorName(left));
			goto out;
		}
		/* all input taken and room left over: the decoder has flushed everything */
		if (ib.pos == ib.size && len < cap)
			break;
	}
	/* left is 0 only at the end of a frame */
	if (left != 0) {
		rc = kt_diag_set(d, EINVAL, "truncated: the zstd frame ends early");
		goto out;
	}
	buf[len] = '\0'; /* grow_out() keeps a byte spare */
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	free(buf);
	ZSTD_freeDCtx(dctx);
	return rc;
}

static int check_snapshot(json_t *root, struct kt_diag *d)
{
	json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");

	if (!json_is_object(root) || !json_is_string(fmt) ||
	    strcmp(json_string_value(fmt), HST_FILE_FORMAT))
		return kt_diag_set(d, EINVAL, "not a ktstr-hst snapshot (no \"format\": \"%s\")",
				   HST_FILE_FORMAT);
	if (!json_is_integer(ver))
		return kt_diag_set(d, EINVAL, "snapshot has no integer \"version\"");
	if (json_integer_value(ver) != HST_FILE_VERSION)
		return kt_diag_set(d, EPROTO,
				   "snapshot version %lld is not supported; this ktstr-hst reads "
				   "version %d",
				   (long long)json_integer_value(ver), HST_FILE_VERSION);
	if (!json_is_array(json_object_get(root, "threads")))
		return kt_diag_set(d, EINVAL, "snapshot has no \"threads\" array");
	return 0;
}

int hst_file_load(const char *path, json_t **snap, struct kt_diag *d)
{
	char *raw = NULL, *text = NULL;
	size_t rawlen, len;
	json_error_t jerr;
	json_t *root;
	int rc;

	rc = file_read_alloc(path, HST_FILE_MAX_BYTES, &raw, &rawlen);
	if (rc == -EFBIG)
		return kt_diag_set(d, EFBIG, "larger than %u MiB; not a snapshot",
				   HST_FILE_MAX_BYTES >> 20);
	if (rc < 0)
		return kt_diag_set(d, -rc, "%s", strerror(-rc));
	rc = hst_file_decompress(raw, rawlen, HST_FILE_MAX_JSON, &text, &len, d);
	free(raw);
	if (rc < 0)
		return rc;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root)
		return kt_diag_set(d, EINVAL, "not a snapshot: bad JSON at line %d column %d: %s",
				   jerr.line, jerr.column, jerr.text);
	if ((rc = check_snapshot(root, d)) < 0) {
		json_decref(root);
		return rc;
	}
	*snap = root;
	return 0;
}
