/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock files: the primitive under every ktstr reservation.
 *
 *   char path[PATH_MAX];
 *   flock_path(FLOCK_LLC, "3", path, sizeof(path), &diag);   <lock dir>/ktstr-llc-3.lock
 *   int fd = -1;
 *   rc = flock_take(path, FLOCK_EXCLUSIVE, &fd, &diag);
 *        0: held until flock_drop(&fd) or exit; -EWOULDBLOCK: someone else
 *        holds it; other -errno: the diag says why (network file system,
 *        not a regular file, no such directory ...)
 *   rc = flock_take_timed(path, FLOCK_SHARED, 10 * KTIME_NS_PER_SEC, &fd, &diag);
 *        polls every 100 ms; on -EWOULDBLOCK the diag names the holders
 *   flock_drop(&fd);
 *
 * Where lock files live:
 *   FLOCK_LLC    $KTSTR_LOCK_DIR/ktstr-llc-<index>.lock   an LLC, by topology index
 *   FLOCK_CPU    $KTSTR_LOCK_DIR/ktstr-cpu-<cpu>.lock     one CPU
 *   FLOCK_RUN    $KTSTR_LOCK_DIR/ktstr-run-<key>.lock     a run directory
 *   FLOCK_CACHE  <cache dir>/.locks/<key>.lock             a kernel cache entry
 * ($KTSTR_LOCK_DIR defaults to /tmp; the cache dir is paths_cache_dir().)
 *
 * Lock files are never deleted: a process blocked on a file that another one
 * unlinks and recreates would hold a lock on an inode nobody else can see.
 * A new file is made mode 0666 despite the umask, so another user's run can
 * take the same lock; an existing file we may not write is opened read-only
 * (flock does not need write access).  Symbolic links and anything but a
 * regular file are refused, so a planted link or FIFO in /tmp cannot
 * redirect or hang us.  Directories on network file systems are refused:
 * their flock does not exclude other hosts, or not reliably.
 *
 * Descriptors are O_CLOEXEC, so an exec'd child does not keep a lock alive,
 * but a fork()ed child shares it until it exits or closes the descriptor.
 */
#ifndef KTSTR_FLOCK_H
#define KTSTR_FLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum flock_kind {
	FLOCK_LLC,
	FLOCK_CPU,
	FLOCK_CACHE,
	FLOCK_RUN,
};

enum flock_mode {
	FLOCK_SHARED,
	FLOCK_EXCLUSIVE,
};

/* How often flock_take_timed() (and lib/reserve) try again. */
#define FLOCK_POLL_NS (100 * 1000 * 1000ull)
#define FLOCK_KEY_MAX 128

/* The directory holding lock files of this kind, without a trailing slash. */
int flock_dir(enum flock_kind kind, char *buf, size_t size);
/*
 * The lock file for key.  LLC and CPU keys are decimal numbers without
 * leading zeros; cache and run keys are 1..128 characters of [A-Za-z0-9._+-]
 * not starting with '.'.  A bad key is -EINVAL with the rule in the diag.
 */
int flock_path(enum flock_kind kind, const char *key, char *buf, size_t size, struct kt_diag *d);
/* The key of a file name in flock_dir(kind), or -EINVAL when the name is not one of ours. */
int flock_name_key(enum flock_kind kind, const char *name, char *key, size_t size);
/* -EREMOTE with the file system named in the diag when dir is on a network file system. */
int flock_fs_check(const char *dir, struct kt_diag *d);

int flock_take(const char *path, enum flock_mode mode, int *fd, struct kt_diag *d);
/* -EINTR when a stop signal (lib/sig) arrives while waiting. */
int flock_take_timed(const char *path, enum flock_mode mode, uint64_t timeout_ns, int *fd,
		     struct kt_diag *d);
/* Close *fd (releasing its lock) and set it to -1; a no-op for -1. */
void flock_drop(int *fd);

#endif
