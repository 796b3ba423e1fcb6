/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who holds a lock file: one snapshot of the kernel's flock table
 * ($KTSTR_PROC_ROOT/locks) and of this process's mount table
 * ($KTSTR_PROC_ROOT/self/mountinfo), then any number of look-ups.
 *
 *   struct locktable lt;
 *   locktable_init(&lt);
 *   if (locktable_load(&lt, &diag) < 0) ...          /proc/locks unreadable
 *   struct lockholders h;
 *   lockholders_init(&h);
 *   locktable_holders(&lt, "/tmp/ktstr-llc-0.lock", &h);
 *   for (i = 0; i < h.n; i++) h.v[i].pid, h.v[i].exclusive
 *   locktable_cmdline(h.v[0].pid, buf, sizeof(buf));    for people
 *   locktable_describe(&lt, path, buf, sizeof(buf));    "pid 12 'cmd' (exclusive)"
 *   lockholders_release(&h);
 *   locktable_release(&lt);
 *
 * Only FLOCK entries count (POSIX, OFD locks and leases are other
 * mechanisms; "->" lines are waiters, not holders).  /proc/locks names a
 * file by the device of its superblock and its inode.  For overlay, btrfs
 * and bind mounts stat()'s st_dev may differ from that device, so a file
 * matches when the inode is equal and the device is either the device of the
 * mount it lives on (the longest mount point that is a path-component
 * prefix of its canonical path) or its st_dev; both name this file, so
 * accepting either cannot attribute someone else's lock.  A pid is listed
 * once, exclusive if any of its locks on the file is.
 *
 * Reading is all this module does: it never opens a lock file.
 */
#ifndef KTSTR_LOCKTABLE_H
#define KTSTR_LOCKTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Room for 100 characters of command line (up to 4 bytes each), an ellipsis and the NUL. */
#define LOCKTABLE_CMDLINE_MAX (100 * 4 + 3 + 1)

struct locktable_lock {
	unsigned dev_major, dev_minor;
	unsigned long long ino;
	pid_t pid;
	bool exclusive;
};

struct locktable_mount {
	unsigned dev_major, dev_minor;
	char *dir; /* owned; octal escapes decoded */
};

struct locktable {
	struct locktable_lock *locks; /* owned */
	size_t nlocks;
	struct locktable_mount *mounts; /* owned, in mountinfo order */
	size_t nmounts;
};

struct lockholder {
	pid_t pid;
	bool exclusive;
};

struct lockholders {
	struct lockholder *v; /* owned, in /proc/locks order */
	size_t n;
};

void locktable_init(struct locktable *lt);
void locktable_release(struct locktable *lt);
/*
 * Read /proc/locks and /proc/self/mountinfo.  A missing or unreadable
 * mountinfo is not an error (st_dev still matches on plain file systems);
 * an unreadable /proc/locks is, and the diag names the file.
 */
int locktable_load(struct locktable *lt, struct kt_diag *d);
/* Holders of the file at path; -errno when it cannot be stat()ed. */
int locktable_holders(const struct locktable *lt, const char *path, struct lockholders *out);

void lockholders_init(struct lockholders *h);
void lockholders_release(struct lockholders *h);

/*
 * A holder's command line for people: NUL separators become spaces,
 * control characters and invalid UTF-8 become '?', trailing blanks go,
 * and anything past 100 characters becomes an ellipsis.  A process with
 * no command line (a kernel thread) shows as "[comm]"; one that has gone
 * as "<cmdline unavailable>".  Always fills buf (size >= 32).
 */
void locktable_cmdline(pid_t pid, char *buf, size_t size);
/*
 * Who holds path, for a message: "pid 12 'flock -x f sleep 9' (exclusive),
 * pid 14 '...' (shared)", "no holder found" or why the lookup failed.
 * Long lists end in "and N more"; always fills buf.
 */
void locktable_describe(const struct locktable *lt, const char *path, char *buf, size_t size);
/*
 * The same from a snapshot taken now, for one message: "holder unknown (why)"
 * when the lock table cannot be read.  LOCKTABLE_DESCRIBE_MAX is the buffer
 * a one-line message gives it.
 */
#define LOCKTABLE_DESCRIBE_MAX 384
void locktable_describe_now(const char *path, char *buf, size_t size);

#endif
