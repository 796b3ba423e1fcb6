/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a kernel cache entry atomically: files go into a staging
 * directory "<root>/.tmp-<key>-<pid>", which the writer holds locked, and
 * one rename() makes the entry appear whole.  An entry that already exists
 * is swapped out (renameat2 RENAME_EXCHANGE) and deleted; the caller holds
 * the entry's lock exclusively for that (kcache_lock).
 *
 *   struct kstore s;
 *   kstore_begin(&s, root, key);
 *   kstore_put(&s, "/src/arch/x86/boot/bzImage", "bzImage", false);
 *   int fd = kstore_open(&s, "build.log");     write the log as it comes
 *   kstore_commit(&s, meta);                   or kstore_abort(&s)
 *
 * A staging directory whose lock nobody holds is an orphan of a killed
 * writer; kstore_sweep() removes those.  kstore_begin() is -EBUSY when a
 * live writer with our pid (another pid namespace) holds our staging name.
 */
#ifndef KTSTR_KSTORE_H
#define KTSTR_KSTORE_H

#include <limits.h>
#include <stdbool.h>

#include <jansson.h>

#include "kcache.h"

struct kstore {
	char root[PATH_MAX];
	char key[KCACHE_KEY_MAX];
	char tmp[PATH_MAX];
	int lock_fd;
};

int kstore_begin(struct kstore *s, const char *root, const char *key);
/* Copy src into the staging directory as name (move = rename it, falling back to a copy). */
int kstore_put(struct kstore *s, const char *src, const char *name, bool move);
/* Create name in the staging directory for writing; returns an fd or -errno. */
int kstore_open(struct kstore *s, const char *name);
/*
 * Write metadata.json (adding "key", "size_bytes" and "created_s"/"created_at")
 * and publish the entry.  The staging directory is gone afterwards either way.
 */
int kstore_commit(struct kstore *s, json_t *meta);
void kstore_abort(struct kstore *s);
/* Remove orphaned staging directories; returns how many. */
int kstore_sweep(const char *root);

#endif
