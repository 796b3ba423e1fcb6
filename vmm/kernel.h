/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From --kernel ID to a bootable image file.
 *
 *   char *image;
 *   rc = kernel_resolve("../linux", resolver, &image, &d);   caller frees image
 *
 * ID forms, in the order they are tried:
 *   a path (holds '/', starts with '.' or '~', or names an existing file):
 *     a file       must be an x86 bzImage ("HdrS" boot header), e.g. a
 *                  vmlinuz or arch/x86/boot/bzImage
 *     a directory  a kernel source tree: <dir>/arch/x86/boot/bzImage
 *   anything else  a version (6.14.2) or a cache key: resolving those is
 *                  ktstr-kernel's job, so this runs "<resolver> resolve ID"
 *                  (resolver: the ktstr-kernel program; its messages and a
 *                  build's progress reach our stderr) and checks the image it
 *                  prints; -ENOTSUP when resolver is NULL.
 * Every failure fills the diag with what to do.
 */
#ifndef KTSTR_VMM_KERNEL_H
#define KTSTR_VMM_KERNEL_H

#include "err.h"

int kernel_resolve(const char *id, const char *resolver, char **image, struct kt_diag *d);
/* 0 if path is a bzImage; -ENOEXEC if not, -errno if unreadable. */
int kernel_check_bzimage(const char *path);

#endif
