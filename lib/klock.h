/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few flock(2) operations the kernel cache needs, kept behind this
 * small interface until lib/flock (ktstr-locks) takes them over.
 *
 *   int fd;
 *   rc = klock_take(path, KLOCK_EXCL, &fd);   waits; -EINTR on a signal
 *   rc = klock_take(path, KLOCK_TRY_EXCL, &fd);   -EWOULDBLOCK if held
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
/* A process holding a lock on path, from /proc/locks, or 0 if none is seen. */
pid_t klock_holder(const char *path);

#endif
