/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "host" object of a host-state snapshot: what the threads ran on.
 * Everything comes from files under the proc and sysfs roots (so fixtures
 * can supply it) and each member is null when its file is missing:
 *
 *   hostname, kernel_release, kernel_version, arch    <proc>/sys/kernel/{hostname,
 *                                                     osrelease,version,arch}
 *   kernel_cmdline                                    <proc>/cmdline
 *   cpus_online, nr_cpus_online                       <sysfs>/devices/system/cpu/online
 *   clk_tck                                           sysconf(_SC_CLK_TCK)
 *   sched_ext {state, ops, switch_all, nr_rejected, enable_seq, hotplug_seq}
 *                                                     <sysfs>/kernel/sched_ext, null if absent
 *   sched_sysctls {name: text}                        <proc>/sys/kernel/sched_*
 *   sched_debugfs {name: text}                        <sysfs>/kernel/debug/sched, null if absent
 *   cgroup_layout                                     see hst_cgroup.h
 *
 *   hst_host_write(&w, paths_proc(), paths_sysfs(), &layout, &buf);
 */
#ifndef KTSTR_HST_HOST_H
#define KTSTR_HST_HOST_H

#include "hst_cgroup.h"
#include "jsonw.h"
#include "procfs.h"

void hst_host_write(struct jsonw *w, const char *proc_root, const char *sysfs_root,
		    const struct hst_cgroup_layout *l, struct procfs_buf *b);

#endif
