/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recognising a boot image before it goes into the cache: an x86 bzImage
 * carries "HdrS" at offset 0x202 and, usually, a pointer to its version
 * string ("6.1.0-28-cloud-amd64 (debian-kernel@...) #1 SMP ...").
 *
 *   rc = kimage_probe(path, version, sizeof(version), &diag);
 *   0: a bzImage, version holds its release ("" if it names none);
 *   -EINVAL: not a bzImage, a directory included (the diag says why);
 *   -ENOENT: no such file (also for a path through a file);
 *   other -errno: cannot read.
 */
#ifndef KTSTR_KIMAGE_H
#define KTSTR_KIMAGE_H

#include <stddef.h>

#include "err.h"

int kimage_probe(const char *path, char *version, size_t size, struct kt_diag *d);

#endif
