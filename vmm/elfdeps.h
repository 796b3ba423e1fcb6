/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a dynamically linked ELF program needs in order to run elsewhere:
 * its interpreter (PT_INTERP) and the closure of its DT_NEEDED libraries,
 * found the way glibc's loader finds them:
 *
 *   a name with a '/'      used as it is
 *   DT_RPATH               of the object, then of the program (only when the
 *                          object has no DT_RUNPATH)
 *   DT_RUNPATH             of the object
 *   /etc/ld.so.cache       entries for the object's class and machine
 *   default directories    /lib/<triplet>, /usr/lib/<triplet>, /lib64,
 *                          /usr/lib64, /lib, /usr/lib
 *
 * $ORIGIN, $LIB and $PLATFORM are expanded in RPATH/RUNPATH.  A candidate
 * must be a regular ELF file of the same class and machine.  LD_LIBRARY_PATH
 * is ignored on purpose: the guest will not have it.
 *
 *   struct elfdeps deps;
 *   elfdeps_init(&deps);
 *   rc = elfdeps_add(&deps, "/usr/bin/jq", &d);   1 dynamic, 0 static or not ELF
 *   for (i = 0; i < deps.n; i++) deps.lib[i].found, deps.lib[i].real
 *   elfdeps_release(&deps);
 *
 * Libraries shared by several programs are listed once.  A library that
 * cannot be found makes elfdeps_add() return -ENOENT with every missing
 * name in the diag; what was found is kept.
 */
#ifndef KTSTR_VMM_ELFDEPS_H
#define KTSTR_VMM_ELFDEPS_H

#include <stddef.h>

#include "err.h"

struct elfdeps_lib {
	char *found; /* owned; the path the loader opens, e.g. /lib64/ld-linux-x86-64.so.2 */
	char *real;  /* owned; that path with every symlink resolved */
};

struct elfdeps {
	struct elfdeps_lib *lib; /* owned */
	size_t n, cap;
	const char *ldcache_path; /* default /etc/ld.so.cache; tests may point elsewhere */
	char *ldcache;		  /* owned; the cache file, read on first use */
	size_t ldcache_len;
	int ldcache_loaded;
};

void elfdeps_init(struct elfdeps *deps);
void elfdeps_release(struct elfdeps *deps);
int elfdeps_add(struct elfdeps *deps, const char *path, struct kt_diag *d);
/* 1 if path is an ELF file (of any kind), 0 if not, -errno if unreadable. */
int elfdeps_is_elf(const char *path);

#endif
