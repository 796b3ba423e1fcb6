/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One thread of a host-state capture: read /proc/<tgid>/task/<tid>/{stat,
 * schedstat,status,io,sched,cgroup} and write the thread's JSON object
 * (its members are listed in ktstr-hst(1)).
 *
 *   struct hst_reader *r = hst_reader_new(&layout);     one per worker thread
 *   rc = hst_reader_thread(r, procfd, tgid, tid, pcomm, &w);
 *           1: written; 0: the thread has exited (nothing written); -ENOMEM
 *   r->cgroups          the distinct "hierarchy:path" pairs with counters to read
 *   r->unreadable[...]  threads per file that could not be read, first errno
 *   hst_reader_free(r);
 *
 * Each file is opened relative to the thread's directory and read with one
 * read(2) into a buffer the reader keeps, so a walk allocates nothing per
 * thread.  A thread whose stat can no longer be opened has exited.  Any
 * other file that is missing or unreadable, and any field that does not
 * parse, is null in the output, never 0.
 */
#ifndef KTSTR_HST_THREAD_H
#define KTSTR_HST_THREAD_H

#include <stdint.h>

#include "cpulist.h"
#include "hst_cgroup.h"
#include "jsonw.h"
#include "procfs.h"
#include "strtab.h"

enum hst_file_kind {
	HST_F_STAT,
	HST_F_SCHEDSTAT,
	HST_F_STATUS,
	HST_F_IO,
	HST_F_SCHED,
	HST_F_CGROUP,
	HST_NFILES,
};

#define HST_MAX_KEYS 256 /* per map; twice what /proc/<pid>/sched prints with schedstats */

/* Keys already written into the current JSON map: a garbled file may repeat one. */
struct hst_keyset {
	struct {
		uint64_t h;
		const char *k;
		unsigned gen; /* a slot of an older generation is empty */
	} slot[HST_MAX_KEYS * 2];
	size_t n;
	unsigned gen;
};

struct hst_reader {
	const struct hst_cgroup_layout *layout; /* borrowed */
	int64_t ns_per_tick;
	struct procfs_buf buf[HST_NFILES];
	struct strtab cgroups;
	struct cpulist cpus; /* scratch for checking Cpus_allowed_list */
	struct hst_keyset keys;
	size_t unreadable[HST_NFILES];
	int unreadable_errno[HST_NFILES]; /* positive errno */
};

struct hst_reader *hst_reader_new(const struct hst_cgroup_layout *layout, long clk_tck);
void hst_reader_free(struct hst_reader *r);
int hst_reader_thread(struct hst_reader *r, int procfd, uint32_t tgid, uint32_t tid,
		      const char *pcomm, struct jsonw *w);
/* "stat", "schedstat", ... */
const char *hst_file_kind_name(enum hst_file_kind k);

#endif
