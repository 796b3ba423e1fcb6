/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel image cache: one directory per entry under the cache root
 * (paths_cache_dir()), named by its cache key, holding the boot image,
 * vmlinux when there is one, the final .config, the build log and
 * metadata.json.  Names starting with '.' are never entries: .locks/ holds
 * the lock files, .tmp-* are entries being written (see kstore.h).
 *
 *   struct kcache_entry *v; size_t n;
 *   kcache_list(root, &v, &n);              newest first, corrupt ones last
 *   ... v[i].key, v[i].image, v[i].meta (jansson, NULL when corrupt) ...
 *   kcache_list_free(v, n);
 *
 * An entry is corrupt when its metadata.json is missing, unparsable, lacks a
 * field, or names a key other than its directory's (a copied directory), or
 * when its image is missing.
 *
 * Locks, in <root>/.locks/:
 *   <key>.lock         held shared by whoever uses the entry (a VM: see
 *                      kcache_hold_image), exclusively to remove or replace it
 *   build-<key>.lock   held by a build of that key, so a second one waits
 *   source-<h>.lock    held by a build in a source tree (h: hash of its path)
 */
#ifndef KTSTR_KCACHE_H
#define KTSTR_KCACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "klock.h"

#define KCACHE_KEY_MAX 128

struct kcache_entry {
	char key[KCACHE_KEY_MAX];
	char dir[PATH_MAX];
	char image[PATH_MAX]; /* "" when corrupt */
	json_t *meta;	      /* owned; NULL when corrupt */
	char corrupt[128];    /* why the entry is unusable, "" when it is fine */
	int64_t created_s;    /* from metadata, else the directory's mtime */
	uint64_t size_bytes;  /* of the whole directory */
};

/* A usable key: [A-Za-z0-9._+-], 1..127 chars, not starting with '.'. */
int kcache_key_check(const char *key, struct kt_diag *d);

/* Load one entry; 0 also for a corrupt one (e->corrupt says why), -ENOENT if absent. */
int kcache_entry_load(const char *root, const char *key, struct kcache_entry *e);
void kcache_entry_release(struct kcache_entry *e);

int kcache_list(const char *root, struct kcache_entry **out, size_t *n);
void kcache_list_free(struct kcache_entry *v, size_t n);

/* Create the root and its parents (~/.cache/ktstr); done by kcache_lock too. */
int kcache_mkroot(const char *root);

/*
 * Lock "<root>/.locks/<prefix><name>.lock" (prefix "" for the entry lock itself):
 * -EWOULDBLOCK when a KLOCK_TRY_* finds it held, other -errno when the cache
 * cannot be locked at all (kcache_lock_path gives the path for the message).
 */
int kcache_lock_path(char *buf, size_t size, const char *root, const char *prefix,
		     const char *name);
int kcache_lock(const char *root, const char *prefix, const char *name, enum klock_mode mode,
		int *fd);
/* Release a lock taken with kcache_lock, deleting its file when we held it alone. */
void kcache_unlock(const char *root, const char *prefix, const char *name, int fd);
/* Who holds that lock, for a message: "pid 12 'ktstr-vm ...' (shared)" (lib/locktable). */
void kcache_lock_describe(const char *root, const char *prefix, const char *name, char *buf,
			  size_t size);

/*
 * For a VM: hold the entry that contains image (shared) for as long as fd
 * stays open, so "clean" leaves it alone.  -ENOENT if image is not in the cache.
 */
int kcache_hold_image(const char *image, int *fd);

/* Remove an entry's directory and its lock file; the caller holds lock_fd exclusively. */
int kcache_remove(const char *root, const char *key, int lock_fd);
/* rm -rf, for entries and staging directories. */
int kcache_rmtree(const char *path);

#endif
