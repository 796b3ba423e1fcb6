/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small-file helpers for sysfs, procfs and cgroupfs, where a whole file is
 * one value.  All return 0 (or a length) on success and -errno on failure;
 * a file that is too large for the buffer is -EFBIG, never silently cut.
 */
#ifndef KTSTR_FILE_H
#define KTSTR_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Read the whole file into buf (NUL-terminated), trailing newlines removed. */
int file_read_str(const char *path, char *buf, size_t size);
/* Read a file whose content is one unsigned decimal number. */
int file_read_u64(const char *path, uint64_t *out);
/* Read the whole file into a malloc'ed, NUL-terminated buffer of at most max bytes. */
int file_read_alloc(const char *path, size_t max, char **out, size_t *len);
/* Write a string with a single write(2), as cgroupfs and sysfs expect. */
int file_write_str(const char *path, const char *s);
int file_exists(const char *path);
int file_is_dir(const char *path);
/*
 * 0 if path is a regular file we may execute; else -errno: -EISDIR for a
 * directory, -EACCES for another kind of file or one without execute
 * permission (access(2) alone accepts a searchable directory).
 */
int file_check_exec(const char *path);

#endif
