/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-state snapshot files (.hst.zst): one zstd frame (with a content
 * checksum) holding one JSON object whose "format" is "ktstr-hst" and whose
 * "version" is HST_FILE_VERSION.  ktstr-hst(1) documents the members.
 *
 * Writing streams: bytes go through zstd into a temporary file next to the
 * target, which replaces the target only on commit (fsync, then rename), so
 * a reader sees the old file or the new one, never half of one, and an
 * interrupted capture leaves nothing behind.  A symbolic link is followed
 * (its target is replaced, the link stays), a replaced file keeps its mode
 * (and, for root, its owner), and a target that is not a regular file (a
 * device, a FIFO, /dev/stdout) is written directly, without a temporary.
 *
 *   struct hst_file_out o;
 *   hst_file_create(&o, "base.hst.zst", &diag);     0 or -errno
 *   hst_file_write(&o, buf, len, &diag);            as often as needed
 *   hst_file_commit(&o, &diag);   or   hst_file_abort(&o);   exactly one
 *
 * Reading is bounded: at most HST_FILE_MAX_BYTES compressed and
 * HST_FILE_MAX_JSON decompressed (a decompression bomb stops there).
 *
 *   json_t *snap;
 *   rc = hst_file_load(path, &snap, &diag);
 *   -ENOENT etc.: cannot read the file; -EINVAL: not zstd, corrupt,
 *   truncated, not JSON, not a snapshot; -EPROTO: another version;
 *   -EFBIG: over a cap.  The diag says which, without the path.
 */
#ifndef KTSTR_HST_FILE_H
#define KTSTR_HST_FILE_H

#include <limits.h>
#include <stddef.h>

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>
#include <zstd.h>

#include "err.h"

#define HST_FILE_FORMAT "ktstr-hst"
#define HST_FILE_VERSION 1
#define HST_FILE_MAX_BYTES (256u << 20)
#define HST_FILE_MAX_JSON (512u << 20)
#define HST_FILE_ZSTD_LEVEL 3

struct hst_file_out {
	int fd;
	char tmp[PATH_MAX];	/* the temporary file, until commit or abort */
	char path[PATH_MAX];	/* the target (a link's target, when a link was named) */
	bool direct;		/* writing to the target itself: not a regular file */
	bool keep;		/* the target exists: give the new file its mode and owner */
	bool write_failed;	/* a write or the compression failed; the diag says why */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	ZSTD_CCtx *cctx;	/* owned */
	void *zbuf;		/* owned; compressed bytes on their way to fd */
	size_t zcap;
};

int hst_file_create(struct hst_file_out *o, const char *path, struct kt_diag *d);
int hst_file_write(struct hst_file_out *o, const void *buf, size_t len, struct kt_diag *d);
int hst_file_commit(struct hst_file_out *o, struct kt_diag *d);
void hst_file_abort(struct hst_file_out *o);

/* Decompress one buffer (any number of frames) into a malloc'ed, NUL-terminated one. */
int hst_file_decompress(const void *in, size_t inlen, size_t max_out, char **out,
			size_t *outlen, struct kt_diag *d);
int hst_file_load(const char *path, json_t **snap, struct kt_diag *d);

#endif
