/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Include files (-i PATH): files and directories the user wants in the
 * guest, under /include-files/<name>.
 *
 *   struct include inc;
 *   include_init(&inc, &boot_archive, &base_archive);
 *   include_add(&inc, "jq", &d);          each -i argument
 *   include_finish(&inc, &d);             add the libraries they need
 *   include_release(&inc);
 *
 * An argument that starts with '/' or '.' or holds a '/' must exist.  A bare
 * name is used if it exists in the current directory, else it is the first
 * executable file of that name on PATH.  A file lands at
 * /include-files/<basename> with its permission bits; a directory is walked
 * (following symlinks, keeping empty directories) into
 * /include-files/<dirname>/...; sockets, FIFOs and devices inside it are
 * skipped and counted in inc.skipped.  Executable ELF files bring their
 * interpreter and libraries (elfdeps.h); those already in the base archive
 * are not added again.  Missing files, unresolvable libraries and two
 * sources for one guest path are errors (-ENOENT, -EEXIST) named in the diag.
 */
#ifndef KTSTR_VMM_INCLUDE_H
#define KTSTR_VMM_INCLUDE_H

#include <stddef.h>

#include "elfdeps.h"
#include "err.h"
#include "initramfs.h"

#define INCLUDE_DIR "include-files"

struct include {
	struct initramfs *ar;	      /* borrowed: where entries go */
	const struct initramfs *base; /* borrowed: already in the guest; may be NULL */
	struct elfdeps deps;
	size_t skipped; /* special files left out of directories */
};

void include_init(struct include *inc, struct initramfs *ar, const struct initramfs *base);
void include_release(struct include *inc);
int include_add(struct include *inc, const char *arg, struct kt_diag *d);
int include_finish(struct include *inc, struct kt_diag *d);

#endif
