/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File-system operations with a deadline.  A write to cgroupfs, a mkdir or
 * an rmdir there can block in the kernel (cgroup_mutex held elsewhere, a
 * sched_ext scheduler stalling a migration), and such a sleep is often not
 * interruptible by signals.  So each operation runs on its own short-lived
 * thread and the caller waits at most timeout_ms:
 *
 *   rc = fsop_write(path, "0-3", 2000);   0, -errno, or -ETIMEDOUT
 *   rc = fsop_mkdir(path, 2000);
 *   rc = fsop_rmdir(path, 2000);
 *
 * After -ETIMEDOUT the operation may still complete later; its thread is
 * detached and frees its own state.  A thread costs tens of microseconds,
 * which is small next to the cgroup operation itself.
 */
#ifndef KTSTR_FSOP_H
#define KTSTR_FSOP_H

#define FSOP_TIMEOUT_MS 2000

int fsop_write(const char *path, const char *s, unsigned timeout_ms);
int fsop_mkdir(const char *path, unsigned timeout_ms);
int fsop_rmdir(const char *path, unsigned timeout_ms);

#endif
