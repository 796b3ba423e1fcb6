/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr-kernel does, as functions over the cache (kcache, kstore),
 * the builder (kbuild) and the downloader (kfetch):
 *
 *   struct kops k = { .root = paths_cache_dir(), .jobs = n, .note = say };
 *   kops_init(&k, &diag);                      fragment, its hash, the arch
 *   kops_build_source(&k, dir, img, sizeof(img), &diag);
 *   kops_build_version(&k, "6.12", img, sizeof(img), &diag);
 *   kops_resolve(&k, id, img, sizeof(img), &diag);
 *   kops_add(&k, &add, img, sizeof(img), &diag);
 *   kops_release(&k);
 *
 * Each returns 0 with the entry's image path in img, or -errno with a diag:
 * -EINVAL/-ENOENT for an id or argument that names nothing usable (an image
 * that is a directory or no bzImage included), -EEXIST for an entry that add
 * would replace without force, -EIO for a failed build or a missing required
 * config option, -EBADMSG for a corrupt download, -EINTR for a stop signal,
 * others for the environment (a cache that is no directory included): their
 * diag names the path and strerror.
 *
 * Cache keys (kc: kconfig_hash of the fragment):
 *   <version>-tarball-<arch>-kc<kc>          a kernel.org release
 *   local-<version>-g<commit12>-<arch>-kc<kc> a clean git tree
 *   local-<version>-p<pathhash8>-<arch>-kc<kc> any other tree; rebuilt with
 *                                             make (incremental) each time
 *   <name>, or image-<sha12>                 an image registered with add
 */
#ifndef KTSTR_KOPS_H
#define KTSTR_KOPS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "kcache.h"
#include "kconfig.h"

struct kops {
	const char *root;
	unsigned jobs;
	bool force;	    /* build even when the key is cached */
	const char *mirror; /* NULL: $KTSTR_KERNEL_MIRROR or kernel.org */
	void (*note)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
	/* filled by kops_init */
	struct kconfig_frag frag;
	char kc[KCONFIG_HASH_LEN];
	const char *arch, *image_path, *image_name;
};

struct kops_add {
	const char *image;
	const char *vmlinux; /* optional */
	const char *config;  /* optional */
	const char *name;    /* optional key */
};

int kops_init(struct kops *k, struct kt_diag *d);
void kops_release(struct kops *k);

int kops_build_source(struct kops *k, const char *dir, char *img, size_t size,
		      struct kt_diag *d);
int kops_build_version(struct kops *k, const char *version, char *img, size_t size,
		       struct kt_diag *d);
int kops_resolve(struct kops *k, const char *id, char *img, size_t size, struct kt_diag *d);
int kops_add(struct kops *k, const struct kops_add *a, char *img, size_t size,
	     struct kt_diag *d);

/* "matches", "stale" (built with another fragment) or "untracked" (no fragment). */
const char *kops_kconfig_status(const struct kops *k, const struct kcache_entry *e);

#endif
