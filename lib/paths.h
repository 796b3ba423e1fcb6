/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where ktstr looks at the system.  Each root is read once from its
 * environment override so tests can point a tool at a fake tree:
 *
 *   KTSTR_SYSFS_ROOT   default /sys
 *   KTSTR_PROC_ROOT    default /proc
 *   KTSTR_CGROUP_ROOT  default /sys/fs/cgroup
 *   KTSTR_LOCK_DIR     default /tmp
 *   KTSTR_CACHE_DIR    default $XDG_CACHE_HOME/ktstr/kernels, else ~/.cache/ktstr/kernels
 *   KTSTR_SCHED_DIR    sched_ext schedulers built for tests and found by name:
 *                      default $XDG_CACHE_HOME/ktstr/schedulers, else ~/.cache/ktstr/schedulers
 *   KTSTR_DEV_ROOT     default /dev (for /dev/kmsg)
 *
 * An empty variable counts as unset.  Returned strings live for the whole
 * process and carry no trailing slash.
 */
#ifndef KTSTR_PATHS_H
#define KTSTR_PATHS_H

#include <stddef.h>

const char *paths_sysfs(void);
const char *paths_proc(void);
const char *paths_cgroup(void);
const char *paths_lock_dir(void);
const char *paths_cache_dir(void);
const char *paths_sched_dir(void);
const char *paths_dev(void);

/* snprintf into buf; -ENAMETOOLONG instead of a silently cut path. */
int paths_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
