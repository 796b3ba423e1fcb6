/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flock(2) operations of the kernel cache.  They differ from lib/flock's
 * reservation locks on purpose: a cache user waits for an entry without
 * polling, staging directories are locked themselves, and an entry's lock
 * file goes with the entry (lib/flock never deletes its files).  Who holds
 * a lock is lib/locktable's business for both.
 *
 *   int fd;
 *   rc = klock_take(path, KLOCK_EXCL, &fd);   waits; -EINTR on a signal
 *   rc = klock_take(path, KLOCK_TRY_EXCL, &fd);   -EWOULDBLOCK if held
 *   any other -errno: the lock cannot be taken at all (-EACCES when the
 *   lock file does not exist and we may not create it)
 *   ... klock_remove(path, fd) to delete the lock file with the lock held,
 *   or klock_release(fd).
 *
 * The lock file (and its directory) is created on demand.  A taker that
 * wins the lock on a file someone has just unlinked notices and retries, so
 * removing lock files is safe.
 */
#ifndef KTSTR_KLOCK_H
#define KTSTR_KLOCK_H

#include <sys/types.h>

enum klock_mode {
	KLOCK_SHARED,
	KLOCK_EXCL,
	KLOCK_TRY_EXCL,
	KLOCK_TRY_SHARED,
};

int klock_take(const char *path, enum klock_mode mode, int *fd);
/* Lock a directory itself (no file is created): for staging directories. */
int klock_dir(const char *dir, enum klock_mode mode, int *fd);
void klock_release(int fd);
/* Unlink path, which fd holds exclusively, then release it. */
void klock_remove(const char *path, int fd);

#endif
