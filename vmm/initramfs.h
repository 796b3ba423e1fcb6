/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Initramfs archives: a set of entries (directories, files, symlinks,
 * device nodes) written as one cpio "newc" archive, the format the kernel
 * unpacks into its rootfs.
 *
 *   struct initramfs ar;
 *   initramfs_init(&ar);
 *   initramfs_add_file(&ar, "bin/busybox", "/bin/busybox", 0755, &d);
 *   initramfs_add_data(&ar, "init", script, len, 0755, &d);
 *   initramfs_add_symlink(&ar, "bin/sh", "busybox", &d);
 *   initramfs_hash(&ar, &key, &d);      content hash: same inputs, same key
 *   initramfs_write(&ar, fd, &bytes, &d);
 *   initramfs_release(&ar);
 *
 * Output is deterministic: entries are written sorted by path (so every
 * directory precedes what it holds, as the kernel requires), owners are
 * 0:0, mtimes are 0, inode numbers are the entry's position.  Adding a file
 * creates its missing parent directories (0755).  Paths are relative ("a/b";
 * a leading '/' is dropped); ".." and empty components are refused.  Adding
 * the same path twice is allowed only when both entries are the same (two
 * directories, the same host file, the same target); otherwise -EEXIST and
 * the diag names both sources.  Files are read at write time, and a file
 * whose size changed since it was added is an error, never a short archive.
 *
 * Archives may be concatenated (a cached base plus a per-boot one): each
 * ends with the "TRAILER!!!" entry and is padded with zeros to 512 bytes.
 */
#ifndef KTSTR_VMM_INITRAMFS_H
#define KTSTR_VMM_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum initramfs_kind {
	INITRAMFS_DIR,
	INITRAMFS_FILE,	   /* content read from a host file */
	INITRAMFS_DATA,	   /* content held in memory */
	INITRAMFS_SYMLINK,
	INITRAMFS_CHARDEV,
};

struct initramfs_entry {
	char *path; /* owned; relative archive path */
	enum initramfs_kind kind;
	unsigned mode;	/* permission bits (07777) */
	char *src;	/* owned; FILE: host path, SYMLINK: target */
	void *data;	/* owned; DATA: content */
	uint64_t size;	/* FILE, DATA: bytes; SYMLINK: target length */
	unsigned rdev_major, rdev_minor;
};

struct initramfs {
	struct initramfs_entry *ent; /* owned; sorted by path */
	size_t n, cap;
};

void initramfs_init(struct initramfs *ar);
void initramfs_release(struct initramfs *ar);

int initramfs_add_dir(struct initramfs *ar, const char *path, unsigned mode, struct kt_diag *d);
int initramfs_add_file(struct initramfs *ar, const char *path, const char *host, unsigned mode,
		       struct kt_diag *d);
int initramfs_add_data(struct initramfs *ar, const char *path, const void *data, size_t len,
		       unsigned mode, struct kt_diag *d);
int initramfs_add_symlink(struct initramfs *ar, const char *path, const char *target,
			  struct kt_diag *d);
int initramfs_add_chardev(struct initramfs *ar, const char *path, unsigned mode, unsigned major,
			  unsigned minor, struct kt_diag *d);

/* The entry at path (relative, as added), or NULL. */
const struct initramfs_entry *initramfs_find(const struct initramfs *ar, const char *path);
/* Archive size in bytes, as initramfs_write() will produce it. */
uint64_t initramfs_bytes(const struct initramfs *ar);
/* Hash of every entry: path, kind, mode, and content (files are read). */
int initramfs_hash(const struct initramfs *ar, uint64_t *out, struct kt_diag *d);
/* Write the archive to fd; *bytes (may be NULL) gets its length. */
int initramfs_write(const struct initramfs *ar, int fd, uint64_t *bytes, struct kt_diag *d);

#endif
