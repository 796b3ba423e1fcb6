/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The base initramfs: what every boot needs and what rarely changes, built
 * once and cached by content hash.
 *
 *   /init                  vmm/guest-init.sh (busybox script)
 *   /bin/busybox           + a symlink per applet (busybox --list-full)
 *   /dev/console           for init's first output
 *   /ktstr/bin/ktstr*      the ktstr tools found next to the running ktstr-vm
 *   /etc/ld.so.cache       the host's, so the guest loader finds what we pack
 *   /usr/lib/..., /lib64/...  every library and interpreter those need, at
 *                          its real path, plus a symlink where the loader looks
 *
 *   struct base b;
 *   base_init(&b, tools_dir, busybox, cache_dir);
 *   base_build(&b, &d);            the archive model, and its hash
 *   base_path(&b, &path, &d);      the cached archive file, written if missing
 *   base_release(&b);
 *
 * Cache file: <cache_dir>/base-<16 hex digits>.cpio, written to a temporary
 * name and renamed, so concurrent builders never see half an archive.  Each
 * use refreshes its mtime; when a new file is stored, other base files not
 * used for BASE_KEEP_DAYS days are removed.
 */
#ifndef KTSTR_VMM_BASE_H
#define KTSTR_VMM_BASE_H

#include <stdint.h>

#include "elfdeps.h"
#include "err.h"
#include "initramfs.h"

#define BASE_KEEP_DAYS 7

struct base {
	const char *tools_dir; /* borrowed */
	const char *busybox;   /* borrowed */
	const char *cache_dir; /* borrowed */
	struct initramfs ar;
	uint64_t hash;
	char *path; /* owned; set by base_path() */
};

void base_init(struct base *b, const char *tools_dir, const char *busybox, const char *cache_dir);
void base_release(struct base *b);
int base_build(struct base *b, struct kt_diag *d);
int base_path(struct base *b, const char **path, struct kt_diag *d);

/*
 * Add a program and everything it needs to ar: the program at path, its
 * libraries at their real paths with a symlink where the loader finds them.
 * Entries already in skip (may be NULL) are not added again.  Used by the
 * base and by include files.
 */
int base_add_libs(struct initramfs *ar, const struct initramfs *skip, const struct elfdeps *deps,
		  struct kt_diag *d);

#endif
